/**
 * `--verify` in the engine: migrations applied to PGlite in the tool's order, failures at the
 * statement with PostgreSQL's message, notes for what the server decides, and the catalog snapshot
 * compared with the model.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lintProject } from '../../server/src/engine/lint';
import { migrationFails } from '../../server/src/engine/rules/migration-fails';
import type { SourceFile } from '../../server/src/engine/project';
import {
  compareWithModel,
  isVerifiable,
  verifyGroup,
  verifyProject,
  type VerifyGroupResult,
} from '../../server/src/engine/verify';
import { assertOnlyKnown } from './known';

/** The range of `statement` (without its `;`) in `text`. */
function rangeOf(text: string, statement: string): { start: number; end: number } {
  const start = text.indexOf(statement);
  assert.ok(start >= 0, `statement not in text: ${statement}`);
  return { start, end: start + statement.length };
}

/** Lints and verifies the project's only migrations group; returns the lint, the group and the run. */
async function verifyMigrations(files: SourceFile[], preamble?: string) {
  const lint = await lintProject(files);
  const group = lint.groups.find((g) => g.kind === 'migrations');
  assert.ok(group, `no migrations group in ${files.map((f) => f.path).join(', ')}`);
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const result = await verifyGroup(
    group.files.map((path) => ({ path, text: texts.get(path) ?? '' })),
    lint.parsed,
    { tool: group.tool, migrations: group.migrations, ...(preamble ? { preamble } : {}) },
  );
  return { lint, group, result, model: lint.models.get(group)! };
}

function failures(result: VerifyGroupResult): string[] {
  return result.failures.map((f) => `${f.file}: ${f.message}`);
}

describe('failures', () => {
  test('a missing relation: one finding at that statement, with PostgreSQL’s message', async () => {
    const bad = 'CREATE INDEX orders_customer_id_idx ON missing (customer_id)';
    const files = [
      {
        path: 'migrations/001_init.sql',
        text: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n',
      },
      { path: 'migrations/002_index.sql', text: `-- an index\n${bad};\nCREATE TABLE notes (id int);\n` },
    ];
    const result = await verifyProject(files);
    assert.equal(result.failures.length, 1);
    const f = result.failures[0];
    assert.equal(f.file, 'migrations/002_index.sql');
    assert.equal(f.message, 'relation "missing" does not exist');
    assert.equal(f.code, '42P01');
    assert.deepEqual({ start: f.start, end: f.end }, rangeOf(files[1].text, bad));
  });

  test('a duplicate name', async () => {
    const dup = 'CREATE TABLE users (id bigint PRIMARY KEY, email text)';
    const files = [
      { path: 'db/migrations/001_users.sql', text: 'CREATE TABLE users (id bigint PRIMARY KEY);\n' },
      { path: 'db/migrations/002_users_again.sql', text: `${dup};\n` },
    ];
    const { result } = await verifyMigrations(files);
    assert.deepEqual(failures(result), [
      'db/migrations/002_users_again.sql: relation "users" already exists',
    ]);
    assert.deepEqual(
      { start: result.failures[0].start, end: result.failures[0].end },
      rangeOf(files[1].text, dup),
    );
  });

  test('a type error', async () => {
    const bad = "ALTER TABLE accounts ADD COLUMN active boolean NOT NULL DEFAULT 'yes please'";
    const files = [
      { path: 'migrations/001_accounts.sql', text: 'CREATE TABLE accounts (id bigint PRIMARY KEY);\n' },
      { path: 'migrations/002_active.sql', text: `${bad};\n` },
    ];
    const { result } = await verifyMigrations(files);
    assert.deepEqual(failures(result), [
      'migrations/002_active.sql: invalid input syntax for type boolean: "yes please"',
    ]);
    assert.equal(result.failures[0].start, 0);
    assert.equal(result.failures[0].end, bad.length);
  });

  test('what follows from a failure is reported once', async () => {
    const files = [
      {
        path: 'migrations/001_orders.sql',
        text:
          'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customer (id));\n' +
          'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n' +
          'ALTER TABLE orders ADD COLUMN total numeric;\n',
      },
      { path: 'migrations/002_more.sql', text: 'COMMENT ON TABLE orders IS $$ all orders $$;\n' },
    ];
    const { result } = await verifyMigrations(files);
    assert.deepEqual(failures(result), ['migrations/001_orders.sql: relation "customer" does not exist']);
    assert.equal(result.cascades, 3);
  });

  test('every independent failure of a file is found, and the file’s other statements still apply', async () => {
    const files = [
      {
        path: 'migrations/001_a.sql',
        text:
          'CREATE TABLE a (id int PRIMARY KEY);\n' +
          'ALTER TABLE a ADD COLUMN n int DEFAULT 1 CHECK (n > 0), ADD CONSTRAINT a_b_fk FOREIGN KEY (n) REFERENCES b (id);\n' +
          'CREATE TABLE b (id int PRIMARY KEY);\n' +
          "INSERT INTO a (id) VALUES ('one');\n",
      },
      {
        path: 'migrations/002_b.sql',
        text: 'CREATE TABLE c (a_id int REFERENCES a (id), b_id int REFERENCES b (id));\n',
      },
    ];
    const { result } = await verifyMigrations(files);
    assert.deepEqual(failures(result), [
      'migrations/001_a.sql: relation "b" does not exist',
      'migrations/001_a.sql: invalid input syntax for type integer: "one"',
    ]);
    assert.deepEqual(
      result.catalog.tables.map((t) => t.name),
      ['a', 'b', 'c'],
    );
  });

  test('a syntax error is the syntax-error rule’s: the statement is not run, the others are', async () => {
    const files = [
      {
        path: 'migrations/001_a.sql',
        text: 'CREATE TABLE a (id int,, name text);\nCREATE TABLE b (id int);\n',
      },
      { path: 'migrations/002_b.sql', text: 'CREATE INDEX b_id_idx ON b (id);\n' },
    ];
    const { result } = await verifyMigrations(files);
    assert.deepEqual(failures(result), []);
    assert.deepEqual(
      result.catalog.tables.map((t) => t.name),
      ['b'],
    );
  });
});

