import { foreignKeyTypeMismatch } from '../../server/src/engine/rules/foreign-key-type-mismatch';
import { ruleTester } from '../support/rule-tester';

const customers = 'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n';
const users = 'CREATE TABLE users (id uuid PRIMARY KEY DEFAULT gen_random_uuid());\n';

ruleTester(foreignKeyTypeMismatch, {
  valid: [
    customers +
      'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE);',
    {
      name: 'integer referencing serial: both hold integers',
      code: 'CREATE TABLE teams (id serial PRIMARY KEY);\nCREATE TABLE members (id bigint PRIMARY KEY, team_id integer REFERENCES teams);',
    },
    {
      name: 'a wider integer referencing a narrower key (the key is primary-key-type business)',
      code: 'CREATE TABLE teams (id integer PRIMARY KEY);\nCREATE TABLE members (id bigint PRIMARY KEY, team_id bigint REFERENCES teams (id));',
    },
    {
      name: 'text referencing varchar(255): varchar is text with a length check',
      code: 'CREATE TABLE countries (code varchar(255) PRIMARY KEY);\nCREATE TABLE cities (id bigint PRIMARY KEY, country_code text REFERENCES countries (code));',
    },
    {
      name: 'a domain over the referenced type',
      code: "CREATE DOMAIN email_address AS text CHECK (VALUE LIKE '%@%');\nCREATE TABLE accounts (email email_address PRIMARY KEY);\nCREATE TABLE logins (id bigint PRIMARY KEY, email text REFERENCES accounts (email));",
    },
    {
      name: 'a self-reference to a key declared after it',
      code: 'CREATE TABLE categories (id bigint, parent_id bigint REFERENCES categories, name text, PRIMARY KEY (id));',
    },
    {
      name: 'a table the files do not define (Supabase auth.users)',
      code: 'CREATE TABLE profiles (id uuid PRIMARY KEY REFERENCES auth.users ON DELETE CASCADE, name text);',
    },
    {
      name: 'a type this rule does not know',
      code: 'CREATE EXTENSION citext;\nCREATE TABLE accounts (email citext PRIMARY KEY);\nCREATE TABLE logins (id bigint PRIMARY KEY, email text REFERENCES accounts (email));',
    },
    {
      name: 'a later migration widens the foreign key column',
      path: 'supabase/migrations/20240101000000_init.sql',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer REFERENCES customers (id));',
      files: {
        'supabase/migrations/20240201000000_widen.sql':
          'ALTER TABLE orders ALTER COLUMN customer_id TYPE bigint;',
      },
    },
  ],
  invalid: [
    {
      code:
        customers +
        'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  customer_id integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE\n);',
      errors: [
        {
          message: 'Foreign key column orders.customer_id is integer but customers.id is bigint',
          line: 4,
          column: 15,
          text: 'integer',
        },
      ],
      output:
        customers +
        'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE\n);',
    },
    {
      name: 'text referencing uuid (PostgreSQL refuses it)',
      code:
        users +
        'CREATE TABLE posts (\n  id bigint PRIMARY KEY,\n  author_id text NOT NULL,\n  FOREIGN KEY (author_id) REFERENCES users\n);',
      errors: [
        { message: 'Foreign key column posts.author_id is text but users.id is uuid', line: 4, text: 'text' },
      ],
      output:
        users +
        'CREATE TABLE posts (\n  id bigint PRIMARY KEY,\n  author_id uuid NOT NULL,\n  FOREIGN KEY (author_id) REFERENCES users\n);',
    },
    {
      name: 'a shorter varchar, quoted names in a non-public schema',
      code: 'CREATE SCHEMA geo;\nCREATE TABLE geo."Region" ("regionCode" varchar(50) PRIMARY KEY);\nCREATE TABLE geo."Store" (id bigint PRIMARY KEY, "regionCode" varchar(20) REFERENCES geo."Region");',
      errors: [
        {
          message: 'Foreign key column Store.regionCode is varchar(20) but Region.regionCode is varchar(50)',
        },
      ],
      fixes: [
        {
          title: 'Change Store.regionCode to varchar(50)',
          output:
            'CREATE SCHEMA geo;\nCREATE TABLE geo."Region" ("regionCode" varchar(50) PRIMARY KEY);\nCREATE TABLE geo."Store" (id bigint PRIMARY KEY, "regionCode" varchar(50) REFERENCES geo."Region");',
        },
      ],
    },
    {
      name: 'one column of a composite key',
      code: 'CREATE TABLE warehouses (tenant_id bigint, id bigint, PRIMARY KEY (tenant_id, id));\nCREATE TABLE bins (id bigint PRIMARY KEY, tenant_id bigint, warehouse_id integer, FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id));',
      errors: [{ message: 'Foreign key column bins.warehouse_id is integer but warehouses.id is bigint' }],
      output:
        'CREATE TABLE warehouses (tenant_id bigint, id bigint, PRIMARY KEY (tenant_id, id));\nCREATE TABLE bins (id bigint PRIMARY KEY, tenant_id bigint, warehouse_id bigint, FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id));',
    },
    {
      name: 'a self-reference to a key declared after it',
      code: 'CREATE TABLE categories (id bigint, parent_id integer REFERENCES categories, PRIMARY KEY (id));',
      errors: [
        {
          message: 'Foreign key column categories.parent_id is integer but categories.id is bigint',
          text: 'integer',
        },
      ],
      output:
        'CREATE TABLE categories (id bigint, parent_id bigint REFERENCES categories, PRIMARY KEY (id));',
    },
    {
      name: 'a column with a default: reported without a fix',
      code: 'CREATE TABLE statuses (code integer PRIMARY KEY);\nCREATE TABLE tickets (id bigint PRIMARY KEY, status_code smallint NOT NULL DEFAULT 1 REFERENCES statuses);',
      errors: [
        { message: 'Foreign key column tickets.status_code is smallint but statuses.code is integer' },
      ],
      output: null,
    },
    {
      name: 'a foreign key added in the newest migration on a column of an applied one',
      path: 'supabase/migrations/20240201000000_fk.sql',
      files: {
        'supabase/migrations/20240101000000_init.sql':
          customers + 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer);',
      },
      code: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
      errors: [
        {
          message: 'Foreign key column orders.customer_id is integer but customers.id is bigint',
          text: 'CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)',
        },
      ],
      output: null,
    },
  ],
});
