import type { ResolvedConfig } from '../config/config';
import type { SourceRange } from '../findings';
import {
  columnsWithInherited,
  foreignKeysTo,
  isPartition,
  partitionRoot,
  primaryKey,
  sameName,
} from '../model/queries';
import { searchOrder } from '../model/build-sql';
import { key, type Column, type SchemaModel, type StatementEvent, type Table } from '../model/schema';
import {
  isTenantTable,
  openCommands,
  policiesOf,
  tenantColumn,
  tenantsTable,
  type RowCommand,
} from '../model/tenancy';
import { nodeOffset, statementTokens, type PgNode } from '../parse/sql';
import { columnLabel, tableLabel } from './messages';
import type { Rule, RuleContext } from './rule';

/**
 * Without row-level security, the tenant filter lives in each query: a SELECT, UPDATE or DELETE
 * that forgets `WHERE tenant_id = …` reads or changes every tenant's rows.
 */
export const queryWithoutTenantFilter: Rule = {
  meta: {
    id: 'query-without-tenant-filter',
    defaultSeverity: 'warning',
    description:
      'A SELECT, UPDATE or DELETE that reads or writes a tenant table without row-level security and without a tenant predicate.',
    rationale:
      "When row-level security does not keep a shared table to one tenant, the application's queries must: every SELECT, UPDATE and DELETE on a tenant table needs `tenant_id = …` for that table, directly or through a join on tenant_id with a table that is filtered by tenant. `WHERE id = $1` alone trusts that the id came from the right tenant; one guessed or reused id shows, changes or deletes another tenant's row, and a report without the filter counts everyone's. Enabling RLS with a tenant policy (tenant-table-without-rls) makes the database add the filter itself; until then, each query must say it.",
    example: {
      bad: '-- name: GetOrder :one\nSELECT * FROM orders WHERE id = $1;',
      good: '-- name: GetOrder :one\nSELECT * FROM orders WHERE id = $1 AND tenant_id = $2;',
    },
    fixable: false,
    languages: ['sql'],
    category: 'multi-tenancy',
  },
  check(context) {
    // Migrations run once, as the schema's owner, over every tenant on purpose: a backfill or a
    // data fix that spans tenants is their job, not a leak.
    if (context.group.kind === 'migrations') return;
    let models: readonly SchemaModel[] | undefined;
    const lookIn = () => (models ??= [context.model, ...context.otherModels()]);
    for (const event of context.model.history ?? []) {
      // A DO block is a one-off script (and its PL/pgSQL variables look like columns).
      if (event.inDoBlock) continue;
      const query = executedQuery(event.kind, event.node);
      if (query) new StatementCheck(context, event, lookIn).run(query);
    }
  },
};

/** A statement (or the query a wrapper runs): the node under its type. */
interface Query {
  kind: string;
  node: PgNode;
}

/**
 * The query a statement executes: SELECT, INSERT (its SELECT), UPDATE and DELETE, also under
 * EXPLAIN (ANALYZE runs it), PREPARE, DECLARE CURSOR and COPY (…) TO. View and function
 * definitions are schema, not executions: their queries are judged where they run.
 */
function executedQuery(kind: string, node: PgNode): Query | undefined {
  if (QUERY_KINDS.has(kind)) return { kind, node };
  // COPY t TO …: every row of the table, as SELECT * FROM t reads them.
  if (kind === 'CopyStmt' && node.relation && !node.is_from && !node.query) {
    return { kind: 'SelectStmt', node: { fromClause: [{ RangeVar: node.relation }], targetList: [] } };
  }
  if (
    kind === 'ExplainStmt' ||
    kind === 'PrepareStmt' ||
    kind === 'DeclareCursorStmt' ||
    kind === 'CopyStmt'
  ) {
    return unwrap(node.query as PgNode | undefined);
  }
  return undefined;
}
const QUERY_KINDS = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/** `{ SelectStmt: {…} }` → its kind and node. */
function unwrap(node: PgNode | undefined): Query | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const kind = Object.keys(node)[0];
  return kind && QUERY_KINDS.has(kind) ? { kind, node: node[kind] as PgNode } : undefined;
}

// ── what a query level reads ────────────────────────────────────────────────────────────────

/**
 * One relation of a query level's FROM (or UPDATE / DELETE target, or USING): a tenant table, the
 * tenants table, a subquery or CTE, or anything else (a table without the tenant column, a view,
 * a function, a relation nobody defines).
 */
