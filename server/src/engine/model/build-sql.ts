/**
 * Builds the schema model from SQL: the statements of a group of files are applied in order, the
 * way PostgreSQL would run them. What the model cannot know (a table created by a file outside the
 * group) is skipped quietly: the model describes what the files say, and rules stay silent about
 * what they cannot see.
 *
 * Nothing here reads the scanner's tokens eagerly: every range or text that needs more than a
 * node's start is a lazy property (see `lazy`), computed only when a rule reads it.
 */
import type { SourceRange } from '../findings';
import type { ParsedSql, PgNode, SqlStatement } from '../parse/sql';
import { doBlockStatements, nodeOffset } from '../parse/sql';
import {
  clauseTextEnd,
  closingParen,
  copyLazy,
  hasWords,
  lazy,
  LazyOrigin,
  LazyType,
  StatementText,
} from './ranges';
import {
  emptyModel,
  key,
  tableKey,
  type Column,
  type ColumnType,
  type Constraint,
  type FkAction,
  type FunctionDef,
  type Index,
  type IndexElement,
  type Origin,
  type Policy,
  type PolicyCommand,
  type QualifiedName,
  type SchemaModel,
  type Table,
  type TableAtStatement,
  type TableKind,
  type TriggerEvent,
} from './schema';

export interface SqlModelInput {
  path: string;
  parsed: ParsedSql;
}

export interface BuildOptions {
  /**
   * Called when applying a statement (or one command of an ALTER TABLE) threw: the builder skips
   * it and goes on, so this is the only trace of a bug in the builder. Tests assert it is never
   * called on real SQL.
   */
  onInternalError?: (error: unknown, file: string, statement: SqlStatement) => void;
  /**
   * Called when a foreign key written without its columns took them from another table's primary
   * key as it stood at the statement (what `patchSqlModel` must know to replay a table alone).
   */
  onPrimaryKeyLookup?: (target: string, statement: SqlStatement) => void;
}

export function buildSqlModel(files: readonly SqlModelInput[], options: BuildOptions = {}): SchemaModel {
  const builder = new SqlModelBuilder(options);
  for (const f of files) builder.applyFile(f.path, f.parsed);
  return builder.model;
}

/**
 * Models whose build found a name taken as it went: a table created again or skipped (IF NOT
 * EXISTS), an index name set twice or skipped, a primary key replaced, a name PostgreSQL would
 * number because another object had it. What a statement did then depends on what stood at that
 * moment, which the finished model no longer says: `patchSqlModel` leaves such a file to a full
 * build.
 */
const clashedModels = new WeakSet<SchemaModel>();

/** Whether building `model` found a name taken (see `clashedModels`). */
export function nameClashed(model: SchemaModel): boolean {
  return clashedModels.has(model);
}

/** A statement to apply again, with the search_path it ran with. */
export interface ReplayedStatement {
  stmt: SqlStatement;
  searchPath: readonly string[];
}

/**
 * Applies statements of one file to `model` (changed in place), each with its own search_path, as
 * a build of the whole file applied them: for `patchSqlModel`, which builds one table again on a
 * model that has everything else. The model's history gets an event per statement, appended.
 */
export function replaySqlStatements(
  model: SchemaModel,
  path: string,
  parsed: ParsedSql,
  statements: readonly ReplayedStatement[],
  options: BuildOptions = {},
): void {
  const builder = new SqlModelBuilder(options, model);
  builder.replay(path, parsed, statements);
}

/**
 * Type names as PostgreSQL's catalog spells them, from the names users write. The parser already
 * turns the SQL-standard spellings (`integer`, `character varying`) into `pg_catalog.int4` …; what
 * is left are names written as plain identifiers.
 */
const TYPE_ALIASES: Record<string, string> = {
  int: 'int4',
  integer: 'int4',
  smallint: 'int2',
  bigint: 'int8',
  serial: 'int4',
  serial4: 'int4',
  bigserial: 'int8',
  serial8: 'int8',
  smallserial: 'int2',
  serial2: 'int2',
  real: 'float4',
  float: 'float8',
  'double precision': 'float8',
  decimal: 'numeric',
  boolean: 'bool',
  'character varying': 'varchar',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  'time with time zone': 'timetz',
  'time without time zone': 'time',
};

/** How the catalog's names read in messages. */
const TYPE_DISPLAY: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
};

const SERIALS: Record<string, Column['serial']> = {
  serial: 'serial',
  serial4: 'serial',
  bigserial: 'bigserial',
  serial8: 'bigserial',
  smallserial: 'smallserial',
  serial2: 'smallserial',
};

const FK_ACTIONS: Record<string, FkAction> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

/** CREATE TABLE … (LIKE source INCLUDING …): PostgreSQL's TableLikeOption bits. */
const LIKE_COMMENTS = 1 << 0;
const LIKE_CONSTRAINTS = 1 << 2;
const LIKE_DEFAULTS = 1 << 3;
const LIKE_GENERATED = 1 << 4;
const LIKE_IDENTITY = 1 << 5;
const LIKE_INDEXES = 1 << 6;

export function strings(list: PgNode[] | undefined): string[] {
  const out: string[] = [];
  if (!Array.isArray(list)) return out;
  for (const n of list) {
    const s = n?.String?.sval as string | undefined;
    if (s) out.push(s);
  }
  return out;
}

/** Columns an expression reads (the last name of every column reference), in the order written. */
export function columnRefs(node: PgNode | undefined): string[] {
  const out = new Set<string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    if (!n || typeof n !== 'object') return;
    const obj = n as Record<string, unknown>;
    if (obj.ColumnRef) {
      const fields = strings((obj.ColumnRef as PgNode).fields);
      if (fields.length > 0) out.add(fields[fields.length - 1]);
      return;
    }
    for (const k in obj) {
      const v = obj[k];
      if (v && typeof v === 'object') walk(v);
    }
  };
  walk(node);
  return [...out];
}

type TypeFields = Omit<ColumnType, 'range'> & { serial?: Column['serial'] };

/**
 * What `typeFromNode` made, by a key of everything its answer depends on: a schema has a few
 * dozen distinct types over thousands of columns, and each answer is frozen and shared.
 */
const typeCache = new Map<string, Readonly<TypeFields>>();
const TYPE_CACHE_MAX = 10_000;
/** The same for a type named by one name (`text`), and by `pg_catalog.` and one name (`int8`). */
const plainTypes = new Map<string, Readonly<TypeFields>>();
const catalogTypes = new Map<string, Readonly<TypeFields>>();

/**
 * What `typeFromNode` said of a TypeName node: a keystroke parses one statement again, and every
 * other statement keeps its nodes, so each column's type is looked up, not worked out, after it.
 */
const typeOfNode = new WeakMap<PgNode, Readonly<TypeFields>>();

/** The column type a TypeName node says (frozen: callers copy what they change). */
export function typeFromNode(typeName: PgNode): Readonly<TypeFields> {
  if (!typeName || typeof typeName !== 'object') return typeFromNodeContent(typeName);
  let type = typeOfNode.get(typeName);
  if (!type) typeOfNode.set(typeName, (type = typeFromNodeContent(typeName)));
  return type;
}

function typeFromNodeContent(typeName: PgNode): Readonly<TypeFields> {
  const nameNodes: PgNode[] = Array.isArray(typeName?.names) ? (typeName.names as PgNode[]) : [];
  // Most columns: `text`, `pg_catalog.int8`, without modifiers or array bounds, looked up by name.
  if (typeName && typeName.typmods === undefined && typeName.arrayBounds === undefined) {
    const last = nameNodes[nameNodes.length - 1]?.String?.sval as string | undefined;
    const plain =
      nameNodes.length === 1
        ? plainTypes
        : nameNodes.length === 2 && nameNodes[0]?.String?.sval === 'pg_catalog'
          ? catalogTypes
          : undefined;
    if (plain && last) {
      let type = plain.get(last);
      if (!type) {
        type = Object.freeze(computeType(typeName, 0));
        if (plain.size >= TYPE_CACHE_MAX) plain.clear();
        plain.set(last, type);
      }
      return type;
    }
  }
  let k = '';
  for (const n of nameNodes) {
    const s = n?.String?.sval as string | undefined;
    if (s) k += `${s}\0`;
  }
  const mods: PgNode[] = Array.isArray(typeName?.typmods) ? (typeName.typmods as PgNode[]) : [];
  if (mods.length > 0) {
    k += '(';
    for (const m of mods) {
      // An integer constant 0 comes without its `ival` (the JSON leaves out default values).
      if (m.A_Const?.ival) k += `${(m.A_Const.ival.ival as number | undefined) ?? 0},`;
    }
  }
  const arrayDims = Array.isArray(typeName?.arrayBounds) ? (typeName.arrayBounds as unknown[]).length : 0;
  if (arrayDims > 0) k += `[${arrayDims}`;
  let type = typeCache.get(k);
  if (type) return type;
  type = Object.freeze(computeType(typeName, arrayDims));
  if (typeCache.size >= TYPE_CACHE_MAX) typeCache.clear();
  typeCache.set(k, type);
  return type;
}

function computeType(typeName: PgNode, arrayDims: number): TypeFields {
  const names = strings(typeName?.names);
  const qualified = names.length > 1 && names[0] !== 'pg_catalog';
  const schema = qualified ? names[names.length - 2] : undefined;
  let raw = names[names.length - 1] ?? 'unknown';
  let modifiers = (Array.isArray(typeName?.typmods) ? (typeName.typmods as PgNode[]) : [])
    .map((m) => (m.A_Const?.ival ? ((m.A_Const.ival.ival as number | undefined) ?? 0) : undefined))
    .filter((v): v is number => typeof v === 'number');
  // `interval day to second(3)`: the first modifier is the field mask, not a precision.
  let intervalFields: number | undefined;
  if (raw === 'interval' && !qualified) {
    if (modifiers[0] !== undefined && modifiers[0] !== INTERVAL_FULL_RANGE) intervalFields = modifiers[0];
    modifiers = modifiers.slice(1);
  }
  const serial = names.length === 1 ? SERIALS[raw] : undefined;
  if (!qualified) raw = TYPE_ALIASES[raw] ?? raw;
  const base =
    (TYPE_DISPLAY[raw] ?? raw) +
    (intervalFields === undefined ? '' : ` ${intervalFieldsText(intervalFields)}`);
  const written =
    (serial ?? base) + (modifiers.length > 0 ? `(${modifiers.join(', ')})` : '') + '[]'.repeat(arrayDims);
  const type: TypeFields = { name: raw, modifiers: Object.freeze(modifiers) as number[], arrayDims, written };
  if (schema) type.schema = schema;
  if (serial) type.serial = serial;
  if (intervalFields !== undefined) type.intervalFields = intervalFields;
  return type;
}

/** PostgreSQL's interval range mask for every field (`interval`, `interval(3)`). */
const INTERVAL_FULL_RANGE = 0x7fff;
/** The interval fields from the largest to the smallest, with their bits in the range mask. */
const INTERVAL_FIELDS: readonly (readonly [string, number])[] = [
  ['year', 1 << 2],
  ['month', 1 << 1],
  ['day', 1 << 3],
  ['hour', 1 << 10],
  ['minute', 1 << 11],
  ['second', 1 << 12],
];

/** `day to second` for the range mask of `interval day to second`. */
function intervalFieldsText(mask: number): string {
  const kept = INTERVAL_FIELDS.filter(([, bit]) => (mask & bit) !== 0).map(([name]) => name);
  return kept.length <= 1 ? (kept[0] ?? '') : `${kept[0]} to ${kept[kept.length - 1]}`;
}

/**
 * The smallest field an interval type keeps, as PostgreSQL ranks them (0 second, 1 minute, 2 hour,
 * 3 day, 4 month, 5 year): every field when the type does not restrict them.
 */
export function intervalLeastField(type: { intervalFields?: number }): number {
  const mask = type.intervalFields;
  if (mask === undefined) return 0;
  for (let i = INTERVAL_FIELDS.length - 1; i >= 0; i--) {
    if ((mask & INTERVAL_FIELDS[i][1]) !== 0) return INTERVAL_FIELDS.length - 1 - i;
  }
  return 0;
}

/** The end of the identifier (plain or quoted) that starts at `at`. */
function identifierEnd(text: string, at: number): number {
  let i = at;
  if (text.charCodeAt(i) === 34) {
    for (i++; i < text.length; i++) {
      if (text.charCodeAt(i) !== 34) continue;
      if (text.charCodeAt(i + 1) === 34) i++;
      else return i + 1;
    }
    return text.length;
  }
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 40 || c === 12 || c === 11) break;
    i++;
  }
  return i;
}

