import { renameOrDrop } from '../../server/src/engine/rules/rename-or-drop';
import { ruleTester } from '../support/rule-tester';

const init =
  'CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, nickname text, legacy_code text);\n' +
  'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), total numeric(12,2), legacy_note text);\n' +
  'CREATE TABLE legacy_sessions (id bigint PRIMARY KEY);\n';

const golang = (extra = '') => ({
  'db/migrations/001_init.up.sql': init + extra,
  'db/migrations/001_init.down.sql':
    'DROP TABLE legacy_sessions;\nDROP TABLE orders;\nDROP TABLE customers;\n',
});

const path = 'db/migrations/002_change.up.sql';

ruleTester(renameOrDrop, {
  valid: [
    {
      name: 'objects created in the same file',
      code:
        init +
        'ALTER TABLE orders RENAME COLUMN total TO amount;\nALTER TABLE orders DROP COLUMN legacy_note;\nALTER TABLE legacy_sessions RENAME TO old_sessions;\nDROP TABLE old_sessions;',
    },
    {
      // Detaching is how a partition's data is retired: code queries the parent.
      name: 'a partition detached by an earlier migration, then dropped',
      path: 'db/migrations/003_drop_events_2020.up.sql',
      files: {
        ...golang(
          "CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');\n",
        ),
        'db/migrations/002_detach.up.sql': 'ALTER TABLE events DETACH PARTITION events_2020;\n',
      },
      code: 'DROP TABLE events_2020;\n',
    },
    {
      // The old name stays usable: a simple view reads and writes through to the table.
      name: 'a table renamed, with a view under its old name in the same migration',
      path,
      files: golang(),
      code: 'ALTER TABLE orders RENAME TO purchases;\nCREATE VIEW orders AS SELECT * FROM purchases;\n',
    },
    {
      name: 'a column added earlier in the same migration, then renamed and dropped',
      path,
      files: golang(),
      code: 'ALTER TABLE orders ADD COLUMN amount_tmp numeric(12,2);\nUPDATE orders SET amount_tmp = total;\nALTER TABLE orders RENAME COLUMN amount_tmp TO amount_new;\nALTER TABLE orders DROP COLUMN amount_new;\n',
    },
    {
      name: 'golang-migrate: DROP TABLE IF EXISTS of a table no migration created',
      path,
      files: golang(),
      code: 'DROP TABLE IF EXISTS schema_migrations_backup;\n',
    },
    {
      name: 'Supabase: DROP COLUMN IF EXISTS of a column no migration created',
      path: 'supabase/migrations/20240201000000_cleanup.sql',
      files: { 'supabase/migrations/20240101000000_init.sql': init },
      code: 'ALTER TABLE orders DROP COLUMN IF EXISTS coupon_code;\nALTER TABLE IF EXISTS old_carts DROP COLUMN IF EXISTS token;',
    },
    {
      name: 'a temporary table',
      code: 'CREATE TEMP TABLE import_rows (id int, payload text);\nALTER TABLE import_rows DROP COLUMN payload;\nDROP TABLE import_rows;',
    },
    {
      name: 'dropping an old partition retires its rows; code queries the parent',
      path,
      files: golang(
        "CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');\n",
      ),
      code: 'DROP TABLE events_2023;\n',
    },
    {
      name: 'a stand-alone script that rebuilds its schema',
      code: 'DROP TABLE IF EXISTS users CASCADE;\nCREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);',
    },
    {
      name: 'renaming a constraint or an index is not this rule',
      path,
      files: golang('CREATE INDEX orders_total_idx ON orders (total);\n'),
      code: 'ALTER TABLE orders RENAME CONSTRAINT orders_customer_id_fkey TO orders_customer_fk;\nALTER INDEX orders_total_idx RENAME TO orders_amount_idx;\n',
    },
    {
      name: 'an index and a sequence renamed through ALTER TABLE are not tables',
      path,
      files: golang('CREATE INDEX orders_total_idx ON orders (total);\nCREATE SEQUENCE invoice_numbers;\n'),
      code: 'ALTER TABLE orders_total_idx RENAME TO orders_amount_idx;\nALTER TABLE invoice_numbers RENAME TO invoice_no_seq;\n',
    },
    {
      name: 'a view renamed through ALTER TABLE is not a table',
      path,
      files: golang('CREATE VIEW active_customers AS SELECT * FROM customers;\n'),
      code: 'ALTER TABLE active_customers RENAME TO customers_active;\n',
    },
  ],
  invalid: [
    {
      name: 'golang-migrate: RENAME COLUMN',
      path,
      files: golang(),
      code: 'ALTER TABLE orders RENAME COLUMN total TO amount;\n',
      errors: [
        {
          message: 'Renaming column orders.total to amount breaks running code that still uses orders.total',
          line: 1,
          column: 1,
          text: 'ALTER TABLE orders RENAME COLUMN total TO amount',
        },
      ],
      output: null,
    },
    {
      name: 'RENAME TO',
      path,
      files: golang(),
      code: 'ALTER TABLE orders RENAME TO purchases;\n',
      errors: [{ message: 'Renaming table orders to purchases breaks running code that still uses orders' }],
      output: null,
    },
    {
      name: 'multi-command ALTER TABLE: one finding per dropped column',
      path,
      files: golang(),
      code: 'ALTER TABLE customers\n  ADD COLUMN display_name text,\n  DROP COLUMN nickname,\n  DROP COLUMN IF EXISTS legacy_code CASCADE;\n',
      errors: [
        {
          message: 'Dropping column customers.nickname breaks running code that still reads or writes it',
          line: 3,
          text: 'DROP COLUMN nickname',
        },
        {
          message: 'Dropping column customers.legacy_code breaks running code that still reads or writes it',
          line: 4,
          text: 'DROP COLUMN IF EXISTS legacy_code CASCADE',
        },
      ],
      output: null,
    },
    {
      name: 'DROP TABLE of two tables, quoted and in a non-public schema: one finding each',
      path,
      files: golang('CREATE SCHEMA app;\nCREATE TABLE app."AuditLog" (id bigint PRIMARY KEY);\n'),
      code: 'DROP TABLE IF EXISTS app."AuditLog", legacy_sessions CASCADE;\n',
      errors: [
        { message: 'Dropping table AuditLog breaks running code that still uses it', text: 'app."AuditLog"' },
        {
          message: 'Dropping table legacy_sessions breaks running code that still uses it',
          text: 'legacy_sessions',
        },
      ],
      output: null,
    },
    {
      name: 'Supabase: DROP COLUMN IF EXISTS of a column an earlier migration created',
      path: 'supabase/migrations/20240201000000_cleanup.sql',
      files: { 'supabase/migrations/20240101000000_init.sql': init },
      code: 'ALTER TABLE orders DROP COLUMN IF EXISTS legacy_note;',
      errors: [{ message: /^Dropping column orders.legacy_note/, text: 'DROP COLUMN IF EXISTS legacy_note' }],
      output: null,
    },
    {
      name: 'Prisma migrations: the DROP COLUMN and DROP TABLE Prisma writes',
      path: 'prisma/migrations/20240201000000_cleanup/migration.sql',
      files: {
        'prisma/migrations/20240101000000_init/migration.sql':
          'CREATE TABLE "User" ("id" SERIAL NOT NULL, "nickname" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\nCREATE TABLE "Session" ("id" TEXT NOT NULL, CONSTRAINT "Session_pkey" PRIMARY KEY ("id"));\n',
      },
      code: '-- AlterTable\nALTER TABLE "User" DROP COLUMN "nickname";\n\n-- DropTable\nDROP TABLE "Session";\n',
      errors: [
        {
          message: 'Dropping column User.nickname breaks running code that still reads or writes it',
          line: 2,
        },
        {
          message: 'Dropping table Session breaks running code that still uses it',
          line: 5,
          text: '"Session"',
        },
      ],
      output: null,
    },
    {
      name: 'a DO block',
      path,
      files: golang(),
      code: "DO $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'legacy_code') THEN\n    ALTER TABLE customers DROP COLUMN legacy_code;\n  END IF;\nEND $$;\n",
      errors: [
        { message: /^Dropping column customers.legacy_code/, line: 4, text: 'DROP COLUMN legacy_code' },
      ],
      output: null,
    },
    {
      name: 'a stand-alone file dropping a table it does not create',
      code: 'DROP TABLE legacy_orders;\n',
      errors: [{ message: 'Dropping table legacy_orders breaks running code that still uses it' }],
      output: null,
    },
    {
      name: 'DROP IF EXISTS then CREATE of a table an earlier migration made: its rows are gone',
      path,
      files: golang(),
      code: 'DROP TABLE IF EXISTS legacy_sessions;\nCREATE TABLE legacy_sessions (id bigint PRIMARY KEY, token text NOT NULL);\n',
      errors: [{ message: 'Dropping table legacy_sessions breaks running code that still uses it', line: 1 }],
      output: null,
    },
  ],
});
