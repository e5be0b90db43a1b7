import { tenantIndexNotLeading } from '../../server/src/engine/rules/tenant-index-not-leading';
import { ruleTester } from '../support/rule-tester';

const tenants = 'CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);\n';
const orders =
  'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id),\n  status text NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now()\n);\n';

ruleTester(tenantIndexNotLeading, {
  valid: [
    tenants + orders + 'CREATE INDEX orders_tenant_id_created_at_idx ON orders (tenant_id, created_at DESC);',
    {
      name: 'single-column indexes',
      code: tenants + orders + 'CREATE INDEX ON orders (created_at);\nCREATE INDEX ON orders (tenant_id);',
    },
    {
      name: 'the tenant column only in INCLUDE',
      code: tenants + orders + 'CREATE INDEX ON orders (status, created_at) INCLUDE (tenant_id);',
    },
    {
      name: 'a GIN index ignores column order',
      code:
        tenants +
        'CREATE TABLE docs (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), tags text[] NOT NULL);\nCREATE INDEX docs_tags_idx ON docs USING gin (tags, tenant_id);',
    },
    {
      name: 'a table without the tenant column',
      code: 'CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL);\nCREATE INDEX ON events (kind, at);',
    },
    {
      name: 'the tenants table (keyed by tenant_id) is not a tenant table',
      code: 'CREATE TABLE tenants (tenant_id text PRIMARY KEY, region text NOT NULL);\nCREATE INDEX ON tenants (region, tenant_id);\nCREATE TABLE projects (id bigint PRIMARY KEY, tenant_id text NOT NULL REFERENCES tenants (tenant_id));',
    },
    {
      name: 'a composite key led by the tenant column',
      code:
        tenants +
        'CREATE TABLE projects (id bigint GENERATED ALWAYS AS IDENTITY, tenant_id uuid NOT NULL REFERENCES tenants (id), PRIMARY KEY (tenant_id, id));',
    },
    {
      name: 'replaced in a later migration',
      path: 'supabase/migrations/20240101000000_orders.sql',
      code: tenants + orders + 'CREATE INDEX orders_created_idx ON orders (created_at, tenant_id);',
      files: {
        'supabase/migrations/20240201000000_reindex.sql':
          'DROP INDEX orders_created_idx;\nCREATE INDEX orders_created_idx ON orders (tenant_id, created_at);',
      },
    },
  ],
  invalid: [
    {
      code:
        tenants + orders + 'CREATE INDEX orders_created_at_tenant_id_idx ON orders (created_at, tenant_id);',
      errors: [
        {
          message:
            'Index orders_created_at_tenant_id_idx on orders (created_at, tenant_id) does not start with tenant_id',
          line: 8,
          text: 'CREATE INDEX orders_created_at_tenant_id_idx ON orders (created_at, tenant_id);',
        },
      ],
      fixes: [
        {
          title: 'Move tenant_id first in orders_created_at_tenant_id_idx: (tenant_id, created_at)',
          output:
            tenants +
            orders +
            'CREATE INDEX orders_created_at_tenant_id_idx ON orders (tenant_id, created_at);',
        },
      ],
    },
    {
      name: 'three columns over several lines: the layout stays, DESC moves with its column',
      code:
        tenants +
        orders +
        "CREATE INDEX orders_status_idx ON orders USING btree (\n  status,\n  created_at DESC,\n  tenant_id DESC NULLS LAST\n) WHERE status <> 'cancelled';",
      errors: [{ message: /\(status, created_at, tenant_id\) does not start with tenant_id$/ }],
      output:
        tenants +
        orders +
        "CREATE INDEX orders_status_idx ON orders USING btree (\n  tenant_id DESC NULLS LAST,\n  status,\n  created_at DESC\n) WHERE status <> 'cancelled';",
    },
    {
      name: 'an expression before the tenant column, and a column after it',
      code: tenants + orders + 'CREATE INDEX ON orders ((lower(status)), tenant_id, created_at);',
      errors: [
        {
          message:
            /^Index orders_lower_tenant_id_created_at_idx on orders \(lower\(status\), tenant_id, created_at\)/,
        },
      ],
      output: tenants + orders + 'CREATE INDEX ON orders (tenant_id, (lower(status)), created_at);',
    },
    {
      name: 'a composite primary key; a foreign key to it still matches',
      code:
        tenants +
        'CREATE TABLE projects (id bigint GENERATED ALWAYS AS IDENTITY, tenant_id uuid NOT NULL REFERENCES tenants (id), PRIMARY KEY (id, tenant_id));\nCREATE TABLE tasks (id bigint PRIMARY KEY, tenant_id uuid NOT NULL, project_id bigint NOT NULL, FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id));',
      errors: [
        {
          message: 'Index projects_pkey on projects (id, tenant_id) does not start with tenant_id',
          text: 'PRIMARY KEY (id, tenant_id)',
        },
      ],
      output:
        tenants +
        'CREATE TABLE projects (id bigint GENERATED ALWAYS AS IDENTITY, tenant_id uuid NOT NULL REFERENCES tenants (id), PRIMARY KEY (tenant_id, id));\nCREATE TABLE tasks (id bigint PRIMARY KEY, tenant_id uuid NOT NULL, project_id bigint NOT NULL, FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id));',
    },
    {
      name: 'a unique constraint added by ALTER TABLE, quoted camelCase names in a non-public schema',
      code: 'CREATE SCHEMA shop;\nCREATE TABLE shop."Tenant" (id text PRIMARY KEY);\nCREATE TABLE shop."Product" (id text PRIMARY KEY, "tenantId" text NOT NULL REFERENCES shop."Tenant" (id), sku text NOT NULL);\nALTER TABLE shop."Product" ADD CONSTRAINT "Product_sku_tenantId_key" UNIQUE (sku, "tenantId");',
      errors: [{ text: 'CONSTRAINT "Product_sku_tenantId_key" UNIQUE (sku, "tenantId")' }],
      output:
        'CREATE SCHEMA shop;\nCREATE TABLE shop."Tenant" (id text PRIMARY KEY);\nCREATE TABLE shop."Product" (id text PRIMARY KEY, "tenantId" text NOT NULL REFERENCES shop."Tenant" (id), sku text NOT NULL);\nALTER TABLE shop."Product" ADD CONSTRAINT "Product_sku_tenantId_key" UNIQUE ("tenantId", sku);',
    },
    {
      name: 'in an applied migration: reported, not rewritten',
      path: 'supabase/migrations/20240101000000_orders.sql',
      code: tenants + orders + 'CREATE INDEX orders_created_idx ON orders (created_at, tenant_id);',
      files: { 'supabase/migrations/20240201000000_more.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY);' },
      errors: [{ message: /^Index orders_created_idx/ }],
      output: null,
    },
  ],
});
