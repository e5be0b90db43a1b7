import { changeTypeFixes } from '../fixes/sql';
import type { Column, SchemaModel, Table } from '../model/schema';
import {
  columnsWhere,
  findColumn,
  inForeignKey,
  isOwnColumn,
  isPartition,
  isTextType,
  isTextTypeName,
  nameWords,
  primaryKey,
  typeRewriteBlocked,
} from '../model/queries';
import { modelEditor } from '../prisma/fixes';
import { columnLabel, fieldName, tableLabel } from './messages';
import type { Rule, RuleContext } from './rule';

/** The type a column's name promises, and how a message calls what the column holds. */
interface Expected {
  type: 'timestamptz' | 'date' | 'boolean' | 'integer' | 'bigint' | 'uuid' | 'inet' | 'jsonb';
  what: string;
}

/**
 * What the name says the column holds. Only unambiguous names: `created_at`, `birth_date`,
 * `is_active`, `login_count`, `ip_address`, `settings_json`, `metadata`; never `at`, `date`,
 * `format`, `data` or `status`.
 */
function expectedFromName(model: SchemaModel, table: Table, column: Column): Expected | undefined {
  const words = nameWords(column.name);
  const n = words.length;
  const first = words[0];
  const last = words[n - 1];
  const whole = words.join('_');
  if (n >= 2 && last === 'at') return { type: 'timestamptz', what: 'a timestamp' };
  if (n >= 2 && last === 'date') return { type: 'date', what: 'a date' };
  if (n >= 2 && (first === 'is' || first === 'has')) return { type: 'boolean', what: 'a flag' };
  if ((n >= 2 && last === 'count') || last === 'quantity') return { type: 'integer', what: 'a count' };
  if (last === 'ip' || (n >= 2 && last === 'address' && words[n - 2] === 'ip'))
    return { type: 'inet', what: 'an IP address' };
  if ((n >= 2 && last === 'json') || whole === 'metadata' || whole === 'payload')
    return { type: 'jsonb', what: 'JSON' };
  if (n >= 2 && last === 'id') return referencedKey(model, table, column, words.slice(0, -1).join('_'));
  return undefined;
}

/**
 * `customer_id` with a table `customers` (or `customer`) whose primary key is one uuid or bigint
 * column: the column holds that key. A column already in a key is left to the key rules.
 */
function referencedKey(model: SchemaModel, table: Table, column: Column, base: string): Expected | undefined {
  if (primaryKey(table)?.columns.includes(column.name)) return undefined;
  const names = new Set([base, `${base}s`, `${base}es`]);
  if (base.endsWith('y')) names.add(`${base.slice(0, -1)}ies`);
  // (Only how many match matters, and which one when only one does: their order does not.)
  const byWords = tablesByWords(model);
  const matches = [...names].flatMap((name) => byWords.get(name) ?? []);
  const sameSchema = matches.filter((t) => t.schema === table.schema);
  const candidates = sameSchema.length > 0 ? sameSchema : matches;
  // Two tables that could be meant (customer and customers): the name is ambiguous.
  if (candidates.length !== 1) return undefined;
  const target = candidates[0];
  const pk = primaryKey(target);
  if (pk?.columns.length !== 1) return undefined;
  const key = findColumn(target, pk.columns[0]);
  if (!key || key.type.arrayDims > 0 || key.type.schema) return undefined;
  const type = key.type.name === 'uuid' ? 'uuid' : key.type.name === 'int8' ? 'bigint' : undefined;
  if (!type) return undefined;
  return { type, what: `a reference to ${tableLabel(target)}.${fieldName(target, key)} (${type})` };
}

/** The model's tables (not partitions) by the words of their names, joined with `_`. */
function tablesByWords(model: SchemaModel): Map<string, Table[]> {
  let map = tablesByWordsCache.get(model);
  if (!map) {
    map = new Map();
    for (const t of model.tables.values()) {
      if (isPartition(t)) continue;
      const k = nameWords(t.name).join('_');
      const list = map.get(k);
      if (list) list.push(t);
      else map.set(k, [t]);
    }
    tablesByWordsCache.set(model, map);
  }
  return map;
}
const tablesByWordsCache = new WeakMap<SchemaModel, Map<string, Table[]>>();