interface Source {
  kind: 'tenant' | 'tenants' | 'derived' | 'other';
  /** What its columns are qualified with: the alias, else the relation's name. */
  refName: string;
  /** The schema written before the name (when there is no alias). */
  schema?: string;
  /** Its column names, as far as known. */
  columns: string[];
  /** It may have columns not listed (a view, a function, a `*` over one of them). */
  open: boolean;
  /**
   * The column that carries the tenant: a tenant table's tenant column, a subquery's output
   * column named like it, the tenants table's key (what tenant columns reference).
   */
  tenantKey?: string;
  /** The tenants table's single-column keys: an equality on one of them picks one tenant. */
  uniqueColumns?: string[];
  /** Tenant table: the table, the model that defines it, where the query names it, how it acts on it. */
  table?: Table;
  model?: SchemaModel;
  location?: number;
  command?: RowCommand;
  /** Subquery or CTE: its query, the CTEs it sees, whether it may see the level's other sources. */
  query?: Query;
  scope?: CteScope;
  lateral?: boolean;
  cte?: Cte;
}

interface Cte {
  name: string;
  node: PgNode;
  query: Query;
  /** The CTEs its body sees (earlier ones; all of its WITH when RECURSIVE). */
  scope: CteScope;
}

interface CteScope {
  ctes: Map<string, Cte>;
  parent?: CteScope;
}

/** What a query level says about its output's tenant column. */
interface Output {
  /** Whether its output's tenant column comes only from rows filtered by tenant. */
  tenant: 'filtered' | 'unfiltered' | 'none';
  columns: string[];
  open: boolean;
  /**
   * The output column that carries the tenant when it is not named like the tenant column: the
   * tenants table's key (`SELECT id FROM tenants WHERE slug = $1`).
   */
  tenantsKey?: string;
}

/** One query level: its sources, which of them are filtered by tenant, the level around it. */
interface Level {
  sources: Source[];
  filtered: Set<Source>;
  parent?: Level;
  /** Stands for levels not judged yet: every name resolves here, to no source. */
  unknown?: boolean;
}

/** A JOIN of the level: its type, the sources of each side, its ON or USING / NATURAL columns. */
interface Join {
  type: string;
  left: Source[];
  right: Source[];
  quals?: PgNode;
  /** The columns USING or NATURAL joins on. */
  columns: string[];
}

/** What the conditions of a level establish. */
interface Facts {
  /** Sources compared with a value: `tenant_id = $1`, `IN (…)`, `= ANY (…)`, a subquery. */
  values: Set<Source>;
  /** `[a, b]`: b is filtered when a is (`a.tenant_id = b.tenant_id`). */
  edges: [Source, Source][];
}

/** A column reference resolved: the sources that may own it, and on which level. */
interface Ref {
  level: Level;
  sources: Source[];
  column: string;
}

type Fields = { String?: { sval?: string }; A_Star?: object }[];

class StatementCheck {
  /** Subqueries that supply a tenant value (`tenant_id IN (SELECT tenant_id FROM memberships …)`). */
  private readonly lookups = new Set<PgNode>();
  /** For each CTE, whether each place that reads it is filtered by tenant. */
  private readonly cteReads = new Map<PgNode, boolean[]>();
  /** Output of subqueries and CTEs judged on their own (before the outer query's filters). */
  private readonly outputs = new Map<PgNode, Output>();
  private readonly inProgress = new Set<PgNode>();
  private readonly reported = new Set<number>();

  constructor(
    private readonly context: RuleContext,
    private readonly event: StatementEvent,
    /** The file's own model, then the project's other models. */
    private readonly models: () => readonly SchemaModel[],
  ) {}

  private get config(): ResolvedConfig {
    return this.context.config;
  }

  run(query: Query): void {
    this.level(query, undefined, { ctes: new Map() }, false, true);
  }

  /**
   * Judges one query level (and, when reporting, the levels inside it): which sources are filtered
   * by tenant, from its own conditions, from joins on the tenant column, and from the level around
   * it when that one filters this level's output tenant column (`outerFiltered`).
   */
  private level(
    query: Query,
    parent: Level | undefined,
    outerCtes: CteScope,
    outerFiltered: boolean,
    reporting: boolean,
  ): Output {
    const n = query.node;
    const ctes = this.withScope(n.withClause as PgNode | undefined, outerCtes);
    let output: Output;
    if (query.kind === 'InsertStmt') {
      // The row written is not read; the query that supplies it is.
      const select = unwrap(n.selectStmt as PgNode | undefined);
      if (select) this.level(select, parent, ctes, false, reporting);
      if (reporting) this.subqueries([n.onConflictClause, n.returningClause, n.returningList], parent, ctes);
      output = { tenant: 'none', columns: [], open: true };
    } else if (query.kind === 'SelectStmt' && n.op && n.op !== 'SETOP_NONE') {
      const branches = [n.larg, n.rarg].map((b) =>
        this.level({ kind: 'SelectStmt', node: b as PgNode }, parent, ctes, outerFiltered, reporting),
      );
      const tenants = branches.map((b) => b.tenant);
      output = {
        tenant: tenants.includes('unfiltered')
          ? 'unfiltered'
          : tenants.includes('filtered')
            ? 'filtered'
            : 'none',
        columns: branches[0].columns,
        open: branches[0].open,
      };
    } else {
      output = this.plainLevel(query, parent, ctes, outerFiltered, reporting);
    }
    if (reporting && ctes !== outerCtes) this.cteBodies(ctes, parent);
    return output;
  }

