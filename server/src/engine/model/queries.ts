/** Questions many rules ask of the schema model, answered once here. */
import type { PgNode } from '../parse/sql';
import type { SourceRange } from '../findings';
import type { FileGroup } from '../project';
import {
  key,
  tableKey,
  type Column,
  type Constraint,
  type Index,
  type Policy,
  type QualifiedName,
  type SchemaModel,
  type Table,
  type Trigger,
  type View,
} from './schema';

export function findTable(model: SchemaModel, name: QualifiedName): Table | undefined {
  return model.tables.get(tableKey(name));
}

export function findColumn(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

export function primaryKey(table: Table): Constraint | undefined {
  return table.constraints.find((c) => c.kind === 'primary key');
}

export function foreignKeys(table: Table): Constraint[] {
  return table.constraints.filter((c) => c.kind === 'foreign key');
}

/** Every index on a table, including those that back its PRIMARY KEY and UNIQUE constraints. */
export function indexesOf(model: SchemaModel, table: QualifiedName): Index[] {
  return [...(byTable(model).indexes.get(tableKey(table)) ?? [])];
}

/** Triggers on a table. */
export function triggersOn(model: SchemaModel, table: QualifiedName): Trigger[] {
  return byTable(model).triggers.get(tableKey(table)) ?? [];
}

/** Foreign keys, anywhere in the schema, that reference a table. */
export function foreignKeysTo(
  model: SchemaModel,
  table: QualifiedName,
): { table: Table; constraint: Constraint }[] {
  return byTable(model).referencedBy.get(tableKey(table)) ?? [];
}

/** The foreign keys that reference the table by columns all among `columns` (never by none). */
export function foreignKeysToColumns(
  model: SchemaModel,
  table: QualifiedName,
  columns: readonly (string | undefined)[],
): Constraint[] {
  return foreignKeysTo(model, table).flatMap(({ constraint }) => {
    const ref = constraint.references!.columns;
    return ref.length > 0 && ref.every((c) => columns.includes(c)) ? [constraint] : [];
  });
}

interface TableIndex {
  indexes: Map<string, Index[]>;
  triggers: Map<string, Trigger[]>;
  referencedBy: Map<string, { table: Table; constraint: Constraint }[]>;
  /** Partitions and inheritance children, by their parent's key. */
  children: Map<string, Table[]>;
  policies: Map<string, Policy[]>;
}

/**
 * Per-table views of a finished model, built once on first use: rules ask "the indexes of this
 * table" for every table, and a scan of the whole model each time is quadratic on a large schema.
 * Rules run on a model that no longer changes, so the views never go stale.
 */
/** Adds a value to the list of a key, making the list on first use. */
function pushTo<V>(map: Map<string, V[]>, k: string, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

const tableIndexes = new WeakMap<SchemaModel, TableIndex>();
function byTable(model: SchemaModel): TableIndex {
  let t = tableIndexes.get(model);
  if (t) return t;
  t = {
    indexes: new Map(),
    triggers: new Map(),
    referencedBy: new Map(),
    children: new Map(),
    policies: new Map(),
  };
  for (const idx of model.indexes.values()) pushTo(t.indexes, tableKey(idx.table), idx);
  for (const trg of model.triggers) pushTo(t.triggers, tableKey(trg.table), trg);
  for (const table of model.tables.values()) {
    for (const c of table.constraints)
      if (c.references) pushTo(t.referencedBy, tableKey(c.references.table), { table, constraint: c });
    if (table.partitionOf) pushTo(t.children, tableKey(table.partitionOf), table);
    for (const parent of table.inherits) pushTo(t.children, tableKey(parent), table);
  }
  for (const p of model.policies) pushTo(t.policies, tableKey(p.table), p);
  tableIndexes.set(model, t);
  return t;
}

/** A column with its table. */
export interface TableColumn {
  table: Table;
  column: Column;
}

/** A column with its table and its position in model order (tables, then their columns). */
interface IndexedColumn extends TableColumn {
  order: number;
}

interface ColumnIndex {
  /** Columns by their type's name (as written: a domain is not followed), in model order. */
  byType: Map<string, IndexedColumn[]>;
  /** Columns by name, in model order. */
  byName: Map<string, IndexedColumn[]>;
}

/**
 * The columns of the model whose type's name (as written: a domain is not followed) passes
 * `test.type`, or whose name passes `test.name`, each with its table, in the order of a walk over
 * `model.tables` and each table's `columns`. A rule that looks at a few types or names of columns
 * reads those rather than every column of a large schema: each test runs once per distinct type or
 * name. Built once per model on first use, like `byTable`: rules run on a model that no longer
 * changes.
 */
export function columnsWhere(
  model: SchemaModel,
  test: { type?: (type: string) => boolean; name?: (name: string) => boolean },
): readonly TableColumn[] {
  const index = columnIndex(model);
  const lists: IndexedColumn[][] = [];
  if (test.type) for (const [type, list] of index.byType) if (test.type(type)) lists.push(list);
  if (test.name) for (const [name, list] of index.byName) if (test.name(name)) lists.push(list);
  if (lists.length <= 1) return lists[0] ?? [];
  const all = lists.flat().sort((a, b) => a.order - b.order);
  // A column found by its type and by its name is listed once.
  return test.type && test.name ? all.filter((e, i) => i === 0 || all[i - 1] !== e) : all;
}

/**
 * The names of the model's columns that are `name` in some case style (`sameName`): a rule that
 * asks "is this column `created_at`?" of every column asks the set.
 */
export function columnNamesLike(model: SchemaModel, name: string): ReadonlySet<string> {
  const out = new Set<string>();
  for (const n of columnIndex(model).byName.keys()) if (sameName(n, name)) out.add(n);
  return out;
}

function columnIndex(model: SchemaModel): ColumnIndex {
  let index = columnIndexes.get(model);
  if (!index) {
    index = { byType: new Map(), byName: new Map() };
    let order = 0;
    for (const table of model.tables.values()) {
      for (const column of table.columns) {
        const entry = { table, column, order: order++ };
        pushTo(index.byType, column.type.name, entry);
        pushTo(index.byName, column.name, entry);
      }
    }
    columnIndexes.set(model, index);
  }
  return index;
}
const columnIndexes = new WeakMap<SchemaModel, ColumnIndex>();

/** The plain columns an index starts with, up to its first expression element. */
export function leadingColumns(index: Index): string[] {
  const out: string[] = [];
  for (const e of index.elements) {
    if (!e.column) break;
    out.push(e.column);
  }
  return out;
}

/**
 * True when `columns` are the leading columns of the index, in any order among themselves: such
 * an index serves lookups on those columns (what a foreign key's ON DELETE needs).
 */
export function indexLeadsWith(index: Index, columns: readonly string[]): boolean {
  if (columns.length === 0 || index.method !== 'btree' || index.predicateNode) return false;
  // The first `columns.length` elements, all plain columns, are the columns in some order.
  const elements = index.elements;
  const n = columns.length;
  if (elements.length < n) return false;
  for (let i = 0; i < n; i++) if (!elements[i].column) return false;
  for (const c of columns) {
    let found = false;
    for (let i = 0; i < n && !found; i++) found = elements[i].column === c;
    if (!found) return false;
  }
  return true;
}

/**
 * True when the index serves the lookups a foreign key's checks make (`WHERE fk = $1`, on a DELETE
 * or key UPDATE of the referenced table): a B-tree led by the columns, or a hash index on the one
 * column; partial or not, as long as its predicate only asks for some of the columns to be not
 * null, which `fk = $1` implies (PostgreSQL 18 plans the check with such indexes).
 */
export function indexServesForeignKey(index: Index, columns: readonly string[]): boolean {
  if (index.predicateNode && !impliedByEquality(index.predicateNode, columns)) return false;
  if (index.method === 'hash') {
    return columns.length === 1 && index.elements.length === 1 && index.elements[0].column === columns[0];
  }
  if (!index.predicateNode) return indexLeadsWith(index, columns);
  return indexLeadsWith({ ...index, predicateNode: undefined }, columns);
}

/** `c IS NOT NULL` (or an AND of them) for columns among `columns`. */
function impliedByEquality(predicate: PgNode, columns: readonly string[]): boolean {
  const bool = predicate.BoolExpr as PgNode | undefined;
  if (bool) {
    const args = (bool.args ?? []) as PgNode[];
    return bool.boolop === 'AND_EXPR' && args.every((a) => impliedByEquality(a, columns));
  }
  const test = predicate.NullTest as PgNode | undefined;
  if (test?.nulltesttype !== 'IS_NOT_NULL') return false;
  const fields = (test.arg?.ColumnRef?.fields ?? []) as PgNode[];
  const name = fields[fields.length - 1]?.String?.sval as string | undefined;
  return name !== undefined && columns.includes(name);
}

/** A partition (or an inheritance child) gets its keys and indexes from its parent. */
export function isPartition(table: Table): boolean {
  return table.partitionOf !== undefined;
}

/** The table a partition belongs to, following nested partitions to the root. */
export function partitionRoot(model: SchemaModel, table: Table): Table {
  let t = table;
  for (let guard = 0; t.partitionOf && guard < 32; guard++) {
    const parent = findTable(model, t.partitionOf);
    if (!parent) break;
    t = parent;
  }
  return t;
}

/**
 * A pure join table: at least two foreign keys, and nothing but their columns, an optional
 * surrogate id and audit timestamps.
 */
export function isJoinTable(table: Table, auditColumns: readonly string[] = []): boolean {
  const fks = foreignKeys(table);
  if (fks.length < 2) return false;
  const fkColumns = new Set(fks.flatMap((f) => f.columns));
  return table.columns.every(
    (c) => fkColumns.has(c.name) || c.name === 'id' || auditColumns.includes(c.name) || isTimestamp(c),
  );
}

export function isTimestamp(c: Column): boolean {
  return c.type.arrayDims === 0 && (c.type.name === 'timestamptz' || c.type.name === 'timestamp');
}

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext']);
export function isTextType(c: Column): boolean {
  return c.type.arrayDims === 0 && TEXT_TYPES.has(c.type.name);
}

/** True for the names of the types `isTextType` accepts. */
export function isTextTypeName(name: string): boolean {
  return TEXT_TYPES.has(name);
}

/** The type a column really has, through domains (a domain over text is text). */
export function baseTypeName(model: SchemaModel, c: Column): string {
  if (model.domains.size === 0) return c.type.name;
  for (const d of model.domains.values()) {
    if (d.name === c.type.name && (!c.type.schema || c.type.schema === d.schema)) return d.baseType.name;
  }
  return c.type.name;
}

/** True when the table's name or schema.name is listed. */
export function tableListed(table: Table, list: readonly string[]): boolean {
  return list.includes(table.name) || list.includes(`${table.schema}.${table.name}`);
}

/** The file a table was created in. */
export function fileOf(table: Table): string {
  return table.origin.statement.file;
}

/**
 * True when the column was written by one of the table's own statements, not copied from another
 * table by `PARTITION OF` or `LIKE` (a copy keeps the origin, and the ranges, of its source).
 */
export function isOwnColumn(table: Table, column: Column): boolean {
  const at = column.origin.statement;
  // The SQL model shares one range object per statement: most columns are found by identity.
  const statements = table.statements;
  for (let i = 0; i < statements.length && i < 16; i++) if (statements[i] === at) return true;
  return statementStarts(table).get(at.file)?.has(at.start) ?? false;
}

/** The starts of a table's statements by file, built once per table (rules ask for every column). */
const tableStatementStarts = new WeakMap<Table, Map<string, Set<number>>>();
function statementStarts(table: Table): Map<string, Set<number>> {
  let starts = tableStatementStarts.get(table);
  if (!starts || starts.size === 0) {
    starts = new Map();
    for (const s of table.statements) {
      const set = starts.get(s.file);
      if (set) set.add(s.start);
      else starts.set(s.file, new Set([s.start]));
    }
    tableStatementStarts.set(table, starts);
  }
  return starts;
}

/** The lower-case words of an identifier: `unit_price`, `unitPrice` and `UnitPrice` → unit, price. */
export function nameWords(name: string): readonly string[] {
  let words = nameWordsCache.get(name);
  if (!words) {
    words = name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w !== '');
    // Identifiers repeat across tables and rules; the cache is bounded for a long-lived server.
    if (nameWordsCache.size > 50_000) nameWordsCache.clear();
    nameWordsCache.set(name, words);
  }
  return words;
}
const nameWordsCache = new Map<string, string[]>();

/** The CHECK constraints of a table that read the column. */
export function checksOn(table: Table, column: string): Constraint[] {
  return table.constraints.filter((c) => isCheckOn(c, column));
}

/** Whether a CHECK constraint reads the column (`checksOn(table, column).length > 0`, without the list). */
export function hasCheckOn(table: Table, column: string): boolean {
  return table.constraints.some((c) => isCheckOn(c, column));
}

function isCheckOn(c: Constraint, column: string): boolean {
  return c.kind === 'check' && (c.columns.includes(column) || (c.checkColumns ?? []).includes(column));
}

/** Whether the column is in one of the table's foreign keys. */
export function inForeignKey(table: Table, column: string): boolean {
  return table.constraints.some((c) => c.kind === 'foreign key' && c.columns.includes(column));
}

/** The type a type-changing fix takes a column from (`typeRewriteBlocked`). */
export type RewrittenType = 'text' | 'json' | 'timestamp' | 'float' | 'money';

/**
 * Whether another part of the schema depends on the column's type in a way that rewriting the type
 * where the column is defined would break, so that the fixed SQL no longer runs. What PostgreSQL 18
 * refuses, by the type the column leaves:
 *
 *   - always: an operator class or collation of the old type on the column in an index
 *     (`text_pattern_ops`, `timestamp_minmax_ops`, `COLLATE "C"` on a uuid), and a partition or
 *     inheritance child (or parent) that defines the column itself, with the old type;
 *   - from text, json or money: a foreign key between the column and another of the old type
 *     (`cannot be implemented`); timestamp and timestamptz keys reference each other, and so does
 *     a numeric column a float key, but not a float column a numeric key;
 *   - from timestamp: what must be immutable and no longer is on timestamptz (`happened_at::date`,
 *     `date_trunc('day', happened_at)`, a comparison with a typed value): an index or exclusion
 *     expression, a partition key expression, a generated column, a partial index predicate. A
 *     comparison with a plain literal (`> '2024-01-01'`) and a NULL test stay immutable;
 *   - from json: the column given to anything but the operators json and jsonb share (`->`, `->>`,
 *     `#>`, `#>>`): a function (`json_typeof`, a function of the user's), COALESCE, a UNION with
 *     json, since PostgreSQL converts between json and jsonb on assignment only;
 *   - from text or money: any expression that reads the column (`uuid = text`, `lower(uuid)`,
 *     `amount > '$0.00'`), a partition key on it, and rows the migrations write into the table (or
 *     a partition of it, under any name it had), which the new type may not read (`'maybe'` is no
 *     boolean, `'$9.99'` no numeric).
 *
 * The table's partitions and inheritance children are held to the same, and so are the views that
 * read the column (a view that only selects it passes it on, under the views that read that one,
 * and the indexes of a materialized view). From float to numeric nothing else breaks: numeric has
 * float's functions and operators, immutably. Trigger WHEN clauses and function bodies are not
 * followed.
 */
export function typeRewriteBlocked(
  model: SchemaModel,
  table: Table,
  column: Column,
  from: RewrittenType,
  /** The type the fix writes, by its catalog name (`int4`, `bool`, `timestamptz`, `jsonb` …). */
  to: string,
): boolean {
  const name = column.name;
  const views = byTable(model);
  const family = [table, ...descendants(model, table)];
  const readsAll = from === 'text' || from === 'money';
  /** Whether the uses of a column (by its name there) in an expression stop working on the new type. */
  const breaks = (node: unknown, mustBeImmutable: boolean, as = name): boolean => {
    if (from === 'float' || !node) return false;
    const uses = columnUses(node, as);
    // A cast to a type the new one has no cast to is used as anything else is.
    const other =
      uses.has('other') || [...uses].some((u) => u.startsWith('cast:') && !castKept(u.slice(5), to));
    if (other && (readsAll || from === 'json' || mustBeImmutable)) return true;
    if (uses.has('compared') && (readsAll || from === 'json')) return true;
    // A cast to text is not immutable from date or timestamptz (DateStyle, TimeZone).
    if (uses.has('converted') && mustBeImmutable && (to === 'date' || to === 'timestamptz')) return true;
    return from === 'timestamp' && uses.has('typed');
  };
  /** An expression not kept in the model that reads the column: any use at all. */
  const unknownUse = (as = name) => ({ ColumnRef: { fields: [{ String: { sval: as } }] } });
  /** The indexes of a table or materialized view that break, on the column by its name there. */
  const indexBreaks = (k: string, as = name): boolean =>
    (views.indexes.get(k) ?? []).some(
      (index) =>
        index.elements.some(
          (e) =>
            (e.column === as && (e.opclass || e.collation)) ||
            (e.expressionColumns?.includes(as) === true &&
              breaks(e.expressionKey ? (JSON.parse(e.expressionKey) as unknown) : unknownUse(as), true, as)),
        ) || breaks(index.predicateNode, true, as),
    );

  for (const other of [...family.slice(1), ...ancestors(model, table)]) {
    const same = findColumn(other, name);
    if (same && isOwnColumn(other, same)) return true;
  }
  if (from !== 'timestamp') {
    const referenced = foreignKeysTo(model, table).some((r) =>
      r.constraint.references!.columns.includes(name),
    );
    if (referenced || (from !== 'float' && inForeignKey(table, name))) return true;
  }
  for (const t of family) {
    const k = tableKey(t);
    if (indexBreaks(k)) return true;
    if (readsAll && t.partitionBy?.columns.includes(name)) return true;
    const keyReads = t.partitionBy?.expressionColumns?.includes(name) ?? false;
    if (keyReads && (readsAll || from === 'timestamp')) return true;
    for (const c of t.columns) if (c !== column && breaks(c.generatedNode, true)) return true;
    for (const c of t.constraints) {
      if (c.kind === 'exclude' && c.exclusionColumns?.includes(name) && from !== 'float') return true;
      if (c.kind === 'check' && isCheckOn(c, name) && breaks(c.checkNode ?? unknownUse(), false)) return true;
    }
    for (const p of views.policies.get(k) ?? []) {
      if (breaks(p.usingNode, false) || breaks(p.withCheckNode, false)) return true;
    }
  }
  // Views that read the column, policies of other tables whose subqueries do, and the views (and
  // their policies) over a view that passes the column on, under the name it has there.
  const carriers = family.map((t) => ({ schema: t.schema, name: t.name, column: name }));
  // Each reader once per name of the column: a view may pass it on under several.
  const seen = new Map<object, Set<string>>();
  const first = (reader: object, column: string): boolean => {
    const names = seen.get(reader) ?? new Set<string>();
    seen.set(reader, names);
    if (names.has(column)) return false;
    names.add(column);
    return true;
  };
  const readers = relationReaders(model);
  for (let i = 0; i < carriers.length && i < 256; i++) {
    const carrier = carriers[i];
    const k = key(carrier.schema, carrier.name);
    for (const p of readers.policies.get(k) ?? []) {
      if (!first(p, carrier.column)) continue;
      if (breaks(p.usingNode, false, carrier.column) || breaks(p.withCheckNode, false, carrier.column))
        return true;
    }
    for (const view of readers.views.get(k) ?? []) {
      if (!first(view, carrier.column)) continue;
      if (breaks(view.queryNode, false, carrier.column)) return true;
      const passed = passedOn(view, carrier.column);
      if (view.materialized) {
        const mv = key(view.schema, view.name);
        // The column passed on is indexed like the table's; what the view computes from it changes
        // type with it, which an index expression or predicate over that may not survive.
        if (passed.some((c) => indexBreaks(mv, c))) return true;
        const uses = columnUses(view.queryNode, carrier.column);
        const computed = [...uses].some((u) => u !== 'selected');
        if (computed && from !== 'float' && indexesComputeOn(views, view)) return true;
      }
      for (const c of passed) carriers.push({ schema: view.schema, name: view.name, column: c });
    }
  }
  if (!readsAll) return false;
  const written = rowsWritten(model);
  return family.some((t) => written.has(t.name));
}

/** The tables that take their columns from this one: partitions and inheritance children, theirs … */
function descendants(model: SchemaModel, table: Table): Table[] {
  const children = byTable(model).children;
  const out: Table[] = [];
  const seen = new Set<Table>([table]);
  const visit = (t: Table): void => {
    for (const child of children.get(tableKey(t)) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      out.push(child);
      visit(child);
    }
  };
  visit(table);
  return out;
}

/** The tables this one takes its columns from: its partitioned parent, inheritance parents, theirs … */
function ancestors(model: SchemaModel, table: Table): Table[] {
  const out: Table[] = [];
  const seen = new Set<Table>([table]);
  const visit = (t: Table): void => {
    for (const q of [...(t.partitionOf ? [t.partitionOf] : []), ...t.inherits]) {
      const parent = findTable(model, q);
      if (!parent || seen.has(parent)) continue;
      seen.add(parent);
      out.push(parent);
      visit(parent);
    }
  };
  visit(table);
  return out;
}

/** How an expression uses a column, by the context around each reference (`columnUses`). */
type ColumnUse = 'null test' | 'compared' | 'converted' | `cast:${string}` | 'selected' | 'typed' | 'other';

const NUMBERS = new Set(['numeric', 'int2', 'int4', 'int8', 'float4', 'float8']);

/** Whether a cast to `target` written on the column works as well once the column is of type `to`. */
function castKept(target: string, to: string): boolean {
  if (target === to) return true;
  if (NUMBERS.has(target)) return NUMBERS.has(to);
  if (target === 'json' || target === 'jsonb') return to === 'json' || to === 'jsonb';
  return false;
}

const COMPARISONS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
/** The operators of json (and jsonb) that give json, and those that give text. */
const JSON_OPERATORS = new Set(['->', '#>']);
const JSON_TEXT_OPERATORS = new Set(['->>', '#>>']);
/** Casts every type has. */
const CONVERSIONS = new Set(['text', 'varchar']);
/** Catalog names of the types casts are written with. */
const TYPE_NAMES: Record<string, string> = {
  integer: 'int4',
  int: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  boolean: 'bool',
  real: 'float4',
  decimal: 'numeric',
};
/** Functions that take a value of any type. */
const ANY_VALUE_FUNCTIONS = new Set([
  'json_build_object',
  'json_build_array',
  'jsonb_build_object',
  'jsonb_build_array',
  'to_json',
  'to_jsonb',
]);
/** Functions of timestamp that take no timestamptz (there is no implicit cast back). */
const TIMESTAMP_ONLY_FUNCTIONS = new Set(['tsrange', 'tsmultirange']);

function isColumnRef(node: unknown, column: string): boolean {
  const fields = (node as PgNode | undefined)?.ColumnRef?.fields as PgNode[] | undefined;
  return fields?.[fields.length - 1]?.String?.sval === column;
}

/** The column, or what `->` / `#>` give of it (json, as the column is). */
function isJsonPath(node: unknown, column: string): boolean {
  if (isColumnRef(node, column)) return true;
  const expr = (node as PgNode | undefined)?.A_Expr as PgNode | undefined;
  const op = String((expr?.name as PgNode[] | undefined)?.[0]?.String?.sval ?? '');
  return expr?.kind === 'AEXPR_OP' && JSON_OPERATORS.has(op) && isJsonPath(expr.lexpr, column);
}

/**
 * How an expression or a view's query uses a column, by the context of each reference:
 *   - `null test`: `IS [NOT] NULL`;
 *   - `compared`: with plain literals only (`> '2024-01-01'`, BETWEEN, IN, IS DISTINCT FROM);
 *   - `converted`: into a type that does not follow it (`::text`, `->>` of json, what `->` gives
 *     of it cast or `->>`'d, `json_build_object`);
 *   - `selected`: as it is (or what `->` gives of it), in the select list of the query itself, or
 *     of a subquery in its FROM or a CTE under the same name (not of a subquery in an expression or
 *     an arm of a UNION, whose values go on into other expressions);
 *   - `cast:<type>`: cast to another type (kept when the new type has that cast too);
 *   - `typed`: given to a function only the old type has (`tsrange` of a timestamp);
 *   - `other`: anything else (a function's argument, an operator, `JOIN … USING`, NATURAL JOIN …).
 */
function columnUses(node: unknown, column: string): Set<ColumnUse> {
  // A view's query is asked about for every finding on the tables it reads: once per column.
  const memo =
    node && typeof node === 'object' ? (usesCache.get(node) ?? new Map<string, Set<ColumnUse>>()) : undefined;
  const known = memo?.get(column);
  if (known) return known;
  const uses = computeColumnUses(node, column);
  if (memo) {
    memo.set(column, uses);
    usesCache.set(node as object, memo);
  }
  return uses;
}
const usesCache = new WeakMap<object, Map<string, Set<ColumnUse>>>();

function computeColumnUses(node: unknown, column: string): Set<ColumnUse> {
  const uses = new Set<ColumnUse>();
  const literal = (n: unknown): boolean => (n as PgNode | undefined)?.A_Const !== undefined;
  const items = (n: unknown): unknown[] =>
    Array.isArray(n) ? n : (((n as PgNode | undefined)?.List?.items as unknown[] | undefined) ?? [n]);
  const opOf = (expr: PgNode): string => String((expr.name as PgNode[] | undefined)?.[0]?.String?.sval ?? '');
  const jsonPath = (n: unknown): boolean => isJsonPath(n, column);
  /** The right-hand sides of a chain of json operators (keys and paths). */
  const walkPath = (n: unknown): void => {
    const expr = (n as PgNode | undefined)?.A_Expr as PgNode | undefined;
    if (!expr) return;
    walk(expr.rexpr, 'expression');
    walkPath(expr.lexpr);
  };
  /** `select`: the query's own select list; `derived`: a subquery in FROM or a CTE; `expression`. */
  type Place = 'select' | 'derived' | 'expression';
  const walk = (n: unknown, place: Place): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) walk(x, 'expression');
      return;
    }
    const obj = n as PgNode;
    if (obj.NullTest && jsonPath(obj.NullTest.arg)) {
      uses.add('null test');
      walkPath(obj.NullTest.arg);
      return;
    }
    const expr = obj.A_Expr as PgNode | undefined;
    if (expr) {
      const op = opOf(expr);
      const kind = String(expr.kind);
      const sides = [expr.lexpr, ...items(expr.rexpr)];
      const comparison =
        (kind === 'AEXPR_OP' && COMPARISONS.has(op)) ||
        /BETWEEN|DISTINCT/.test(kind) ||
        (kind === 'AEXPR_IN' && (op === '=' || op === '<>'));
      if (comparison && sides.some((x) => isColumnRef(x, column))) {
        if (sides.every((x) => isColumnRef(x, column) || literal(x))) {
          uses.add('compared');
          return;
        }
      }
      if (kind === 'AEXPR_OP' && JSON_TEXT_OPERATORS.has(op) && jsonPath(expr.lexpr)) {
        uses.add('converted');
        walkPath(expr.lexpr);
        walk(expr.rexpr, 'expression');
        return;
      }
    }
    const cast = obj.TypeCast as PgNode | undefined;
    if (cast && jsonPath(cast.arg)) {
      const names = cast.typeName?.names as PgNode[] | undefined;
      const target = String(names?.[names.length - 1]?.String?.sval ?? '');
      if (!cast.typeName?.arrayBounds) {
        uses.add(CONVERSIONS.has(target) ? 'converted' : `cast:${TYPE_NAMES[target] ?? target}`);
        walkPath(cast.arg);
        return;
      }
    }
    const call = obj.FuncCall as PgNode | undefined;
    if (call) {
      const names = call.funcname as PgNode[] | undefined;
      const fn = String(names?.[names.length - 1]?.String?.sval ?? '');
      const args = (call.args ?? []) as unknown[];
      if (ANY_VALUE_FUNCTIONS.has(fn) && args.some((x) => isColumnRef(x, column))) {
        uses.add('converted');
        for (const x of args) if (!isColumnRef(x, column)) walk(x, 'expression');
        return;
      }
      if (TIMESTAMP_ONLY_FUNCTIONS.has(fn) && args.some((x) => isColumnRef(x, column))) uses.add('typed');
    }
    const join = obj.JoinExpr as PgNode | undefined;
    if (join) {
      const using = ((join.usingClause ?? []) as PgNode[]).some((u) => u.String?.sval === column);
      if (using || join.isNatural) uses.add('other');
    }
    const derived = (obj.RangeSubselect?.subquery ?? obj.CommonTableExpr?.ctequery) as PgNode | undefined;
    if (derived) {
      // `(SELECT …) s(a, b)`, `WITH s(a, b)`: the columns go on under names not followed.
      const renames =
        ((obj.RangeSubselect?.alias?.colnames ?? obj.CommonTableExpr?.aliascolnames ?? []) as unknown[])
          .length > 0;
      walk(derived, renames ? 'expression' : 'derived');
      for (const [k, v] of Object.entries((obj.RangeSubselect ?? obj.CommonTableExpr) as PgNode)) {
        if (k !== 'subquery' && k !== 'ctequery') walk(v, 'expression');
      }
      return;
    }
    const select = obj.SelectStmt as PgNode | undefined;
    if (select) {
      const alone = place !== 'expression' && (select.op === undefined || select.op === 'SETOP_NONE');
      for (const [k, v] of Object.entries(select)) {
        if (k !== 'targetList' || !alone) {
          walk(v, 'expression');
          continue;
        }
        for (const t of v as PgNode[]) {
          const target = t.ResTarget as PgNode | undefined;
          // In a subquery or CTE, a column renamed there goes on under a name not followed.
          const renamed = place === 'derived' && target?.name !== undefined && target.name !== column;
          if (jsonPath(target?.val) && !renamed) {
            uses.add('selected');
            walkPath(target?.val);
          } else walk(t, 'expression');
        }
      }
      return;
    }
    if (isColumnRef(obj, column)) {
      uses.add('other');
      return;
    }
    for (const v of Object.values(obj)) walk(v, 'expression');
  };
  walk(node, 'select');
  return uses;
}

