/**
 * The snippets in snippets/: each SQL snippet, expanded with its default values, runs in a real
 * PostgreSQL (PGlite) after the prerequisites its description names, and the engine finds nothing
 * to say about the result (no syntax error, no finding: they are the architect's own patterns).
 * Each Prisma snippet, placed where its description says (top level or inside a model), makes a
 * schema that Prisma's own validator (prisma-schema-wasm) accepts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { validate as validatePrismaSchema } from '@prisma/prisma-schema-wasm';
import { lintProject } from '../../server/src/engine/lint';
import { closePostgres, postgres, reset, runScript } from '../support/postgres';
import { expandSnippet } from './expand';

interface Snippet {
  prefix: string;
  description: string;
  body: string | string[];
}

function load(file: string): Map<string, Snippet> {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Snippet>;
  return new Map(Object.values(json).map((s) => [s.prefix, s]));
}

const sqlSnippets = load('snippets/sql.json');
const prismaSnippets = load('snippets/prisma.json');

const SET_UPDATED_AT = `CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;`;

/** A table the way the snippets themselves write one (so the prerequisites lint clean too). */
function table(name: string, extra = '', idType = 'bigint GENERATED ALWAYS AS IDENTITY'): string {
  return `CREATE TABLE ${name} (
  id ${idType} PRIMARY KEY,${extra}
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER ${name}_set_updated_at BEFORE UPDATE ON ${name} FOR EACH ROW EXECUTE FUNCTION set_updated_at();`;
}
const TENANTS = table('tenants', '\n  name text NOT NULL,', 'uuid DEFAULT gen_random_uuid()');
const PROJECTS = `${table('projects', '\n  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,')}
CREATE INDEX projects_tenant_id_idx ON projects (tenant_id);`;

/**
 * What each SQL snippet needs before it (as its description says), and what to check after it
 * ran beyond "it runs": a query whose result proves the pattern works.
 */
const sqlCases: Record<
  string,
  { setup: string; check?: (db: Awaited<ReturnType<typeof postgres>>) => Promise<void> }
> = {
  db_table: {
    setup: SET_UPDATED_AT,
    check: async (db) => {
      await db.exec(`INSERT INTO items (name, updated_at) VALUES ('a', now() - interval '1 day')`);
      await db.exec(`UPDATE items SET name = 'b'`);
      const r = await db.query<{ fresh: boolean }>(
        `SELECT updated_at > now() - interval '1 minute' AS fresh FROM items`,
      );
      assert.equal(r.rows[0].fresh, true, 'the trigger keeps updated_at current');
    },
  },
  db_soft_delete: {
    setup: `${SET_UPDATED_AT}\n${table('customers', '\n  email text NOT NULL,')}`,
    check: async (db) => {
      const r = await db.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE indexname = 'customers_active_idx'`,
      );
      assert.match(r.rows[0]?.indexdef ?? '', /WHERE \(deleted_at IS NULL\)/);
    },
  },
  db_tenant_table: { setup: `${SET_UPDATED_AT}\n${TENANTS}` },
  db_rls: {
    setup: `${SET_UPDATED_AT}\n${TENANTS}\n${PROJECTS}`,
    check: async (db) => {
      // Superusers bypass row-level security, even forced: check it as an ordinary role.
      await db.exec(`
        INSERT INTO tenants (id, name) VALUES ('00000000-0000-0000-0000-00000000000a', 'a'), ('00000000-0000-0000-0000-00000000000b', 'b');
        INSERT INTO projects (tenant_id) VALUES ('00000000-0000-0000-0000-00000000000a'), ('00000000-0000-0000-0000-00000000000b');
        CREATE ROLE snippet_app;
        GRANT USAGE ON SCHEMA public TO snippet_app;
        GRANT SELECT, INSERT ON projects TO snippet_app;
        SET ROLE snippet_app;
        SET app.tenant_id = '00000000-0000-0000-0000-00000000000a';`);
      try {
        const r = await db.query<{ tenant_id: string }>('SELECT tenant_id FROM projects');
        assert.deepEqual(
          r.rows.map((x) => x.tenant_id),
          ['00000000-0000-0000-0000-00000000000a'],
        );
        await assert.rejects(
          db.exec(`INSERT INTO projects (tenant_id) VALUES ('00000000-0000-0000-0000-00000000000b')`),
          /row-level security/,
        );
        await db.exec('RESET app.tenant_id');
        const none = await db.query('SELECT * FROM projects');
        assert.equal(none.rows.length, 0, 'no tenant set: no rows (and no error)');
      } finally {
        await db.exec('RESET ROLE');
      }
    },
  },
  db_fk: {
    setup: `${SET_UPDATED_AT}\n${table('customers', '\n  email text NOT NULL,')}\n${table('orders')}`,
    check: async (db) => {
      const r = await db.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'orders_customer_id_idx'`);
      assert.equal(r.rows.length, 1);
    },
  },
  db_updated_at: {
    setup: `CREATE TABLE items (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);`,
    check: async (db) => {
      await db.exec(`INSERT INTO items (name, updated_at) VALUES ('a', now() - interval '1 day')`);
      await db.exec(`UPDATE items SET name = 'b'`);
      const r = await db.query<{ fresh: boolean }>(
        `SELECT updated_at > now() - interval '1 minute' AS fresh FROM items`,
      );
      assert.equal(r.rows[0].fresh, true);
    },
  },
  db_join_table: {
    setup: `${SET_UPDATED_AT}\n${table('products', '\n  sku text NOT NULL,')}\n${table('tags', '\n  label text NOT NULL,')}`,
  },
  db_status: {
    setup: `${SET_UPDATED_AT}\n${table('orders')}`,
    check: async (db) => {
      await db.exec('INSERT INTO orders DEFAULT VALUES');
      const r = await db.query<{ status: string }>('SELECT status FROM orders');
      assert.equal(r.rows[0].status, 'pending');
      await assert.rejects(db.exec(`UPDATE orders SET status = 'lost'`), /orders_status_check/);
    },
  },
};

