import { createIndexNonConcurrently } from '../../server/src/engine/rules/create-index-non-concurrently';
import { ruleTester } from '../support/rule-tester';

/** An earlier migration: the table exists and holds rows when the index is built. */
const orders =
  'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL,\n  placed_at timestamptz NOT NULL DEFAULT now()\n);\nINSERT INTO orders (customer_id) VALUES (1), (2), (3);\n';

const golang = {
  'db/migrations/001_init.up.sql': orders,
  'db/migrations/001_init.down.sql': 'DROP TABLE orders;\n',
};

const supabase = { 'supabase/migrations/20240101000000_init.sql': orders };

const DBMATE_INIT = `-- migrate:up\n${orders}\n-- migrate:down\n`;

const flyway = { 'db/migration/V1__init.sql': orders };

ruleTester(createIndexNonConcurrently, {
  valid: [
    {
      name: 'golang-migrate: the file that creates the table indexes it (the table is empty)',
      path: 'db/migrations/001_init.up.sql',
      code: `${orders}CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n`,
    },
    {
      name: 'golang-migrate: CONCURRENTLY alone in its file',
      path: 'db/migrations/002_orders_customer.up.sql',
      files: golang,
      code: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n',
    },
    {
      name: 'Supabase wraps each migration in a transaction: a plain CREATE INDEX is all it can run',
      path: 'supabase/migrations/20240201000000_orders_customer.sql',
      files: supabase,
      code: 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n',
    },
    {
      name: 'Prisma: CONCURRENTLY alone in migration.sql runs outside a transaction',
      path: 'prisma/migrations/20240201000000_orders_customer/migration.sql',
      files: { 'prisma/migrations/20240101000000_init/migration.sql': orders },
      code: '-- CreateIndex\nCREATE INDEX CONCURRENTLY "orders_customer_id_idx" ON "orders"("customer_id");\n',
    },
    {
      name: 'dbmate with transaction:false and CONCURRENTLY alone in its up section',
      path: 'db/migrations/20240201000000_orders_customer.sql',
      files: { 'db/migrations/20240101000000_init.sql': DBMATE_INIT },
      code: '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n\n-- migrate:down\nDROP INDEX orders_customer_id_idx;\n',
    },
    {
      name: 'a dbmate rollback section outside a transaction: DROP INDEX CONCURRENTLY runs',
      path: 'db/migrations/20240201000000_orders_customer.sql',
      files: { 'db/migrations/20240101000000_init.sql': DBMATE_INIT },
      code: '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY orders_customer_id_idx;\n',
    },
    {
      name: "a diesel rollback with run_in_transaction = false in the migration's metadata.toml",
      path: 'migrations/2024-02-01-000000_index/down.sql',
      files: {
        'migrations/2024-01-01-000000_init/up.sql': 'CREATE TABLE t (id bigint PRIMARY KEY, a int);\n',
        'migrations/2024-01-01-000000_init/down.sql': 'DROP TABLE t;\n',
        'migrations/2024-02-01-000000_index/up.sql': 'CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n',
        'migrations/2024-02-01-000000_index/metadata.toml': 'run_in_transaction = false\n',
      },
      code: 'DROP INDEX CONCURRENTLY t_a_idx;\n',
    },
    {
      name: 'dbmate in its transaction: a plain CREATE INDEX is all it can run',
      path: 'db/migrations/20240201000000_orders_customer.sql',
      files: { 'db/migrations/20240101000000_init.sql': DBMATE_INIT },
      code: '-- migrate:up\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\n\n-- migrate:down\nDROP INDEX orders_customer_id_idx;\n',
    },
    {
      name: 'Flyway runs a migration made only of CONCURRENTLY statements outside a transaction',
      path: 'db/migration/V2__orders_indexes.sql',
      files: flyway,
      code: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\nCREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at);\n',
    },
    {
      // VACUUM is on Flyway's list of statements it runs outside a transaction.
      name: 'Flyway: CONCURRENTLY beside a VACUUM, both outside a transaction',
      path: 'db/migration/V2__orders_indexes.sql',
      files: flyway,
      code: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\nVACUUM orders;\n',
    },
    {
      name: 'Flyway with executeInTransaction=false runs statement by statement',
      path: 'db/migration/V2__orders_customer.sql',
      files: flyway,
      code: '-- flyway:executeInTransaction=false\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n',
    },
    {
      name: 'inside the file’s own BEGIN … COMMIT, CONCURRENTLY is not an option',
      path: 'db/migrations/002_orders_customer.up.sql',
      files: golang,
      code: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\nCOMMIT;\n',
    },
    {
      name: 'a DO block runs its statements inside a function: CONCURRENTLY is not an option',
      path: 'db/migrations/002_orders_customer.up.sql',
      files: golang,
      code: "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT FROM pg_indexes WHERE indexname = 'orders_customer_id_idx') THEN\n    CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n  END IF;\nEND\n$$;\n",
    },
    {
      name: 'a schema file that creates its tables and indexes them',
      code: `CREATE SCHEMA app;\nCREATE TABLE app."Orders" (id bigint PRIMARY KEY, "customerId" bigint NOT NULL);\nCREATE INDEX "Orders_customerId_idx" ON app."Orders" ("customerId");\n`,
    },
    {
      name: 'a numbered folder runs like psql: CONCURRENTLY beside other statements is fine',
      path: 'migrations/0002_orders_customer.sql',
      files: { 'migrations/0001_init.sql': orders },
      code: 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n',
    },
    {
      name: 'a partitioned table cannot be indexed CONCURRENTLY: the plain build is not reported',
      path: 'migrations/0002_events_at.sql',
      files: {
        'migrations/0001_init.sql':
          "CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n",
      },
      code: 'CREATE INDEX events_at_idx ON events (at);\n',
    },
    {
      name: 'a stand-alone file indexing a partitioned table the migrations beside it define',
      path: 'indexes.sql',
      files: {
        'migrations/0001_init.sql':
          'CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);\n',
        'migrations/0002_events_2024.sql':
          "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n",
      },
      code: 'CREATE INDEX events_at_idx ON events (at);\n',
    },
    {
      name: 'ON ONLY the parent of partitions builds nothing',
      code: 'CREATE INDEX events_at_idx ON ONLY events (at);\n',
    },
    {
      name: 'a temporary table is the session’s own',
      code: 'CREATE INDEX scratch_a_idx ON pg_temp.scratch (a);\n',
    },
    {
      name: 'a materialized view: its index blocks only REFRESH',
      path: 'migrations/0002_daily_orders_day.sql',
      files: {
        'migrations/0001_init.sql': `${orders}CREATE MATERIALIZED VIEW daily_orders AS SELECT placed_at::date AS day, count(*) AS n FROM orders GROUP BY 1;\n`,
      },
      code: 'CREATE UNIQUE INDEX daily_orders_day_key ON daily_orders (day);\n',
    },
    {
      name: 'golang-migrate: REINDEX CONCURRENTLY alone in its file',
      path: 'db/migrations/002_reindex.up.sql',
      files: golang,
      code: 'REINDEX TABLE CONCURRENTLY orders;\n',
    },
  ],
  invalid: [
    {
      name: 'golang-migrate: an index on a table an earlier migration created (and filled)',
      path: 'db/migrations/002_orders_customer.up.sql',
      files: {
        ...golang,
        'db/migrations/002_orders_customer.down.sql': 'DROP INDEX orders_customer_id_idx;\n',
      },
      code: 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n',
      errors: [
        {
          message:
            'Index orders_customer_id_idx on orders is built without CONCURRENTLY: writes to orders are blocked while it builds',
          line: 1,
          column: 1,
          text: 'CREATE INDEX orders_customer_id_idx ON orders (customer_id)',
        },
      ],
      output: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n',
    },
    {
      name: 'numbered folder, lower case, UNIQUE and IF NOT EXISTS, beside another statement',
      path: 'migrations/0002_orders_unique.sql',
      files: { 'migrations/0001_init.sql': orders },
      code: 'alter table orders add column ref text;\ncreate unique index if not exists orders_ref_key on orders (ref);\n',
      errors: [{ message: /^Index orders_ref_key on orders is built without CONCURRENTLY/, line: 2 }],
      output:
        'alter table orders add column ref text;\ncreate unique index concurrently if not exists orders_ref_key on orders (ref);\n',
    },
    {
      name: 'a stand-alone file that indexes a table it does not create; unnamed index',
      setup: orders,
      code: 'CREATE INDEX ON orders (customer_id, placed_at);\n',
      errors: [
        {
          message:
            'Index on orders (customer_id, placed_at) is built without CONCURRENTLY: writes to orders are blocked while it builds',
        },
      ],
      output: 'CREATE INDEX CONCURRENTLY ON orders (customer_id, placed_at);\n',
    },
    {
      name: 'quoted identifiers in a non-public schema',
      path: 'migrations/0002_orders_customer.sql',
      files: {
        'migrations/0001_init.sql':
          'CREATE SCHEMA app;\nCREATE TABLE app."Orders" (id bigint PRIMARY KEY, "customerId" bigint NOT NULL);\nINSERT INTO app."Orders" VALUES (1, 1), (2, 1);\n',
      },
      code: 'CREATE INDEX "Orders_customerId_idx"\n  ON app."Orders" USING btree ("customerId");\n',
      errors: [
        {
          message:
            'Index Orders_customerId_idx on Orders is built without CONCURRENTLY: writes to Orders are blocked while it builds',
        },
      ],
      output:
        'CREATE INDEX CONCURRENTLY "Orders_customerId_idx"\n  ON app."Orders" USING btree ("customerId");\n',
    },
    {
      name: 'golang-migrate sends a file of several statements as one transaction: no CONCURRENTLY in place',
      path: 'db/migrations/002_orders_note.up.sql',
      files: golang,
      code: 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\n',
      errors: [
        {
          message:
            'Index orders_customer_id_idx on orders is built without CONCURRENTLY: writes to orders are blocked while it builds; golang-migrate sends the file as one query, so CONCURRENTLY needs a migration of its own',
          line: 2,
        },
      ],
      output: null,
    },
    {
      name: 'an earlier migration has already run: reported, not rewritten',
      path: 'db/migrations/002_orders_customer.up.sql',
      files: {
        ...golang,
        'db/migrations/003_orders_note.up.sql': 'ALTER TABLE orders ADD COLUMN note text;\n',
      },
      code: 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n',
      errors: [{ message: /^Index orders_customer_id_idx on orders is built without CONCURRENTLY/ }],
      output: null,
    },
    {
      name: 'Supabase runs each migration in a transaction: CONCURRENTLY fails',
      path: 'supabase/migrations/20240201000000_orders_customer.sql',
      files: supabase,
      code: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n',
      errors: [
        {
          message:
            'CREATE INDEX CONCURRENTLY cannot run inside a transaction block: Supabase runs each migration in a transaction',
          text: 'CONCURRENTLY',
        },
      ],
      output: 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n',
    },
    {
      name: 'Supabase: DROP INDEX CONCURRENTLY fails the same way',
      path: 'supabase/migrations/20240301000000_drop_index.sql',
      files: {
        ...supabase,
        'supabase/migrations/20240201000000_orders_customer.sql':
          'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n',
      },
      code: 'drop index concurrently if exists orders_customer_id_idx;\n',
      errors: [
        {
          message:
            'DROP INDEX CONCURRENTLY cannot run inside a transaction block: Supabase runs each migration in a transaction',
          text: 'concurrently',
        },
      ],
      output: 'drop index if exists orders_customer_id_idx;\n',
    },
    {
      name: "a diesel rollback in diesel's transaction: DROP INDEX CONCURRENTLY would fail",
      path: 'migrations/2024-02-01-000000_index/down.sql',
      files: {
        'migrations/2024-01-01-000000_init/up.sql': 'CREATE TABLE t (id bigint PRIMARY KEY, a int);\n',
        'migrations/2024-01-01-000000_init/down.sql': 'DROP TABLE t;\n',
        'migrations/2024-02-01-000000_index/up.sql': 'CREATE INDEX t_a_idx ON t (a);\n',
      },
      code: 'DROP INDEX CONCURRENTLY t_a_idx;\n',
      errors: [
        {
          message:
            'DROP INDEX CONCURRENTLY cannot run inside a transaction block: diesel runs each migration in a transaction',
          text: 'CONCURRENTLY',
        },
      ],
      output: 'DROP INDEX t_a_idx;\n',
    },
    {
      name: 'a dbmate rollback section: mark it transaction:false (preferred), or remove CONCURRENTLY',
      path: 'db/migrations/20240201000000_orders_customer.sql',
      files: { 'db/migrations/20240101000000_init.sql': DBMATE_INIT },
      code: '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n\n-- migrate:down\nDROP INDEX CONCURRENTLY orders_customer_id_idx;\n',
      errors: [
        {
          message:
            'DROP INDEX CONCURRENTLY cannot run inside a transaction block: dbmate runs each migration in a transaction',
          line: 5,
        },
      ],
      output:
        '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY orders_customer_id_idx;\n',
      fixes: [
        {
          title: 'Run this rollback outside a transaction (-- migrate:down transaction:false)',
          output:
            '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY orders_customer_id_idx;\n',
        },
        {
          title: 'Remove CONCURRENTLY',
          output:
            '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n\n-- migrate:down\nDROP INDEX orders_customer_id_idx;\n',
        },
      ],
    },
    {
      name: 'a golang-migrate rollback of several statements is sent as one query',
      path: 'db/migrations/000002_index.down.sql',
      files: {
        'db/migrations/000001_init.up.sql': 'CREATE TABLE t (id bigint PRIMARY KEY, a int);\n',
        'db/migrations/000001_init.down.sql': 'DROP TABLE t;\n',
        'db/migrations/000002_index.up.sql': 'CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n',
      },
      code: 'DROP INDEX CONCURRENTLY t_a_idx;\nALTER TABLE t DROP COLUMN a;\n',
      errors: [
        {
          message:
            'DROP INDEX CONCURRENTLY cannot run inside a transaction block: golang-migrate sends the file as one query, which PostgreSQL runs in one transaction when it holds several statements',
        },
      ],
      output: 'DROP INDEX t_a_idx;\nALTER TABLE t DROP COLUMN a;\n',
    },
    {
      name: 'dbmate in its transaction: mark the file transaction:false (preferred), or remove CONCURRENTLY',
      path: 'db/migrations/20240201000000_orders_customer.sql',
      files: { 'db/migrations/20240101000000_init.sql': DBMATE_INIT },
      code: '-- migrate:up\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n\n-- migrate:down\nDROP INDEX orders_customer_id_idx;\n',
      errors: [
        {
          message:
            'CREATE INDEX CONCURRENTLY cannot run inside a transaction block: dbmate runs each migration in a transaction',
          line: 2,
        },
      ],
      output:
        '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n\n-- migrate:down\nDROP INDEX orders_customer_id_idx;\n',
      fixes: [
        {
          title: 'Run this migration outside a transaction (-- migrate:up transaction:false)',
          output:
            '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n\n-- migrate:down\nDROP INDEX orders_customer_id_idx;\n',
        },
        {
          title: 'Remove CONCURRENTLY',
          output:
            '-- migrate:up\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\n\n-- migrate:down\nDROP INDEX orders_customer_id_idx;\n',
        },
      ],
    },
    {
      // ANALYZE parses as a VacuumStmt, but Flyway runs it in a transaction like any statement.
      name: 'Flyway: CONCURRENTLY beside an ANALYZE is a mix Flyway refuses',
      path: 'db/migration/V2__orders_customer.sql',
      files: flyway,
      code: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\nANALYZE orders;\n',
      errors: [{ message: /^CREATE INDEX CONCURRENTLY cannot run inside a transaction block: Flyway/ }],
      output:
        '-- flyway:executeInTransaction=false\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\nANALYZE orders;\n',
    },
    {
      name: 'Flyway refuses to mix CONCURRENTLY with other statements: executeInTransaction=false (preferred)',
      path: 'db/migration/V2__orders_customer.sql',
      files: flyway,
      code: 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n',
      errors: [
        {
          message:
            'CREATE INDEX CONCURRENTLY cannot run inside a transaction block: Flyway runs each migration in a transaction, and refuses one that mixes CONCURRENTLY with other statements',
        },
      ],
      output:
        '-- flyway:executeInTransaction=false\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n',
      fixes: [
        {
          title: 'Remove CONCURRENTLY',
          output:
            'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\n',
        },
      ],
    },
    {
      name: 'the file’s own BEGIN … COMMIT: only removing CONCURRENTLY helps',
      path: 'db/migrations/002_orders_customer.up.sql',
      files: golang,
      code: 'BEGIN;\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\nCOMMIT;\n',
      errors: [
        {
          message:
            'CREATE INDEX CONCURRENTLY cannot run inside a transaction block: it runs inside BEGIN … COMMIT',
          line: 2,
        },
      ],
      output: 'BEGIN;\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\nCOMMIT;\n',
    },
    {
      name: 'golang-migrate: CONCURRENTLY beside other statements runs in one implicit transaction',
      path: 'db/migrations/001_init.up.sql',
      code: `${orders}CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n`,
      errors: [
        {
          message:
            'CREATE INDEX CONCURRENTLY cannot run inside a transaction block: golang-migrate sends the file as one query, which PostgreSQL runs in one transaction when it holds several statements',
        },
      ],
      output: `${orders}CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n`,
    },
    {
      name: 'a DO block: PostgreSQL refuses CONCURRENTLY inside a function',
      setup: orders,
      code: "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT FROM pg_indexes WHERE indexname = 'orders_customer_id_idx') THEN\n    CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n  END IF;\nEND\n$$;\n",
      errors: [
        {
          message:
            'CREATE INDEX CONCURRENTLY cannot be executed from a function: a DO block runs its statements inside a function',
          line: 4,
        },
      ],
      output:
        "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT FROM pg_indexes WHERE indexname = 'orders_customer_id_idx') THEN\n    CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n  END IF;\nEND\n$$;\n",
    },
    {
      name: 'REINDEX (CONCURRENTLY) inside BEGIN … COMMIT: the option list goes with it',
      path: 'migrations/0002_reindex.sql',
      files: { 'migrations/0001_init.sql': orders },
      code: 'BEGIN;\nREINDEX (CONCURRENTLY) TABLE orders;\nCOMMIT;\n',
      errors: [
        {
          message:
            'REINDEX CONCURRENTLY cannot run inside a transaction block: it runs inside BEGIN … COMMIT',
        },
      ],
      output: 'BEGIN;\nREINDEX TABLE orders;\nCOMMIT;\n',
    },
    {
      name: 'Prisma sends a migration.sql of several statements as one transaction',
      path: 'prisma/migrations/20240201000000_orders_customer/migration.sql',
      files: { 'prisma/migrations/20240101000000_init/migration.sql': orders },
      code: '-- AlterTable\nALTER TABLE "orders" ADD COLUMN "note" TEXT;\n\n-- CreateIndex\nCREATE INDEX CONCURRENTLY "orders_customer_id_idx" ON "orders"("customer_id");\n',
      errors: [
        {
          message:
            'CREATE INDEX CONCURRENTLY cannot run inside a transaction block: Prisma Migrate sends migration.sql as one query, which PostgreSQL runs in one transaction when it holds several statements',
        },
      ],
      output:
        '-- AlterTable\nALTER TABLE "orders" ADD COLUMN "note" TEXT;\n\n-- CreateIndex\nCREATE INDEX "orders_customer_id_idx" ON "orders"("customer_id");\n',
    },
    {
      name: 'a partitioned table cannot be indexed CONCURRENTLY',
      path: 'migrations/0002_events_at.sql',
      files: {
        'migrations/0001_init.sql':
          "CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n",
      },
      code: 'CREATE INDEX CONCURRENTLY events_at_idx ON events (at);\n',
      errors: [{ message: 'PostgreSQL cannot build an index on partitioned table events CONCURRENTLY' }],
      output: 'CREATE INDEX events_at_idx ON events (at);\n',
    },
    {
      name: 'nor can the index of a partitioned table be dropped CONCURRENTLY',
      path: 'migrations/0003_drop_events_at.sql',
      files: {
        'migrations/0001_init.sql':
          "CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n",
        'migrations/0002_events_at.sql': 'CREATE INDEX events_at_idx ON events (at);\n',
      },
      code: 'DROP INDEX CONCURRENTLY IF EXISTS events_at_idx;\n',
      errors: [{ message: 'PostgreSQL cannot drop an index of partitioned table events CONCURRENTLY' }],
      output: 'DROP INDEX IF EXISTS events_at_idx;\n',
    },
  ],
});
