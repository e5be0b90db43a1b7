/**
 * Builds the schema model from SQL: the statements of a group of files are applied in order, the
 * way PostgreSQL would run them. What the model cannot know (a table created by a file outside the
 * group) is skipped quietly: the model describes what the files say, and rules stay silent about
 * what they cannot see.
 */
import type { SourceRange } from '../findings';
import type { ParsedSql, PgNode, SqlStatement } from '../parse/sql';
import { nodeOffset } from '../parse/sql';
import { lazy, StatementText } from './ranges';
import {
  emptyModel,
  key,
  tableKey,
  type Column,
  type ColumnType,
  type Constraint,
  type FkAction,
  type Index,
  type IndexElement,
  type Origin,
  type PolicyCommand,
  type QualifiedName,
  type SchemaModel,
  type Table,
  type TriggerEvent,
} from './schema';

export interface SqlModelInput {
  path: string;
  parsed: ParsedSql;
}

export function buildSqlModel(files: readonly SqlModelInput[]): SchemaModel {
  const builder = new SqlModelBuilder();
  for (const f of files) builder.applyFile(f.path, f.parsed);
  return builder.model;
}

/** Type names as PostgreSQL's catalog spells them, from the names users write. */
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
  character: 'bpchar',
  char: 'bpchar',
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

export function strings(list: PgNode[] | undefined): string[] {
  return (list ?? []).map((n) => (n.String?.sval as string | undefined) ?? '').filter((s) => s !== '');
}

/** Columns an expression reads (the last name of every column reference). */
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
    for (const v of Object.values(obj)) walk(v);
  };
  walk(node);
  return [...out];
}

export function typeFromNode(typeName: PgNode): Omit<ColumnType, 'range'> & { serial?: Column['serial'] } {
  const names = strings(typeName.names);
  let schema: string | undefined;
  let raw = names[names.length - 1] ?? 'unknown';
  if (names.length > 1 && names[0] !== 'pg_catalog') schema = names[0];
  const modifiers = (typeName.typmods ?? [])
    .map((m: PgNode) => m.A_Const?.ival?.ival as number | undefined)
    .filter((v: number | undefined): v is number => typeof v === 'number');
  const serial = names.length === 1 ? SERIALS[raw] : undefined;
  raw = TYPE_ALIASES[raw] ?? raw;
  const arrayDims = (typeName.arrayBounds ?? []).length;
  const base = TYPE_DISPLAY[raw] ?? raw;
  const written =
    (serial ?? base) + (modifiers.length > 0 ? `(${modifiers.join(', ')})` : '') + '[]'.repeat(arrayDims);
  return {
    name: raw,
    ...(schema ? { schema } : {}),
    modifiers,
    arrayDims,
    written,
    ...(serial ? { serial } : {}),
  };
}

class SqlModelBuilder {
  readonly model = emptyModel();
  private searchPath = ['public'];
  private file = '';
  private parsed!: ParsedSql;

  applyFile(path: string, parsed: ParsedSql): void {
    this.file = path;
    this.parsed = parsed;
    // Each file starts with the server's default search_path, as each migration runs in a session.
    this.searchPath = ['public'];
    for (const stmt of parsed.statements) {
      try {
        this.apply(stmt);
      } catch {
        // A statement the model does not understand must not stop the rest of the file.
      }
    }
  }

