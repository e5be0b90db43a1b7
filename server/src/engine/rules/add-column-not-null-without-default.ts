import type { Fix, SourceRange } from '../findings';
import { editableInPlace, insertAt, quoteIdent, quoteLiteral, tableRef } from '../fixes/sql';
import { typeFromNode } from '../model/build-sql';
import { findUserType, indexesOf, isNullConstant } from '../model/queries';
import { type Domain, type EnumType, type QualifiedName, type SchemaModel } from '../model/schema';
import { statementTokens, type PgNode } from '../parse/sql';
import { columnsLabel } from './messages';
import {
  commitsAlone,
  alterCommandRanges,
  alterCommands,
  migrationSteps,
  notNullThroughCheck,
  statementsBeside,
  stepOffset,
  type MigrationStep,
} from './migration-steps';
import type { Rule, RuleContext } from './rule';

/**
 * `ALTER TABLE t ADD COLUMN c <type> NOT NULL` gives every existing row NULL in c, so on a table
 * with rows PostgreSQL refuses it ("column c of relation t contains null values"): the migration
 * passes on an empty development database and fails in production.
 */
export const addColumnNotNullWithoutDefault: Rule = {
  meta: {
    id: 'add-column-not-null-without-default',
    defaultSeverity: 'error',
    description:
      'ADD COLUMN … NOT NULL without a DEFAULT on an existing table (one the file did not create).',
    rationale:
      'A column added to a table starts out NULL in every existing row, so ADD COLUMN … NOT NULL without a DEFAULT fails as soon as the table has one row ("column … contains null values"). The migration passes on an empty development database and breaks the deploy in production. Give the column a default (a constant or a stable expression such as now() is stored once, without rewriting the table), or add it nullable, backfill it, and set NOT NULL through a validated CHECK.',
    example: {
      bad: 'ALTER TABLE orders ADD COLUMN status text NOT NULL;',
      good: "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'pending';",
    },
    fixable: true,
    languages: ['sql'],
    category: 'migrations',
  },
  check(context) {
    const steps = migrationSteps(context);
    steps.forEach((step, index) => {
      const target = step.tables[0];
      if (step.kind !== 'AlterTableStmt' || !target?.existing) return;
      const cmds = alterCommands(step);
      cmds.forEach((cmd, i) => {
        if (cmd.subtype !== 'AT_AddColumn' || !cmd.def?.ColumnDef) return;
        if (cmd.missing_ok === true && existedBefore(step, cmd.def.ColumnDef.colname as string)) return;
        const added = judgeAddColumn(context.model, steps, index, cmd.def.ColumnDef as PgNode);
        if (added) report(context, step, target.name, cmds, i, added);
      });
    });
  },
};

/**
 * `ADD COLUMN IF NOT EXISTS` of a column an earlier statement made does nothing: the column the
 * table ends with was written elsewhere.
 */
function existedBefore(step: MigrationStep, name: string): boolean {
  const column = step.tables[0]?.table?.columns.find((c) => c.name === name);
  if (!column) return false;
  const at = column.origin.statement;
  return at.file !== step.file || at.start !== step.stmt.start;
}

/** What an ADD COLUMN that fails on rows adds, as far as its fixes need to know. */
interface FailingColumn {
  def: PgNode;
  name: string;
  /** Why the column cannot be NULL: written NOT NULL, a PRIMARY KEY, or a NOT NULL domain. */
  cause: 'not null' | 'primary key' | 'domain';
  /** The written `NOT NULL` constraint (undefined when the domain or the primary key implies it). */
  notNull?: PgNode;
  /** `DEFAULT NULL` is written (a second DEFAULT clause would be refused). */
  nullDefault: boolean;
  /** The column's own constraints other than NOT NULL / NULL / DEFAULT. */
  others: PgNode[];
  typeLabel: string;
  domain?: Domain;
  enumType?: EnumType;
  /** The catalog name of the column's type (through its domain), and its array dimensions. */
  baseType: string;
  arrayDims: number;
}

