import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { runFixLoop } from '../../server/src/cli/fix';
import { DEFAULT_CONFIG } from '../../server/src/engine/config/config';
import { lintProject } from '../../server/src/engine/lint';
import { key } from '../../server/src/engine/model/schema';
import { migrationWithoutDown } from '../../server/src/engine/rules/migration-without-down';
import { catalogSnapshot } from '../../server/src/engine/verify/catalog';
import { closePostgres, postgres, reset, runScript } from '../support/postgres';
import { ruleTester } from '../support/rule-tester';

const CUSTOMERS =
  "CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);\nINSERT INTO customers (name) VALUES ('Ada');\n";
const ORDERS =
  'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id)\n);\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\n';

/** An earlier dbmate migration. */
const DBMATE_INIT = `-- migrate:up\n${CUSTOMERS}\n-- migrate:down\nDROP TABLE customers;\n`;

ruleTester(migrationWithoutDown, {
  valid: [
    {
      name: 'golang-migrate: the down file is there',
      path: 'db/migrations/002_add_orders.up.sql',
      code: ORDERS,
      files: {
        'db/migrations/001_init.up.sql': CUSTOMERS,
        'db/migrations/001_init.down.sql': 'DROP TABLE customers;',
        'db/migrations/002_add_orders.down.sql': 'DROP TABLE orders;',
      },
    },
    {
      name: 'golang-migrate pairs up and down by version: another name, leading zeros',
      path: 'db/migrations/0002_add_orders.up.sql',
      code: ORDERS,
      files: {
        'db/migrations/001_init.up.sql': CUSTOMERS,
        'db/migrations/1_init.down.sql': 'DROP TABLE customers;',
        'db/migrations/2_create_orders.down.sql': 'DROP TABLE orders;',
      },
    },
    {
      name: 'diesel: down.sql beside up.sql',
      path: 'migrations/2024-02-01-000000_add_orders/up.sql',
      code: ORDERS,
      files: {
        'migrations/2024-01-01-000000_init/up.sql': CUSTOMERS,
        'migrations/2024-01-01-000000_init/down.sql': 'DROP TABLE customers;',
        'migrations/2024-02-01-000000_add_orders/down.sql': 'DROP TABLE orders;',
      },
    },
    {
      name: 'dbmate: a -- migrate:down section',
      path: 'db/migrations/20240201000000_add_orders.sql',
      code: `-- migrate:up\n${ORDERS}\n-- migrate:down\nDROP TABLE orders;\n`,
      files: {
        'db/migrations/20240101000000_init.sql': `-- migrate:up\n${CUSTOMERS}\n-- migrate:down\nDROP TABLE customers;\n`,
      },
    },
    {
      name: 'dbmate without a transaction, with its down section',
      path: 'db/migrations/20240201000000_index.sql',
      code: '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY customers_name_idx ON customers (name);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY customers_name_idx;\n',
      files: {
        'db/migrations/20240101000000_init.sql': `-- migrate:up\n${CUSTOMERS}\n-- migrate:down\nDROP TABLE customers;\n`,
      },
    },
    {
      name: 'Supabase has no down migrations',
      path: 'supabase/migrations/20240201000000_add_orders.sql',
      code: ORDERS,
      files: { 'supabase/migrations/20240101000000_init.sql': CUSTOMERS },
    },
    {
      name: 'Prisma has no down migrations',
      path: 'prisma/migrations/20240201000000_add_orders/migration.sql',
      code: ORDERS,
      files: { 'prisma/migrations/20240101000000_init/migration.sql': CUSTOMERS },
    },
    {
      name: 'a numbered folder has no down migrations',
      path: 'migrations/002_add_orders.sql',
      code: ORDERS,
      files: { 'migrations/001_init.sql': CUSTOMERS },
    },
    {
      name: "Flyway's undo scripts are a paid feature: not asked for",
      path: 'db/migration/V2__add_orders.sql',
      code: ORDERS,
      files: { 'db/migration/V1__init.sql': CUSTOMERS },
    },
    {
      name: 'a stand-alone schema file is no migration',
      code: CUSTOMERS + ORDERS,
    },
    {
      name: 'an up that only validates a constraint has nothing to undo',
      path: 'db/migrations/003_validate.up.sql',
      code: "SET lock_timeout = '5s';\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;\n",
      files: {
        'db/migrations/001_init.up.sql':
          CUSTOMERS + 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);',
        'db/migrations/001_init.down.sql': 'DROP TABLE orders; DROP TABLE customers;',
        'db/migrations/002_fk.up.sql':
          'ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
        'db/migrations/002_fk.down.sql': 'ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;',
      },
    },
  ],
  invalid: [
    {
      // What `migrate create` writes: an empty down, which undoes nothing.
      name: 'golang-migrate: an empty down file',
      path: 'db/migrations/002_add_orders.up.sql',
      code: ORDERS,
      files: {
        'db/migrations/001_init.up.sql': CUSTOMERS,
        'db/migrations/001_init.down.sql': 'DROP TABLE customers;',
        'db/migrations/002_add_orders.down.sql': '',
      },
      errors: [{ message: 'Migration 002_add_orders has an empty down migration', line: 1 }],
    },
    {
      name: 'diesel: a down.sql with only its comment',
      path: 'migrations/2024-02-01-000000_add_orders/up.sql',
      code: ORDERS,
      files: {
        'migrations/2024-01-01-000000_init/up.sql': CUSTOMERS,
        'migrations/2024-01-01-000000_init/down.sql': 'DROP TABLE customers;',
        'migrations/2024-02-01-000000_add_orders/down.sql': '-- This file should undo anything in `up.sql`\n',
      },
      errors: [{ message: 'Migration 2024-02-01-000000_add_orders has an empty down migration' }],
    },
    {
      name: 'golang-migrate: an up without its down file (the fix creates it: see below)',
      path: 'db/migrations/002_add_orders.up.sql',
      code: ORDERS,
      files: {
        'db/migrations/001_init.up.sql': CUSTOMERS,
        'db/migrations/001_init.down.sql': 'DROP TABLE customers;',
      },
      errors: [
        { message: 'Migration 002_add_orders has no down migration', line: 1, text: 'CREATE TABLE orders (' },
      ],
    },
    {
      name: 'diesel: an up.sql without down.sql',
      path: 'migrations/2024-02-01-000000_add_orders/up.sql',
      code: `\n-- Orders of customers.\n${ORDERS}`,
      files: {
        'migrations/2024-01-01-000000_init/up.sql': CUSTOMERS,
        'migrations/2024-01-01-000000_init/down.sql': 'DROP TABLE customers;',
      },
      errors: [
        {
          message: 'Migration 2024-02-01-000000_add_orders has no down migration',
          line: 3,
          column: 1,
          text: 'CREATE TABLE orders (',
        },
      ],
    },
    {
      name: 'a roll-forward folder: said once, on the newest migration',
      path: 'db/migrations/003_more.up.sql',
      code: 'ALTER TABLE orders ADD COLUMN note text;\n',
      files: { 'db/migrations/001_init.up.sql': CUSTOMERS, 'db/migrations/002_add_orders.up.sql': ORDERS },
      errors: [
        {
          message: 'Migration 003_more has no down migration (no migration of db/migrations has one)',
          text: 'ALTER TABLE orders ADD COLUMN note text',
        },
      ],
    },
    {
      name: 'dbmate: no -- migrate:down section; the fix appends one',
      path: 'db/migrations/20240201000000_add_orders.sql',
      code: `-- migrate:up\n${ORDERS}ALTER TABLE customers ADD COLUMN email text;\n`,
      files: {
        'db/migrations/20240101000000_init.sql': DBMATE_INIT,
      },
      errors: [
        {
          message: 'Migration 20240201000000_add_orders has no down migration',
          line: 1,
          text: '-- migrate:up',
        },
      ],
      output: `-- migrate:up\n${ORDERS}ALTER TABLE customers ADD COLUMN email text;\n\n-- migrate:down\nALTER TABLE customers DROP COLUMN email;\nDROP TABLE orders;\n`,
    },
    {
      name: 'dbmate: an empty -- migrate:down section is filled in',
      path: 'db/migrations/20240201000000_add_orders.sql',
      code: `-- migrate:up\n${ORDERS}\n-- migrate:down\n-- (nothing yet)\n`,
      files: {
        'db/migrations/20240101000000_init.sql': DBMATE_INIT,
      },
      errors: [
        { message: 'Migration 20240201000000_add_orders has no down migration', text: '-- migrate:up' },
      ],
      output: `-- migrate:up\n${ORDERS}\n-- migrate:down\nDROP TABLE orders;\n-- (nothing yet)\n`,
    },
    {
      name: 'dbmate without a transaction: the down keeps CONCURRENTLY and transaction:false',
      path: 'db/migrations/20240201000000_index.sql',
      code: '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY customers_name_idx ON customers (name);\n',
      files: {
        'db/migrations/20240101000000_init.sql': DBMATE_INIT,
      },
      errors: [{ text: '-- migrate:up transaction:false' }],
      output:
        '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY customers_name_idx ON customers (name);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY customers_name_idx;\n',
    },
    {
      name: 'dbmate: an unnamed constraint and a quoted, non-public table; the file ends without a newline',
      path: 'db/migrations/20240201000000_check.sql',
      code: '-- migrate:up\nALTER TABLE app."Accounts" ADD CHECK ("balanceCents" >= 0), ALTER COLUMN "balanceCents" SET DEFAULT 0;',
      files: {
        'db/migrations/20240101000000_init.sql':
          '-- migrate:up\nCREATE SCHEMA app;\nCREATE TABLE app."Accounts" (id bigint PRIMARY KEY, "balanceCents" bigint NOT NULL);\n\n-- migrate:down\nDROP SCHEMA app CASCADE;\n',
      },
      errors: [{ message: 'Migration 20240201000000_check has no down migration' }],
      output:
        '-- migrate:up\nALTER TABLE app."Accounts" ADD CHECK ("balanceCents" >= 0), ALTER COLUMN "balanceCents" SET DEFAULT 0;\n\n-- migrate:down\nALTER TABLE app."Accounts"\n  ALTER COLUMN "balanceCents" DROP DEFAULT,\n  DROP CONSTRAINT "Accounts_balanceCents_check";\n',
    },
  ],
});