/**
 * The names under which a view hands the column on: selected as it is (`c`, `c AS d`, named by
 * the view's column list), or by `*`. An expression over it is not followed.
 */
function passedOn(view: View, column: string): string[] {
  let select = view.queryNode?.SelectStmt as PgNode | undefined;
  // A UNION's columns are named by its first arm.
  while (select && select.op !== undefined && select.op !== 'SETOP_NONE') select = select.larg as PgNode;
  const out: string[] = [];
  ((select?.targetList ?? []) as PgNode[]).forEach((t, i) => {
    const target = t.ResTarget as PgNode | undefined;
    const fields = target?.val?.ColumnRef?.fields as PgNode[] | undefined;
    const last = fields?.[fields.length - 1];
    const named = view.columnNames?.[i];
    // With `*` and a column list, where the column lands is not known here: any name of the list.
    if (last?.A_Star !== undefined) out.push(...(view.columnNames ?? [column]));
    // The column, or what `->` gives of it (json, as the column is).
    else if (isJsonPath(target?.val, column))
      out.push(named ?? (target?.name as string | undefined) ?? column);
  });
  return out;
}

/** Whether an index of the materialized view has an expression or a predicate. */
function indexesComputeOn(views: TableIndex, view: View): boolean {
  return (views.indexes.get(key(view.schema, view.name)) ?? []).some(
    (index) => index.predicateNode !== undefined || index.elements.some((e) => e.column === undefined),
  );
}