  private apply(stmt: SqlStatement): void {
    const n = stmt.node[stmt.kind] as PgNode;
    const st = new StatementText(this.file, this.parsed, stmt);
    switch (stmt.kind) {
      case 'CreateStmt':
        return this.createTable(n, st);
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
      case 'CreateTrigStmt':
        return this.createTrigger(n, st);
      case 'CreateEnumStmt': {
        const q = this.qualifyList(strings(n.typeName));
        this.model.enums.set(key(q.schema, q.name), {
          ...q,
          values: strings(n.vals),
          origin: this.origin(st),
        });
        return;
      }
      case 'AlterEnumStmt': {
        const e = this.model.enums.get(tableKey(this.resolveList(strings(n.typeName), this.model.enums)));
        if (e && n.newVal && !e.values.includes(n.newVal)) e.values.push(n.newVal);
        return;
      }
      case 'CreateDomainStmt': {
        const q = this.qualifyList(strings(n.domainname));
        const constraints = (n.constraints ?? []).map((c: PgNode) => c.Constraint);
        this.model.domains.set(key(q.schema, q.name), {
          ...q,
          baseType: { ...typeFromNode(n.typeName) },
          notNull: constraints.some((c: PgNode) => c.contype === 'CONSTR_NOTNULL'),
          checks: constraints
            .filter((c: PgNode) => c.contype === 'CONSTR_CHECK')
            .map((c: PgNode) => ({ node: c.raw_expr })),
          origin: this.origin(st),
        });
        return;
      }
      case 'CreateFunctionStmt':
        return this.createFunction(n, st);
      case 'ViewStmt': {
        const q = this.qualify(n.view);
        this.model.views.set(key(q.schema, q.name), { ...q, materialized: false, origin: this.origin(st) });
        return;
      }
      case 'CreateTableAsStmt': {
        const q = this.qualify(n.into.rel);
        if (n.objtype === 'OBJECT_MATVIEW') {
          this.model.views.set(key(q.schema, q.name), { ...q, materialized: true, origin: this.origin(st) });
        }
        return;
      }
      case 'CreateSchemaStmt':
        if (n.schemaname) this.model.schemas.add(n.schemaname);
        return;
      case 'CreateExtensionStmt':
        this.model.extensions.add(n.extname);
        return;
      case 'CreateSeqStmt': {
        const q = this.qualify(n.sequence);
        this.model.sequences.set(key(q.schema, q.name), { ...q, origin: this.origin(st) });
        return;
      }
      case 'CommentStmt':
        return this.comment(n);
      case 'VariableSetStmt':
        if (n.name === 'search_path' && n.kind === 'VAR_SET_VALUE') {
          this.setSearchPath((n.args ?? []).map((a: PgNode) => a.A_Const?.sval?.sval ?? '').join(','));
        }
        return;
      case 'SelectStmt':
        return this.selectSetConfig(n);
      case 'AlterObjectSchemaStmt':
        if (n.objectType === 'OBJECT_TABLE' && n.relation) this.moveTable(n.relation, n.newschema);
        return;
      default:
        return;
    }
  }

  // ── names ──────────────────────────────────────────────────────────────────────────────────

  private setSearchPath(value: string): void {
    const schemas = value
      .split(',')
      .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
      .filter((s) => s !== '' && s !== '$user');
    this.searchPath = schemas;
  }

  /** pg_dump writes `SELECT pg_catalog.set_config('search_path', '', false);`. */
  private selectSetConfig(n: PgNode): void {
    for (const target of n.targetList ?? []) {
      const call = target.ResTarget?.val?.FuncCall;
      if (!call) continue;
      const fname = strings(call.funcname);
      if (fname[fname.length - 1] !== 'set_config') continue;
      const [name, value] = (call.args ?? []).map((a: PgNode) => a.A_Const?.sval?.sval as string | undefined);
      if (name === 'search_path' && value !== undefined) this.setSearchPath(value);
    }
  }

  private creationSchema(): string {
    return this.searchPath[0] ?? 'public';
  }

  /** The name a CREATE gives: explicit schema, or the first schema of the search_path. */
  private qualify(rv: PgNode): QualifiedName {
    return { schema: rv.schemaname ?? this.creationSchema(), name: rv.relname };
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
    for (const schema of [...this.searchPath, 'public']) {
      if (map.has(key(schema, name))) return { schema, name };
    }
    return { schema: this.creationSchema(), name };
  }

  private table(rv: PgNode): Table | undefined {
    return this.model.tables.get(tableKey(this.resolve(rv)));
  }

  private origin(st: StatementText, at?: number, range?: () => SourceRange): Origin {
    const o = { statement: st.range } as Origin;
    if (range) lazy(o, 'range', range);
    else if (at !== undefined) lazy(o, 'range', () => st.elementRange(at));
    else o.range = st.range;
    return o;
  }

  private offset(st: StatementText, location: number | undefined): number {
    return nodeOffset(this.parsed, st.stmt, location);
  }

  // ── tables ─────────────────────────────────────────────────────────────────────────────────

