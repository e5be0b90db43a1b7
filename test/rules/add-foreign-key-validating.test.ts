import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DEFAULT_CONFIG } from '../../server/src/engine/config/config';
import { applyEdits } from '../../server/src/engine/fixes/apply';
import { lintProject } from '../../server/src/engine/lint';
import { addForeignKeyValidating } from '../../server/src/engine/rules/add-foreign-key-validating';
import { closePostgres, postgres, reset, runScript } from '../support/postgres';
import { ruleTester } from '../support/rule-tester';

/** The first migration: two tables with rows that every constraint below accepts. */
const init =
  'CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);\n' +
  'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, total numeric(12,2) NOT NULL);\n' +
  "INSERT INTO customers VALUES (1, 'a@example.com'), (2, 'b@example.com');\n" +
  'INSERT INTO orders VALUES (10, 1, 5.00), (11, 2, 7.50);\n';

const golang = (up: string) => ({
  'db/migrations/001_init.up.sql': init + up,
  'db/migrations/001_init.down.sql': 'DROP TABLE orders;\nDROP TABLE customers;\n',
});

const supabase = { 'supabase/migrations/20240101000000_init.sql': init };

/** A numbered folder: run like `psql -f`, one statement at a time. */
const numbered = (up: string) => ({ 'sql/001_init.sql': init + up });

