/** How findings name things, the same way in every rule. */

/** `orders.customer_id`, or `orders (a, b)` for several columns. */
export function columnsLabel(table: string, columns: readonly string[]): string {
  return columns.length === 1 ? `${table}.${columns[0]}` : `${table} (${columns.join(', ')})`;
}