  private createTable(n: PgNode, st: StatementText): void {
    const q = this.qualify(n.relation);
    const k = key(q.schema, q.name);
    if (this.model.tables.has(k) && n.if_not_exists) return;
    const partitionOf =
      n.partbound && n.inhRelations?.[0] ? this.resolve(n.inhRelations[0].RangeVar) : undefined;
    const table: Table = {
      ...q,
      kind: n.partspec ? 'partitioned table' : 'table',
      columns: [],
      constraints: [],
      inherits: partitionOf ? [] : (n.inhRelations ?? []).map((r: PgNode) => this.resolve(r.RangeVar)),
      temporary: n.relation.relpersistence === 't',
      unlogged: n.relation.relpersistence === 'u',
      rls: { enabled: false, forced: false },
      origin: this.origin(st),
      statements: [st.range],
      ...(partitionOf ? { partitionOf } : {}),
    };
    if (n.partspec) {
      table.partitionBy = {
        strategy: String(n.partspec.strategy).replace('PARTITION_STRATEGY_', '').toLowerCase() as 'range',
        columns: (n.partspec.partParams ?? [])
          .map((p: PgNode) => p.PartitionElem?.name as string | undefined)
          .filter((x: string | undefined): x is string => !!x),
      };
    }
    this.model.schemas.add(q.schema);
    this.model.tables.set(k, table);
    if (partitionOf) {
      // A partition has its parent's columns; PostgreSQL copies them at creation.
      const parent = this.model.tables.get(tableKey(partitionOf));
      if (parent) table.columns.push(...parent.columns.map((c) => ({ ...c })));
    }
    for (const el of n.tableElts ?? []) {
      if (el.ColumnDef) this.addColumn(table, el.ColumnDef, st);
      else if (el.Constraint) this.addConstraint(table, el.Constraint, st, false);
      else if (el.TableLikeClause) {
        const source = this.table(el.TableLikeClause.relation);
        if (source) table.columns.push(...source.columns.map((c) => ({ ...c })));
      }
    }
  }