ruleTester(addForeignKeyValidating, {
  valid: [
    {
      name: 'NOT VALID, then VALIDATE',
      path: 'db/migrations/002_orders_customer.up.sql',
      files: golang(''),
      code: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n',
    },
    {
      name: 'the table was created in the same file',
      code:
        init +
        'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\nALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);',
    },
    {
      name: 'a pg_dump schema: ALTER TABLE ONLY after the CREATE TABLE',
      code: 'CREATE TABLE public.customers (id bigint NOT NULL);\nCREATE TABLE public.orders (id bigint NOT NULL, customer_id bigint);\nALTER TABLE ONLY public.customers ADD CONSTRAINT customers_pkey PRIMARY KEY (id);\nALTER TABLE ONLY public.orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers(id);',
    },
    {
      name: 'a foreign key on a column added without a default: PostgreSQL has nothing to check',
      path: 'db/migrations/002_orders_coupon.up.sql',
      files: golang('CREATE TABLE coupons (id bigint PRIMARY KEY);\n'),
      code: 'ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES coupons (id) ON DELETE SET NULL;\n',
    },
    {
      // PostgreSQL 18 decides per column: another column's DEFAULT does not make it check this one.
      name: 'a foreign key on a new column beside another new column with a DEFAULT',
      path: 'db/migrations/002_orders_coupon.up.sql',
      files: golang('CREATE TABLE coupons (id bigint PRIMARY KEY);\n'),
      code: "ALTER TABLE orders\n  ADD COLUMN coupon_id bigint REFERENCES coupons (id),\n  ADD COLUMN channel text NOT NULL DEFAULT 'web';\n",
    },
    {
      name: "a domain's default set only after the column was added, or DEFAULT NULL::int: nothing filled",
      path: 'sql/002_orders_coupon.sql',
      files: {
        ...numbered(
          'CREATE TABLE coupons (id bigint PRIMARY KEY);\nCREATE DOMAIN coupon_ref AS bigint;\nCREATE DOMAIN gift_ref AS bigint DEFAULT NULL::bigint;\n',
        ),
        'sql/003_coupon_default.sql': 'ALTER DOMAIN coupon_ref SET DEFAULT 1;\n',
      },
      code: 'ALTER TABLE orders ADD COLUMN coupon_id coupon_ref REFERENCES coupons (id), ADD COLUMN gift_id gift_ref REFERENCES coupons (id);\n',
    },
    {
      name: "a base domain's default set after the domain over it was made: not the derived domain's",
      path: 'sql/002_orders_region.sql',
      files: numbered(
        'CREATE TABLE regions (id int PRIMARY KEY);\nCREATE DOMAIN region_base AS int;\nCREATE DOMAIN region_ref AS region_base;\nALTER DOMAIN region_base SET DEFAULT 99;\n',
      ),
      code: 'ALTER TABLE orders ADD COLUMN region_id region_ref REFERENCES regions (id);\n',
    },
    {
      name: "a foreign key on a new column whose domain's default is NULL: nothing to check",
      path: 'sql/002_orders_coupon.sql',
      files: numbered(
        'CREATE TABLE coupons (id bigint PRIMARY KEY);\nCREATE DOMAIN coupon_ref AS bigint DEFAULT NULL;\n',
      ),
      code: 'ALTER TABLE orders ADD COLUMN coupon_id coupon_ref REFERENCES coupons (id);\n',
    },
    {
      name: 'UNIQUE and PRIMARY KEY build an index: not this rule',
      path: 'db/migrations/002_keys.up.sql',
      files: golang('CREATE TABLE order_lines (order_id bigint NOT NULL, line int NOT NULL);\n'),
      code: 'ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);\nALTER TABLE order_lines ADD PRIMARY KEY (order_id, line);\n',
    },
    {
      name: 'NOT ENFORCED: nothing is validated',
      path: 'db/migrations/002_orders_customer.up.sql',
      files: golang(''),
      code: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT ENFORCED;\n',
    },
    {
      name: 'Supabase: NOT VALID in one migration, VALIDATE in the next',
      path: 'supabase/migrations/20240201000000_orders_total.sql',
      files: {
        ...supabase,
        'supabase/migrations/20240202000000_validate.sql':
          'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;',
      },
      code: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;',
    },
    {
      name: 'an idempotent DO block that adds it NOT VALID',
      path: 'db/migrations/002_orders_customer.up.sql',
      files: golang(''),
      code: "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'orders_customer_fk') THEN\n    ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n  END IF;\nEND $$;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n",
    },
    {
      name: 'a migration that only validates what an earlier one added NOT VALID',
      path: 'db/migrations/003_validate.up.sql',
      files: {
        ...golang(''),
        'db/migrations/002_orders_customer.up.sql':
          'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n',
      },
      code: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n',
    },
    {
      name: 'two foreign keys on two new columns without defaults',
      path: 'supabase/migrations/20240201000000_orders_links.sql',
      files: {
        'supabase/migrations/20240101000000_init.sql':
          init +
          'CREATE TABLE coupons (id bigint PRIMARY KEY);\nCREATE TABLE carts (id bigint PRIMARY KEY);\n',
      },
      code: 'ALTER TABLE orders\n  ADD COLUMN coupon_id bigint REFERENCES coupons (id),\n  ADD COLUMN cart_id bigint NULL REFERENCES carts (id) ON DELETE SET NULL;',
    },
    {
      name: 'EXCLUDE builds an index: not this rule',
      path: 'db/migrations/002_bookings.up.sql',
      files: golang(
        'CREATE EXTENSION IF NOT EXISTS btree_gist;\nCREATE TABLE bookings (id bigint PRIMARY KEY, room int NOT NULL, during tstzrange NOT NULL);\n',
      ),
      code: 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);\n',
    },
    {
      name: 'a table created by a DO block of the same file',
      code: "DO $$\nBEGIN\n  IF to_regclass('public.invoices') IS NULL THEN\n    CREATE TABLE invoices (id bigint PRIMARY KEY, total numeric(12,2));\n  END IF;\nEND $$;\nALTER TABLE invoices ADD CONSTRAINT invoices_total_check CHECK (total >= 0);",
    },
    {
      name: 'a golang-migrate down file (rollbacks are not checked)',
      path: 'db/migrations/002_drop_fk.down.sql',
      files: {
        ...golang(
          'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
        ),
        'db/migrations/002_drop_fk.up.sql': 'ALTER TABLE orders DROP CONSTRAINT orders_customer_fk;\n',
      },
      code: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
    },
    {
      name: "a dbmate file's -- migrate:down section",
      path: 'db/migrations/20240201000000_drop_check.sql',
      files: {
        'db/migrations/20240101000000_init.sql': `-- migrate:up\n${init}\n-- migrate:down\nDROP TABLE orders;\nDROP TABLE customers;\n`,
      },
      code: '-- migrate:up\nALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_total_check;\n\n-- migrate:down\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\n',
    },
    {
      name: 'a temporary table',
      code: 'CREATE TEMP TABLE import_rows (id int, amount int);\nALTER TABLE import_rows ADD CHECK (amount > 0);',
    },
  ],
  invalid: [
    {
      name: 'two domains of one name in two schemas: the one the column names',
      path: 'sql/002_orders_region.sql',
      files: numbered(
        'CREATE TABLE regions (id int PRIMARY KEY);\nINSERT INTO regions VALUES (1);\nCREATE SCHEMA a;\nCREATE SCHEMA b;\nCREATE DOMAIN a.region_ref AS int DEFAULT 1;\nCREATE DOMAIN b.region_ref AS int;\n',
      ),
      code: 'ALTER TABLE orders ADD COLUMN region_id a.region_ref REFERENCES regions (id);\n',
      errors: [{ message: /^Foreign key orders.region_id is never checked against regions/ }],
      output:
        'ALTER TABLE orders ADD COLUMN region_id a.region_ref;\nALTER TABLE orders ADD CONSTRAINT orders_region_id_fkey FOREIGN KEY (region_id) REFERENCES regions (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_region_id_fkey;\n',
    },
    {
      name: 'golang-migrate sends the file as one query (one transaction): VALIDATE goes to a new migration',
      path: 'db/migrations/002_orders_customer.up.sql',
      files: golang(''),
      code: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
      errors: [
        {
          message:
            'Adding foreign key orders.customer_id scans orders while writes to orders and customers wait; add it NOT VALID, then VALIDATE CONSTRAINT separately',
          line: 1,
          column: 24,
          text: 'CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)',
        },
      ],
      output:
        'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n',
      fixes: [
        {
          title:
            'Add orders_customer_fk NOT VALID and validate it in a new migration 003_validate_orders_customer_fk',
          output:
            'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n',
        },
        {
          title:
            'Add orders_customer_fk NOT VALID and validate it in the same transaction (the ADD lock is held until commit)',
          output:
            'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n',
        },
      ],
    },
    {
      name: 'a numbered folder runs one statement at a time: VALIDATE in the next statement',
      path: 'sql/002_orders_customer.sql',
      files: numbered(''),
      code: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
      errors: [{ message: /^Adding foreign key orders.customer_id/ }],
      output:
        'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n',
      fixes: [
        {
          title: 'Add orders_customer_fk NOT VALID and validate it in a separate statement',
          output:
            'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n',
        },
      ],
    },
    {
      name: 'an unnamed foreign key gets the name PostgreSQL would give it, free of the one already there',
      path: 'sql/002_orders_customer.sql',
      files: numbered(
        'CREATE TABLE legacy_customers (id bigint PRIMARY KEY);\nINSERT INTO legacy_customers VALUES (1), (2);\nALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES legacy_customers (id);\n',
      ),
      code: '-- customers replace legacy_customers\nALTER TABLE orders\n  ADD FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE;\n',
      errors: [
        { line: 3, column: 7, text: 'FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE' },
      ],
      output:
        '-- customers replace legacy_customers\nALTER TABLE orders\n  ADD CONSTRAINT orders_customer_id_fkey1 FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey1;\n',
    },
    {
      name: 'an unnamed CHECK on quoted names in a non-public schema (stand-alone file)',
      setup:
        'CREATE SCHEMA app;\nCREATE TABLE app."Orders" (id bigint PRIMARY KEY, "Total" numeric(12,2));\nINSERT INTO app."Orders" VALUES (1, 3.50);',
      code: 'ALTER TABLE app."Orders" ADD CHECK ("Total" >= 0);\n',
      errors: [
        {
          message:
            'Adding CHECK on Orders.Total scans Orders while its reads and writes wait; add it NOT VALID, then VALIDATE CONSTRAINT separately',
          text: 'CHECK ("Total" >= 0)',
        },
      ],
      output:
        'ALTER TABLE app."Orders" ADD CONSTRAINT "Orders_Total_check" CHECK ("Total" >= 0) NOT VALID;\nALTER TABLE app."Orders" VALIDATE CONSTRAINT "Orders_Total_check";\n',
    },
    {
      name: 'multi-command ALTER TABLE: a CHECK on a new column is checked on every row, and moves out',
      path: 'sql/002_discounts.sql',
      files: numbered(''),
      code: 'ALTER TABLE orders\n  ADD COLUMN discount numeric(12,2) CHECK (discount >= 0),\n  ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
      errors: [
        { message: /^Adding CHECK on orders.discount scans orders/, text: 'CHECK (discount >= 0)' },
        {
          message: /^Adding foreign key orders.customer_id/,
          text: 'CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)',
        },
      ],
      output:
        'ALTER TABLE orders\n  ADD COLUMN discount numeric(12,2),\n  ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders ADD CONSTRAINT orders_discount_check CHECK (discount >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_discount_check;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n',
    },
    {
      // PostgreSQL 18 fills the rows from the identity and marks the key valid unchecked: here the
      // orders get coupon_id 1, 2 … with no coupon at all. VALIDATE CONSTRAINT does check them.
      name: 'a foreign key on a new identity column is never checked: it moves out, NOT VALID, and is validated',
      path: 'sql/002_orders_coupon.sql',
      files: numbered(
        'CREATE TABLE coupons (id bigint PRIMARY KEY);\nINSERT INTO coupons VALUES (1), (2);\n',
      ),
      code: 'ALTER TABLE orders ADD COLUMN coupon_id bigint GENERATED BY DEFAULT AS IDENTITY REFERENCES coupons (id);\n',
      errors: [
        {
          message:
            'Foreign key orders.coupon_id is never checked against coupons: PostgreSQL fills the column from its identity for the rows orders has, and marks the key valid without checking them; add it NOT VALID, then VALIDATE CONSTRAINT separately',
          text: 'REFERENCES coupons (id)',
        },
      ],
      output:
        'ALTER TABLE orders ADD COLUMN coupon_id bigint GENERATED BY DEFAULT AS IDENTITY;\nALTER TABLE orders ADD CONSTRAINT orders_coupon_id_fkey FOREIGN KEY (coupon_id) REFERENCES coupons (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_coupon_id_fkey;\n',
    },
    {
      name: "a foreign key on a new column filled by its domain's default is never checked either",
      path: 'sql/002_orders_region.sql',
      files: numbered(
        'CREATE TABLE regions (id int PRIMARY KEY);\nINSERT INTO regions VALUES (1);\nCREATE DOMAIN region_ref AS int DEFAULT 1;\n',
      ),
      code: 'ALTER TABLE orders ADD COLUMN region_id region_ref NOT NULL REFERENCES regions (id);\n',
      errors: [
        {
          message:
            /^Foreign key orders.region_id is never checked against regions: PostgreSQL fills the column from its domain's default for the rows orders has/,
        },
      ],
      output:
        'ALTER TABLE orders ADD COLUMN region_id region_ref NOT NULL;\nALTER TABLE orders ADD CONSTRAINT orders_region_id_fkey FOREIGN KEY (region_id) REFERENCES regions (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_region_id_fkey;\n',
    },
    {
      name: 'a default inherited from the base domain fills the column too',
      path: 'sql/002_orders_region.sql',
      files: numbered(
        'CREATE TABLE regions (id int PRIMARY KEY);\nINSERT INTO regions VALUES (1);\nCREATE DOMAIN region_base AS int DEFAULT 1;\nCREATE DOMAIN region_ref AS region_base;\n',
      ),
      code: 'ALTER TABLE orders ADD COLUMN region_id region_ref REFERENCES regions (id);\n',
      errors: [
        {
          message: /^Foreign key orders.region_id is never checked against regions: .* its domain's default/,
        },
      ],
      output:
        'ALTER TABLE orders ADD COLUMN region_id region_ref;\nALTER TABLE orders ADD CONSTRAINT orders_region_id_fkey FOREIGN KEY (region_id) REFERENCES regions (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_region_id_fkey;\n',
    },
    {
      name: 'a derived domain keeps the default its base had when it was made, dropped from the base later',
      path: 'sql/002_orders_region.sql',
      files: numbered(
        'CREATE TABLE regions (id int PRIMARY KEY);\nINSERT INTO regions VALUES (1);\nCREATE DOMAIN region_base AS int DEFAULT 1;\nCREATE DOMAIN region_ref AS region_base;\nALTER DOMAIN region_base DROP DEFAULT;\n',
      ),
      code: 'ALTER TABLE orders ADD COLUMN region_id region_ref REFERENCES regions (id);\n',
      errors: [{ message: /^Foreign key orders.region_id is never checked against regions/ }],
      output:
        'ALTER TABLE orders ADD COLUMN region_id region_ref;\nALTER TABLE orders ADD CONSTRAINT orders_region_id_fkey FOREIGN KEY (region_id) REFERENCES regions (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_region_id_fkey;\n',
    },
    {
      name: 'a foreign key on a new column with a DEFAULT is checked: it moves out, NOT VALID',
      path: 'sql/002_orders_region.sql',
      files: numbered('CREATE TABLE regions (id int PRIMARY KEY);\nINSERT INTO regions VALUES (1);\n'),
      code: 'ALTER TABLE orders ADD COLUMN region_id int NOT NULL DEFAULT 1 REFERENCES regions (id);\n',
      errors: [
        {
          message:
            /^Adding foreign key orders.region_id scans orders while writes to orders and regions wait/,
        },
      ],
      output:
        'ALTER TABLE orders ADD COLUMN region_id int NOT NULL DEFAULT 1;\nALTER TABLE orders ADD CONSTRAINT orders_region_id_fkey FOREIGN KEY (region_id) REFERENCES regions (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_region_id_fkey;\n',
    },
    {
      name: 'Supabase runs the file in a transaction: VALIDATE goes to a new migration',
      path: 'supabase/migrations/20240201000000_orders_total.sql',
      files: supabase,
      code: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);',
      errors: [
        {
          message:
            'Adding CHECK orders_total_check on orders scans orders while its reads and writes wait; add it NOT VALID, then VALIDATE CONSTRAINT separately',
        },
      ],
      output: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;',
      fixes: [
        {
          title:
            /^Add orders_total_check NOT VALID and validate it in a new migration \d{14}_validate_orders_total_check$/,
          output: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;',
        },
        {
          title:
            'Add orders_total_check NOT VALID and validate it in the same transaction (the ADD lock is held until commit)',
          output:
            'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;',
        },
      ],
    },
    {
      name: 'Prisma migrations: the foreign key Prisma writes; VALIDATE in a new migration folder',
      path: 'prisma/migrations/20240201000000_post_author/migration.sql',
      files: {
        'prisma/migrations/20240101000000_init/migration.sql':
          'CREATE TABLE "User" ("id" SERIAL NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\nCREATE TABLE "Post" ("id" SERIAL NOT NULL, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));\nINSERT INTO "User" DEFAULT VALUES;\nINSERT INTO "Post" ("authorId") VALUES (1);\n',
      },
      code: '-- AddForeignKey\nALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;\n',
      errors: [
        { message: /^Adding foreign key Post.authorId scans Post while writes to Post and User wait/ },
      ],
      output:
        '-- AddForeignKey\nALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;\n',
    },
    {
      name: 'a DO block: NOT VALID inside, VALIDATE after the block',
      path: 'sql/002_orders_customer.sql',
      files: numbered(''),
      code: "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'orders_customer_fk') THEN\n    ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n  END IF;\nEND $$;\n",
      errors: [{ line: 4, message: /^Adding foreign key orders.customer_id/ }],
      output:
        "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'orders_customer_fk') THEN\n    ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n  END IF;\nEND $$;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n",
    },
    {
      name: "the file's own BEGIN … COMMIT: VALIDATE after the COMMIT",
      path: 'db/migrations/002_orders_customer.up.sql',
      files: golang(''),
      code: "BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\nCOMMENT ON CONSTRAINT orders_customer_fk ON orders IS 'who placed it';\nCOMMIT;\n",
      errors: [{ line: 2 }],
      output:
        "BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nCOMMENT ON CONSTRAINT orders_customer_fk ON orders IS 'who placed it';\nCOMMIT;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n",
    },
    {
      name: 'Flyway runs the file in a transaction: VALIDATE goes to a new versioned migration',
      path: 'db/migration/V2__orders_customer.sql',
      files: { 'db/migration/V1__init.sql': init },
      code: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
      errors: [{ message: /^Adding foreign key orders.customer_id/ }],
      output:
        'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n',
      fixes: [
        {
          title:
            'Add orders_customer_fk NOT VALID and validate it in a new migration V3__validate_orders_customer_fk',
          output:
            'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n',
        },
        {
          title:
            'Add orders_customer_fk NOT VALID and validate it in the same transaction (the ADD lock is held until commit)',
          output:
            'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n',
        },
      ],
    },
    {
      name: 'a partitioned table takes a NOT VALID foreign key from PostgreSQL 18 on: offered, not applied unattended',
      path: 'sql/002_events_customer.sql',
      files: numbered(
        "CREATE TABLE events (id bigint, customer_id bigint, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nINSERT INTO events VALUES (1, 1, '2024-05-01');\n",
      ),
      code: 'ALTER TABLE events ADD CONSTRAINT events_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
      errors: [{ message: /^Adding foreign key events.customer_id scans events/ }],
      output: null,
      fixes: [
        {
          title:
            'Add events_customer_fk NOT VALID and validate it in a separate statement (PostgreSQL 18 or later on a partitioned table)',
          output:
            'ALTER TABLE events ADD CONSTRAINT events_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE events VALIDATE CONSTRAINT events_customer_fk;\n',
        },
      ],
    },
    {
      name: 'a foreign key to its own table, in a DO block with an EXCEPTION handler',
      path: 'sql/002_orders_parent.sql',
      files: numbered('ALTER TABLE orders ADD COLUMN parent_id bigint;\n'),
      code: 'DO $$\nBEGIN\n  ALTER TABLE orders ADD CONSTRAINT orders_parent_fk FOREIGN KEY (parent_id) REFERENCES orders (id);\nEXCEPTION WHEN duplicate_object THEN\n  NULL;\nEND $$;\n',
      errors: [
        {
          message:
            'Adding foreign key orders.parent_id scans orders while writes to orders wait; add it NOT VALID, then VALIDATE CONSTRAINT separately',
        },
      ],
      output:
        'DO $$\nBEGIN\n  ALTER TABLE orders ADD CONSTRAINT orders_parent_fk FOREIGN KEY (parent_id) REFERENCES orders (id) NOT VALID;\nEXCEPTION WHEN duplicate_object THEN\n  NULL;\nEND $$;\nALTER TABLE orders VALIDATE CONSTRAINT orders_parent_fk;\n',
    },
    {
      name: 'a migration that is not the newest has run already: reported, not rewritten',
      path: 'db/migrations/002_orders_customer.up.sql',
      files: {
        ...golang(''),
        'db/migrations/003_orders_index.up.sql':
          'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
      },
      code: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
      errors: [{ message: /^Adding foreign key orders.customer_id/ }],
      output: null,
    },
  ],
});