/**
 * The views, and the policies, whose queries read each relation (by its key, the schema resolved
 * as written or as the relation's own when unwritten): built once per model.
 */
function relationReaders(model: SchemaModel): {
  views: Map<string, View[]>;
  policies: Map<string, Policy[]>;
} {
  let readers = relationReadersCache.get(model);
  if (readers) return readers;
  readers = { views: new Map(), policies: new Map() };
  const relations = (node: unknown): Set<string> => {
    const out = new Set<string>();
    const walk = (n: unknown): void => {
      if (!n || typeof n !== 'object') return;
      if (Array.isArray(n)) return n.forEach(walk);
      const rv = (n as PgNode).RangeVar as PgNode | undefined;
      if (rv?.relname) {
        const name = rv.relname as string;
        const schema = rv.schemaname as string | undefined;
        if (schema) out.add(key(schema, name));
        // Unqualified: the schema of each relation of that name (the search path is not known here).
        else for (const k of relationKeysNamed(model, name)) out.add(k);
      }
      for (const v of Object.values(n)) walk(v);
    };
    walk(node);
    return out;
  };
  for (const view of model.views.values())
    for (const k of relations(view.queryNode)) pushTo(readers.views, k, view);
  for (const p of model.policies) {
    for (const k of relations([p.usingNode, p.withCheckNode])) pushTo(readers.policies, k, p);
  }
  relationReadersCache.set(model, readers);
  return readers;
}
const relationReadersCache = new WeakMap<
  SchemaModel,
  { views: Map<string, View[]>; policies: Map<string, Policy[]> }
