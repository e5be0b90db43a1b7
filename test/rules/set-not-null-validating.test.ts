import { addColumnNotNullWithoutDefault } from '../../server/src/engine/rules/add-column-not-null-without-default';
import { setNotNullValidating } from '../../server/src/engine/rules/set-not-null-validating';
import { ruleTester } from '../support/rule-tester';

/**
 * An earlier migration in a folder of numbered files (run by psql, one statement at a time): a table
 * with rows and a nullable column.
 */
const init = {
  'migrations/001_orders.sql':
    "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text, note text, total numeric(12,2));\nINSERT INTO orders (status, note, total) VALUES ('new', 'a', 1), ('paid', 'b', 2);\n",
};
const numbered = { path: 'migrations/002_status.sql', files: init };

/** What add-column-not-null-without-default writes in place of `ADD COLUMN status text NOT NULL`. */
const addColumnSteps =
  "ALTER TABLE orders ADD COLUMN state text;\nUPDATE orders SET state = '' WHERE state IS NULL;\nALTER TABLE orders ADD CONSTRAINT orders_state_not_null_check CHECK (state IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_state_not_null_check;\nALTER TABLE orders ALTER COLUMN state SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_state_not_null_check;\n";

const supabaseInit = {
  'supabase/migrations/20240101000000_init.sql':
    'CREATE SCHEMA billing;\nCREATE TABLE billing."Invoices" (id bigint PRIMARY KEY, "dueOn" date);\nINSERT INTO billing."Invoices" VALUES (1, now());\n',
};

const prismaInit = {
  'prisma/migrations/20240101000000_init/migration.sql':
    '-- CreateTable\nCREATE TABLE "Post" (\n    "id" SERIAL NOT NULL,\n    "title" TEXT,\n\n    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")\n);\nINSERT INTO "Post" ("title") VALUES (\'Hello\');\n',
};