/** The ADD COLUMN fails on a table with rows; undefined when it cannot, or the rule cannot judge. */
function judgeAddColumn(
  model: SchemaModel,
  steps: readonly MigrationStep[],
  index: number,
  def: PgNode,
): FailingColumn | undefined {
  const constraints = ((def.constraints ?? []) as PgNode[]).flatMap((c) =>
    c.Constraint ? [c.Constraint] : [],
  );
  let notNull: PgNode | undefined;
  let primaryKey = false;
  let nullDefault = false;
  const others: PgNode[] = [];
  for (const c of constraints) {
    switch (c.contype) {
      case 'CONSTR_IDENTITY':
      case 'CONSTR_GENERATED':
        // An identity column fills every row from its sequence; a generated one computes it.
        return undefined;
      case 'CONSTR_DEFAULT':
        if (!isNullConstant(c.raw_expr)) return undefined;
        nullDefault = true;
        break;
      case 'CONSTR_NOTNULL':
        notNull = c;
        break;
      case 'CONSTR_NULL':
        break;
      case 'CONSTR_PRIMARY':
        primaryKey = true;
        others.push(c);
        break;
      default:
        others.push(c);
    }
  }
  if (!def.typeName) return undefined;
  const type = typeFromNode(def.typeName as PgNode);
  // serial/bigserial: the column gets a sequence default.
  if (type.serial) return undefined;
  const userType = findUserType(model.domains, type) ?? findUserType(model.enums, type);
  const builtin = !type.schema && BUILTIN_TYPES.has(type.name);
  // A type the model does not know (an extension's, one made outside the files) may be a domain
  // with a default: the rule cannot judge it.
  if (!userType && !builtin) return undefined;
  // An array of a domain is not the domain: its NOT NULL and DEFAULT apply to elements only.
  const domain = type.arrayDims === 0 ? findUserType(model.domains, type) : undefined;
  const enumType = type.arrayDims === 0 ? findUserType(model.enums, type) : undefined;
  // The column's own DEFAULT NULL overrides the domain's.
  if (domain && !nullDefault && domainHasDefault(steps, index, domain)) return undefined;
  const cause = notNull ? 'not null' : primaryKey ? 'primary key' : domain?.notNull ? 'domain' : undefined;
  if (!cause) return undefined;
  return {
    def,
    name: def.colname as string,
    cause,
    ...(notNull ? { notNull } : {}),
    nullDefault,
    others,
    typeLabel: type.written,
    ...(domain ? { domain } : {}),
    ...(enumType ? { enumType } : {}),
    baseType: domain ? domain.baseType.name : type.name,
    arrayDims: domain ? domain.baseType.arrayDims : type.arrayDims,
  };
}

function report(
  context: RuleContext,
  step: MigrationStep,
  table: QualifiedName,
  cmds: readonly PgNode[],
  cmdIndex: number,
  column: FailingColumn,
): void {
  const label = columnsLabel(table.name, [column.name]);
  const why =
    column.cause === 'domain'
      ? `NOT NULL (domain ${column.typeLabel})`
      : column.cause === 'primary key'
        ? 'as PRIMARY KEY'
        : 'NOT NULL';
  const commandRange = alterCommandRanges(step)[cmdIndex];
  const columnRange = columnDefinitionRange(step, column.def, commandRange);
  context.report({
    range: columnRange ?? { file: step.file, start: step.stmt.start, end: step.stmt.end },
    message: `Adding ${label} ${why} without a DEFAULT fails when ${table.name} has rows`,
    fixes: columnRange ? fixes(context, step, table, cmds, cmdIndex, column, columnRange) : [],
  });
}

/** A value every existing row can take, for a DEFAULT or a backfill. */
interface FillValue {
  sql: string;
  /** Evaluated per row: as a DEFAULT it rewrites the whole table. */
  volatile: boolean;
  /** Not an obvious value (an enum's first label): offered as a skeleton to review. */
  manual: boolean;
  /** What the title says about it. */
  note?: string;
}