>();

/** The keys of the tables and views of that name, in any schema. */
function relationKeysNamed(model: SchemaModel, name: string): string[] {
  let byName = relationNamesCache.get(model);
  if (!byName) {
    byName = new Map();
    for (const r of [...model.tables.values(), ...model.views.values()])
      pushTo(byName, r.name, key(r.schema, r.name));
    relationNamesCache.set(model, byName);
  }
  return byName.get(name) ?? [];
}
const relationNamesCache = new WeakMap<SchemaModel, Map<string, string[]>>();

/**
 * The names of the tables that statements of the model's history write rows into (INSERT, UPDATE,
 * MERGE, COPY … FROM), as written, and every name such a table was renamed to afterwards.
 */
function rowsWritten(model: SchemaModel): ReadonlySet<string> {
  let names = rowsWrittenCache.get(model);
  if (!names) {
    names = new Set();
    for (const e of model.history ?? []) {
      const relation = writtenRelation(e.kind, e.node);
      if (relation) names.add(relation);
      const renamed = e.kind === 'RenameStmt' && e.node.renameType === 'OBJECT_TABLE';
      if (renamed && names.has(e.node.relation?.relname as string)) names.add(e.node.newname as string);
    }
    rowsWrittenCache.set(model, names);
  }
  return names;
}
const rowsWrittenCache = new WeakMap<SchemaModel, Set<string>>();

