import type { Fix, RelatedInfo, SourceRange, TextEdit } from '../findings';
import { editableInPlace, replaceRange } from '../fixes/sql';
import { foreignKeysToColumns, indexesOf } from '../model/queries';
import { nodeKey } from '../model/build-sql';
import type { Index, IndexElement, SchemaModel, Table } from '../model/schema';
import { modelEditor } from '../prisma/fixes';
import type { PgNode } from '../parse/sql';
import type { FileGroup } from '../project';
import { indexLabel } from './messages';
import type { Rule, RuleContext } from './rule';

/**
 * Every index is written on every INSERT and UPDATE and takes space and cache; one that another
 * index already serves costs all that for nothing.
 */
export const duplicateIndex: Rule = {
  meta: {
    id: 'duplicate-index',
    defaultSeverity: 'warning',
    description: 'An index identical to another index of the table, or a leading prefix of one.',
    rationale:
      'A B-tree index on (a, b) serves every lookup an index on (a) serves, and two identical indexes serve the same lookups twice. The redundant one still costs a write on every INSERT and on every UPDATE of its columns, disk space, cache memory and vacuum time, and it makes the planner weigh one more path. Unique indexes and constraints are kept: they enforce something; a plain index that repeats a unique one (or its leading columns) is redundant.',
    example: {
      bad: 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\nCREATE INDEX orders_customer_id_placed_at_idx ON orders (customer_id, placed_at);',
      good: 'CREATE INDEX orders_customer_id_placed_at_idx ON orders (customer_id, placed_at);',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'schema design',
  },
  check(context) {
    const { model, group } = context;
    const predicates = new Map<Index, string>();
    for (const table of model.tables.values()) {
      // The ones to keep first: so an index is only ever redundant to one ranked before it.
      const ranked = indexesOf(model, table);
      if (ranked.length < 2) continue;
      ranked.sort((a, b) => keepRank(group, a, b));
      ranked.forEach((index, i) => {
        // A PRIMARY KEY or UNIQUE constraint is never the one to drop.
        if (index.constraint) return;
        let keepers: Index[] | undefined;
        for (let k = 0; k < i; k++) {
          if (makesRedundant(table, ranked[k], index, predicates)) (keepers ??= []).push(ranked[k]);
        }
        if (!keepers) return;
        const keeper = keepers.find((k) => sameElements(k.elements, index.elements)) ?? keepers[0];
        const identical = sameElements(keeper.elements, index.elements);
        if (table.prisma) {
          reportPrisma(context, model, table, index, keeper, identical);
          return;
        }
        const related: RelatedInfo = {
          ...keeper.origin.range,
          message: identical
            ? `${keeper.name} indexes the same columns`
            : `${keeper.name} starts with the columns of ${index.name}`,
        };
        const fix = dropFix(context, model, table, index);
        context.report({
          range: index.origin.range,
          message: `Index ${index.name} duplicates ${keeper.name}`,
          related: [related],
          fixes: fix ? [fix] : [],
        });
      });
    }
  },
};

/** Constraints first, then unique indexes, then longer ones, then the one written first. */
function keepRank(group: FileGroup, a: Index, b: Index): number {
  const order = (s: SourceRange) => group.files.indexOf(s.file);
  return (
    Number(!!b.constraint) - Number(!!a.constraint) ||
    Number(b.unique) - Number(a.unique) ||
    b.elements.length - a.elements.length ||
    order(a.origin.statement) - order(b.origin.statement) ||
    a.origin.statement.start - b.origin.statement.start
  );
}

/** True when `keeper` serves every lookup `index` serves and enforces all it enforces. */
function makesRedundant(table: Table, keeper: Index, index: Index, predicates: Map<Index, string>): boolean {
  if (keeper.method !== index.method) return false;
  // Each way of being redundant needs the keeper to start with the index's elements.
  if (keeper.elements.length < index.elements.length) return false;
  for (let i = 0; i < index.elements.length; i++) {
    if (!sameElement(keeper.elements[i], index.elements[i])) return false;
  }
  if (predicateKey(keeper, predicates) !== predicateKey(index, predicates)) return false;
  const covered = new Set([...keeper.elements.flatMap((e) => e.column ?? []), ...keeper.include]);
  if (!index.include.every((c) => covered.has(c))) return false;
  if (index.unique) {
    // A unique index is only redundant to the same uniqueness, enforced as early.
    return (
      keeper.unique &&
      !!keeper.nullsNotDistinct === !!index.nullsNotDistinct &&
      !isDeferrable(table, keeper) &&
      sameElements(keeper.elements, index.elements)
    );
  }
  if (sameElements(keeper.elements, index.elements)) return true;
  // Only a B-tree serves the lookups of its leading columns alone.
  return (
    index.method === 'btree' &&
    index.elements.length < keeper.elements.length &&
    sameElements(keeper.elements.slice(0, index.elements.length), index.elements)
  );
}

/** A deferrable constraint checks at commit: an immediate unique index is not redundant to it. */
function isDeferrable(table: Table, index: Index): boolean {
  return table.constraints.some((c) => c.name === index.constraint && c.deferrable === true);
}

function sameElements(a: readonly IndexElement[], b: readonly IndexElement[]): boolean {
  return a.length === b.length && a.every((e, i) => sameElement(e, b[i]));
}

function sameElement(a: IndexElement, b: IndexElement): boolean {
  return (
    (a.column !== undefined ? a.column === b.column : a.expressionKey === b.expressionKey) &&
    !!a.descending === !!b.descending &&
    a.opclass === b.opclass &&
    a.collation === b.collation
  );
}

/** The predicate of a partial index, without source positions ('' for a full index). */
function predicateKey(index: Index, predicates: Map<Index, string>): string {
  if (!index.predicateNode) return '';
  let k = predicates.get(index);
  if (k === undefined) {
    k = nodeKey(index.predicateNode);
    predicates.set(index, k);
  }
  return k;
}

/**
 * Deletes the CREATE INDEX statement with its line. Not offered where the statement already ran
 * (an applied migration), nor for a unique index a foreign key may depend on (PostgreSQL would
 * refuse to drop it).
 */
function dropFix(context: RuleContext, model: SchemaModel, table: Table, index: Index): Fix | undefined {
  const statement = index.origin.statement;
  if (!editableInPlace(context.group, statement.file) || !statement.file.endsWith('.sql')) return undefined;
  if (index.unique && referencedByForeignKey(model, table, index)) return undefined;
  // A later COMMENT ON INDEX, ALTER INDEX, CLUSTER ON … would fail without it.
  if (namedLater(model, index)) return undefined;
  const text = context.fileText(statement.file);
  let start = statement.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  let end = statement.end;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  const lineBreak = text.startsWith('\r\n', end) ? 2 : text.startsWith('\n', end) ? 1 : 0;
  const ownLine = (start === 0 || text[start - 1] === '\n') && (lineBreak > 0 || end === text.length);
  // On its own line, the line goes; sharing a line, only the statement and the space before it.
  end = ownLine ? end + lineBreak : statement.end;
  return {
    title: `Drop redundant index ${index.name}`,
    edits: [replaceRange({ file: statement.file, start, end }, '')],
    preferred: true,
  };
}

/** A statement after the index's CREATE names it (any identifier of its AST that is the name). */
function namedLater(model: SchemaModel, index: Index): boolean {
  const history = model.history ?? [];
  const created = index.origin.statement;
  const at = history.findIndex((e) => e.file === created.file && e.stmt.start === created.start);
  if (at < 0) return false;
  const names = (n: unknown): boolean => {
    if (typeof n === 'string') return n === index.name;
    if (Array.isArray(n)) return n.some(names);
    if (!n || typeof n !== 'object') return false;
    return Object.values(n).some(names);
  };
  const onIndex = (rv: PgNode | undefined) => rv?.relname === index.name;
  for (let i = at + 1; i < history.length; i++) {
    const n = history[i].node;
    switch (history[i].kind) {
      case 'CommentStmt':
        if (n.objtype === 'OBJECT_INDEX' && names(n.object)) return true;
        break;
      case 'DropStmt':
        if (n.removeType === 'OBJECT_INDEX' && names(n.objects)) return true;
        break;
      case 'RenameStmt':
      case 'AlterObjectSchemaStmt':
      case 'AlterObjectDependsStmt':
        if ((n.renameType ?? n.objectType) === 'OBJECT_INDEX' && onIndex(n.relation)) return true;
        break;
      case 'ReindexStmt':
        if (n.kind === 'REINDEX_OBJECT_INDEX' && onIndex(n.relation)) return true;
        break;
      case 'ClusterStmt':
        if (n.indexname === index.name) return true;
        break;
      case 'AlterTableStmt':
        // ALTER INDEX … is an ALTER TABLE on the index; CLUSTER ON one on its table.
        if (onIndex(n.relation)) return true;
        if (
          n.relation?.relname === index.table.name &&
          ((n.cmds ?? []) as PgNode[]).some(
            (c) => c.AlterTableCmd?.subtype === 'AT_ClusterOn' && c.AlterTableCmd.name === index.name,
          )
        )
          return true;
        break;
      default:
        break;
    }
  }
  return false;
}

function referencedByForeignKey(model: SchemaModel, table: Table, index: Index): boolean {
  const columns = index.elements.map((e) => e.column);
  return foreignKeysToColumns(model, table, columns).some(
    (c) => c.references!.columns.length === columns.length,
  );
}

/**
 * Prisma: the redundant `@@index`/`@@unique` line goes, or a field's `@unique`. Not for the indexes
 * Prisma makes itself (an implicit many-to-many's), nor for a unique index a relation references.
 */
function reportPrisma(
  context: RuleContext,
  model: SchemaModel,
  table: Table,
  index: Index,
  keeper: Index,
  identical: boolean,
): void {
  const label = indexLabel(context.fileText, table, index);
  const keeperLabel = indexLabel(context.fileText, table, keeper);
  const range = index.origin.range;
  const text = context.fileText(range.file).slice(range.start, range.end);
  let edits: TextEdit[] | undefined;
  if (!table.prisma?.implicitManyToMany && !(index.unique && referencedByForeignKey(model, table, index))) {
    const editor = modelEditor(context.fileText, table);
    if (text.startsWith('@@')) edits = editor.removeBlockAttribute(range).edits();
    else if (text.startsWith('@unique') && index.prisma?.field) {
      edits = editor.removeAttribute(index.prisma.field, 'unique').edits();
    }
  }
  context.report({
    range,
    message: `${label} duplicates ${keeperLabel}`,
    related: [
      {
        ...keeper.origin.range,
        message: identical
          ? `${keeperLabel} indexes the same fields`
          : `${keeperLabel} starts with the fields of ${label}`,
      },
    ],
    fixes: edits ? [{ title: `Remove the redundant ${label}`, edits, preferred: true }] : [],
  });
}
