/**
 * The engine's model against PostgreSQL's catalog: every difference, one line each. The catalog is
 * the oracle: a line here is a statement the model builder reads differently from PostgreSQL (or a
 * statement PostgreSQL rejected, which the model applied anyway).
 *
 * What is compared: tables (kind, RLS flags), columns (order, type, NOT NULL, whether there is a
 * default, identity, generated), indexes (table, method, unique, key columns, INCLUDE, predicate,
 * the constraint they back), constraints (kind, columns, references, actions, NOT VALID,
 * DEFERRABLE), policies (command, permissive, roles, USING / WITH CHECK present), triggers (timing,
 * events, row/statement, function), enums (values in order) and views. Texts of expressions are
 * not compared (the catalog deparses them), only their presence; serial defaults count as defaults.
 *
 * What PostgreSQL adds on its own and the model leaves to its rules is left out: indexes,
 * constraints and triggers cloned onto partitions from their parent, and constraints a child only
 * inherits.
 */
import type { Column, ColumnType, Constraint, Index, SchemaModel, Table } from '../model/schema';
import type {
  CatalogColumn,
  CatalogConstraint,
  CatalogIndex,
  CatalogSnapshot,
  CatalogTable,
} from './catalog';

export interface CompareOptions {
  /** The role `current_user` means in the catalog (PGlite's is `postgres`). */
  currentUser?: string;
}

type Named = { schema: string; name: string };
const keyOf = (x: Named): string => `${x.schema}.${x.name}`;

/** Types whose modifier PostgreSQL fills in when none is written (`char` is `char(1)`). */
const DEFAULT_MODIFIERS: Record<string, number[]> = { bpchar: [1], bit: [1] };

function modelType(t: ColumnType): string {
  const mods = t.modifiers.length > 0 ? t.modifiers : (DEFAULT_MODIFIERS[t.name] ?? []);
  return `${t.name}${mods.length > 0 ? `(${mods.join(',')})` : ''}${t.arrayDims > 0 ? '[]' : ''}`;
}

function catalogType(c: CatalogColumn): string {
  const mods = c.modifiers;
  return `${c.typeName}${mods.length > 0 ? `(${mods.join(',')})` : ''}${c.isArray ? '[]' : ''}`;
}

function list(xs: readonly string[]): string {
  return `(${xs.join(', ')})`;
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return same([...new Set(a)].sort(), [...new Set(b)].sort());
}