const NOW_FUNCTIONS = new Set(['now', 'clock_timestamp', 'statement_timestamp', 'transaction_timestamp']);
const UUID_FUNCTIONS = new Set(['gen_random_uuid', 'uuid_generate_v4', 'uuidv4', 'uuidv7']);

const LITERAL_FITS: Record<Expected['type'], (value: string) => boolean> = {
  timestamptz: (v) => /^\s*(\d{4}-\d{2}-\d{2}|now|epoch|infinity|-infinity|today)/i.test(v),
  date: (v) => /^\s*(\d{4}-\d{2}-\d{2}|epoch|infinity|-infinity|today)\s*$/i.test(v),
  boolean: (v) => /^\s*(t|true|f|false|y|yes|n|no|on|off|1|0)\s*$/i.test(v),
  integer: (v) => /^\s*[+-]?\d{1,9}\s*$/.test(v),
  bigint: (v) => /^\s*[+-]?\d{1,18}\s*$/.test(v),
  uuid: (v) => /^\s*[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\s*$/i.test(v),
  inet: (v) => /^\s*[0-9a-f.:]+(\/\d{1,3})?\s*$/i.test(v) && /[.:]/.test(v),
  jsonb: (v) => {
    try {
      JSON.parse(v);
      return true;
    } catch {
      return false;
    }
  },
};

/** Whether the column's DEFAULT still works once the type changes (`DEFAULT ''` on metadata does not). */
function defaultFits(column: Column, type: Expected['type']): boolean {
  const node = column.defaultNode;
  if (!node) return true;
  const constant = node.A_Const;
  if (constant) {
    if (constant.isnull) return true;
    if (constant.sval !== undefined) return LITERAL_FITS[type](String(constant.sval.sval ?? ''));
    if ('ival' in constant) return type === 'integer' || type === 'bigint';
    if ('boolval' in constant) return type === 'boolean';
    return false;
  }
  const call = node.FuncCall?.funcname as { String?: { sval?: string } }[] | undefined;
  const fn = call?.[call.length - 1]?.String?.sval ?? '';
  if (type === 'timestamptz' || type === 'date') {
    const op = String(node.SQLValueFunction?.op ?? '');
    return NOW_FUNCTIONS.has(fn) || /^SVFOP_(CURRENT_DATE|CURRENT_TIMESTAMP|LOCALTIMESTAMP)/.test(op);
  }
  if (type === 'uuid') return UUID_FUNCTIONS.has(fn);
  return false;
}

/**
 * Text accepts anything: a date stored as text sorts wrongly, compares as a string and takes any
 * typo. The name says the type; the column should have it.
 */
export const textForTypedData: Rule = {
  meta: {
    id: 'text-for-typed-data',
    defaultSeverity: 'info',
    description:
      'A text or varchar column whose name says it holds a timestamp, date, flag, count, key, IP address or JSON.',
    rationale:
      "A column typed text accepts any string: '2024-13-45' as a date, 'yes', 'Y' and 'true' as the same flag, '10' < '9' in a sort. The database can neither validate nor index the values by their meaning, and every query has to cast. When the name says what the column holds (created_at, birth_date, is_active, login_count, customer_id, ip_address, settings_json), give it that type: timestamptz, date, boolean, integer, the key's uuid or bigint, inet, jsonb.",
    example: {
      bad: 'CREATE TABLE users (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  is_active text NOT NULL,\n  last_login_at varchar(30)\n);',
      good: 'CREATE TABLE users (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  is_active boolean NOT NULL,\n  last_login_at timestamptz\n);',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'schema design',
  },
  check(context) {
    const { model, group } = context;
    for (const { table, column } of columnsWhere(model, { type: isTextTypeName })) {
      // A copy (PARTITION OF, LIKE) is reported where its source defines it.
      // A foreign table's columns follow the remote table's types.
      if (!isOwnColumn(table, column) || table.kind === 'foreign table') continue;
      // A domain over text is a deliberate type; foreign-key-type-mismatch owns FK columns.
      if (!isTextType(column) || column.type.schema || inForeignKey(table, column.name)) continue;
      const expected = expectedFromName(model, table, column);
      if (!expected) continue;
      if (column.prisma) {
        reportPrisma(context, table, column, expected);
        continue;
      }
      const label = columnLabel(table, column);
      const range = column.type.range;
      context.report({
        range: range ?? column.origin.range,
        message: `Column ${label} uses ${column.type.written} for ${expected.what}`,
        fixes:
          range && canChangeInPlace(context.fileText(range.file), model, table, column, expected.type)
            ? changeTypeFixes(group, label, range, expected.type)
            : [],
      });
    }
  },
};

/**
 * A plain type replacement is right only where the column is defined (no data to convert, unlike
 * an ALTER COLUMN … TYPE, which would need USING) and when nothing depends on the value being
 * text: a DEFAULT the new type cannot read, a COLLATE clause, a generation expression, or what
 * `typeRewriteBlocked` finds elsewhere (a CHECK, an index, a policy, rows the migrations write).
 */
function canChangeInPlace(
  text: string,
  model: SchemaModel,
  table: Table,
  column: Column,
  type: Expected['type'],
): boolean {
  const def = column.origin.range;
  const range = column.type.range;
  if (!range || range.file !== def.file || range.start < def.start || range.end > def.end) return false;
  if (column.generated || typeRewriteBlocked(model, table, column, 'text', CATALOG_NAMES[type])) return false;
  if (/\bcollate\b/i.test(text.slice(range.end, def.end))) return false;
  return defaultFits(column, type);
}

/** The catalog name of each type the fix writes. */
const CATALOG_NAMES: Record<Expected['type'], string> = {
  timestamptz: 'timestamptz',
  date: 'date',
  boolean: 'bool',
  integer: 'int4',
  bigint: 'int8',
  uuid: 'uuid',
  inet: 'inet',
  jsonb: 'jsonb',
};

/** The Prisma type (and native type) for what the name says. */
const PRISMA_TYPES: Record<Expected['type'], { type: string; native?: string }> = {
  timestamptz: { type: 'DateTime', native: '@db.Timestamptz(3)' },
  date: { type: 'DateTime', native: '@db.Date' },
  boolean: { type: 'Boolean' },
  integer: { type: 'Int' },
  bigint: { type: 'BigInt' },
  uuid: { type: 'String', native: '@db.Uuid' },
  inet: { type: 'String', native: '@db.Inet' },
  jsonb: { type: 'Json' },
};

/**
 * Prisma: the field gets the Prisma type (`DateTime @db.Timestamptz(3)`, `Boolean`, `Json` …),
 * its native type replaced or removed. Not where a `@default` is written: a string default would
 * not fit the new type (a Prisma Client default such as `uuid()` is fine where the type stays String).
 */
function reportPrisma(context: RuleContext, table: Table, column: Column, expected: Expected): void {
  const label = columnLabel(table, column);
  const prisma = column.prisma!;
  const target = PRISMA_TYPES[expected.type];
  const written = target.type + (target.native ? ` ${target.native}` : '');
  const keepsDefault = !prisma.default || (target.type === 'String' && prisma.default.client);
  let edits;
  if (keepsDefault) {
    const editor = modelEditor(context.fileText, table).setType(prisma.field, target.type);
    if (target.native) editor.addAttribute(prisma.field, target.native);
    else editor.removeAttribute(prisma.field, 'db');
    edits = editor.edits();
  }
  context.report({
    range: column.type.range ?? column.origin.range,
    message: `Field ${label} uses ${column.type.written} for ${expected.what}`,
    fixes: edits ? [{ title: `Change ${label} to ${written}`, edits, preferred: true }] : [],
  });
}
