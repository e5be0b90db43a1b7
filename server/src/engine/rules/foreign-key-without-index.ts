import { columnList, indexName, quoteIdent, tableRef, tableStatementEdit } from '../fixes/sql';
import type { Fix } from '../findings';
import { findTable, foreignKeys, indexesOf, indexServesForeignKey, isPartition } from '../model/queries';
import type { Constraint, SchemaModel, Table } from '../model/schema';
import { modelEditor, prismaFieldNames, prismaIndexAttribute } from '../prisma/fixes';
import { columnsLabelOf, tableLabel } from './messages';
import type { Rule, RuleContext } from './rule';
import { hasExplicitTransaction, sendsFileAsOneQuery } from '../workspace/migrations';

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
    prismaFixes: true,
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
        if (indexes.some((idx) => indexServesForeignKey(idx, fk.columns))) continue;
        if (table.prisma) {
          reportPrisma(context, model, table, fk, taken);
          continue;
        }
        const name = indexName(model, table, fk.columns, 'idx', taken);
        const file = fk.origin.statement.file;
        const info = group.migrations.get(file);
        // CONCURRENTLY only where it can run: on a table an earlier file made, in a file run
        // statement by statement outside any transaction (the index never stands alone in it).
        const existing = table.origin.statement.file !== file;
        const concurrently =
          existing &&
          info !== undefined &&
          !info.transactional &&
          !sendsFileAsOneQuery(info.tool) &&
          !hasExplicitTransaction(context.fileText(file));
        const sql = `CREATE INDEX${concurrently ? ' CONCURRENTLY' : ''} ${quoteIdent(name)} ON ${tableRef(table)} (${columnList(fk.columns)});`;
        context.report({
          range: fk.origin.range,
          message: `Foreign key ${columnsLabelOf(table, fk.columns)} has no index`,
          fixes: [
            {
              title: `Add index on ${table.name} (${fk.columns.join(', ')})`,
              // After the foreign key's statement (after the table's last one when a later statement
              // renamed or moved it: the index names the table as it is now); at the end of the
              // newest migration when that one has run already.
              edits: [
                tableStatementEdit(
                  context,
                  table,
                  sql,
                  renamedSince(model, table, fk) ? undefined : fk.origin.statement,
                ),
              ],
              preferred: true,
            },
          ],
        });
      }
    }
  },
};

/**
 * Prisma: `@@index([authorId])` in the model. Under `relationMode = "prisma"` there is no foreign
 * key in the database at all: Prisma Client emulates the relation with queries on these fields,
 * so without an index each of them scans the table.
 */
function reportPrisma(
  context: RuleContext,
  model: SchemaModel,
  table: Table,
  fk: Constraint,
  taken: Set<string>,
): void {
  const fields = prismaFieldNames(table, fk.columns);
  // Prisma names it <table>_<columns>_idx; where another index (a `map:`) has that name, Prisma
  // refuses the schema, so the new one gets a free name of its own.
  const name = indexName(model, table, fk.columns, 'idx', taken);
  const map = name === `${table.name}_${fk.columns.join('_')}_idx` ? {} : { map: name };
  const attribute = fields ? prismaIndexAttribute(fields, map) : undefined;
  const edits = attribute
    ? modelEditor(context.fileText, table).addBlockAttribute(attribute).edits()
    : undefined;
  const target = fk.references ? findTable(model, fk.references.table) : undefined;
  const parent = target ? tableLabel(target) : (fk.references?.table.name ?? 'the referenced model');
  const label = columnsLabelOf(table, fk.columns);
  const fixes: Fix[] =
    attribute && edits ? [{ title: `Add ${attribute} to ${tableLabel(table)}`, edits, preferred: true }] : [];
  context.report({
    range: fk.origin.range,
    message:
      fk.notEnforced === true
        ? `Foreign key ${label} has no index; with relationMode = "prisma" there is no foreign key in the database and Prisma Client emulates it with queries on these fields: every relation query and every delete or update of ${parent} scans ${tableLabel(table)}`
        : `Foreign key ${label} has no index`,
    fixes,
  });
}

/** A statement after the foreign key's renamed the table or moved it to another schema. */
function renamedSince(model: SchemaModel, table: Table, fk: Constraint): boolean {
  const history = model.history ?? [];
  const at = fk.origin.statement;
  const i = history.findIndex((e) => e.file === at.file && e.stmt.start === at.start);
  if (i < 0) return false;
  return history
    .slice(i + 1)
    .some(
      (e) =>
        ((e.kind === 'RenameStmt' && e.node.renameType === 'OBJECT_TABLE') ||
          e.kind === 'AlterObjectSchemaStmt') &&
        e.tables.some((t) => t.table === table),
    );
}
