import { intervalLeastField, typeFromNode } from '../model/build-sql';
import type { SchemaModel } from '../model/schema';
import { findUserType } from '../model/queries';
import type { PgNode } from '../parse/sql';
import {
  alterCommandRanges,
  alterCommands,
  columnBefore,
  migrationSteps,
  stepStatement,
  type MigrationStep,
} from './migration-steps';
import type { Rule } from './rule';

type TypeInfo = ReturnType<typeof typeFromNode>;

/**
 * ALTER COLUMN … TYPE rewrites the whole table and rebuilds each of its indexes under an ACCESS
 * EXCLUSIVE lock: nothing reads or writes the table until it is done. PostgreSQL skips the
 * rewrite only where the stored bytes stay valid as they are (a longer varchar, a wider numeric
 * of the same scale, varchar to text), and those changes are left alone.
 */
export const alterColumnType: Rule = {
  meta: {
    id: 'alter-column-type',
    defaultSeverity: 'warning',
    description:
      'ALTER COLUMN … TYPE on an existing table: the table and its indexes are rewritten under an ACCESS EXCLUSIVE lock.',
    rationale:
      "Changing a column's type makes PostgreSQL rewrite every row of the table and rebuild every index on it, holding an ACCESS EXCLUSIVE lock throughout: on a large table, reads and writes wait for minutes, and the rewrite needs the disk space of a second copy. The exceptions are changes that leave the stored values valid as they are (varchar(n) to a longer varchar or to text, numeric(p,s) to a larger precision with the same scale, a longer varbit, a higher timestamp or time precision). For anything else, add a new column, backfill it in batches, switch the application over, and drop the old column later.",
    example: {
      bad: '-- orders was created by an earlier migration\nALTER TABLE orders ALTER COLUMN id TYPE bigint;',
      good: '-- a change PostgreSQL makes without a rewrite\nALTER TABLE customers ALTER COLUMN email TYPE varchar(320); -- was varchar(255)',
    },
    fixable: false,
    languages: ['sql'],
    category: 'migrations',
  },
  check(context) {
    const steps = migrationSteps(context);
    steps.forEach((step, index) => {
      if (step.kind !== 'AlterTableStmt') return;
      const target = step.tables[0];
      // A table this file created has no rows to rewrite yet; a temporary one no other session sees.
      if (!target?.existing || target.table?.temporary || target.table?.kind === 'foreign table') return;
      const ranges = alterCommandRanges(step);
      alterCommands(step).forEach((cmd, k) => {
        if (cmd.subtype !== 'AT_AlterColumnType') return;
        const def = cmd.def?.ColumnDef as PgNode | undefined;
        if (!def?.typeName || !cmd.name) return;
        const column = cmd.name as string;
        const next = typeFromNode(def.typeName as PgNode);
        const before = columnBefore(steps, index, column).type;
        const utc = utcSession(steps, index);
        // Through domains: what is stored is the base type; a target domain that checks its values
        // (a CHECK, NOT NULL) makes PostgreSQL read every row.
        const from = before && storedType(context.model, before, false);
        const to = storedType(context.model, next, true);
        if (from && to && !def.collClause && keepsValues(column, def) && !needsRewrite(from, to, utc)) return;
        const label = `${target.name.name}.${column}`;
        const lock = `${target.name.name} and its indexes under an ACCESS EXCLUSIVE lock`;
        // PostgreSQL converts between timestamp and timestamptz in place when the session's zone is UTC.
        const zone =
          before && !utc && timestampPair(before, next) ? " unless the session's TimeZone is UTC" : '';
        context.report({
          range: ranges[k] ?? stepStatement(step),
          message: before
            ? `Changing ${label} from ${display(before)} to ${display(next)} rewrites ${lock}${zone}`
            : `Changing the type of ${label} to ${display(next)} may rewrite ${lock}`,
        });
      });
    });
  },
};

/**
 * The type a column of type `t` stores: a domain's base type (undefined for a target domain that
 * checks its values, whose rows PostgreSQL must read).
 */
function storedType(model: SchemaModel, t: TypeInfo, target: boolean): TypeInfo | undefined {
  const domain = t.arrayDims === 0 ? findUserType(model.domains, t) : undefined;
  if (!domain) return t;
  if (target && (domain.checks.length > 0 || domain.notNull)) return undefined;
  const base = domain.baseType;
  const { schema: _, intervalFields: __, ...rest } = t;
  return {
    ...rest,
    name: base.name,
    modifiers: base.modifiers,
    arrayDims: base.arrayDims,
    ...(base.schema ? { schema: base.schema } : {}),
    ...(base.intervalFields !== undefined ? { intervalFields: base.intervalFields } : {}),
  };
}

