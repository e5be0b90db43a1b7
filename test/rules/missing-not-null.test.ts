import { missingNotNull } from '../../server/src/engine/rules/missing-not-null';
import { ruleTester } from '../support/rule-tester';

const orders = 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n';
const tenants = 'CREATE TABLE tenants (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n';

ruleTester(missingNotNull, {
  valid: [
    orders +
      'CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE);',
    {
      name: 'a nullable FK without CASCADE is an optional relation',
      code:
        orders +
        'CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id) ON DELETE RESTRICT);',
    },
    {
      name: 'a tree: the root has no parent',
      code: 'CREATE TABLE comments (id bigint PRIMARY KEY, parent_id bigint REFERENCES comments (id) ON DELETE CASCADE);',
    },
    {
      name: 'an exclusive arc: a CHECK says which parent is set',
      code:
        orders +
        'CREATE TABLE carts (id bigint PRIMARY KEY);\nCREATE TABLE line_items (\n  id bigint PRIMARY KEY,\n  order_id bigint REFERENCES orders (id) ON DELETE CASCADE,\n  cart_id bigint REFERENCES carts (id) ON DELETE CASCADE,\n  CHECK (num_nonnulls(order_id, cart_id) = 1)\n);',
    },
    {
      name: 'an exclusive arc without a CHECK: two optional cascading parents',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE teams (id bigint PRIMARY KEY);\nCREATE TABLE api_tokens (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE, team_id bigint REFERENCES teams ON DELETE CASCADE);',
    },
    {
      name: 'created_at without a default is missing-default’s finding',
      code: 'CREATE TABLE notes (id bigint PRIMARY KEY, created_at timestamptz);',
    },
    {
      name: 'a nullable updated_at without default means "never updated"',
      code: 'CREATE TABLE notes (id bigint PRIMARY KEY, updated_at timestamptz);',
    },
    {
      name: 'booleans are boolean-nullable’s',
      code:
        orders +
        'CREATE TABLE flags (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders ON DELETE CASCADE, tenant_id boolean);',
    },
    {
      name: 'SET NOT NULL in a later migration',
      path: 'supabase/migrations/20240101000000_items.sql',
      code:
        tenants + 'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id bigint REFERENCES tenants (id));',
      files: {
        'supabase/migrations/20240301000000_tenant_not_null.sql':
          'ALTER TABLE projects ALTER COLUMN tenant_id SET NOT NULL;',
      },
    },
    {
      name: 'a validated CHECK (tenant_id IS NOT NULL) guards the column',
      code:
        tenants +
        'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id bigint REFERENCES tenants (id));\nALTER TABLE projects ADD CONSTRAINT projects_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;\nALTER TABLE projects VALIDATE CONSTRAINT projects_tenant_id_not_null;',
    },
    {
      name: 'a configured tenant column: tenant_id is then just a column',
      code: 'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id bigint, organization_id bigint NOT NULL);',
      config: { tenantColumn: 'organization_id' },
    },
    {
      name: 'a nullable tenant column is tenant-column-nullable’s, even with a cascading key',
      code:
        tenants +
        'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id bigint REFERENCES tenants (id) ON DELETE CASCADE, "tenantId" bigint);',
    },
    {
      name: 'a configured tenant column that is nullable',
      code: 'CREATE TABLE projects (id bigint PRIMARY KEY, organization_id uuid);',
      config: { tenantColumn: 'organization_id' },
    },
  ],
  invalid: [
    {
      // NOT NULL without a DEFAULT would make this ALTER fail on a table with rows.
      name: 'a column added to a table an earlier migration made: reported, no NOT NULL fix',
      path: 'migrations/002_items_order.sql',
      files: {
        'migrations/001_init.sql':
          orders + 'CREATE TABLE order_items (id bigint PRIMARY KEY);\nINSERT INTO order_items VALUES (1);\n',
      },
      code: 'ALTER TABLE order_items ADD COLUMN order_id bigint REFERENCES orders (id) ON DELETE CASCADE;\n',
      errors: [
        {
          message:
            'Column order_items.order_id is nullable, but its rows belong to orders (ON DELETE CASCADE)',
        },
      ],
      output: null,
    },
    {
      code:
        orders +
        'CREATE TABLE order_items (\n  id bigint PRIMARY KEY,\n  order_id bigint REFERENCES orders (id) ON DELETE CASCADE,\n  quantity integer NOT NULL\n);',
      errors: [
        {
          message:
            'Column order_items.order_id is nullable, but its rows belong to orders (ON DELETE CASCADE)',
          line: 4,
          column: 3,
          text: 'order_id bigint REFERENCES orders (id) ON DELETE CASCADE',
        },
      ],
      fixes: [
        {
          title: 'Make order_items.order_id NOT NULL',
          output:
            orders +
            'CREATE TABLE order_items (\n  id bigint PRIMARY KEY,\n  order_id bigint REFERENCES orders (id) ON DELETE CASCADE NOT NULL,\n  quantity integer NOT NULL\n);',
        },
      ],
    },
    {
      name: 'audit timestamps with a default (the tenant column is tenant-column-nullable’s)',
      code:
        tenants +
        'CREATE TABLE projects (\n  id bigint PRIMARY KEY,\n  tenant_id bigint REFERENCES tenants (id), -- owner\n  created_at timestamptz DEFAULT now(),\n  updated_at timestamptz DEFAULT now()\n);',
      errors: [
        {
          message: 'Audit column projects.created_at is nullable',
          text: 'created_at timestamptz DEFAULT now()',
        },
        { message: 'Audit column projects.updated_at is nullable' },
      ],
      output:
        tenants +
        'CREATE TABLE projects (\n  id bigint PRIMARY KEY,\n  tenant_id bigint REFERENCES tenants (id), -- owner\n  created_at timestamptz DEFAULT now() NOT NULL,\n  updated_at timestamptz DEFAULT now() NOT NULL\n);',
    },
    {
      name: 'an explicit NULL becomes NOT NULL; quoted names in a non-public schema',
      code: 'CREATE SCHEMA crm;\nCREATE TABLE crm."Accounts" (id bigint PRIMARY KEY);\nCREATE TABLE crm."Contacts" (id bigint PRIMARY KEY, "accountId" bigint NULL REFERENCES crm."Accounts" (id) ON DELETE CASCADE);',
      errors: [
        {
          message:
            'Column Contacts.accountId is nullable, but its rows belong to Accounts (ON DELETE CASCADE)',
        },
      ],
      output:
        'CREATE SCHEMA crm;\nCREATE TABLE crm."Accounts" (id bigint PRIMARY KEY);\nCREATE TABLE crm."Contacts" (id bigint PRIMARY KEY, "accountId" bigint NOT NULL REFERENCES crm."Accounts" (id) ON DELETE CASCADE);',
    },
    {
      name: 'an FK added by ALTER TABLE, on a column added by ALTER TABLE',
      code:
        orders +
        'CREATE TABLE shipments (id bigint PRIMARY KEY);\nALTER TABLE shipments ADD COLUMN order_id bigint;\nALTER TABLE shipments ADD CONSTRAINT shipments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE;',
      errors: [{ line: 3, text: 'order_id bigint' }],
      output:
        orders +
        'CREATE TABLE shipments (id bigint PRIMARY KEY);\nALTER TABLE shipments ADD COLUMN order_id bigint NOT NULL;\nALTER TABLE shipments ADD CONSTRAINT shipments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE;',
    },
    {
      name: 'in an applied migration: reported there, not rewritten',
      path: 'supabase/migrations/20240101000000_items.sql',
      code:
        orders +
        'CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id) ON DELETE CASCADE);',
      files: {
        'supabase/migrations/20240201000000_tasks.sql': 'CREATE TABLE tasks (id bigint PRIMARY KEY);',
      },
      errors: [{ message: /^Column order_items.order_id is nullable/ }],
      output: null,
    },
  ],
});
