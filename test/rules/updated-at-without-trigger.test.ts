import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runFixLoop } from '../../server/src/cli/fix';
import { DEFAULT_CONFIG } from '../../server/src/engine/config/config';
import { applyEdits } from '../../server/src/engine/fixes/apply';
import { lintProject } from '../../server/src/engine/lint';
import { updatedAtWithoutTrigger } from '../../server/src/engine/rules/updated-at-without-trigger';
import { closePostgres, postgres, reset, runScript } from '../support/postgres';
import { ruleTester } from '../support/rule-tester';

const fn =
  'CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;';
const orders = 'CREATE TABLE orders (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());';

ruleTester(updatedAtWithoutTrigger, {
  valid: [
    `${orders}\n${fn}\nCREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();`,
    {
      name: 'any BEFORE UPDATE row trigger counts (Supabase moddatetime)',
      code: `CREATE EXTENSION IF NOT EXISTS moddatetime;\n${orders}\nCREATE TRIGGER handle_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE PROCEDURE moddatetime (updated_at);`,
    },
    {
      name: 'a trigger for INSERT OR UPDATE counts',
      code: `${orders}\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;\nCREATE TRIGGER orders_touch BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();`,
    },
    {
      name: 'no updated_at column',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());',
    },
    {
      name: 'an updated_at that is not a timestamp (a version counter)',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, updated_at bigint NOT NULL DEFAULT 0);',
    },
    {
      name: 'a partition runs its parent’s trigger',
      code: `CREATE TABLE events (id bigint, at date NOT NULL, updated_at timestamptz NOT NULL DEFAULT now()) PARTITION BY RANGE (at);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n${fn}\nCREATE TRIGGER events_set_updated_at BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION set_updated_at();`,
    },
    {
      name: 'the trigger comes in a later migration',
      path: 'supabase/migrations/20240101000000_orders.sql',
      code: orders,
      files: {
        'supabase/migrations/20240201000000_triggers.sql': `${fn}\nCREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();`,
      },
    },
    {
      name: 'a Prisma migration: Prisma Client sets @updatedAt',
      path: 'prisma/migrations/20240101000000_init/migration.sql',
      code: 'CREATE TABLE "Order" ("id" TEXT NOT NULL, "updatedAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "Order_pkey" PRIMARY KEY ("id"));',
    },
    {
      name: 'a table listed in auditExemptTables',
      code: orders,
      config: { auditExemptTables: ['orders'] },
    },
  ],
  invalid: [
    {
      code: 'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  updated_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX orders_updated_at_idx ON orders (updated_at);\n',
      errors: [
        {
          message: 'Column orders.updated_at is not set by a BEFORE UPDATE trigger',
          line: 3,
          column: 3,
          text: 'updated_at timestamptz NOT NULL DEFAULT now()',
        },
      ],
      fixes: [
        {
          title: 'Add trigger orders_set_updated_at setting orders.updated_at on UPDATE',
          output: `CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  updated_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX orders_updated_at_idx ON orders (updated_at);\n${fn}\nCREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();\n`,
        },
      ],
    },
    {
      name: 'the function exists: only the trigger is added, after it; an AFTER trigger does not count',
      code: `${orders}\nCREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;\nCREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit();\n${fn}`,
      errors: [{ message: 'Column orders.updated_at is not set by a BEFORE UPDATE trigger' }],
      output: `${orders}\nCREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;\nCREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit();\n${fn}\nCREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();`,
    },
    {
      name: 'two tables: each fix alone creates the function at the same place',
      code: `${orders}\nCREATE TABLE customers (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());`,
      errors: [
        { message: 'Column orders.updated_at is not set by a BEFORE UPDATE trigger' },
        { message: 'Column customers.updated_at is not set by a BEFORE UPDATE trigger' },
      ],
      fixes: [
        {
          title: 'Add trigger orders_set_updated_at setting orders.updated_at on UPDATE',
          output: `${orders}\n${fn}\nCREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();\nCREATE TABLE customers (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());`,
        },
      ],
    },
    {
      name: 'quoted names, a non-public schema, a configured column name, a taken trigger name',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Orders" (id bigint PRIMARY KEY, "modifiedAt" timestamptz NOT NULL DEFAULT now());\nCREATE FUNCTION app.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER "Orders_set_modifiedAt" AFTER INSERT ON app."Orders" FOR EACH ROW EXECUTE FUNCTION app.noop();',
      config: { auditColumns: { created: 'createdAt', updated: 'modifiedAt' } },
      errors: [{ message: 'Column Orders.modifiedAt is not set by a BEFORE UPDATE trigger', line: 2 }],
      output:
        'CREATE SCHEMA app;\nCREATE TABLE app."Orders" (id bigint PRIMARY KEY, "modifiedAt" timestamptz NOT NULL DEFAULT now());\nCREATE FUNCTION app.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER "Orders_set_modifiedAt" AFTER INSERT ON app."Orders" FOR EACH ROW EXECUTE FUNCTION app.noop();\nCREATE OR REPLACE FUNCTION app."set_modifiedAt"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW."modifiedAt" := now(); RETURN NEW; END $$;\nCREATE TRIGGER "Orders_set_modifiedAt_1" BEFORE UPDATE ON app."Orders" FOR EACH ROW EXECUTE FUNCTION app."set_modifiedAt"();',
    },
    {
      // The existing set_updated_at() sets NEW.updated_at: on "Session" every UPDATE would fail
      // (record "new" has no field "updated_at"). The column gets a function of its own.
      name: 'a column named otherwise than the existing function sets gets its own function',
      config: { auditColumns: { created: 'createdAt', updated: 'updatedAt' } },
      code: `CREATE TABLE accounts (id bigint PRIMARY KEY, "updatedAt" timestamptz NOT NULL DEFAULT now());\nCREATE TABLE "Session" (id bigint PRIMARY KEY, "updatedAt" timestamptz NOT NULL DEFAULT now());\n${fn}\nCREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION set_updated_at();`,
      errors: [{ message: 'Column Session.updatedAt is not set by a BEFORE UPDATE trigger' }],
      output: `CREATE TABLE accounts (id bigint PRIMARY KEY, "updatedAt" timestamptz NOT NULL DEFAULT now());\nCREATE TABLE "Session" (id bigint PRIMARY KEY, "updatedAt" timestamptz NOT NULL DEFAULT now());\nCREATE OR REPLACE FUNCTION "set_updatedAt"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW."updatedAt" := now(); RETURN NEW; END $$;\nCREATE TRIGGER "Session_set_updatedAt" BEFORE UPDATE ON "Session" FOR EACH ROW EXECUTE FUNCTION "set_updatedAt"();\n${fn}\nCREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION set_updated_at();`,
    },
    {
      name: 'a set_updated_at() written for another column: reported, no fix',
      code: `CREATE TABLE orders (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());\nCREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.modified := now(); RETURN NEW; END $$;`,
      errors: [{ message: 'Column orders.updated_at is not set by a BEFORE UPDATE trigger' }],
      output: null,
    },
    {
      name: 'updated_at added by ALTER TABLE in the newest migration',
      path: 'supabase/migrations/20240201000000_orders_updated_at.sql',
      files: {
        'supabase/migrations/20240101000000_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY);\n',
      },
      code: 'ALTER TABLE orders ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();\n',
      errors: [
        {
          message: 'Column orders.updated_at is not set by a BEFORE UPDATE trigger',
          text: 'updated_at timestamptz NOT NULL DEFAULT now()',
        },
      ],
      output: `ALTER TABLE orders ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();\n${fn}\nCREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();\n`,
    },
    {
      name: 'a set_updated_at() that is not a trigger function: reported without a fix',
      code: `${orders}\nCREATE FUNCTION set_updated_at() RETURNS void LANGUAGE sql AS $$ SELECT $$;`,
      errors: [{ message: 'Column orders.updated_at is not set by a BEFORE UPDATE trigger' }],
      output: null,
    },
  ],
});