describe('SQL snippets', () => {
  after(closePostgres);

  it('every SQL snippet has a case here, and every case a snippet', () => {
    assert.deepEqual([...sqlSnippets.keys()].sort(), Object.keys(sqlCases).sort());
  });

  for (const [prefix, snippet] of sqlSnippets) {
    it(`${prefix} runs in PostgreSQL and lints clean`, async () => {
      const c = sqlCases[prefix];
      assert.ok(c, `no test case for snippet ${prefix}`);
      const sql = expandSnippet(snippet.body);
      assert.doesNotMatch(sql, /\$\{|\$\d/, 'every placeholder expanded');
      const file = `${c.setup}\n\n${sql}`;

      const { findings } = await lintProject([{ path: 'schema.sql', text: file }]);
      assert.deepEqual(
        findings.filter((f) => f.ruleId === 'syntax-error').map((f) => f.message),
        [],
        'no syntax error',
      );
      assert.deepEqual(
        findings.map((f) => `${f.ruleId}: ${f.message}`),
        [],
        'the pattern raises no finding',
      );

      const db = await postgres();
      await reset(db);
      await runScript(db, file);
      await c.check?.(db);
    });
  }
});

// Prisma's validator is Rust compiled to WebAssembly; it reports panics through this global.
(globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY = {
  set_message: (message: string) => {
    throw new Error(`prisma-schema-wasm panicked: ${message}`);
  },
};

const PRISMA_HEAD = `generator client {
  provider        = "prisma-client"
  output          = "./generated"
  previewFeatures = ["partialIndexes"]
}

datasource db {
  provider = "postgresql"
}
`;

/** Where each Prisma snippet goes: at the top level beside `models`, or into `host` at `<>`. */
const prismaCases: Record<string, { models?: string; host?: string }> = {
  db_model: {},
  db_soft_delete: { host: 'model Item {\n  id BigInt @id @default(autoincrement())\n  <>\n}' },
  db_tenant_model: { models: 'model Tenant {\n  id String @id @db.Uuid\n  projects Project[]\n}' },
  db_fk: {
    models: 'model Customer {\n  id BigInt @id @default(autoincrement())\n  orders Order[]\n}',
    host: 'model Order {\n  id BigInt @id @default(autoincrement())\n  <>\n}',
  },
  db_updated_at: { host: 'model Item {\n  id BigInt @id @default(autoincrement())\n  <>\n}' },
  db_join_table: {
    models:
      'model Product {\n  id BigInt @id @default(autoincrement())\n  productTags ProductTag[]\n}\n' +
      'model Tag {\n  id BigInt @id @default(autoincrement())\n  productTags ProductTag[]\n}',
  },
  db_status_enum: {},
  db_status: {
    models: 'enum OrderStatus {\n  pending\n  paid\n}',
    host: 'model Order {\n  id BigInt @id @default(autoincrement())\n  <>\n}',
  },
};

function validatePrisma(schema: string): void {
  try {
    validatePrismaSchema(JSON.stringify({ prismaSchema: [['schema.prisma', schema]], noColor: true }));
  } catch (e) {
    let message = String((e as Error).message ?? e);
    try {
      message = (JSON.parse(message) as { message: string }).message;
    } catch {
      // not JSON: keep the text
    }
    assert.fail(`Prisma rejects the schema:\n${message}\n--- schema ---\n${schema}`);
  }
}

describe('Prisma snippets', () => {
  it('the validator itself rejects a broken schema', () => {
    assert.throws(() => validatePrisma(`${PRISMA_HEAD}\nmodel X {\n  id Intt @id\n}\n`));
  });

  it('every Prisma snippet has a case here, and every case a snippet', () => {
    assert.deepEqual([...prismaSnippets.keys()].sort(), Object.keys(prismaCases).sort());
  });

  for (const [prefix, snippet] of prismaSnippets) {
    it(`${prefix} makes a schema Prisma accepts`, () => {
      const c = prismaCases[prefix];
      assert.ok(c, `no test case for snippet ${prefix}`);
      const indent = c.host ? (/^([ \t]*)<>/m.exec(c.host)?.[1] ?? '') : '';
      const text = expandSnippet(snippet.body, indent);
      assert.doesNotMatch(text, /\$\{|\$\d/, 'every placeholder expanded');
      const placed = c.host ? c.host.replace('<>', text) : text;
      validatePrisma(`${PRISMA_HEAD}\n${c.models ?? ''}\n\n${placed}\n`);
    });
  }
});
