/**
 * A keystroke's model without building the whole file again. A keystroke changes one statement;
 * when that statement acts on one table only (CREATE TABLE, CREATE INDEX, COMMENT ON, CREATE
 * TRIGGER, CREATE POLICY, ALTER TABLE of that table), and nothing else in the file could make that
 * table's statements act differently, the new model is the previous one with that table built again
 * from its own statements (`replaySqlStatements`) on a model that has everything else.
 *
 * It needs every other statement at the same offsets as before (its parse is then the same object,
 * and so are the model objects built from it): the language server keeps them there by padding the
 * edited statement (`PaddedText`). Whatever this module cannot prove gives `undefined`, and the
 * caller builds the file as usual. What it must prove, and how:
 *
 * - No statement of the file renames, drops, moves or copies tables, or runs in a DO block, or
 *   creates a table from a query or from another table (LIKE, INHERITS, PARTITION OF).
 * - Every name the table's statements look up resolves without looking at what exists (written
 *   with its schema, or a search_path of one schema and no temporary tables).
 * - Names: PostgreSQL picks names for unnamed constraints and indexes by what is taken, and an
 *   index named twice replaces the other. None of the table's names (before and after the edit)
 *   is another object's, or another object's with digits added, or the reverse.
 * - Primary keys: a foreign key written without columns takes the referenced table's primary key
 *   as it stood then. The table's own such keys must point at tables whose primary key was already
 *   there; and when the table's primary key changed, no other table may reference it.
 * - Order: indexes, policies and triggers stay in the order of the statements that made them.
 */
import type { ParsedSql, PgNode, SqlStatement } from '../parse/sql';
import { nameClashed, replaySqlStatements, searchOrder, strings, type ReplayedStatement } from './build-sql';
import {
  key,
  tableKey,
  type Index,
  type Policy,
  type SchemaModel,
  type StatementEvent,
  type Table,
  type Trigger,
} from './schema';

/** The model of a file and the parse it was built from, kept between keystrokes. */
export interface ModelMemo {
  parsed: ParsedSql;
  model: SchemaModel;
  /** What `patchSqlModel` worked out for the table last edited, valid while only it changes. */
  session?: Session;
}

/** How often each way was taken (for tests and the benchmark). */
export const incrementalStats = { patched: 0, unchanged: 0, rebuilt: 0 };

/** A name as written: with its schema, or not. */
interface WrittenName {
  schema?: string;
  name: string;
}

/** What a statement does, as far as patching goes (independent of the search_path). */
type Role =
  | { kind: 'neutral' }
  | { kind: 'global' }
  | {
      kind: 'island';
      /** The table it acts on. */
      target: WrittenName;
      /** Other names it looks up (foreign key targets, a trigger's function). */
      refs: WrittenName[];
      /** Names it gives constraints and indexes. */
      names: string[];
    };

/** The table a session is about, and what stays the same while only its statements change. */
interface Session {
  target: string;
  /** Indexes (in the parse's statements) of the target's statements. */
  statements: number[];
  /** Index in the model's history of each of those statements' events. */
  events: number[];
  /** Names of every object that is not the target's (tables, indexes, views, sequences, constraints). */
  others: Set<string>;
  /** Those of them that end in digits, without the digits. */
  otherBases: Set<string>;
  /** Whether another table has a foreign key to the target. */
  referenced: boolean;
}

/** By statement node: a statement moved by an edit before it is a new object with the same node. */
const roles = new WeakMap<object, Role>();

/** ALTER TABLE commands that change only the table they are on (the builder's other commands reach other tables, or rename). */
const LOCAL_COMMANDS = new Set([
  'AT_AddColumn',
  'AT_AlterColumnType',
  'AT_SetNotNull',
  'AT_DropNotNull',
  'AT_ColumnDefault',
  'AT_AddIdentity',
  'AT_SetIdentity',
  'AT_DropIdentity',
  'AT_SetExpression',
  'AT_DropExpression',
  'AT_AddConstraint',
  'AT_ValidateConstraint',
  'AT_EnableRowSecurity',
  'AT_DisableRowSecurity',
  'AT_ForceRowSecurity',
  'AT_NoForceRowSecurity',
  'AT_SetLogged',
  'AT_SetUnLogged',
  'AT_ChangeOwner',
  'AT_SetStatistics',
  'AT_SetStorage',
  'AT_SetCompression',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_ReplicaIdentity',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_EnableTrig',
  'AT_DisableTrig',
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_EnableTrigAll',
  'AT_DisableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrigUser',
]);

