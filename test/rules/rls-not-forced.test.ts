import { rlsNotForced } from '../../server/src/engine/rules/rls-not-forced';
import { ruleTester } from '../support/rule-tester';

const tenants = 'CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);\n';
const projects =
  'CREATE TABLE projects (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id),\n  name text NOT NULL\n);\n';
const policy =
  "CREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);";

ruleTester(rlsNotForced, {
  valid: [
    tenants +
      projects +
      'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nALTER TABLE projects FORCE ROW LEVEL SECURITY;\n' +
      policy,
    {
      name: 'ENABLE and FORCE in one ALTER TABLE',
      code:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;\n' +
        policy,
    },
    {
      name: 'FORCE written before ENABLE',
      code:
        tenants +
        projects +
        'ALTER TABLE projects FORCE ROW LEVEL SECURITY;\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n' +
        policy,
    },
    {
      name: 'no policy yet: rls-enabled-without-policy speaks',
      code: tenants + projects + 'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;',
    },
    {
      name: 'only restrictive policies: rls-enabled-without-policy speaks',
      code:
        tenants +
        projects +
        "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY t ON projects AS RESTRICTIVE USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
    },
    {
      name: 'policies without RLS: policy-without-rls speaks',
      code: tenants + projects + policy,
    },
    {
      name: 'FORCE in a later migration',
      path: 'supabase/migrations/20240101000000_projects.sql',
      code: tenants + projects + 'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n' + policy,
      files: {
        'supabase/migrations/20240301000000_force.sql': 'ALTER TABLE projects FORCE ROW LEVEL SECURITY;',
      },
    },
  ],
  invalid: [
    {
      code: tenants + projects + 'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n' + policy,
      errors: [
        {
          message: 'Table projects does not force row level security: its owner bypasses the policies',
          line: 7,
          text: 'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;',
        },
      ],
      output:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n' +
        policy +
        '\nALTER TABLE projects FORCE ROW LEVEL SECURITY;',
    },
    {
      name: 'NO FORCE later takes it back',
      code:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;\n' +
        policy +
        '\nALTER TABLE projects NO FORCE ROW LEVEL SECURITY;',
      errors: [{ line: 7 }],
      output:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;\n' +
        policy +
        '\nALTER TABLE projects NO FORCE ROW LEVEL SECURITY;\nALTER TABLE projects FORCE ROW LEVEL SECURITY;',
    },
    {
      name: 'a non-tenant table with an owner policy, quoted in a non-public schema',
      code: 'CREATE SCHEMA crm;\nCREATE TABLE crm."Leads" (id bigint PRIMARY KEY, "ownerId" uuid NOT NULL);\nALTER TABLE crm."Leads" ENABLE ROW LEVEL SECURITY;\nCREATE POLICY "Owners" ON crm."Leads" USING ("ownerId" = current_setting(\'app.user_id\')::uuid);',
      errors: [{ message: 'Table Leads does not force row level security: its owner bypasses the policies' }],
      output:
        'CREATE SCHEMA crm;\nCREATE TABLE crm."Leads" (id bigint PRIMARY KEY, "ownerId" uuid NOT NULL);\nALTER TABLE crm."Leads" ENABLE ROW LEVEL SECURITY;\nCREATE POLICY "Owners" ON crm."Leads" USING ("ownerId" = current_setting(\'app.user_id\')::uuid);\nALTER TABLE crm."Leads" FORCE ROW LEVEL SECURITY;',
    },
    {
      name: 'enabled in the newest migration of a folder',
      path: 'supabase/migrations/20240201000000_rls.sql',
      files: { 'supabase/migrations/20240101000000_init.sql': tenants + projects },
      code: 'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n' + policy + '\n',
      errors: [{ line: 1 }],
      output:
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n' +
        policy +
        '\nALTER TABLE projects FORCE ROW LEVEL SECURITY;\n',
    },
  ],
});