/** Lints a project with the rule alone. */
async function lint(files: Record<string, string>) {
  return lintProject(
    Object.entries(files).map(([path, text]) => ({ path, text })),
    { config: DEFAULT_CONFIG, rules: [migrationWithoutDown] },
  );
}

describe('migration-without-down: the down file the fix creates', () => {
  after(closePostgres);

  test('a roll-forward folder (no migration has a down) is told once, on its newest migration', async () => {
    const { findings } = await lint({
      'db/migrations/001_init.up.sql': CUSTOMERS,
      'db/migrations/002_add_orders.up.sql': ORDERS,
      'db/migrations/003_more.up.sql': 'ALTER TABLE orders ADD COLUMN note text;',
    });
    assert.deepEqual(
      findings.map((f) => `${f.file}: ${f.message}`),
      [
        'db/migrations/003_more.up.sql: Migration 003_more has no down migration (no migration of db/migrations has one)',
      ],
    );
  });

  test('golang-migrate: NNN_x.down.sql beside the up, with the inverse statements', async () => {
    const files = {
      'db/migrations/001_init.up.sql': CUSTOMERS,
      'db/migrations/001_init.down.sql': 'DROP TABLE customers;',
      'db/migrations/002_add_orders.up.sql': `${ORDERS}ALTER TABLE customers ADD COLUMN email text;\nCREATE INDEX customers_email_idx ON customers (email);\nUPDATE customers SET email = name;\n`,
    };
    const { findings } = await lint(files);
    assert.deepEqual(
      findings.map((f) => `${f.file}: ${f.message}`),
      ['db/migrations/002_add_orders.up.sql: Migration 002_add_orders has no down migration'],
    );
    const [fix] = findings[0].fixes;
    assert.equal(fix.title, 'Create 002_add_orders.down.sql reversing this migration');
    assert.deepEqual(fix.edits, []);
    assert.deepEqual(fix.createFiles, [
      {
        file: 'db/migrations/002_add_orders.down.sql',
        text: '-- TODO: reverse by hand: UPDATE customers SET email = name;\nDROP INDEX customers_email_idx;\nALTER TABLE customers DROP COLUMN email;\nDROP TABLE orders;\n',
      },
    ]);

    // Up then the created down, in PostgreSQL: the catalog is back where it was.
    const db = await postgres();
    await reset(db);
    await runScript(db, files['db/migrations/001_init.up.sql']);
    const before = await catalogSnapshot(db);
    await runScript(db, files['db/migrations/002_add_orders.up.sql']);
    await runScript(db, fix.createFiles![0].text);
    assert.deepEqual(await catalogSnapshot(db), before);
  });

  test('golang-migrate sends a file as one query: CONCURRENTLY only when the down is that one statement', async () => {
    const files = {
      'db/migrations/001_init.up.sql': CUSTOMERS,
      'db/migrations/001_init.down.sql': 'DROP TABLE customers;',
      'db/migrations/002_index.up.sql': 'CREATE INDEX CONCURRENTLY customers_name_idx ON customers (name);\n',
      'db/migrations/003_more.up.sql':
        'CREATE INDEX CONCURRENTLY customers_lower_name_idx ON customers (lower(name));\nALTER TABLE customers ADD COLUMN email text;\n',
    };
    const { findings } = await lint(files);
    assert.deepEqual(
      findings.map((f) => f.fixes[0].createFiles),
      [
        [
          {
            file: 'db/migrations/002_index.down.sql',
            text: 'DROP INDEX CONCURRENTLY customers_name_idx;\n',
          },
        ],
        [
          {
            file: 'db/migrations/003_more.down.sql',
            text: 'ALTER TABLE customers DROP COLUMN email;\nDROP INDEX customers_lower_name_idx;\n',
          },
        ],
      ],
    );
  });

  test('dbmate: up, then the -- migrate:down section the fix appends, returns the catalog to where it was', async () => {
    const up = `-- migrate:up\n${ORDERS}ALTER TABLE customers ADD COLUMN email text, ADD CONSTRAINT customers_name_key UNIQUE (name);\nALTER TABLE customers ENABLE ROW LEVEL SECURITY;\n`;
    const files = {
      'db/migrations/20240101000000_init.sql': `-- migrate:up\n${CUSTOMERS}\n-- migrate:down\nDROP TABLE customers;\n`,
      'db/migrations/20240201000000_add_orders.sql': up,
    };
    const { findings } = await lint(files);
    assert.equal(findings.length, 1);
    const [edit] = findings[0].fixes[0].edits;
    const fixed = up.slice(0, edit.start) + edit.newText + up.slice(edit.end);
    const down = fixed.slice(fixed.indexOf('-- migrate:down'));
    assert.equal(
      down,
      '-- migrate:down\nALTER TABLE customers DISABLE ROW LEVEL SECURITY;\nALTER TABLE customers\n  DROP CONSTRAINT customers_name_key,\n  DROP COLUMN email;\nDROP TABLE orders;\n',
    );
    const db = await postgres();
    await reset(db);
    await runScript(db, CUSTOMERS);
    const before = await catalogSnapshot(db);
    await runScript(db, up);
    await runScript(db, down);
    assert.deepEqual(await catalogSnapshot(db), before);
  });

  test('diesel: down.sql in the migration folder, dropped plainly inside its transaction', async () => {
    const files = {
      'migrations/2024-01-01-000000_init/up.sql': CUSTOMERS,
      'migrations/2024-01-01-000000_init/down.sql': 'DROP TABLE customers;',
      'migrations/2024-02-01-000000_index/up.sql': 'CREATE INDEX customers_name_idx ON customers (name);\n',
    };
    const { findings } = await lint(files);
    assert.equal(findings.length, 1);
    assert.equal(
      findings[0].fixes[0].title,
      'Create 2024-02-01-000000_index/down.sql reversing this migration',
    );
    assert.deepEqual(findings[0].fixes[0].createFiles, [
      { file: 'migrations/2024-02-01-000000_index/down.sql', text: 'DROP INDEX customers_name_idx;\n' },
    ]);
  });

  test('--fix creates the down file, never over one that exists, and the finding goes', async () => {
    const files = [
      { path: 'db/migrations/001_init.up.sql', text: CUSTOMERS },
      { path: 'db/migrations/001_init.down.sql', text: 'DROP TABLE customers;' },
      { path: 'db/migrations/002_add_orders.up.sql', text: ORDERS },
      { path: 'db/migrations/003_more.up.sql', text: 'ALTER TABLE orders ADD COLUMN note text;' },
    ];
    const outcome = await runFixLoop({
      files,
      lint: async (fs) => (await lint(Object.fromEntries(fs.map((f) => [f.path, f.text])))).findings,
      // 003's down exists on disk (not among the linted files): it must not be created over.
      exists: (path) => path === 'db/migrations/003_more.down.sql',
    });
    assert.deepEqual([...outcome.created.keys()], ['db/migrations/002_add_orders.down.sql']);
    assert.equal(
      outcome.files.find((f) => f.path === 'db/migrations/002_add_orders.down.sql')?.text,
      'DROP TABLE orders;\n',
    );
    assert.deepEqual(
      outcome.findings.map((f) => f.file),
      ['db/migrations/003_more.up.sql'],
    );
  });

  test("a dbmate file's -- migrate:down section keeps its table in the model", async () => {
    const files = {
      'db/migrations/20240101000000_init.sql': `-- migrate:up\n${CUSTOMERS}\n-- migrate:down\nDROP TABLE customers;\n`,
      'db/migrations/20240201000000_add_orders.sql': `-- migrate:up\n${ORDERS}\n-- migrate:down\nDROP TABLE orders;\n`,
    };
    const result = await lint(files);
    const group = result.groups.find((g) => g.tool === 'dbmate');
    assert.ok(group);
    const model = result.models.get(group);
    assert.ok(model?.tables.has(key('public', 'customers')));
    assert.ok(model?.tables.has(key('public', 'orders')));
    assert.deepEqual(result.findings, []);
  });
});

test('migration-without-down: the fix fills an empty down in, keeping its comment', async () => {
  const files = [
    { path: 'migrations/2024-01-01-000000_init/up.sql', text: CUSTOMERS },
    { path: 'migrations/2024-01-01-000000_init/down.sql', text: 'DROP TABLE customers;' },
    { path: 'migrations/2024-02-01-000000_add_orders/up.sql', text: ORDERS },
    {
      path: 'migrations/2024-02-01-000000_add_orders/down.sql',
      text: '-- This file should undo anything in `up.sql`\n',
    },
  ];
  const { findings } = await lintProject(files, { rules: [migrationWithoutDown] });
  assert.equal(findings.length, 1);
  const fix = findings[0].fixes[0];
  assert.equal(
    fix.title,
    'Fill 2024-02-01-000000_add_orders/down.sql with statements reversing this migration',
  );
  assert.deepEqual(
    fix.edits.map((e) => [e.file, e.start, e.end]),
    [['migrations/2024-02-01-000000_add_orders/down.sql', files[3].text.length, files[3].text.length]],
  );
  assert.match(fix.edits[0].newText, /^DROP TABLE orders;/);
});