/** Statements the model builder acts on that never touch a table, index, policy or trigger. */
const NEUTRAL_KINDS = new Set([
  'CreateEnumStmt',
  'AlterEnumStmt',
  'CreateDomainStmt',
  'AlterDomainStmt',
  'CreateFunctionStmt',
  'ViewStmt',
  'CreateExtensionStmt',
  'CreateSeqStmt',
  'VariableSetStmt',
]);

/** Statements the model builder acts on in ways that reach other tables (or that it does not say). */
const APPLIED_KINDS = new Set([
  'CreateStmt',
  'CreateForeignTableStmt',
  'AlterTableStmt',
  'IndexStmt',
  'RenameStmt',
  'DropStmt',
  'CreatePolicyStmt',
  'AlterPolicyStmt',
  'CreateTrigStmt',
  'CreateTableAsStmt',
  'CreateSchemaStmt',
  'CommentStmt',
  'SelectStmt',
  'AlterObjectSchemaStmt',
  'DoStmt',
]);

function rangeVar(rv: PgNode | undefined): WrittenName | undefined {
  if (!rv?.relname) return undefined;
  return rv.schemaname
    ? { schema: rv.schemaname as string, name: rv.relname as string }
    : { name: rv.relname };
}

function listName(names: string[]): WrittenName | undefined {
  if (names.length === 0) return undefined;
  return names.length > 1
    ? { schema: names[names.length - 2], name: names[names.length - 1] }
    : { name: names[0] };
}

/**
 * Every `conname` and `idxname` in a node, and the targets of its foreign keys; false for a
 * constraint made of an existing index (`USING INDEX`): that index may be another table's.
 */
function namesAndTargets(node: unknown, names: string[], refs: WrittenName[]): boolean {
  if (Array.isArray(node)) return node.every((x) => namesAndTargets(x, names, refs));
  if (!node || typeof node !== 'object') return true;
  const n = node as PgNode;
  if (typeof n.conname === 'string') names.push(n.conname);
  if (typeof n.idxname === 'string') names.push(n.idxname);
  if (n.indexname) return false;
  if (n.contype === 'CONSTR_FOREIGN') {
    const target = rangeVar(n.pktable);
    if (target) refs.push(target);
  }
  for (const k in n) {
    const v = n[k];
    if (v && typeof v === 'object' && !namesAndTargets(v, names, refs)) return false;
  }
  return true;
}

function island(target: WrittenName | undefined, node: PgNode, extraRefs: WrittenName[] = []): Role {
  if (!target) return { kind: 'global' };
  const names: string[] = [];
  const refs: WrittenName[] = [...extraRefs];
  if (!namesAndTargets(node, names, refs)) return { kind: 'global' };
  return { kind: 'island', target, refs, names };
}

function roleOf(stmt: SqlStatement): Role {
  const node = stmt.node;
  if (!node || typeof node !== 'object') return { kind: 'neutral' };
  let role = roles.get(node);
  if (!role) roles.set(node, (role = computeRole(stmt)));
  return role;
}