/** The table a statement writes rows into (INSERT, UPDATE, MERGE, COPY … FROM), as written. */
function writtenRelation(kind: string, node: PgNode): string | undefined {
  if (kind !== 'InsertStmt' && kind !== 'UpdateStmt' && kind !== 'MergeStmt' && kind !== 'CopyStmt')
    return undefined;
  if (kind === 'CopyStmt' && !node.is_from) return undefined;
  return (node.relation as PgNode | undefined)?.relname as string | undefined;
}

/** The domain a column's type names, if it is one. */
export function domainOf(model: SchemaModel, c: Column) {
  if (model.domains.size === 0) return undefined;
  for (const d of model.domains.values()) {
    if (d.name === c.type.name && (!c.type.schema || c.type.schema === d.schema)) return d;
  }
  return undefined;
}

/** The text of a string-literal DEFAULT (`'pending'`, `'pending'::text`); undefined for any other. */
export function stringDefault(c: Column): string | undefined {
  let node = c.defaultNode;
  if (node?.TypeCast) {
    const names = (node.TypeCast.typeName?.names ?? []) as { String?: { sval?: string } }[];
    const type = names[names.length - 1]?.String?.sval ?? '';
    if (!TEXT_TYPES.has(type)) return undefined;
    node = node.TypeCast.arg;
  }
  const sval = node?.A_Const?.sval;
  return sval === undefined ? undefined : String(sval.sval ?? '');
}