  /** A SELECT, UPDATE or DELETE with its own FROM. */
  private plainLevel(
    query: Query,
    parent: Level | undefined,
    ctes: CteScope,
    outerFiltered: boolean,
    reporting: boolean,
  ): Output {
    const n = query.node;
    const level: Level = { sources: [], filtered: new Set(), parent };
    const joins: Join[] = [];
    const all = new Set<Source>();
    const add = (items: PgNode[] | undefined, command: RowCommand) => {
      for (const item of items ?? []) for (const s of this.fromItem(item, ctes, command, joins)) all.add(s);
    };
    if (query.kind === 'UpdateStmt' || query.kind === 'DeleteStmt') {
      const command = query.kind === 'UpdateStmt' ? 'update' : 'delete';
      add([{ RangeVar: n.relation }], command);
      add((query.kind === 'UpdateStmt' ? n.fromClause : n.usingClause) as PgNode[] | undefined, 'select');
    } else if (query.kind === 'MergeStmt') {
      // MERGE INTO target USING source ON …: the rows it updates or deletes are those ON matches.
      add([{ RangeVar: n.relation }], 'update');
      add([n.sourceRelation as PgNode], 'select');
    } else {
      add(n.fromClause as PgNode[] | undefined, 'select');
    }
    level.sources = [...all];

    const output = this.outputOf(query, level);
    const facts: Facts = { values: new Set(), edges: [] };
    this.collect((n.whereClause ?? n.joinCondition) as PgNode | undefined, level, all, facts);
    // WHERE CURRENT OF: the row the cursor is on, which the cursor's own query chose.
    if (n.whereClause?.CurrentOfExpr) {
      for (const s of all) if (s.command === 'update' || s.command === 'delete') facts.values.add(s);
    }
    // WHERE drops the rows an outer join adds for a side it filters: that join acts as an inner one.
    const strict = closure(facts);
    for (const join of joins) this.joinFacts(join, strict, level, facts);
    // The level around filters the output's tenant column: the rows it comes from are filtered.
    // Not for UPDATE / DELETE: filtering what RETURNING gives back does not narrow what they write.
    if (outerFiltered && query.kind === 'SelectStmt') for (const s of output.from) facts.values.add(s);
    for (const s of level.sources) {
      if (s.kind === 'derived' && this.ownOutput(s).tenant === 'filtered') facts.values.add(s);
    }
    level.filtered = closure(facts);

    if (reporting) {
      for (const s of level.sources) if (s.kind === 'tenant' && !level.filtered.has(s)) this.report(s);
      for (const s of level.sources) {
        if (s.kind !== 'derived') continue;
        if (s.cte) {
          const reads = this.cteReads.get(s.cte.node) ?? [];
          reads.push(level.filtered.has(s));
          this.cteReads.set(s.cte.node, reads);
        } else if (s.query) {
          this.level(s.query, s.lateral ? level : parent, ctes, level.filtered.has(s), true);
        }
      }
      this.subqueries([expressionParts(query), n.whereClause, joins.map((j) => j.quals)], level, ctes);
    }
    const tenant =
      output.from.length === 0
        ? 'none'
        : output.from.every((s) => level.filtered.has(s))
          ? 'filtered'
          : 'unfiltered';
    return {
      tenant,
      columns: output.columns,
      open: output.open,
      ...(output.tenantsKey ? { tenantsKey: output.tenantsKey } : {}),
    };
  }

  // ── FROM ──────────────────────────────────────────────────────────────────────────────────