describe('transactions', () => {
  const concurrently = 'CREATE INDEX CONCURRENTLY orders_placed_idx ON orders (placed_at)';
  const files = (folder: string, name: (n: number) => string): SourceFile[] => [
    {
      path: `${folder}/${name(1)}`,
      text: 'CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz);\n',
    },
    { path: `${folder}/${name(2)}`, text: `${concurrently};\n` },
  ];

  test('CREATE INDEX CONCURRENTLY fails where the tool wraps the file in a transaction (Prisma)', async () => {
    const { result } = await verifyMigrations(
      files('prisma/migrations', (n) => `2024010100000${n}_m${n}/migration.sql`),
    );
    assert.deepEqual(failures(result), [
      'prisma/migrations/20240101000002_m2/migration.sql: CREATE INDEX CONCURRENTLY cannot run inside a transaction block',
    ]);
  });

  test('… and runs where the tool does not (golang-migrate)', async () => {
    const { group, result } = await verifyMigrations(files('migrations', (n) => `00${n}_m${n}.up.sql`));
    assert.equal(group.tool, 'golang-migrate');
    assert.deepEqual(failures(result), []);
    assert.ok(result.catalog.indexes.some((i) => i.name === 'orders_placed_idx'));
  });

  test('a file’s own BEGIN … COMMIT runs as written; a failure inside it is still found', async () => {
    const text =
      'BEGIN;\nCREATE TABLE a (id int PRIMARY KEY);\nALTER TABLE a ADD COLUMN x nosuchtype;\n' +
      'CREATE TABLE b (id int);\nCOMMIT;\nCREATE INDEX b_id_idx ON b (id);\n';
    const { result } = await verifyMigrations([
      { path: 'migrations/001_a.sql', text },
      { path: 'migrations/002_b.sql', text: 'SELECT 1;\n' },
    ]);
    assert.deepEqual(failures(result), ['migrations/001_a.sql: type "nosuchtype" does not exist']);
    assert.deepEqual(
      result.catalog.tables.map((t) => t.name),
      ['a', 'b'],
    );
  });

  test('each file starts with a fresh session: SET search_path does not leak into the next file', async () => {
    const { result } = await verifyMigrations([
      {
        path: 'migrations/001_a.sql',
        text: 'CREATE SCHEMA app;\nSET search_path TO app;\nCREATE TABLE a (id int);\n',
      },
      { path: 'migrations/002_b.sql', text: 'CREATE TABLE b (id int);\nSELECT * FROM a;\n' },
    ]);
    assert.deepEqual(failures(result), ['migrations/002_b.sql: relation "a" does not exist']);
    assert.deepEqual(
      result.catalog.tables.map((t) => `${t.schema}.${t.name}`),
      ['app.a', 'public.b'],
    );
  });

  test('COPY … FROM stdin gets the data lines that follow it', async () => {
    const text =
      'CREATE TABLE n (v int);\nCOPY n (v) FROM stdin;\n1\n-2\n3\n\\.\n' +
      'ALTER TABLE n ADD CONSTRAINT n_positive CHECK (v > 0);\n';
    const { result } = await verifyMigrations([
      { path: 'migrations/001_n.sql', text },
      { path: 'migrations/002_m.sql', text: 'SELECT 1;\n' },
    ]);
    assert.deepEqual(failures(result), [
      'migrations/001_n.sql: check constraint "n_positive" of relation "n" is violated by some row',
    ]);
  });
});