/**
 * A table's columns with those it inherits through INHERITS (the model lists only the columns
 * written for the table itself); undefined when a parent is not in the model.
 */
export function columnsWithInherited(model: SchemaModel, table: Table): readonly Column[] | undefined {
  // Most tables inherit nothing: their own list, not a copy.
  if (table.inherits.length === 0) return table.columns;
  const out = [...table.columns];
  const seen = new Set([tableKey(table)]);
  const queue = [...table.inherits];
  for (let q = queue.shift(); q; q = queue.shift()) {
    if (seen.has(tableKey(q))) continue;
    seen.add(tableKey(q));
    const parent = findTable(model, q);
    if (!parent) return undefined;
    for (const c of parent.columns) if (!out.some((x) => x.name === c.name)) out.push(c);
    queue.push(...parent.inherits);
  }
  return out;
}

/** True when the column has a default other than NULL (`DEFAULT NULL` is no default). */
export function hasDefault(column: Column): boolean {
  return column.defaultNode !== undefined && !isNullConstant(column.defaultNode);
}

/** `NULL`, or `NULL::type` (casts of casts too). */
export function isNullConstant(node: PgNode | undefined): boolean {
  let n = node;
  while (n?.TypeCast) n = n.TypeCast.arg as PgNode;
  return n?.A_Const?.isnull === true;
}

