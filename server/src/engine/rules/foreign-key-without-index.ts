import { columnList, indexName, insertAfterStatement, quoteIdent, tableRef } from '../fixes/sql';
import { foreignKeys, indexesOf, indexLeadsWith, isPartition } from '../model/queries';
import { columnsLabel } from './messages';
import type { Rule } from './rule';

/**
 * PostgreSQL indexes the referenced side of a foreign key (it must be unique) but never the
 * referencing side: every DELETE on the parent then scans the child table.
 */
export const foreignKeyWithoutIndex: Rule = {
  meta: {
    id: 'foreign-key-without-index',
    defaultSeverity: 'warning',
    description: 'A foreign key whose columns do not lead any index of the referencing table.',
    rationale:
      'PostgreSQL does not index the referencing columns of a foreign key. Without an index, every DELETE or key UPDATE on the referenced table scans the whole referencing table (holding locks meanwhile), and joins along the relation cannot use an index.',
    example: {
      bad: 'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE\n);',
      good: 'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE\n);\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    category: 'schema design',
  },
  check(context) {
    const { model, group } = context;
    const taken = new Set<string>();
    for (const table of model.tables.values()) {
      // A partition's indexes come from its parent: the parent's finding covers it.
      if (isPartition(table)) continue;
      const indexes = indexesOf(model, table);
      for (const fk of foreignKeys(table)) {
        if (indexes.some((idx) => indexLeadsWith(idx, fk.columns))) continue;
        const name = indexName(model, table, fk.columns, 'idx', taken);
        const file = fk.origin.statement.file;
        const info = group.migrations.get(file);
        // CONCURRENTLY only where it can run: outside a transaction, on a table an earlier file made.
        const existing = table.origin.statement.file !== file;
        const concurrently = existing && info !== undefined && !info.transactional;
        const sql = `CREATE INDEX${concurrently ? ' CONCURRENTLY' : ''} ${quoteIdent(name)} ON ${tableRef(table)} (${columnList(fk.columns)});`;
        context.report({
          range: fk.origin.range,
          message: `Foreign key ${columnsLabel(table.name, fk.columns)} has no index`,
          fixes: [
            {
              title: `Add index on ${table.name} (${fk.columns.join(', ')})`,
              edits: [insertAfterStatement(fk.origin.statement, sql)],
              preferred: true,
            },
          ],
        });
      }
    }
  },
};
