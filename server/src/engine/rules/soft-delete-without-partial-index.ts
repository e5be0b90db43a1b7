import { columnList, freeRelationName, insertAfterStatement, quoteIdent, tableRef } from '../fixes/sql';
import {
  columnStatement,
  findColumn,
  indexesOf,
  isOwnColumn,
  isPartition,
  latestStatement,
  predicateRequiresNull,
  primaryKey,
  softDeleteColumn,
} from '../model/queries';
import type { Column, Table } from '../model/schema';
import type { Rule } from './rule';

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
    category: 'schema design',
  },
  check(context) {
    const { model, config, group } = context;
    const taken = new Set<string>();
    for (const table of model.tables.values()) {
      // A partition gets its indexes from its parent; a foreign table has none.
      if (isPartition(table) || table.kind === 'foreign table') continue;
      const column = softDeleteColumn(model, table, config.softDeleteColumn);
      if (!column) continue;
      const indexes = indexesOf(model, table);
      if (indexes.some((idx) => predicateRequiresNull(idx.predicateNode, column.name))) continue;
      const keys = keyColumns(table);
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
          edits: [insertAfterStatement(after, sql)],
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