/**
 * True when the column can never hold NULL: declared NOT NULL, typed by a NOT NULL domain, or
 * guarded by a validated `CHECK (column IS NOT NULL)`.
 */
export function effectivelyNotNull(model: SchemaModel, table: Table, column: Column): boolean {
  if (column.notNull || domainOf(model, column)?.notNull) return true;
  return table.constraints.some((c) => {
    const test = c.kind === 'check' && !c.notValid ? c.checkNode?.NullTest : undefined;
    const fields = test?.arg?.ColumnRef?.fields as { String?: { sval?: string } }[] | undefined;
    return test?.nulltesttype === 'IS_NOT_NULL' && fields?.[fields.length - 1]?.String?.sval === column.name;
  });
}

/**
 * The table's soft-delete column (`deleted_at` by default): present and nullable, since a row is
 * live while it is NULL. Undefined when the table has none, or when it can never be NULL.
 */
export function softDeleteColumn(model: SchemaModel, table: Table, name: string): Column | undefined {
  const column = findColumn(table, name);
  return column && !effectivelyNotNull(model, table, column) ? column : undefined;
}

/** True when a partial index's predicate is `<column> IS NULL`, alone or ANDed with others. */
export function predicateRequiresNull(predicate: PgNode | undefined, column: string): boolean {
  if (!predicate) return false;
  if (predicate.BoolExpr?.boolop === 'AND_EXPR') {
    return (predicate.BoolExpr.args as PgNode[]).some((a) => predicateRequiresNull(a, column));
  }
  const test = predicate.NullTest;
  const fields = test?.arg?.ColumnRef?.fields as { String?: { sval?: string } }[] | undefined;
  return test?.nulltesttype === 'IS_NULL' && fields?.[fields.length - 1]?.String?.sval === column;
}