  /** The sources of one FROM item, adding its joins. */
  private fromItem(item: PgNode, ctes: CteScope, command: RowCommand, joins: Join[]): Source[] {
    if (item.RangeVar) return [this.relation(item.RangeVar as PgNode, ctes, command)];
    if (item.RangeTableSample)
      return this.fromItem(item.RangeTableSample.relation as PgNode, ctes, command, joins);
    if (item.RangeSubselect) {
      const r = item.RangeSubselect as PgNode;
      const query = unwrap(r.subquery as PgNode | undefined);
      const alias = r.alias as PgNode | undefined;
      if (!query) return [opaque(alias?.aliasname as string | undefined)];
      return [
        this.derived(
          {
            kind: 'derived',
            refName: (alias?.aliasname as string) ?? '',
            columns: [],
            open: false,
            query,
            scope: ctes,
            lateral: r.lateral === true,
          },
          alias,
        ),
      ];
    }
    if (item.JoinExpr) {
      const j = item.JoinExpr as PgNode;
      const left = this.fromItem(j.larg as PgNode, ctes, command, joins);
      const right = this.fromItem(j.rarg as PgNode, ctes, command, joins);
      const using = ((j.usingClause ?? []) as PgNode[]).map((u) => u.String?.sval as string);
      joins.push({
        type: j.jointype as string,
        left,
        right,
        ...(j.quals ? { quals: j.quals as PgNode } : {}),
        // NATURAL joins on every common column: the tenant key where both sides have it.
        columns: j.isNatural ? left.flatMap((l) => (l.tenantKey ? [l.tenantKey] : [])) : using,
      });
      // `(a JOIN b) AS j`: columns qualified with j resolve to nothing, which never filters.
      return [...left, ...right];
    }
    // A function, ROWS FROM, XMLTABLE, JSON_TABLE: nothing known about its rows.
    const alias = (item.RangeFunction?.alias ?? item.RangeTableFunc?.alias ?? item.JsonTable?.alias) as
      PgNode | undefined;
    return [opaque(alias?.aliasname as string | undefined)];
  }

  /** A named relation: a CTE in scope, else a table the file's model or another model defines. */
  private relation(rv: PgNode, ctes: CteScope, command: RowCommand): Source {
    const relname = rv.relname as string;
    const schema = rv.schemaname as string | undefined;
    const alias = rv.alias as PgNode | undefined;
    const refName = (alias?.aliasname as string | undefined) ?? relname;
    if (!schema) {
      for (let scope: CteScope | undefined = ctes; scope; scope = scope.parent) {
        const cte = scope.ctes.get(relname);
        if (cte)
          return this.derived(
            { kind: 'derived', refName, columns: [], open: false, query: cte.query, scope: cte.scope, cte },
            alias,
          );
      }
    }
    const found = this.findTable(schema, relname);
    if (!found) return { kind: 'other', refName, ...(alias ? {} : { schema }), columns: [], open: true };
    const { table, model } = found;
    const columns = renamed(
      (columnsWithInherited(model, table) ?? table.columns).map((c) => c.name),
      alias,
    );
    const base = { refName, ...(alias ? {} : { schema: table.schema }), open: false };
    const root = isPartition(table) ? partitionRoot(model, table) : table;
    const tenant = tenantColumn(table, this.config);
    if (tenant && isTenantTable(model, root, this.config)) {
      return {
        ...base,
        kind: 'tenant',
        columns: columns.list,
        tenantKey: columns.map.get(tenant.name),
        table,
        model,
        location: rv.location as number | undefined,
        command,
      };
    }
    const tenants = tenantsTable(model, this.config);
    if (tenants && tenants.schema === table.schema && tenants.name === table.name) {
      const unique = uniqueColumns(table).map((c) => columns.map.get(c) ?? c);
      return {
        ...base,
        kind: 'tenants',
        columns: columns.list,
        tenantKey: columns.map.get(tenantsKey(model, table, this.config)),
        uniqueColumns: unique,
      };
    }
    return { ...base, kind: 'other', columns: columns.list };
  }

  /**
   * The table a name stands for, in the file's own model first, then in the project's other models
   * (migrations first): a query file reads tables that migrations create. A view by that name
   * (or nobody knowing it) ends the search.
   */
  private findTable(
    schema: string | undefined,
    name: string,
  ): { table: Table; model: SchemaModel } | undefined {
    const schemas = schema ? [schema] : searchOrder(this.event.searchPath);
    for (const model of this.models()) {
      for (const s of schemas) {
        const k = key(s, name);
        const table = model.tables.get(k);
        if (table) return { table, model };
        if (model.views.has(k)) return undefined;
      }
    }
    return undefined;
  }

  /** A subquery or CTE source with its output columns (judged on its own, once). */
  private derived(source: Source, alias: PgNode | undefined): Source {
    const output = this.ownOutput(source);
    const columns = renamed(output.columns, alias);
    const tenantKey =
      columns.list.find((c) => sameName(c, this.config.tenantColumn)) ??
      (output.tenantsKey !== undefined ? columns.map.get(output.tenantsKey) : undefined) ??
      (output.open ? this.config.tenantColumn : undefined);
    return { ...source, columns: columns.list, open: output.open, ...(tenantKey ? { tenantKey } : {}) };
  }

