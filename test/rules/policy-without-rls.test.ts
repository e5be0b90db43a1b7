import { policyWithoutRls } from '../../server/src/engine/rules/policy-without-rls';
import { ruleTester } from '../support/rule-tester';

const tenants = 'CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);\n';
const projects =
  'CREATE TABLE projects (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id),\n  name text NOT NULL\n);\n';
const policy =
  "CREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);";

ruleTester(policyWithoutRls, {
  valid: [
    tenants + projects + 'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n' + policy,
    {
      name: 'RLS enabled after the policy',
      code: tenants + projects + policy + '\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;',
    },
    {
      name: 'no policy, no RLS: tenant-table-without-rls’s concern',
      code: tenants + projects,
    },
    {
      name: 'RLS enabled in a later migration',
      path: 'supabase/migrations/20240101000000_projects.sql',
      code: tenants + projects + policy,
      files: {
        'supabase/migrations/20240102000000_rls.sql': 'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;',
      },
    },
    {
      name: 'a policy on a table the files do not create (Supabase auth.users)',
      code: 'CREATE POLICY "Users read themselves" ON auth.users FOR SELECT USING (id = auth.uid());',
    },
    {
      name: 'the policy was dropped again',
      code: tenants + projects + policy + '\nDROP POLICY tenant_isolation ON projects;',
    },
    {
      name: 'quoted names in a non-public schema, enabled together with FORCE',
      code: 'CREATE SCHEMA crm;\nCREATE TABLE crm."Leads" (id bigint PRIMARY KEY, "ownerId" uuid NOT NULL);\nCREATE POLICY "Owners" ON crm."Leads" USING ("ownerId" = auth.uid());\nALTER TABLE crm."Leads" ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;',
    },
  ],
  invalid: [
    {
      code: tenants + projects + policy + '\nCREATE INDEX projects_tenant_id_idx ON projects (tenant_id);',
      errors: [
        {
          message: 'Policy tenant_isolation on projects does nothing: row level security is not enabled',
          line: 7,
          text: policy,
        },
      ],
      output:
        tenants +
        projects +
        policy +
        '\nCREATE INDEX projects_tenant_id_idx ON projects (tenant_id);\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;',
    },
    {
      name: 'disabled again after the policies: one finding names them all',
      code:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n' +
        policy +
        '\nCREATE POLICY admins ON projects TO admin USING (true);\nALTER TABLE projects DISABLE ROW LEVEL SECURITY;',
      setup: 'CREATE ROLE admin NOLOGIN;',
      errors: [
        {
          message:
            'Policies tenant_isolation, admins on projects do nothing: row level security is not enabled',
        },
      ],
      output:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n' +
        policy +
        '\nCREATE POLICY admins ON projects TO admin USING (true);\nALTER TABLE projects DISABLE ROW LEVEL SECURITY;\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;',
    },
    {
      name: 'a non-tenant table, quoted in a non-public schema',
      code: 'CREATE SCHEMA crm;\nCREATE TABLE crm."Leads" (id bigint PRIMARY KEY, "ownerId" uuid NOT NULL);\nCREATE POLICY "Owners" ON crm."Leads" USING ("ownerId" = current_setting(\'app.user_id\')::uuid);',
      errors: [{ message: 'Policy Owners on Leads does nothing: row level security is not enabled' }],
      output:
        'CREATE SCHEMA crm;\nCREATE TABLE crm."Leads" (id bigint PRIMARY KEY, "ownerId" uuid NOT NULL);\nCREATE POLICY "Owners" ON crm."Leads" USING ("ownerId" = current_setting(\'app.user_id\')::uuid);\nALTER TABLE crm."Leads" ENABLE ROW LEVEL SECURITY;',
    },
    {
      name: 'the policy in the newest migration of a folder',
      path: 'supabase/migrations/20240201000000_policy.sql',
      files: { 'supabase/migrations/20240101000000_init.sql': tenants + projects },
      code: policy + '\n',
      errors: [{ line: 1, text: policy }],
      output: policy + '\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n',
    },
  ],
});
