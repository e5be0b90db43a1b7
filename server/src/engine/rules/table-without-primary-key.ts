import type { Fix, TextEdit } from '../findings';
import { columnList, editableInPlace, insertAt, tableRef, tableStatementEdit } from '../fixes/sql';
import {
  columnsWithInherited,
  findColumn,
  isJoinTable,
  isOwnColumn,
  isPartition,
  primaryKey,
} from '../model/queries';
import type { Column, Table } from '../model/schema';
import { modelEditor, prismaFieldNames } from '../prisma/fixes';
import { tableLabel } from './messages';
import type { Rule, RuleContext } from './rule';

/**
 * Every table needs a primary key: it is how a row is found, updated, replicated and referenced.
 * The check reads the final schema, so a key added by a later `ALTER TABLE … ADD PRIMARY KEY`
 * (in the file or in a later migration) answers it.
 */
export const tableWithoutPrimaryKey: Rule = {
  meta: {
    id: 'table-without-primary-key',
    defaultSeverity: 'warning',
    description: 'A table without a PRIMARY KEY.',
    rationale:
      'Without a primary key nothing stops duplicate rows, an UPDATE or DELETE cannot target one row reliably, other tables cannot reference the rows, logical replication cannot replicate UPDATEs and DELETEs, and ORMs and admin tools refuse to edit the table. Give every table a key: a surrogate `id bigint GENERATED ALWAYS AS IDENTITY`, or for a join table the pair of foreign keys.',
    example: {
      bad: 'CREATE TABLE orders (\n  customer_id bigint NOT NULL REFERENCES customers (id),\n  placed_at timestamptz NOT NULL\n);',
      good: 'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id),\n  placed_at timestamptz NOT NULL\n);',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'schema design',
  },
  check(context) {
    const { model, config } = context;
    for (const table of model.tables.values()) {
      if (primaryKey(table)) continue;
      // A partition gets its key from the parent; the parent's finding covers it.
      if (isPartition(table)) continue;
      // A foreign table cannot have one; a temporary table is scratch space.
      if (table.kind === 'foreign table' || table.temporary) continue;
      // Columns copied by `LIKE … INCLUDING ALL` may have brought a key the model does not record.
      if (table.columns.some((c) => !isOwnColumn(table, c))) continue;
      const audit = [config.auditColumns.created, config.auditColumns.updated];
      if (table.prisma) {
        reportPrisma(context, table, isJoinTable(table, audit));
        continue;
      }
      context.report({
        range: table.origin.range,
        message: `Table ${table.name} has no primary key`,
        // A CREATE TABLE … AS SELECT has no column list to put the key in.
        fixes: table.fromQuery ? [] : primaryKeyFixes(context, table, isJoinTable(table, audit)),
      });
    }
  },
};

const IDENTITY_COLUMN = 'id bigint GENERATED ALWAYS AS IDENTITY';

function primaryKeyFixes(context: RuleContext, table: Table, joinTable: boolean): Fix[] {
  const fixes: Fix[] = [];
  // An INHERITS child has its parents' columns (but not their key); without the parents, no fix.
  const columns = columnsWithInherited(context.model, table);
  if (!columns) return fixes;
  const id = columns.find((c) => c.name === 'id');
  if (joinTable) {
    const fkColumns = new Set(table.constraints.flatMap((c) => (c.kind === 'foreign key' ? c.columns : [])));
    const pair = table.columns.filter((c) => fkColumns.has(c.name)).map((c) => c.name);
    const fix = promoteFix(context, table, pair);
    if (fix) fixes.push({ ...fix, preferred: true });
    const promoteId = id ? promoteFix(context, table, [id.name]) : undefined;
    if (promoteId) fixes.push(promoteId);
    return fixes;
  }
  const fix = id ? promoteFix(context, table, [id.name]) : addIdFix(context, table);
  return fix ? [{ ...fix, preferred: true }] : [];
}

/** `PRIMARY KEY (columns)` on existing columns (a partitioned table's key must hold its partition key). */
function promoteFix(context: RuleContext, table: Table, wanted: string[]): Fix | undefined {
  const columns = keyColumns(table, wanted);
  if (!columns) return undefined;
  const title = `Add primary key ${table.name} (${columns.join(', ')})`;
  const create = creation(context, table);
  const defined = columns.map((name) => findColumn(table, name));
  if (create && defined.every((c) => c !== undefined && inCreate(table, c))) {
    const [only] = defined;
    // One column: `id bigint NOT NULL` → `id bigint NOT NULL PRIMARY KEY`.
    if (columns.length === 1 && only) {
      const at = only.origin.range;
      return { title, edits: [insertAt(at.file, at.end, ' PRIMARY KEY')] };
    }
    return { title, edits: [create.append(`PRIMARY KEY (${columnList(columns)})`)] };
  }
  return {
    title,
    edits: [
      tableStatementEdit(
        context,
        table,
        `ALTER TABLE ${tableRef(table)} ADD PRIMARY KEY (${columnList(columns)});`,
      ),
    ],
  };
}

/** A new surrogate key, `id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`. */
function addIdFix(context: RuleContext, table: Table): Fix | undefined {
  const columns = keyColumns(table, ['id']);
  if (!columns) return undefined;
  const title = `Add column ${table.name}.id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`;
  const inline = columns.length === 1;
  const create = creation(context, table);
  if (create) {
    const edits = [create.prepend(inline ? `${IDENTITY_COLUMN} PRIMARY KEY` : IDENTITY_COLUMN)];
    if (!inline) edits.push(create.append(`PRIMARY KEY (${columnList(columns)})`));
    return { title, edits };
  }
  const sql = inline
    ? `ALTER TABLE ${tableRef(table)} ADD COLUMN ${IDENTITY_COLUMN} PRIMARY KEY;`
    : `ALTER TABLE ${tableRef(table)} ADD COLUMN ${IDENTITY_COLUMN}, ADD PRIMARY KEY (${columnList(columns)});`;
  return { title, edits: [tableStatementEdit(context, table, sql)] };
}

/** The key's columns: the wanted ones, then the partition key (PostgreSQL requires it in the key). */
function keyColumns(table: Table, wanted: string[]): string[] | undefined {
  const partition = table.partitionBy;
  if (!partition) return wanted;
  // Partitioned by an expression: no column list makes a valid key.
  if (partition.columns.length === 0) return undefined;
  return [...wanted, ...partition.columns.filter((c) => !wanted.includes(c))];
}

function inCreate(table: Table, column: Column): boolean {
  const at = column.origin.statement;
  const create = table.origin.statement;
  return at.file === create.file && at.start === create.start;
}

/**
 * Edits inside the table's CREATE TABLE (where it may be rewritten in place): an element added
 * before the first one or after the last one, laid out like its neighbours.
 */
function creation(
  context: RuleContext,
  table: Table,
): { prepend(element: string): TextEdit; append(element: string): TextEdit } | undefined {
  const create = table.origin.statement;
  if (!editableInPlace(context.group, create.file)) return undefined;
  const elements = [
    ...table.columns.filter((c) => inCreate(table, c)).map((c) => c.origin.range),
    ...table.constraints
      .filter(
        (c) =>
          !c.inline && c.origin.statement.file === create.file && c.origin.statement.start === create.start,
      )
      .map((c) => c.origin.range),
  ];
  if (elements.length === 0) return undefined;
  const first = elements.reduce((a, b) => (b.start < a.start ? b : a));
  const last = elements.reduce((a, b) => (b.end > a.end ? b : a));
  const text = context.fileText(create.file);
  return {
    prepend: (element) => {
      const indent = ownLineIndent(text, first.start);
      return insertAt(
        create.file,
        first.start,
        indent === undefined ? `${element}, ` : `${element},\n${indent}`,
      );
    },
    append: (element) => {
      const indent = ownLineIndent(text, last.start);
      return insertAt(
        create.file,
        last.end,
        indent === undefined ? `, ${element}` : `,\n${indent}${element}`,
      );
    },
  };
}

/** The indentation of the line `offset` is on, when nothing but blanks precede it there. */
function ownLineIndent(text: string, offset: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/**
 * Prisma: a join model gets `@@id([postId, tagId])` (in place of an `@@unique` on the same
 * fields); a model with a required `id` field gets `@id` on it (in place of its `@unique`); any
 * other model a new first field `id BigInt @id @default(autoincrement())`. The join table of an
 * implicit many-to-many relation is Prisma's: Prisma 6 gives it a primary key, Prisma 5 a unique
 * index only.
 */
function reportPrisma(context: RuleContext, table: Table, joinTable: boolean): void {
  const { model } = context;
  if (table.prisma?.implicitManyToMany) {
    context.report({
      range: table.origin.range,
      message: `Table ${table.name} of the implicit many-to-many relation ${table.prisma.model}.${table.prisma.field ?? ''} has no primary key: Prisma 5 keys it with a unique index only (Prisma 6 and later make (A, B) its primary key)`,
    });
    return;
  }
  const name = tableLabel(table);
  const editor = modelEditor(context.fileText, table);
  let title: string | undefined;
  const id = table.columns.find((c) => c.name === 'id' || c.prisma?.field === 'id');
  if (joinTable) {
    const fkColumns = new Set(table.constraints.flatMap((c) => (c.kind === 'foreign key' ? c.columns : [])));
    const pair = table.columns.filter((c) => fkColumns.has(c.name)).map((c) => c.name);
    const fields = prismaFieldNames(table, pair);
    if (fields) {
      const attribute = `@@id([${fields.join(', ')}])`;
      const unique = [...model.indexes.values()].find(
        (i) =>
          i.unique &&
          i.table.name === table.name &&
          i.table.schema === table.schema &&
          i.elements.map((e) => e.column).join() === pair.join() &&
          context.fileText(i.origin.range.file).startsWith('@@unique', i.origin.range.start),
      );
      if (unique) editor.removeBlockAttribute(unique.origin.range);
      editor.addBlockAttribute(attribute);
      title = `Add ${attribute} to ${name}`;
    }
  } else if (id?.prisma) {
    if (id.notNull) {
      editor.removeAttribute(id.prisma.field, 'unique').addAttribute(id.prisma.field, '@id');
      title = `Add @id to ${name}.${id.prisma.field}`;
    }
  } else {
    editor.addField(
      { name: 'id', type: 'BigInt', attributes: ['@id', '@default(autoincrement())'] },
      'start',
    );
    title = `Add field ${name}.id BigInt @id @default(autoincrement())`;
  }
  const edits = title ? editor.edits() : undefined;
  context.report({
    range: table.origin.range,
    message: `Model ${name} has no primary key (@id or @@id)`,
    fixes: title && edits ? [{ title, edits, preferred: true }] : [],
  });
}
