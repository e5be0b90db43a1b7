import { changeTypeFixes } from '../fixes/sql';
import type { Column, Table } from '../model/schema';
import { columnsWhere, isOwnColumn, nameWords, typeRewriteBlocked } from '../model/queries';
import { modelEditor } from '../prisma/fixes';
import { columnLabel } from './messages';
import type { Rule, RuleContext } from './rule';

/** Words that name an amount of money wherever they stand in a column name. */
const MONEY_WORDS = new Set([
  'price',
  'prices',
  'amount',
  'amounts',
  'cost',
  'costs',
  'fee',
  'fees',
  'salary',
  'salaries',
  'tax',
  'taxes',
  'revenue',
  'revenues',
  'subtotal',
  'subtotals',
]);

/** Words that name money only as the last word: `order_total`, but not `total_distance`. */
const MONEY_LAST_WORDS = new Set(['total', 'totals', 'balance', 'balances']);

/** A last word that makes the column a count, a share or a factor rather than money. */
const NOT_MONEY_LAST_WORDS = new Set([
  'count',
  'pct',
  'percent',
  'percentage',
  'rate',
  'ratio',
  'factor',
  'multiplier',
  'weight',
  'score',
  'qty',
  'quantity',
  'units',
  'points',
]);

const FLOAT_TYPES: Record<string, string> = { float4: 'real', float8: 'double precision' };

/** `unit_price`, `totalAmount`, `order_total` — not `tax_rate`, `total_count`, `total_distance`. */
function namesMoney(name: string): boolean {
  const words = nameWords(name);
  const last = words[words.length - 1];
  if (last === undefined || NOT_MONEY_LAST_WORDS.has(last)) return false;
  return MONEY_LAST_WORDS.has(last) || words.some((w) => MONEY_WORDS.has(w));
}

/** A string default numeric() cannot read (`'$1.00'` of a money column) would break the fix. */
function defaultFitsNumeric(column: Column): boolean {
  const value = column.defaultNode?.A_Const?.sval;
  if (value === undefined) return true;
  return /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(String(value.sval ?? ''));
}

/**
 * Binary floating point cannot hold 0.10 exactly, and the money type depends on lc_monetary: money
 * belongs in numeric with a fixed scale.
 */
export const floatForMoney: Rule = {
  meta: {
    id: 'float-for-money',
    defaultSeverity: 'warning',
    description: 'A money column (price, amount, cost, total …) typed real, double precision or money.',
    rationale:
      "real and double precision are binary floating point: 0.1 + 0.2 is not 0.3, sums of many rows drift by fractions of a cent, and rounding differs between the database and the application. The money type avoids that but formats and parses by the server's lc_monetary setting, holds one currency, and loses precision in division. numeric(p, s) stores decimal values exactly; numeric(12,2) holds up to 9,999,999,999.99.",
    example: {
      bad: 'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  total double precision NOT NULL\n);',
      good: 'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  total numeric(12,2) NOT NULL\n);',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'schema design',
  },
  check(context) {
    const { model, group } = context;
    const types = (name: string) => name in FLOAT_TYPES || name === 'money';
    for (const { table, column } of columnsWhere(model, { type: types })) {
      // A copy (PARTITION OF, LIKE) is reported where its source defines it.
      // A foreign table's columns follow the remote table's types.
      if (!isOwnColumn(table, column) || table.kind === 'foreign table') continue;
      const { type } = column;
      const isFloat = type.name in FLOAT_TYPES;
      if ((!isFloat && type.name !== 'money') || type.schema) continue;
      if (!namesMoney(column.name)) continue;
      if (column.prisma) {
        reportPrisma(context, table, column);
        continue;
      }
      const label = columnLabel(table, column);
      const newType = `numeric(12,2)${'[]'.repeat(type.arrayDims)}`;
      context.report({
        range: type.range ?? column.origin.range,
        message: isFloat
          ? `Column ${label} uses ${FLOAT_TYPES[type.name]} for money`
          : `Column ${label} uses the money type`,
        fixes:
          defaultFitsNumeric(column) &&
          !typeRewriteBlocked(model, table, column, isFloat ? 'float' : 'money', 'numeric')
            ? changeTypeFixes(group, label, type.range, newType)
            : [],
      });
    }
  },
};

/** Prisma: `Float` (or `@db.Money`) → `Decimal @db.Decimal(12, 2)`, the native type replacing any other. */
function reportPrisma(context: RuleContext, table: Table, column: Column): void {
  const label = columnLabel(table, column);
  const prisma = column.prisma!;
  const native = prisma.nativeType;
  const written = native ? `@db.${native.name}` : prisma.type;
  const edits = modelEditor(context.fileText, table)
    .setType(prisma.field, 'Decimal')
    .addAttribute(prisma.field, '@db.Decimal(12, 2)')
    .edits();
  context.report({
    range: native?.range ?? column.type.range ?? column.origin.range,
    message:
      column.type.name === 'money'
        ? `Field ${label} uses the money type (${written})`
        : `Field ${label} uses ${written} (${FLOAT_TYPES[column.type.name]}) for money`,
    fixes: edits ? [{ title: `Change ${label} to Decimal @db.Decimal(12, 2)`, edits, preferred: true }] : [],
  });
}
