/**
 * Down migrations: the statements that undo an up migration. Each statement the up ran is undone in
 * reverse order, so the inverse of a statement always runs in the state that statement left behind
 * (the names it saw are the names its inverse needs). What the inverse needs to know about the state
 * *before* the statement (the default a SET DEFAULT replaced, whether a column was already NOT NULL,
 * the function a CREATE OR REPLACE overwrote) comes from one pass over the model's history.
 *
 * A statement whose inverse cannot be derived (a DROP, a data change, a type change) becomes a
 * `-- TODO:` comment quoting it, for the author to finish.
 */
import { minLocation, nodeKey, searchOrder, strings } from '../model/build-sql';
import { StatementText } from '../model/ranges';
import {
  key,
  tableKey,
  type Index,
  type QualifiedName,
  type SchemaModel,
  type StatementEvent,
} from '../model/schema';
import { nodeOffset, statementTokens, type PgNode, type ScanToken } from '../parse/sql';
import { quoteIdent, quoteLiteral, tableRef } from './sql';

export interface DownOptions {
  /**
   * The tool runs the down script outside a transaction block: an index the up built CONCURRENTLY
   * is dropped CONCURRENTLY too.
   */
  outsideTransaction: boolean;
  /**
   * The tool sends the whole script to PostgreSQL as one query (golang-migrate, dbmate, diesel),
   * which runs several statements as one implicit transaction: CONCURRENTLY only when it is the
   * script's one statement.
   */
  oneQuery?: boolean;
}

/** A DEFAULT expression, read from its statement's tokens only when an inverse needs its text. */
interface DefaultExpression {
  event: StatementEvent;
  expr: PgNode;
  /** Written in a column definition (where the next column constraint ends it). */
  inColumn: boolean;
}

/** What a column was like at some point of the history. */
interface ColumnState {
  /** The default expression, null for none, undefined when not known (a serial's, a LIKE's …). */
  default: DefaultExpression | null | undefined;
  notNull: boolean | undefined;
}

interface TableState {
  /** Columns whose state is known (a column missing here is not known: LIKE, INHERITS …). */
  columns: Map<string, ColumnState>;
  rls: { enabled: boolean; forced: boolean };
  /** COMMENT ON TABLE; and COMMENT ON COLUMN, by column (following renames, gone with a drop). */
  comment?: string;
  columnComments?: Map<string, string>;
}

/** What one statement's inverse needs to know about the state before it. */
interface Facts {
  /** The table the statement acts on, resolved as the statement resolved it. */
  table?: QualifiedName;
  /**
   * The statement only adds to the table the file has just created (nothing else in between): the
   * table's DROP TABLE undoes it too.
   */
  createdHere?: boolean;
  /** The object a CREATE [IF NOT EXISTS] names existed already: nothing to undo. */
  existed?: boolean;
  /** ALTER TABLE: the state before each command of the column it names (by command index). */
  columnsBefore?: (ColumnState | undefined)[];
  /** ALTER TABLE … ADD PRIMARY KEY: whether each key column was NOT NULL before (by command index). */
  keysNotNull?: (Map<string, boolean | undefined> | undefined)[];
  /** ALTER TABLE: row level security before each command (undefined when the table is not known). */
  rlsBefore?: ({ enabled: boolean; forced: boolean } | undefined)[];
  /** COMMENT: the comment it replaced (null for none). */
  previousComment?: string | null;
  /**
   * CREATE OR REPLACE FUNCTION / TRIGGER / VIEW: the statement that defined what it replaced.
   * DROP INDEX / TRIGGER / POLICY / VIEW / FUNCTION: the statement that created what it drops, when
   * running it again would build the same thing.
   */
  previousDefinition?: StatementEvent;
  /** CREATE TYPE / ALTER TYPE: the type was created earlier in the same file. */
  typeCreatedHere?: boolean;
}

/** Keywords that end a DEFAULT expression inside a column definition (a DEFAULT is a `b_expr`). */
const COLUMN_CONSTRAINT_WORDS = new Set([
  'CONSTRAINT',
  'NOT',
  'NULL',
  'CHECK',
  'DEFAULT',
  'UNIQUE',
  'PRIMARY',
  'REFERENCES',
  'GENERATED',
  'COLLATE',
  'DEFERRABLE',
  'INITIALLY',
]);

/**
 * The text of a DEFAULT's expression, as written: from the token after DEFAULT to the `,` or `)`
 * that closes its list, the end of the statement, or (inside a column definition) the next column
 * constraint.
 */
function defaultText(event: StatementEvent, expr: PgNode, inColumn: boolean): string | undefined {
  const st = new StatementText(event.file, event.parsed, event.stmt);
  const start = st.defaultStart(nodeOffset(event.parsed, event.stmt, minLocation(expr)));
  const tokens = st.tokens;
  let i = tokens.findIndex((t) => t.start >= start);
  if (i < 0) return undefined;
  const first = i;
  let depth = 0;
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && t.text === ',') break;
    else if (depth === 0 && inColumn && i > first && t.isKeyword && COLUMN_CONSTRAINT_WORDS.has(t.kind))
      break;
  }
  if (i === first) return undefined;
  return event.parsed.sqlText.slice(tokens[first].start, tokens[i - 1].end);
}