function computeRole(stmt: SqlStatement): Role {
  const n = stmt.node?.[stmt.kind] as PgNode | undefined;
  if (!n || typeof n !== 'object') return { kind: 'neutral' };
  const kind = stmt.kind;
  if (NEUTRAL_KINDS.has(kind)) return { kind: 'neutral' };
  if (!APPLIED_KINDS.has(kind)) return { kind: 'neutral' };
  switch (kind) {
    case 'CreateStmt': {
      const elements = (n.tableElts ?? []) as PgNode[];
      if (
        n.relation?.relpersistence === 't' ||
        (n.inhRelations ?? []).length > 0 ||
        n.partbound ||
        n.ofTypename ||
        elements.some((e) => e.TableLikeClause)
      )
        return { kind: 'global' };
      return island(rangeVar(n.relation), n);
    }
    case 'IndexStmt':
      return island(rangeVar(n.relation), n);
    case 'CreateTrigStmt': {
      const fn = listName(strings(n.funcname));
      return island(rangeVar(n.relation), n, fn ? [fn] : []);
    }
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      return island(rangeVar(n.table), n);
    case 'CommentStmt': {
      const names = n.object?.List ? strings(n.object.List.items) : [];
      if (n.objtype === 'OBJECT_TABLE' || n.objtype === 'OBJECT_FOREIGN_TABLE')
        return island(listName(names), n);
      if (n.objtype === 'OBJECT_COLUMN') return island(listName(names.slice(0, -1)), n);
      return { kind: 'neutral' };
    }
    case 'AlterTableStmt': {
      if (n.objtype && n.objtype !== 'OBJECT_TABLE' && n.objtype !== 'OBJECT_FOREIGN_TABLE')
        return { kind: 'neutral' };
      const local = ((n.cmds ?? []) as PgNode[]).every((c) =>
        LOCAL_COMMANDS.has(c.AlterTableCmd?.subtype as string),
      );
      return local ? island(rangeVar(n.relation), n) : { kind: 'global' };
    }
    case 'CreateTableAsStmt':
      return n.objtype === 'OBJECT_MATVIEW' ? { kind: 'neutral' } : { kind: 'global' };
    case 'CreateSchemaStmt':
      return (n.schemaElts ?? []).length > 0 ? { kind: 'global' } : { kind: 'neutral' };
    case 'SelectStmt':
      return n.intoClause ? { kind: 'global' } : { kind: 'neutral' };
    default:
      return { kind: 'global' };
  }
}

/**
 * The key a written name has under a search_path, if that does not depend on what exists: with its
 * schema, or when the search_path leaves one schema to look in.
 */
function resolved(name: WrittenName, searchPath: readonly string[]): string | undefined {
  if (name.schema) return key(name.schema, name.name);
  const schemas = new Set(searchOrder(searchPath).filter((s) => s !== 'pg_temp'));
  if (schemas.size !== 1) return undefined;
  const [only] = schemas;
  return (searchPath[0] ?? 'public') === only ? key(only, name.name) : undefined;
}

/** The table an island statement acts on, if every name in it resolves without looking. */
function islandTarget(stmt: SqlStatement, searchPath: readonly string[]): string | undefined {
  const role = roleOf(stmt);
  if (role.kind !== 'island') return undefined;
  for (const ref of role.refs) if (resolved(ref, searchPath) === undefined) return undefined;
  return resolved(role.target, searchPath);
}

const STRIP_DIGITS = /\d+$/;

/** Names of the table and of what it has: its indexes (by `indexes`) and constraints. */
function namesOf(table: Table | undefined, indexes: readonly Index[], out: string[]): void {
  if (table) {
    out.push(table.name);
    for (const c of table.constraints) out.push(c.name);
  }
  for (const i of indexes) out.push(i.name);
}

function indexesOn(model: SchemaModel, target: string): Index[] {
  const out: Index[] = [];
  for (const idx of model.indexes.values()) if (tableKey(idx.table) === target) out.push(idx);
  return out;
}