  /** What a subquery or CTE outputs, without help from the query around it. */
  private ownOutput(source: Source): Output {
    const node = source.cte?.node ?? source.query!.node;
    const known = this.outputs.get(node);
    if (known) return known;
    // A recursive CTE reading itself: assume its rows are filtered, as the step that reads them
    // is judged; the whole is then filtered exactly when its first branch is and each step keeps
    // to the tenant of the rows it starts from.
    if (this.inProgress.has(node)) return { tenant: 'filtered', columns: [], open: true };
    this.inProgress.add(node);
    // The query around it is not judged yet: what it refers to there filters nothing.
    const outside: Level = { sources: [], filtered: new Set(), unknown: true };
    const output = this.level(source.query!, outside, source.scope ?? { ctes: new Map() }, false, false);
    this.inProgress.delete(node);
    this.outputs.set(node, output);
    return output;
  }

  // ── WITH ──────────────────────────────────────────────────────────────────────────────────

  private withScope(withClause: PgNode | undefined, outer: CteScope): CteScope {
    if (!withClause) return outer;
    const scope: CteScope = { ctes: new Map(), parent: outer };
    const recursive = withClause.recursive === true;
    for (const c of (withClause.ctes ?? []) as PgNode[]) {
      const cte = c.CommonTableExpr as PgNode | undefined;
      const query = unwrap(cte?.ctequery as PgNode | undefined);
      if (!cte || !query) continue;
      // Without RECURSIVE a CTE sees only the ones before it (its own name is the table's).
      const own: CteScope = recursive ? scope : { ctes: new Map(scope.ctes), parent: outer };
      scope.ctes.set(cte.ctename as string, { name: cte.ctename as string, node: cte, query, scope: own });
    }
    return scope;
  }

  /**
   * The CTE bodies of a WITH, last first (a later one may read an earlier one): a SELECT body is
   * filtered by tenant where every place that reads it filters it; one nobody reads does not run.
   * UPDATE, DELETE and INSERT bodies always run, and what reads their RETURNING narrows nothing.
   */
  private cteBodies(scope: CteScope, parent: Level | undefined): void {
    for (const cte of [...scope.ctes.values()].reverse()) {
      const reads = this.cteReads.get(cte.node) ?? [];
      if (cte.query.kind === 'SelectStmt' && reads.length === 0) continue;
      const outer = cte.query.kind === 'SelectStmt' && reads.every(Boolean);
      this.level(cte.query, parent, cte.scope, outer, true);
    }
  }

  // ── conditions ────────────────────────────────────────────────────────────────────────────

  /**
   * What a join's ON or USING says. An outer join keeps every row of its preserved side whatever
   * ON says: ON filters only the other side, unless WHERE filters that other side (`strict`), which
   * drops the rows the outer join added and makes it an inner join.
   */
  private joinFacts(join: Join, strict: Set<Source>, level: Level, facts: Facts): void {
    const { type, left, right } = join;
    const keepsLeft = (type === 'JOIN_LEFT' || type === 'JOIN_FULL') && !right.some((s) => strict.has(s));
    const keepsRight = (type === 'JOIN_RIGHT' || type === 'JOIN_FULL') && !left.some((s) => strict.has(s));
    const targets = new Set([...(keepsLeft ? [] : left), ...(keepsRight ? [] : right)]);
    if (join.quals) this.collect(join.quals, level, targets, facts);
    for (const column of join.columns) {
      for (const l of left) {
        for (const r of right) {
          if (l.tenantKey !== column || r.tenantKey !== column) continue;
          if (targets.has(r)) facts.edges.push([l, r]);
          if (targets.has(l)) facts.edges.push([r, l]);
        }
      }
    }
  }