function fixes(
  context: RuleContext,
  step: MigrationStep,
  table: QualifiedName,
  cmds: readonly PgNode[],
  cmdIndex: number,
  column: FailingColumn,
  columnRange: SourceRange,
): Fix[] {
  // A migration that has already run somewhere is history: only the newest one can still change.
  if (!editableInPlace(context.group, step.file)) return [];
  const value = fillValue(context, step, table, cmds, cmdIndex, column);
  if (!value) return [];
  const label = columnsLabel(table.name, [column.name]);
  const tokens = statementTokens(step.parsed, step.stmt);
  const notNullTokens = column.notNull
    ? constraintTokens(step, tokens, column.notNull, columnRange)
    : undefined;
  let withDefault: Fix | undefined;
  if (!column.nullDefault) {
    // Right after the written NOT NULL (else at the end of the definition), in the user's text.
    const at = notNullTokens ? notNullTokens.end : columnRange.end;
    const rewrite = value.volatile ? ' (rewrites the table)' : '';
    withDefault = {
      title: `Add DEFAULT ${value.sql} to ${label}${rewrite}${value.note ?? ''}`,
      edits: [insertAt(step.file, at, ` DEFAULT ${value.sql}`)],
      ...(value.manual ? { manual: true } : {}),
    };
  }

  // The column can be added nullable only when NOT NULL is written (not implied by a key or domain).
  let inSteps: Fix | undefined;
  if (column.cause === 'not null' && !column.domain?.notNull && notNullTokens) {
    const col = quoteIdent(column.name);
    const steps = notNullThroughCheck(context.model, table, column.name);
    const lines = [
      `UPDATE ${tableRef(table)} SET ${col} = ${value.sql} WHERE ${col} IS NULL;`,
      steps.add,
      steps.validate,
      steps.setNotNull,
      steps.drop,
    ];
    inSteps = {
      title: `Add ${label} nullable, backfill ${value.sql}, then SET NOT NULL through a validated CHECK${value.note ?? ''}`,
      edits: [
        // The NOT NULL goes (with the space before it); everything else the user wrote stays.
        { file: step.file, start: notNullTokens.before, end: notNullTokens.end, newText: '' },
        statementsBeside(context.fileText, step, 'after', lines),
      ],
      ...(value.manual ? { manual: true } : {}),
    };
  }

  // The default is the one-statement fix, stored without a rewrite. A volatile one rewrites the
  // table, which the steps avoid where each statement commits on its own (in one transaction, or a
  // file sent as one query, both hold the lock throughout).
  if (!value.manual) {
    const preferred = value.volatile && commitsAlone(step) && inSteps ? inSteps : (withDefault ?? inSteps);
    if (preferred) preferred.preferred = true;
  }
  return [withDefault, inSteps].filter((f): f is Fix => f !== undefined);
}

/**
 * A value that suits the column: the neutral value of its type, when no constraint on the column
 * (its own, another command of the statement, a later CHECK / foreign key / unique index) could
 * refuse it. An enum gets its first label, as a skeleton to review. Undefined when none is obvious.
 */