/** A column's DEFAULT and NOT NULL as its definition writes them. */
function columnDefState(event: StatementEvent, def: PgNode, notNullKeys: ReadonlySet<string>): ColumnState {
  const constraints = ((def.constraints ?? []) as PgNode[]).map((c) => c.Constraint).filter(Boolean);
  const typeName = strings(def.typeName?.names);
  const serial = typeName.length === 1 && /^(small|big)?serial[248]?$/.test(typeName[0]);
  let dflt: DefaultExpression | null | undefined = serial ? undefined : null;
  let notNull = notNullKeys.has(def.colname as string);
  for (const c of constraints) {
    if (c.contype === 'CONSTR_DEFAULT' && c.raw_expr) dflt = { event, expr: c.raw_expr, inColumn: true };
    if (c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_IDENTITY')
      notNull = true;
    if (c.contype === 'CONSTR_GENERATED') dflt = undefined;
  }
  if (serial) notNull = true;
  return { default: dflt, notNull };
}

/** Key columns of the table's PRIMARY KEY (and PostgreSQL 18 `NOT NULL col`) constraints. */
function notNullKeysOf(constraints: PgNode[]): Set<string> {
  const out = new Set<string>();
  for (const c of constraints) {
    if (c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_NOTNULL')
      for (const k of strings(c.keys)) out.add(k);
  }
  return out;
}

/**
 * A type as DROP FUNCTION needs it (modifiers do not tell overloads apart): catalog names bare
 * (`int4`, `timestamptz`), others quoted where needed. Undefined for `%TYPE` references.
 */
function typeText(typeName: PgNode | undefined): string | undefined {
  if (!typeName || typeName.pct_type) return undefined;
  const names = strings(typeName.names);
  if (names.length === 0) return undefined;
  const base =
    names.length === 2 && names[0] === 'pg_catalog' ? names[1] : names.map((n) => quoteIdent(n)).join('.');
  const dims = Array.isArray(typeName.arrayBounds) ? typeName.arrayBounds.length : 0;
  return base + '[]'.repeat(dims);
}

/** The argument types that identify a function: its IN, INOUT and VARIADIC parameters. */
function signatureTypes(parameters: PgNode[] | undefined): string[] | undefined {
  const out: string[] = [];
  for (const p of parameters ?? []) {
    const param = p.FunctionParameter as PgNode | undefined;
    if (!param) return undefined;
    if (param.mode === 'FUNC_PARAM_OUT' || param.mode === 'FUNC_PARAM_TABLE') continue;
    const t = typeText(param.argType);
    if (t === undefined) return undefined;
    out.push(t);
  }
  return out;
}

/** `DROP TABLE IF EXISTS` when the up wrote `IF NOT EXISTS` (it may have created nothing). */
function ifExists(written: unknown): string {
  return written ? ' IF EXISTS' : '';
}

/** The statement ran with the search_path the down will run with: its names mean the same. */
function onDefaultPath(event: StatementEvent): boolean {
  return event.searchPath.length === 1 && event.searchPath[0] === 'public';
}

/** The query has a `*` in it somewhere (`SELECT *`, `t.*`, `count(*)` aside). */
function selectsStar(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(selectsStar);
  const obj = node as PgNode;
  if (obj.ColumnRef) return ((obj.ColumnRef.fields ?? []) as PgNode[]).some((f) => f.A_Star !== undefined);
  if (obj.FuncCall) return selectsStar(obj.FuncCall.args) || selectsStar(obj.FuncCall.agg_filter);
  return Object.values(obj).some(selectsStar);
}

/** Statements that leave nothing behind to undo. */
const NOTHING_TO_UNDO = new Set([
  'TransactionStmt',
  'VariableSetStmt',
  'VariableShowStmt',
  'LockStmt',
  'VacuumStmt',
  'ReindexStmt',
  'CheckPointStmt',
  'NotifyStmt',
  'ListenStmt',
  'UnlistenStmt',
  'DiscardStmt',
  'ExplainStmt',
  'DeallocateStmt',
]);

/** Statements that add to a table and go with it when it is dropped. */
function absorbable(event: StatementEvent): boolean {
  switch (event.kind) {
    case 'AlterTableStmt':
    case 'IndexStmt':
    case 'CreatePolicyStmt':
    case 'CreateTrigStmt':
    case 'RuleStmt':
    case 'CommentStmt':
      return true;
    case 'RenameStmt':
      return ['OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT', 'OBJECT_POLICY', 'OBJECT_TRIGGER'].includes(
        event.node.renameType as string,
      );
    default:
      return false;
  }
}

/** One piece of a down script: a statement (with its `;`) or a comment line. */
type Piece = string;

/**
 * Derives down migrations for the files of one model's history. One pass over the history at
 * construction; `downFor` is then cheap for each file.
 */
export class DownWriter {
  private readonly history: readonly StatementEvent[];
  private readonly facts = new Map<StatementEvent, Facts>();
  /** Events of each file, in order. */
  private readonly byFile = new Map<string, StatementEvent[]>();

  constructor(private readonly model: SchemaModel) {
    this.history = model.history ?? [];
    this.replay();
  }

  /** The statements undoing `file`'s, in the order to run them, or an empty list when it ran none. */
  downFor(file: string, options: DownOptions): Piece[] {
    if (!options.oneQuery || !options.outsideTransaction) return this.inverses(file, options);
    // Sent as one query, a script of several statements runs in one transaction. Whether the
    // script runs in one changes only the words of its statements, never how many there are: the
    // one that may be written CONCURRENTLY is the one alone in its script, cheap to write again.
    const pieces = this.inverses(file, { outsideTransaction: false });
    return pieces.filter((p) => !p.startsWith('--')).length > 1 ? pieces : this.inverses(file, options);
  }

  private inverses(file: string, options: DownOptions): Piece[] {
    const events = this.byFile.get(file) ?? [];
    const out: Piece[] = [];
    for (let i = events.length - 1; i >= 0; i--) {
      const event = events[i];
      // A DO block's statements follow it in the history.
      const next = events[i + 1];
      const runsStatements =
        event.kind === 'DoStmt' && next?.inDoBlock === true && next.stmt.start >= event.stmt.start;
      out.push(...this.inverse(event, options, runsStatements));
    }
    return out;
  }

  // ── the state before each statement ────────────────────────────────────────────────────────

  private replay(): void {
    const tables = new Map<string, TableState>();
    const schemas = new Set<string>(['public']);
    const extensions = new Set<string>();
    const types = new Map<string, string>();
    const comments = new Map<string, string>();
    const functions = new Map<string, StatementEvent>();
    const triggers = new Map<string, StatementEvent>();
    const views = new Map<string, StatementEvent>();

    const resolve = (rv: PgNode, searchPath: readonly string[]): QualifiedName =>
      resolveIn(tables, [rv.schemaname, rv.relname].filter(Boolean) as string[], searchPath);
    const creationName = (rv: PgNode, searchPath: readonly string[]): QualifiedName => ({
      schema:
        (rv.schemaname as string | undefined) ??
        (rv.relpersistence === 't' ? 'pg_temp' : (searchPath[0] ?? 'public')),
      name: rv.relname as string,
    });
    const moveTable = (from: QualifiedName, to: QualifiedName): void => {
      const state = tables.get(tableKey(from));
      if (!state) return;
      tables.delete(tableKey(from));
      tables.set(tableKey(to), state);
    };
    const functionKey = (name: QualifiedName, args: string[]): string =>
      `${tableKey(name)}(${args.join(',')})`;
    // Named indexes, triggers and policies a DROP can put back by running their CREATE again: only
    // while nothing they name has been renamed, and when their names resolve as the down's will.
    const restorable = new Map<string, StatementEvent>();
    const restorableOn = new Map<string, Set<string>>();
    const define = (k: string, table: QualifiedName, event: StatementEvent): void => {
      if (!onDefaultPath(event)) return;
      restorable.set(k, event);
      const keys = restorableOn.get(tableKey(table)) ?? new Set<string>();
      keys.add(k);
      restorableOn.set(tableKey(table), keys);
    };
    const forgetTable = (table: QualifiedName): void => {
      for (const k of restorableOn.get(tableKey(table)) ?? []) restorable.delete(k);
      restorableOn.delete(tableKey(table));
    };
    /** Named indexes (`schema.name`) and the key of their table. */
    const indexes = new Map<string, string>();
    const resolveIndex = (names: string[], sp: readonly string[]): string =>
      tableKey(resolveIn(indexes, names, sp));
    const indexKey = (names: string[], sp: readonly string[]): string => `index:${resolveIndex(names, sp)}`;
    /** A table's indexes follow it to a new name or schema. */
    const moveIndexes = (from: QualifiedName, to: QualifiedName): void => {
      for (const [k, table] of [...indexes]) {
        if (table !== tableKey(from)) continue;
        indexes.delete(k);
        indexes.set(key(to.schema, k.slice(k.indexOf('.') + 1)), tableKey(to));
      }
    };
    // Views and functions name any table: theirs is put back only if nothing was renamed since.
    let renames = 0;
    const definedAt = new Map<StatementEvent, number>();
    const restorableDefinition = (e: StatementEvent | undefined, n: PgNode): StatementEvent | undefined =>
      e &&
      definedAt.get(e) === renames &&
      onDefaultPath(e) &&
      n.behavior !== 'DROP_CASCADE' &&
      (n.objects ?? []).length === 1
        ? e
        : undefined;
    /** `trigger:` / `policy:` keys from `[schema,] table, name`. */
    const memberKey = (kind: string, names: string[], sp: readonly string[]): string | undefined => {
      if (names.length < 2) return undefined;
      return `${kind}:${tableKey(resolve(relationOf(names.slice(0, -1)), sp))}\0${names[names.length - 1]}`;
    };

    // The table whose CREATE the statements since have only added to (indexes, policies … on it):
    // its DROP TABLE undoes them too. Anything else in between may be something they depend on,
    // which the down drops before it reaches the DROP TABLE: then each is undone on its own.
    let open: { file: string; table: string } | undefined;

    for (const event of this.history) {
      const list = this.byFile.get(event.file) ?? [];
      list.push(event);
      this.byFile.set(event.file, list);
      const n = event.node;
      const sp = event.searchPath;
      const facts: Facts = {};
      this.facts.set(event, facts);
      if (event.file !== open?.file) open = undefined;
      const inBlock = (q: QualifiedName): boolean => open?.table === tableKey(q);
      const at = event.tables[0]?.name;
      if (at) {
        facts.table = at;
        facts.createdHere = inBlock(at);
      }
      switch (event.kind) {
        case 'CreateStmt':
        case 'CreateForeignTableStmt': {
          const stmt = event.kind === 'CreateStmt' ? n : (n.base as PgNode | undefined);
          if (!stmt?.relation?.relname) break;
          const q = creationName(stmt.relation, sp);
          facts.table = q;
          facts.existed = !!stmt.if_not_exists && tables.has(tableKey(q));
          if (facts.existed) break;
          const elements = (stmt.tableElts ?? []) as PgNode[];
          const keys = notNullKeysOf(elements.map((e) => e.Constraint).filter(Boolean));
          const columns = new Map<string, ColumnState>();
          for (const e of elements) {
            if (e.ColumnDef?.colname)
              columns.set(e.ColumnDef.colname, columnDefState(event, e.ColumnDef, keys));
          }
          tables.set(tableKey(q), { columns, rls: { enabled: false, forced: false } });
          break;
        }
        case 'CreateTableAsStmt':
        case 'SelectStmt': {
          const into = event.kind === 'SelectStmt' ? n.intoClause : n.into;
          if (!into?.rel?.relname) break;
          const q = creationName(into.rel, sp);
          facts.table = q;
          if (event.kind === 'CreateTableAsStmt' && n.objtype === 'OBJECT_MATVIEW') {
            facts.existed = !!n.if_not_exists && views.has(tableKey(q));
            views.set(tableKey(q), event);
            definedAt.set(event, renames);
            break;
          }
          facts.existed = !!n.if_not_exists && tables.has(tableKey(q));
          if (!facts.existed)
            tables.set(tableKey(q), { columns: new Map(), rls: { enabled: false, forced: false } });
          break;
        }
        case 'AlterTableStmt': {
          const state = at ? tables.get(tableKey(at)) : undefined;
          const cmds = ((n.cmds ?? []) as PgNode[]).map((c) => c.AlterTableCmd as PgNode | undefined);
          facts.columnsBefore = [];
          facts.keysNotNull = [];
          facts.rlsBefore = [];
          cmds.forEach((cmd, i) => {
            if (!cmd) return;
            const column = cmd.name ? state?.columns.get(cmd.name as string) : undefined;
            facts.columnsBefore![i] = column ? { ...column } : undefined;
            facts.rlsBefore![i] = state ? { ...state.rls } : undefined;
            if (!state) return;
            const constraint = cmd.def?.Constraint as PgNode | undefined;
            switch (cmd.subtype) {
              case 'AT_AddColumn': {
                const def = cmd.def?.ColumnDef as PgNode | undefined;
                if (!def?.colname) break;
                if (state.columns.has(def.colname) && cmd.missing_ok) break;
                state.columns.set(def.colname, columnDefState(event, def, new Set()));
                break;
              }
              case 'AT_DropColumn':
                if (cmd.name) {
                  state.columns.delete(cmd.name);
                  state.columnComments?.delete(cmd.name);
                }
                break;
              case 'AT_ColumnDefault':
                if (column) column.default = cmd.def ? { event, expr: cmd.def, inColumn: false } : null;
                break;
              case 'AT_SetNotNull':
                if (column) column.notNull = true;
                break;
              case 'AT_DropNotNull':
                if (column) column.notNull = false;
                break;
              case 'AT_AddConstraint':
                if (
                  constraint &&
                  (constraint.contype === 'CONSTR_PRIMARY' || constraint.contype === 'CONSTR_NOTNULL')
                ) {
                  const before = new Map<string, boolean | undefined>();
                  for (const k of strings(constraint.keys)) {
                    const c = state.columns.get(k);
                    before.set(k, c?.notNull);
                    if (c) c.notNull = true;
                  }
                  facts.keysNotNull![i] = before;
                }
                break;
              case 'AT_EnableRowSecurity':
                state.rls.enabled = true;
                break;
              case 'AT_DisableRowSecurity':
                state.rls.enabled = false;
                break;
              case 'AT_ForceRowSecurity':
                state.rls.forced = true;
                break;
              case 'AT_NoForceRowSecurity':
                state.rls.forced = false;
                break;
              default:
                break;
            }
          });
          break;
        }
        case 'IndexStmt': {
          if (!at || !n.idxname) break;
          const k = key(at.schema, n.idxname as string);
          facts.existed = !!n.if_not_exists && indexes.has(k);
          if (facts.existed) break;
          indexes.set(k, tableKey(at));
          define(`index:${k}`, at, event);
          break;
        }
        case 'RenameStmt': {
          renames++;
          if (at) forgetTable(at);
          else if (n.relation?.relname && n.renameType !== 'OBJECT_INDEX')
            forgetTable(resolve(n.relation, sp));
          if (n.renameType === 'OBJECT_INDEX' && n.relation?.relname) {
            const k = resolveIndex([n.relation.schemaname, n.relation.relname].filter(Boolean), sp);
            restorable.delete(`index:${k}`);
            const table = indexes.get(k);
            indexes.delete(k);
            if (table) indexes.set(key(k.slice(0, k.indexOf('.')), n.newname as string), table);
          }
          if (!at) {
            if (n.renameType === 'OBJECT_POLICY' || n.renameType === 'OBJECT_TRIGGER') {
              const q = resolve(n.relation, sp);
              facts.table = q;
              facts.createdHere = inBlock(q);
            }
            break;
          }
          if (n.renameType === 'OBJECT_TABLE' || n.renameType === 'OBJECT_FOREIGN_TABLE') {
            moveTable(at, { schema: at.schema, name: n.newname as string });
            moveIndexes(at, { schema: at.schema, name: n.newname as string });
          } else if (n.renameType === 'OBJECT_COLUMN') {
            const state = tables.get(tableKey(at));
            const column = state?.columns.get(n.subname as string);
            if (state && column) {
              state.columns.delete(n.subname as string);
              state.columns.set(n.newname as string, column);
            }
            const comment = state?.columnComments?.get(n.subname as string);
            if (state?.columnComments && comment !== undefined) {
              state.columnComments.delete(n.subname as string);
              state.columnComments.set(n.newname as string, comment);
            }
          }
          break;
        }
        case 'AlterObjectSchemaStmt':
          renames++;
          if (n.objectType === 'OBJECT_TABLE' && n.relation?.relname) {
            const q = resolve(n.relation, sp);
            facts.table = q;
            forgetTable(q);
            moveTable(q, { schema: n.newschema as string, name: q.name });
            moveIndexes(q, { schema: n.newschema as string, name: q.name });
          }
          break;
        case 'DropStmt':
          for (const o of (n.objects ?? []) as PgNode[]) {
            const names = o.List ? strings(o.List.items) : [];
            const member =
              n.removeType === 'OBJECT_INDEX' && names.length > 0
                ? indexKey(names, sp)
                : n.removeType === 'OBJECT_TRIGGER'
                  ? memberKey('trigger', names, sp)
                  : n.removeType === 'OBJECT_POLICY'
                    ? memberKey('policy', names, sp)
                    : undefined;
            if (member) {
              if ((n.objects ?? []).length === 1) facts.previousDefinition = restorable.get(member);
              restorable.delete(member);
              if (n.removeType === 'OBJECT_INDEX') indexes.delete(member.slice('index:'.length));
            }
            if (n.removeType === 'OBJECT_TABLE' && names.length > 0) {
              const table = resolve(relationOf(names), sp);
              forgetTable(table);
              for (const [k, on] of [...indexes]) if (on === tableKey(table)) indexes.delete(k);
              tables.delete(tableKey(table));
            } else if (n.removeType === 'OBJECT_VIEW' || n.removeType === 'OBJECT_MATVIEW') {
              if (names.length === 0) continue;
              const k = tableKey(resolveIn(views, names, sp));
              const view = views.get(k);
              // `*` is expanded when the view is created: now it would take in columns the up added.
              if (view && !selectsStar(view.node)) facts.previousDefinition = restorableDefinition(view, n);
              views.delete(k);
            } else if (n.removeType === 'OBJECT_TRIGGER' && member) {
              triggers.delete(member.slice('trigger:'.length));
            } else if (['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_ROUTINE'].includes(n.removeType)) {
              const owa = o.ObjectWithArgs as PgNode | undefined;
              const fname = strings(owa?.objname);
              if (fname.length === 0) continue;
              const args = owa?.args_unspecified
                ? undefined
                : ((owa?.objargs ?? []) as PgNode[]).map((t) => typeText(t.TypeName) ?? '?');
              const dropped: StatementEvent[] = [];
              for (const schema of fname.length > 1 ? [fname[fname.length - 2]] : [...sp, 'public']) {
                const prefix = `${key(schema, fname[fname.length - 1])}(`;
                for (const [k, e] of [...functions]) {
                  if (args ? k !== `${prefix}${args.join(',')})` : !k.startsWith(prefix)) continue;
                  functions.delete(k);
                  dropped.push(e);
                }
              }
              if (dropped.length === 1) facts.previousDefinition = restorableDefinition(dropped[0], n);
            } else if (n.removeType === 'OBJECT_SCHEMA') {
              for (const s of o.String?.sval ? [o.String.sval as string] : []) schemas.delete(s);
            } else if (n.removeType === 'OBJECT_EXTENSION') {
              for (const s of o.String?.sval ? [o.String.sval as string] : []) extensions.delete(s);
            } else if (n.removeType === 'OBJECT_TYPE' || n.removeType === 'OBJECT_DOMAIN') {
              const tn = o.TypeName as PgNode | undefined;
              const tnames = strings(tn?.names);
              if (tnames.length > 0) types.delete(tableKey(qualify(tnames, sp)));
            }
          }
          break;
        case 'CreatePolicyStmt':
        case 'CreateTrigStmt':
        case 'RuleStmt': {
          const rv = (event.kind === 'CreatePolicyStmt' ? n.table : n.relation) as PgNode | undefined;
          if (!rv?.relname) break;
          const q = resolve(rv, sp);
          facts.table = q;
          facts.createdHere = inBlock(q);
          if (event.kind === 'CreateTrigStmt') {
            const k = `${tableKey(q)}\0${n.trigname as string}`;
            if (n.replace) facts.previousDefinition = triggers.get(k);
            triggers.set(k, event);
            define(`trigger:${k}`, q, event);
          } else if (event.kind === 'CreatePolicyStmt') {
            define(`policy:${tableKey(q)}\0${n.policy_name as string}`, q, event);
          }
          break;
        }
        case 'AlterPolicyStmt':
          if (n.table?.relname)
            restorable.delete(`policy:${tableKey(resolve(n.table, sp))}\0${n.policy_name as string}`);
          break;
        case 'CreateFunctionStmt': {
          const args = signatureTypes(n.parameters);
          const fname = strings(n.funcname);
          if (!args || fname.length === 0) break;
          const k = functionKey(qualify(fname, sp), args);
          if (n.replace) facts.previousDefinition = functions.get(k);
          functions.set(k, event);
          definedAt.set(event, renames);
          break;
        }
        case 'ViewStmt': {
          const q = creationName(n.view, sp);
          facts.table = q;
          if (n.replace) facts.previousDefinition = views.get(tableKey(q));
          views.set(tableKey(q), event);
          definedAt.set(event, renames);
          break;
        }
        case 'CreateSchemaStmt':
          if (n.schemaname) {
            facts.existed = !!n.if_not_exists && schemas.has(n.schemaname as string);
            schemas.add(n.schemaname as string);
          }
          break;
        case 'CreateExtensionStmt':
          if (n.extname) {
            facts.existed = !!n.if_not_exists && extensions.has(n.extname as string);
            extensions.add(n.extname as string);
          }
          break;
        case 'CreateEnumStmt':
        case 'CompositeTypeStmt':
        case 'CreateRangeStmt':
        case 'CreateDomainStmt': {
          const names =
            event.kind === 'CompositeTypeStmt'
              ? [n.typevar?.schemaname, n.typevar?.relname].filter(Boolean)
              : strings(event.kind === 'CreateDomainStmt' ? n.domainname : n.typeName);
          if (names.length > 0) types.set(tableKey(qualify(names as string[], sp)), event.file);
          break;
        }
        case 'AlterEnumStmt': {
          const names = strings(n.typeName);
          if (names.length > 0)
            facts.typeCreatedHere = types.get(tableKey(qualify(names, sp))) === event.file;
          break;
        }
        case 'CommentStmt': {
          const comment = typeof n.comment === 'string' ? n.comment : undefined;
          const names = n.object?.List ? strings(n.object.List.items) : [];
          const tableNames =
            n.objtype === 'OBJECT_TABLE' ? names : n.objtype === 'OBJECT_COLUMN' ? names.slice(0, -1) : [];
          const q = tableNames.length > 0 ? resolve(relationOf(tableNames), sp) : undefined;
          if (q) facts.createdHere = inBlock(q);
          // A table the files created: its comments are its state's, whatever it is called now.
          const state = q && tables.get(tableKey(q));
          if (state && n.objtype === 'OBJECT_TABLE') {
            facts.previousComment = state.comment ?? null;
            state.comment = comment;
          } else if (state) {
            const column = names[names.length - 1];
            const byColumn = (state.columnComments ??= new Map());
            facts.previousComment = byColumn.get(column) ?? null;
            if (comment === undefined) byColumn.delete(column);
            else byColumn.set(column, comment);
          } else {
            const k = `${n.objtype as string}:${nodeKey(n.object)}`;
            facts.previousComment = comments.get(k) ?? null;
            if (comment === undefined) comments.delete(k);
            else comments.set(k, comment);
          }
          break;
        }
        default:
          break;
      }
      facts.createdHere = facts.createdHere === true && absorbable(event);
      if (
        (event.kind === 'CreateStmt' || event.kind === 'CreateForeignTableStmt') &&
        facts.table &&
        !facts.existed
      )
        open = { file: event.file, table: tableKey(facts.table) };
      else if (!facts.createdHere && !NOTHING_TO_UNDO.has(event.kind)) open = undefined;
    }
  }

  // ── inverses ───────────────────────────────────────────────────────────────────────────────

  private inverse(event: StatementEvent, options: DownOptions, runsStatements: boolean): Piece[] {
    const n = event.node;
    const facts = this.facts.get(event) ?? {};
    const todo = (): Piece[] => [todoLine(event)];
    switch (event.kind) {
      case 'CreateStmt':
        if (facts.existed || !facts.table) return facts.table ? [] : todo();
        return [`DROP TABLE${ifExists(n.if_not_exists)} ${tableRef(facts.table)};`];
      case 'CreateForeignTableStmt':
        if (facts.existed || !facts.table) return facts.table ? [] : todo();
        return [`DROP FOREIGN TABLE${ifExists(n.base?.if_not_exists)} ${tableRef(facts.table)};`];
      case 'CreateTableAsStmt':
        if (facts.existed || !facts.table) return facts.table ? [] : todo();
        return n.objtype === 'OBJECT_MATVIEW'
          ? [`DROP MATERIALIZED VIEW${ifExists(n.if_not_exists)} ${tableRef(facts.table)};`]
          : [`DROP TABLE${ifExists(n.if_not_exists)} ${tableRef(facts.table)};`];
      case 'SelectStmt':
        if (n.intoClause)
          return facts.table && !facts.existed ? [`DROP TABLE ${tableRef(facts.table)};`] : todo();
        return callsFunctions(n) ? todo() : [];
      case 'ViewStmt':
        if (!facts.table) return todo();
        if (facts.previousDefinition) return todo();
        return [`DROP VIEW ${tableRef(facts.table)};`];
      case 'AlterTableStmt':
        return this.invertAlterTable(event, facts);
      case 'IndexStmt':
        return this.invertIndex(event, facts, options);
      case 'RenameStmt':
        return this.invertRename(event, facts);
      case 'CreatePolicyStmt':
        if (facts.createdHere) return [];
        return facts.table
          ? [`DROP POLICY ${quoteIdent(n.policy_name)} ON ${tableRef(facts.table)};`]
          : todo();
      case 'CreateTrigStmt':
        if (facts.previousDefinition) return restoreDefinition(facts.previousDefinition) ?? todo();
        if (facts.createdHere) return [];
        return facts.table ? [`DROP TRIGGER ${quoteIdent(n.trigname)} ON ${tableRef(facts.table)};`] : todo();
      case 'RuleStmt':
        if (facts.createdHere) return [];
        return facts.table ? [`DROP RULE ${quoteIdent(n.rulename)} ON ${tableRef(facts.table)};`] : todo();
      case 'CreateFunctionStmt': {
        if (facts.previousDefinition) return restoreDefinition(facts.previousDefinition) ?? todo();
        const args = signatureTypes(n.parameters);
        const fname = strings(n.funcname);
        if (!args || fname.length === 0) return todo();
        const q = qualify(fname, event.searchPath);
        return [`DROP ${n.is_procedure ? 'PROCEDURE' : 'FUNCTION'} ${tableRef(q)}(${args.join(', ')});`];
      }
      case 'CreateEnumStmt':
      case 'CreateRangeStmt':
        return dropNamed('TYPE', strings(n.typeName), event) ?? todo();
      case 'CompositeTypeStmt':
        return (
          dropNamed('TYPE', [n.typevar?.schemaname, n.typevar?.relname].filter(Boolean), event) ?? todo()
        );
      case 'CreateDomainStmt':
        return dropNamed('DOMAIN', strings(n.domainname), event) ?? todo();
      case 'AlterEnumStmt': {
        if (facts.typeCreatedHere) return [];
        const names = strings(n.typeName);
        if (n.oldVal && n.newVal && names.length > 0) {
          const q = qualify(names, event.searchPath);
          return [
            `ALTER TYPE ${tableRef(q)} RENAME VALUE ${quoteLiteral(n.newVal)} TO ${quoteLiteral(n.oldVal)};`,
          ];
        }
        // PostgreSQL cannot take a value out of an enum.
        return todo();
      }
      case 'CreateSchemaStmt':
        if (facts.existed || !n.schemaname) return n.schemaname ? [] : todo();
        return [
          `DROP SCHEMA${ifExists(n.if_not_exists)} ${quoteIdent(n.schemaname)}${(n.schemaElts ?? []).length > 0 ? ' CASCADE' : ''};`,
        ];
      case 'CreateExtensionStmt':
        if (facts.existed) return [];
        return [`DROP EXTENSION${ifExists(n.if_not_exists)} ${quoteIdent(n.extname)};`];
      case 'CreateSeqStmt': {
        if (!n.sequence?.relname) return todo();
        const q = creationNameOf(n.sequence, event.searchPath);
        return [`DROP SEQUENCE${ifExists(n.if_not_exists)} ${tableRef(q)};`];
      }
      case 'CommentStmt':
        if (facts.createdHere) return [];
        // Its object is written as the up wrote it: with another search_path than the down's, the
        // name would not be found (or would name something else).
        if (!onDefaultPath(event)) return todo();
        return this.invertComment(event, facts) ?? todo();
      case 'GrantStmt':
      case 'GrantRoleStmt':
        if (!onDefaultPath(event)) return todo();
        return (n.is_grant ? revokeOf(event) : undefined) ?? todo();
      case 'CreateRoleStmt':
        return n.role ? [`DROP ROLE ${quoteIdent(n.role)};`] : todo();
      case 'CreateEventTrigStmt':
        return [`DROP EVENT TRIGGER ${quoteIdent(n.trigname)};`];
      case 'CreatePublicationStmt':
        return [`DROP PUBLICATION ${quoteIdent(n.pubname)};`];
      case 'AlterObjectSchemaStmt':
        if (n.objectType === 'OBJECT_TABLE' && facts.table && n.newschema) {
          const moved = { schema: n.newschema as string, name: facts.table.name };
          return [`ALTER TABLE ${tableRef(moved)} SET SCHEMA ${quoteIdent(facts.table.schema)};`];
        }
        return todo();
      case 'DropStmt':
        // An index, trigger, policy, view or function the history created: created again.
        return facts.previousDefinition ? [recreate(facts.previousDefinition, options)] : todo();
      case 'DoStmt':
        // The statements it runs are undone one by one; a block whose statements are not known is not.
        return runsStatements ? [] : todo();
      default:
        if (NOTHING_TO_UNDO.has(event.kind)) return [];
        // DROP …, INSERT/UPDATE/DELETE, ALTER … TYPE and everything else nobody can run backwards.
        return todo();
    }
  }

  private invertAlterTable(event: StatementEvent, facts: Facts): Piece[] {
    const n = event.node;
    const table = facts.table;
    const cmds = ((n.cmds ?? []) as PgNode[]).map((c) => c.AlterTableCmd as PgNode | undefined);
    const kind = n.objtype === 'OBJECT_FOREIGN_TABLE' ? 'FOREIGN TABLE' : 'TABLE';
    if (!table || (n.objtype && n.objtype !== 'OBJECT_TABLE' && n.objtype !== 'OBJECT_FOREIGN_TABLE'))
      return [todoLine(event)];
    const out: Piece[] = [];
    let actions: string[] = [];
    let todoWritten = false;
    const flush = (): void => {
      if (actions.length === 0) return;
      out.push(
        actions.length === 1
          ? `ALTER ${kind} ${tableRef(table)} ${actions[0]};`
          : `ALTER ${kind} ${tableRef(table)}\n  ${actions.join(',\n  ')};`,
      );
      actions = [];
    };
    for (let i = cmds.length - 1; i >= 0; i--) {
      const cmd = cmds[i];
      // A table this file created is dropped whole; only a partition it took in must be let go first.
      if (facts.createdHere && cmd?.subtype !== 'AT_AttachPartition') continue;
      const inverse = cmd ? this.invertCommand(event, cmd, i, facts, table) : undefined;
      if (inverse === undefined) {
        flush();
        if (!todoWritten) out.push(todoLine(event));
        todoWritten = true;
      } else actions.push(...inverse);
    }
    flush();
    return out;
  }

  /** The ALTER TABLE actions undoing one command; undefined when they cannot be derived. */
  private invertCommand(
    event: StatementEvent,
    cmd: PgNode,
    i: number,
    facts: Facts,
    table: QualifiedName,
  ): string[] | undefined {
    const column = cmd.name ? quoteIdent(cmd.name as string) : undefined;
    const before = facts.columnsBefore?.[i];
    const rls = facts.rlsBefore?.[i];
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        const name = cmd.def?.ColumnDef?.colname as string | undefined;
        if (!name) return undefined;
        return [`DROP COLUMN${ifExists(cmd.missing_ok)} ${quoteIdent(name)}`];
      }
      case 'AT_AddConstraint': {
        const c = cmd.def?.Constraint as PgNode | undefined;
        if (!c) return undefined;
        if (c.contype === 'CONSTR_NOTNULL') {
          const keys = strings(c.keys);
          const was = facts.keysNotNull?.[i];
          return keys
            .filter((k) => was?.get(k) !== true)
            .map((k) => `ALTER COLUMN ${quoteIdent(k)} DROP NOT NULL`);
        }
        const name = (c.conname as string | undefined) ?? this.constraintName(event, c, table);
        if (!name) return undefined;
        const actions = [`DROP CONSTRAINT ${quoteIdent(name)}`];
        if (c.contype === 'CONSTR_PRIMARY') {
          // PostgreSQL 18 keeps the NOT NULL a primary key put on a column when the key goes.
          const was = facts.keysNotNull?.[i];
          for (const k of strings(c.keys)) {
            if (was?.get(k) === false) actions.push(`ALTER COLUMN ${quoteIdent(k)} DROP NOT NULL`);
          }
        }
        return actions;
      }
      case 'AT_ValidateConstraint':
        // Validation changes nothing a down migration needs to put back.
        return [];
      case 'AT_ColumnDefault': {
        if (!column || !before || before.default === undefined) return undefined;
        if (before.default === null) return [`ALTER COLUMN ${column} DROP DEFAULT`];
        const { event: at, expr, inColumn } = before.default;
        const text = defaultText(at, expr, inColumn);
        return text === undefined ? undefined : [`ALTER COLUMN ${column} SET DEFAULT ${text}`];
      }
      case 'AT_SetNotNull':
        if (!column) return undefined;
        return before?.notNull === true ? [] : [`ALTER COLUMN ${column} DROP NOT NULL`];
      case 'AT_DropNotNull':
        if (!column) return undefined;
        return before?.notNull === false ? [] : [`ALTER COLUMN ${column} SET NOT NULL`];
      case 'AT_AddIdentity':
        return column ? [`ALTER COLUMN ${column} DROP IDENTITY`] : undefined;
      case 'AT_EnableRowSecurity':
        return rls?.enabled ? [] : ['DISABLE ROW LEVEL SECURITY'];
      case 'AT_DisableRowSecurity':
        return rls && !rls.enabled ? [] : ['ENABLE ROW LEVEL SECURITY'];
      case 'AT_ForceRowSecurity':
        return rls?.forced ? [] : ['NO FORCE ROW LEVEL SECURITY'];
      case 'AT_NoForceRowSecurity':
        return rls && !rls.forced ? [] : ['FORCE ROW LEVEL SECURITY'];
      case 'AT_SetLogged':
        return ['SET UNLOGGED'];
      case 'AT_SetUnLogged':
        return ['SET LOGGED'];
      case 'AT_EnableTrig':
        return column ? [`DISABLE TRIGGER ${column}`] : undefined;
      case 'AT_DisableTrig':
        return column ? [`ENABLE TRIGGER ${column}`] : undefined;
      case 'AT_EnableTrigAll':
        return ['DISABLE TRIGGER ALL'];
      case 'AT_DisableTrigAll':
        return ['ENABLE TRIGGER ALL'];
      case 'AT_EnableTrigUser':
        return ['DISABLE TRIGGER USER'];
      case 'AT_DisableTrigUser':
        return ['ENABLE TRIGGER USER'];
      case 'AT_AttachPartition': {
        const rv = cmd.def?.PartitionCmd?.name as PgNode | undefined;
        if (!rv?.relname) return undefined;
        const q = rv.schemaname
          ? { schema: rv.schemaname as string, name: rv.relname as string }
          : { schema: table.schema, name: rv.relname as string };
        return [`DETACH PARTITION ${tableRef(q)}`];
      }
      case 'AT_AddInherit':
      case 'AT_DropInherit': {
        const rv = cmd.def?.RangeVar as PgNode | undefined;
        if (!rv?.relname) return undefined;
        const parent = rv.schemaname
          ? `${quoteIdent(rv.schemaname)}.${quoteIdent(rv.relname)}`
          : quoteIdent(rv.relname);
        return [cmd.subtype === 'AT_AddInherit' ? `NO INHERIT ${parent}` : `INHERIT ${parent}`];
      }
      default:
        // DROP COLUMN, DROP CONSTRAINT, ALTER COLUMN … TYPE, OWNER TO, DETACH PARTITION …
        return undefined;
    }
  }

  /**
   * The name PostgreSQL gave an unnamed constraint of an ALTER TABLE, as the statement left it: the
   * model's constraint from that clause, under the name it had before any later rename.
   */
  private constraintName(event: StatementEvent, c: PgNode, table: QualifiedName): string | undefined {
    const at = nodeOffset(event.parsed, event.stmt, c.location as number | undefined);
    const owner = event.tables[0]?.table ?? this.model.tables.get(tableKey(table));
    const found = owner?.constraints.find(
      (x) =>
        x.origin.statement.file === event.file &&
        x.origin.statement.start === event.stmt.start &&
        x.origin.range.start <= at &&
        at < x.origin.range.end,
    );
    if (!found) return undefined;
    return this.nameBeforeLaterRenames(event, found.name, (r) =>
      r.renameType === 'OBJECT_TABCONSTRAINT' ? [r.subname as string, r.newname as string] : undefined,
    );
  }

  /**
   * `name` is what an object is called at the end of the history; walks back over the renames after
   * `event` to the name it had right after it.
   */
  private nameBeforeLaterRenames(
    event: StatementEvent,
    name: string,
    rename: (r: PgNode) => [string, string] | undefined,
  ): string {
    let current = name;
    for (let i = this.history.length - 1; i >= 0; i--) {
      const e = this.history[i];
      if (e === event) break;
      if (e.kind !== 'RenameStmt') continue;
      const pair = rename(e.node);
      if (pair && pair[1] === current) current = pair[0];
    }
    return current;
  }

  private indexByStatement: Map<string, Index> | undefined;

  /** The model's indexes by the statement that created them (`file\0start`). */
  private indexesByStatement(): Map<string, Index> {
    if (!this.indexByStatement) {
      this.indexByStatement = new Map();
      for (const ix of this.model.indexes.values()) {
        const k = `${ix.origin.statement.file}\0${ix.origin.statement.start}`;
        if (!ix.constraint && !this.indexByStatement.has(k)) this.indexByStatement.set(k, ix);
      }
    }
    return this.indexByStatement;
  }

  private invertIndex(event: StatementEvent, facts: Facts, options: DownOptions): Piece[] {
    const n = event.node;
    if (facts.createdHere || facts.existed) return [];
    const table = facts.table;
    if (!table) return [todoLine(event)];
    let name = n.idxname as string | undefined;
    if (!name) {
      const index = this.indexesByStatement().get(`${event.file}\0${event.stmt.start}`);
      if (index) {
        name = this.nameBeforeLaterRenames(event, index.name, (r) =>
          r.renameType === 'OBJECT_INDEX' && r.relation?.relname
            ? [r.relation.relname as string, r.newname as string]
            : undefined,
        );
      }
    }
    if (!name) return [todoLine(event)];
    const concurrently = n.concurrent && options.outsideTransaction ? ' CONCURRENTLY' : '';
    return [
      `DROP INDEX${concurrently}${ifExists(n.if_not_exists)} ${tableRef({ schema: table.schema, name })};`,
    ];
  }

  private invertRename(event: StatementEvent, facts: Facts): Piece[] {
    const n = event.node;
    const todo = [todoLine(event)];
    const newname = n.newname as string | undefined;
    if (!newname) return todo;
    const rv = n.relation as PgNode | undefined;
    const relation = (): QualifiedName | undefined =>
      facts.table ?? (rv?.relname ? creationNameOf(rv, event.searchPath) : undefined);
    const relationKinds: Record<string, string> = {
      OBJECT_TABLE: 'TABLE',
      OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
      OBJECT_VIEW: 'VIEW',
      OBJECT_MATVIEW: 'MATERIALIZED VIEW',
      OBJECT_INDEX: 'INDEX',
      OBJECT_SEQUENCE: 'SEQUENCE',
    };
    const kind = relationKinds[n.renameType as string];
    if (kind) {
      const q = relation();
      if (!q) return todo;
      return [
        `ALTER ${kind} ${tableRef({ schema: q.schema, name: newname })} RENAME TO ${quoteIdent(q.name)};`,
      ];
    }
    switch (n.renameType) {
      case 'OBJECT_COLUMN': {
        const q = relation();
        if (!q || !n.subname) return todo;
        if (facts.createdHere) return [];
        const on = relationKinds[n.relationType as string] ?? 'TABLE';
        return [
          `ALTER ${on} ${tableRef(q)} RENAME COLUMN ${quoteIdent(newname)} TO ${quoteIdent(n.subname)};`,
        ];
      }
      case 'OBJECT_TABCONSTRAINT': {
        const q = relation();
        if (!q || !n.subname) return todo;
        if (facts.createdHere) return [];
        return [
          `ALTER TABLE ${tableRef(q)} RENAME CONSTRAINT ${quoteIdent(newname)} TO ${quoteIdent(n.subname)};`,
        ];
      }
      case 'OBJECT_POLICY':
      case 'OBJECT_TRIGGER': {
        const q = relation();
        if (!q || !n.subname) return todo;
        if (facts.createdHere) return [];
        const what = n.renameType === 'OBJECT_POLICY' ? 'POLICY' : 'TRIGGER';
        return [`ALTER ${what} ${quoteIdent(newname)} ON ${tableRef(q)} RENAME TO ${quoteIdent(n.subname)};`];
      }
      case 'OBJECT_SCHEMA':
        if (!n.subname) return todo;
        return [`ALTER SCHEMA ${quoteIdent(newname)} RENAME TO ${quoteIdent(n.subname)};`];
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN': {
        const names = n.object?.List ? strings(n.object.List.items) : [];
        if (names.length === 0) return todo;
        const q = qualify(names, event.searchPath);
        const what = n.renameType === 'OBJECT_TYPE' ? 'TYPE' : 'DOMAIN';
        return [
          `ALTER ${what} ${tableRef({ schema: q.schema, name: newname })} RENAME TO ${quoteIdent(q.name)};`,
        ];
      }
      case 'OBJECT_FUNCTION':
      case 'OBJECT_PROCEDURE': {
        const owa = n.object?.ObjectWithArgs as PgNode | undefined;
        const names = strings(owa?.objname);
        if (names.length === 0 || owa?.args_unspecified) return todo;
        const args = ((owa?.objargs ?? []) as PgNode[]).map((t) => typeText(t.TypeName));
        if (args.some((a) => a === undefined)) return todo;
        const q = qualify(names, event.searchPath);
        const what = n.renameType === 'OBJECT_FUNCTION' ? 'FUNCTION' : 'PROCEDURE';
        return [
          `ALTER ${what} ${tableRef({ schema: q.schema, name: newname })}(${args.join(', ')}) RENAME TO ${quoteIdent(q.name)};`,
        ];
      }
      default:
        return todo;
    }
  }

  /** `COMMENT ON <object as written> IS <the comment it replaced, or NULL>`. */
  private invertComment(event: StatementEvent, facts: Facts): Piece[] | undefined {
    const tokens = statementTokens(event.parsed, event.stmt);
    let is = -1;
    for (let i = tokens.length - 1; i >= 0; i--) {
      if (tokens[i].kind === 'IS') {
        is = i;
        break;
      }
    }
    if (is <= 0) return undefined;
    const target = event.parsed.sqlText.slice(event.stmt.start, tokens[is - 1].end);
    const previous = facts.previousComment;
    return [`${target} IS ${previous == null ? 'NULL' : quoteLiteral(previous)};`];
  }
}