/** Every difference between the model and the catalog, sorted. Empty when they agree. */
export function compareWithModel(
  model: SchemaModel,
  catalog: CatalogSnapshot,
  options: CompareOptions = {},
): string[] {
  const out: string[] = [];
  const diff = (what: string, modelSays: string, catalogSays: string): void => {
    out.push(`${what}: model ${modelSays}, catalog ${catalogSays}`);
  };
  const currentUser = options.currentUser ?? 'postgres';

  // ── tables and columns ──
  const modelTables = new Map(
    [...model.tables.values()].filter((t) => !t.temporary).map((t) => [keyOf(t), t]),
  );
  const catalogTables = new Map(catalog.tables.map((t) => [keyOf(t), t]));
  const compared = new Set<string>([...modelTables.keys(), ...catalogTables.keys()]);
  for (const key of [...compared].sort()) {
    const m = modelTables.get(key);
    const c = catalogTables.get(key);
    if (!m) {
      out.push(`table ${key}: in the catalog, not in the model`);
      continue;
    }
    if (!c) {
      out.push(`table ${key}: in the model, not in the catalog`);
      continue;
    }
    compareTable(key, m, c, diff);
  }

  // ── indexes ──
  const modelIndexes = new Map(
    [...model.indexes.values()].filter((i) => compared.has(keyOf(i.table))).map((i) => [keyOf(i), i]),
  );
  const catalogIndexes = new Map(catalog.indexes.filter((i) => !i.partitionClone).map((i) => [keyOf(i), i]));
  for (const key of [...new Set([...modelIndexes.keys(), ...catalogIndexes.keys()])].sort()) {
    const m = modelIndexes.get(key);
    const c = catalogIndexes.get(key);
    if (!m) out.push(`index ${key} on ${keyOf(c!.table)}: in the catalog, not in the model`);
    else if (!c) out.push(`index ${key} on ${keyOf(m.table)}: in the model, not in the catalog`);
    else compareIndex(`index ${key}`, m, c, diff);
  }

  // ── constraints ──
  const modelConstraints = new Map<string, Constraint>();
  for (const [key, t] of modelTables) {
    for (const con of t.constraints) modelConstraints.set(`${key}.${con.name}`, con);
  }
  const catalogConstraints = new Map(
    catalog.constraints
      .filter((c) => !c.partitionClone && c.local)
      .map((c) => [`${keyOf(c.table)}.${c.name}`, c]),
  );
  for (const key of [...new Set([...modelConstraints.keys(), ...catalogConstraints.keys()])].sort()) {
    const m = modelConstraints.get(key);
    const c = catalogConstraints.get(key);
    if (!m) out.push(`constraint ${key} (${c!.kind}): in the catalog, not in the model`);
    else if (!c) {
      if (m.notEnforced) continue;
      out.push(`constraint ${key} (${m.kind}): in the model, not in the catalog`);
    } else compareConstraint(`constraint ${key}`, m, c, diff);
  }

  // ── policies ──
  const modelPolicies = new Map(
    model.policies.filter((p) => compared.has(keyOf(p.table))).map((p) => [`${keyOf(p.table)}.${p.name}`, p]),
  );
  const catalogPolicies = new Map(catalog.policies.map((p) => [`${keyOf(p.table)}.${p.name}`, p]));
  for (const key of [...new Set([...modelPolicies.keys(), ...catalogPolicies.keys()])].sort()) {
    const m = modelPolicies.get(key);
    const c = catalogPolicies.get(key);
    const what = `policy ${key}`;
    if (!m) out.push(`${what}: in the catalog, not in the model`);
    else if (!c) out.push(`${what}: in the model, not in the catalog`);
    else {
      if (m.command !== c.command) diff(`${what} command`, m.command, c.command);
      if (m.permissive !== c.permissive)
        diff(`${what} permissive`, String(m.permissive), String(c.permissive));
      const roles = (m.roles.length > 0 ? m.roles : ['public']).map((r) =>
        r === 'current_user' || r === 'current_role' || r === 'session_user' ? currentUser : r,
      );
      if (!sameSet(roles, c.roles)) diff(`${what} roles`, list(roles), list(c.roles));
      if (!!m.usingNode !== (c.using !== undefined))
        diff(
          `${what} USING`,
          m.usingNode ? 'present' : 'absent',
          c.using !== undefined ? 'present' : 'absent',
        );
      if (!!m.withCheckNode !== (c.withCheck !== undefined))
        diff(
          `${what} WITH CHECK`,
          m.withCheckNode ? 'present' : 'absent',
          c.withCheck !== undefined ? 'present' : 'absent',
        );
    }
  }

  // ── triggers ──
  const modelTriggers = new Map(
    model.triggers.filter((t) => compared.has(keyOf(t.table))).map((t) => [`${keyOf(t.table)}.${t.name}`, t]),
  );
  const catalogTriggers = new Map(
    catalog.triggers.filter((t) => !t.partitionClone).map((t) => [`${keyOf(t.table)}.${t.name}`, t]),
  );
  for (const key of [...new Set([...modelTriggers.keys(), ...catalogTriggers.keys()])].sort()) {
    const m = modelTriggers.get(key);
    const c = catalogTriggers.get(key);
    const what = `trigger ${key}`;
    if (!m) out.push(`${what}: in the catalog, not in the model`);
    else if (!c) out.push(`${what}: in the model, not in the catalog`);
    else {
      if (m.timing !== c.timing) diff(`${what} timing`, m.timing, c.timing);
      if (!sameSet(m.events, c.events)) diff(`${what} events`, list(m.events), list(c.events));
      if (m.forEachRow !== c.forEachRow)
        diff(`${what} level`, m.forEachRow ? 'row' : 'statement', c.forEachRow ? 'row' : 'statement');
      if (m.function.name !== c.function.name) diff(`${what} function`, m.function.name, c.function.name);
    }
  }

  // ── enums and views ──
  const catalogEnums = new Map(catalog.enums.map((e) => [keyOf(e), e]));
  for (const key of [...new Set([...model.enums.keys(), ...catalogEnums.keys()])].sort()) {
    const m = model.enums.get(key);
    const c = catalogEnums.get(key);
    if (!m) out.push(`enum ${key}: in the catalog, not in the model`);
    else if (!c) out.push(`enum ${key}: in the model, not in the catalog`);
    else if (!same(m.values, c.values)) diff(`enum ${key} values`, list(m.values), list(c.values));
  }
  const catalogViews = new Map(catalog.views.map((v) => [keyOf(v), v]));
  for (const key of [...new Set([...model.views.keys(), ...catalogViews.keys()])].sort()) {
    const m = model.views.get(key);
    const c = catalogViews.get(key);
    if (!m) out.push(`view ${key}: in the catalog, not in the model`);
    else if (!c) out.push(`view ${key}: in the model, not in the catalog`);
    else if (m.materialized !== c.materialized)
      diff(`view ${key} materialized`, String(m.materialized), String(c.materialized));
  }
  return out;
}

type Diff = (what: string, modelSays: string, catalogSays: string) => void;