/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1), never inside a character. */
export function truncateName(name: string): string {
  return clipBytes(name, 63);
}

function clipBytes(s: string, bytes: number): string {
  if (Buffer.byteLength(s) <= bytes) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (used + n > bytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/**
 * PostgreSQL's makeObjectName: `name1_name2_label`, shortening the longer of name1 and name2 (never
 * the label) until the whole fits in 63 bytes.
 */
function makeObjectName(name1: string, name2: string | undefined, label: string): string {
  let n1 = Buffer.byteLength(name1);
  let n2 = name2 ? Buffer.byteLength(name2) : 0;
  const overhead = (label ? Buffer.byteLength(label) + 1 : 0) + (name2 ? 1 : 0);
  const avail = 63 - overhead;
  while (n1 + n2 > avail) {
    if (n1 > n2) n1--;
    else n2--;
  }
  let out = clipBytes(name1, n1);
  if (name2) out += `_${clipBytes(name2, n2)}`;
  if (label) out += `_${label}`;
  return out;
}

/**
 * The name PostgreSQL gives a constraint written without one (ChooseConstraintName):
 * `<table>_<columns>_pkey|key|fkey|check|excl`, the columns of a key joined by `_`, both names
 * shortened to fit 63 bytes, and a number after the label while `taken` says the name is in use.
 * For a CHECK, `columns` are the ones its expression reads: the name carries the column only when
 * it reads exactly one (`t_a_check`), else none (`t_check`), wherever the CHECK is written.
 */
export function constraintNameFor(
  table: string,
  kind: Constraint['kind'],
  columns: readonly string[],
  taken: (name: string) => boolean,
): string {
  const label = CONSTRAINT_LABELS[kind];
  let addition: string | undefined;
  if (kind === 'check') addition = columns.length === 1 ? columns[0] : undefined;
  else if (kind !== 'primary key')
    addition = columns.length > 0 ? truncateName(columns.join('_')) : undefined;
  let name = makeObjectName(table, addition, label);
  for (let i = 1; taken(name) && i < 10000; i++) name = makeObjectName(table, addition, `${label}${i}`);
  return name;
}

/** A copy of an expression whose references to column `from` name `to` (the parse stays as it is). */
function renamedRefs(node: unknown, from: string, to: string): unknown {
  if (Array.isArray(node)) return node.map((n) => renamedRefs(n, from, to));
  if (!node || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  const ref = obj.ColumnRef as PgNode | undefined;
  if (ref) {
    const fields = (ref.fields ?? []) as PgNode[];
    if (fields[fields.length - 1]?.String?.sval !== from) return node;
    return { ...obj, ColumnRef: { ...ref, fields: [...fields.slice(0, -1), { String: { sval: to } }] } };
  }
  const out: Record<string, unknown> = {};
  for (const k in obj) out[k] = renamedRefs(obj[k], from, to);
  return out;
}

/** The smallest `location` in a node's subtree: where its text starts. */
export function minLocation(node: unknown): number | undefined {
  let min: number | undefined;
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    if (!n || typeof n !== 'object') return;
    const obj = n as Record<string, unknown>;
    for (const k in obj) {
      const v = obj[k];
      if (k === 'location') {
        if (typeof v === 'number' && v >= 0 && (min === undefined || v < min)) min = v;
      } else if (v && typeof v === 'object') walk(v);
    }
  };
  walk(node);
  return min;
}

/**
 * The schemas an unqualified name is looked up in, in order: temporary objects first, as in
 * PostgreSQL; `public` last, so a file that never sets the search_path still finds what an earlier
 * file created there.
 */
export function searchOrder(searchPath: readonly string[]): string[] {
  return ['pg_temp', ...searchPath, 'public'];
}

/**
 * A node as text without its locations: the same for the same expression wherever it is written
 * (for comparing two expressions, not for display).
 */
export function nodeKey(node: unknown): string {
  return JSON.stringify(node, (k, v) => (k === 'location' ? undefined : v));
}

/** The name PostgreSQL gives an index column that is an expression (FigureIndexColname). */
function expressionColumnName(node: PgNode | undefined): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  if (node.FuncCall) {
    const names = strings(node.FuncCall.funcname);
    return names[names.length - 1];
  }
  if (node.ColumnRef) {
    const fields = strings(node.ColumnRef.fields);
    return fields[fields.length - 1];
  }
  if (node.TypeCast) {
    const inner = expressionColumnName(node.TypeCast.arg);
    if (inner) return inner;
    const names = strings(node.TypeCast.typeName?.names);
    return names[names.length - 1];
  }
  if (node.CollateClause) return expressionColumnName(node.CollateClause.arg);
  if (node.A_Indirection) {
    const last = (node.A_Indirection.indirection ?? []).at(-1) as PgNode | undefined;
    return (last?.String?.sval as string | undefined) ?? expressionColumnName(node.A_Indirection.arg);
  }
  if (node.CaseExpr) return 'case';
  if (node.A_ArrayExpr) return 'array';
  if (node.RowExpr) return 'row';
  if (node.CoalesceExpr) return 'coalesce';
  if (node.MinMaxExpr) return node.MinMaxExpr.op === 'IS_LEAST' ? 'least' : 'greatest';
  if (node.A_Expr?.kind === 'AEXPR_NULLIF') return 'nullif';
  if (node.SQLValueFunction)
    return String(node.SQLValueFunction.op ?? '')
      .replace(/^SVFOP_/, '')
      .toLowerCase();
  return undefined;
}

/** An output column of a query (CREATE TABLE … AS). */
interface QueryColumn {
  name: string;
  type: (Omit<ColumnType, 'range'> & { serial?: Column['serial'] }) | undefined;
  /** Location of its output expression, when it has one of its own. */
  at: number | undefined;
}

/** A FROM item of a query: its alias (or table name) and its columns. */
interface QuerySource {
  alias: string;
  columns: QueryColumn[];
}

function builtinType(name: string): ReturnType<typeof typeFromNode> {
  return typeFromNode({ names: [{ String: { sval: name } }] });
}

const UNKNOWN_TYPE = builtinType('unknown');

const COMPARISONS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);

/** Aggregates whose result has their argument's type. */
const AGGREGATES_OF_ARGUMENT = new Set(['max', 'min', 'any_value']);

/** Return types of functions a CREATE TABLE … AS commonly selects. */
const FUNCTION_TYPES: Record<string, string> = {
  count: 'int8',
  now: 'timestamptz',
  statement_timestamp: 'timestamptz',
  clock_timestamp: 'timestamptz',
  transaction_timestamp: 'timestamptz',
  gen_random_uuid: 'uuid',
  uuid_generate_v4: 'uuid',
  lower: 'text',
  upper: 'text',
  concat: 'text',
  concat_ws: 'text',
  btrim: 'text',
  ltrim: 'text',
  rtrim: 'text',
  bool_and: 'bool',
  bool_or: 'bool',
};

/** A trigger's or policy's key: its table and its name. */
function memberKey(table: QualifiedName, name: string): string {
  return `${table.schema}.${table.name}\0${name}`;
}

/** True when two names are the same object's (without building their keys). */
function sameName(a: QualifiedName, b: QualifiedName): boolean {
  return a.name === b.name && a.schema === b.schema;
}

function qualifiedName(q: QualifiedName): QualifiedName {
  return { schema: q.schema, name: q.name };
}

function isColumn(n: PgNode | undefined): n is PgNode {
  return !!n && typeof n.colname === 'string';
}

/** The tables of a statement that acts on no existing table (shared, never written to; see `record`). */
const NO_TABLES = Object.freeze([]) as unknown as TableAtStatement[];

/** Index of the first Constraint node of a column's list at or after `from` (-1 when none). */
function nextConstraint(list: PgNode[], from: number): number {
  for (let i = from; i < list.length; i++) if (list[i]?.Constraint) return i;
  return -1;
}

const CONSTRAINT_KINDS: Record<string, Constraint['kind']> = {
  CONSTR_PRIMARY: 'primary key',
  CONSTR_UNIQUE: 'unique',
  CONSTR_FOREIGN: 'foreign key',
  CONSTR_CHECK: 'check',
  CONSTR_EXCLUSION: 'exclude',
};

const CONSTRAINT_LABELS: Record<Constraint['kind'], string> = {
  'primary key': 'pkey',
  unique: 'key',
  'foreign key': 'fkey',
  check: 'check',
  exclude: 'excl',
};

class SqlModelBuilder {
  private searchPath = ['public'];
  private file = '';
  private parsed!: ParsedSql;
  private statement!: SqlStatement;
  /** Keys of tables that ever had a partition or an inheritance child (a cheap "has children?"). */
  private readonly parents = new Set<string>();
  /**
   * Every name a table's constraint has had in this build: a name not in it is used by no
   * constraint, so naming one need not look through the other tables.
   */
  private readonly constraintNames = new Set<string>();
  /**
   * `table\0name` of every trigger and policy, to find a replaced one without a scan per CREATE;
   * dropped (and rebuilt when next needed) whenever the lists change otherwise.
   */
  private triggerKeys: Set<string> | undefined;
  private policyKeys: Set<string> | undefined;

  readonly model: SchemaModel;

  constructor(
    private readonly options: BuildOptions = {},
    model?: SchemaModel,
  ) {
    this.model = model ?? emptyModel();
    if (model) {
      // The names the model's constraints have, for `defaultConstraintName`'s quick "unused".
      for (const t of model.tables.values()) for (const c of t.constraints) this.constraintNames.add(c.name);
    }
  }

  replay(path: string, parsed: ParsedSql, statements: readonly ReplayedStatement[]): void {
    this.file = path;
    this.parsed = parsed;
    for (const { stmt, searchPath } of statements) {
      this.searchPath = searchPath as string[];
      this.applyStatement(stmt);
    }
  }

  applyFile(path: string, parsed: ParsedSql): void {
    this.file = path;
    this.parsed = parsed;
    // Each file starts with the server's default search_path, as each migration runs in a session.
    this.searchPath = ['public'];
    for (const stmt of parsed.statements) this.applyStatement(stmt);
  }

  /** Notes that the build found a name taken (see `clashedModels`). */
  private clashed(): void {
    clashedModels.add(this.model);
  }

  /** `taken`, noting a taken name. */
  private taken(taken: boolean): boolean {
    if (taken) this.clashed();
    return taken;
  }

  /** Records and applies a statement of the current file (as `guarded`, without a closure per statement). */
  private applyStatement(stmt: SqlStatement): void {
    this.statement = stmt;
    const n = stmt.node?.[stmt.kind] as PgNode | undefined;
    if (!n || typeof n !== 'object') return;
    try {
      this.record(stmt.kind, n, stmt, false);
      this.apply(stmt.kind, n, new StatementText(this.file, this.parsed, stmt));
    } catch (e) {
      this.options.onInternalError?.(e, this.file, stmt);
    }
  }

  /** Adds the statement to the model's history, with the tables it acts on as they stand now. */
  private record(kind: string, n: PgNode, stmt: SqlStatement, inDoBlock: boolean): void {
    // Most statements (CREATE TABLE, COMMENT …) act on no existing table: they share one empty list.
    let tables = NO_TABLES;
    const at = (name: QualifiedName): void => {
      if (tables === NO_TABLES) tables = [];
      this.tableAt(tables, name);
    };
    switch (kind) {
      case 'AlterTableStmt':
        if (n.relation?.relname && (!n.objtype || n.objtype === 'OBJECT_TABLE')) at(this.resolve(n.relation));
        break;
      case 'IndexStmt':
        if (n.relation?.relname) at(this.resolve(n.relation));
        break;
      case 'AlterObjectSchemaStmt':
        if (n.objectType === 'OBJECT_TABLE' && n.relation?.relname) at(this.resolve(n.relation));
        break;
      case 'RenameStmt':
        if (
          n.relation?.relname &&
          ['OBJECT_TABLE', 'OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT'].includes(n.renameType as string)
        ) {
          at(this.resolve(n.relation));
        }
        break;
      case 'DropStmt':
        for (const o of n.objects ?? []) {
          const names = o.List ? strings(o.List.items) : [];
          if (names.length === 0) continue;
          if (n.removeType === 'OBJECT_TABLE') at(this.resolveList(names, this.model.tables));
          else if (n.removeType === 'OBJECT_INDEX') {
            const idx = this.model.indexes.get(tableKey(this.resolveList(names, this.model.indexes)));
            if (idx) at(idx.table);
          }
        }
        break;
      default:
        break;
    }
    this.model.history?.push({
      file: this.file,
      kind,
      node: n,
      stmt,
      parsed: this.parsed,
      searchPath: this.searchPath,
      inDoBlock,
      tables,
    });
  }

