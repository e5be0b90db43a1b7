import { missingDefault } from '../../server/src/engine/rules/missing-default';
import { ruleTester } from '../support/rule-tester';

ruleTester(missingDefault, {
  valid: [
    'CREATE TABLE orders (id bigint PRIMARY KEY, is_paid boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL DEFAULT now());',
    {
      name: 'any default counts (CURRENT_TIMESTAMP, clock_timestamp())',
      code: 'CREATE TABLE a (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP);\nCREATE TABLE b (id bigint PRIMARY KEY, created_at timestamp DEFAULT clock_timestamp());',
    },
    {
      name: 'a nullable boolean is boolean-nullable’s',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, is_admin boolean);',
    },
    {
      name: 'the default set by a later ALTER TABLE',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, is_paid boolean NOT NULL);\nALTER TABLE orders ALTER COLUMN created_at SET DEFAULT now(), ALTER COLUMN is_paid SET DEFAULT false;',
    },
    {
      name: 'a BEFORE INSERT trigger fills created_at',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);\nCREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created_at := now(); RETURN NEW; END $$;\nCREATE TRIGGER orders_stamp BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION stamp();',
    },
    {
      name: 'a created_at that is not a timestamp (epoch seconds) is not filled by now()',
      code: 'CREATE TABLE legacy (id bigint PRIMARY KEY, created_at bigint NOT NULL);',
    },
    {
      name: 'a configured created column name',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz, inserted_at timestamptz NOT NULL DEFAULT now());',
      config: { auditColumns: { created: 'inserted_at', updated: 'updated_at' } },
    },
    {
      name: 'ADD COLUMN … NOT NULL in a later migration is add-column-not-null-without-default’s',
      path: 'supabase/migrations/20240201000000_paid.sql',
      code: 'ALTER TABLE orders ADD COLUMN is_paid boolean NOT NULL;',
      files: {
        'supabase/migrations/20240101000000_orders.sql':
          'CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());',
      },
    },
    {
      name: 'partitions are reported on their parent only',
      code: "CREATE TABLE events (id bigint, at date NOT NULL, created_at timestamptz NOT NULL DEFAULT now()) PARTITION BY RANGE (at);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    },
  ],
  invalid: [
    {
      code: 'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  created_at timestamptz NOT NULL\n);',
      errors: [
        {
          message: 'Column orders.created_at has no default',
          line: 3,
          column: 3,
          text: 'created_at timestamptz NOT NULL',
        },
      ],
      fixes: [
        {
          title: 'Add DEFAULT now() to orders.created_at',
          output:
            'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  created_at timestamptz NOT NULL DEFAULT now()\n);',
        },
      ],
    },
    {
      name: 'a nullable created_at also gets NOT NULL',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz);',
      errors: [{ message: 'Column orders.created_at has no default' }],
      fixes: [
        {
          title: 'Add NOT NULL DEFAULT now() to orders.created_at',
          output:
            'CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());',
        },
      ],
    },
    {
      name: 'a NOT NULL boolean without a default',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, is_paid boolean NOT NULL, note text);',
      errors: [
        {
          message: 'Column orders.is_paid is a NOT NULL boolean without a default',
          text: 'is_paid boolean NOT NULL',
        },
      ],
      fixes: [
        {
          title: 'Add DEFAULT false to orders.is_paid',
          output:
            'CREATE TABLE orders (id bigint PRIMARY KEY, is_paid boolean NOT NULL DEFAULT false, note text);',
        },
      ],
    },
    {
      name: 'quoted names, a non-public schema and a configured name',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Orders" (id bigint PRIMARY KEY, "createdAt" timestamp(3) NULL, "isPaid" bool NOT NULL);',
      config: { auditColumns: { created: 'createdAt', updated: 'updatedAt' } },
      errors: [
        { message: 'Column Orders.createdAt has no default', text: '"createdAt" timestamp(3) NULL' },
        { message: 'Column Orders.isPaid is a NOT NULL boolean without a default' },
      ],
      output:
        'CREATE SCHEMA app;\nCREATE TABLE app."Orders" (id bigint PRIMARY KEY, "createdAt" timestamp(3) NOT NULL DEFAULT now(), "isPaid" bool NOT NULL DEFAULT false);',
    },
    {
      name: 'added by ALTER TABLE in the same file',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN created_at timestamptz;',
      errors: [{ line: 2, text: 'created_at timestamptz' }],
      output:
        'CREATE TABLE orders (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();',
    },
    {
      name: 'in an applied migration: reported there, not rewritten',
      path: 'supabase/migrations/20240101000000_orders.sql',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);',
      files: {
        'supabase/migrations/20240201000000_items.sql': 'CREATE TABLE items (id bigint PRIMARY KEY);',
      },
      errors: [{ message: 'Column orders.created_at has no default' }],
      output: null,
    },
    {
      name: 'DEFAULT NULL is no default (reported; the definition is not rewritten)',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz DEFAULT NULL);',
      errors: [{ message: 'Column orders.created_at has no default' }],
      output: null,
    },
  ],
});