/** `schema.name` of a CREATE, with the search_path in effect. */
function creationNameOf(rv: PgNode, searchPath: readonly string[]): QualifiedName {
  return {
    schema: (rv.schemaname as string | undefined) ?? searchPath[0] ?? 'public',
    name: rv.relname as string,
  };
}

/**
 * What a name list (`[schema,] name`) stands for among the objects of `map` (keyed `schema.name`):
 * its schema if written, else the first schema of the search order that has it, else the schema
 * a CREATE would use.
 */
function resolveIn(
  map: ReadonlyMap<string, unknown>,
  names: string[],
  searchPath: readonly string[],
): QualifiedName {
  const name = names[names.length - 1];
  if (names.length > 1) return { schema: names[names.length - 2], name };
  const schema = searchOrder(searchPath).find((s) => map.has(key(s, name)));
  return { schema: schema ?? searchPath[0] ?? 'public', name };
}

/** A name list (`[schema,] table`, after any catalog) as the RangeVar fields `resolve` reads. */
function relationOf(names: string[]): PgNode {
  return names.length > 1
    ? { schemaname: names[names.length - 2], relname: names[names.length - 1] }
    : { relname: names[0] };
}

function qualify(names: string[], searchPath: readonly string[]): QualifiedName {
  return names.length > 1
    ? { schema: names[names.length - 2], name: names[names.length - 1] }
    : { schema: searchPath[0] ?? 'public', name: names[0] };
}