  private tableAt(tables: TableAtStatement[], name: QualifiedName): void {
    const table = this.model.tables.get(tableKey(name));
    const existing = !table || table.origin.statement.file !== this.file;
    tables.push(table ? { name, table, existing } : { name, existing });
  }

  /** Runs one step of the build; a step that throws is reported and skipped, never fatal. */
  private guarded(step: () => void): void {
    try {
      step();
    } catch (e) {
      this.options.onInternalError?.(e, this.file, this.statement);
    }
  }

  private apply(kind: string, n: PgNode, st: StatementText): void {
    switch (kind) {
      case 'CreateStmt':
        return this.createTable(n, st, 'table');
      case 'CreateForeignTableStmt':
        if (n.base) this.createTable(n.base, st, 'foreign table');
        return;
      case 'AlterTableStmt':
        return this.alterTable(n, st);
      case 'IndexStmt':
        return this.createIndex(n, st);
      case 'RenameStmt':
        return this.rename(n, st);
      case 'DropStmt':
        return this.drop(n);
      case 'CreatePolicyStmt':
        return this.createPolicy(n, st);
      case 'AlterPolicyStmt':
        return this.alterPolicy(n, st);
      case 'CreateTrigStmt':
        return this.createTrigger(n, st);
      case 'CreateEnumStmt': {
        const q = this.qualifyList(strings(n.typeName));
        this.model.schemas.add(q.schema);
        this.model.enums.set(key(q.schema, q.name), {
          ...q,
          values: strings(n.vals),
          origin: this.origin(st),
        });
        return;
      }
      case 'AlterEnumStmt':
        return this.alterEnum(n);
      case 'CreateDomainStmt':
        return this.createDomain(n, st);
      case 'AlterDomainStmt':
        return this.alterDomain(n, st);
      case 'CreateFunctionStmt':
        return this.createFunction(n, st);
      case 'ViewStmt': {
        const q = this.qualify(n.view);
        this.model.schemas.add(q.schema);
        this.model.views.set(key(q.schema, q.name), {
          ...q,
          materialized: false,
          ...(n.query ? { queryNode: n.query as PgNode } : {}),
          ...(n.aliases ? { columnNames: strings(n.aliases) } : {}),
          origin: this.origin(st),
        });
        return;
      }
      case 'CreateTableAsStmt': {
        const rel = n.into?.rel;
        if (!rel?.relname) return;
        if (n.objtype === 'OBJECT_MATVIEW') {
          const q = this.qualify(rel);
          if (n.if_not_exists && this.model.views.has(key(q.schema, q.name))) return;
          this.model.views.set(key(q.schema, q.name), {
            ...q,
            materialized: true,
            ...(n.query ? { queryNode: n.query as PgNode } : {}),
            ...(n.into?.colNames ? { columnNames: strings(n.into.colNames) } : {}),
            origin: this.origin(st),
          });
        } else if (n.query?.SelectStmt) {
          this.createTableAs(n.into, n.query.SelectStmt, st, !!n.if_not_exists);
        }
        return;
      }
      case 'CreateSchemaStmt':
        return this.createSchema(n, st);
      case 'CreateExtensionStmt':
        if (n.extname) this.model.extensions.add(n.extname);
        return;
      case 'CreateSeqStmt': {
        const q = this.qualify(n.sequence);
        if (n.if_not_exists && this.model.sequences.has(key(q.schema, q.name))) return;
        this.model.sequences.set(key(q.schema, q.name), { ...q, origin: this.origin(st) });
        return;
      }
      case 'CommentStmt':
        return this.comment(n);
      case 'VariableSetStmt':
        if (n.name === 'search_path') {
          if (n.kind === 'VAR_SET_VALUE') {
            this.setSearchPath((n.args ?? []).map((a: PgNode) => a.A_Const?.sval?.sval ?? '').join(','));
          } else if (n.kind === 'VAR_RESET' || n.kind === 'VAR_SET_DEFAULT') this.searchPath = ['public'];
        }
        return;
      case 'SelectStmt':
        // SELECT … INTO t creates a table, like CREATE TABLE t AS SELECT ….
        if (n.intoClause?.rel?.relname) return this.createTableAs(n.intoClause, n, st, false);
        return this.selectSetConfig(n);
      case 'AlterObjectSchemaStmt':
        return this.setSchema(n, st);
      case 'DoStmt':
        // The DDL a DO block runs (an idempotent migration's `IF NOT EXISTS … THEN ALTER TABLE …`).
        for (const inner of doBlockStatements(this.parsed, st.stmt)) {
          const node = inner.node[inner.kind] as PgNode | undefined;
          if (node && inner.kind !== 'DoStmt') {
            this.guarded(() => {
              this.record(inner.kind, node, inner, true);
              this.apply(inner.kind, node, new StatementText(st.file, this.parsed, inner));
            });
          }
        }
        return;
      default:
        return;
    }
  }

  // ── names ──────────────────────────────────────────────────────────────────────────────────

  private setSearchPath(value: string): void {
    this.searchPath = value
      .split(',')
      .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
      .filter((s) => s !== '' && s !== '$user');
  }

  /** pg_dump writes `SELECT pg_catalog.set_config('search_path', '', false);`. */
  private selectSetConfig(n: PgNode): void {
    for (const target of n.targetList ?? []) {
      const call = target.ResTarget?.val?.FuncCall;
      if (!call) continue;
      const fname = strings(call.funcname);
      if (fname[fname.length - 1] !== 'set_config') continue;
      const [name, value] = (call.args ?? []).map((a: PgNode) => a.A_Const?.sval?.sval as string | undefined);
      // An empty string comes without its `sval`.
      const args = call.args ?? [];
      const text = value ?? (args[1]?.A_Const?.sval ? '' : undefined);
      if (name === 'search_path' && text !== undefined) this.setSearchPath(text);
    }
  }

  private creationSchema(): string {
    return this.searchPath[0] ?? 'public';
  }

  /** The name a CREATE gives: explicit schema, or the first schema of the search_path. */
  private qualify(rv: PgNode): QualifiedName {
    if (rv.schemaname) return { schema: rv.schemaname, name: rv.relname };
    if (rv.relpersistence === 't') return { schema: 'pg_temp', name: rv.relname };
    return { schema: this.creationSchema(), name: rv.relname };
  }

  private qualifyList(names: string[]): QualifiedName {
    return names.length > 1
      ? { schema: names[names.length - 2], name: names[names.length - 1] }
      : { schema: this.creationSchema(), name: names[0] };
  }

  /** The existing object a name refers to, searching the search_path (then `public`). */
  private resolve(rv: PgNode, map: Map<string, unknown> = this.model.tables): QualifiedName {
    if (rv.schemaname) return { schema: rv.schemaname, name: rv.relname };
    return this.resolveName(rv.relname, map);
  }

  private resolveList(names: string[], map: Map<string, unknown>): QualifiedName {
    if (names.length > 1) return { schema: names[names.length - 2], name: names[names.length - 1] };
    return this.resolveName(names[0], map);
  }

  private resolveName(name: string, map: Map<string, unknown>): QualifiedName {
    for (const schema of searchOrder(this.searchPath)) {
      if (map.has(key(schema, name))) return { schema, name };
    }
    return { schema: this.creationSchema(), name };
  }

  private table(rv: PgNode | undefined): Table | undefined {
    if (!rv?.relname) return undefined;
    return this.model.tables.get(tableKey(this.resolve(rv)));
  }

  /**
   * Where an object was written: the whole statement, or (lazily) the list element or column
   * constraint at `at`, or what `range` computes.
   */
  private origin(st: StatementText, at?: number, range?: 'constraint' | (() => SourceRange)): Origin {
    if (at === undefined && typeof range !== 'function') return { statement: st.range, range: st.range };
    return new LazyOrigin(st, at ?? st.stmt.start, range ?? 'element');
  }

  private offset(st: StatementText, location: number | undefined): number {
    return nodeOffset(this.parsed, st.stmt, location);
  }

  // ── tables ─────────────────────────────────────────────────────────────────────────────────

  private createTable(n: PgNode, st: StatementText, kind: TableKind): void {
    if (!n.relation?.relname) return;
    const q = this.qualify(n.relation);
    const k = key(q.schema, q.name);
    if (n.if_not_exists && this.model.tables.has(k)) return this.clashed();
    const parents: QualifiedName[] = (n.inhRelations ?? []).flatMap((r: PgNode) =>
      r.RangeVar?.relname ? [this.resolve(r.RangeVar)] : [],
    );
    const partitionOf = n.partbound ? parents[0] : undefined;
    // Every property written out, no spread: V8 then keeps them in the object itself, and every
    // rule reads tables (spreads made each read go through a separate property store).
    const table: Table = {
      schema: q.schema,
      name: q.name,
      kind: n.partspec ? 'partitioned table' : kind,
      columns: [],
      constraints: [],
      inherits: partitionOf ? [] : parents,
      temporary: n.relation.relpersistence === 't',
      unlogged: n.relation.relpersistence === 'u',
      rls: { enabled: false, forced: false },
      origin: this.origin(st),
      statements: [st.range],
    };
    if (partitionOf) table.partitionOf = partitionOf;
    if (n.partspec) {
      const strategy = String(n.partspec.strategy ?? '').toLowerCase();
      const params: PgNode[] = n.partspec.partParams ?? [];
      const expressions = params.flatMap((p) => (p.PartitionElem?.expr ? [p.PartitionElem.expr] : []));
      table.partitionBy = {
        strategy: strategy.includes('list') ? 'list' : strategy.includes('hash') ? 'hash' : 'range',
        columns: params
          .map((p: PgNode) => p.PartitionElem?.name as string | undefined)
          .filter((x: string | undefined): x is string => !!x),
        ...(expressions.length > 0 ? { expressionColumns: columnRefs(expressions) } : {}),
      };
    }
    // Created again (PostgreSQL would refuse): the new definition wins, without the old one's indexes,
    // policies and triggers; what other tables say about it stays.
    if (this.model.tables.has(k)) {
      this.clashed();
      this.forgetTable(k);
    }
    this.model.schemas.add(q.schema);
    this.model.tables.set(k, table);
    for (const p of parents) this.parents.add(tableKey(p));
    // A partition has its parent's columns, first (copies that keep the parent's text). An
    // INHERITS child lists only its own: see `columnsWithInherited` in queries.ts.
    const parent = partitionOf && this.model.tables.get(tableKey(partitionOf));
    for (const c of parent ? parent.columns : []) table.columns.push(copyLazy(c));
    for (const el of n.tableElts ?? []) {
      if (isColumn(el.ColumnDef)) this.addColumn(table, el.ColumnDef, st);
      else if (el.Constraint) this.addConstraint(table, el.Constraint, st, false);
      else if (el.TableLikeClause) this.like(table, el.TableLikeClause, st);
    }
    // A self-referencing foreign key written before the primary key it points at.
    for (const c of table.constraints) {
      if (c.references && c.references.columns.length === 0 && tableKey(c.references.table) === k) {
        c.references.columns = [...(table.constraints.find((x) => x.kind === 'primary key')?.columns ?? [])];
      }
    }
  }

  /** CREATE TABLE … AS SELECT: a table whose columns are the query's (see `queryColumns`). */
  private createTableAs(into: PgNode, select: PgNode, st: StatementText, ifNotExists: boolean): void {
    const q = this.qualify(into.rel);
    const k = key(q.schema, q.name);
    if (ifNotExists && this.model.tables.has(k)) return;
    if (this.model.tables.has(k)) this.forgetTable(k);
    const names = strings(into.colNames);
    const columns = this.queryColumns(select, 0).map((c, i): Column => {
      const at = c.at === undefined ? undefined : this.offset(st, c.at);
      const { serial: _serial, ...type } = c.type ?? UNKNOWN_TYPE;
      const column: Column = {
        name: names[i] ?? c.name,
        type: { ...type },
        notNull: false,
        origin: this.origin(st, at),
        nameRange: st.range_(at ?? st.stmt.start, at ?? st.stmt.start),
      };
      if (at !== undefined) {
        // The alias after AS when there is one, else the whole output expression.
        lazy(column, 'nameRange', () => {
          const r = st.elementRange(at);
          const tokens = st.tokens;
          const i = st.tokenIndexAt(r.end) - 1;
          const last = tokens[i];
          return last && tokens[i - 1]?.text.toUpperCase() === 'AS' ? st.range_(last.start, last.end) : r;
        });
      }
      return column;
    });
    this.model.schemas.add(q.schema);
    this.model.tables.set(k, {
      ...q,
      kind: 'table',
      columns,
      constraints: [],
      inherits: [],
      temporary: into.rel.relpersistence === 't',
      unlogged: into.rel.relpersistence === 'u',
      rls: { enabled: false, forced: false },
      origin: this.origin(st),
      statements: [st.range],
      fromQuery: true,
    });
  }