function compareTable(key: string, m: Table, c: CatalogTable, diff: Diff): void {
  if (m.kind !== c.kind) diff(`table ${key} kind`, m.kind, c.kind);
  if (m.unlogged !== c.unlogged) diff(`table ${key} unlogged`, String(m.unlogged), String(c.unlogged));
  if (m.rls.enabled !== c.rlsEnabled)
    diff(`table ${key} row level security`, String(m.rls.enabled), String(c.rlsEnabled));
  if (m.rls.forced !== c.rlsForced)
    diff(`table ${key} forced row level security`, String(m.rls.forced), String(c.rlsForced));
  const mNames = m.columns.map((x) => x.name);
  const cNames = c.columns.map((x) => x.name);
  if (!same(mNames, cNames)) {
    if (sameSet(mNames, cNames)) diff(`table ${key} column order`, list(mNames), list(cNames));
    else {
      const missing = cNames.filter((n) => !mNames.includes(n));
      const extra = mNames.filter((n) => !cNames.includes(n));
      if (missing.length > 0) diff(`table ${key} columns`, `lacks ${list(missing)}`, 'has them');
      if (extra.length > 0) diff(`table ${key} columns`, `has ${list(extra)}`, 'lacks them');
    }
  }
  const byName = new Map(c.columns.map((x) => [x.name, x]));
  for (const col of m.columns) {
    const cc = byName.get(col.name);
    if (cc) compareColumn(`column ${key}.${col.name}`, col, cc, diff);
  }
}

function compareColumn(what: string, m: Column, c: CatalogColumn, diff: Diff): void {
  if (m.type.name !== 'unknown') {
    const mt = modelType(m.type);
    const ct = catalogType(c);
    if (mt !== ct) diff(`${what} type`, mt, `${ct} (${c.formatted})`);
  }
  if (m.notNull !== c.notNull) diff(`${what} NOT NULL`, String(m.notNull), String(c.notNull));
  const modelDefault = m.default !== undefined || m.serial !== undefined;
  const catalogDefault = c.default !== undefined;
  if (modelDefault !== catalogDefault)
    diff(
      `${what} default`,
      modelDefault ? (m.default ?? m.serial ?? 'present') : 'none',
      catalogDefault ? c.default! : 'none',
    );
  if ((m.identity ?? 'none') !== (c.identity ?? 'none'))
    diff(`${what} identity`, m.identity ?? 'none', c.identity ?? 'none');
  if (!!m.generated !== (c.generated !== undefined))
    diff(`${what} generated`, m.generated ? 'yes' : 'no', c.generated ?? 'no');
}

function elementText(e: { column?: string; expression?: string; descending?: boolean }): string {
  return (e.column ?? (e.expression !== undefined ? '<expression>' : '?')) + (e.descending ? ' desc' : '');
}

function compareIndex(what: string, m: Index, c: CatalogIndex, diff: Diff): void {
  if (keyOf(m.table) !== keyOf(c.table)) diff(`${what} table`, keyOf(m.table), keyOf(c.table));
  if (m.method !== c.method) diff(`${what} method`, m.method, c.method);
  if (m.unique !== c.unique) diff(`${what} unique`, String(m.unique), String(c.unique));
  if (!!m.nullsNotDistinct !== c.nullsNotDistinct)
    diff(`${what} NULLS NOT DISTINCT`, String(!!m.nullsNotDistinct), String(c.nullsNotDistinct));
  const me = m.elements.map(elementText);
  const ce = c.elements.map(elementText);
  if (!same(me, ce)) diff(`${what} elements`, list(me), `${list(ce)} (${c.definition})`);
  if (!same(m.include, c.include)) diff(`${what} INCLUDE`, list(m.include), list(c.include));
  const mPred = m.predicateNode !== undefined || m.predicateText !== undefined;
  if (mPred !== (c.predicate !== undefined))
    diff(`${what} predicate`, mPred ? 'present' : 'absent', c.predicate ?? 'absent');
  if ((m.constraint ?? '') !== (c.constraint ?? ''))
    diff(`${what} backs constraint`, m.constraint ?? 'none', c.constraint ?? 'none');
}

function compareConstraint(what: string, m: Constraint, c: CatalogConstraint, diff: Diff): void {
  if (m.kind !== c.kind) {
    diff(`${what} kind`, m.kind, c.kind);
    return;
  }
  if (m.kind === 'check') {
    if (m.checkColumns && !sameSet(m.checkColumns, c.columns))
      diff(`${what} columns`, list(m.checkColumns), `${list(c.columns)} (${c.definition})`);
  } else if (m.kind !== 'exclude' && !same(m.columns, c.columns)) {
    diff(`${what} columns`, list(m.columns), list(c.columns));
  }
  if (m.kind === 'foreign key' && c.references) {
    const mt = m.references ? keyOf(m.references.table) : '?';
    if (mt !== keyOf(c.references.table)) diff(`${what} references`, mt, keyOf(c.references.table));
    // REFERENCES t without columns means t's primary key, which the model may leave empty.
    const mc = m.references?.columns ?? [];
    if (mc.length > 0 && !same(mc, c.references.columns))
      diff(`${what} referenced columns`, list(mc), list(c.references.columns));
    const onDelete = m.onDelete ?? 'no action';
    if (onDelete !== c.onDelete) diff(`${what} ON DELETE`, onDelete, c.onDelete ?? '?');
    const onUpdate = m.onUpdate ?? 'no action';
    if (onUpdate !== c.onUpdate) diff(`${what} ON UPDATE`, onUpdate, c.onUpdate ?? '?');
  }
  if (m.notValid === c.validated) diff(`${what} NOT VALID`, String(m.notValid), String(!c.validated));
  if (!!m.deferrable !== c.deferrable)
    diff(`${what} DEFERRABLE`, String(!!m.deferrable), String(c.deferrable));
}