describe('the server’s business is a note, not a failure', () => {
  test('an extension PGlite lacks, and the types that come from it', async () => {
    const { result } = await verifyMigrations([
      {
        path: 'migrations/001_docs.sql',
        text:
          'CREATE EXTENSION IF NOT EXISTS vector;\n' +
          'CREATE TABLE docs (id int PRIMARY KEY, embedding vector(3));\n' +
          'CREATE INDEX docs_embedding_idx ON docs USING hnsw (embedding vector_cosine_ops);\n',
      },
      {
        path: 'migrations/002_tags.sql',
        text: 'CREATE TABLE tags (id int PRIMARY KEY, doc_id int REFERENCES docs);\n',
      },
    ]);
    assert.deepEqual(failures(result), []);
    assert.deepEqual(
      result.notes.map((n) => n.message.split(':')[0]),
      ['Not checked', 'Not checked'],
    );
    assert.match(result.notes[0].message, /extension "vector" is not available/);
    assert.match(result.notes[1].message, /type "vector" does not exist/);
  });

  test('bundled extensions load on demand, also from a DO block', async () => {
    const { result } = await verifyMigrations([
      {
        path: 'migrations/001_ext.sql',
        text:
          'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";\nCREATE EXTENSION citext;\n' +
          "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN CREATE EXTENSION pg_trgm; END IF; END $$;\n",
      },
      {
        path: 'migrations/002_users.sql',
        text:
          'CREATE TABLE users (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), email citext NOT NULL);\n' +
          'CREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops);\n',
      },
    ]);
    assert.deepEqual(failures(result), []);
    assert.deepEqual(result.notes, []);
  });

  test('a missing role is created, and the statement applied', async () => {
    const { result, model } = await verifyMigrations([
      {
        path: 'migrations/001_a.sql',
        text: 'CREATE TABLE a (id int PRIMARY KEY);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n',
      },
      {
        path: 'migrations/002_p.sql',
        text: 'GRANT SELECT ON a TO reporting;\nCREATE POLICY a_read ON a FOR SELECT TO reporting USING (true);\n',
      },
    ]);
    assert.deepEqual(failures(result), []);
    assert.equal(result.notes.length, 1);
    assert.match(result.notes[0].message, /Role "reporting" does not exist/);
    assert.deepEqual(result.catalog.policies[0].roles, ['reporting']);
    assert.deepEqual(compareWithModel(model, result.catalog), []);
  });

  test('databases, roles and psql variables', async () => {
    const { result } = await verifyMigrations([
      {
        path: 'migrations/001_a.sql',
        text: "ALTER DATABASE app SET timezone TO 'UTC';\nCREATE ROLE postgres;\nCREATE TABLE a (id int);\n",
      },
      { path: 'migrations/002_b.sql', text: "CREATE TABLE b (id int);\nCOMMENT ON TABLE b IS :'comment';\n" },
    ]);
    assert.deepEqual(failures(result), []);
    assert.equal(result.notes.length, 3);
  });
});