function dropNamed(what: string, names: string[], event: StatementEvent): Piece[] | undefined {
  if (names.length === 0) return undefined;
  return [`DROP ${what} ${tableRef(qualify(names, event.searchPath))};`];
}

/** The statement's first line, for a TODO comment (shortened when long). */
/** What a down says of a statement it cannot reverse. */
function todoLine(event: StatementEvent): string {
  return `-- TODO: reverse by hand: ${firstLine(event)}`;
}

/** The statement's first line (its `;` right after its last token: what lies between is not copied). */
function firstLine(event: StatementEvent): string {
  const { stmt } = event;
  const text = event.parsed.text.slice(stmt.start, stmt.end) + (stmt.endWithTerminator > stmt.end ? ';' : '');
  const line = text.split('\n')[0].trim();
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}

/** A plain SELECT that calls functions may do anything (`SELECT create_hypertable(…)`). */
function callsFunctions(n: PgNode): boolean {
  let found = false;
  const walk = (x: unknown): void => {
    if (found || !x || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const y of x) walk(y);
      return;
    }
    const obj = x as PgNode;
    if (obj.FuncCall) {
      const name = strings(obj.FuncCall.funcname);
      // pg_dump's `SELECT pg_catalog.set_config('search_path', '', false)` only sets the session.
      if (name[name.length - 1] !== 'set_config') found = true;
    }
    for (const v of Object.values(obj)) walk(v);
  };
  walk(n.targetList);
  return found;
}

