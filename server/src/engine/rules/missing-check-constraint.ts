import type { Fix, TextEdit } from '../findings';
import { editableInPlace, insertAt, quoteIdent, quoteLiteral } from '../fixes/sql';
import {
  columnsWhere,
  domainOf,
  hasCheckOn,
  indexesOf,
  inForeignKey,
  isOwnColumn,
  isPartition,
  isTextType,
  nameWords,
  primaryKey,
  stringDefault,
} from '../model/queries';
import type { Column, SchemaModel, Table } from '../model/schema';
import { columnLabel } from './messages';
import type { Rule, RuleContext } from './rule';

/** The last word of a column that holds one of a fixed set of values. */
const STATUS_WORDS = new Set(['status', 'state', 'type', 'kind']);
/**
 * Names whose values are an open set: MIME types, SQL data types, and OAuth fields whose values
 * the identity provider chooses (`token_type`, the opaque `session_state`).
 */
const OPEN_SET_PAIRS = new Set([
  'content_type',
  'mime_type',
  'media_type',
  'data_type',
  'token_type',
  'session_state',
]);
/** Words of other columns that make `state` part of a postal address. */
const ADDRESS_WORDS = new Set(['country', 'city', 'zip', 'postal', 'postcode', 'address', 'street']);

/** Words of a column holding an amount that cannot be negative. */
const AMOUNT_WORDS = new Set(['amount', 'amounts', 'price', 'prices', 'quantity', 'quantities', 'qty']);
/** Words of an amount that may be negative: a difference, a net value, a balance. */
const SIGNED_WORDS = new Set([
  'delta',
  'change',
  'diff',
  'difference',
  'adjustment',
  'net',
  'balance',
  'offset',
  'variance',
]);
/** Tables whose amounts are signed by design (debits and credits). */
const SIGNED_TABLE_WORDS = new Set([
  'ledger',
  'ledgers',
  'journal',
  'journals',
  'transaction',
  'transactions',
  'adjustment',
  'adjustments',
  'movement',
  'movements',
]);
const NOT_AMOUNT_LAST_WORDS = new Set(['id', 'ids', 'code', 'number', 'version']);
const NUMBER_TYPES = new Set(['int2', 'int4', 'int8', 'numeric']);

type Kind = 'status' | 'amount';

/** False when the name alone rules out both kinds: no status word last, no amount word. */
function mayNeedCheck(name: string): boolean {
  const words = nameWords(name);
  return STATUS_WORDS.has(words[words.length - 1]) || words.some((w) => AMOUNT_WORDS.has(w));
}

/** What the column is, by its name and type; undefined when it is neither. */
function kindOf(model: SchemaModel, table: Table, column: Column, typeName: string): Kind | undefined {
  const words = nameWords(column.name);
  const last = words[words.length - 1];
  if (typeName === 'text' && STATUS_WORDS.has(last)) {
    if (words.length >= 2 && OPEN_SET_PAIRS.has(`${words[words.length - 2]}_${last}`)) return undefined;
    if (last === 'state' && isAddress(table)) return undefined;
    // A lookup table's own column (`statuses (status text UNIQUE)`) is the list of values.
    if (isUnique(model, table, column)) return undefined;
    return 'status';
  }
  if (NUMBER_TYPES.has(typeName) && words.some((w) => AMOUNT_WORDS.has(w))) {
    // A key (`price_list_id`) or a signed value (`price_change`) is not an amount.
    if (NOT_AMOUNT_LAST_WORDS.has(last) || words.some((w) => SIGNED_WORDS.has(w))) return undefined;
    if (nameWords(table.name).some((w) => SIGNED_TABLE_WORDS.has(w))) return undefined;
    return 'amount';
  }
  return undefined;
}

function isAddress(table: Table): boolean {
  return table.columns.some((c) => nameWords(c.name).some((w) => ADDRESS_WORDS.has(w)));
}

function isUnique(model: SchemaModel, table: Table, column: Column): boolean {
  return indexesOf(model, table).some(
    (idx) =>
      idx.unique && !idx.predicateNode && idx.elements.length === 1 && idx.elements[0].column === column.name,
  );
}

/** text, varchar, char and citext all read as text here; a domain by its base type. */
function baseTypeOf(model: SchemaModel, column: Column): { name: string; arrayDims: number } | 'checked' {
  const domain = domainOf(model, column);
  if (domain && domain.checks.length > 0) return 'checked';
  const type = domain ? domain.baseType : column.type;
  const textLike = isTextType({ type } as Column);
  return { name: textLike ? 'text' : type.name, arrayDims: type.arrayDims + column.type.arrayDims };
}

/**
 * A column that holds one of a few values (a status) or an amount that cannot be negative, with
 * nothing in the database that says so.
 */
