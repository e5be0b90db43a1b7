/**
 * Multi-tenancy questions the tenancy rules share: which tables hold tenant rows, which table is
 * the tenants table, and whether a row-level security policy keeps each tenant to its own rows.
 *
 * The tenant column is the configured `tenantColumn` in any case style (`tenant_id`, `tenantId`).
 * A policy "uses the tenant column" when its expression compares that column with something the
 * session supplies: `current_setting(…)`, any other function call (`auth.uid()`, `auth.jwt() ->>
 * 'tenant_id'`), or a subquery (a membership lookup). Comparing it with a constant isolates nothing.
 */
import type { ResolvedConfig } from '../config/config';
import type { PgNode } from '../parse/sql';
import { foreignKeys, isPartition, nameWords, sameName } from './queries';
import {
  tableKey,
  type Column,
  type Policy,
  type QualifiedName,
  type SchemaModel,
  type Table,
} from './schema';

/** The commands a policy can govern, one by one (`FOR ALL` is all four). */
export type RowCommand = 'select' | 'insert' | 'update' | 'delete';
export const ROW_COMMANDS: readonly RowCommand[] = ['select', 'insert', 'update', 'delete'];

/**
 * Roles that bypass row-level security anyway (Supabase's `service_role` has BYPASSRLS): a policy
 * for them alone opens nothing.
 */
const BYPASS_ROLES = new Set(['service_role']);

/** The table's tenant column: a plain (not array) column named like `tenantColumn`. */
export function tenantColumn(table: Table, config: ResolvedConfig): Column | undefined {
  // Every tenancy rule asks for every table: answered once per table (and tenant column name).
  const cached = tenantColumns.get(table);
  if (cached && cached.name === config.tenantColumn && cached.columns === table.columns) return cached.column;
  const column = table.columns.find((c) => c.type.arrayDims === 0 && sameName(c.name, config.tenantColumn));
  tenantColumns.set(table, { name: config.tenantColumn, columns: table.columns, column });
  return column;
}
const tenantColumns = new WeakMap<Table, { name: string; columns: Column[]; column: Column | undefined }>();

/**
 * The table the tenant column stands for: the one most tenant columns reference by foreign key,
 * else a table named after the column (`tenant_id` → `tenants`, `organization_id` →
 * `organizations`, `tenantId` → `Tenant`).
 */
export function tenantsTable(model: SchemaModel, config: ResolvedConfig): Table | undefined {
  // Every tenant table asks: answer once per model and tenant column.
  let byColumn = tenantsTables.get(model);
  if (!byColumn) tenantsTables.set(model, (byColumn = new Map()));
  if (!byColumn.has(config.tenantColumn)) byColumn.set(config.tenantColumn, findTenantsTable(model, config));
  return byColumn.get(config.tenantColumn);
}
const tenantsTables = new WeakMap<SchemaModel, Map<string, Table | undefined>>();

