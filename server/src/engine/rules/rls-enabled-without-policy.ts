import { isPartition, partitionRoot } from '../model/queries';
import { hasPermissivePolicy, isTenantTable, policiesOf, tenantColumn } from '../model/tenancy';
import type { Rule } from './rule';
import { tableStatementEdit } from '../fixes/sql';
import { tenantPolicySql } from './tenant-table-without-rls';

/**
 * With row-level security on, a row is visible only when a permissive policy lets it through: no
 * such policy, and every role but the owner (and BYPASSRLS roles) sees an empty table.
 */
export const rlsEnabledWithoutPolicy: Rule = {
  meta: {
    id: 'rls-enabled-without-policy',
    defaultSeverity: 'warning',
    description:
      'Row-level security is enabled on a table that has no permissive policy, so queries see no rows.',
    rationale:
      'Enabling row-level security switches a table to default-deny: a row is visible or writable only when a permissive policy allows it. Without any policy, every SELECT returns nothing and every INSERT, UPDATE and DELETE fails or touches nothing for every role except the owner (unless FORCE) and roles with BYPASSRLS. The application looks empty rather than broken, which makes the cause hard to find. Restrictive policies only narrow permissive ones, so alone they allow nothing either.',
    example: {
      bad: 'CREATE TABLE projects (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id)\n);\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;',
      good: "CREATE TABLE projects (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id)\n);\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
    },
    fixable: true,
    languages: ['sql'],
    category: 'multi-tenancy',
  },
  check(context) {
    const { model, config } = context;
    for (const table of model.tables.values()) {
      if (!table.rls.enabled || !table.rls.enabledAt) continue;
      const policies = policiesOf(model, table);
      if (hasPermissivePolicy(policies)) continue;
      // A partition closed to direct reads while its parent's policies serve every query through
      // the parent (PostgreSQL applies the parent's policies there): nothing looks empty.
      const root = isPartition(table) ? partitionRoot(model, table) : table;
      if (root !== table && root.rls.enabled && hasPermissivePolicy(policiesOf(model, root))) continue;
      const column = isTenantTable(model, table, config) ? tenantColumn(table, config) : undefined;
      const fixes =
        column && column.type.name !== 'unknown'
          ? [
              {
                title: `Add tenant_isolation policy on ${table.name}`,
                edits: [
                  tableStatementEdit(context, table, tenantPolicySql(model, table, column, config, false)),
                ],
                preferred: true,
              },
            ]
          : [];
      context.report({
        range: table.rls.enabledAt.range,
        message:
          policies.length === 0
            ? `Table ${table.name} has row level security but no policy: queries see no rows`
            : `Table ${table.name} has only restrictive policies: queries see no rows`,
        fixes,
      });
    }
  },
};