export const missingCheckConstraint: Rule = {
  meta: {
    id: 'missing-check-constraint',
    defaultSeverity: 'hint',
    description:
      'A status/state/type text column with no CHECK, enum or foreign key, or an amount/price/quantity with no CHECK.',
    rationale:
      "A status column typed text takes any string: a typo ('shiped'), a new value one service writes and another does not understand, a value in the wrong case. An amount or a quantity takes negative numbers the application never meant to allow. A CHECK constraint (or an enum, or a foreign key to a lookup table) states the rule once, in the database, where every writer has to follow it: CHECK (status IN ('pending', 'paid', 'shipped')), CHECK (quantity >= 0).",
    example: {
      bad: "CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  status text NOT NULL DEFAULT 'pending',\n  amount numeric(12,2) NOT NULL\n);",
      good: "CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  status text NOT NULL DEFAULT 'pending',\n  amount numeric(12,2) NOT NULL CHECK (amount >= 0),\n  CHECK (status IN ('pending', 'paid', 'shipped'))\n);",
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    category: 'schema design',
  },
  check(context) {
    const { model } = context;
    // Only a status-like or an amount-like name can be either kind (see kindOf): the columns of
    // other names are never read.
    for (const { table, column } of columnsWhere(model, { name: mayNeedCheck })) {
      // A partition has its parent's CHECK constraints: the parent's finding covers it.
      // A foreign table's rows are checked where they live (PostgreSQL does not enforce its CHECKs).
      if (isPartition(table) || table.kind === 'foreign table') continue;
      if (!isOwnColumn(table, column)) continue;
      if (primaryKey(table)?.columns.includes(column.name) || inForeignKey(table, column.name)) continue;
      if (column.generated || column.identity || column.serial) continue;
      if (hasCheckOn(table, column.name)) continue;
      const base = baseTypeOf(model, column);
      if (base === 'checked' || base.arrayDims > 0) continue;
      const kind = kindOf(model, table, column, base.name);
      if (!kind) continue;
      if (column.prisma) {
        // Prisma cannot declare a CHECK: an enum is its answer to a status; an amount's CHECK
        // can only be written in a migration. No fix in the schema.
        const label = columnLabel(table, column);
        context.report({
          range: column.nameRange,
          message:
            kind === 'status'
              ? `Field ${label} accepts any text: no enum or relation limits it`
              : `Field ${label} has no CHECK against negative values (Prisma cannot declare one: add it in a migration)`,
        });
        continue;
      }
      const label = columnLabel(table, column);
      context.report({
        range: column.nameRange,
        message:
          kind === 'status'
            ? `Column ${label} accepts any text: no CHECK, enum or foreign key limits it`
            : `Column ${label} has no CHECK against negative values`,
        fixes: checkFix(context, table, column, kind),
      });
    }
  },
};

function checkFix(context: RuleContext, table: Table, column: Column, kind: Kind): Fix[] {
  const def = column.origin.range;
  if (!editableInPlace(context.group, def.file)) return [];
  const name = quoteIdent(column.name);
  if (kind === 'amount') {
    const check = `CHECK (${name} >= 0)`;
    return [
      {
        title: `Add ${check} to ${table.name}`,
        edits: [insertAt(def.file, def.end, ` ${check}`)],
        preferred: true,
      },
    ];
  }
  // A skeleton the user completes: the one value the schema names is the default.
  const value = stringDefault(column);
  if (!value) return [];
  const check = `CHECK (${name} IN (${quoteLiteral(value)}))`;
  const edit = tableConstraintEdit(context, table, column, check);
  return [{ title: `Add ${check} to ${table.name} (then list every value)`, edits: [edit], manual: true }];
}

/**
 * Adds the CHECK as a table constraint right after the column's definition, where the reader of
 * the column sees it (and where no other fix of the table inserts): in CREATE TABLE on a line of
 * its own, indented like the column, when the table is written over several lines; for a column
 * added by ALTER TABLE, as a further `ADD`.
 */
function tableConstraintEdit(context: RuleContext, table: Table, column: Column, check: string): TextEdit {
  const create = table.origin.statement;
  const def = column.origin.range;
  const at = column.origin.statement;
  if (at.file !== create.file || at.start !== create.start)
    return insertAt(def.file, def.end, `, ADD ${check}`);
  const text = context.fileText(def.file);
  const lineStart = text.lastIndexOf('\n', def.start - 1) + 1;
  if (lineStart <= create.start) return insertAt(def.file, def.end, `, ${check}`);
  const indent = /^[ \t]*/.exec(text.slice(lineStart, def.start))?.[0] ?? '';
  return insertAt(def.file, def.end, `,\n${indent}${check}`);
}