  /**
   * The output columns of a query: names as PostgreSQL gives them, and types where the query
   * says (a cast, a literal, a comparison, a column of a table or subquery it reads).
   */
  private queryColumns(select: PgNode | undefined, depth: number): QueryColumn[] {
    if (!select || depth > 8) return [];
    if (select.op && select.op !== 'SETOP_NONE') return this.queryColumns(select.larg, depth + 1);
    const sources: QuerySource[] = (select.fromClause ?? []).flatMap((f: PgNode) =>
      this.querySources(f, depth),
    );
    const out: QueryColumn[] = [];
    for (const target of select.targetList ?? []) {
      const rt = target.ResTarget as PgNode | undefined;
      if (!rt) continue;
      const fields: PgNode[] = rt.val?.ColumnRef?.fields ?? [];
      if (fields.length > 0 && fields[fields.length - 1].A_Star) {
        const alias = strings(fields.slice(0, -1)).at(-1);
        for (const s of sources) {
          if (!alias || s.alias === alias) out.push(...s.columns.map((c) => ({ ...c, at: undefined })));
        }
        continue;
      }
      out.push({
        name: (rt.name as string | undefined) ?? expressionColumnName(rt.val) ?? '?column?',
        type: this.expressionType(rt.val, sources),
        at: rt.location,
      });
    }
    return out;
  }

  /** What a FROM item offers a query: its alias and columns. */
  private querySources(f: PgNode, depth: number): QuerySource[] {
    if (f.RangeVar?.relname) {
      const t = this.table(f.RangeVar);
      const alias = (f.RangeVar.alias?.aliasname as string | undefined) ?? f.RangeVar.relname;
      return [
        { alias, columns: (t?.columns ?? []).map((c) => ({ name: c.name, type: c.type, at: undefined })) },
      ];
    }
    if (f.RangeSubselect?.subquery?.SelectStmt) {
      const alias = (f.RangeSubselect.alias?.aliasname as string | undefined) ?? '';
      return [{ alias, columns: this.queryColumns(f.RangeSubselect.subquery.SelectStmt, depth + 1) }];
    }
    if (f.JoinExpr) {
      return [
        ...this.querySources(f.JoinExpr.larg ?? {}, depth),
        ...this.querySources(f.JoinExpr.rarg ?? {}, depth),
      ];
    }
    return [];
  }

  /** The type of an output expression, when the query makes it plain; undefined otherwise. */
  private expressionType(val: PgNode | undefined, sources: QuerySource[]): QueryColumn['type'] {
    if (!val) return undefined;
    if (val.TypeCast?.typeName) return typeFromNode(val.TypeCast.typeName);
    if (val.A_Const) {
      const c = val.A_Const;
      if (c.ival) return builtinType('int4');
      if (c.fval) return builtinType('numeric');
      if (c.boolval) return builtinType('bool');
      if (c.sval) return builtinType('text');
      return undefined;
    }
    if (val.ColumnRef) {
      const names = strings(val.ColumnRef.fields);
      const name = names.at(-1);
      const alias = names.length > 1 ? names.at(-2) : undefined;
      const found = sources.flatMap((s) =>
        !alias || s.alias === alias ? s.columns.filter((c) => c.name === name) : [],
      );
      return found.length === 1 ? found[0].type : undefined;
    }
    if (val.BoolExpr || val.NullTest || val.BooleanTest || val.SubLink?.subLinkType === 'EXISTS_SUBLINK') {
      return builtinType('bool');
    }
    if (val.A_Expr?.kind === 'AEXPR_OP') {
      const op = strings(val.A_Expr.name).at(-1) ?? '';
      return COMPARISONS.has(op) ? builtinType('bool') : undefined;
    }
    if (val.CoalesceExpr) {
      for (const a of val.CoalesceExpr.args ?? []) {
        const t = this.expressionType(a, sources);
        if (t) return t;
      }
      return undefined;
    }
    if (val.FuncCall) {
      const fn = strings(val.FuncCall.funcname).at(-1) ?? '';
      const returns = FUNCTION_TYPES[fn];
      if (returns) return builtinType(returns);
      if (AGGREGATES_OF_ARGUMENT.has(fn)) return this.expressionType(val.FuncCall.args?.[0], sources);
      return undefined;
    }
    return undefined;
  }

  /** `LIKE source [INCLUDING …]`: columns always, and what the options ask for. */
  private like(table: Table, clause: PgNode, st: StatementText): void {
    const source = this.table(clause.relation);
    if (!source) return;
    const options = Number(clause.options ?? 0);
    const at = this.offset(st, clause.relation?.location);
    const origin = this.origin(st, undefined, () => {
      const tokens = st.tokens;
      const i = st.tokenIndexAt(at);
      const start = tokens[i - 1]?.text.toUpperCase() === 'LIKE' ? tokens[i - 1].start : at;
      return st.elementRange(start);
    });
    for (const c of source.columns) {
      if (table.columns.some((x) => x.name === c.name)) continue;
      const copy = copyLazy(c);
      if (!(options & LIKE_DEFAULTS)) {
        copy.default = undefined;
        copy.defaultNode = undefined;
        copy.serial = undefined;
      }
      if (!(options & LIKE_IDENTITY)) copy.identity = undefined;
      if (!(options & LIKE_GENERATED)) copy.generated = copy.generatedNode = undefined;
      if (!(options & LIKE_COMMENTS)) copy.comment = undefined;
      for (const p of [
        'default',
        'defaultNode',
        'serial',
        'identity',
        'generated',
        'generatedNode',
        'comment',
      ] as const) {
        if (copy[p] === undefined) delete copy[p];
      }
      table.columns.push(copy);
    }
    const copyConstraint = (c: Constraint, name: string): Constraint => {
      const copy = copyLazy(c);
      copy.name = name;
      copy.origin = origin;
      copy.columns = [...c.columns];
      return copy;
    };
    if (options & LIKE_CONSTRAINTS) {
      for (const c of source.constraints) {
        if (c.kind === 'check') this.pushConstraint(table, copyConstraint(c, c.name));
      }
    }
    if (options & LIKE_INDEXES) {
      for (const c of source.constraints) {
        if (c.kind !== 'primary key' && c.kind !== 'unique' && c.kind !== 'exclude') continue;
        const copy = copyConstraint(c, this.defaultConstraintName(table, c.kind, c.columns));
        copy.named = false;
        this.pushConstraint(table, copy);
        this.addConstraintIndex(table, copy, this.model.indexes.get(key(source.schema, c.name)));
      }
      for (const idx of this.indexesOf(source)) {
        if (idx.constraint) continue;
        const names = idx.elements.map(
          (e) =>
            e.column ??
            expressionColumnName(e.expressionKey ? JSON.parse(e.expressionKey) : undefined) ??
            'expr',
        );
        const copy = copyLazy(idx);
        copy.name = this.defaultIndexName(table, names);
        copy.schema = table.schema;
        copy.table = qualifiedName(table);
        copy.concurrently = false;
        copy.origin = origin;
        this.model.indexes.set(key(table.schema, copy.name), copy);
      }
    }
  }

  private addColumn(table: Table, def: PgNode, st: StatementText): Column | undefined {
    const at = this.offset(st, def.location);
    if (!def.typeName) {
      // `PARTITION OF p (a WITH OPTIONS NOT NULL)`: options for a column the parent defines.
      const existing = table.columns.find((c) => c.name === def.colname);
      if (!existing) return undefined;
      for (const c of def.constraints ?? []) this.applyColumnConstraint(table, existing, c.Constraint, st);
      return existing;
    }
    const fields = typeFromNode(def.typeName);
    const serial = fields.serial;
    const typeAt = this.offset(st, def.typeName.location);
    const column: Column = {
      name: def.colname,
      type: new LazyType(fields, st, typeAt),
      notNull: !!serial,
      origin: this.origin(st, at),
      nameRange: st.range_(at, identifierEnd(this.parsed.sqlText, at)),
    };
    if (serial) column.serial = serial;
    const columns = table.columns;
    let existing = -1;
    for (let i = 0; i < columns.length && existing < 0; i++)
      if (columns[i].name === column.name) existing = i;
    if (existing >= 0) columns.splice(existing, 1, column);
    else columns.push(column);
    const list: PgNode[] = Array.isArray(def.constraints) ? (def.constraints as PgNode[]) : [];
    let last: Constraint | undefined;
    let i = nextConstraint(list, 0);
    while (i >= 0) {
      const c = list[i].Constraint as PgNode;
      const j = nextConstraint(list, i + 1);
      i = j;
      if (String(c.contype).startsWith('CONSTR_ATTR_')) {
        // DEFERRABLE, INITIALLY DEFERRED … written after a constraint belong to that constraint.
        if (last && (c.contype === 'CONSTR_ATTR_DEFERRABLE' || c.contype === 'CONSTR_ATTR_DEFERRED')) {
          last.deferrable = true;
        }
        continue;
      }
      // The text of a DEFAULT runs up to the column's next constraint.
      const nextAt = j >= 0 ? this.offset(st, (list[j].Constraint as PgNode).location) : undefined;
      last = this.applyColumnConstraint(table, column, c, st, nextAt);
    }
    if (def.raw_default) this.setDefault(column, def.raw_default, st);
    return column;
  }

  /** Applies one column constraint; returns the table constraint it created, if any. */
  private applyColumnConstraint(
    table: Table,
    column: Column,
    c: PgNode | undefined,
    st: StatementText,
    nextAt?: number,
  ): Constraint | undefined {
    if (!c) return undefined;
    switch (c.contype) {
      case 'CONSTR_NOTNULL':
        column.notNull = true;
        return undefined;
      case 'CONSTR_NULL':
        column.notNull = false;
        return undefined;
      case 'CONSTR_DEFAULT':
        this.setDefault(column, c.raw_expr, st, this.offset(st, c.location), nextAt);
        return undefined;
      case 'CONSTR_IDENTITY':
        column.identity = c.generated_when === 'a' ? 'always' : 'by default';
        column.notNull = true;
        return undefined;
      case 'CONSTR_GENERATED':
        column.generated = true;
        column.generatedNode = c.raw_expr;
        return undefined;
      case 'CONSTR_PRIMARY':
        column.notNull = true;
        return this.addConstraint(table, c, st, true, column.name);
      case 'CONSTR_UNIQUE':
        return this.addConstraint(table, c, st, true, column.name);
      case 'CONSTR_FOREIGN':
        return this.addConstraint(table, c, st, true, column.name, nextAt);
      case 'CONSTR_CHECK':
        return this.addConstraint(table, c, st, true, column.name);
      default:
        return undefined;
    }
  }