/** No USING, or a USING that hands over the column itself (`USING c`, `USING c::text`). */
function keepsValues(column: string, def: PgNode): boolean {
  let using = def.raw_default as PgNode | undefined;
  if (!using) return true;
  while (using?.TypeCast) using = using.TypeCast.arg as PgNode | undefined;
  const fields = (using?.ColumnRef?.fields ?? []) as PgNode[];
  return fields.length === 1 && fields[0].String?.sval === column;
}

/**
 * Whether PostgreSQL rewrites the table to change a column from `from` to `to`. It does not when
 * the old values are valid bytes of the new type: the same type, a binary-coercible pair, or a
 * length or precision that only grows (the types' support functions say so).
 */
function needsRewrite(from: TypeInfo, to: TypeInfo, utc: boolean): boolean {
  if (from.arrayDims !== to.arrayDims) return true;
  if (utc && from.arrayDims === 0 && timestampPair(from, to)) {
    return needsRewrite({ ...from, name: to.name }, to, false);
  }
  if (from.schema && to.schema && from.schema !== to.schema) return true;
  if (
    from.name === to.name &&
    sameNumbers(from.modifiers, to.modifiers) &&
    from.intervalFields === to.intervalFields
  )
    return false;
  if (from.arrayDims > 0) return true;
  const [n] = from.modifiers;
  const [m] = to.modifiers;
  switch (`${from.name}>${to.name}`) {
    case 'varchar>text':
    case 'text>varchar':
      return to.name === 'varchar' && to.modifiers.length > 0;
    case 'varchar>varchar':
    case 'varbit>varbit':
      return m !== undefined && (n === undefined || m < n);
    case 'numeric>numeric':
      if (m === undefined) return false;
      return n === undefined || m < n || (to.modifiers[1] ?? 0) !== (from.modifiers[1] ?? 0);
    case 'timestamp>timestamp':
    case 'timestamptz>timestamptz':
    case 'time>time':
    case 'timetz>timetz':
      // No precision means 6, the most there is.
      return m !== undefined && m < 6 && (n === undefined || m < n);
    case 'interval>interval':
      return !intervalKeepsValues(from, to);
    case 'cidr>inet':
      return false;
    default:
      return true;
  }
}

/**
 * PostgreSQL changes an interval's type in place when the new type keeps every field the old one
 * kept and, where seconds are kept, at least its fractional precision (interval_support): so
 * `interval(3)` → `interval` and `interval day` → `interval` are free, `interval` → `interval(3)` and
 * `interval hour` → `interval day` are not.
 */
function intervalKeepsValues(from: TypeInfo, to: TypeInfo): boolean {
  // A target without modifiers at all keeps everything.
  if (to.intervalFields === undefined && to.modifiers.length === 0) return true;
  const leastFrom = intervalLeastField(from);
  if (intervalLeastField(to) > leastFrom) return false;
  const [n] = from.modifiers;
  const [m] = to.modifiers;
  return leastFrom > 0 || m === undefined || m >= 6 || (n !== undefined && m >= n);
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function timestampPair(from: TypeInfo, to: TypeInfo): boolean {
  const pair = new Set([from.name, to.name]);
  return pair.size === 2 && pair.has('timestamp') && pair.has('timestamptz');
}

/** Zones PostgreSQL knows to be UTC all year: with one of them, timestamp ↔ timestamptz is free. */
const UTC_ZONES = new Set([
  'utc',
  'etc/utc',
  'gmt',
  'etc/gmt',
  'uct',
  'etc/uct',
  'zulu',
  'etc/zulu',
  'universal',
  'etc/universal',
  'z',
]);

/** The file set the session's TimeZone to UTC before the step (`SET TimeZone = 'UTC'`, `SET TIME ZONE 0`). */
function utcSession(steps: readonly MigrationStep[], index: number): boolean {
  const file = steps[index].file;
  for (let i = index - 1; i >= 0 && steps[i].file === file; i--) {
    const s = steps[i];
    if (s.kind !== 'VariableSetStmt' || String(s.node.name).toLowerCase() !== 'timezone') continue;
    if (s.node.kind !== 'VAR_SET_VALUE') return false;
    const value = (s.node.args as PgNode[] | undefined)?.[0]?.A_Const as PgNode | undefined;
    if (value?.sval) return UTC_ZONES.has(String(value.sval.sval ?? '').toLowerCase());
    return value?.ival !== undefined && !value.ival.ival;
  }
  return false;
}

/** The type as the catalog names it (`integer` for a serial). */
function display(type: TypeInfo): string {
  const serial = { smallserial: 'smallint', serial: 'integer', bigserial: 'bigint' } as const;
  return type.serial ? serial[type.serial] : type.written;
}