describe('platforms', () => {
  test('Supabase: roles, auth, storage and the extensions schema exist; their objects stay out of the catalog', async () => {
    const { result, model } = await verifyMigrations([
      {
        path: 'supabase/migrations/20240101000000_profiles.sql',
        text:
          'create table public.profiles (\n' +
          '  id uuid primary key references auth.users on delete cascade,\n' +
          '  token uuid not null default uuid_generate_v4(),\n' +
          '  secret text default encode(gen_random_bytes(16), $$hex$$)\n' +
          ');\n' +
          'alter table public.profiles enable row level security;\n' +
          'create policy "own profile" on public.profiles for all to authenticated\n' +
          '  using (auth.uid() = id) with check ((auth.jwt() ->> $$role$$) = $$authenticated$$);\n' +
          'grant select on public.profiles to anon, service_role;\n' +
          'alter publication supabase_realtime add table public.profiles;\n',
      },
      {
        path: 'supabase/migrations/20240102000000_avatars.sql',
        text:
          "insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);\n" +
          'create policy "avatar upload" on storage.objects for insert to authenticated\n' +
          "  with check (bucket_id = 'avatars' and auth.uid()::text = (storage.foldername(name))[1]);\n" +
          'create extension if not exists "uuid-ossp" with schema extensions;\n',
      },
    ]);
    assert.deepEqual(failures(result), []);
    assert.deepEqual(result.notes, []);
    assert.deepEqual(
      result.catalog.tables.map((t) => `${t.schema}.${t.name}`),
      ['public.profiles'],
    );
    assert.deepEqual(compareWithModel(model, result.catalog), []);
  });

  test('diesel: its __diesel_schema_migrations table exists', async () => {
    const { result } = await verifyMigrations([
      {
        path: 'migrations/2024-01-01-000000_init/up.sql',
        text: 'CREATE TABLE a (id int);\nSELECT version FROM __diesel_schema_migrations;\n',
      },
      { path: 'migrations/2024-01-02-000000_more/up.sql', text: 'CREATE TABLE b (id int);\n' },
    ]);
    assert.deepEqual(failures(result), []);
    assert.deepEqual(
      result.catalog.tables.map((t) => t.name),
      ['a', 'b'],
    );
  });
});

describe('projects', () => {
  test('stand-alone files run when they define a schema; files of queries do not', async () => {
    const files = [
      { path: 'schema.sql', text: 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE INDEX a_x ON b (x);\n' },
      { path: 'seed.sql', text: 'INSERT INTO a VALUES (1);\n' },
    ];
    const lint = await lintProject(files);
    assert.deepEqual(
      lint.groups.map((g) => isVerifiable(g, lint.parsed)),
      [true, false],
    );
    const result = await verifyProject(files);
    assert.deepEqual(
      result.failures.map((f) => `${f.file}: ${f.message}`),
      ['schema.sql: relation "b" does not exist'],
    );
  });

  test('findings: rule migration-fails at the statement, suppressed by a comment', async () => {
    const text =
      'CREATE INDEX a_x ON missing_one (x);\n' +
      '-- db-expert-disable-next-line migration-fails -- created by the application\n' +
      'CREATE INDEX a_y ON missing_two (y);\n';
    const files = [{ path: 'schema.sql', text: `CREATE TABLE a (id int);\n${text}` }];
    const result = await verifyProject(files);
    assert.equal(result.failures.length, 2);
    const { findings } = await lintProject(files, {
      rules: [migrationFails],
      ruleOverrides: { 'migration-fails': 'warning' },
      verifyFailures: result.failures,
    });
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.severity, f.message]),
      [['migration-fails', 'warning', 'relation "missing_one" does not exist']],
    );
  });
});

