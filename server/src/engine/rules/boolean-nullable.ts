import { editableInPlace } from '../fixes/sql';
import { columnsWhere, effectivelyNotNull, hasDefault, isOwnColumn, isPartition } from '../model/queries';
import { requiredFieldEdits } from '../prisma/fixes';
import { columnLabel } from './messages';
import { columnDefinitionEdits } from './missing-not-null';
import type { Rule } from './rule';

/**
 * A nullable boolean has three values: true, false and "unknown", and every query that filters on
 * it must decide what NULL means. A flag wants two.
 */
export const booleanNullable: Rule = {
  meta: {
    id: 'boolean-nullable',
    defaultSeverity: 'info',
    description: 'A boolean column without NOT NULL (a three-valued flag).',
    rationale:
      'A nullable boolean holds true, false or NULL, and NULL is neither: `WHERE NOT is_archived` skips the NULL rows, `WHERE is_archived = false` skips them too, and `count(*) FILTER (WHERE is_archived)` plus `count(*) FILTER (WHERE NOT is_archived)` no longer adds up to the total. Every reader has to remember to write `IS NOT TRUE`. A flag is two-valued: declare it NOT NULL with a DEFAULT, and if "unknown" really is a state, model it as an enum or a nullable timestamp (`archived_at`).',
    example: {
      bad: 'CREATE TABLE users (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  is_admin boolean\n);',
      good: 'CREATE TABLE users (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  is_admin boolean NOT NULL DEFAULT false\n);',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'schema design',
  },
  check(context) {
    const { model, group } = context;
    for (const { table, column } of columnsWhere(model, { type: (name) => name === 'bool' })) {
      // A partition's columns are its parent's: the parent's finding covers them.
      if (isPartition(table) || table.kind === 'foreign table') continue;
      // A copy (LIKE) is reported where its source defines it.
      if (!isOwnColumn(table, column)) continue;
      const { type } = column;
      // A schema-qualified `bool` is a user type; arrays of flags are something else.
      if (type.name !== 'bool' || type.schema || type.arrayDims > 0) continue;
      // A generated column follows its expression: NULL there comes from NULL inputs.
      if (column.generated || effectivelyNotNull(model, table, column)) continue;
      if (column.prisma) {
        // Prisma: `Boolean?` → `Boolean @default(false)`.
        const label = columnLabel(table, column);
        const addDefault = !hasDefault(column);
        const edits = requiredFieldEdits(context.fileText, table, column.prisma.field, {
          notNull: true,
          ...(addDefault ? { default: 'false' } : {}),
        });
        const title = addDefault ? `Make ${label} Boolean @default(false)` : `Make ${label} required`;
        context.report({
          range: column.origin.range,
          message: `Field ${label} is a nullable Boolean`,
          fixes: edits ? [{ title, edits, preferred: true }] : [],
        });
        continue;
      }
      const label = columnLabel(table, column);
      const range = column.origin.range;
      const addDefault = !hasDefault(column);
      const edits = editableInPlace(group, range.file)
        ? columnDefinitionEdits(context, table, column, {
            notNull: true,
            ...(addDefault ? { default: 'false' } : {}),
          })
        : undefined;
      context.report({
        range,
        message: `Column ${label} is a nullable boolean`,
        fixes: edits
          ? [
              {
                title: `Make ${label} NOT NULL${addDefault ? ' DEFAULT false' : ''}`,
                edits,
                preferred: true,
              },
            ]
          : [],
      });
    }
  },
};