  /**
   * A column's default: its node, and its text as written. Inline (`DEFAULT now()`), the text runs
   * from after the DEFAULT keyword at `constraintAt` to the column's next constraint (`nextAt`) or
   * the end of the column, found by a look at those few characters. After ALTER COLUMN … SET
   * DEFAULT, it is found in the statement's tokens when first read.
   */
  private setDefault(
    column: Column,
    expr: PgNode | undefined,
    st: StatementText,
    constraintAt?: number,
    nextAt?: number,
  ): void {
    if (!expr) return;
    column.defaultNode = expr;
    const text = this.parsed.sqlText;
    const keyword =
      constraintAt === undefined
        ? undefined
        : /^(?:constraint\s+(?:"(?:[^"]|"")*"|[^\s"]+)\s+)?default\b/i.exec(
            text.slice(constraintAt, constraintAt + 200),
          );
    if (constraintAt !== undefined && keyword) {
      const start = constraintAt + keyword[0].length;
      const end = clauseTextEnd(text, start, nextAt ?? st.stmt.end);
      column.default = text.slice(start, end).trim();
      return;
    }
    const exprAt = this.offset(st, minLocation(expr));
    lazy(column, 'default', () => {
      const start = st.defaultStart(exprAt);
      return st.text(start, Math.max(start, st.clauseEnd(start))).trim();
    });
  }

  private addConstraint(
    table: Table,
    c: PgNode,
    st: StatementText,
    inline: boolean,
    /** An inline constraint's column: its columns (a CHECK's are still those its expression reads). */
    inlineColumn?: string,
    /** For an inline constraint, where the column's next constraint starts. */
    nextAt?: number,
  ): Constraint | undefined {
    if (c.contype === 'CONSTR_NOTNULL') {
      // PostgreSQL 18: `NOT NULL col` as a table constraint.
      for (const name of strings(c.keys)) {
        const col = table.columns.find((x) => x.name === name);
        if (col) col.notNull = true;
      }
      return undefined;
    }
    const kind = CONSTRAINT_KINDS[c.contype as string];
    if (!kind) return undefined;
    const at = this.offset(st, c.location);
    if (kind === 'primary key') {
      // A table has one primary key (PostgreSQL refuses a second): the new one replaces it.
      const old = table.constraints.find((k) => k.kind === 'primary key');
      if (old) {
        this.clashed();
        for (const pk of table.constraints.filter((k) => k.kind === 'primary key')) {
          this.dropConstraint(table, pk.name);
        }
      }
    }
    const usingIndex = c.indexname as string | undefined;
    const index = usingIndex ? this.model.indexes.get(key(table.schema, usingIndex)) : undefined;
    let columns: string[];
    if (inlineColumn !== undefined && kind !== 'exclude') columns = [inlineColumn];
    else if (kind === 'foreign key') columns = strings(c.fk_attrs);
    else if (kind === 'check') columns = columnRefs(c.raw_expr);
    else if (kind === 'exclude') {
      columns = (c.exclusions ?? []).flatMap((x: PgNode) => {
        const name = x.List?.items?.[0]?.IndexElem?.name as string | undefined;
        return name ? [name] : [];
      });
    } else if (index && strings(c.keys).length === 0) columns = index.elements.flatMap((e) => e.column ?? []);
    else columns = strings(c.keys);
    const constraint: Constraint = {
      kind,
      // ADD … USING INDEX without a name: the constraint takes the index's name.
      name:
        (c.conname as string | undefined) ??
        usingIndex ??
        this.defaultConstraintName(table, kind, kind === 'check' ? columnRefs(c.raw_expr) : columns),
      named: !!c.conname,
      columns,
      inline,
      notValid: !!c.skip_validation,
      origin: this.origin(st, at, inline ? 'constraint' : undefined),
    };
    if (c.deferrable) constraint.deferrable = true;
    if (c.nulls_not_distinct) constraint.nullsNotDistinct = true;
    if (c.including) constraint.include = strings(c.including);
    if (kind === 'exclude') {
      const elements = ((c.exclusions ?? []) as PgNode[]).map(
        (x) => x.List?.items?.[0] as PgNode | undefined,
      );
      constraint.exclusionColumns = [...new Set([...columns, ...columnRefs(elements)])];
    }
    if (kind === 'foreign key') this.foreignKey(constraint, table, c, st, at, nextAt);
    if (kind === 'check') {
      constraint.checkNode = c.raw_expr;
      constraint.checkColumns = columnRefs(c.raw_expr);
      constraint.checkText = this.parenthesisedText(at, st.stmt.end);
    }
    if (kind === 'primary key') {
      for (const col of table.columns) if (columns.includes(col.name)) col.notNull = true;
    }
    this.pushConstraint(table, constraint);
    if (kind === 'primary key' || kind === 'unique' || kind === 'exclude') {
      if (index) {
        // ADD … USING INDEX: the index becomes the constraint's, renamed after it.
        this.model.indexes.delete(key(table.schema, index.name));
        index.name = constraint.name;
        index.constraint = constraint.name;
        index.unique = kind !== 'exclude';
        this.model.indexes.set(key(table.schema, constraint.name), index);
      } else {
        this.addConstraintIndex(table, constraint, undefined, c);
      }
    }
    return constraint;
  }

  /** The index behind a PRIMARY KEY, UNIQUE or EXCLUDE constraint. */
  private addConstraintIndex(table: Table, constraint: Constraint, like?: Index, c?: PgNode): void {
    const index: Index = {
      schema: table.schema,
      name: constraint.name,
      table: qualifiedName(table),
      elements: like
        ? like.elements.map((e) => copyLazy(e))
        : constraint.columns.map((column) => ({ column })),
      include: [...(constraint.include ?? like?.include ?? [])],
      unique: constraint.kind !== 'exclude',
      method: like?.method ?? (c?.access_method as string | undefined) ?? 'btree',
      concurrently: false,
      constraint: constraint.name,
      origin: constraint.origin,
    };
    if (constraint.nullsNotDistinct) index.nullsNotDistinct = true;
    const predicate = like?.predicateNode ?? (c?.where_clause as PgNode | undefined);
    if (predicate) index.predicateNode = predicate;
    if (like?.predicateNode) lazy(index, 'predicateText', () => like.predicateText);
    if (this.model.indexes.has(key(table.schema, constraint.name))) this.clashed();
    this.model.indexes.set(key(table.schema, constraint.name), index);
  }

  private foreignKey(
    constraint: Constraint,
    table: Table,
    c: PgNode,
    st: StatementText,
    at: number,
    nextAt: number | undefined,
  ): void {
    const target = c.pktable?.relname ? this.resolve(c.pktable) : qualifiedName(table);
    const refTable = this.model.tables.get(tableKey(target));
    let refColumns = strings(c.pk_attrs);
    if (refColumns.length === 0 && refTable) {
      refColumns = [...(refTable.constraints.find((k) => k.kind === 'primary key')?.columns ?? [])];
      if (refTable !== table) this.options.onPrimaryKeyLookup?.(tableKey(target), this.statement);
    }
    constraint.references = { table: target, columns: refColumns };
    const del = FK_ACTIONS[c.fk_del_action as string] ?? 'no action';
    const upd = FK_ACTIONS[c.fk_upd_action as string] ?? 'no action';
    // The parse tree says NO ACTION both when written and when left out: ask the constraint's text.
    const text = this.parsed.sqlText;
    const end =
      del === 'no action' || upd === 'no action' ? clauseTextEnd(text, at, nextAt ?? st.stmt.end) : at;
    if (del !== 'no action') constraint.onDelete = del;
    else if (hasWords(text, at, end, ['on', 'delete'])) constraint.onDelete = 'no action';
    if (upd !== 'no action') constraint.onUpdate = upd;
    else if (hasWords(text, at, end, ['on', 'update'])) constraint.onUpdate = 'no action';
  }

  /** The text inside the first parentheses at or after `at` (a CHECK's expression). */
  private parenthesisedText(at: number, limit: number): string {
    const parens = closingParen(this.parsed.sqlText, at, limit);
    return parens ? this.parsed.sqlText.slice(parens.open + 1, parens.close).trim() : '';
  }

  private pushConstraint(table: Table, constraint: Constraint): void {
    table.constraints.push(constraint);
    this.constraintNames.add(constraint.name);
  }

  /**
   * PostgreSQL's naming of constraints without a name: `<table>_<cols>_pkey|key|fkey|check|excl`,
   * free among the constraints of every table of the schema (ChooseConstraintName); the name of a
   * PRIMARY KEY, UNIQUE or EXCLUDE, which is also its index's, among the schema's tables, indexes,
   * views and sequences too (ChooseRelationName).
   */
  private defaultConstraintName(table: Table, kind: Constraint['kind'], columns: string[]): string {
    const schema = table.schema;
    const inSchema = (name: string): boolean => {
      if (!this.constraintNames.has(name)) return false;
      for (const t of this.model.tables.values()) {
        if (t.schema === schema && t.constraints.some((c) => c.name === name)) return true;
      }
      return false;
    };
    const indexBacked = kind === 'primary key' || kind === 'unique' || kind === 'exclude';
    const k = (name: string) => key(schema, name);
    return constraintNameFor(table.name, kind, columns, (name) =>
      this.taken(
        table.constraints.some((c) => c.name === name) ||
          inSchema(name) ||
          (indexBacked &&
            (this.model.indexes.has(k(name)) ||
              this.model.tables.has(k(name)) ||
              this.model.views.has(k(name)) ||
              this.model.sequences.has(k(name)))),
      ),
    );
  }

  private alterTable(n: PgNode, st: StatementText): void {
    if (n.objtype && n.objtype !== 'OBJECT_TABLE' && n.objtype !== 'OBJECT_FOREIGN_TABLE') return;
    const table = this.table(n.relation);
    if (!table) return;
    table.statements.push(st.range);
    // Column changes reach partitions and inheritance children too, unless written with ONLY.
    const recurse = n.relation?.inh === true;
    for (const raw of n.cmds ?? []) {
      const cmd = raw.AlterTableCmd as PgNode | undefined;
      if (cmd) this.guarded(() => this.alterTableCmd(table, cmd, st, recurse));
    }
  }

  private alterTableCmd(table: Table, cmd: PgNode, st: StatementText, recurse: boolean): void {
    const column = cmd.name ? table.columns.find((c) => c.name === cmd.name) : undefined;
    const family = (): Table[] => (recurse ? [table, ...this.descendants(table)] : [table]);
    const columnsNamed = (name: string) =>
      family().flatMap((t) => t.columns.filter((c) => c.name === name).map((c) => ({ t, c })));
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        const def = cmd.def?.ColumnDef as PgNode | undefined;
        if (!isColumn(def)) break;
        if (cmd.missing_ok && table.columns.some((c) => c.name === def.colname)) break;
        const added = this.addColumn(table, def, st);
        if (!added) break;
        // Partitions list their parent's columns; inheritance children only their own.
        for (const child of recurse ? this.descendants(table, true) : []) {
          if (!child.columns.some((c) => c.name === added.name)) child.columns.push(copyLazy(added));
        }
        break;
      }
      case 'AT_DropColumn':
        if (!column) break;
        for (const t of family())
          if (t.columns.some((c) => c.name === column.name)) this.dropColumn(t, column.name);
        break;
      case 'AT_AlterColumnType': {
        const typeName = cmd.def?.ColumnDef?.typeName;
        if (!column || !typeName) break;
        const typeAt = this.offset(st, typeName.location);
        const type = new LazyType(typeFromNode(typeName), st, typeAt);
        for (const { c } of columnsNamed(column.name)) c.type = type;
        break;
      }
      case 'AT_SetNotNull':
        if (column) for (const { c } of columnsNamed(column.name)) c.notNull = true;
        break;
      case 'AT_DropNotNull':
        if (column) for (const { c } of columnsNamed(column.name)) c.notNull = false;
        break;
      case 'AT_ColumnDefault':
        if (!column) break;
        for (const { c } of columnsNamed(column.name)) {
          if (cmd.def) this.setDefault(c, cmd.def, st);
          else {
            delete c.default;
            delete c.defaultNode;
          }
          // A serial is an integer with its sequence as DEFAULT: without that DEFAULT it numbers
          // nothing, and is a plain integer column.
          if (c.serial && !/\bnextval\s*\(/i.test(c.default ?? '')) delete c.serial;
        }
        break;
      case 'AT_AddIdentity':
        if (column) {
          column.identity = cmd.def?.Constraint?.generated_when === 'a' ? 'always' : 'by default';
          column.notNull = true;
        }
        break;
      case 'AT_SetIdentity':
        for (const o of (Array.isArray(cmd.def) ? cmd.def : (cmd.def?.List?.items ?? [])) as PgNode[]) {
          const d = o.DefElem;
          if (column?.identity && d?.defname === 'generated') {
            // `SET GENERATED ALWAYS | BY DEFAULT`: PostgreSQL's 'a' or 'd', as a character code.
            column.identity = d.arg?.Integer?.ival === 100 ? 'by default' : 'always';
          }
        }
        break;
      case 'AT_DropIdentity':
        if (column) delete column.identity;
        break;
      case 'AT_SetExpression':
        if (column?.generated && cmd.def) column.generatedNode = cmd.def;
        break;
      case 'AT_DropExpression':
        if (column) {
          delete column.generated;
          delete column.generatedNode;
        }
        break;
      case 'AT_AddConstraint':
        if (cmd.def?.Constraint) this.addConstraint(table, cmd.def.Constraint, st, false);
        break;
      case 'AT_DropConstraint':
        if (cmd.name) this.dropConstraint(table, cmd.name, cmd.behavior === 'DROP_CASCADE');
        break;
      case 'AT_ValidateConstraint': {
        const c = table.constraints.find((k) => k.name === cmd.name);
        if (c) c.notValid = false;
        break;
      }
      case 'AT_EnableRowSecurity':
        table.rls.enabled = true;
        table.rls.enabledAt = this.origin(st);
        break;
      case 'AT_DisableRowSecurity':
        table.rls.enabled = false;
        delete table.rls.enabledAt;
        break;
      case 'AT_ForceRowSecurity':
        table.rls.forced = true;
        table.rls.forcedAt = this.origin(st);
        break;
      case 'AT_NoForceRowSecurity':
        table.rls.forced = false;
        delete table.rls.forcedAt;
        break;
      case 'AT_AttachPartition': {
        const part = this.table(cmd.def?.PartitionCmd?.name);
        if (part) {
          part.partitionOf = qualifiedName(table);
          part.inherits = part.inherits.filter((p) => tableKey(p) !== tableKey(table));
          this.parents.add(tableKey(table));
        }
        break;
      }
      case 'AT_DetachPartition': {
        const part = this.table(cmd.def?.PartitionCmd?.name);
        if (part && part.partitionOf && tableKey(part.partitionOf) === tableKey(table))
          delete part.partitionOf;
        break;
      }
      case 'AT_AddInherit': {
        const parent = cmd.def?.RangeVar ? this.resolve(cmd.def.RangeVar) : undefined;
        if (parent && !table.inherits.some((p) => tableKey(p) === tableKey(parent))) {
          table.inherits.push(parent);
          this.parents.add(tableKey(parent));
        }
        break;
      }
      case 'AT_DropInherit': {
        const parent = cmd.def?.RangeVar ? this.resolve(cmd.def.RangeVar) : undefined;
        if (parent) table.inherits = table.inherits.filter((p) => tableKey(p) !== tableKey(parent));
        break;
      }
      case 'AT_SetLogged':
        table.unlogged = false;
        break;
      case 'AT_SetUnLogged':
        table.unlogged = true;
        break;
      default:
        break;
    }
  }

  /** Partitions and inheritance children (or only partitions), at any depth. */
  private descendants(table: Table, partitionsOnly = false): Table[] {
    if (!this.parents.has(tableKey(table))) return [];
    const out: Table[] = [];
    const seen = new Set([tableKey(table)]);
    const queue = [tableKey(table)];
    for (let k = queue.shift(); k !== undefined; k = queue.shift()) {
      for (const t of this.model.tables.values()) {
        const tk = tableKey(t);
        if (seen.has(tk)) continue;
        const isChild =
          (t.partitionOf && tableKey(t.partitionOf) === k) ||
          (!partitionsOnly && t.inherits.some((p) => tableKey(p) === k));
        if (!isChild) continue;
        seen.add(tk);
        out.push(t);
        if (this.parents.has(tk)) queue.push(tk);
      }
    }
    return out;
  }

  private dropColumn(table: Table, name: string): void {
    table.columns = table.columns.filter((c) => c.name !== name);
    // PostgreSQL drops the constraints and indexes that depend on the column…
    for (const c of table.constraints.filter(
      (k) => k.columns.includes(name) || (k.checkColumns ?? []).includes(name),
    )) {
      this.dropConstraint(table, c.name, true);
    }
    const tk = tableKey(table);
    for (const [k, idx] of this.model.indexes) {
      if (tableKey(idx.table) !== tk) continue;
      if (
        idx.include.includes(name) ||
        idx.elements.some((e) => e.column === name || e.expressionColumns?.includes(name)) ||
        (idx.predicateNode && columnRefs(idx.predicateNode).includes(name))
      ) {
        this.model.indexes.delete(k);
      }
    }
    // … and, with CASCADE (without it the drop fails), the foreign keys that reference it.
    for (const other of this.model.tables.values()) {
      other.constraints = other.constraints.filter(
        (c) => !(c.references && tableKey(c.references.table) === tk && c.references.columns.includes(name)),
      );
    }
  }

  private dropConstraint(table: Table, name: string, cascade = false): void {
    const dropped = table.constraints.find((c) => c.name === name);
    if (!dropped) return;
    table.constraints = table.constraints.filter((c) => c !== dropped);
    const idx = this.model.indexes.get(key(table.schema, name));
    if (idx?.constraint === name) this.model.indexes.delete(key(table.schema, name));
    if (cascade && (dropped.kind === 'primary key' || dropped.kind === 'unique')) {
      // Foreign keys that needed this key go with it.
      const tk = tableKey(table);
      const cols = [...dropped.columns].sort().join(',');
      for (const other of this.model.tables.values()) {
        other.constraints = other.constraints.filter(
          (c) =>
            !(
              c.references &&
              tableKey(c.references.table) === tk &&
              [...c.references.columns].sort().join(',') === cols
            ),
        );
      }
    }
  }

  /** Every index on a table. */
  private indexesOf(table: QualifiedName): Index[] {
    const k = tableKey(table);
    return [...this.model.indexes.values()].filter((idx) => tableKey(idx.table) === k);
  }

  // ── indexes ────────────────────────────────────────────────────────────────────────────────

  private createIndex(n: PgNode, st: StatementText): void {
    if (!n.relation?.relname) return;
    const target = this.resolve(n.relation);
    const table = this.model.tables.get(tableKey(target));
    // The text of every expression element, from one look at the tokens when first asked.
    let texts: { start: number; end: number }[] | undefined;
    const relationAt = this.offset(st, n.relation.location);
    const elementText = (i: number) => {
      texts ??= st.listElements(relationAt);
      const r = texts[i];
      return r ? st.text(r.start, r.end).trim() : '';
    };
    const params: PgNode[] = (n.indexParams ?? []).map((p: PgNode) => p.IndexElem).filter(Boolean);
    const elements: IndexElement[] = params.map((e, i) => {
      const el: IndexElement = {};
      if (e.name) el.column = e.name;
      else if (e.expr) {
        el.expressionColumns = columnRefs(e.expr);
        el.expressionKey = nodeKey(e.expr);
        lazy(el, 'expression', () => elementText(i));
      }
      if (e.ordering === 'SORTBY_DESC') el.descending = true;
      if (e.opclass) el.opclass = strings(e.opclass).join('.');
      if (e.collation) el.collation = strings(e.collation).join('.');
      return el;
    });
    const name =
      n.idxname ??
      this.defaultIndexName(
        target,
        params.map((e) => e.indexcolname ?? e.name ?? expressionColumnName(e.expr) ?? 'expr'),
      );
    const k = key(target.schema, name);
    if (n.if_not_exists && this.model.indexes.has(k)) return this.clashed();
    const index: Index = {
      schema: target.schema,
      name,
      table: target,
      elements,
      include: (n.indexIncludingParams ?? []).map((p: PgNode) => p.IndexElem?.name).filter(Boolean),
      unique: !!n.unique,
      method: n.accessMethod ?? 'btree',
      concurrently: !!n.concurrent,
      origin: this.origin(st),
    };
    if (n.nulls_not_distinct) index.nullsNotDistinct = true;
    if (n.whereClause) {
      index.predicateNode = n.whereClause;
      const whereAt = this.offset(st, minLocation(n.whereClause));
      lazy(index, 'predicateText', () => st.textAfterKeyword('WHERE', whereAt));
    }
    if (this.model.indexes.has(k)) this.clashed();
    this.model.indexes.set(k, index);
    table?.statements.push(st.range);
  }

  /** PostgreSQL's ChooseIndexName for a plain index: `<table>_<columns>_idx`, numbered if taken. */
  private defaultIndexName(table: QualifiedName, columns: string[]): string {
    // Repeated column names are numbered (`lower`, `lower1`), as ChooseIndexColumnNames does.
    const names: string[] = [];
    for (const c of columns) {
      let name = c;
      for (let i = 1; names.includes(name); i++) name = truncateName(c.slice(0, 63 - String(i).length) + i);
      names.push(name);
    }
    const addition = truncateName(names.join('_'));
    const taken = (name: string) =>
      this.taken(
        this.model.indexes.has(key(table.schema, name)) || this.model.tables.has(key(table.schema, name)),
      );
    let name = makeObjectName(table.name, addition, 'idx');
    for (let i = 1; taken(name) && i < 10000; i++) name = makeObjectName(table.name, addition, `idx${i}`);
    return name;
  }

  // ── rename, drop, set schema, comment ──────────────────────────────────────────────────────

  private rename(n: PgNode, st: StatementText): void {
    const newname = n.newname as string | undefined;
    if (!newname) return;
    switch (n.renameType) {
      case 'OBJECT_TABLE':
      case 'OBJECT_FOREIGN_TABLE': {
        const table = this.table(n.relation);
        if (!table) return;
        table.statements.push(st.range);
        this.moveTable(table, { schema: table.schema, name: newname });
        return;
      }
      case 'OBJECT_COLUMN': {
        // ALTER VIEW v RENAME COLUMN is a view's business, not a table's.
        if (n.relationType !== 'OBJECT_TABLE' && n.relationType !== 'OBJECT_FOREIGN_TABLE') return;
        const table = this.table(n.relation);
        if (!table || !table.columns.some((c) => c.name === n.subname)) return;
        table.statements.push(st.range);
        // A column renamed in a parent is renamed in its partitions and children too.
        for (const t of [table, ...this.descendants(table)]) this.renameColumn(t, n.subname, newname);
        return;
      }
      case 'OBJECT_TABCONSTRAINT': {
        const table = this.table(n.relation);
        if (table?.constraints.some((k) => k.name === n.subname)) {
          table.statements.push(st.range);
          this.renameConstraint(table, n.subname, newname);
        }
        return;
      }
      case 'OBJECT_INDEX': {
        if (!n.relation?.relname) return;
        const q = this.resolve(n.relation, this.model.indexes);
        const idx = this.model.indexes.get(key(q.schema, q.name));
        if (!idx) return;
        const table = this.model.tables.get(tableKey(idx.table));
        if (idx.constraint && table) {
          // Renaming the index of a constraint renames the constraint too.
          this.renameConstraint(table, idx.constraint, newname);
          return;
        }
        this.model.indexes.delete(key(q.schema, q.name));
        idx.name = newname;
        this.model.indexes.set(key(idx.schema, idx.name), idx);
        return;
      }
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
        if (n.relation?.relname)
          this.renameIn(this.model.views, this.resolve(n.relation, this.model.views), newname);
        return;
      case 'OBJECT_SEQUENCE':
        if (n.relation?.relname) {
          this.renameIn(this.model.sequences, this.resolve(n.relation, this.model.sequences), newname);
        }
        return;
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN': {
        const names = strings(n.object?.List?.items ?? (n.object?.TypeName ? n.object.TypeName.names : []));
        if (names.length === 0) return;
        const map = (n.renameType === 'OBJECT_DOMAIN' ? this.model.domains : this.model.enums) as Map<
          string,
          { schema: string; name: string }
        >;
        const from = this.resolveList(names, map);
        if (!this.renameIn(map, from, newname)) return;
        // Columns of that type now name the new one.
        for (const t of this.model.tables.values()) {
          for (const c of t.columns) {
            if (c.type.name === from.name && (c.type.schema ?? from.schema) === from.schema) {
              c.type = c.type instanceof LazyType ? c.type.renamed(newname) : { ...c.type, name: newname };
            }
          }
        }
        return;
      }
      case 'OBJECT_FUNCTION':
      case 'OBJECT_PROCEDURE':
      case 'OBJECT_ROUTINE': {
        const names = strings(n.object?.ObjectWithArgs?.objname);
        if (names.length === 0) return;
        const q = this.resolveList(names, this.model.functions);
        const all = this.model.functions.get(key(q.schema, q.name));
        if (!all) return;
        const moved = this.matchingOverloads(all, n.object.ObjectWithArgs);
        const stay = all.filter((f) => !moved.includes(f));
        if (stay.length > 0) this.model.functions.set(key(q.schema, q.name), stay);
        else this.model.functions.delete(key(q.schema, q.name));
        for (const f of moved) f.name = newname;
        const k = key(q.schema, newname);
        this.model.functions.set(k, [...(this.model.functions.get(k) ?? []), ...moved]);
        return;
      }
      case 'OBJECT_POLICY': {
        const target = n.relation?.relname ? tableKey(this.resolve(n.relation)) : undefined;
        for (const p of this.model.policies) {
          if (p.name === n.subname && tableKey(p.table) === target) p.name = newname;
        }
        this.policyKeys = undefined;
        return;
      }
      case 'OBJECT_TRIGGER': {
        const target = n.relation?.relname ? tableKey(this.resolve(n.relation)) : undefined;
        for (const t of this.model.triggers) {
          if (t.name === n.subname && tableKey(t.table) === target) t.name = newname;
        }
        this.triggerKeys = undefined;
        return;
      }
      case 'OBJECT_SCHEMA':
        if (n.subname) this.renameSchema(n.subname, newname);
        return;
      default:
        return;
    }
  }

  /** Renames a `schema.name`-keyed object; false when there is none. */
  private renameIn<T extends { schema: string; name: string }>(
    map: Map<string, T>,
    from: QualifiedName,
    newname: string,
  ): boolean {
    const obj = map.get(key(from.schema, from.name));
    if (!obj) return false;
    map.delete(key(from.schema, from.name));
    obj.name = newname;
    map.set(key(obj.schema, obj.name), obj);
    return true;
  }

  private renameColumn(table: Table, from: string, to: string): void {
    const column = table.columns.find((c) => c.name === from);
    if (!column) return;
    // A column copied from a parent is shared by reference with nothing: rename the copy itself.
    column.name = to;
    const swap = (cols: string[]) => cols.map((c) => (c === from ? to : c));
    for (const c of table.columns) {
      if (c.generatedNode && columnRefs(c.generatedNode).includes(from))
        c.generatedNode = renamedRefs(c.generatedNode, from, to) as PgNode;
    }
    for (const c of table.constraints) {
      c.columns = swap(c.columns);
      if (c.include) c.include = swap(c.include);
      if (c.exclusionColumns) c.exclusionColumns = swap(c.exclusionColumns);
      if (c.checkColumns) c.checkColumns = swap(c.checkColumns);
    }
    if (table.partitionBy) {
      table.partitionBy.columns = swap(table.partitionBy.columns);
      const reads = table.partitionBy.expressionColumns;
      if (reads) table.partitionBy.expressionColumns = swap(reads);
    }
    const tk = tableKey(table);
    for (const idx of this.model.indexes.values()) {
      if (tableKey(idx.table) !== tk) continue;
      for (const e of idx.elements) {
        if (e.column === from) e.column = to;
        if (e.expressionColumns?.includes(from)) {
          e.expressionColumns = swap(e.expressionColumns);
          // PostgreSQL keeps the expression by column, not by name: `lower(a)` reads as `lower(b)`.
          if (e.expressionKey)
            e.expressionKey = JSON.stringify(renamedRefs(JSON.parse(e.expressionKey), from, to));
        }
      }
      idx.include = swap(idx.include);
      if (idx.predicateNode && columnRefs(idx.predicateNode).includes(from)) {
        idx.predicateNode = renamedRefs(idx.predicateNode, from, to) as PgNode;
      }
    }
    for (const other of this.model.tables.values()) {
      for (const c of other.constraints) {
        if (c.references && tableKey(c.references.table) === tk)
          c.references.columns = swap(c.references.columns);
      }
    }
    for (const t of this.model.triggers)
      if (tableKey(t.table) === tk) t.updateColumns = swap(t.updateColumns);
  }

  private renameConstraint(table: Table, from: string, to: string): void {
    const c = table.constraints.find((k) => k.name === from);
    if (!c) return;
    const idx = this.model.indexes.get(key(table.schema, from));
    c.name = to;
    this.constraintNames.add(to);
    c.named = true;
    if (idx?.constraint === from) {
      // The index behind a PRIMARY KEY or UNIQUE constraint is renamed with it.
      this.model.indexes.delete(key(table.schema, from));
      idx.name = to;
      idx.constraint = to;
      this.model.indexes.set(key(table.schema, to), idx);
    }
  }

  /**
   * A table gets a new schema or name: every reference to it follows (indexes, which live in the
   * table's schema, foreign keys, partitions, children, policies, triggers).
   */
  private moveTable(table: Table, to: QualifiedName): void {
    const from = tableKey(table);
    const target = key(to.schema, to.name);
    if (from === target) return;
    this.model.tables.delete(from);
    table.schema = to.schema;
    table.name = to.name;
    this.model.tables.set(target, table);
    this.model.schemas.add(to.schema);
    if (this.parents.has(from)) this.parents.add(target);
    for (const [k, idx] of [...this.model.indexes]) {
      if (tableKey(idx.table) !== from) continue;
      idx.table = qualifiedName(to);
      if (idx.schema !== to.schema) {
        this.model.indexes.delete(k);
        idx.schema = to.schema;
        this.model.indexes.set(key(idx.schema, idx.name), idx);
      }
    }
    const follow = (q: QualifiedName) => (tableKey(q) === from ? qualifiedName(to) : q);
    for (const p of this.model.policies) p.table = follow(p.table);
    for (const t of this.model.triggers) t.table = follow(t.table);
    this.policyKeys = undefined;
    this.triggerKeys = undefined;
    for (const other of this.model.tables.values()) {
      for (const c of other.constraints) if (c.references) c.references.table = follow(c.references.table);
      if (other.partitionOf) other.partitionOf = follow(other.partitionOf);
      other.inherits = other.inherits.map(follow);
    }
  }

  private renameSchema(from: string, to: string): void {
    if (!this.model.schemas.has(from) && ![...this.model.tables.values()].some((t) => t.schema === from))
      return;
    this.model.schemas.delete(from);
    this.model.schemas.add(to);
    for (const t of [...this.model.tables.values()])
      if (t.schema === from) this.moveTable(t, { schema: to, name: t.name });
    for (const map of [this.model.views, this.model.enums, this.model.domains, this.model.sequences]) {
      for (const [k, obj] of [...map] as [string, { schema: string; name: string }][]) {
        if (obj.schema !== from) continue;
        map.delete(k);
        obj.schema = to;
        (map as Map<string, unknown>).set(key(to, obj.name), obj);
      }
    }
    for (const [k, fns] of [...this.model.functions]) {
      if (!k.startsWith(`${from}.`)) continue;
      this.model.functions.delete(k);
      for (const f of fns) f.schema = to;
      this.model.functions.set(key(to, fns[0]?.name ?? k.slice(from.length + 1)), fns);
    }
    for (const t of this.model.triggers)
      if (t.function.schema === from) t.function = { schema: to, name: t.function.name };
    this.searchPath = this.searchPath.map((s) => (s === from ? to : s));
  }

  /** ALTER … SET SCHEMA. */
  private setSchema(n: PgNode, st: StatementText): void {
    const to = n.newschema as string | undefined;
    if (!to) return;
    this.model.schemas.add(to);
    const move = <T extends { schema: string; name: string }>(map: Map<string, T>, q: QualifiedName) => {
      const obj = map.get(key(q.schema, q.name));
      if (!obj) return;
      map.delete(key(q.schema, q.name));
      obj.schema = to;
      map.set(key(to, obj.name), obj);
    };
    switch (n.objectType) {
      case 'OBJECT_TABLE':
      case 'OBJECT_FOREIGN_TABLE': {
        const table = this.table(n.relation);
        if (!table) return;
        // What is written about the table after its new name must come after this statement.
        table.statements.push(st.range);
        this.moveTable(table, { schema: to, name: table.name });
        return;
      }
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
        if (n.relation?.relname) move(this.model.views, this.resolve(n.relation, this.model.views));
        return;
      case 'OBJECT_SEQUENCE':
        if (n.relation?.relname) move(this.model.sequences, this.resolve(n.relation, this.model.sequences));
        return;
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN': {
        const names = strings(n.object?.List?.items ?? n.object?.TypeName?.names);
        if (names.length === 0) return;
        const map = n.objectType === 'OBJECT_DOMAIN' ? this.model.domains : this.model.enums;
        move(map as Map<string, { schema: string; name: string }>, this.resolveList(names, map));
        return;
      }
      case 'OBJECT_FUNCTION':
      case 'OBJECT_PROCEDURE': {
        const names = strings(n.object?.ObjectWithArgs?.objname);
        if (names.length === 0) return;
        const q = this.resolveList(names, this.model.functions);
        const fns = this.model.functions.get(key(q.schema, q.name));
        if (!fns) return;
        this.model.functions.delete(key(q.schema, q.name));
        for (const f of fns) f.schema = to;
        this.model.functions.set(key(to, q.name), [
          ...(this.model.functions.get(key(to, q.name)) ?? []),
          ...fns,
        ]);
        return;
      }
      default:
        return;
    }
  }

  private drop(n: PgNode): void {
    const cascade = n.behavior === 'DROP_CASCADE';
    if (
      n.removeType === 'OBJECT_FUNCTION' ||
      n.removeType === 'OBJECT_PROCEDURE' ||
      n.removeType === 'OBJECT_ROUTINE'
    ) {
      for (const o of n.objects ?? []) {
        const names = strings(o.ObjectWithArgs?.objname);
        if (names.length === 0) continue;
        const q = this.resolveList(names, this.model.functions);
        const k = key(q.schema, q.name);
        const all = this.model.functions.get(k);
        if (!all) continue;
        const dropped = this.matchingOverloads(all, o.ObjectWithArgs);
        const stay = all.filter((f) => !dropped.includes(f));
        if (stay.length > 0) this.model.functions.set(k, stay);
        else this.model.functions.delete(k);
      }
      return;
    }
    const objects: string[][] = (n.objects ?? []).map((o: PgNode) =>
      o.List
        ? strings(o.List.items)
        : o.String
          ? [o.String.sval]
          : o.TypeName
            ? strings(o.TypeName.names)
            : [],
    );
    for (const names of objects) {
      if (names.length === 0) continue;
      switch (n.removeType) {
        case 'OBJECT_TABLE':
        case 'OBJECT_FOREIGN_TABLE':
          this.dropTableByKey(tableKey(this.resolveList(names, this.model.tables)), cascade);
          break;
        case 'OBJECT_INDEX': {
          const q = this.resolveList(names, this.model.indexes);
          const idx = this.model.indexes.get(key(q.schema, q.name));
          // The index of a constraint cannot be dropped on its own.
          if (idx && !idx.constraint) this.model.indexes.delete(key(q.schema, q.name));
          break;
        }
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW': {
          const q = this.resolveList(names, this.model.views);
          this.model.views.delete(key(q.schema, q.name));
          break;
        }
        case 'OBJECT_TYPE':
        case 'OBJECT_DOMAIN': {
          // DROP TYPE drops a domain too.
          if (n.removeType === 'OBJECT_TYPE') {
            const q = this.resolveList(names, this.model.enums);
            this.model.enums.delete(key(q.schema, q.name));
          }
          const d = this.resolveList(names, this.model.domains);
          this.model.domains.delete(key(d.schema, d.name));
          break;
        }
        case 'OBJECT_SEQUENCE': {
          const q = this.resolveList(names, this.model.sequences);
          this.model.sequences.delete(key(q.schema, q.name));
          break;
        }
        case 'OBJECT_EXTENSION':
          this.model.extensions.delete(names[0]);
          break;
        case 'OBJECT_POLICY':
        case 'OBJECT_TRIGGER': {
          const name = names[names.length - 1];
          const t = tableKey(this.resolveList(names.slice(0, -1), this.model.tables));
          if (n.removeType === 'OBJECT_POLICY') {
            this.policyKeys = undefined;
            this.model.policies = this.model.policies.filter(
              (p) => !(p.name === name && tableKey(p.table) === t),
            );
          } else {
            this.triggerKeys = undefined;
            this.model.triggers = this.model.triggers.filter(
              (p) => !(p.name === name && tableKey(p.table) === t),
            );
          }
          break;
        }
        case 'OBJECT_SCHEMA':
          this.dropSchema(names[0]);
          break;
        default:
          break;
      }
    }
  }

  /** The overloads an `f(int, text)` names; all of them when written without arguments. */
  private matchingOverloads(all: FunctionDef[], owa: PgNode | undefined): FunctionDef[] {
    if (!owa || owa.args_unspecified || !Array.isArray(owa.objargs)) return all;
    const args = (
      owa.objfuncargs ?? owa.objargs.map((a: PgNode) => ({ FunctionParameter: { argType: a.TypeName } }))
    )
      .map((p: PgNode) => p.FunctionParameter)
      .filter((p: PgNode | undefined) => p && p.mode !== 'FUNC_PARAM_OUT' && p.mode !== 'FUNC_PARAM_TABLE')
      .map((p: PgNode) => typeFromNode(p.argType).name)
      .join(',');
    return all.filter((f) => f.argTypes.join(',') === args);
  }

  private dropSchema(schema: string): void {
    this.model.schemas.delete(schema);
    for (const t of [...this.model.tables.values()])
      if (t.schema === schema) this.dropTableByKey(tableKey(t), true);
    for (const m of [
      this.model.views,
      this.model.enums,
      this.model.domains,
      this.model.sequences,
      this.model.indexes,
      this.model.functions,
    ] as Map<string, unknown>[]) {
      for (const k of [...m.keys()]) if (k.startsWith(`${schema}.`)) m.delete(k);
    }
  }

  /** Removes what belongs to a table (indexes, policies, triggers), not the table itself. */
  private forgetTable(k: string): void {
    for (const [ik, idx] of this.model.indexes) if (tableKey(idx.table) === k) this.model.indexes.delete(ik);
    this.model.policies = this.model.policies.filter((p) => tableKey(p.table) !== k);
    this.model.triggers = this.model.triggers.filter((t) => tableKey(t.table) !== k);
    this.policyKeys = undefined;
    this.triggerKeys = undefined;
  }

  /** DROP TABLE: with its indexes, policies, triggers, partitions and the foreign keys to it. */
  private dropTableByKey(k: string, cascade = false): void {
    const table = this.model.tables.get(k);
    if (!table) return;
    const children = this.descendants(table);
    this.model.tables.delete(k);
    this.forgetTable(k);
    // Foreign keys that point at a dropped table go with it (DROP … CASCADE, or they were dropped first).
    for (const other of this.model.tables.values()) {
      other.constraints = other.constraints.filter(
        (c) => !(c.references && tableKey(c.references.table) === k),
      );
      other.inherits = other.inherits.filter((p) => tableKey(p) !== k);
    }
    // Partitions always go with their table; inheritance children only with CASCADE.
    for (const child of children) {
      if (child.partitionOf && tableKey(child.partitionOf) === k)
        this.dropTableByKey(tableKey(child), cascade);
      else if (cascade && this.model.tables.has(tableKey(child)))
        this.dropTableByKey(tableKey(child), cascade);
    }
  }

  private comment(n: PgNode): void {
    const names = n.object?.List ? strings(n.object.List.items) : [];
    const text = typeof n.comment === 'string' ? n.comment : undefined;
    if (n.objtype === 'OBJECT_TABLE' || n.objtype === 'OBJECT_FOREIGN_TABLE') {
      if (names.length === 0) return;
      const t = this.model.tables.get(tableKey(this.resolveList(names, this.model.tables)));
      if (t) {
        if (text === undefined) delete t.comment;
        else t.comment = text;
      }
    } else if (n.objtype === 'OBJECT_COLUMN' && names.length >= 2) {
      const t = this.model.tables.get(tableKey(this.resolveList(names.slice(0, -1), this.model.tables)));
      const c = t?.columns.find((x) => x.name === names[names.length - 1]);
      if (c) {
        if (text === undefined) delete c.comment;
        else c.comment = text;
      }
    }
  }

  // ── schemas, enums, domains ────────────────────────────────────────────────────────────────

  private createSchema(n: PgNode, st: StatementText): void {
    const name =
      (n.schemaname as string | undefined) ??
      (n.authrole?.RoleSpec?.rolename as string | undefined) ??
      (n.authrole?.rolename as string | undefined);
    if (!name) return;
    this.model.schemas.add(name);
    const elements: PgNode[] = n.schemaElts ?? [];
    if (elements.length === 0) return;
    // CREATE SCHEMA s CREATE TABLE t …: the elements are created in the new schema.
    const saved = this.searchPath;
    this.searchPath = [name, ...saved];
    try {
      for (const el of elements) {
        const kind = Object.keys(el)[0];
        if (kind) this.guarded(() => this.apply(kind, el[kind] as PgNode, st));
      }
    } finally {
      this.searchPath = saved;
    }
  }

  private alterEnum(n: PgNode): void {
    const names = strings(n.typeName);
    if (names.length === 0) return;
    const e = this.model.enums.get(tableKey(this.resolveList(names, this.model.enums)));
    if (!e || !n.newVal) return;
    if (n.oldVal) {
      e.values = e.values.map((v) => (v === n.oldVal ? n.newVal : v));
      return;
    }
    if (e.values.includes(n.newVal)) return;
    const neighbor = n.newValNeighbor ? e.values.indexOf(n.newValNeighbor) : -1;
    if (neighbor < 0) e.values.push(n.newVal);
    else e.values.splice(n.newValIsAfter ? neighbor + 1 : neighbor, 0, n.newVal);
  }

  private domainCheck(c: PgNode, st: StatementText): { node?: PgNode; text?: string } {
    return { node: c.raw_expr, text: this.parenthesisedText(this.offset(st, c.location), st.stmt.end) };
  }

  private createDomain(n: PgNode, st: StatementText): void {
    const names = strings(n.domainname);
    if (names.length === 0) return;
    const q = this.qualifyList(names);
    const constraints: PgNode[] = (n.constraints ?? []).map((c: PgNode) => c.Constraint).filter(Boolean);
    const { serial: _serial, ...baseType } = typeFromNode(n.typeName);
    // A domain over a domain takes the base's default when it is created (and keeps it).
    const baseNames = strings(n.typeName?.names);
    const base =
      baseNames.length > 0
        ? this.model.domains.get(tableKey(this.resolveList(baseNames, this.model.domains)))
        : undefined;
    const defaultNode =
      (constraints.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr as PgNode | undefined) ??
      base?.defaultNode;
    this.model.schemas.add(q.schema);
    this.model.domains.set(key(q.schema, q.name), {
      ...q,
      baseType,
      notNull: constraints.some((c) => c.contype === 'CONSTR_NOTNULL'),
      checks: constraints.filter((c) => c.contype === 'CONSTR_CHECK').map((c) => this.domainCheck(c, st)),
      ...(defaultNode ? { defaultNode } : {}),
      origin: this.origin(st),
    });
  }

  private alterDomain(n: PgNode, st: StatementText): void {
    const names = strings(n.typeName);
    if (names.length === 0) return;
    const d = this.model.domains.get(tableKey(this.resolveList(names, this.model.domains)));
    if (!d) return;
    switch (n.subtype) {
      case 'C': {
        const c = n.def?.Constraint as PgNode | undefined;
        if (c?.contype === 'CONSTR_CHECK') d.checks.push(this.domainCheck(c, st));
        else if (c?.contype === 'CONSTR_NOTNULL') d.notNull = true;
        return;
      }
      case 'O':
        d.notNull = true;
        return;
      case 'N':
        d.notNull = false;
        return;
      case 'T':
        // SET DEFAULT (with its expression) or DROP DEFAULT.
        if (n.def) d.defaultNode = n.def as PgNode;
        else delete d.defaultNode;
        return;
      default:
        return;
    }
  }

  // ── policies, triggers, functions ──────────────────────────────────────────────────────────

  private createPolicy(n: PgNode, st: StatementText): void {
    if (!n.table?.relname || !n.policy_name) return;
    const target = this.resolve(n.table);
    const table = this.model.tables.get(tableKey(target));
    table?.statements.push(st.range);
    const policy: Policy = {
      name: n.policy_name as string,
      table: target,
      command: (n.cmd_name ?? 'all') as PolicyCommand,
      // The JSON leaves out `false`: a RESTRICTIVE policy has no `permissive` at all.
      permissive: n.permissive === true,
      roles: this.roles(n.roles),
      origin: this.origin(st),
    };
    this.setPolicyExpressions(policy, n, st);
    // CREATE POLICY of a name the table already has (PostgreSQL would refuse): the new one wins.
    this.policyKeys ??= new Set(this.model.policies.map((p) => memberKey(p.table, p.name)));
    const k = memberKey(target, policy.name);
    if (this.policyKeys.has(k)) {
      const existing = this.model.policies.findIndex(
        (p) => p.name === policy.name && sameName(p.table, target),
      );
      if (existing >= 0) this.model.policies.splice(existing, 1);
    }
    this.policyKeys.add(k);
    this.model.policies.push(policy);
  }

  private alterPolicy(n: PgNode, st: StatementText): void {
    if (!n.table?.relname) return;
    const target = tableKey(this.resolve(n.table));
    const policy = this.model.policies.find((p) => p.name === n.policy_name && tableKey(p.table) === target);
    if (!policy) return;
    if (n.roles) policy.roles = this.roles(n.roles);
    this.setPolicyExpressions(policy, n, st);
  }

  private roles(list: PgNode[] | undefined): string[] {
    return (list ?? []).map((r: PgNode) =>
      r.RoleSpec?.roletype === 'ROLESPEC_PUBLIC'
        ? 'public'
        : r.RoleSpec?.roletype === 'ROLESPEC_CURRENT_USER'
          ? 'current_user'
          : r.RoleSpec?.roletype === 'ROLESPEC_SESSION_USER'
            ? 'session_user'
            : (r.RoleSpec?.rolename ?? ''),
    );
  }

  /** USING (…) and WITH CHECK (…): nodes now, texts when read. */
  private setPolicyExpressions(policy: Policy, n: PgNode, st: StatementText): void {
    if (n.qual) {
      policy.usingNode = n.qual;
      const at = this.offset(st, minLocation(n.qual));
      lazy(policy, 'usingText', () => st.clauseParenText(at));
    }
    if (n.with_check) {
      policy.withCheckNode = n.with_check;
      const at = this.offset(st, minLocation(n.with_check));
      lazy(policy, 'withCheckText', () => st.clauseParenText(at));
    }
  }

  private createTrigger(n: PgNode, st: StatementText): void {
    if (!n.relation?.relname || !n.trigname) return;
    const target = this.resolve(n.relation);
    const table = this.model.tables.get(tableKey(target));
    table?.statements.push(st.range);
    const timing = (n.timing ?? 0) as number;
    const events = (n.events ?? 0) as number;
    const eventList: TriggerEvent[] = [];
    if (events & 4) eventList.push('insert');
    if (events & 8) eventList.push('delete');
    if (events & 16) eventList.push('update');
    if (events & 32) eventList.push('truncate');
    const fn = strings(n.funcname);
    // CREATE OR REPLACE TRIGGER: the new one replaces the old.
    this.triggerKeys ??= new Set(this.model.triggers.map((t) => memberKey(t.table, t.name)));
    const k = memberKey(target, n.trigname);
    if (this.triggerKeys.has(k)) {
      const existing = this.model.triggers.findIndex(
        (t) => t.name === n.trigname && sameName(t.table, target),
      );
      if (existing >= 0) this.model.triggers.splice(existing, 1);
    }
    this.triggerKeys.add(k);
    this.model.triggers.push({
      name: n.trigname,
      table: target,
      timing: timing & 2 ? 'before' : timing & 64 ? 'instead of' : 'after',
      events: eventList,
      updateColumns: strings(n.columns),
      forEachRow: !!n.row,
      function: fn.length > 0 ? this.resolveList(fn, this.model.functions) : { schema: '', name: '' },
      origin: this.origin(st),
    });
  }

  private createFunction(n: PgNode, st: StatementText): void {
    const names = strings(n.funcname);
    if (names.length === 0) return;
    const q = this.qualifyList(names);
    const options = (n.options ?? []).map((o: PgNode) => o.DefElem as PgNode).filter(Boolean);
    const as = options.find((o: PgNode) => o.defname === 'as');
    const language = options.find((o: PgNode) => o.defname === 'language')?.arg?.String?.sval as
      string | undefined;
    const argTypes = (n.parameters ?? [])
      .map((p: PgNode) => p.FunctionParameter)
      .filter((p: PgNode | undefined) => p && p.mode !== 'FUNC_PARAM_OUT' && p.mode !== 'FUNC_PARAM_TABLE')
      .map((p: PgNode) => typeFromNode(p.argType).name);
    const fn: FunctionDef = {
      ...q,
      argTypes,
      ...(n.returnType ? { returns: typeFromNode(n.returnType).name } : {}),
      ...(language ? { language } : {}),
      ...(as ? { body: strings(as.arg?.List?.items).join('') } : {}),
      origin: this.origin(st),
    };
    const k = key(q.schema, q.name);
    const overloads = (this.model.functions.get(k) ?? []).filter(
      (f) => f.argTypes.join(',') !== argTypes.join(','),
    );
    overloads.push(fn);
    this.model.schemas.add(q.schema);
    this.model.functions.set(k, overloads);
  }
}
