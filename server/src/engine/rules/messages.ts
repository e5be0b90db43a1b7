/**
 * How findings name things, the same way in every rule: by the names the user wrote. A table
 * written by a Prisma model is named by its model and its columns by their fields (`Post.authorId`,
 * whatever `@@map` and `@map` call them in the database); a table written in SQL by its name
 * (`orders.customer_id`).
 */
import type { Column, Index, Table } from '../model/schema';

/** `orders.customer_id`, or `orders (a, b)` for several columns. */
export function columnsLabel(table: string, columns: readonly string[]): string {
  return columns.length === 1 ? `${table}.${columns[0]}` : `${table} (${columns.join(', ')})`;
}

/**
 * `Post` for a Prisma model, `orders` for a SQL table. The join table of an implicit
 * many-to-many relation has no model: it keeps its own name (`_CategoryToPost`).
 */
export function tableLabel(table: Table): string {
  return table.prisma && !table.prisma.implicitManyToMany ? table.prisma.model : table.name;
}

/** The field of a column of a Prisma model (`authorId` for `author_id`), else the column's name. */
export function fieldName(table: Table, column: Column | string): string {
  const c = typeof column === 'string' ? table.columns.find((x) => x.name === column) : column;
  return c?.prisma?.field ?? (typeof column === 'string' ? column : column.name);
}

/** `Post.authorId` for a Prisma field, `orders.customer_id` for a SQL column. */
export function columnLabel(table: Table, column: Column | string): string {
  return `${tableLabel(table)}.${fieldName(table, column)}`;
}

/** `Post.authorId`, or `Post (tenantId, slug)` for several: Prisma's names where Prisma wrote them. */
export function columnsLabelOf(table: Table, columns: readonly string[]): string {
  return columnsLabel(
    tableLabel(table),
    columns.map((c) => fieldName(table, c)),
  );
}

/**
 * An index by what declares it: in Prisma `@@index([email]) on User` or `@unique on User.email`
 * (its name is Prisma's business); in SQL, and for the indexes Prisma makes by itself (an implicit
 * many-to-many's), its name.
 */
export function indexLabel(fileText: (path: string) => string, table: Table, index: Index): string {
  if (!table.prisma || table.prisma.implicitManyToMany) return index.name;
  const range = index.origin.range;
  const text = fileText(range.file).slice(range.start, range.end);
  if (text.startsWith('@@')) return `${text} on ${tableLabel(table)}`;
  const attribute = /^@\w+/.exec(text)?.[0];
  return attribute && index.prisma?.field
    ? `${attribute} on ${tableLabel(table)}.${index.prisma.field}`
    : index.name;
}