  /** Adds what a condition says about the tenant columns of the level's sources. */
  private collect(expr: PgNode | undefined, level: Level, targets: Set<Source>, facts: Facts): void {
    if (!expr || typeof expr !== 'object') return;
    if (expr.BoolExpr) {
      const args = (expr.BoolExpr.args ?? []) as PgNode[];
      if (expr.BoolExpr.boolop === 'AND_EXPR') {
        for (const a of args) this.collect(a, level, targets, facts);
      } else if (expr.BoolExpr.boolop === 'OR_EXPR') {
        // A source is filtered by an OR when every branch filters it by a value.
        const branches = args.map((a) => {
          const f: Facts = { values: new Set(), edges: [] };
          this.collect(a, level, targets, f);
          return f.values;
        });
        for (const s of branches[0] ?? []) if (branches.every((b) => b.has(s))) facts.values.add(s);
      }
      return;
    }
    if (expr.A_Expr) {
      const e = expr.A_Expr as PgNode;
      const op = (e.name as Fields | undefined)?.[0]?.String?.sval;
      if (op !== '=') return;
      const l = e.lexpr as PgNode | undefined;
      const r = e.rexpr as PgNode | undefined;
      if (e.kind === 'AEXPR_OP' || e.kind === 'AEXPR_NOT_DISTINCT') {
        if (l?.RowExpr && r?.RowExpr) {
          const ls = (l.RowExpr.args ?? []) as PgNode[];
          const rs = (r.RowExpr.args ?? []) as PgNode[];
          if (ls.length === rs.length) ls.forEach((x, i) => this.equality(x, rs[i], level, targets, facts));
          return;
        }
        this.equality(l, r, level, targets, facts);
      } else if (e.kind === 'AEXPR_IN') {
        const items = (r?.List?.items ?? []) as PgNode[];
        const row = (l?.RowExpr?.args ?? undefined) as PgNode[] | undefined;
        if (row) {
          // `(tenant_id, id) IN (($1, $2), ($1, $3))`: each position of the row, against the same
          // position of every item.
          const rows = items.map((i) => (i.RowExpr?.args ?? i.ImplicitRowExpr?.args) as PgNode[] | undefined);
          if (rows.length === 0 || rows.some((x) => x?.length !== row.length)) return;
          row.forEach((x, k) => {
            const values = rows.map((v) => v![k]);
            if (values.length === 1) this.equality(x, values[0], level, targets, facts);
            else if (values.every((v) => !columnRef(v)))
              this.equality(x, { A_Const: {} }, level, targets, facts);
          });
          return;
        }
        if (items.length === 1) this.equality(l, items[0], level, targets, facts);
        else if (items.length > 1 && items.every((i) => !columnRef(i)))
          this.equality(l, { A_Const: {} }, level, targets, facts);
      } else if (e.kind === 'AEXPR_OP_ANY') {
        this.equality(l, r, level, targets, facts);
      }
      return;
    }
    if (expr.SubLink && expr.SubLink.subLinkType === 'ANY_SUBLINK') {
      const op = (expr.SubLink.operName as Fields | undefined)?.[0]?.String?.sval;
      if (op === undefined || op === '=')
        this.equality(expr.SubLink.testexpr as PgNode, expr, level, targets, facts);
    }
  }

  /** `a = b`: a tenant key compared with a value, or two tenant keys compared (a join). */
  private equality(
    a: PgNode | undefined,
    b: PgNode | undefined,
    level: Level,
    targets: Set<Source>,
    facts: Facts,
  ): void {
    const ra = this.resolve(a, level);
    const rb = this.resolve(b, level);
    const sides: [Ref | 'unknown' | undefined, PgNode | undefined, Ref | 'unknown' | undefined][] = [
      [ra, b, rb],
      [rb, a, ra],
    ];
    for (const [ref, otherNode, other] of sides) {
      if (!ref || ref === 'unknown' || ref.level !== level) continue;
      for (const s of ref.sources) {
        if (!targets.has(s)) continue;
        if (other === undefined || other === 'unknown') {
          // A value: a parameter, a literal, a function call, a subquery (that looks the tenant up).
          if (!isValueKey(s, ref.column)) continue;
          const link = other === undefined ? (uncast(otherNode)?.SubLink as PgNode | undefined) : undefined;
          if (link) this.lookups.add(link);
          facts.values.add(s);
        } else if (other.sources.every(isOpaque)) {
          // A column of a function's result, a view's or a relation nobody defines: a value, as
          // when it is written without its alias.
          if (isValueKey(s, ref.column)) facts.values.add(s);
        } else if (other.level === level) {
          if (s.tenantKey !== ref.column) continue;
          for (const o of other.sources)
            if (o !== s && o.tenantKey === other.column) facts.edges.push([o, s]);
        } else if (other.sources.some((o) => o.tenantKey === other.column && other.level.filtered.has(o))) {
          // A correlated subquery joined on the tenant to a filtered row of the query around it.
          if (s.tenantKey === ref.column) facts.values.add(s);
        }
      }
    }
  }

  /**
   * The sources a column reference may belong to, on this level or one around it: `undefined` for
   * an expression that is not a column, `'unknown'` for a column nobody here has (a parameter of
   * the caller, a column of a relation not known).
   */
  private resolve(node: PgNode | undefined, level: Level): Ref | 'unknown' | undefined {
    const fields = columnRef(node);
    if (!fields) return undefined;
    const names = fields.map((f) => f.String?.sval);
    if (names.some((x) => x === undefined)) return undefined;
    const column = names[names.length - 1]!;
    const qualifier = names.slice(0, -1) as string[];
    for (let l: Level | undefined = level; l; l = l.parent) {
      if (l.unknown) return { level: l, sources: [], column };
      let sources: Source[];
      if (qualifier.length === 0) {
        sources = l.sources.filter((s) => s.columns.includes(column));
        if (sources.length === 0) sources = l.sources.filter((s) => s.open);
      } else {
        const name = qualifier[qualifier.length - 1];
        const schema = qualifier.length > 1 ? qualifier[qualifier.length - 2] : undefined;
        sources = l.sources.filter(
          (s) => s.refName === name && (schema === undefined || s.schema === schema),
        );
      }
      if (sources.length > 0) return { level: l, sources, column };
    }
    return 'unknown';
  }