/**
 * The statement that defined what a CREATE OR REPLACE replaced, to run again (as CREATE OR REPLACE,
 * whatever it was written as).
 */
function restoreDefinition(previous: StatementEvent): Piece[] | undefined {
  const tokens = statementTokens(previous.parsed, previous.stmt);
  if (tokens[0]?.kind !== 'CREATE') return undefined;
  const text = previous.parsed.text;
  const body = text.slice(previous.stmt.start, previous.stmt.end);
  if (tokens[1]?.kind === 'OR') return [`${body};`];
  const cut = tokens[0].end - previous.stmt.start;
  return [`${body.slice(0, cut)} OR REPLACE${body.slice(cut)};`];
}

/**
 * The statement that created a dropped index, trigger or policy, run again; an index built
 * CONCURRENTLY is built plainly where the down runs in a transaction.
 */
function recreate(definition: StatementEvent, options: DownOptions): Piece {
  let body = definition.parsed.text.slice(definition.stmt.start, definition.stmt.end);
  if (definition.kind === 'IndexStmt' && definition.node.concurrent && !options.outsideTransaction) {
    const word = statementTokens(definition.parsed, definition.stmt).find((t) => t.kind === 'CONCURRENTLY');
    if (word) {
      const from = word.start - definition.stmt.start;
      body = body.slice(0, from) + body.slice(from + word.text.length).replace(/^[ \t]+/, '');
    }
  }
  return `${body};`;
}

/**
 * GRANT … TO … as REVOKE … FROM …, from the statement's own tokens: the privileges and objects as
 * written, without WITH GRANT OPTION / WITH ADMIN / GRANTED BY.
 */
function revokeOf(event: StatementEvent): Piece[] | undefined {
  const tokens: ScanToken[] = statementTokens(event.parsed, event.stmt);
  if (tokens[0]?.kind !== 'GRANT') return undefined;
  let depth = 0;
  let to = -1;
  let tail = tokens.length;
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.kind === 'TO' && to < 0) to = i;
    else if (depth === 0 && to >= 0 && (t.kind === 'WITH' || t.kind === 'GRANTED')) {
      tail = i;
      break;
    }
  }
  if (to < 0 || tail <= to + 1) return undefined;
  const text = event.parsed.sqlText;
  const what = text.slice(tokens[1].start, tokens[to - 1].end);
  const whom = text.slice(tokens[to + 1].start, tokens[tail - 1].end);
  return [`REVOKE ${what} FROM ${whom};`];
}
