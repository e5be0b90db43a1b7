import type { ResolvedConfig } from '../config/config';
import type { Fix } from '../findings';
import { quoteIdent, quoteLiteral, tableRef, tableStatementEdit } from '../fixes/sql';
import { isOwnColumn } from '../model/queries';
import type { Column, ColumnType, Policy, SchemaModel, Table } from '../model/schema';
import {
  commandsCovered,
  isTenantTable,
  openCommands,
  policiesOf,
  type OpenCommand,
  policyUsesTenantColumn,
  ROW_COMMANDS,
  tenantColumn,
} from '../model/tenancy';
import { newPrismaMigration } from '../prisma/migrations';
import { fieldName, tableLabel } from './messages';
import type { Rule, RuleContext } from './rule';

/**
 * A table that holds the rows of many tenants is one forgotten WHERE away from showing one
 * tenant's data to another. Row-level security makes PostgreSQL add the tenant filter to every
 * query, whoever wrote it.
 */
export const tenantTableWithoutRls: Rule = {
  meta: {
    id: 'tenant-table-without-rls',
    defaultSeverity: 'warning',
    description:
      'A table with the tenant column whose rows row-level security does not keep to their tenant.',
    rationale:
      "When every tenant shares the table, isolation rests on every query remembering `WHERE tenant_id = …`: one forgotten filter in a report, an admin screen or a hand-written fix shows or changes another tenant's rows. Row-level security moves the filter into the database: with RLS enabled and a policy comparing tenant_id with the session's tenant, PostgreSQL adds it to every SELECT, UPDATE and DELETE and rejects INSERTs for another tenant. A policy that lets some command through without the tenant column (FOR INSERT WITH CHECK (true), a public-read policy) reopens that command to every tenant.",
    example: {
      bad: 'CREATE TABLE projects (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id)\n);',
      good: "CREATE TABLE projects (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id)\n);\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nALTER TABLE projects FORCE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'multi-tenancy',
  },
  check(context) {
    const { model, config } = context;
    let prismaMigration: Fix | undefined;
    for (const table of model.tables.values()) {
      if (!isTenantTable(model, table, config)) continue;
      const column = tenantColumn(table, config);
      if (!column) continue;
      const policies = policiesOf(model, table);
      if (!table.rls.enabled) {
        // Policies without RLS are policy-without-rls's finding: enabling RLS is the fix.
        if (policies.length > 0) continue;
        const sql = enableSql(model, table, column, config);
        if (table.prisma) {
          // One migration for every model it concerns: each finding offers the same file.
          prismaMigration ??= enableRlsMigration(context);
          context.report({
            range: isOwnColumn(table, column) ? column.origin.range : table.origin.range,
            message: `Model ${tableLabel(table)} has ${fieldName(table, column)} but no row level security`,
            fixes: prismaMigration ? [prismaMigration] : [],
          });
          continue;
        }
        context.report({
          range: isOwnColumn(table, column) ? column.origin.range : table.origin.range,
          message: `Table ${table.name} has ${column.name} but no row level security`,
          fixes: fixable(table, column)
            ? [
                {
                  title: `Enable row level security on ${table.name} with a tenant_isolation policy`,
                  edits: [tableStatementEdit(context, table, sql.join('\n'))],
                  preferred: true,
                },
              ]
            : [],
        });
        continue;
      }
      // RLS without any policy is rls-enabled-without-policy's finding.
      if (policies.length === 0) continue;
      const open = openCommands(policies, column.name);
      if (open.length === 0) continue;
      const opener = open[0].policy;
      const message = openMessage(table, column, policies, open);
      context.report({
        range: opener.origin.range,
        message,
        fixes: fixable(table, column)
          ? [
              {
                title: `Add restrictive tenant_isolation policy on ${table.name}`,
                edits: [
                  tableStatementEdit(context, table, tenantPolicySql(model, table, column, config, true)),
                ],
                preferred: true,
              },
            ]
          : [],
      });
    }
  },
};

/**
 * Which commands are open and who opens them; when tenant policies exist for some commands only,
 * it says which (a `FOR SELECT` tenant policy beside a `FOR INSERT WITH CHECK (true)`).
 */
function openMessage(table: Table, column: Column, policies: readonly Policy[], open: OpenCommand[]): string {
  const commands = open.map((o) => o.command.toUpperCase()).join(', ');
  const covered = commandsCovered(policies.filter((p) => policyUsesTenantColumn(p, column.name)));
  if (covered.size === 0) {
    return `No policy of ${table.name} uses ${column.name}: ${commands} reach every tenant's rows`;
  }
  const openers = [...new Set(open.map((o) => o.policy.name))];
  const who = openers.length > 1 ? `Policies ${openers.join(', ')} let` : `Policy ${openers[0]} lets`;
  const only = ROW_COMMANDS.filter((c) => covered.has(c)).map((c) => c.toUpperCase());
  const note =
    only.length < ROW_COMMANDS.length ? ` (the tenant policies cover only ${only.join(', ')})` : '';
  return `${who} ${commands} on ${table.name} through without ${column.name}${note}`;
}

/** ENABLE and FORCE row level security, and the tenant_isolation policy. */
function enableSql(model: SchemaModel, table: Table, column: Column, config: ResolvedConfig): string[] {
  return [
    `ALTER TABLE ${tableRef(table)} ENABLE ROW LEVEL SECURITY;`,
    `ALTER TABLE ${tableRef(table)} FORCE ROW LEVEL SECURITY;`,
    tenantPolicySql(model, table, column, config, false),
  ];
}

/**
 * Prisma: a schema cannot say row level security, its migrations can. A new migration folder
 * `<timestamp>_enable_rls` enables it, with the tenant policy, on every model that has the tenant
 * field and neither RLS nor a policy (the lint reads RLS and policies back from the schema's
 * Prisma migrations, so the findings go once the migration is there).
 */
function enableRlsMigration(context: RuleContext): Fix | undefined {
  const { model, config } = context;
  const tables: { table: Table; column: Column }[] = [];
  for (const table of model.tables.values()) {
    if (!table.prisma || table.rls.enabled || !isTenantTable(model, table, config)) continue;
    const column = tenantColumn(table, config);
    if (!column?.prisma || column.type.name === 'unknown' || policiesOf(model, table).length > 0) continue;
    tables.push({ table, column });
  }
  const migration = newPrismaMigration(context.group, 'enable_rls', '');
  if (tables.length === 0) return undefined;
  const sql = tables.flatMap(({ table, column }) => enableSql(model, table, column, config));
  const names = tables.map(({ table }) => tableLabel(table));
  const text = `-- Row level security keeps each tenant to its own rows; Prisma's schema cannot declare it.\n-- Written by db-expert (tenant-table-without-rls).\n${sql.join('\n')}\n`;
  return {
    title: `Create migration ${migration.folder} enabling row level security on ${names.join(', ')}`,
    edits: [],
    createFiles: [{ file: migration.file, text }],
    preferred: true,
  };
}

/**
 * Prisma cannot write row-level security (its fix would be a new migration, not an edit of the
 * schema); a column of unknown type (`CREATE TABLE … AS SELECT`) has no type to cast to.
 */
function fixable(table: Table, column: Column): boolean {
  return table.origin.statement.file.toLowerCase().endsWith('.sql') && column.type.name !== 'unknown';
}

/**
 * `CREATE POLICY tenant_isolation ON t USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::<type>);`
 * With no tenant set (never set: NULL with missing_ok; reset after SET LOCAL: '') the comparison
 * is NULL: the session reads nothing and every write fails the policy, the same for every column
 * type (the one-argument form errors when never set, but casts '' silently for text). The snippet
 * `db_rls` writes the same form. A restrictive policy narrows the permissive ones already there
 * instead of adding to them.
 */
export function tenantPolicySql(
  model: SchemaModel,
  table: Table,
  column: Column,
  config: ResolvedConfig,
  restrictive: boolean,
): string {
  const name = freePolicyName(model, table, 'tenant_isolation');
  const value = `NULLIF(current_setting(${quoteLiteral(config.tenantSetting)}, true), '')::${castType(model, column.type)}`;
  return `CREATE POLICY ${quoteIdent(name)} ON ${tableRef(table)}${restrictive ? ' AS RESTRICTIVE' : ''} USING (${quoteIdent(column.name)} = ${value});`;
}

/** A policy name not yet used on the table: `base`, else `base_1`, `base_2` … */
function freePolicyName(model: SchemaModel, table: Table, base: string): string {
  const taken = new Set(policiesOf(model, table).map((p) => p.name));
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}

const INTEGER_NAMES: Record<string, string> = { int2: 'smallint', int4: 'integer', int8: 'bigint' };

/** The column's type as a cast target (`uuid`, `bigint`, `varchar(32)`, `app.tenant_key`). */
function castType(model: SchemaModel, type: ColumnType): string {
  const userType = [...model.enums.values(), ...model.domains.values()].some((t) => t.name === type.name);
  const name = type.schema
    ? `${quoteIdent(type.schema)}.${quoteIdent(type.name)}`
    : userType
      ? quoteIdent(type.name)
      : (INTEGER_NAMES[type.name] ?? type.name);
  return name + (type.modifiers.length > 0 ? `(${type.modifiers.join(', ')})` : '');
}