  // ── subqueries in expressions ─────────────────────────────────────────────────────────────

  /** Judges the subqueries of a level's expressions (not those that look the tenant up). */
  private subqueries(parts: unknown[], level: Level | undefined, ctes: CteScope): void {
    const found: PgNode[] = [];
    findSubLinks(parts, found);
    for (const link of found) {
      if (this.lookups.has(link)) continue;
      const query = unwrap(link.subselect as PgNode | undefined);
      if (query) this.level(query, level, ctes, false, true);
    }
  }

  /** Which sources feed the output column named like the tenant column, and the output's columns. */
  private outputOf(
    query: Query,
    level: Level,
  ): { from: Source[]; columns: string[]; open: boolean; tenantsKey?: string } {
    const n = query.node;
    const targets = ((query.kind === 'SelectStmt'
      ? n.targetList
      : (n.returningClause?.exprs ?? n.returningList)) ?? []) as PgNode[];
    const from: Source[] = [];
    const columns: string[] = [];
    let open = false;
    let tenantsKey: string | undefined;
    for (const t of targets) {
      const target = t.ResTarget as PgNode | undefined;
      if (!target) continue;
      const fields = columnRef(target.val as PgNode | undefined);
      const last = fields?.[fields.length - 1];
      if (fields && last?.A_Star) {
        const qualifier = fields.length > 1 ? fields[fields.length - 2].String?.sval : undefined;
        for (const s of level.sources) {
          if (qualifier !== undefined && s.refName !== qualifier) continue;
          columns.push(...s.columns);
          open ||= s.open;
          if (s.tenantKey && sameName(s.tenantKey, this.config.tenantColumn)) from.push(s);
        }
        continue;
      }
      const name = (target.name as string | undefined) ?? last?.String?.sval;
      if (name === undefined) continue;
      columns.push(name);
      const tenant = sameName(name, this.config.tenantColumn);
      if (!tenant && (tenantsKey !== undefined || from.length > 0)) continue;
      const ref = this.resolve(target.val as PgNode, level);
      if (!ref || ref === 'unknown' || ref.level !== level) continue;
      for (const s of ref.sources) {
        if (s.tenantKey !== ref.column) continue;
        if (tenant) from.push(s);
        else if (s.kind === 'tenants' && ref.sources.length === 1) {
          // The tenants table's key under another name: the output carries the tenant.
          from.push(s);
          tenantsKey = name;
        }
      }
    }
    return { from, columns, open, ...(tenantsKey ? { tenantsKey } : {}) };
  }

  // ── the finding ───────────────────────────────────────────────────────────────────────────

  private report(source: Source): void {
    const { table, model, command } = source;
    if (!table || !model || !command || source.location === undefined) return;
    const column = tenantColumn(table, this.config);
    if (!column) return;
    // An UPDATE or DELETE that reads the rows (a WHERE, a RETURNING) also gets the SELECT policies.
    const node = this.event.node;
    const reads =
      (this.event.kind === 'UpdateStmt' || this.event.kind === 'DeleteStmt') &&
      (node.whereClause !== undefined || ((node.returningList ?? []) as PgNode[]).length > 0);
    const protection = unprotected(model, table, column, command, reads);
    if (!protection) return;
    const start = nodeOffset(this.event.parsed, this.event.stmt, source.location);
    if (this.reported.has(start)) return;
    this.reported.add(start);
    const verb = command === 'update' ? 'updates' : command === 'delete' ? 'deletes from' : 'reads';
    const name = tableLabel(table);
    this.context.report({
      range: this.nameRange(start),
      message: `Query ${verb} ${name} without a tenant filter (${columnLabel(table, column)}), and ${protection}`,
    });
  }

  /** The relation's name as written (`orders`, `app.orders`, `"Orders"`). */
  private nameRange(start: number): SourceRange {
    const file = this.event.file;
    const tokens = statementTokens(this.event.parsed, this.event.stmt);
    let i = tokens.findIndex((t) => t.start === start);
    if (i < 0) return { file, start, end: start };
    let end = tokens[i].end;
    while (tokens[i + 1]?.text === '.' && tokens[i + 2]) {
      end = tokens[i + 2].end;
      i += 2;
    }
    return { file, start, end };
  }
}

/**
 * Why row-level security does not stand in for the query's filter, or `undefined` when it does:
 * RLS is enabled and no permissive policy lets the command through without the tenant column (a
 * table with RLS and no policy returns nothing: rls-enabled-without-policy's finding). An UPDATE
 * or DELETE that reads the rows (`readsRows`: a WHERE, a RETURNING) is also held to the SELECT
 * policies, so a tenant-only SELECT protects it too.
 */
