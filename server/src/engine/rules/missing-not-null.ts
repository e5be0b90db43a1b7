import type { TextEdit } from '../findings';
import { editableInPlace, insertAt, replaceRange } from '../fixes/sql';
import {
  checksOn,
  columnNamesLike,
  effectivelyNotNull,
  foreignKeys,
  hasDefault,
  inForeignKey,
  isOwnColumn,
  isPartition,
  sameName,
} from '../model/queries';
import { tableKey, type Column, type Table } from '../model/schema';
import { requiredFieldEdits } from '../prisma/fixes';
import { scanText } from '../parse/scan';
import { columnLabel, tableLabel } from './messages';
import type { RuleContext, Rule } from './rule';

/**
 * Some columns are never meant to be empty: the parent key of a row that belongs to its parent, the
 * moment it was written. Only NOT NULL makes the database keep that. (The tenant a row belongs to
 * is tenant-column-nullable's.)
 */
export const missingNotNull: Rule = {
  meta: {
    id: 'missing-not-null',
    defaultSeverity: 'info',
    description:
      'A nullable column that should always hold a value: the key of a cascading parent, an audit timestamp.',
    rationale:
      'A row whose foreign key cascades deletes from its parent is part of that parent; with a NULL key it is an orphan that no parent deletion ever removes. A NULL created_at or updated_at breaks every "newest first" list and every audit question. NOT NULL turns each of these into an error at write time instead of a mystery later; PostgreSQL checks it at no cost.',
    example: {
      bad: 'CREATE TABLE order_items (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  order_id bigint REFERENCES orders (id) ON DELETE CASCADE\n);',
      good: 'CREATE TABLE order_items (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE\n);',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'schema design',
  },
  check(context) {
    const { model, group, config } = context;
    const created = columnNamesLike(model, config.auditColumns.created);
    const updated = columnNamesLike(model, config.auditColumns.updated);
    for (const table of model.tables.values()) {
      // A partition's columns are its parent's: the parent's finding covers them.
      if (isPartition(table) || table.kind === 'foreign table') continue;
      for (const column of table.columns) {
        // Only an audit column or a foreign key's column can have a message (see nullableMessage):
        // that cheap test first.
        if (!created.has(column.name) && !updated.has(column.name)) {
          if (!inForeignKey(table, column.name)) continue;
        }
        // A copy (LIKE) is reported where its source defines it.
        if (!isOwnColumn(table, column)) continue;
        // Booleans belong to boolean-nullable; a generated column follows its expression.
        if (column.type.name === 'bool' || column.generated) continue;
        if (effectivelyNotNull(model, table, column)) continue;
        const message = nullableMessage(context, table, column);
        if (!message) continue;
        if (column.prisma) {
          reportPrisma(context, table, column, message);
          continue;
        }
        const label = columnLabel(table, column);
        const range = column.origin.range;
        // A column an ALTER TABLE adds to a table an earlier file made (it may hold rows) cannot be
        // added NOT NULL without a DEFAULT: the statement would fail
        // (add-column-not-null-without-default).
        const addedToExisting =
          column.origin.statement.file !== table.origin.statement.file && !hasDefault(column);
        const edits =
          editableInPlace(group, range.file) && !addedToExisting
            ? columnDefinitionEdits(context, table, column, { notNull: true })
            : undefined;
        context.report({
          range,
          message,
          fixes: edits ? [{ title: `Make ${label} NOT NULL`, edits, preferred: true }] : [],
        });
      }
    }
  },
};

/** Why the column must not be NULL, as the finding's message; undefined when it may be. */
function nullableMessage(context: RuleContext, table: Table, column: Column): string | undefined {
  const { config } = context;
  const prisma = column.prisma !== undefined;
  // The tenant column is tenant-column-nullable's (with its foreign key to the tenants table).
  if (sameName(column.name, config.tenantColumn)) return undefined;
  const { created, updated } = config.auditColumns;
  // Without a default, a NULL created_at is missing-default's finding (its fix adds both), and a
  // NULL updated_at is the deliberate "never updated" design.
  if ((sameName(column.name, created) || sameName(column.name, updated)) && hasDefault(column)) {
    const label = columnLabel(table, column);
    return prisma ? `Audit field ${label} is optional` : `Audit column ${label} is nullable`;
  }
  // Most columns are in no foreign key: answered without building the lists below.
  if (!inForeignKey(table, column.name)) {
    return undefined;
  }
  const label = columnLabel(table, column);
  const fks = foreignKeys(table).filter((fk) => fk.columns.includes(column.name));
  const cascade = fks.find((fk) => fk.onDelete === 'cascade');
  if (!cascade?.references) return undefined;
  // A tree's root has no parent (comments.parent_id REFERENCES comments ON DELETE CASCADE).
  if (fks.some((fk) => fk.references && tableKey(fk.references.table) === tableKey(table))) return undefined;
  // ON DELETE/UPDATE SET NULL needs the column nullable.
  if (fks.some((fk) => fk.onDelete === 'set null' || fk.onUpdate === 'set null')) return undefined;
  // An exclusive arc: the row belongs to one of several parents (comment_id or post_id), each
  // key nullable; often with a CHECK saying which (num_nonnulls(comment_id, post_id) = 1).
  const otherFkColumns = new Set(foreignKeys(table).flatMap((fk) => fk.columns));
  otherFkColumns.delete(column.name);
  const arc =
    checksOn(table, column.name).some((c) =>
      (c.checkColumns ?? c.columns).some((name) => otherFkColumns.has(name)),
    ) ||
    foreignKeys(table).some(
      (fk) =>
        fk.onDelete === 'cascade' &&
        !fk.columns.includes(column.name) &&
        fk.columns.some((name) => table.columns.find((c) => c.name === name)?.notNull === false),
    );
  if (arc) return undefined;
  if (prisma) {
    const parent = context.model.tables.get(tableKey(cascade.references.table));
    return `Field ${label} is optional, but its rows belong to ${parent ? tableLabel(parent) : cascade.references.table.name} (onDelete: Cascade)`;
  }
  return `Column ${label} is nullable, but its rows belong to ${cascade.references.table.name} (ON DELETE CASCADE)`;
}

/**
 * Prisma: the field loses its `?`, and so do the relation fields over it (Prisma requires a
 * relation with a required field to be required).
 */
function reportPrisma(context: RuleContext, table: Table, column: Column, message: string): void {
  const label = columnLabel(table, column);
  const relations = foreignKeys(table).flatMap((fk) =>
    fk.columns.includes(column.name) && fk.prisma?.field ? [fk.prisma.field] : [],
  );
  const edits = requiredFieldEdits(context.fileText, table, column.prisma!.field, {
    notNull: true,
    relations,
  });
  const also =
    relations.length > 0 ? ` (and ${relations.map((r) => `${tableLabel(table)}.${r}`).join(', ')})` : '';
  context.report({
    range: column.origin.range,
    message,
    fixes: edits ? [{ title: `Make ${label} required${also}`, edits, preferred: true }] : [],
  });
}

/** Keywords after which `NULL` is a value, not the column constraint. */
// `ON DELETE SET NULL` is an action, not the column's NULL.
const VALUE_CONTEXT = new Set([
  'NOT',
  'DEFAULT',
  'IS',
  'THEN',
  'ELSE',
  'WHEN',
  'AND',
  'OR',
  'FROM',
  'TO',
  'SET',
]);

/**
 * Edits that make a column's definition say NOT NULL and/or DEFAULT <expr> where it is written: an
 * explicit `NULL` becomes `NOT NULL`, the rest goes after the definition. Undefined when the
 * definition's text already says what the model does not (a later ALTER TABLE dropped it, so
 * rewriting the definition would not change the end state, or would make it invalid).
 */
export function columnDefinitionEdits(
  context: RuleContext,
  table: Table,
  column: Column,
  add: { notNull?: boolean; default?: string },
): TextEdit[] | undefined {
  // A CREATE TABLE … AS SELECT has no column definitions to write into.
  if (table.fromQuery) return undefined;
  const range = column.origin.range;
  const text = context.fileText(range.file).slice(range.start, range.end);
  const tokens = scanText(text);
  if (!tokens) return undefined;
  let depth = 0;
  let explicitNull: { start: number; end: number } | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    if (depth !== 0) continue;
    const word = t.isKeyword ? t.kind : '';
    const prev = tokens[i - 1];
    const prevWord = prev && prev.isKeyword ? prev.kind : '';
    if (word === 'DEFAULT' && add.default !== undefined) return undefined;
    if (word === 'NULL' && prevWord === 'NOT') {
      if (add.notNull) return undefined;
    } else if (word === 'NULL' && prev && !VALUE_CONTEXT.has(prevWord) && !isOperator(prev)) {
      explicitNull = { start: t.start, end: t.end };
    }
  }
  const edits: TextEdit[] = [];
  const appended: string[] = [];
  if (add.notNull && explicitNull) {
    edits.push(
      replaceRange(
        { file: range.file, start: range.start + explicitNull.start, end: range.start + explicitNull.end },
        'NOT NULL',
      ),
    );
  } else if (add.notNull) appended.push('NOT NULL');
  if (add.default !== undefined) appended.push(`DEFAULT ${add.default}`);
  if (appended.length > 0) edits.push(insertAt(range.file, range.end, ` ${appended.join(' ')}`));
  return edits;
}

/** An operator token (`+`, `||`, `::`): what follows it is part of an expression. */
function isOperator(token: { text: string; isKeyword: boolean }): boolean {
  return !token.isKeyword && /^[^\w"')\]$]/.test(token.text);
}