function findTenantsTable(model: SchemaModel, config: ResolvedConfig): Table | undefined {
  const counts = new Map<string, number>();
  for (const table of model.tables.values()) {
    const column = tenantColumn(table, config);
    if (!column) continue;
    for (const fk of foreignKeys(table)) {
      if (fk.columns.length !== 1 || fk.columns[0] !== column.name || !fk.references) continue;
      if (tableKey(fk.references.table) === tableKey(table)) continue;
      const k = tableKey(fk.references.table);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  let best: Table | undefined;
  let bestCount = 0;
  for (const [k, n] of counts) {
    const table = model.tables.get(k);
    if (table && n > bestCount) [best, bestCount] = [table, n];
  }
  if (best) return best;
  const words = nameWords(config.tenantColumn);
  if (words.length < 2 || words[words.length - 1] !== 'id') return undefined;
  const stem = words.slice(0, -1).join('_');
  const names = [stem, `${stem}s`, `${stem}es`, stem.replace(/y$/, 'ies')];
  for (const table of model.tables.values()) {
    if (names.some((n) => sameName(table.name, n))) return table;
  }
  return undefined;
}

/**
 * A table whose rows belong to tenants: it has the tenant column and is not the tenants table.
 * Partitions are judged by their parent, temporary tables are session scratch space, and foreign
 * tables cannot have row-level security.
 */
export function isTenantTable(model: SchemaModel, table: Table, config: ResolvedConfig): boolean {
  if (isPartition(table) || table.temporary || table.kind === 'foreign table') return false;
  if (!tenantColumn(table, config)) return false;
  const tenants = tenantsTable(model, config);
  return !tenants || tableKey(tenants) !== tableKey(table);
}

/** The policies written for a table. */
export function policiesOf(model: SchemaModel, table: QualifiedName): readonly Policy[] {
  let byTable = policiesByTable.get(model.policies);
  if (!byTable) {
    byTable = new Map();
    for (const p of model.policies) {
      const k = tableKey(p.table);
      const list = byTable.get(k);
      if (list) list.push(p);
      else byTable.set(k, [p]);
    }
    policiesByTable.set(model.policies, byTable);
  }
  return byTable.get(tableKey(table)) ?? [];
}
/** Keyed by the policy list itself: the model builder replaces it when policies change. */
const policiesByTable = new WeakMap<readonly Policy[], Map<string, Policy[]>>();

/** True when the policy applies to some role that does not bypass row-level security. */
function appliesToRls(policy: Policy): boolean {
  return policy.roles.length === 0 || policy.roles.some((r) => !BYPASS_ROLES.has(r));
}

function appliesTo(policy: Policy, command: RowCommand): boolean {
  return policy.command === 'all' || policy.command === command;
}

/** The commands some of the policies govern (`FOR ALL` counts as all four). */
export function commandsCovered(policies: readonly Policy[]): Set<RowCommand> {
  const out = new Set<RowCommand>();
  for (const p of policies) for (const c of ROW_COMMANDS) if (appliesTo(p, c)) out.add(c);
  return out;
}

/**
 * The expressions PostgreSQL checks for a command: USING filters the rows SELECT, UPDATE and
 * DELETE see; WITH CHECK (or USING when there is none) the rows INSERT and UPDATE write. A missing
 * one is `undefined`: such a policy lets no row through for that command.
 */
function expressionsFor(policy: Policy, command: RowCommand): (PgNode | undefined)[] {
  const check = policy.withCheckNode ?? policy.usingNode;
  switch (command) {
    case 'select':
    case 'delete':
      return [policy.usingNode];
    case 'insert':
      return [check];
    case 'update':
      return [policy.usingNode, check];
  }
}

/**
 * True when the policy keeps rows to the tenant: for one command, every expression PostgreSQL
 * checks for it; without a command, any of its expressions.
 */
export function policyUsesTenantColumn(policy: Policy, column: string, command?: RowCommand): boolean {
  const uses = (node: PgNode | undefined) =>
    node !== undefined && expressionUsesTenant(node, policy.table, column);
  if (command === undefined) return uses(policy.usingNode) || uses(policy.withCheckNode);
  return expressionsFor(policy, command).every(uses);
}

/** A permissive policy that lets rows through for the command without the tenant column. */
export interface OpenCommand {
  command: RowCommand;
  policy: Policy;
}

/**
 * The commands whose rows are not kept to the tenant: a permissive policy lets rows through for
 * the command without comparing the tenant column, and no restrictive policy that does applies.
 * A command no permissive policy grants is closed (row-level security denies it), not open.
 */
export function openCommands(policies: readonly Policy[], column: string): OpenCommand[] {
  const out: OpenCommand[] = [];
  const live = policies.filter(appliesToRls);
  for (const command of ROW_COMMANDS) {
    const applicable = live.filter((p) => appliesTo(p, command));
    const narrowing = applicable.filter((p) => !p.permissive && policyUsesTenantColumn(p, column, command));
    const opening = applicable.find(
      (p) =>
        p.permissive &&
        expressionsFor(p, command).every((e) => e !== undefined) &&
        !policyUsesTenantColumn(p, column, command) &&
        !narrowedForEveryRole(p, narrowing),
    );
    if (opening) out.push({ command, policy: opening });
  }
  return out;
}

/** A policy without roles, or `TO PUBLIC`, applies to every role. */
function forEveryRole(policy: Policy): boolean {
  return policy.roles.length === 0 || policy.roles.includes('public');
}

/**
 * Every role the permissive policy grants rows to also gets one of the restrictive policies (a
 * restrictive policy narrows only the roles it is for: `TO authenticated` leaves `anon` with all
 * the permissive policy lets through). Roles are compared by name; membership is not known here.
 */
function narrowedForEveryRole(permissive: Policy, restrictive: readonly Policy[]): boolean {
  if (restrictive.some(forEveryRole)) return true;
  if (restrictive.length === 0 || forEveryRole(permissive)) return false;
  return permissive.roles.every((r) => BYPASS_ROLES.has(r) || restrictive.some((q) => q.roles.includes(r)));
}

/**
 * True when some policy can grant rows: a permissive one (restrictive policies only narrow what
 * permissive ones grant; alone they let nothing through).
 */
export function hasPermissivePolicy(policies: readonly Policy[]): boolean {
  return policies.some((p) => p.permissive);
}

// ── the expression walk ──────────────────────────────────────────────────────────────────────

type Fields = { String?: { sval?: string } }[];

/**
 * Where the walk is: at the policy's own level a bare or table-qualified reference is the tenant
 * column; inside a subquery only one qualified with the policy's table is (a bare name there is a
 * column of the subquery's own tables).
 */
interface Scope {
  table: QualifiedName;
  column: string;
  inSubquery: boolean;
}

function expressionUsesTenant(node: PgNode, table: QualifiedName, column: string): boolean {
  return usesTenant(node, { table, column, inSubquery: false });
}

/** Searches a boolean expression for a term that compares the tenant column with a session value. */
function usesTenant(node: PgNode | undefined, scope: Scope): boolean {
  if (!node || typeof node !== 'object') return false;
  if (node.BoolExpr) {
    // NOT (tenant_id = …) keeps every other tenant's rows, the opposite of isolation.
    if (node.BoolExpr.boolop === 'NOT_EXPR') return false;
    const args = (node.BoolExpr.args ?? []) as PgNode[];
    // One term of an AND is enough; an OR lets a row through by any branch, so every branch must.
    return node.BoolExpr.boolop === 'OR_EXPR'
      ? args.length > 0 && args.every((a) => usesTenant(a, scope))
      : args.some((a) => usesTenant(a, scope));
  }
  if (node.A_Expr) return comparesTenant(node.A_Expr, scope);
  if (node.SubLink) return subLinkUsesTenant(node.SubLink, scope);
  if (node.FuncCall) {
    // A predicate function given the tenant column: `is_member_of(tenant_id)`, also by name
    // (`has_role(tenant => tenant_id)`).
    const args = (node.FuncCall.args ?? []) as PgNode[];
    return args.some((a) => isTenantRef((a.NamedArgExpr?.arg as PgNode | undefined) ?? a, scope));
  }
  if (node.TypeCast) return usesTenant(node.TypeCast.arg, scope);
  return false;
}

/** `tenant_id = <session value>`, `tenant_id IN (…)`, `tenant_id = ANY (…)`, either side. */
function comparesTenant(expr: PgNode, scope: Scope): boolean {
  const op = (expr.name as Fields | undefined)?.[0]?.String?.sval;
  const kind = expr.kind as string;
  const comparison =
    (kind === 'AEXPR_OP' && op === '=') ||
    (kind === 'AEXPR_OP_ANY' && op === '=') ||
    (kind === 'AEXPR_IN' && op === '=') ||
    (kind === 'AEXPR_NOT_DISTINCT' && op === '=');
  if (!comparison) return false;
  const [l, r] = [expr.lexpr as PgNode | undefined, expr.rexpr as PgNode | undefined];
  return (
    (isTenantRef(l, scope) && isSessionValue(r, scope)) || (isTenantRef(r, scope) && isSessionValue(l, scope))
  );
}

/** `tenant_id IN (SELECT …)`, `tenant_id = ANY (SELECT …)`, `EXISTS (SELECT … WHERE m.tenant_id = t.tenant_id)`, `(SELECT f(tenant_id))`. */
function subLinkUsesTenant(link: PgNode, scope: Scope): boolean {
  const type = link.subLinkType as string;
  const select = link.subselect?.SelectStmt as PgNode | undefined;
  const inner: Scope = { ...scope, inSubquery: true };
  if (type === 'ANY_SUBLINK') {
    // `tenant_id IN (SELECT tenant_id FROM members WHERE user_id = auth.uid())`: the list must
    // depend on the session (`IN (SELECT id FROM tenants)` is every tenant).
    if (isTenantRef(link.testexpr, scope)) return select === undefined || readsSession(select);
    // `auth.uid() IN (SELECT m.user_id FROM members m WHERE m.tenant_id = t.tenant_id)`.
    return (
      select !== undefined && isSessionValue(link.testexpr, scope) && usesTenant(select.whereClause, inner)
    );
  }
  if (!select) return false;
  // `EXISTS (SELECT 1 FROM members m WHERE m.tenant_id = t.tenant_id AND m.user_id = auth.uid())`:
  // without the session in it, any member row of the tenant lets every session through.
  if (type === 'EXISTS_SUBLINK') return usesTenant(select.whereClause, inner) && readsSession(select);
  if (type === 'EXPR_SUBLINK') {
    // `(SELECT is_member_of(tenant_id))`: Supabase wraps calls so they run once per query.
    const targets = (select.targetList ?? []) as PgNode[];
    return targets.length === 1 && !select.fromClause && usesTenant(targets[0].ResTarget?.val, scope);
  }
  return false;
}

/** The tenant column of the policy's table (through casts: `tenant_id::text`). */
function isTenantRef(node: PgNode | undefined, scope: Scope): boolean {
  let n = node;
  while (n?.TypeCast) n = n.TypeCast.arg;
  const fields = n?.ColumnRef?.fields as Fields | undefined;
  if (!fields) return false;
  const names = fields.map((f) => f.String?.sval);
  if (names.some((s) => s === undefined) || names[names.length - 1] !== scope.column) return false;
  if (names.length === 1) return !scope.inSubquery;
  const qualifier = names.slice(0, -1);
  if (qualifier[qualifier.length - 1] !== scope.table.name) return false;
  return qualifier.length === 1 || qualifier[0] === scope.table.schema;
}

/**
 * Something the session supplies rather than a constant: a function call (`current_setting(…)`,
 * `auth.uid()`), a subquery, `current_user`, or an expression over one (`auth.jwt() ->> 'tenant_id'`,
 * a cast). Inside a subquery, a column of the subquery's own tables (`m.tenant_id` of a membership
 * lookup) counts too.
 */
function isSessionValue(node: PgNode | undefined, scope: Scope): boolean {
  if (!node || typeof node !== 'object') return false;
  if (node.FuncCall || node.SubLink || node.SQLValueFunction || node.ParamRef) return true;
  if (node.ColumnRef) return scope.inSubquery && !isTenantRef(node, scope);
  if (node.TypeCast) return isSessionValue(node.TypeCast.arg, scope);
  if (node.CoalesceExpr) {
    // `coalesce(current_setting(…)::uuid, tenant_id)` compares the column with itself when unset.
    const args = (node.CoalesceExpr.args ?? []) as PgNode[];
    return args.some((a) => isSessionValue(a, scope)) && !args.some((a) => isTenantRef(a, scope));
  }
  if (node.A_Expr)
    return isSessionValue(node.A_Expr.lexpr, scope) || isSessionValue(node.A_Expr.rexpr, scope);
  if (node.A_ArrayExpr)
    return ((node.A_ArrayExpr.elements ?? []) as PgNode[]).some((a) => isSessionValue(a, scope));
  if (node.List) return ((node.List.items ?? []) as PgNode[]).some((a) => isSessionValue(a, scope));
  return false;
}

/** The subquery calls a function or reads a session value (`auth.uid()`, `current_user`) somewhere. */
function readsSession(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(readsSession);
  if (!node || typeof node !== 'object') return false;
  const n = node as PgNode;
  if (n.FuncCall || n.SQLValueFunction || n.ParamRef) return true;
  for (const k in n) {
    const v = n[k] as unknown;
    if (v && typeof v === 'object' && readsSession(v)) return true;
  }
  return false;
}
