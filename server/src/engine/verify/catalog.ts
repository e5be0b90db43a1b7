/**
 * What PostgreSQL itself says the schema is: a plain-data snapshot of the catalog (pg_catalog) of a
 * database the migrations ran in. It is the oracle for the engine's model: `compare.ts` lists
 * every difference between the two.
 *
 * Only user objects are read: system schemas, TOAST and temporary schemas, and objects that belong
 * to an extension are left out.
 */

/** The one method of PGlite (or any client) the snapshot needs. */
export interface CatalogClient {
  query<T>(sql: string): Promise<{ rows: T[] }>;
}

export interface CatalogColumn {
  name: string;
  /** `format_type`: `character varying(255)`, `integer[]`, `timestamp(3) with time zone`. */
  formatted: string;
  /** The type's own name (`int4`, `varchar`, `my_enum`); the element's name for an array. */
  typeName: string;
  typeSchema: string;
  isArray: boolean;
  /** Type modifiers as `format_type` shows them: `varchar(255)` → [255], `numeric(12,2)` → [12, 2]. */
  modifiers: number[];
  notNull: boolean;
  /** The default expression (`pg_get_expr`); undefined for none, and for a generated column. */
  default?: string;
  identity?: 'always' | 'by default';
  /** `stored` or `virtual` for GENERATED ALWAYS AS (…). */
  generated?: 'stored' | 'virtual';
}

export interface CatalogTable {
  schema: string;
  name: string;
  kind: 'table' | 'partitioned table' | 'foreign table';
  isPartition: boolean;
  unlogged: boolean;
  rlsEnabled: boolean;
  rlsForced: boolean;
  columns: CatalogColumn[];
}

export interface CatalogIndexElement {
  /** The column, when the element is a plain column. */
  column?: string;
  /** The deparsed expression, when it is one. */
  expression?: string;
  descending: boolean;
}

export interface CatalogIndex {
  schema: string;
  name: string;
  table: { schema: string; name: string };
  unique: boolean;
  primary: boolean;
  nullsNotDistinct: boolean;
  method: string;
  /** Key elements (not the INCLUDE columns). */
  elements: CatalogIndexElement[];
  include: string[];
  predicate?: string;
  /** The PRIMARY KEY, UNIQUE or EXCLUDE constraint the index backs. */
  constraint?: string;
  /** An index PostgreSQL created on a partition for an index of its parent. */
  partitionClone: boolean;
  definition: string;
}

export type CatalogConstraintKind = 'primary key' | 'unique' | 'foreign key' | 'check' | 'exclude';
export type CatalogFkAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

export interface CatalogConstraint {
  table: { schema: string; name: string };
  name: string;
  kind: CatalogConstraintKind;
  columns: string[];
  validated: boolean;
  deferrable: boolean;
  references?: { table: { schema: string; name: string }; columns: string[] };
  onDelete?: CatalogFkAction;
  onUpdate?: CatalogFkAction;
  /** Defined on the table itself (false when only inherited). */
  local: boolean;
  /** A constraint PostgreSQL cloned onto a partition from its parent's. */
  partitionClone: boolean;
  definition: string;
}

export type CatalogPolicyCommand = 'all' | 'select' | 'insert' | 'update' | 'delete';

export interface CatalogPolicy {
  table: { schema: string; name: string };
  name: string;
  command: CatalogPolicyCommand;
  permissive: boolean;
  roles: string[];
  using?: string;
  withCheck?: string;
}

export interface CatalogTrigger {
  table: { schema: string; name: string };
  name: string;
  timing: 'before' | 'after' | 'instead of';
  events: ('insert' | 'update' | 'delete' | 'truncate')[];
  forEachRow: boolean;
  function: { schema: string; name: string };
  partitionClone: boolean;
}

export interface CatalogEnum {
  schema: string;
  name: string;
  values: string[];
}

export interface CatalogView {
  schema: string;
  name: string;
  materialized: boolean;
}

export interface CatalogSnapshot {
  tables: CatalogTable[];
  indexes: CatalogIndex[];
  constraints: CatalogConstraint[];
  policies: CatalogPolicy[];
  triggers: CatalogTrigger[];
  enums: CatalogEnum[];
  views: CatalogView[];
}

