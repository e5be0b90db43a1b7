import { duplicateIndex } from '../../server/src/engine/rules/duplicate-index';
import { ruleTester } from '../support/rule-tester';

const orders =
  'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL,\n  status text NOT NULL,\n  placed_at timestamptz NOT NULL,\n  deleted_at timestamptz\n);\n';

ruleTester(duplicateIndex, {
  valid: [
    orders +
      'CREATE INDEX orders_customer_id_placed_at_idx ON orders (customer_id, placed_at);\nCREATE INDEX orders_placed_at_idx ON orders (placed_at);',
    {
      name: 'another access method',
      code:
        orders +
        'CREATE INDEX orders_status_idx ON orders (status);\nCREATE INDEX orders_status_hash ON orders USING hash (status);',
    },
    {
      name: 'another predicate',
      code:
        orders +
        'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\nCREATE INDEX orders_live_customer_id_idx ON orders (customer_id) WHERE deleted_at IS NULL;',
    },
    {
      name: 'a unique key is kept even when a longer index, unique or not, starts with its columns',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, created_at timestamptz);\nCREATE INDEX users_email_created_at_idx ON users (email, created_at);\nCREATE UNIQUE INDEX users_email_id_key ON users (email, id);',
    },
    {
      name: 'another operator class, collation or expression',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text);\nCREATE INDEX users_email_idx ON users (email);\nCREATE INDEX users_email_pattern_idx ON users (email text_pattern_ops);\nCREATE INDEX users_lower_email_idx ON users (lower(email));\nCREATE INDEX users_name_idx ON users (name);\nCREATE INDEX users_name_c_idx ON users (name COLLATE "C");',
    },
    {
      name: 'a covering index is not served by one without its INCLUDE columns',
      code:
        orders +
        'CREATE INDEX orders_customer_id_cover_idx ON orders (customer_id) INCLUDE (status);\nCREATE INDEX orders_customer_id_placed_at_idx ON orders (customer_id, placed_at);',
    },
    {
      name: 'a prefix of a GIN or hash index is not served by it',
      code: 'CREATE TABLE docs (id bigint PRIMARY KEY, tags text[], words text[]);\nCREATE INDEX docs_tags_words_gin ON docs USING gin (tags, words);\nCREATE INDEX docs_tags_gin ON docs USING gin (tags);',
    },
    {
      name: 'an immediate unique index beside a deferrable unique constraint',
      code: 'CREATE TABLE slots (id bigint PRIMARY KEY, position int NOT NULL, CONSTRAINT slots_position_key UNIQUE (position) DEFERRABLE INITIALLY DEFERRED);\nCREATE UNIQUE INDEX slots_position_idx ON slots (position);',
    },
    {
      name: 'a later migration drops the redundant index',
      path: 'supabase/migrations/20240101000000_orders.sql',
      code:
        orders +
        'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\nCREATE INDEX orders_customer_id_placed_at_idx ON orders (customer_id, placed_at);',
      files: {
        'supabase/migrations/20240301000000_drop_index.sql': 'DROP INDEX orders_customer_id_idx;',
      },
    },
    {
      name: 'same columns on different tables, quoted names in a non-public schema',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Orders" (id bigint PRIMARY KEY, "customerId" bigint);\nCREATE TABLE app."Invoices" (id bigint PRIMARY KEY, "customerId" bigint);\nCREATE INDEX ON app."Orders" ("customerId");\nCREATE INDEX ON app."Invoices" ("customerId");',
    },
  ],
  invalid: [
    {
      code:
        orders +
        'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\nCREATE INDEX orders_customer_id_placed_at_idx ON orders (customer_id, placed_at);\n',
      errors: [
        {
          message: 'Index orders_customer_id_idx duplicates orders_customer_id_placed_at_idx',
          line: 8,
          column: 1,
          text: 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);',
        },
      ],
      output: orders + 'CREATE INDEX orders_customer_id_placed_at_idx ON orders (customer_id, placed_at);\n',
    },
    {
      // Without it, the COMMENT and the CLUSTER ON after it would fail.
      name: 'a later statement names the redundant index: reported, not dropped',
      code:
        orders +
        "CREATE INDEX orders_customer_id_idx ON orders (customer_id);\nCREATE INDEX orders_customer_id_placed_at_idx ON orders (customer_id, placed_at);\nCOMMENT ON INDEX orders_customer_id_idx IS 'lookups';\nALTER TABLE orders CLUSTER ON orders_customer_id_idx;\n",
      errors: [{ message: 'Index orders_customer_id_idx duplicates orders_customer_id_placed_at_idx' }],
      output: null,
    },
    {
      name: 'two identical expression indexes, written differently: the second goes',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE INDEX users_lower_email_idx ON users (lower(email));\n  -- for the login form\n  CREATE INDEX users_login_idx ON users (LOWER( email ));\nCOMMENT ON TABLE users IS $$People$$;\n',
      errors: [{ message: 'Index users_login_idx duplicates users_lower_email_idx', line: 4, column: 3 }],
      fixes: [
        {
          title: 'Drop redundant index users_login_idx',
          output:
            'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE INDEX users_lower_email_idx ON users (lower(email));\n  -- for the login form\nCOMMENT ON TABLE users IS $$People$$;\n',
        },
      ],
    },
    {
      name: 'a plain index on the primary key column',
      code: orders + 'CREATE INDEX ON orders (id);',
      errors: [{ message: 'Index orders_id_idx duplicates orders_pkey' }],
      output: orders,
    },
    {
      name: 'a plain index on the leading column of a UNIQUE constraint',
      code: 'CREATE TABLE projects (\n  id bigint PRIMARY KEY,\n  org_id bigint NOT NULL,\n  slug text NOT NULL,\n  UNIQUE (org_id, slug)\n);\nCREATE INDEX projects_org_id_idx ON projects (org_id);',
      errors: [{ message: 'Index projects_org_id_idx duplicates projects_org_id_slug_key' }],
      output:
        'CREATE TABLE projects (\n  id bigint PRIMARY KEY,\n  org_id bigint NOT NULL,\n  slug text NOT NULL,\n  UNIQUE (org_id, slug)\n);\n',
    },
    {
      name: 'a unique index that repeats a UNIQUE constraint',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL CONSTRAINT users_email_key UNIQUE);\nCREATE UNIQUE INDEX users_email_uidx ON users (email);',
      errors: [{ message: 'Index users_email_uidx duplicates users_email_key' }],
      output:
        'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL CONSTRAINT users_email_key UNIQUE);\n',
    },
    {
      name: 'partial indexes with the same predicate, however parenthesised',
      code:
        orders +
        'CREATE INDEX orders_live_customer_idx ON orders (customer_id) WHERE deleted_at IS NULL;\nCREATE INDEX orders_live_customer_status_idx ON orders (customer_id, status) WHERE (deleted_at IS NULL);',
      errors: [{ message: 'Index orders_live_customer_idx duplicates orders_live_customer_status_idx' }],
      output:
        orders +
        'CREATE INDEX orders_live_customer_status_idx ON orders (customer_id, status) WHERE (deleted_at IS NULL);',
    },
    {
      name: 'an index without INCLUDE is served by the same one with INCLUDE',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Orders" (id bigint PRIMARY KEY, "customerId" bigint, total numeric(12,2));\nCREATE INDEX "Orders_customerId_total" ON app."Orders" ("customerId") INCLUDE (total);\nCREATE INDEX ON app."Orders" ("customerId");',
      errors: [{ message: 'Index Orders_customerId_idx duplicates Orders_customerId_total' }],
      output:
        'CREATE SCHEMA app;\nCREATE TABLE app."Orders" (id bigint PRIMARY KEY, "customerId" bigint, total numeric(12,2));\nCREATE INDEX "Orders_customerId_total" ON app."Orders" ("customerId") INCLUDE (total);\n',
    },
    {
      name: 'in the newest migration, duplicating one of an earlier migration',
      path: 'supabase/migrations/20240301000000_more_indexes.sql',
      files: {
        'supabase/migrations/20240101000000_orders.sql':
          orders + 'CREATE INDEX orders_customer_id_placed_at_idx ON orders (customer_id, placed_at);',
      },
      code: 'CREATE INDEX orders_customer_idx ON orders (customer_id); CREATE INDEX orders_status_idx ON orders (status);\n',
      errors: [{ message: 'Index orders_customer_idx duplicates orders_customer_id_placed_at_idx' }],
      output: ' CREATE INDEX orders_status_idx ON orders (status);\n',
    },
    {
      name: 'in an applied migration: reported without a fix',
      path: 'supabase/migrations/20240101000000_orders.sql',
      files: {
        'supabase/migrations/20240301000000_status.sql': 'CREATE INDEX orders_status_idx ON orders (status);',
      },
      code: orders + 'CREATE INDEX orders_id_idx ON orders (id);\n',
      errors: [{ message: 'Index orders_id_idx duplicates orders_pkey' }],
      output: null,
    },
    {
      name: 'a unique index a foreign key may depend on: reported without a fix',
      code: 'CREATE TABLE currencies (code char(3) PRIMARY KEY);\nCREATE UNIQUE INDEX currencies_code_idx ON currencies (code);\nCREATE TABLE prices (id bigint PRIMARY KEY, currency char(3) REFERENCES currencies (code));',
      errors: [{ message: 'Index currencies_code_idx duplicates currencies_pkey' }],
      output: null,
    },
  ],
});