/** Of statements that wrote an object's parts, the one that runs last (by file order, then position). */
export function latestStatement(group: FileGroup, statements: readonly SourceRange[]): SourceRange {
  const order = (s: SourceRange) => group.files.indexOf(s.file);
  return statements.reduce((a, b) =>
    order(b) > order(a) || (order(b) === order(a) && b.start > a.start) ? b : a,
  );
}

/** The statement that wrote a column of the table: its own, or for a copied one the table's. */
export function columnStatement(table: Table, column: Column): SourceRange {
  return isOwnColumn(table, column) ? column.origin.statement : table.origin.statement;
}

/** True when two identifiers are the same words in any case style: created_at, createdAt, CreatedAt. */
export function sameName(a: string, b: string): boolean {
  if (a === b) return true;
  // A name already in snake_case (most SQL names) is its own snake form: no lookup.
  if (isSnake(a) && isSnake(b)) return false;
  return snakeName(a) === snakeName(b);
}

/** True for `unit_price`: lower-case letters and digits, single underscores between words. */
function isSnake(name: string): boolean {
  let underscore = true;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 95) {
      if (underscore) return false;
      underscore = true;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) underscore = false;
    else return false;
  }
  return !underscore;
}

/** `unitPrice` → `unit_price`, memoised with the words. */
function snakeName(name: string): string {
  let snake = snakeCache.get(name);
  if (snake === undefined) {
    snake = nameWords(name).join('_');
    if (snakeCache.size > 50_000) snakeCache.clear();
    snakeCache.set(name, snake);
  }
  return snake;
}
const snakeCache = new Map<string, string>();

/** An enum or domain by the name a type was written with (qualified, else the first by that name). */
export function findUserType<T extends { schema: string; name: string }>(
  map: Map<string, T>,
  type: { name: string; schema?: string },
): T | undefined {
  if (type.schema) return map.get(key(type.schema, type.name));
  for (const t of map.values()) if (t.name === type.name) return t;
  return undefined;
}