  private addColumn(table: Table, def: PgNode, st: StatementText): void {
    const at = this.offset(st, def.location);
    const t = typeFromNode(def.typeName);
    const { serial, ...typeFields } = t;
    const typeAt = this.offset(st, def.typeName.location);
    const type: ColumnType = { ...typeFields };
    lazy(type, 'range', () => st.typeRange(typeAt));
    const nameLength =
      /^"(?:[^"]|"")*"|^[^\s(]+/.exec(st.text(at, at + 200))?.[0].length ?? def.colname.length;
    const column: Column = {
      name: def.colname,
      type,
      notNull: !!serial,
      origin: this.origin(st, at),
      nameRange: st.range_(at, at + nameLength),
      ...(serial ? { serial } : {}),
    };
    const existing = table.columns.findIndex((c) => c.name === column.name);
    if (existing >= 0) table.columns.splice(existing, 1, column);
    else table.columns.push(column);
    for (const c of def.constraints ?? []) this.applyColumnConstraint(table, column, c.Constraint, st);
    if (def.raw_default) this.setDefault(column, def.raw_default, st);
  }

  private applyColumnConstraint(table: Table, column: Column, c: PgNode, st: StatementText): void {
    switch (c.contype) {
      case 'CONSTR_NOTNULL':
        column.notNull = true;
        return;
      case 'CONSTR_NULL':
        column.notNull = false;
        return;
      case 'CONSTR_DEFAULT':
        this.setDefault(column, c.raw_expr, st, this.offset(st, c.location));
        return;
      case 'CONSTR_IDENTITY':
        column.identity = c.generated_when === 'a' ? 'always' : 'by default';
        column.notNull = true;
        return;
      case 'CONSTR_GENERATED':
        column.generated = true;
        return;
      case 'CONSTR_PRIMARY':
        column.notNull = true;
        this.addConstraint(table, { ...c, keys: [{ String: { sval: column.name } }] }, st, true);
        return;
      case 'CONSTR_UNIQUE':
        this.addConstraint(table, { ...c, keys: [{ String: { sval: column.name } }] }, st, true);
        return;
      case 'CONSTR_FOREIGN':
        this.addConstraint(table, { ...c, fk_attrs: [{ String: { sval: column.name } }] }, st, true);
        return;
      case 'CONSTR_CHECK':
        this.addConstraint(table, c, st, true, column.name);
        return;
      default:
        return;
    }
  }

  private setDefault(column: Column, expr: PgNode, st: StatementText, constraintAt?: number): void {
    column.defaultNode = expr;
    const exprAt = constraintAt ?? this.offset(st, firstLocation(expr));
    lazy(column, 'default', () => {
      // From after DEFAULT to the end of the clause.
      const tokens = st.tokens;
      let i = st.tokenIndexAt(exprAt);
      if (tokens[i]?.text.toUpperCase() === 'DEFAULT') i++;
      const start = tokens[i]?.start ?? exprAt;
      return st.text(start, st.clauseEnd(start)).trim();
    });
  }

  private addConstraint(
    table: Table,
    c: PgNode,
    st: StatementText,
    inline: boolean,
    inlineColumn?: string,
  ): void {
    const at = this.offset(st, c.location);
    const kind = CONSTRAINT_KINDS[c.contype as string];
    if (!kind) return;
    const columns =
      kind === 'foreign key'
        ? strings(c.fk_attrs)
        : kind === 'check'
          ? inlineColumn
            ? [inlineColumn]
            : columnRefs(c.raw_expr)
          : strings(c.keys);
    const constraint: Constraint = {
      kind,
      name: c.conname ?? this.defaultConstraintName(table, kind, columns),
      named: !!c.conname,
      columns,
      inline,
      notValid: !!c.skip_validation,
      origin: this.origin(st, at, inline ? () => this.inlineConstraintRange(st, at) : undefined),
      ...(c.deferrable ? { deferrable: true } : {}),
      ...(c.nulls_not_distinct ? { nullsNotDistinct: true } : {}),
      ...(c.including ? { include: strings(c.including) } : {}),
    };
    if (kind === 'foreign key') {
      const target = this.resolve(c.pktable);
      const refTable = this.model.tables.get(tableKey(target));
      let refColumns = strings(c.pk_attrs);
      if (refColumns.length === 0 && refTable) {
        refColumns = refTable.constraints.find((k) => k.kind === 'primary key')?.columns ?? [];
      }
      constraint.references = { table: target, columns: refColumns };
      const del = FK_ACTIONS[c.fk_del_action as string] ?? 'no action';
      const upd = FK_ACTIONS[c.fk_upd_action as string] ?? 'no action';
      // The parse tree says NO ACTION both when written and when left out: ask the text.
      const written = (action: string) => () => {
        const r = constraint.origin.range;
        return st.hasKeywords(r.start, r.end, ['ON', action]) ? ('no action' as const) : undefined;
      };
      if (del === 'no action') lazy(constraint, 'onDelete', written('DELETE'));
      else constraint.onDelete = del;
      if (upd === 'no action') lazy(constraint, 'onUpdate', written('UPDATE'));
      else constraint.onUpdate = upd;
    }
    if (kind === 'check') {
      constraint.checkNode = c.raw_expr;
      constraint.checkColumns = columnRefs(c.raw_expr);
      lazy(constraint, 'checkText', () => {
        const inner = st.parenthesizedAfter(at);
        return inner ? st.text(inner.start, inner.end).trim() : '';
      });
    }
    if (kind === 'primary key') {
      for (const col of table.columns) if (columns.includes(col.name)) col.notNull = true;
      table.constraints = table.constraints.filter((k) => k.kind !== 'primary key');
    }
    table.constraints.push(constraint);
    if (kind === 'primary key' || kind === 'unique') {
      const indexName = c.indexname as string | undefined;
      if (indexName) {
        // ADD … USING INDEX: the index becomes the constraint's.
        const idx = this.model.indexes.get(key(table.schema, indexName));
        if (idx) {
          this.model.indexes.delete(key(table.schema, indexName));
          idx.name = constraint.name;
          idx.constraint = constraint.name;
          idx.unique = true;
          this.model.indexes.set(key(table.schema, constraint.name), idx);
          if (constraint.columns.length === 0)
            constraint.columns = idx.elements.flatMap((e) => e.column ?? []);
        }
        return;
      }
      this.model.indexes.set(key(table.schema, constraint.name), {
        schema: table.schema,
        name: constraint.name,
        table: { schema: table.schema, name: table.name },
        elements: columns.map((column) => ({ column })),
        include: constraint.include ?? [],
        unique: true,
        method: 'btree',
        concurrently: false,
        constraint: constraint.name,
        origin: constraint.origin,
        ...(constraint.nullsNotDistinct ? { nullsNotDistinct: true } : {}),
      });
    }
  }

  /** An inline constraint runs from its keyword to the next constraint of the column. */
  private inlineConstraintRange(st: StatementText, at: number): SourceRange {
    const tokens = st.tokens;
    let i = st.tokenIndexAt(at);
    const start = tokens[i]?.start ?? at;
    let end = tokens[i]?.end ?? at;
    let depth = 0;
    for (i++; i < tokens.length; i++) {
      const t = tokens[i].text;
      const upper = t.toUpperCase();
      if (depth === 0 && (t === ',' || t === ')' || t === ';')) break;
      if (depth === 0 && INLINE_CONSTRAINT_START.has(upper)) {
        // `NOT NULL` starts a constraint, but `NOT VALID`/`NOT DEFERRABLE` belong to this one.
        const next = tokens[i + 1]?.text.toUpperCase();
        if (!(upper === 'NOT' && (next === 'VALID' || next === 'DEFERRABLE'))) break;
      }
      if (t === '(') depth++;
      else if (t === ')') depth--;
      end = tokens[i].end;
    }
    return st.range_(start, end);
  }

  /** PostgreSQL's naming of constraints without a name: `<table>_<cols>_pkey|key|fkey|check`. */
  private defaultConstraintName(table: Table, kind: Constraint['kind'], columns: string[]): string {
    const suffix = {
      'primary key': 'pkey',
      unique: 'key',
      'foreign key': 'fkey',
      check: 'check',
      exclude: 'excl',
    }[kind];
    const base =
      kind === 'primary key'
        ? table.name
        : [table.name, ...columns.slice(0, kind === 'check' ? 1 : undefined)].join('_');
    const taken = (name: string) =>
      table.constraints.some((c) => c.name === name) || this.model.indexes.has(key(table.schema, name));
    let name = truncateName(`${base}_${suffix}`);
    for (let i = 1; taken(name); i++) name = truncateName(`${base}_${suffix}${i}`);
    return name;
  }

  private alterTable(n: PgNode, st: StatementText): void {
    if (n.objtype && n.objtype !== 'OBJECT_TABLE' && n.objtype !== 'OBJECT_FOREIGN_TABLE') return;
    const table = this.table(n.relation);
    if (!table) return;
    table.statements.push(st.range);
    for (const raw of n.cmds ?? []) {
      const cmd = raw.AlterTableCmd as PgNode;
      const column = cmd.name ? table.columns.find((c) => c.name === cmd.name) : undefined;
      switch (cmd.subtype) {
        case 'AT_AddColumn':
          if (cmd.missing_ok && table.columns.some((c) => c.name === cmd.def.ColumnDef.colname)) break;
          this.addColumn(table, cmd.def.ColumnDef, st);
          break;
        case 'AT_DropColumn':
          if (column) this.dropColumn(table, column.name);
          break;
        case 'AT_AlterColumnType':
          if (column) {
            const typeAt = this.offset(st, cmd.def.ColumnDef.typeName.location);
            const { serial: _serial, ...fields } = typeFromNode(cmd.def.ColumnDef.typeName);
            column.type = { ...fields };
            lazy(column.type, 'range', () => st.typeRange(typeAt));
          }
          break;
        case 'AT_SetNotNull':
          if (column) column.notNull = true;
          break;
        case 'AT_DropNotNull':
          if (column) column.notNull = false;
          break;
        case 'AT_ColumnDefault':
          if (column) {
            if (cmd.def) this.setDefault(column, cmd.def, st);
            else {
              column.default = undefined;
              column.defaultNode = undefined;
            }
          }
          break;
        case 'AT_AddIdentity':
          if (column) {
            column.identity = cmd.def?.Constraint?.generated_when === 'a' ? 'always' : 'by default';
            column.notNull = true;
          }
          break;
        case 'AT_DropIdentity':
          if (column) column.identity = undefined;
          break;
        case 'AT_AddConstraint':
          this.addConstraint(table, cmd.def.Constraint, st, false);
          break;
        case 'AT_DropConstraint':
          this.dropConstraint(table, cmd.name);
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
          table.rls.enabledAt = undefined;
          break;
        case 'AT_ForceRowSecurity':
          table.rls.forced = true;
          table.rls.forcedAt = this.origin(st);
          break;
        case 'AT_NoForceRowSecurity':
          table.rls.forced = false;
          table.rls.forcedAt = undefined;
          break;
        case 'AT_AttachPartition': {
          const part = this.table(cmd.def.PartitionCmd.name);
          if (part) part.partitionOf = { schema: table.schema, name: table.name };
          break;
        }
        case 'AT_DetachPartition': {
          const part = this.table(cmd.def.PartitionCmd.name);
          if (part) part.partitionOf = undefined;
          break;
        }
        default:
          break;
      }
    }
  }

  private dropColumn(table: Table, name: string): void {
    table.columns = table.columns.filter((c) => c.name !== name);
    // PostgreSQL drops the constraints and indexes that depend on the column.
    for (const c of table.constraints.filter((k) => k.columns.includes(name)))
      this.dropConstraint(table, c.name);
    for (const [k, idx] of this.model.indexes) {
      if (tableKey(idx.table) !== tableKey(table)) continue;
      if (idx.elements.some((e) => e.column === name || e.expressionColumns?.includes(name))) {
        this.model.indexes.delete(k);
      }
    }
  }

  private dropConstraint(table: Table, name: string): void {
    table.constraints = table.constraints.filter((c) => c.name !== name);
    const idx = this.model.indexes.get(key(table.schema, name));
    if (idx?.constraint === name) this.model.indexes.delete(key(table.schema, name));
  }

  private moveTable(rv: PgNode, newSchema: string): void {
    const table = this.table(rv);
    if (!table) return;
    this.model.tables.delete(tableKey(table));
    const from = tableKey(table);
    table.schema = newSchema;
    this.model.tables.set(tableKey(table), table);
    for (const idx of this.model.indexes.values()) if (tableKey(idx.table) === from) idx.table = table;
  }

  // ── indexes ────────────────────────────────────────────────────────────────────────────────

  private createIndex(n: PgNode, st: StatementText): void {
    const target = this.resolve(n.relation);
    const table = this.model.tables.get(tableKey(target));
    const elements: IndexElement[] = (n.indexParams ?? []).map((p: PgNode) => {
      const e = p.IndexElem as PgNode;
      const el: IndexElement = {};
      if (e.name) el.column = e.name;
      else if (e.expr) {
        el.expressionColumns = columnRefs(e.expr);
        el.expressionKey = exprSummary(e.expr);
        const at = this.offset(st, firstLocation(e.expr));
        lazy(el, 'expression', () => st.text(at, st.elementRange(at).end).trim());
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
        elements.map((e) => e.column ?? e.expressionColumns?.[0] ?? 'expr'),
      );
    const k = key(target.schema, name);
    if (n.if_not_exists && this.model.indexes.has(k)) return;
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
      ...(n.nulls_not_distinct ? { nullsNotDistinct: true } : {}),
    };
    if (n.whereClause) {
      index.predicateNode = n.whereClause;
      lazy(index, 'predicateText', () => {
        const tokens = st.tokens;
        const where = tokens.findIndex((t) => t.text.toUpperCase() === 'WHERE');
        return where >= 0 ? st.text(tokens[where].end, st.stmt.end).trim() : '';
      });
    }
    this.model.indexes.set(k, index);
    table?.statements.push(st.range);
  }

  private defaultIndexName(table: QualifiedName, columns: string[]): string {
    let name = truncateName(`${table.name}_${columns.join('_')}_idx`);
    for (let i = 1; this.model.indexes.has(key(table.schema, name)); i++) {
      name = truncateName(`${table.name}_${columns.join('_')}_idx${i}`);
    }
    return name;
  }

  // ── rename, drop, comment ──────────────────────────────────────────────────────────────────

  private rename(n: PgNode, st: StatementText): void {
    switch (n.renameType) {
      case 'OBJECT_TABLE': {
        const table = this.table(n.relation);
        if (!table) return;
        const from = tableKey(table);
        this.model.tables.delete(from);
        table.name = n.newname;
        this.model.tables.set(tableKey(table), table);
        table.statements.push(st.range);
        for (const idx of this.model.indexes.values()) if (tableKey(idx.table) === from) idx.table = table;
        for (const p of this.model.policies) if (tableKey(p.table) === from) p.table = table;
        for (const t of this.model.triggers) if (tableKey(t.table) === from) t.table = table;
        for (const other of this.model.tables.values()) {
          for (const c of other.constraints) {
            if (c.references && tableKey(c.references.table) === from) c.references.table = table;
          }
          if (other.partitionOf && tableKey(other.partitionOf) === from) other.partitionOf = table;
        }
        return;
      }
      case 'OBJECT_COLUMN': {
        const table = this.table(n.relation);
        const column = table?.columns.find((c) => c.name === n.subname);
        if (!table || !column) return;
        table.statements.push(st.range);
        column.name = n.newname;
        const swap = (cols: string[]) => cols.map((c) => (c === n.subname ? n.newname : c));
        for (const c of table.constraints) {
          c.columns = swap(c.columns);
          if (c.include) c.include = swap(c.include);
        }
        for (const idx of this.model.indexes.values()) {
          if (tableKey(idx.table) !== tableKey(table)) continue;
          for (const e of idx.elements) if (e.column === n.subname) e.column = n.newname;
          idx.include = swap(idx.include);
        }
        for (const other of this.model.tables.values()) {
          for (const c of other.constraints) {
            if (c.references && tableKey(c.references.table) === tableKey(table)) {
              c.references.columns = swap(c.references.columns);
            }
          }
        }
        return;
      }
      case 'OBJECT_TABCONSTRAINT': {
        const table = this.table(n.relation);
        const c = table?.constraints.find((k) => k.name === n.subname);
        if (!table || !c) return;
        const idx = this.model.indexes.get(key(table.schema, c.name));
        c.name = n.newname;
        c.named = true;
        if (idx?.constraint) {
          this.model.indexes.delete(key(table.schema, idx.name));
          idx.name = n.newname;
          idx.constraint = n.newname;
          this.model.indexes.set(key(table.schema, n.newname), idx);
        }
        return;
      }
      case 'OBJECT_INDEX': {
        const q = this.resolve(n.relation, this.model.indexes);
        const idx = this.model.indexes.get(key(q.schema, q.name));
        if (!idx) return;
        this.model.indexes.delete(key(q.schema, q.name));
        idx.name = n.newname;
        this.model.indexes.set(key(idx.schema, idx.name), idx);
        return;
      }
      default:
        return;
    }
  }

  private drop(n: PgNode): void {
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
          this.dropTable(this.resolveList(names, this.model.tables));
          break;
        case 'OBJECT_INDEX': {
          const q = this.resolveList(names, this.model.indexes);
          this.model.indexes.delete(key(q.schema, q.name));
          break;
        }
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW': {
          const q = this.resolveList(names, this.model.views);
          this.model.views.delete(key(q.schema, q.name));
          break;
        }
        case 'OBJECT_TYPE': {
          const q = this.resolveList(names, this.model.enums);
          this.model.enums.delete(key(q.schema, q.name));
          break;
        }
        case 'OBJECT_DOMAIN': {
          const q = this.resolveList(names, this.model.domains);
          this.model.domains.delete(key(q.schema, q.name));
          break;
        }
        case 'OBJECT_SEQUENCE': {
          const q = this.resolveList(names, this.model.sequences);
          this.model.sequences.delete(key(q.schema, q.name));
          break;
        }
        case 'OBJECT_POLICY':
        case 'OBJECT_TRIGGER': {
          const name = names[names.length - 1];
          const t = this.resolveList(names.slice(0, -1), this.model.tables);
          if (n.removeType === 'OBJECT_POLICY') {
            this.model.policies = this.model.policies.filter(
              (p) => !(p.name === name && tableKey(p.table) === tableKey(t)),
            );
          } else {
            this.model.triggers = this.model.triggers.filter(
              (p) => !(p.name === name && tableKey(p.table) === tableKey(t)),
            );
          }
          break;
        }
        case 'OBJECT_SCHEMA': {
          const schema = names[0];
          this.model.schemas.delete(schema);
          for (const t of [...this.model.tables.values()]) if (t.schema === schema) this.dropTable(t);
          for (const m of [
            this.model.views,
            this.model.enums,
            this.model.domains,
            this.model.sequences,
            this.model.indexes,
          ]) {
            for (const k of [...m.keys()]) if (k.startsWith(`${schema}.`)) m.delete(k);
          }
          break;
        }
        default:
          break;
      }
    }
    if (n.removeType === 'OBJECT_FUNCTION' || n.removeType === 'OBJECT_PROCEDURE') {
      for (const o of n.objects ?? []) {
        const names = strings(o.ObjectWithArgs?.objname);
        const q = this.resolveList(names, this.model.functions);
        this.model.functions.delete(key(q.schema, q.name));
      }
    }
  }

  private dropTable(q: QualifiedName): void {
    const k = tableKey(q);
    if (!this.model.tables.delete(k)) return;
    for (const [ik, idx] of this.model.indexes) if (tableKey(idx.table) === k) this.model.indexes.delete(ik);
    this.model.policies = this.model.policies.filter((p) => tableKey(p.table) !== k);
    this.model.triggers = this.model.triggers.filter((t) => tableKey(t.table) !== k);
    // Foreign keys that point at a dropped table go with it (DROP … CASCADE, or they were dropped first).
    for (const other of this.model.tables.values()) {
      other.constraints = other.constraints.filter(
        (c) => !(c.references && tableKey(c.references.table) === k),
      );
    }
  }

  private comment(n: PgNode): void {
    const names = n.object?.List ? strings(n.object.List.items) : [];
    if (n.objtype === 'OBJECT_TABLE') {
      const t = this.model.tables.get(tableKey(this.resolveList(names, this.model.tables)));
      if (t) t.comment = n.comment ?? undefined;
    } else if (n.objtype === 'OBJECT_COLUMN' && names.length >= 2) {
      const t = this.model.tables.get(tableKey(this.resolveList(names.slice(0, -1), this.model.tables)));
      const c = t?.columns.find((x) => x.name === names[names.length - 1]);
      if (c) c.comment = n.comment ?? undefined;
    }
  }

  // ── policies, triggers, functions ──────────────────────────────────────────────────────────

  private createPolicy(n: PgNode, st: StatementText): void {
    const target = this.resolve(n.table);
    const table = this.model.tables.get(tableKey(target));
    table?.statements.push(st.range);
    const policy = {
      name: n.policy_name as string,
      table: target,
      command: (n.cmd_name ?? 'all') as PolicyCommand,
      permissive: n.permissive !== false,
      roles: (n.roles ?? []).map((r: PgNode) =>
        r.RoleSpec?.roletype === 'ROLESPEC_PUBLIC' ? 'public' : (r.RoleSpec?.rolename ?? ''),
      ),
      origin: this.origin(st),
      ...(n.qual ? { usingNode: n.qual } : {}),
      ...(n.with_check ? { withCheckNode: n.with_check } : {}),
    };
    if (n.qual) {
      lazy(policy as { usingText?: string }, 'usingText', () => this.clauseText(st, ['USING']));
    }
    if (n.with_check) {
      lazy(policy as { withCheckText?: string }, 'withCheckText', () =>
        this.clauseText(st, ['WITH', 'CHECK']),
      );
    }
    this.model.policies.push(policy);
  }

  private clauseText(st: StatementText, words: string[]): string {
    const tokens = st.tokens;
    for (let i = 0; i < tokens.length; i++) {
      if (words.every((w, k) => tokens[i + k]?.text.toUpperCase() === w)) {
        const inner = st.parenthesizedAfter(tokens[i + words.length - 1].end);
        return inner ? st.text(inner.start, inner.end).trim() : '';
      }
    }
    return '';
  }

  private createTrigger(n: PgNode, st: StatementText): void {
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
    this.model.triggers = this.model.triggers.filter(
      (t) => !(t.name === n.trigname && tableKey(t.table) === tableKey(target)),
    );
    this.model.triggers.push({
      name: n.trigname,
      table: target,
      timing: timing & 2 ? 'before' : timing & 64 ? 'instead of' : 'after',
      events: eventList,
      updateColumns: strings(n.columns),
      forEachRow: !!n.row,
      function: this.resolveList(fn, this.model.functions),
      origin: this.origin(st),
    });
  }

  private createFunction(n: PgNode, st: StatementText): void {
    const q = this.qualifyList(strings(n.funcname));
    const options = (n.options ?? []).map((o: PgNode) => o.DefElem as PgNode);
    const as = options.find((o: PgNode) => o.defname === 'as');
    const language = options.find((o: PgNode) => o.defname === 'language')?.arg?.String?.sval as
      string | undefined;
    const argTypes = (n.parameters ?? [])
      .map((p: PgNode) => p.FunctionParameter)
      .filter((p: PgNode) => p.mode !== 'FUNC_PARAM_OUT' && p.mode !== 'FUNC_PARAM_TABLE')
      .map((p: PgNode) => typeFromNode(p.argType).name);
    const fn = {
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
    this.model.functions.set(k, overloads);
  }
}