/** Namespaces that are never the user's. */
const USER_NAMESPACE = `n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;

/** Not created by an extension (CREATE EXTENSION records `e` dependencies for its members). */
const notFromExtension = (catalog: string, oid: string): string =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

/** Relations the snapshot describes: tables, partitioned tables and foreign tables of user schemas. */
const USER_TABLES = `SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'f') AND c.relpersistence <> 't' AND ${USER_NAMESPACE}
    AND ${notFromExtension('pg_class', 'c.oid')}`;

const TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind, c.relispartition AS "isPartition",
  c.relpersistence = 'u' AS unlogged, c.relrowsecurity AS "rlsEnabled", c.relforcerowsecurity AS "rlsForced",
  coalesce((
    SELECT json_agg(json_build_object(
      'name', a.attname,
      'formatted', format_type(a.atttypid, a.atttypmod),
      'typeName', CASE WHEN t.typcategory = 'A' AND et.oid IS NOT NULL THEN et.typname ELSE t.typname END,
      'typeSchema', CASE WHEN t.typcategory = 'A' AND et.oid IS NOT NULL THEN etn.nspname ELSE tn.nspname END,
      'isArray', t.typcategory = 'A' AND et.oid IS NOT NULL,
      'notNull', a.attnotnull,
      'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
      'identity', a.attidentity,
      'generated', a.attgenerated
    ) ORDER BY a.attnum)
    FROM pg_attribute a
    JOIN pg_type t ON t.oid = a.atttypid
    JOIN pg_namespace tn ON tn.oid = t.typnamespace
    LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
    LEFT JOIN pg_namespace etn ON etn.oid = et.typnamespace
    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  ), '[]'::json) AS columns
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid IN (${USER_TABLES})
ORDER BY n.nspname, c.relname`;

const INDEXES_SQL = `
SELECT n.nspname AS schema, ic.relname AS name, tn.nspname AS "tableSchema", tc.relname AS "tableName",
  i.indisunique AS unique, i.indisprimary AS primary, i.indnullsnotdistinct AS "nullsNotDistinct",
  am.amname AS method, pg_get_expr(i.indpred, i.indrelid) AS predicate, ic.relispartition AS "partitionClone",
  pg_get_indexdef(i.indexrelid) AS definition,
  (SELECT con.conname FROM pg_constraint con
    WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
    LIMIT 1) AS constraint,
  coalesce((
    SELECT json_agg(json_build_object(
      'column', a.attname,
      'expression', CASE WHEN i.indkey[k - 1] = 0 THEN pg_get_indexdef(i.indexrelid, k, true) END,
      'descending', k <= i.indnkeyatts AND (i.indoption[k - 1] & 1) = 1,
      'key', k <= i.indnkeyatts
    ) ORDER BY k)
    FROM generate_series(1, i.indnatts) AS k
    LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1] AND i.indkey[k - 1] <> 0
  ), '[]'::json) AS elements
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
JOIN pg_class tc ON tc.oid = i.indrelid
JOIN pg_namespace tn ON tn.oid = tc.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE i.indrelid IN (${USER_TABLES})
ORDER BY n.nspname, ic.relname`;

const CONSTRAINTS_SQL = `
SELECT n.nspname AS "tableSchema", c.relname AS "tableName", con.conname AS name, con.contype AS kind,
  con.convalidated AS validated, con.condeferrable AS deferrable, con.conislocal AS local,
  con.conparentid <> 0 AS "partitionClone", pg_get_constraintdef(con.oid) AS definition,
  coalesce((SELECT json_agg(a.attname ORDER BY k.o) FROM unnest(con.conkey) WITH ORDINALITY AS k(num, o)
    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num), '[]'::json) AS columns,
  fn.nspname AS "refSchema", fc.relname AS "refName",
  coalesce((SELECT json_agg(a.attname ORDER BY k.o) FROM unnest(con.confkey) WITH ORDINALITY AS k(num, o)
    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num), '[]'::json) AS "refColumns",
  con.confdeltype AS "onDelete", con.confupdtype AS "onUpdate"
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.conrelid IN (${USER_TABLES}) AND con.contype IN ('p', 'u', 'f', 'c', 'x')
ORDER BY n.nspname, c.relname, con.conname`;

const POLICIES_SQL = `
SELECT n.nspname AS "tableSchema", c.relname AS "tableName", pol.polname AS name, pol.polcmd AS command,
  pol.polpermissive AS permissive,
  coalesce((SELECT json_agg(CASE WHEN r.oid = 0 THEN 'public' ELSE (SELECT rolname FROM pg_roles WHERE oid = r.oid) END)
    FROM unnest(pol.polroles) AS r(oid)), '[]'::json) AS roles,
  pg_get_expr(pol.polqual, pol.polrelid) AS using, pg_get_expr(pol.polwithcheck, pol.polrelid) AS "withCheck"
FROM pg_policy pol
JOIN pg_class c ON c.oid = pol.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE pol.polrelid IN (${USER_TABLES})
ORDER BY n.nspname, c.relname, pol.polname`;