function startSession(model: SchemaModel, parsed: ParsedSql, target: string): Session | undefined {
  const history = model.history;
  if (!history) return undefined;
  const eventOf = new Map<SqlStatement, number>();
  history.forEach((e, i) => eventOf.set(e.stmt, i));
  const statements: number[] = [];
  const events: number[] = [];
  for (let j = 0; j < parsed.statements.length; j++) {
    const stmt = parsed.statements[j];
    const role = roleOf(stmt);
    if (role.kind === 'global') return undefined;
    if (role.kind === 'neutral') continue;
    const e = eventOf.get(stmt);
    if (e === undefined) return undefined;
    const at = islandTarget(stmt, history[e].searchPath);
    if (at === undefined) return undefined;
    if (at !== target) continue;
    statements.push(j);
    events.push(e);
  }
  // Names by schema: a schema's tables, indexes, views and sequences share one namespace, and
  // PostgreSQL names a constraint to be unique among the schema's.
  const others = new Set<string>();
  let referenced = false;
  for (const [k, t] of model.tables) {
    if (t.schema === 'pg_temp') return undefined;
    if (k === target) continue;
    others.add(key(t.schema, t.name));
    for (const c of t.constraints) {
      others.add(key(t.schema, c.name));
      if (c.references && tableKey(c.references.table) === target) referenced = true;
    }
  }
  for (const idx of model.indexes.values())
    if (tableKey(idx.table) !== target) others.add(key(idx.schema, idx.name));
  for (const v of model.views.values()) others.add(key(v.schema, v.name));
  for (const s of model.sequences.values()) others.add(key(s.schema, s.name));
  // A temporary function would be found first by a trigger replayed before it was created.
  for (const k of model.functions.keys()) if (k.startsWith('pg_temp.')) return undefined;
  const otherBases = new Set<string>();
  for (const o of others) {
    const base = o.replace(STRIP_DIGITS, '');
    if (base !== o) otherBases.add(base);
  }
  return { target, statements, events, others, otherBases, referenced };
}

/**
 * Whether a name of the table (in its schema) could have been chosen differently because of
 * another object's, or the reverse.
 */
function clashes(schema: string, names: readonly string[], session: Session): boolean {
  for (const name of names) {
    // Near PostgreSQL's 63-byte limit, a numbered name is a shortened one: not worth working out.
    if (Buffer.byteLength(name) >= 56) return true;
    const n = key(schema, name);
    if (session.others.has(n) || session.otherBases.has(n)) return true;
    const base = n.replace(STRIP_DIGITS, '');
    if (base !== n && session.others.has(base)) return true;
  }
  return false;
}

/** `a` and `b` merged by the start of the statement that made each; undefined if either is out of that order. */
function mergeByStatement<T extends { origin: { statement: { start: number } } }>(
  a: readonly T[],
  b: readonly T[],
): T[] | undefined {
  const sorted = (xs: readonly T[]) =>
    xs.every((x, i) => i === 0 || xs[i - 1].origin.statement.start <= x.origin.statement.start);
  if (!sorted(a) || !sorted(b)) return undefined;
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i].origin.statement.start <= b[j].origin.statement.start))
      out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}

function primaryKeyOf(table: Table | undefined): string {
  const pk = table?.constraints.find((c) => c.kind === 'primary key');
  return pk ? `${pk.columns.join(',')}@${pk.origin.statement.start}` : '';
}

/**
 * The model of `next`, from `memo` (the model of a parse of the same file) when `next` differs from
 * it in one statement that acts on one table alone (see the module's comment); undefined when the
 * file must be built again. `memo.session` is updated.
 */