describe('the catalog is the oracle for the model', () => {
  const SCHEMA = `
CREATE TYPE status AS ENUM ('draft', 'sent');
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE customers (
  id serial PRIMARY KEY,
  email email NOT NULL UNIQUE,
  name varchar(200),
  code char,
  flags bit(3),
  tags text[],
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  balance numeric(12, 2) DEFAULT 0 CHECK (balance >= 0),
  CONSTRAINT customers_name_email CHECK (name <> email::text)
);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id int NOT NULL,
  status status NOT NULL DEFAULT 'draft',
  total numeric(12, 2) NOT NULL,
  total_with_tax numeric GENERATED ALWAYS AS (total * 1.2) STORED,
  note text,
  deleted_at timestamp,
  CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
    ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED
);
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
CREATE UNIQUE INDEX orders_live_idx ON orders (customer_id, lower(note) DESC) INCLUDE (total) WHERE deleted_at IS NULL;
CREATE INDEX orders_note_idx ON orders USING hash (note);
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
CREATE POLICY orders_own ON orders AS RESTRICTIVE FOR UPDATE TO current_user
  USING (customer_id > 0) WITH CHECK (total > 0);
CREATE POLICY orders_read ON orders FOR SELECT USING (true);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE INSERT OR UPDATE OF total ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE VIEW open_orders AS SELECT * FROM orders WHERE deleted_at IS NULL;
CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(total) FROM orders GROUP BY 1;
ALTER TABLE customers RENAME COLUMN name TO full_name;
ALTER TYPE status ADD VALUE 'paid' BEFORE 'sent';
CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX events_at_idx ON events (at);
CREATE UNLOGGED TABLE cache (k text PRIMARY KEY, v jsonb);
`;

  test('a schema with most of what the model knows: no difference', async () => {
    const files = [{ path: 'schema.sql', text: SCHEMA }];
    const lint = await lintProject(files);
    const group = lint.groups[0];
    const result = await verifyGroup(files, lint.parsed, {});
    assert.deepEqual(failures(result), []);
    assert.deepEqual(compareWithModel(lint.models.get(group)!, result.catalog), []);
  });

  test('a difference is named precisely', async () => {
    // The model of one schema against the catalog of another: what the comparison reports.
    const modelFiles = [
      {
        path: 'schema.sql',
        text:
          'CREATE TABLE t (id int PRIMARY KEY, a varchar(10), b text NOT NULL);\n' +
          'CREATE INDEX t_a_idx ON t (a);\nCREATE TABLE gone (id int);\n',
      },
    ];
    const catalogFiles = [
      {
        path: 'schema.sql',
        text:
          'CREATE TABLE t (id int PRIMARY KEY, a varchar(20), b text, c int DEFAULT 1);\n' +
          'CREATE INDEX t_a_idx ON t (a, b);\nCREATE TABLE extra (id int);\n',
      },
    ];
    const lint = await lintProject(modelFiles);
    const result = await verifyGroup(catalogFiles, new Map(), {});
    assert.deepEqual(compareWithModel(lint.models.get(lint.groups[0])!, result.catalog), [
      'table public.extra: in the catalog, not in the model',
      'table public.gone: in the model, not in the catalog',
      'table public.t columns: model lacks (c), catalog has them',
      'column public.t.a type: model varchar(10), catalog varchar(20) (character varying(20))',
      'column public.t.b NOT NULL: model true, catalog false',
      'index public.t_a_idx elements: model (a), catalog (a, b) (CREATE INDEX t_a_idx ON public.t USING btree (a, b))',
    ]);
  });
});

/**
 * Engine bugs (or limits) known today, each reduced to the SQL that shows it; see `assertOnlyKnown`.
 */