/** The fixed SQL, run in PostgreSQL: an UPDATE really moves updated_at. */
describe('updated-at-without-trigger fix in PostgreSQL', () => {
  after(closePostgres);

  async function fixed(files: Record<string, string>, path: string): Promise<Record<string, string>> {
    const { findings } = await lintProject(
      Object.entries(files).map(([p, text]) => ({ path: p, text })),
      { config: DEFAULT_CONFIG, rules: [updatedAtWithoutTrigger] },
    );
    assert.ok(findings.length > 0, 'expected a finding');
    const out = { ...files };
    for (const finding of findings.filter((f) => f.file === path)) {
      for (const [file, text] of Object.entries(out)) {
        out[file] = applyEdits(
          text,
          finding.fixes[0].edits.filter((e) => e.file === file),
        ).text;
      }
    }
    return out;
  }

  /** Runs the scripts, then inserts a row in each table, updates it and checks updated_at moved. */
  async function updatedAtMoves(scripts: string[], tables = ['orders']): Promise<void> {
    const db = await postgres();
    await reset(db);
    for (const sql of scripts) await runScript(db, sql);
    for (const table of tables) {
      await db.exec(`INSERT INTO ${table} (id, updated_at) VALUES (1, '2000-01-01T00:00:00Z')`);
      await db.exec(`UPDATE ${table} SET id = 2 WHERE id = 1`);
      const { rows } = await db.query<{ moved: boolean }>(
        `SELECT updated_at > '2000-01-01T00:00:00Z' AS moved FROM ${table} WHERE id = 2`,
      );
      assert.deepEqual(rows, [{ moved: true }], table);
    }
  }

  it('sets updated_at on UPDATE', async () => {
    const out = await fixed({ 'schema.sql': orders }, 'schema.sql');
    await updatedAtMoves([out['schema.sql']]);
  });

  it('each of two fixes applied alone runs; applied together too', async () => {
    const code = `CREATE TABLE customers (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());\n${orders}`;
    const { findings } = await lintProject([{ path: 'schema.sql', text: code }], {
      config: DEFAULT_CONFIG,
      rules: [updatedAtWithoutTrigger],
    });
    assert.equal(findings.length, 2);
    const [customers, ordersFinding] = findings;
    await updatedAtMoves([applyEdits(code, customers.fixes[0].edits).text], ['customers']);
    await updatedAtMoves([applyEdits(code, ordersFinding.fixes[0].edits).text], ['orders']);
    const all = applyEdits(
      code,
      findings.flatMap((f) => f.fixes[0].edits),
    ).text;
    await updatedAtMoves([all], ['customers', 'orders']);
  });

  it('--fix adds the shared function once for two tables', async () => {
    const code = `CREATE TABLE customers (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());\n${orders}`;
    const outcome = await runFixLoop({
      files: [{ path: 'schema.sql', text: code }],
      exists: () => false,
      lint: async (files) =>
        (await lintProject(files, { config: DEFAULT_CONFIG, rules: [updatedAtWithoutTrigger] })).findings,
    });
    assert.deepEqual(outcome.findings, []);
    const text = outcome.files[0].text;
    assert.equal(text.split('CREATE OR REPLACE FUNCTION').length - 1, 1, text);
    await updatedAtMoves([text], ['customers', 'orders']);
  });

  it('a finding in an applied migration is fixed in the newest one', async () => {
    const files = {
      'supabase/migrations/20240101000000_orders.sql': `${orders}\n`,
      'supabase/migrations/20240201000000_items.sql': 'CREATE TABLE items (id bigint PRIMARY KEY);\n',
    };
    const out = await fixed(files, 'supabase/migrations/20240101000000_orders.sql');
    assert.equal(
      out['supabase/migrations/20240101000000_orders.sql'],
      files['supabase/migrations/20240101000000_orders.sql'],
    );
    assert.equal(
      out['supabase/migrations/20240201000000_items.sql'],
      `CREATE TABLE items (id bigint PRIMARY KEY);\n${fn}\nCREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();\n`,
    );
    await updatedAtMoves(Object.values(out));
  });
});