/** What the new-migration fixes write, run after the project in PostgreSQL. */
describe('add-foreign-key-validating: VALIDATE in a new migration', () => {
  after(closePostgres);
  const cases: { name: string; files: Record<string, string>; path: string; expect: RegExp[] }[] = [
    {
      name: 'Supabase',
      files: {
        ...supabase,
        'supabase/migrations/20240201000000_orders_total.sql':
          'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);',
      },
      path: 'supabase/migrations/20240201000000_orders_total.sql',
      expect: [/^supabase\/migrations\/\d{14}_validate_orders_total_check\.sql$/],
    },
    {
      name: 'golang-migrate (an up and a down file, numbered after the newest)',
      files: {
        ...golang(''),
        'db/migrations/002_orders_customer.up.sql':
          'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
      },
      path: 'db/migrations/002_orders_customer.up.sql',
      expect: [
        /^db\/migrations\/003_validate_orders_customer_fk\.up\.sql$/,
        /^db\/migrations\/003_validate_orders_customer_fk\.down\.sql$/,
      ],
    },
    {
      name: 'dbmate (up and down sections in one file)',
      files: {
        'db/migrations/20240101000000_init.sql': `-- migrate:up\n${init}\n-- migrate:down\nDROP TABLE orders;\nDROP TABLE customers;\n`,
        'db/migrations/20240201000000_orders_total.sql':
          '-- migrate:up\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\n\n-- migrate:down\nALTER TABLE orders DROP CONSTRAINT orders_total_check;\n',
      },
      path: 'db/migrations/20240201000000_orders_total.sql',
      expect: [/^db\/migrations\/\d{14}_validate_orders_total_check\.sql$/],
    },
    {
      name: 'diesel (a folder with up.sql and down.sql)',
      files: {
        'migrations/2024-01-01-000000_init/up.sql': init,
        'migrations/2024-01-01-000000_init/down.sql': 'DROP TABLE orders;\nDROP TABLE customers;\n',
        'migrations/2024-02-01-000000_fk/up.sql':
          'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
        'migrations/2024-02-01-000000_fk/down.sql':
          'ALTER TABLE orders DROP CONSTRAINT orders_customer_fk;\n',
      },
      path: 'migrations/2024-02-01-000000_fk/up.sql',
      expect: [
        /^migrations\/\d{4}-\d\d-\d\d-\d{6}_validate_orders_customer_fk\/up\.sql$/,
        /^migrations\/\d{4}-\d\d-\d\d-\d{6}_validate_orders_customer_fk\/down\.sql$/,
      ],
    },
    {
      name: 'Flyway (the next major version)',
      files: {
        'db/migration/V1__init.sql': init,
        'db/migration/V1_1__orders_total.sql':
          'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\n',
      },
      path: 'db/migration/V1_1__orders_total.sql',
      expect: [/^db\/migration\/V2__validate_orders_total_check\.sql$/],
    },
    {
      name: 'Prisma (a migration folder)',
      files: {
        'prisma/migrations/20240101000000_init/migration.sql': init,
        'prisma/migrations/20240201000000_fk/migration.sql':
          'ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "customers"("id");\n',
      },
      path: 'prisma/migrations/20240201000000_fk/migration.sql',
      expect: [/^prisma\/migrations\/\d{14}_validate_orders_customer_fk\/migration\.sql$/],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const files = Object.entries(c.files).map(([path, text]) => ({ path, text }));
      const result = await lintProject(files, { config: DEFAULT_CONFIG, rules: [addForeignKeyValidating] });
      const finding = result.findings.find((f) => f.ruleId === 'add-foreign-key-validating');
      const fix = finding?.fixes.find((f) => f.createFiles);
      assert.ok(fix, 'a fix that creates a migration');
      assert.deepEqual(
        fix.createFiles!.map((f) => c.expect.some((re) => re.test(f.file))),
        fix.createFiles!.map(() => true),
        JSON.stringify(fix.createFiles!.map((f) => f.file)),
      );
      assert.match(fix.createFiles![0].text, /^ALTER TABLE orders VALIDATE CONSTRAINT orders_\w+;$/m);
      const fixed = { ...c.files, [c.path]: applyEdits(c.files[c.path], fix.edits).text };
      for (const f of fix.createFiles!) fixed[f.file] = f.text;
      const again = await lintProject(
        Object.entries(fixed).map(([path, text]) => ({ path, text })),
        { config: DEFAULT_CONFIG, rules: [addForeignKeyValidating] },
      );
      assert.deepEqual(
        again.findings.map((f) => f.message),
        [],
      );
      // The group's up files in order, the new migration last; VALIDATE passes on the rows of init.
      const group = again.groups.find((g) => g.files.includes(c.path))!;
      const created = fix.createFiles!.map((f) => f.file);
      assert.equal(group.files[group.files.length - 1], created[0]);
      const db = await postgres();
      await reset(db);
      // dbmate: the up section only.
      for (const file of group.files) await runScript(db, fixed[file].split(/^-- migrate:down/m)[0]);
      const valid = await db.query<{ convalidated: boolean }>(
        `SELECT convalidated FROM pg_constraint WHERE conname IN ('orders_total_check', 'orders_customer_fk')`,
      );
      assert.deepEqual(valid.rows, [{ convalidated: true }]);
    });
  }
});