function fillValue(
  context: RuleContext,
  step: MigrationStep,
  table: QualifiedName,
  cmds: readonly PgNode[],
  cmdIndex: number,
  column: FailingColumn,
): FillValue | undefined {
  let unique = false;
  for (const c of column.others) {
    if (c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY') unique = true;
    else if (c.contype !== 'CONSTR_ATTR_DEFERRABLE' && c.contype !== 'CONSTR_ATTR_IMMEDIATE')
      return undefined;
  }
  if (cmds.some((cmd, i) => i !== cmdIndex && mentions(cmd, column.name))) return undefined;
  const now = step.tables[0]?.table;
  if (now) {
    const refused = now.constraints.some(
      (c) =>
        c.kind !== 'primary key' &&
        c.kind !== 'unique' &&
        (c.columns.includes(column.name) || (c.checkColumns ?? []).includes(column.name)),
    );
    if (refused) return undefined;
    if (
      indexesOf(context.model, now).some((x) => x.unique && x.elements.some((e) => e.column === column.name))
    )
      unique = true;
  }
  if (column.domain && column.domain.checks.length > 0) return undefined;
  let value: FillValue | undefined;
  if (column.enumType) {
    const first = column.enumType.values[0];
    value =
      first === undefined
        ? undefined
        : {
            sql: quoteLiteral(first),
            volatile: false,
            manual: true,
            note: ` (the first value of ${column.enumType.name}: check it)`,
          };
  } else if (column.arrayDims > 0) {
    value = { sql: "'{}'", volatile: false, manual: false };
  } else {
    const neutral = NEUTRAL_VALUES[column.baseType];
    value = neutral ? { sql: neutral, volatile: neutral === 'gen_random_uuid()', manual: false } : undefined;
  }
  // One value for every row breaks a unique key; a volatile one gives each row its own.
  if (unique && !value?.volatile) return undefined;
  return value;
}

/** Neutral values by catalog type name. */
const NEUTRAL_VALUES: Record<string, string> = {
  text: "''",
  varchar: "''",
  bpchar: "''",
  citext: "''",
  int2: '0',
  int4: '0',
  int8: '0',
  numeric: '0',
  float4: '0',
  float8: '0',
  bool: 'false',
  // Stable, not volatile: evaluated once, so as a DEFAULT it is stored without a rewrite.
  timestamptz: 'now()',
  timestamp: 'now()',
  date: 'CURRENT_DATE',
  jsonb: "'{}'::jsonb",
  json: "'{}'::json",
  uuid: 'gen_random_uuid()',
};

/** Built-in types (catalog names) the rule knows have no default of their own. */
const BUILTIN_TYPES = new Set([
  ...Object.keys(NEUTRAL_VALUES),
  'money',
  'time',
  'timetz',
  'interval',
  'bytea',
  'inet',
  'cidr',
  'macaddr',
  'macaddr8',
  'bit',
  'varbit',
  'xml',
  'tsvector',
  'tsquery',
  'point',
  'line',
  'lseg',
  'box',
  'path',
  'polygon',
  'circle',
  'int4range',
  'int8range',
  'numrange',
  'tsrange',
  'tstzrange',
  'daterange',
  'oid',
]);

/**
 * Whether the domain has a default at this step (the model keeps a domain's NOT NULL and CHECKs,
 * not its DEFAULT): the last CREATE DOMAIN / ALTER DOMAIN … SET | DROP DEFAULT before it.
 */
export function domainHasDefault(steps: readonly MigrationStep[], before: number, domain: Domain): boolean {
  let has = false;
  for (let i = 0; i < before; i++) {
    const step = steps[i];
    if (step.kind === 'CreateDomainStmt' && namesDomain(step.node.domainname, domain)) {
      has = ((step.node.constraints ?? []) as PgNode[]).some(
        (c) => c.Constraint?.contype === 'CONSTR_DEFAULT' && !isNullConstant(c.Constraint.raw_expr),
      );
    } else if (
      step.kind === 'AlterDomainStmt' &&
      step.node.subtype === 'T' &&
      namesDomain(step.node.typeName, domain)
    ) {
      has = step.node.def !== undefined && !isNullConstant(step.node.def as PgNode);
    }
  }
  return has;
}

function namesDomain(names: PgNode[] | undefined, domain: Domain): boolean {
  const parts = (names ?? []).map((n) => n.String?.sval as string);
  const name = parts[parts.length - 1];
  return name === domain.name && (parts.length < 2 || parts[parts.length - 2] === domain.schema);
}

/** Whether an ALTER TABLE command names the column anywhere (a constraint, a key, an expression). */
function mentions(node: unknown, column: string): boolean {
  if (Array.isArray(node)) return node.some((n) => mentions(n, column));
  if (!node || typeof node !== 'object') return false;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if ((k === 'sval' || k === 'name' || k === 'colname') && v === column) return true;
    if (v && typeof v === 'object' && mentions(v, column)) return true;
  }
  return false;
}

/** The column definition in the command: from its name to the end of the command. */
function columnDefinitionRange(
  step: MigrationStep,
  def: PgNode,
  command: SourceRange | undefined,
): SourceRange | undefined {
  if (!command) return undefined;
  const start = stepOffset(step, def.location as number | undefined);
  if (start < command.start || start >= command.end) return undefined;
  return { file: step.file, start, end: command.end };
}

/**
 * The written `[CONSTRAINT name] NOT NULL` of the column: where the text that removes it starts
 * (the blank in front of it, but never a comment, nor the line break that ends a `--` comment)
 * and where it ends.
 */
function constraintTokens(
  step: MigrationStep,
  tokens: ReturnType<typeof statementTokens>,
  constraint: PgNode,
  within: SourceRange,
): { before: number; end: number } | undefined {
  const at = stepOffset(step, constraint.location as number | undefined);
  const first = tokens.findIndex((t) => t.start === at);
  if (first <= 0 || at < within.start || at >= within.end) return undefined;
  let last = first;
  while (last < tokens.length && tokens[last].kind !== 'NULL') last++;
  if (last >= tokens.length || tokens[last].end > within.end) return undefined;
  const text = step.parsed.text;
  const previousEnd = tokens[first - 1].end;
  let before = at;
  if (/^\s*$/.test(text.slice(previousEnd, at))) before = previousEnd;
  else while (before > previousEnd && (text[before - 1] === ' ' || text[before - 1] === '\t')) before--;
  return { before, end: tokens[last].end };
}
