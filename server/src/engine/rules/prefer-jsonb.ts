import { changeTypeFixes } from '../fixes/sql';
import { columnsWhere, isOwnColumn, typeRewriteBlocked } from '../model/queries';
import type { Column, Table } from '../model/schema';
import { modelEditor } from '../prisma/fixes';
import { columnLabel } from './messages';
import type { Rule, RuleContext } from './rule';

/**
 * `json` keeps the text as sent and re-parses it on every access; `jsonb` stores it parsed, can be
 * indexed and compared.
 */
export const preferJsonb: Rule = {
  meta: {
    id: 'prefer-jsonb',
    defaultSeverity: 'hint',
    description: 'A column of type json instead of jsonb.',
    rationale:
      'json stores the document as text and parses it again for every operator call; it has no equality operator, so it cannot be compared, grouped, made UNIQUE or indexed with GIN, and the containment (@>) and key-existence (?) operators do not exist for it. jsonb stores the parsed document, supports all of these, and is what every JSON feature of PostgreSQL is built for. Keep json only when the exact text (key order, duplicate keys, whitespace) must be preserved.',
    example: {
      bad: 'CREATE TABLE webhooks (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  payload json NOT NULL\n);',
      good: 'CREATE TABLE webhooks (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  payload jsonb NOT NULL\n);',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'schema design',
  },
  check(context) {
    const { model, group } = context;
    for (const { table, column } of columnsWhere(model, { type: (name) => name === 'json' })) {
      // A copy (PARTITION OF, LIKE) is reported where its source defines it.
      if (!isOwnColumn(table, column)) continue;
      const { type } = column;
      if (type.name !== 'json' || type.schema) continue;
      if (column.prisma) {
        reportPrisma(context, table, column);
        continue;
      }
      const label = columnLabel(table, column);
      // json[] has the same problems as json: keep the dimensions.
      const newType = `jsonb${'[]'.repeat(type.arrayDims)}`;
      context.report({
        range: type.range ?? column.origin.range,
        message: `Column ${label} uses json instead of jsonb`,
        fixes: typeRewriteBlocked(model, table, column, 'json', 'jsonb')
          ? []
          : changeTypeFixes(group, label, type.range, newType),
      });
    }
  },
};

/** Prisma's `Json` is jsonb unless `@db.Json` says json: the fix removes the native type. */
function reportPrisma(context: RuleContext, table: Table, column: Column): void {
  const label = columnLabel(table, column);
  const native = column.prisma?.nativeType;
  const edits = modelEditor(context.fileText, table).removeAttribute(column.prisma!.field, 'db').edits();
  context.report({
    range: native?.range ?? column.type.range ?? column.origin.range,
    message: `Field ${label} uses json instead of jsonb (@db.Json)`,
    fixes: edits ? [{ title: `Remove @db.Json from ${label} (Json is jsonb)`, edits, preferred: true }] : [],
  });
}
