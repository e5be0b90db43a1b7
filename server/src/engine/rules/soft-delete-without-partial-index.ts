import { columnList, freeRelationName, quoteIdent, tableRef, tableStatementEdit } from '../fixes/sql';
import {
  columnStatement,
  findColumn,
  indexesOf,
  isOwnColumn,
  isPartition,
  latestStatement,
  predicateRequiresNull,
  primaryKey,
  sameName,
  softDeleteColumn,
} from '../model/queries';
import type { Fix } from '../findings';
import type { Column, SchemaModel, Table } from '../model/schema';
import { modelEditor, prismaFieldNames } from '../prisma/fixes';
import { newPrismaMigration } from '../prisma/migrations';
import { partialIndexesEnabled } from '../prisma/version';
import { fieldName, tableLabel } from './messages';
import type { Rule, RuleContext } from './rule';

/**
 * With soft deletes every query of live rows says `WHERE deleted_at IS NULL`; only an index with
 * that predicate lets PostgreSQL skip the deleted rows instead of reading them all.
 */
export const softDeleteWithoutPartialIndex: Rule = {
  meta: {
    id: 'soft-delete-without-partial-index',
    defaultSeverity: 'warning',
    description: 'A soft-delete table (deleted_at) without any index WHERE deleted_at IS NULL.',
    rationale:
      'A table with a deleted_at column keeps its deleted rows, and every query of live rows filters them out with WHERE deleted_at IS NULL. Deleted rows pile up over the years; without an index whose predicate is deleted_at IS NULL, each of those queries reads live and dead rows alike. A partial index holds only the live rows: it stays small, and it serves the filter every query repeats.',
    example: {
      bad: 'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  deleted_at timestamptz\n);',
      good: 'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  deleted_at timestamptz\n);\nCREATE INDEX orders_active_idx ON orders (id) WHERE deleted_at IS NULL;',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'schema design',
  },
  check(context) {
    const { model, config, group } = context;
    const taken = new Set<string>();
    for (const table of model.tables.values()) {
      // A partition gets its indexes from its parent; a foreign table has none.
      if (isPartition(table) || table.kind === 'foreign table') continue;
      const column = softDeleteColumnOf(model, table, config.softDeleteColumn);
      if (!column) continue;
      const indexes = indexesOf(model, table);
      if (indexes.some((idx) => predicateRequiresNull(idx.predicateNode, column.name))) continue;
      const keys = keyColumns(table);
      if (table.prisma) {
        const name = freeRelationName(model, table.schema, `${table.name}_active_idx`, taken);
        reportPrisma(context, table, column, keys, name);
        continue;
      }
      const fixes = [];
      if (keys && table.origin.statement.file.endsWith('.sql')) {
        const name = freeRelationName(model, table.schema, `${table.name}_active_idx`, taken);
        const sql = `CREATE INDEX ${quoteIdent(name)} ON ${tableRef(table)} (${columnList(keys.map((k) => k.name))}) WHERE ${quoteIdent(column.name)} IS NULL;`;
        // After the statement that made the last of the columns it reads (usually the CREATE TABLE).
        const after = latestStatement(group, [
          table.origin.statement,
          ...[column, ...keys].map((c) => columnStatement(table, c)),
        ]);
        fixes.push({
          title: `Add partial index on ${table.name} (${keys.map((k) => k.name).join(', ')}) WHERE ${column.name} IS NULL`,
          edits: [tableStatementEdit(context, table, sql, after)],
          preferred: true,
        });
      }
      context.report({
        range: isOwnColumn(table, column) ? column.origin.range : table.origin.range,
        message: `Table ${table.name} has ${column.name} but no index WHERE ${column.name} IS NULL`,
        fixes,
      });
    }
  },
};

/** What the partial index indexes: the primary key's columns, else an `id` column. */
function keyColumns(table: Table): Column[] | undefined {
  const pk = primaryKey(table);
  const names = pk && pk.columns.length > 0 ? pk.columns : ['id'];
  const columns = names.map((n) => findColumn(table, n));
  return columns.every((c): c is Column => c !== undefined) ? columns : undefined;
}

/**
 * The table's soft-delete column: the configured name, or in a Prisma model the field of that name
 * in camelCase (`deletedAt` for `deleted_at`); nullable, since a row is live while it is NULL.
 */
export function softDeleteColumnOf(model: SchemaModel, table: Table, name: string): Column | undefined {
  const exact = softDeleteColumn(model, table, name);
  if (exact || !table.prisma) return exact;
  const column = table.columns.find(
    (c) => c.prisma && (sameName(c.name, name) || sameName(c.prisma.field, name)),
  );
  return column ? softDeleteColumn(model, table, column.name) : undefined;
}

/**
 * Prisma: `@@index([id], map: "Post_active_idx", where: { deletedAt: null })` where the schema may
 * say it (the `partialIndexes` preview feature of Prisma 7.4+); otherwise a new migration folder
 * with the CREATE INDEX (the lint reads the partial indexes of a schema's tables back from its
 * Prisma migrations, so the finding goes once the migration is there).
 */
function reportPrisma(
  context: RuleContext,
  table: Table,
  column: Column,
  keys: Column[] | undefined,
  name: string,
): void {
  const { model, group } = context;
  const field = fieldName(table, column);
  const modelName = tableLabel(table);
  const fixes: Fix[] = [];
  const fields = keys
    ? prismaFieldNames(
        table,
        keys.map((k) => k.name),
      )
    : undefined;
  if (keys && fields && column.prisma) {
    const described = `${modelName} (${fields.join(', ')}) where ${field} is null`;
    if (partialIndexesEnabled(model.prisma)) {
      const attribute = `@@index([${fields.join(', ')}], map: ${JSON.stringify(name)}, where: { ${field}: null })`;
      const edits = modelEditor(context.fileText, table).addBlockAttribute(attribute).edits();
      if (edits) fixes.push({ title: `Add partial index on ${described}`, edits, preferred: true });
    } else {
      // Alone in its migration, the statement is not in a transaction block (Prisma Migrate sends
      // migration.sql as one query): it can build the index without blocking writes to the table.
      const sql = `CREATE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${tableRef(table)} (${columnList(keys.map((k) => k.name))}) WHERE ${quoteIdent(column.name)} IS NULL;`;
      const migration = newPrismaMigration(
        group,
        name,
        `-- The partial index of ${modelName}'s live rows (${field} is null): Prisma's schema can declare it only with\n-- the partialIndexes preview feature (Prisma 7.4 and later). Written by db-expert (soft-delete-without-partial-index).\n-- CONCURRENTLY keeps the table writable while the index builds; it needs the statement to stay alone in this file.\n${sql}\n`,
      );
      fixes.push({
        title: `Create migration ${migration.folder} with a partial index on ${described}`,
        edits: [],
        createFiles: [{ file: migration.file, text: migration.text }],
        preferred: true,
      });
    }
  }
  context.report({
    range: isOwnColumn(table, column) ? column.origin.range : table.origin.range,
    message: `Model ${modelName} has ${field} but no index where ${field} is null`,
    fixes,
  });
}