describe('known differences between the model and the catalog', () => {
  const KNOWN: { name: string; sql: string; differences: string[] }[] = [
    {
      name: 'an unnamed CHECK is named after its column only when it reads exactly one column',
      sql: 'CREATE TABLE t (a int, b int, CHECK (a < b), c int CHECK (c > a));',
      differences: [
        'constraint public.t.t_a_check (check): in the model, not in the catalog',
        'constraint public.t.t_c_check (check): in the model, not in the catalog',
        'constraint public.t.t_check (check): in the catalog, not in the model',
        'constraint public.t.t_check1 (check): in the catalog, not in the model',
      ],
    },
    {
      name: 'UNIQUE and PRIMARY KEY on the same columns of one CREATE TABLE: PostgreSQL keeps only the key',
      sql: 'CREATE TABLE t (id uuid NOT NULL UNIQUE, CONSTRAINT t_pkey PRIMARY KEY (id));',
      differences: [
        'index public.t_id_key on public.t: in the model, not in the catalog',
        'constraint public.t.t_id_key (unique): in the model, not in the catalog',
      ],
    },
    {
      name: 'DEFAULT NULL is no default',
      sql: 'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN c timestamptz NULL DEFAULT NULL;',
      differences: ['column public.t.c default: model NULL, catalog none'],
    },
    {
      name: 'ALTER TABLE … ALTER CONSTRAINT … NOT DEFERRABLE',
      sql:
        'CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE t (p_id int REFERENCES p DEFERRABLE);\n' +
        'ALTER TABLE t ALTER CONSTRAINT t_p_id_fkey NOT DEFERRABLE;',
      differences: ['constraint public.t.t_p_id_fkey DEFERRABLE: model true, catalog false'],
    },
    {
      name: 'DROP … CASCADE drops what depends on the object',
      sql:
        'CREATE TABLE t (id int);\n' +
        'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n' +
        'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();\nDROP FUNCTION f CASCADE;\n' +
        "CREATE TYPE e AS ENUM ('a');\nCREATE TABLE u (id int, s e);\nDROP TYPE e CASCADE;\n" +
        'CREATE TABLE p (id int);\nCREATE VIEW v AS SELECT * FROM p;\nDROP TABLE p CASCADE;',
      differences: [
        'trigger public.t.tr: in the model, not in the catalog',
        'table public.u columns: model has (s), catalog lacks them',
        'view public.v: in the model, not in the catalog',
      ],
    },
    {
      name: 'a serial column whose default is dropped has no default',
      sql: 'CREATE TABLE t (id serial PRIMARY KEY);\nALTER TABLE t ALTER COLUMN id DROP DEFAULT;',
      differences: ['column public.t.id default: model serial, catalog none'],
    },
    {
      name: 'a policy for PUBLIC and other roles is a policy for PUBLIC',
      sql: 'CREATE TABLE t (id int);\nCREATE POLICY p ON t TO current_user, public USING (true);',
      differences: ['policy public.t.p roles: model (postgres, public), catalog (public)'],
    },
    {
      name: 'a table that INHERITS has its parent’s columns first',
      sql: 'CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE TABLE c (b int) INHERITS (t);',
      differences: ['table public.c columns: model lacks (id, a), catalog has them'],
    },
    {
      name: 'DDL run by EXECUTE in a DO block (by design: the model does not run dynamic SQL)',
      sql:
        'CREATE TABLE t (id int);\nCREATE INDEX t_i ON t (id);\n' +
        "DO $$ BEGIN EXECUTE 'ALTER INDEX t_i RENAME TO t_j'; END $$;",
      differences: [
        'index public.t_i on public.t: in the model, not in the catalog',
        'index public.t_j on public.t: in the catalog, not in the model',
      ],
    },
  ];
  for (const { name, sql, differences } of KNOWN) {
    test(name, async (t) => {
      const files = [{ path: 'schema.sql', text: sql }];
      const lint = await lintProject(files);
      const result = await verifyGroup(files, lint.parsed, {});
      assert.deepEqual(failures(result), []);
      assertOnlyKnown(t, compareWithModel(lint.models.get(lint.groups[0])!, result.catalog), differences);
    });
  }
});
