import { changeTypeFixes } from '../fixes/sql';
import type { Fix } from '../findings';
import { columnsWhere, isOwnColumn, typeRewriteBlocked } from '../model/queries';
import type { Column, Table } from '../model/schema';
import { modelEditor } from '../prisma/fixes';
import { columnLabel } from './messages';
import type { Rule, RuleContext } from './rule';

/**
 * `timestamp` stores a wall-clock reading without saying where: the same row means different
 * instants to sessions in different time zones. `timestamptz` stores the instant.
 */
export const timestampWithoutTimeZone: Rule = {
  meta: {
    id: 'timestamp-without-time-zone',
    defaultSeverity: 'info',
    description: 'A column of type timestamp (without time zone) instead of timestamptz.',
    rationale:
      'A timestamp without time zone is a date and a clock reading with no zone: PostgreSQL stores what the client sent, so the same moment written by servers in two time zones becomes two different values, comparisons across daylight-saving changes go wrong, and now() is silently converted to the session zone. timestamptz stores an absolute instant (in UTC) and shows it in the session zone; it takes the same 8 bytes.',
    example: {
      bad: 'CREATE TABLE events (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  happened_at timestamp NOT NULL DEFAULT now()\n);',
      good: 'CREATE TABLE events (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  happened_at timestamptz NOT NULL DEFAULT now()\n);',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'schema design',
  },
  check(context) {
    const { model, group } = context;
    for (const { table, column } of columnsWhere(model, { type: (name) => name === 'timestamp' })) {
      // A copy (PARTITION OF, LIKE) is reported where its source defines it.
      // A foreign table's columns follow the remote table's types.
      if (!isOwnColumn(table, column) || table.kind === 'foreign table') continue;
      const { type } = column;
      // Arrays of timestamps are rare and deliberate; a schema-qualified name is a user type.
      if (type.name !== 'timestamp' || type.arrayDims > 0 || type.schema) continue;
      if (column.prisma) {
        reportPrisma(context, table, column);
        continue;
      }
      const label = columnLabel(table, column);
      const newType = type.modifiers.length > 0 ? `timestamptz(${type.modifiers[0]})` : 'timestamptz';
      const range = type.range ?? column.origin.range;
      context.report({
        range,
        message: `Column ${label} uses timestamp without time zone`,
        fixes: typeRewriteBlocked(model, table, column, 'timestamp', 'timestamptz')
          ? []
          : changeTypeFixes(group, label, type.range, newType),
      });
    }
  },
};

/**
 * Prisma maps `DateTime` to `timestamp(3)`; `@db.Timestamptz(3)` makes it `timestamptz(3)` (a
 * `@db.Timestamp(p)` becomes `@db.Timestamptz(p)`, keeping its precision).
 */
function reportPrisma(context: RuleContext, table: Table, column: Column): void {
  const label = columnLabel(table, column);
  const native = column.prisma?.nativeType;
  const precision = native?.name === 'Timestamp' ? (native.args[0] ?? '') : '3';
  const attribute = `@db.Timestamptz${precision === '' ? '' : `(${precision})`}`;
  const edits = modelEditor(context.fileText, table).addAttribute(column.prisma!.field, attribute).edits();
  const fixes: Fix[] = edits
    ? [
        {
          title: native ? `Change ${label} to ${attribute}` : `Add ${attribute} to ${label}`,
          edits,
          preferred: true,
        },
      ]
    : [];
  context.report({
    range: native?.range ?? column.type.range ?? column.origin.range,
    message: native
      ? `Field ${label} uses timestamp without time zone (@db.${native.name}${native.args.length > 0 ? `(${native.args.join(', ')})` : ''})`
      : `Field ${label} uses timestamp without time zone (Prisma maps DateTime to timestamp(3))`,
    fixes,
  });
}