ruleTester(setNotNullValidating, {
  valid: [
    {
      name: 'a column NOT NULL already, through LIKE, INHERITS or PARTITION OF: nothing to scan',
      path: 'migrations/003_copies.sql',
      files: {
        ...init,
        'migrations/002_copies.sql':
          "CREATE TABLE parcels (id bigint PRIMARY KEY, note text NOT NULL);\nCREATE TABLE orders_archive (LIKE parcels);\nCREATE TABLE orders_child () INHERITS (parcels);\nCREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n",
      },
      code: 'ALTER TABLE orders_archive ALTER COLUMN note SET NOT NULL;\nALTER TABLE orders_child ALTER COLUMN note SET NOT NULL;\nALTER TABLE events_2024 ALTER COLUMN id SET NOT NULL;\n',
    },
    {
      name: 'a CHECK added NOT VALID and validated in an earlier migration',
      path: 'migrations/003_status_not_null.sql',
      files: {
        ...init,
        'migrations/002_status_check.sql':
          'ALTER TABLE orders ADD CONSTRAINT orders_status_present CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_status_present;\n',
      },
      code: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_status_present;\n',
    },
    {
      // PostgreSQL names the unnamed CHECK orders_check (it reads two columns), and its VALIDATE
      // proves both; NOT (c IS NULL) proves c as IS NOT NULL does.
      name: 'an unnamed CHECK on two columns, and a NOT (c IS NULL), validated in earlier migrations',
      path: 'migrations/004_not_null.sql',
      files: {
        ...init,
        'migrations/002_checks.sql':
          'ALTER TABLE orders ADD CHECK (status IS NOT NULL AND note IS NOT NULL) NOT VALID;\nALTER TABLE orders ADD CONSTRAINT total_present CHECK (NOT (total IS NULL)) NOT VALID;\n',
        'migrations/003_validate.sql':
          'ALTER TABLE orders VALIDATE CONSTRAINT orders_check;\nALTER TABLE orders VALIDATE CONSTRAINT total_present;\n',
      },
      code: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL, ALTER COLUMN note SET NOT NULL, ALTER COLUMN total SET NOT NULL;\n',
    },
    {
      name: 'the steps add-column-not-null-without-default writes are silent under this rule',
      ...numbered,
      code: addColumnSteps,
    },
    {
      name: 'the file creates the table and sets NOT NULL in one go',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n',
    },
    {
      name: 'the column is NOT NULL already: SET NOT NULL reads nothing',
      path: 'migrations/003_again.sql',
      files: {
        ...init,
        'migrations/002_code.sql': "ALTER TABLE orders ADD COLUMN code text NOT NULL DEFAULT '';\n",
      },
      code: 'ALTER TABLE orders ALTER COLUMN code SET NOT NULL;\n',
    },
    {
      name: 'a table-level CHECK that proves it among other conditions, from CREATE TABLE',
      path: 'migrations/002_note.sql',
      files: {
        'migrations/001_orders.sql':
          'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  note text,\n  total numeric(12,2),\n  CONSTRAINT orders_sane CHECK (note IS NOT NULL AND total >= 0)\n);\n',
      },
      code: 'ALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n',
    },
    {
      name: 'an inline CHECK with parentheses, written when the column was added',
      path: 'migrations/003_note.sql',
      files: {
        ...init,
        'migrations/002_ref.sql':
          "ALTER TABLE orders ADD COLUMN ref text DEFAULT 'x' CHECK ((ref IS NOT NULL));\n",
      },
      code: 'ALTER TABLE orders ALTER COLUMN ref SET NOT NULL;\n',
    },
    {
      name: 'supabase: quoted names in another schema, the CHECK validated in an earlier migration',
      path: 'supabase/migrations/20240301000000_due_on.sql',
      files: {
        ...supabaseInit,
        'supabase/migrations/20240201000000_due_on_check.sql':
          'ALTER TABLE billing."Invoices" ADD CONSTRAINT "Invoices_dueOn_present" CHECK ("dueOn" IS NOT NULL) NOT VALID;\n',
        'supabase/migrations/20240202000000_due_on_validate.sql':
          'ALTER TABLE billing."Invoices" VALIDATE CONSTRAINT "Invoices_dueOn_present";\n',
      },
      code: 'ALTER TABLE billing."Invoices" ALTER COLUMN "dueOn" SET NOT NULL;\n',
    },
    {
      name: 'the CHECK follows a column rename',
      path: 'migrations/003_rename.sql',
      files: {
        ...init,
        'migrations/002_check.sql':
          'ALTER TABLE orders ADD CONSTRAINT orders_note_present CHECK (note IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_note_present;\n',
      },
      code: 'ALTER TABLE orders RENAME COLUMN note TO remark;\nALTER TABLE orders ALTER COLUMN remark SET NOT NULL;\n',
    },
    {
      name: 'PostgreSQL 18: a NOT NULL constraint added NOT VALID, then validated',
      path: 'migrations/003_status.sql',
      files: {
        ...init,
        'migrations/002_nn.sql':
          'ALTER TABLE orders ADD CONSTRAINT orders_status_nn NOT NULL status NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;\n',
      },
      code: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n',
    },
    {
      name: 'a CHECK added (and so validated) in an earlier migration',
      path: 'migrations/003_status.sql',
      files: {
        ...init,
        'migrations/002_check.sql':
          'ALTER TABLE orders ADD CONSTRAINT orders_status_present CHECK (status IS NOT NULL);\n',
      },
      code: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n',
    },
    {
      name: 'a primary key made the column NOT NULL already',
      path: 'migrations/002_code.sql',
      files: {
        'migrations/001_init.sql':
          'CREATE TABLE codes (code text, label text);\nALTER TABLE codes ADD PRIMARY KEY (code);\n',
      },
      code: 'ALTER TABLE codes ALTER COLUMN code SET NOT NULL;\n',
    },
    {
      name: 'an identity column is NOT NULL',
      ...numbered,
      code: 'ALTER TABLE orders ALTER COLUMN id SET NOT NULL;\n',
    },
    {
      name: 'a migration that creates the table and tightens it in one go',
      ...numbered,
      code: 'CREATE TABLE refunds (id bigint PRIMARY KEY, reason text);\nALTER TABLE refunds ALTER COLUMN reason SET NOT NULL;\n',
    },
    {
      name: 'Prisma: the CHECK validated in a hand-written migration before the generated SET NOT NULL',
      path: 'prisma/migrations/20240301000000_title_required/migration.sql',
      files: {
        ...prismaInit,
        'prisma/migrations/20240201000000_title_check/migration.sql':
          'ALTER TABLE "Post" ADD CONSTRAINT "Post_title_not_null_check" CHECK ("title" IS NOT NULL) NOT VALID;\nALTER TABLE "Post" VALIDATE CONSTRAINT "Post_title_not_null_check";\n',
      },
      code: '-- AlterTable\nALTER TABLE "Post" ALTER COLUMN "title" SET NOT NULL;\nALTER TABLE "Post" DROP CONSTRAINT "Post_title_not_null_check";\n',
    },
  ],
  invalid: [
    {
      name: 'numbered files: SET NOT NULL on a table with rows, each statement committed on its own',
      ...numbered,
      code: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n',
      errors: [
        {
          message:
            'Setting orders.status NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock; validate a CHECK (status IS NOT NULL) first',
          line: 1,
          column: 20,
          text: 'ALTER COLUMN status SET NOT NULL',
        },
      ],
      output:
        'ALTER TABLE orders ADD CONSTRAINT orders_status_not_null_check CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null_check;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_status_not_null_check;\n',
    },
    {
      name: 'supabase runs the file in one transaction: the CHECK belongs in an earlier migration, no fix',
      path: 'supabase/migrations/20240201000000_due_on.sql',
      files: supabaseInit,
      code: 'ALTER TABLE billing."Invoices" ALTER COLUMN "dueOn" SET NOT NULL;\n',
      errors: [
        {
          message:
            'Setting Invoices.dueOn NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock; validate a CHECK ("dueOn" IS NOT NULL) first',
        },
      ],
      output: null,
    },
    {
      // Without x-multi-statement, golang-migrate sends the file as one query, which PostgreSQL
      // runs as one transaction: the steps would hold the ADD CONSTRAINT's lock through the scan.
      name: 'golang-migrate sends the file as one query: one transaction, no fix',
      path: 'db/migrations/002_status.up.sql',
      files: {
        'db/migrations/001_orders.up.sql': init['migrations/001_orders.sql'],
        'db/migrations/001_orders.down.sql': 'DROP TABLE orders;\n',
      },
      code: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n',
      errors: [{ text: 'ALTER COLUMN status SET NOT NULL' }],
      output: null,
    },
    {
      name: 'dbmate without its transaction still sends the up section as one query: no fix',
      path: 'db/migrations/20240201000000_status.sql',
      files: {
        'db/migrations/20240101000000_orders.sql': `-- migrate:up\n${init['migrations/001_orders.sql']}\n-- migrate:down\nDROP TABLE orders;\n`,
      },
      code: '-- migrate:up transaction:false\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n\n-- migrate:down\nALTER TABLE orders ALTER COLUMN status DROP NOT NULL;\n',
      errors: [{ line: 2, text: 'ALTER COLUMN status SET NOT NULL' }],
      output: null,
    },
    {
      name: 'Prisma: an optional field made required (the migration runs in a transaction)',
      path: 'prisma/migrations/20240201000000_title_required/migration.sql',
      files: prismaInit,
      code: '-- AlterTable\nALTER TABLE "Post" ALTER COLUMN "title" SET NOT NULL;\n',
      errors: [
        {
          message: /^Setting Post\.title NOT NULL scans the whole table/,
          line: 2,
          text: 'ALTER COLUMN "title" SET NOT NULL',
        },
      ],
      output: null,
    },
    {
      name: 'numbered files: quoted names in another schema',
      path: 'migrations/002_due_on.sql',
      files: {
        'migrations/001_init.sql': supabaseInit['supabase/migrations/20240101000000_init.sql'],
      },
      code: 'ALTER TABLE billing."Invoices" ALTER COLUMN "dueOn" SET NOT NULL;\n',
      errors: [{ message: /^Setting Invoices\.dueOn NOT NULL/ }],
      output:
        'ALTER TABLE billing."Invoices" ADD CONSTRAINT "Invoices_dueOn_not_null_check" CHECK ("dueOn" IS NOT NULL) NOT VALID;\nALTER TABLE billing."Invoices" VALIDATE CONSTRAINT "Invoices_dueOn_not_null_check";\nALTER TABLE billing."Invoices" ALTER COLUMN "dueOn" SET NOT NULL;\nALTER TABLE billing."Invoices" DROP CONSTRAINT "Invoices_dueOn_not_null_check";\n',
    },
    {
      name: 'a CHECK added NOT VALID but never validated proves nothing',
      ...numbered,
      code: 'ALTER TABLE orders ADD CONSTRAINT orders_status_present CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n',
      errors: [{ line: 2, text: 'ALTER COLUMN status SET NOT NULL' }],
      output:
        'ALTER TABLE orders ADD CONSTRAINT orders_status_present CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE orders ADD CONSTRAINT orders_status_not_null_check CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null_check;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_status_not_null_check;\n',
    },
    {
      name: 'a CHECK validated only in a later migration',
      ...numbered,
      files: {
        ...init,
        'migrations/003_check.sql':
          'ALTER TABLE orders ADD CONSTRAINT orders_status_present CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_status_present;\n',
      },
      code: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n',
      errors: [{ text: 'ALTER COLUMN status SET NOT NULL' }],
      // Not the newest migration: reported, not rewritten.
      output: null,
    },
    {
      name: 'the validated CHECK was dropped before',
      path: 'migrations/003_status.sql',
      files: {
        ...init,
        'migrations/002_check.sql':
          'ALTER TABLE orders ADD CONSTRAINT orders_status_present CHECK (status IS NOT NULL);\nALTER TABLE orders DROP CONSTRAINT orders_status_present;\n',
      },
      code: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n',
      errors: [{ text: 'ALTER COLUMN status SET NOT NULL' }],
      output:
        'ALTER TABLE orders ADD CONSTRAINT orders_status_not_null_check CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null_check;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_status_not_null_check;\n',
    },
    {
      name: 'a CHECK that lets NULL through (total > 0) proves nothing',
      path: 'migrations/002_total.sql',
      files: {
        'migrations/001_orders.sql':
          'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric CHECK (total > 0));\nINSERT INTO orders VALUES (1, 5);\n',
      },
      code: 'ALTER TABLE orders ALTER COLUMN total SET NOT NULL;\n',
      errors: [{ text: 'ALTER COLUMN total SET NOT NULL' }],
      output:
        'ALTER TABLE orders ADD CONSTRAINT orders_total_not_null_check CHECK (total IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_not_null_check;\nALTER TABLE orders ALTER COLUMN total SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_total_not_null_check;\n',
    },
    {
      name: 'a multi-command ALTER TABLE: one finding per column, both fixes together',
      ...numbered,
      code: 'ALTER TABLE orders\n  ALTER COLUMN status SET NOT NULL,\n  ALTER COLUMN note SET NOT NULL,\n  ALTER COLUMN total SET DEFAULT 0;\n',
      errors: [
        { line: 2, column: 3, text: 'ALTER COLUMN status SET NOT NULL' },
        { line: 3, column: 3, text: 'ALTER COLUMN note SET NOT NULL' },
      ],
      output:
        'ALTER TABLE orders ADD CONSTRAINT orders_status_not_null_check CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null_check;\nALTER TABLE orders ADD CONSTRAINT orders_note_not_null_check CHECK (note IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_note_not_null_check;\nALTER TABLE orders\n  ALTER COLUMN status SET NOT NULL,\n  ALTER COLUMN note SET NOT NULL,\n  ALTER COLUMN total SET DEFAULT 0;\nALTER TABLE orders DROP CONSTRAINT orders_status_not_null_check;\nALTER TABLE orders DROP CONSTRAINT orders_note_not_null_check;\n',
    },
    {
      // Every row holds NULL: PostgreSQL refuses the SET NOT NULL (column contains null values).
      name: 'a column added without a DEFAULT and set NOT NULL in the same statement: an error, no CHECK advice',
      ...numbered,
      code: 'ALTER TABLE orders ADD COLUMN channel text, ALTER COLUMN channel SET NOT NULL;\n',
      errors: [
        {
          message:
            'Setting orders.channel NOT NULL fails when orders has rows: the column was just added without a DEFAULT and nothing fills it; give it a DEFAULT, or fill it before SET NOT NULL',
          text: 'ALTER COLUMN channel SET NOT NULL',
        },
      ],
      output: null,
    },
    {
      // The domain's DEFAULT fills every row: not the error of a column added empty.
      name: 'a column added with a domain that has a DEFAULT is not empty',
      ...numbered,
      code: "CREATE DOMAIN channel_name AS text DEFAULT 'web';\nALTER TABLE orders ADD COLUMN channel channel_name;\nALTER TABLE orders ALTER COLUMN channel SET NOT NULL;\n",
      errors: [{ message: /^Setting orders\.channel NOT NULL scans the whole table/, line: 3 }],
      output:
        "CREATE DOMAIN channel_name AS text DEFAULT 'web';\nALTER TABLE orders ADD COLUMN channel channel_name;\nALTER TABLE orders ADD CONSTRAINT orders_channel_not_null_check CHECK (channel IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_channel_not_null_check;\nALTER TABLE orders ALTER COLUMN channel SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_channel_not_null_check;\n",
    },
    {
      name: 'a column added without a DEFAULT, then set NOT NULL with no backfill between',
      ...numbered,
      code: 'ALTER TABLE orders ADD COLUMN channel text;\nALTER TABLE orders ALTER COLUMN channel SET NOT NULL;\n',
      errors: [{ message: /^Setting orders\.channel NOT NULL fails when orders has rows/, line: 2 }],
      output: null,
    },
    {
      name: 'a column added nullable and backfilled earlier in the same file',
      ...numbered,
      code: "ALTER TABLE orders ADD COLUMN channel text;\nUPDATE orders SET channel = 'web';\nALTER TABLE orders ALTER COLUMN channel SET NOT NULL;\n",
      errors: [{ line: 3, text: 'ALTER COLUMN channel SET NOT NULL' }],
      output:
        "ALTER TABLE orders ADD COLUMN channel text;\nUPDATE orders SET channel = 'web';\nALTER TABLE orders ADD CONSTRAINT orders_channel_not_null_check CHECK (channel IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_channel_not_null_check;\nALTER TABLE orders ALTER COLUMN channel SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_channel_not_null_check;\n",
    },
    {
      name: 'a DO block runs in one transaction: reported without a fix',
      ...numbered,
      code: "DO $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note' AND is_nullable = 'YES') THEN\n    ALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n  END IF;\nEND\n$$;\n",
      errors: [{ line: 4, text: 'ALTER COLUMN note SET NOT NULL' }],
      output: null,
    },
    {
      name: 'a stand-alone file that alters a table it did not create',
      path: 'sql/tighten.sql',
      setup:
        "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\nINSERT INTO accounts VALUES (1, 'a@example.com');",
      code: 'ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;',
      errors: [{ message: /^Setting accounts\.email NOT NULL/ }],
      output:
        'ALTER TABLE accounts ADD CONSTRAINT accounts_email_not_null_check CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_not_null_check;\nALTER TABLE accounts ALTER COLUMN email SET NOT NULL;\nALTER TABLE accounts DROP CONSTRAINT accounts_email_not_null_check;',
    },
  ],
});

// The steps the other rule writes are silent under that rule too (and run: they are its fix).
ruleTester(addColumnNotNullWithoutDefault, {
  valid: [
    {
      name: 'the add-column steps under add-column-not-null-without-default',
      ...numbered,
      code: addColumnSteps,
    },
  ],
  invalid: [],
});
