import type { Fix } from '../findings';
import { editableInPlace } from '../fixes/sql';
import {
  baseTypeName,
  columnsWhere,
  effectivelyNotNull,
  hasDefault,
  isOwnColumn,
  isPartition,
  primaryKey,
  sameName,
  triggersOn,
} from '../model/queries';
import type { Column, Table } from '../model/schema';
import { requiredFieldEdits } from '../prisma/fixes';
import { columnLabel } from './messages';
import { columnDefinitionEdits } from './missing-not-null';
import type { Rule, RuleContext } from './rule';

/** Types `now()` can fill. */
const TIMESTAMP_TYPES = new Set(['timestamptz', 'timestamp', 'date']);

/**
 * A creation timestamp that every INSERT must remember to fill, or a NOT NULL flag that every
 * INSERT must spell out: the database should supply the obvious value.
 */
export const missingDefault: Rule = {
  meta: {
    id: 'missing-default',
    defaultSeverity: 'info',
    description: 'A created_at column without DEFAULT now(), or a NOT NULL boolean without a default.',
    rationale:
      "A created_at that the application must set is set with the application server's clock, in its time zone, or not at all (a forgotten field, a bulk import, a manual fix in psql). `DEFAULT now()` records the moment the database accepted the row, the same way for every writer. A NOT NULL boolean without a default makes every INSERT name the flag, and adding the flag to a form or an import becomes a breaking change; `DEFAULT false` states the usual value once.",
    example: {
      bad: 'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  is_paid boolean NOT NULL,\n  created_at timestamptz NOT NULL\n);',
      good: 'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  is_paid boolean NOT NULL DEFAULT false,\n  created_at timestamptz NOT NULL DEFAULT now()\n);',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'schema design',
  },
  check(context) {
    const { model, config } = context;
    const created = (name: string) => sameName(name, config.auditColumns.created);
    // Only a creation timestamp (by its name) or a boolean can be either finding.
    const candidates = columnsWhere(model, { name: created, type: (type) => type === 'bool' });
    for (const { table, column } of candidates) {
      // A partition's columns are its parent's: the parent's finding covers them.
      if (isPartition(table) || table.kind === 'foreign table') continue;
      // A copy (LIKE) is reported where its source defines it.
      if (!isOwnColumn(table, column)) continue;
      if (column.generated || column.identity || hasDefault(column)) continue;
      if (addedNotNullToExistingTable(table, column)) continue;
      const prisma = column.prisma !== undefined;
      const label = columnLabel(table, column);
      if (created(column.name)) {
        if (column.type.arrayDims > 0 || !TIMESTAMP_TYPES.has(baseTypeName(model, column))) continue;
        // A BEFORE INSERT trigger may fill it.
        if (setByInsertTrigger(context, table)) continue;
        const notNull = !effectivelyNotNull(model, table, column);
        const title = prisma
          ? `Add @default(now()) to ${label}${notNull ? ' and make it required' : ''}`
          : `Add ${notNull ? 'NOT NULL ' : ''}DEFAULT now() to ${label}`;
        context.report({
          range: column.origin.range,
          message: `${prisma ? 'Field' : 'Column'} ${label} has no default`,
          fixes: defaultFix(context, table, column, title, { notNull, default: 'now()' }),
        });
      } else if (isPlainBoolean(column) && effectivelyNotNull(model, table, column)) {
        // A boolean key column is an identifier, not a flag with a usual value.
        if (primaryKey(table)?.columns.includes(column.name)) continue;
        context.report({
          range: column.origin.range,
          message: prisma
            ? `Field ${label} is a required Boolean without a default`
            : `Column ${label} is a NOT NULL boolean without a default`,
          fixes: defaultFix(
            context,
            table,
            column,
            `Add ${prisma ? '@default(false)' : 'DEFAULT false'} to ${label}`,
            {
              default: 'false',
            },
          ),
        });
      }
    }
  },
};

function isPlainBoolean(column: Column): boolean {
  return column.type.name === 'bool' && !column.type.schema && column.type.arrayDims === 0;
}

/**
 * `ALTER TABLE … ADD COLUMN … NOT NULL` without a default on a table an earlier file created:
 * add-column-not-null-without-default reports that (it fails on a table with rows).
 */
function addedNotNullToExistingTable(table: Table, column: Column): boolean {
  return column.notNull && column.origin.statement.file !== table.origin.statement.file;
}

function setByInsertTrigger(context: RuleContext, table: Table): boolean {
  return triggersOn(context.model, table).some(
    (t) => t.timing === 'before' && t.forEachRow && t.events.includes('insert'),
  );
}

function defaultFix(
  context: RuleContext,
  table: Table,
  column: Column,
  title: string,
  add: { notNull?: boolean; default: string },
): Fix[] {
  const range = column.origin.range;
  const edits = column.prisma
    ? requiredFieldEdits(context.fileText, table, column.prisma.field, add)
    : editableInPlace(context.group, range.file)
      ? columnDefinitionEdits(context, table, column, add)
      : undefined;
  return edits ? [{ title, edits, preferred: true }] : [];
}
