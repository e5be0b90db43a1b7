import { tableRef, tableStatementEdit } from '../fixes/sql';
import { policiesOf } from '../model/tenancy';
import type { Rule } from './rule';

/**
 * CREATE POLICY does not switch row-level security on: until `ENABLE ROW LEVEL SECURITY`, the
 * table ignores its policies and every role with a grant sees every row.
 */
export const policyWithoutRls: Rule = {
  meta: {
    id: 'policy-without-rls',
    defaultSeverity: 'error',
    description: 'A table has policies but row-level security is not enabled, so the policies do nothing.',
    rationale:
      "PostgreSQL applies a table's policies only while row-level security is enabled on it (`ALTER TABLE … ENABLE ROW LEVEL SECURITY`). Creating a policy does not enable it, and `DISABLE ROW LEVEL SECURITY` keeps the policies while switching them off. The schema then reads as protected while every role with a grant sees and changes every row: the tenant policy someone reviewed protects nothing.",
    example: {
      bad: "CREATE TABLE projects (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id)\n);\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
      good: "CREATE TABLE projects (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id)\n);\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
    },
    fixable: true,
    languages: ['sql'],
    category: 'multi-tenancy',
  },
  check(context) {
    const { model } = context;
    for (const table of model.tables.values()) {
      if (table.rls.enabled) continue;
      const policies = policiesOf(model, table);
      if (policies.length === 0) continue;
      const names = policies.map((p) => p.name);
      context.report({
        range: policies[0].origin.range,
        message: `${names.length > 1 ? 'Policies' : 'Policy'} ${names.join(', ')} on ${table.name} ${names.length > 1 ? 'do' : 'does'} nothing: row level security is not enabled`,
        fixes: [
          {
            title: `Enable row level security on ${table.name}`,
            edits: [
              tableStatementEdit(context, table, `ALTER TABLE ${tableRef(table)} ENABLE ROW LEVEL SECURITY;`),
            ],
            preferred: true,
          },
        ],
      });
    }
  },
};
