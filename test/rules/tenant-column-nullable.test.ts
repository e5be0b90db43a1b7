import { tenantColumnNullable } from '../../server/src/engine/rules/tenant-column-nullable';
import { ruleTester } from '../support/rule-tester';

const tenants = 'CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);\n';

ruleTester(tenantColumnNullable, {
  valid: [
    tenants +
      'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE);',
    {
      name: 'NOT NULL and the foreign key added by later statements',
      code:
        tenants +
        'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid);\nALTER TABLE projects ALTER COLUMN tenant_id SET NOT NULL;\nALTER TABLE projects ADD CONSTRAINT projects_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id);',
    },
    {
      name: 'a validated CHECK (tenant_id IS NOT NULL)',
      code:
        tenants +
        'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid REFERENCES tenants (id), CONSTRAINT projects_tenant_present CHECK (tenant_id IS NOT NULL));',
    },
    {
      name: 'no tenants table in the schema: the tenant lives in another service',
      code: 'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid NOT NULL);',
    },
    {
      name: 'a composite foreign key that includes the tenant column',
      code:
        tenants +
        'CREATE TABLE projects (id bigint, tenant_id uuid NOT NULL REFERENCES tenants (id), PRIMARY KEY (tenant_id, id));\nCREATE TABLE tasks (id bigint PRIMARY KEY, tenant_id uuid NOT NULL, project_id bigint NOT NULL, FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id));',
    },
    {
      name: 'the tenants table itself: a hierarchy’s root has no parent tenant',
      code: 'CREATE TABLE tenants (id uuid PRIMARY KEY, tenant_id uuid REFERENCES tenants (id));\nCREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id));',
    },
    {
      name: 'a configured tenant column: tenant_id is then just a column',
      config: { tenantColumn: 'organization_id' },
      code: 'CREATE TABLE organizations (id bigint PRIMARY KEY);\nCREATE TABLE projects (id bigint PRIMARY KEY, tenant_id bigint, organization_id bigint NOT NULL REFERENCES organizations (id));',
    },
    {
      name: 'SET NOT NULL in a later migration',
      path: 'supabase/migrations/20240101000000_projects.sql',
      code:
        tenants + 'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid REFERENCES tenants (id));',
      files: {
        'supabase/migrations/20240301000000_tenant_not_null.sql':
          'ALTER TABLE projects ALTER COLUMN tenant_id SET NOT NULL;',
      },
    },
    {
      name: 'camelCase (Prisma naming), quoted, in a non-public schema',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Tenant" (id text PRIMARY KEY);\nCREATE TABLE app."Project" (id text PRIMARY KEY, "tenantId" text NOT NULL, CONSTRAINT "Project_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES app."Tenant" (id) ON DELETE RESTRICT);',
    },
  ],
  invalid: [
    {
      code:
        tenants +
        'CREATE TABLE projects (\n  id bigint PRIMARY KEY,\n  tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE, -- owner\n  name text NOT NULL\n);',
      errors: [
        {
          message: 'Tenant column projects.tenant_id is nullable',
          line: 4,
          column: 3,
          text: 'tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE',
        },
      ],
      output:
        tenants +
        'CREATE TABLE projects (\n  id bigint PRIMARY KEY,\n  tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE NOT NULL, -- owner\n  name text NOT NULL\n);',
    },
    {
      // Written `SET NOT NULL`, the fix was a syntax error; with NOT NULL added, SET NULL makes
      // every delete of a tenant fail, so the fix waits for the user to choose the action.
      name: 'ON DELETE SET NULL: NOT NULL goes after the clause, offered, not applied unattended',
      code:
        tenants +
        'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid REFERENCES tenants (id) ON DELETE SET NULL);',
      errors: [{ message: 'Tenant column projects.tenant_id is nullable' }],
      output: null,
      fixes: [
        {
          title: 'Make projects.tenant_id NOT NULL (then change its ON DELETE SET NULL, which would fail)',
          output:
            tenants +
            'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid REFERENCES tenants (id) ON DELETE SET NULL NOT NULL);',
        },
      ],
    },
    {
      // Its columns are the query's: NOT NULL or REFERENCES written there would land in the SELECT.
      name: 'a table made by CREATE TABLE … AS SELECT: no NOT NULL fix, the foreign key as an ALTER TABLE',
      code:
        tenants +
        'CREATE TABLE src (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id));\nCREATE TABLE snap AS SELECT id, tenant_id FROM src;\n',
      errors: [
        { message: 'Tenant column snap.tenant_id is nullable' },
        { message: 'Tenant column snap.tenant_id has no foreign key to tenants' },
      ],
      output:
        tenants +
        'CREATE TABLE src (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id));\nCREATE TABLE snap AS SELECT id, tenant_id FROM src;\nALTER TABLE snap ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT;\n',
    },
    {
      name: 'nullable and without a foreign key: two findings, whose fixes combine',
      code: tenants + 'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid, name text NOT NULL);',
      errors: [
        { message: 'Tenant column projects.tenant_id is nullable', text: 'tenant_id uuid' },
        { message: 'Tenant column projects.tenant_id has no foreign key to tenants', text: 'tenant_id uuid' },
      ],
      output:
        tenants +
        'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE RESTRICT, name text NOT NULL);',
      fixes: [
        {
          title: 'Make projects.tenant_id NOT NULL',
          output:
            tenants +
            'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid NOT NULL, name text NOT NULL);',
        },
      ],
    },
    {
      name: 'NOT NULL without a foreign key; an explicit NULL elsewhere is left alone',
      code:
        tenants + 'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid NOT NULL, note text NULL);',
      errors: [{ message: 'Tenant column projects.tenant_id has no foreign key to tenants' }],
      output:
        tenants +
        'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE RESTRICT, note text NULL);',
      fixes: [
        {
          title: 'Add foreign key projects.tenant_id → tenants (id) ON DELETE CASCADE',
          output:
            tenants +
            'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE, note text NULL);',
        },
      ],
    },
    {
      name: 'the tenants table is created after the table: the key comes after both',
      code: 'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id bigint NOT NULL);\nCREATE INDEX projects_tenant_id_idx ON projects (tenant_id);\nCREATE TABLE tenants (id bigint PRIMARY KEY);',
      errors: [{ message: 'Tenant column projects.tenant_id has no foreign key to tenants' }],
      output:
        'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id bigint NOT NULL);\nCREATE INDEX projects_tenant_id_idx ON projects (tenant_id);\nCREATE TABLE tenants (id bigint PRIMARY KEY);\nALTER TABLE projects ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT;',
    },
    {
      name: 'an explicit NULL becomes NOT NULL; the key’s type differs, so no foreign key is proposed',
      config: { tenantColumn: 'organization_id' },
      code: 'CREATE TABLE organizations (id uuid PRIMARY KEY);\nCREATE TABLE "Deals" (id bigint PRIMARY KEY, organization_id text NULL);',
      errors: [
        { message: 'Tenant column Deals.organization_id is nullable' },
        { message: 'Tenant column Deals.organization_id has no foreign key to organizations' },
      ],
      output:
        'CREATE TABLE organizations (id uuid PRIMARY KEY);\nCREATE TABLE "Deals" (id bigint PRIMARY KEY, organization_id text NOT NULL);',
    },
    {
      name: 'in an applied migration: NOT NULL is not rewritten there',
      path: 'supabase/migrations/20240101000000_projects.sql',
      code:
        tenants + 'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid REFERENCES tenants (id));',
      files: {
        'supabase/migrations/20240201000000_tasks.sql': 'CREATE TABLE tasks (id bigint PRIMARY KEY);',
      },
      errors: [{ message: 'Tenant column projects.tenant_id is nullable' }],
      output: null,
    },
    {
      name: 'a column added in the newest migration',
      path: 'supabase/migrations/20240201000000_tenant.sql',
      files: {
        'supabase/migrations/20240101000000_init.sql':
          tenants + 'CREATE TABLE projects (id bigint PRIMARY KEY);',
      },
      code: 'ALTER TABLE projects ADD COLUMN tenant_id uuid;\n',
      errors: [{ text: 'tenant_id uuid' }, { message: /no foreign key/ }],
      output:
        'ALTER TABLE projects ADD COLUMN tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE RESTRICT;\n',
    },
  ],
});