function unprotected(
  model: SchemaModel,
  table: Table,
  column: Column,
  command: RowCommand,
  readsRows = false,
): string | undefined {
  const name = tableLabel(table);
  if (!table.rls.enabled) return `${name} has no row level security`;
  const opens = openCommands(policiesOf(model, table), column.name);
  const open = opens.find((o) => o.command === command);
  if (!open) return undefined;
  if (readsRows && command !== 'select' && !opens.some((o) => o.command === 'select')) return undefined;
  return `policy ${open.policy.name} lets ${command.toUpperCase()} on ${name} through without ${column.name}`;
}

/** Filtered sources: those compared with a value, and those joined on the tenant to one. */
function closure(facts: Facts): Set<Source> {
  const filtered = new Set(facts.values);
  for (let changed = true; changed;) {
    changed = false;
    for (const [from, to] of facts.edges) {
      if (filtered.has(from) && !filtered.has(to)) {
        filtered.add(to);
        changed = true;
      }
    }
  }
  return filtered;
}

/**
 * A column whose equality with a value picks one tenant's rows: the tenant key, or for the tenants
 * table, any column that is unique on its own (`tenants.slug = $1`).
 */
function isValueKey(source: Source, column: string): boolean {
  if (source.tenantKey === column) return true;
  return source.kind === 'tenants' && (source.uniqueColumns ?? []).includes(column);
}

/** The parts of a level whose subqueries run with it (FROM items are its sources). */
function expressionParts(query: Query): unknown[] {
  const n = query.node;
  const skip = new Set([
    'fromClause',
    'usingClause',
    'relation',
    'withClause',
    'whereClause',
    'larg',
    'rarg',
  ]);
  return Object.entries(n)
    .filter(([k]) => !skip.has(k))
    .map(([, v]) => v);
}

/**
 * SubLinks in an expression, not those of nested queries (each level finds its own). Subqueries
 * in FROM are sources, not expressions; a function in FROM is walked for its arguments.
 */
function findSubLinks(node: unknown, out: PgNode[]): void {
  if (Array.isArray(node)) {
    for (const x of node) findSubLinks(x, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as PgNode;
  if (n.SubLink) {
    out.push(n.SubLink as PgNode);
    findSubLinks(n.SubLink.testexpr, out);
    return;
  }
  if (n.RangeSubselect || n.RangeVar || n.SelectStmt || n.CommonTableExpr) return;
  for (const v of Object.values(n)) findSubLinks(v, out);
}

/** The node under its casts (`$1::uuid`, `(SELECT …)::bigint`). */
function uncast(node: PgNode | undefined): PgNode | undefined {
  let n = node;
  while (n?.TypeCast) n = n.TypeCast.arg as PgNode;
  return n;
}

function columnRef(node: PgNode | undefined): Fields | undefined {
  return uncast(node)?.ColumnRef?.fields as Fields | undefined;
}

/** A source nothing is known about (a function in FROM, a subquery that does not parse as one). */
function opaque(alias: string | undefined): Source {
  return { kind: 'other', refName: alias ?? '', columns: [], open: true };
}

/** A source whose columns nobody knows: a function's result, a view, a relation nobody defines. */
function isOpaque(s: Source): boolean {
  return s.kind === 'other' && s.open && s.columns.length === 0;
}

/** Column names after an alias's column list (`orders AS o (a, b)` renames the first two). */
function renamed(columns: string[], alias: PgNode | undefined): { list: string[]; map: Map<string, string> } {
  const names = ((alias?.colnames ?? []) as PgNode[]).map((c) => c.String?.sval as string);
  const list = columns.map((c, i) => names[i] ?? c);
  return { list, map: new Map(columns.map((c, i) => [c, list[i]])) };
}

/** Single-column PRIMARY KEY and UNIQUE constraints. */
function uniqueColumns(table: Table): string[] {
  return table.constraints
    .filter((c) => (c.kind === 'primary key' || c.kind === 'unique') && c.columns.length === 1)
    .map((c) => c.columns[0]);
}

/** The tenants table's column that tenant columns reference (its primary key, else `id`). */
function tenantsKey(model: SchemaModel, tenants: Table, config: ResolvedConfig): string {
  for (const { table, constraint: fk } of foreignKeysTo(model, tenants)) {
    const column = tenantColumn(table, config);
    if (
      column &&
      fk.columns.length === 1 &&
      fk.columns[0] === column.name &&
      fk.references?.columns.length === 1
    )
      return fk.references.columns[0];
  }
  const pk = primaryKey(tenants);
  return pk?.columns.length === 1 ? pk.columns[0] : 'id';
}
