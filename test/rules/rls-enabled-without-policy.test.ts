import { rlsEnabledWithoutPolicy } from '../../server/src/engine/rules/rls-enabled-without-policy';
import { ruleTester } from '../support/rule-tester';

const tenants = 'CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);\n';
const projects =
  'CREATE TABLE projects (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id),\n  name text NOT NULL\n);\n';
const policy =
  "CREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);";

ruleTester(rlsEnabledWithoutPolicy, {
  valid: [
    tenants + projects + 'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n' + policy,
    {
      // Queries through events get the parent's policy; the partition is only closed to direct reads.
      name: 'a partition closed to direct access under a parent whose policy serves the queries',
      code:
        tenants +
        "CREATE TABLE events (id bigint, tenant_id uuid NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\nALTER TABLE events ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON events USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);\nALTER TABLE events_2025 ENABLE ROW LEVEL SECURITY;",
    },
    {
      name: 'no row level security at all is tenant-table-without-rls’s concern',
      code: tenants + projects,
    },
    {
      name: 'the policy written before RLS is enabled',
      code: tenants + projects + policy + '\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;',
    },
    {
      name: 'a policy for one command is a policy',
      code: 'CREATE TABLE posts (id bigint PRIMARY KEY, published boolean NOT NULL DEFAULT false);\nALTER TABLE posts ENABLE ROW LEVEL SECURITY;\nCREATE POLICY read_published ON posts FOR SELECT TO anon USING (published);',
    },
    {
      name: 'RLS disabled again later',
      code:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nALTER TABLE projects DISABLE ROW LEVEL SECURITY;',
    },
    {
      name: 'the policy arrives in a later migration',
      path: 'supabase/migrations/20240101000000_projects.sql',
      code: tenants + projects + 'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;',
      files: { 'supabase/migrations/20240102000000_policy.sql': policy },
    },
    {
      name: 'quoted names in a non-public schema',
      code: 'CREATE SCHEMA billing;\nCREATE TABLE billing."Invoices" (id bigint PRIMARY KEY, "ownerId" uuid NOT NULL);\nALTER TABLE billing."Invoices" ENABLE ROW LEVEL SECURITY;\nCREATE POLICY "Owners read" ON billing."Invoices" FOR SELECT USING ("ownerId" = auth.uid());',
    },
  ],
  invalid: [
    {
      code:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE INDEX projects_tenant_id_idx ON projects (tenant_id);',
      errors: [
        {
          message: 'Table projects has row level security but no policy: queries see no rows',
          line: 7,
          text: 'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;',
        },
      ],
      output:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE INDEX projects_tenant_id_idx ON projects (tenant_id);\n' +
        policy,
    },
    {
      name: 'a table without the tenant column: reported, no policy to propose',
      code: 'CREATE TABLE audit_log (id bigint PRIMARY KEY, event text NOT NULL);\nALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;',
      errors: [{ message: 'Table audit_log has row level security but no policy: queries see no rows' }],
      output: null,
    },
    {
      name: 'only restrictive policies let nothing through',
      code:
        tenants +
        projects +
        "ALTER TABLE projects ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;\nCREATE POLICY tenant_only ON projects AS RESTRICTIVE USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
      errors: [{ message: 'Table projects has only restrictive policies: queries see no rows' }],
      output:
        tenants +
        projects +
        "ALTER TABLE projects ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;\nCREATE POLICY tenant_only ON projects AS RESTRICTIVE USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);\n" +
        policy,
    },
    {
      name: 'quoted non-public table with a bigint tenant',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app.tenants (id bigint PRIMARY KEY);\nCREATE TABLE app."Tasks" (id bigint PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES app.tenants (id));\nALTER TABLE app."Tasks" ENABLE ROW LEVEL SECURITY;',
      errors: [{ message: 'Table Tasks has row level security but no policy: queries see no rows', line: 4 }],
      output:
        'CREATE SCHEMA app;\nCREATE TABLE app.tenants (id bigint PRIMARY KEY);\nCREATE TABLE app."Tasks" (id bigint PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES app.tenants (id));\nALTER TABLE app."Tasks" ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON app."Tasks" USING (tenant_id = NULLIF(current_setting(\'app.tenant_id\', true), \'\')::bigint);',
    },
    {
      name: 'enabled in the newest migration of a folder',
      path: 'supabase/migrations/20240201000000_rls.sql',
      files: { 'supabase/migrations/20240101000000_init.sql': tenants + projects },
      code: 'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n',
      errors: [{ line: 1 }],
      output: 'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n' + policy + '\n',
    },
  ],
});