const CONSTRAINT_KINDS: Record<string, Constraint['kind']> = {
  CONSTR_PRIMARY: 'primary key',
  CONSTR_UNIQUE: 'unique',
  CONSTR_FOREIGN: 'foreign key',
  CONSTR_CHECK: 'check',
  CONSTR_EXCLUSION: 'exclude',
};

const INLINE_CONSTRAINT_START = new Set([
  'CONSTRAINT',
  'NOT',
  'NULL',
  'DEFAULT',
  'PRIMARY',
  'UNIQUE',
  'REFERENCES',
  'CHECK',
  'GENERATED',
  'COLLATE',
]);

/** PostgreSQL truncates identifiers to 63 bytes. */
export function truncateName(name: string): string {
  if (Buffer.byteLength(name) <= 63) return name;
  let out = name;
  while (Buffer.byteLength(out) > 63) out = out.slice(0, -1);
  return out;
}

function firstLocation(node: unknown): number | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const obj = node as Record<string, unknown>;
  if (typeof obj.location === 'number' && obj.location >= 0) return obj.location;
  for (const v of Object.values(obj)) {
    const loc = firstLocation(v);
    if (loc !== undefined) return loc;
  }
  return undefined;
}

/** A stable text for an index expression, for comparing two indexes (not for display). */
function exprSummary(node: PgNode): string {
  return JSON.stringify(node, (k, v) => (k === 'location' ? undefined : v));
}
