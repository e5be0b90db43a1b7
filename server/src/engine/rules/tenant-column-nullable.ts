import type { Fix, TextEdit } from '../findings';
import { editableInPlace, insertAt, quoteIdent, tableRef } from '../fixes/sql';
import {
  baseTypeName,
  columnStatement,
  effectivelyNotNull,
  findColumn,
  foreignKeys,
  isOwnColumn,
  latestStatement,
  primaryKey,
} from '../model/queries';
import { tableKey, type Column, type SchemaModel, type Table } from '../model/schema';
import { isTenantTable, tenantColumn, tenantsTable } from '../model/tenancy';
import { modelEditor, requiredFieldEdits } from '../prisma/fixes';
import { columnLabel, columnsLabel, fieldName, tableLabel } from './messages';
import { columnDefinitionEdits } from './missing-not-null';
import type { Rule, RuleContext } from './rule';
import { tableStatementEdit } from '../fixes/sql';

/**
 * The tenant column says whose row it is. NULL makes it nobody's (or, under a careless policy,
 * everybody's); a value without a foreign key can name a tenant that does not exist, or one that
 * was deleted and whose rows were left behind.
 */
export const tenantColumnNullable: Rule = {
  meta: {
    id: 'tenant-column-nullable',
    defaultSeverity: 'warning',
    description: 'The tenant column is nullable, or has no foreign key to the tenants table.',
    rationale:
      'Every row of a tenant table belongs to exactly one tenant. A nullable tenant column lets rows belong to no tenant: tenant policies never show them (they look lost), a policy written with OR tenant_id IS NULL shows them to everyone, and UNIQUE (tenant_id, …) lets duplicates through since NULLs are distinct. Without a foreign key to the tenants table, a typo or a stale id creates rows for a tenant that does not exist, and deleting a tenant leaves its data behind. NOT NULL and REFERENCES tenants (id) make the database keep both promises.',
    example: {
      bad: 'CREATE TABLE projects (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid\n);',
      good: 'CREATE TABLE projects (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE RESTRICT\n);',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'multi-tenancy',
  },
  check(context) {
    const { model, config } = context;
    const tenants = tenantsTable(model, config);
    for (const table of model.tables.values()) {
      if (!isTenantTable(model, table, config)) continue;
      const column = tenantColumn(table, config);
      // A copy (LIKE) is reported where its source defines it; a generated column follows its expression.
      if (!column || !isOwnColumn(table, column) || column.generated) continue;
      if (table.prisma) {
        reportPrisma(context, table, column, tenants);
        continue;
      }
      const label = columnsLabel(table.name, [column.name]);
      // Two problems, two findings: each fix then resolves its own (both insert after the definition).
      if (!effectivelyNotNull(model, table, column)) {
        const edits = notNullEdits(context, table, column);
        // ON DELETE SET NULL would then make every delete of a tenant fail: which action instead
        // (RESTRICT, CASCADE) is the user's call, so the fix is offered, never applied unattended.
        const setsNull = foreignKeys(table).some(
          (fk) => fk.columns.includes(column.name) && fk.onDelete === 'set null',
        );
        const fix: Fix | undefined = edits && {
          title: setsNull
            ? `Make ${label} NOT NULL (then change its ON DELETE SET NULL, which would fail)`
            : `Make ${label} NOT NULL`,
          edits,
          ...(setsNull ? { manual: true } : { preferred: true }),
        };
        context.report({
          range: column.origin.range,
          message: `Tenant column ${label} is nullable`,
          fixes: fix ? [fix] : [],
        });
      }
      // Without a tenants table in the schema there is nothing to reference (it may live elsewhere).
      if (tenants && !foreignKeys(table).some((fk) => fk.columns.includes(column.name))) {
        context.report({
          range: column.origin.range,
          message: `Tenant column ${label} has no foreign key to ${tenants.name}`,
          fixes: foreignKeyFixes(context, table, column, tenants),
        });
      }
    }
  },
};

function notNullEdits(context: RuleContext, table: Table, column: Column): TextEdit[] | undefined {
  const file = column.origin.range.file;
  if (!file.toLowerCase().endsWith('.sql') || !editableInPlace(context.group, file)) return undefined;
  return columnDefinitionEdits(context, table, column, { notNull: true });
}

/** `REFERENCES tenants (id) ON DELETE RESTRICT` (preferred: never deletes data) or `CASCADE`. */
function foreignKeyFixes(context: RuleContext, table: Table, column: Column, tenants: Table): Fix[] {
  if (!column.origin.range.file.toLowerCase().endsWith('.sql')) return [];
  const key = tenantKey(context.model, tenants, column);
  if (!key) return [];
  const label = columnsLabel(table.name, [column.name]);
  return ['RESTRICT', 'CASCADE'].map((action, i) => {
    const references = `REFERENCES ${tableRef(tenants)} (${quoteIdent(key.name)}) ON DELETE ${action}`;
    const edit =
      inlineReferences(context, table, column, tenants, references) ??
      alterReferences(context, table, column, tenants, references);
    return {
      title: `Add foreign key ${label} → ${tenants.name} (${key.name}) ON DELETE ${action}`,
      edits: [edit],
      ...(i === 0 ? { preferred: true } : {}),
    };
  });
}

/** The tenants table's one-column key, when the tenant column's type can reference it. */
function tenantKey(model: SchemaModel, tenants: Table, column: Column): Column | undefined {
  const pk = primaryKey(tenants);
  if (!pk || pk.columns.length !== 1) return undefined;
  const key = findColumn(tenants, pk.columns[0]);
  if (!key || key.type.arrayDims !== column.type.arrayDims) return undefined;
  return baseTypeName(model, key) === baseTypeName(model, column) ? key : undefined;
}

/**
 * ` REFERENCES tenants (id) …` appended to the column's definition, where the definition may
 * change and the tenants table exists by then.
 */
function inlineReferences(
  context: RuleContext,
  table: Table,
  column: Column,
  tenants: Table,
  references: string,
): TextEdit | undefined {
  const range = column.origin.range;
  // A CREATE TABLE … AS SELECT has no column definitions: the ALTER TABLE form then.
  if (!editableInPlace(context.group, range.file) || table.fromQuery) return undefined;
  const at = columnStatement(table, column);
  if (
    at === tenants.origin.statement ||
    latestStatement(context.group, [tenants.origin.statement, at]) !== at
  ) {
    return undefined;
  }
  return insertAt(range.file, range.end, ` ${references}`);
}

/** `ALTER TABLE t ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id) …` after both tables exist. */
function alterReferences(
  context: RuleContext,
  table: Table,
  column: Column,
  tenants: Table,
  references: string,
): TextEdit {
  const sql = `ALTER TABLE ${tableRef(table)} ADD FOREIGN KEY (${quoteIdent(column.name)}) ${references};`;
  const last = table.statements[table.statements.length - 1] ?? table.origin.statement;
  return tableStatementEdit(
    context,
    table,
    sql,
    latestStatement(context.group, [last, tenants.origin.statement]),
  );
}

/**
 * Prisma: the field loses its `?` (and so do the relations over it); a missing relation to the
 * tenants model is written on both sides, `tenant Tenant @relation(fields: [tenantId], references:
 * [id], onDelete: Restrict)` and the back-relation `projects Project[]` (Restrict preferred: it
 * never deletes data; Cascade offered). Not where the names are taken, or where the two models are
 * already related (Prisma would then need relation names).
 */
function reportPrisma(context: RuleContext, table: Table, column: Column, tenants: Table | undefined): void {
  const { model } = context;
  const field = fieldName(table, column);
  const label = columnLabel(table, column);
  if (!effectivelyNotNull(model, table, column)) {
    const relations = foreignKeys(table).flatMap((fk) =>
      fk.columns.includes(column.name) && fk.prisma?.field ? [fk.prisma.field] : [],
    );
    const edits = requiredFieldEdits(context.fileText, table, field, { notNull: true, relations });
    context.report({
      range: column.origin.range,
      message: `Tenant field ${label} is optional`,
      fixes: edits ? [{ title: `Make ${label} required`, edits, preferred: true }] : [],
    });
  }
  if (!tenants || foreignKeys(table).some((fk) => fk.columns.includes(column.name))) return;
  context.report({
    range: column.origin.range,
    message: `Tenant field ${label} has no relation to ${tableLabel(tenants)}`,
    fixes: prismaRelationFixes(context, table, column, tenants),
  });
}

function prismaRelationFixes(context: RuleContext, table: Table, column: Column, tenants: Table): Fix[] {
  const key = tenantKey(context.model, tenants, column);
  if (!key?.prisma || !column.prisma || !table.prisma || !tenants.prisma || table === tenants) return [];
  const points = (from: Table, to: Table) =>
    foreignKeys(from).some(
      (fk) => fk.references !== undefined && tableKey(fk.references.table) === tableKey(to),
    );
  const related = points(table, tenants) || points(tenants, table);
  if (related) return [];
  const lower = (s: string) => s[0].toLowerCase() + s.slice(1);
  const relation = lower(tenants.prisma.model);
  const back = `${lower(table.prisma.model)}s`;
  const taken = (t: Table, name: string) =>
    modelEditor(context.fileText, t).field(name) !== undefined ||
    t.columns.some((c) => c.prisma?.field === name);
  if (taken(table, relation) || taken(tenants, back)) return [];
  const optional = column.notNull ? '' : '?';
  return ['Restrict', 'Cascade'].flatMap((action, i) => {
    const own = modelEditor(context.fileText, table)
      .addField(
        {
          name: relation,
          type: `${tenants.prisma!.model}${optional}`,
          attributes: [
            `@relation(fields: [${column.prisma!.field}], references: [${key.prisma!.field}], onDelete: ${action})`,
          ],
        },
        'end',
      )
      .edits();
    const other = modelEditor(context.fileText, tenants)
      .addField({ name: back, type: `${table.prisma!.model}[]`, attributes: [] }, 'end')
      .edits();
    if (!own || !other) return [];
    return [
      {
        title: `Add relation ${tableLabel(table)}.${relation} → ${tableLabel(tenants)} (onDelete: ${action})`,
        edits: [...own, ...other],
        ...(i === 0 ? { preferred: true } : {}),
      },
    ];
  });
}