export function patchSqlModel(memo: ModelMemo, next: ParsedSql, path: string): SchemaModel | undefined {
  const { model, parsed } = memo;
  const before = parsed.statements;
  const after = next.statements;
  if (before.length !== after.length || !model.history || nameClashed(model)) return undefined;
  let changed = -1;
  for (let j = 0; j < after.length; j++) {
    if (before[j] === after[j]) continue;
    if (changed >= 0) return undefined;
    changed = j;
  }
  if (changed < 0) {
    // Only what lies between statements changed (a blank line, a comment): the same model.
    return model;
  }
  const oldStmt = before[changed];
  const newStmt = after[changed];
  // The same kind of statement: where the table is created (its place among the tables) stays.
  if (oldStmt.kind !== newStmt.kind) return undefined;
  const history = model.history;
  let session = memo.session;
  const known = session?.statements.indexOf(changed) ?? -1;
  const e = known >= 0 ? session!.events[known] : history.findIndex((ev) => ev.stmt === oldStmt);
  if (e < 0 || history[e].stmt !== oldStmt) return undefined;
  const searchPath = history[e].searchPath;
  const target = islandTarget(oldStmt, searchPath);
  if (target === undefined || islandTarget(newStmt, searchPath) !== target) return undefined;
  if (!session || session.target !== target || known < 0) {
    session = startSession(model, parsed, target);
    memo.session = session;
    if (!session) return undefined;
  }

  // Everything but the target's table, indexes, policies and triggers.
  const oldTable = model.tables.get(target);
  const oldIndexes = indexesOn(model, target);
  const base: SchemaModel = {
    ...model,
    tables: new Map(model.tables),
    indexes: new Map(model.indexes),
    policies: model.policies.filter((p) => tableKey(p.table) !== target),
    triggers: model.triggers.filter((t) => tableKey(t.table) !== target),
    schemas: new Set(model.schemas),
    history: [],
  };
  base.tables.delete(target);
  for (const idx of oldIndexes) base.indexes.delete(key(idx.schema, idx.name));
  // Copies: the replay adds the target's to the model's lists.
  const otherPolicies = [...base.policies];
  const otherTriggers = [...base.triggers];

  let failed = false;
  const lookups: { target: string; stmt: SqlStatement }[] = [];
  const statements: ReplayedStatement[] = session.statements.map((j, i) => ({
    stmt: after[j],
    searchPath: history[session.events[i]].searchPath,
  }));
  replaySqlStatements(base, path, next, statements, {
    onInternalError: () => {
      failed = true;
    },
    onPrimaryKeyLookup: (t, stmt) => lookups.push({ target: t, stmt }),
  });
  if (failed || base.history!.length !== statements.length || nameClashed(base)) return undefined;

  // Foreign keys without columns: the table they name had its primary key before them.
  // (A table without a primary key never had one: nothing in the file drops one.)
  for (const { target: t, stmt } of lookups) {
    const referenced = base.tables.get(t);
    if (!referenced || referenced.origin.statement.start >= stmt.start) return undefined;
    const pk = referenced.constraints.find((c) => c.kind === 'primary key');
    if (pk && pk.origin.statement.start >= stmt.start) return undefined;
  }
  const newTable = base.tables.get(target);
  if (session.referenced && primaryKeyOf(oldTable) !== primaryKeyOf(newTable)) return undefined;
  const newIndexes = indexesOn(base, target);
  const names: string[] = [];
  namesOf(oldTable, oldIndexes, names);
  namesOf(newTable, newIndexes, names);
  for (const stmt of [oldStmt, newStmt]) {
    const role = roleOf(stmt);
    if (role.kind === 'island') names.push(...role.names);
  }
  const schema = (newTable ?? oldTable ?? newIndexes[0] ?? oldIndexes[0])?.schema;
  if (names.length > 0 && (schema === undefined || clashes(schema, names, session))) return undefined;

  // The new model, in the order a build of the whole file makes.
  if (newTable && !model.tables.has(target)) return undefined;
  const tables = new Map<string, Table>();
  for (const [k, t] of model.tables) {
    if (k !== target) tables.set(k, t);
    else if (newTable) tables.set(k, newTable);
  }
  const otherIndexes = [...model.indexes.values()].filter((idx) => tableKey(idx.table) !== target);
  const indexList = mergeByStatement(otherIndexes, newIndexes);
  const policies = mergeByStatement<Policy>(
    otherPolicies,
    base.policies.filter((p) => tableKey(p.table) === target),
  );
  const triggers = mergeByStatement<Trigger>(
    otherTriggers,
    base.triggers.filter((t) => tableKey(t.table) === target),
  );
  if (!indexList || !policies || !triggers) return undefined;
  const indexes = new Map<string, Index>();
  for (const idx of indexList) indexes.set(key(idx.schema, idx.name), idx);
  if (indexes.size !== indexList.length) return undefined;
  const events: StatementEvent[] = [...history];
  for (let i = 0; i < session.events.length; i++) {
    const event = base.history![i];
    if (event.stmt !== after[session.statements[i]]) return undefined;
    events[session.events[i]] = event;
  }
  return { ...model, tables, indexes, policies, triggers, schemas: base.schemas, history: events };
}
