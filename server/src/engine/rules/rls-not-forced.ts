import { tableRef } from '../fixes/sql';
import { hasPermissivePolicy, policiesOf } from '../model/tenancy';
import type { Rule } from './rule';
import { tableStatementEdit } from '../fixes/sql';

/**
 * The owner of a table skips its policies unless row-level security is forced: an application
 * that connects as the role that ran the migrations is not isolated at all.
 */
export const rlsNotForced: Rule = {
  meta: {
    id: 'rls-not-forced',
    defaultSeverity: 'info',
    description: 'Row-level security is enabled without FORCE, so the table owner bypasses the policies.',
    rationale:
      "Row-level security does not apply to the table's owner unless the table says `FORCE ROW LEVEL SECURITY`. Many applications connect as the same role that ran the migrations, which owns every table: for them the policies do nothing, and the isolation tested with another role never happens in production. FORCE makes the owner subject to the policies too (superusers and BYPASSRLS roles still bypass them, for maintenance).",
    example: {
      bad: "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
      good: "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nALTER TABLE projects FORCE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
    },
    fixable: true,
    languages: ['sql'],
    category: 'multi-tenancy',
  },
  check(context) {
    const { model } = context;
    for (const table of model.tables.values()) {
      const enabledAt = table.rls.enabledAt;
      if (!table.rls.enabled || table.rls.forced || !enabledAt) continue;
      // Without a permissive policy the table is closed to all: rls-enabled-without-policy speaks.
      if (!hasPermissivePolicy(policiesOf(model, table))) continue;
      context.report({
        range: enabledAt.range,
        message: `Table ${table.name} does not force row level security: its owner bypasses the policies`,
        fixes: [
          {
            title: `Force row level security on ${table.name}`,
            // After the table's last statement: a later NO FORCE would undo it anywhere earlier.
            edits: [
              tableStatementEdit(context, table, `ALTER TABLE ${tableRef(table)} FORCE ROW LEVEL SECURITY;`),
            ],
            preferred: true,
          },
        ],
      });
    }
  },
};