describe('add-foreign-key-validating: the name of an unnamed constraint on a table outside the files', () => {
  after(closePostgres);
  it('is the one PostgreSQL gives it, long names shortened as PostgreSQL does', async () => {
    const table = 'customer_subscription_invoice_line_adjustments_history';
    const column = 'originating_customer_subscription_invoice_id';
    const setup =
      `CREATE TABLE invoices (id bigint PRIMARY KEY);\nINSERT INTO invoices VALUES (1);\n` +
      `CREATE TABLE ${table} (id bigint, ${column} bigint, adjustment_amount_in_cents bigint);\n` +
      `INSERT INTO ${table} VALUES (1, 1, 5);\n`;
    const code =
      `ALTER TABLE ${table} ADD FOREIGN KEY (${column}) REFERENCES invoices (id);\n` +
      `ALTER TABLE ${table} ADD CHECK (adjustment_amount_in_cents >= 0);\n` +
      `ALTER TABLE ${table} ADD CHECK (adjustment_amount_in_cents > id);\n`;
    const result = await lintProject([{ path: 'sql/tighten.sql', text: code }], {
      config: DEFAULT_CONFIG,
      rules: [addForeignKeyValidating],
    });
    const named = result.findings.map((f) => {
      const m = /^CONSTRAINT (\S+) $/.exec(
        f.fixes[0]?.edits.find((e) => e.newText.startsWith('CONSTRAINT'))?.newText ?? '',
      );
      return m?.[1];
    });
    const db = await postgres();
    await reset(db);
    await runScript(db, setup + code);
    const given = await db.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint WHERE conrelid = '${table}'::regclass ORDER BY contype DESC, oid`,
    );
    assert.deepEqual(
      named,
      given.rows.map((r) => r.conname),
    );
  });
});

/**
 * PostgreSQL is the oracle: the key on a new identity column leaves an order without a coupon under
 * a key marked valid; with the fix, VALIDATE CONSTRAINT refuses that row.
 */
describe('add-foreign-key-validating: the key PostgreSQL leaves unchecked', () => {
  after(closePostgres);
  it('stands valid over a row without a parent, and the fixed migration refuses it', async () => {
    const setup =
      'CREATE TABLE coupons (id bigint PRIMARY KEY);\nINSERT INTO coupons VALUES (1);\n' +
      'CREATE TABLE orders (id bigint PRIMARY KEY);\nINSERT INTO orders VALUES (10), (11);\n';
    const code =
      'ALTER TABLE orders ADD COLUMN coupon_id bigint GENERATED BY DEFAULT AS IDENTITY REFERENCES coupons (id);\n';
    const files = [
      { path: 'sql/001_init.sql', text: setup },
      { path: 'sql/002_orders_coupon.sql', text: code },
    ];
    const { findings } = await lintProject(files, {
      config: DEFAULT_CONFIG,
      rules: [addForeignKeyValidating],
    });
    assert.equal(findings.length, 1);
    const db = await postgres();
    await reset(db);
    await runScript(db, setup + code);
    const orphans = await db.query<{ id: number }>(
      'SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT FROM coupons c WHERE c.id = o.coupon_id)',
    );
    const valid = await db.query<{ convalidated: boolean }>(
      "SELECT convalidated FROM pg_constraint WHERE conname = 'orders_coupon_id_fkey'",
    );
    assert.deepEqual([orphans.rows.map((r) => r.id), valid.rows[0].convalidated], [[11], true]);
    await reset(db);
    const fixed = applyEdits(code, findings[0].fixes[0].edits).text;
    await assert.rejects(
      runScript(db, setup + fixed),
      /violates foreign key constraint "orders_coupon_id_fkey"/,
    );
  });
});