const TRIGGERS_SQL = `
SELECT n.nspname AS "tableSchema", c.relname AS "tableName", tg.tgname AS name, tg.tgtype AS type,
  tg.tgparentid <> 0 AS "partitionClone", pn.nspname AS "functionSchema", p.proname AS "functionName"
FROM pg_trigger tg
JOIN pg_class c ON c.oid = tg.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = tg.tgfoid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE NOT tg.tgisinternal AND tg.tgrelid IN (${USER_TABLES})
ORDER BY n.nspname, c.relname, tg.tgname`;

const ENUMS_SQL = `
SELECT n.nspname AS schema, t.typname AS name,
  coalesce((SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),
    '[]'::json) AS values
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND ${USER_NAMESPACE} AND ${notFromExtension('pg_type', 't.oid')}
ORDER BY n.nspname, t.typname`;

const VIEWS_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind = 'm' AS materialized
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND ${USER_NAMESPACE} AND ${notFromExtension('pg_class', 'c.oid')}
ORDER BY n.nspname, c.relname`;

const FK_ACTIONS: Record<string, CatalogFkAction> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

const CONSTRAINT_KINDS: Record<string, CatalogConstraintKind> = {
  p: 'primary key',
  u: 'unique',
  f: 'foreign key',
  c: 'check',
  x: 'exclude',
};

const POLICY_COMMANDS: Record<string, CatalogPolicyCommand> = {
  '*': 'all',
  r: 'select',
  a: 'insert',
  w: 'update',
  d: 'delete',
};

const TABLE_KINDS: Record<string, CatalogTable['kind']> = {
  r: 'table',
  p: 'partitioned table',
  f: 'foreign table',
};

/** `character varying(255)[]` → [255]; `timestamp(3) with time zone` → [3]; `text` → []. */
export function formattedModifiers(formatted: string): number[] {
  const m = /\(([\d\s,]+)\)/.exec(formatted);
  return m ? m[1].split(',').map((s) => Number(s.trim())) : [];
}

interface RawColumn extends Omit<CatalogColumn, 'modifiers' | 'identity' | 'generated' | 'default'> {
  default: string | null;
  identity: string;
  generated: string;
}

/** Reads the catalog of the database `db` is connected to. */
export async function catalogSnapshot(db: CatalogClient): Promise<CatalogSnapshot> {
  const rows = async <T>(sql: string): Promise<T[]> => (await db.query<T>(sql)).rows;

  const tables = (
    await rows<Omit<CatalogTable, 'columns' | 'kind'> & { kind: string; columns: RawColumn[] }>(TABLES_SQL)
  ).map((t): CatalogTable => ({
    schema: t.schema,
    name: t.name,
    kind: TABLE_KINDS[t.kind] ?? 'table',
    isPartition: t.isPartition,
    unlogged: t.unlogged,
    rlsEnabled: t.rlsEnabled,
    rlsForced: t.rlsForced,
    columns: t.columns.map((c) => ({
      name: c.name,
      formatted: c.formatted,
      typeName: c.typeName,
      typeSchema: c.typeSchema,
      isArray: c.isArray,
      modifiers: formattedModifiers(c.formatted),
      notNull: c.notNull,
      ...(c.default !== null ? { default: c.default } : {}),
      ...(c.identity === 'a' ? { identity: 'always' } : c.identity === 'd' ? { identity: 'by default' } : {}),
      ...(c.generated === 's'
        ? { generated: 'stored' }
        : c.generated === 'v'
          ? { generated: 'virtual' }
          : {}),
    })),
  }));

  type RawIndex = Omit<CatalogIndex, 'table' | 'elements' | 'include' | 'predicate' | 'constraint'> & {
    tableSchema: string;
    tableName: string;
    predicate: string | null;
    constraint: string | null;
    elements: { column: string | null; expression: string | null; descending: boolean; key: boolean }[];
  };
  const indexes = (await rows<RawIndex>(INDEXES_SQL)).map((i): CatalogIndex => ({
    schema: i.schema,
    name: i.name,
    table: { schema: i.tableSchema, name: i.tableName },
    unique: i.unique,
    primary: i.primary,
    nullsNotDistinct: i.nullsNotDistinct,
    method: i.method,
    elements: i.elements
      .filter((e) => e.key)
      .map((e) => ({
        ...(e.column !== null ? { column: e.column } : {}),
        ...(e.expression !== null ? { expression: e.expression } : {}),
        descending: e.descending,
      })),
    include: i.elements.filter((e) => !e.key).map((e) => e.column ?? e.expression ?? ''),
    ...(i.predicate !== null ? { predicate: i.predicate } : {}),
    ...(i.constraint !== null ? { constraint: i.constraint } : {}),
    partitionClone: i.partitionClone,
    definition: i.definition,
  }));

  interface RawConstraint {
    tableSchema: string;
    tableName: string;
    name: string;
    kind: string;
    validated: boolean;
    deferrable: boolean;
    local: boolean;
    partitionClone: boolean;
    definition: string;
    columns: string[];
    refSchema: string | null;
    refName: string | null;
    refColumns: string[];
    onDelete: string;
    onUpdate: string;
  }
  const constraints = (await rows<RawConstraint>(CONSTRAINTS_SQL)).map((c): CatalogConstraint => ({
    table: { schema: c.tableSchema, name: c.tableName },
    name: c.name,
    kind: CONSTRAINT_KINDS[c.kind],
    columns: c.columns,
    validated: c.validated,
    deferrable: c.deferrable,
    local: c.local,
    partitionClone: c.partitionClone,
    definition: c.definition,
    ...(c.kind === 'f' && c.refSchema !== null && c.refName !== null
      ? {
          references: { table: { schema: c.refSchema, name: c.refName }, columns: c.refColumns },
          onDelete: FK_ACTIONS[c.onDelete],
          onUpdate: FK_ACTIONS[c.onUpdate],
        }
      : {}),
  }));

  interface RawPolicy {
    tableSchema: string;
    tableName: string;
    name: string;
    command: string;
    permissive: boolean;
    roles: (string | null)[];
    using: string | null;
    withCheck: string | null;
  }
  const policies = (await rows<RawPolicy>(POLICIES_SQL)).map((p): CatalogPolicy => ({
    table: { schema: p.tableSchema, name: p.tableName },
    name: p.name,
    command: POLICY_COMMANDS[p.command] ?? 'all',
    permissive: p.permissive,
    roles: p.roles.map((r) => r ?? '?'),
    ...(p.using !== null ? { using: p.using } : {}),
    ...(p.withCheck !== null ? { withCheck: p.withCheck } : {}),
  }));

  interface RawTrigger {
    tableSchema: string;
    tableName: string;
    name: string;
    type: number;
    partitionClone: boolean;
    functionSchema: string;
    functionName: string;
  }
  const triggers = (await rows<RawTrigger>(TRIGGERS_SQL)).map((t): CatalogTrigger => {
    // pg_trigger.tgtype bits (TRIGGER_TYPE_* in catalog/pg_trigger.h).
    const events: CatalogTrigger['events'] = [];
    if (t.type & 4) events.push('insert');
    if (t.type & 8) events.push('delete');
    if (t.type & 16) events.push('update');
    if (t.type & 32) events.push('truncate');
    return {
      table: { schema: t.tableSchema, name: t.tableName },
      name: t.name,
      timing: t.type & 64 ? 'instead of' : t.type & 2 ? 'before' : 'after',
      events,
      forEachRow: (t.type & 1) === 1,
      function: { schema: t.functionSchema, name: t.functionName },
      partitionClone: t.partitionClone,
    };
  });

  const enums = await rows<CatalogEnum>(ENUMS_SQL);
  const views = await rows<CatalogView>(VIEWS_SQL);
  return { tables, indexes, constraints, policies, triggers, enums, views };
}

/** The snapshot without the objects of `baseline` (what a platform preamble created before the migrations). */
export function withoutBaseline(snapshot: CatalogSnapshot, baseline: CatalogSnapshot): CatalogSnapshot {
  const tableKeys = new Set(baseline.tables.map((t) => `${t.schema}.${t.name}`));
  const onBaselineTable = (x: { table: { schema: string; name: string } }): boolean =>
    tableKeys.has(`${x.table.schema}.${x.table.name}`);
  const named = (list: readonly { schema: string; name: string }[]): Set<string> =>
    new Set(list.map((x) => `${x.schema}.${x.name}`));
  const enumKeys = named(baseline.enums);
  const viewKeys = named(baseline.views);
  return {
    tables: snapshot.tables.filter((t) => !tableKeys.has(`${t.schema}.${t.name}`)),
    indexes: snapshot.indexes.filter((i) => !onBaselineTable(i)),
    constraints: snapshot.constraints.filter((c) => !onBaselineTable(c)),
    policies: snapshot.policies.filter((p) => !onBaselineTable(p)),
    triggers: snapshot.triggers.filter((t) => !onBaselineTable(t)),
    enums: snapshot.enums.filter((e) => !enumKeys.has(`${e.schema}.${e.name}`)),
    views: snapshot.views.filter((v) => !viewKeys.has(`${v.schema}.${v.name}`)),
  };
}
