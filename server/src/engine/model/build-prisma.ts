/**
 * Builds the schema model from a Prisma schema: the tables, columns, keys, indexes, foreign keys
 * and enums that `prisma migrate` would create in PostgreSQL, so that every rule is written once,
 * against the same model as SQL.
 *
 * - models → tables (`@@map`, `@map`, `@@schema`; `public` by default), views → views, enums →
 *   enum types (`@map` on values).
 * - scalar types → PostgreSQL types as Prisma maps them (String → text, DateTime → timestamp(3),
 *   Float → double precision, Decimal → numeric(65,30) …); a native type (`@db.*`) wins;
 *   `Unsupported("…")` is read by PostgreSQL's own parser.
 * - `?` → nullable; `@id`/`@@id` → primary key; `@unique`/`@@unique` → unique index (Prisma
 *   creates an index, not a constraint); `@@index` (type:, sort:, ops:, where:) → index; names are
 *   Prisma's defaults (`Post_pkey`, `User_email_key`, `Post_authorId_idx`, `Post_authorId_fkey`)
 *   unless `map:` names them.
 * - `@default` → the SQL default Prisma writes (now() → CURRENT_TIMESTAMP, parsed into a
 *   PostgreSQL node like any SQL default); `autoincrement()` → an identity-like column (Prisma
 *   emits serial); `uuid()`, `cuid()`, `nanoid()`, `ulid()` → no database default, noted as a
 *   Prisma Client default; `@updatedAt` → noted on the column.
 * - relations with `fields`/`references` → foreign keys (onDelete/onUpdate as written, the implied
 *   ones recorded apart); implicit many-to-many relations → their `_AToB` join table; under
 *   `relationMode = "prisma"` the foreign keys are kept but marked `notEnforced`.
 *
 * Every object's origin points into the schema: the field, the attribute (`@@index`, `@id`) or the
 * model block, with the model block as its "statement". What cannot be resolved (an unknown type,
 * a relation to a missing model) is skipped quietly: Prisma's own validation reports it.
 *
 * PostgreSQL nodes for defaults and index predicates come from `parseSql`, so the SQL parser must
 * be loaded (`await loadSqlParser()`) first; without it those nodes are left out.
 */
import type { SourceRange } from '../findings';
import type {
  ParsedPrisma,
  PrismaArgument,
  PrismaAttribute,
  PrismaBlock,
  PrismaField,
  PrismaNode,
  PrismaValue,
} from '../parse/prisma';
import { parseSql, type PgNode } from '../parse/sql';
import { typeFromNode } from './build-sql';
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
  type PrismaSchemaInfo,
  type QualifiedName,
  type SchemaModel,
  type Table,
} from './schema';

export interface PrismaModelFile {
  path: string;
  text: string;
  parsed: ParsedPrisma;
}

/** A syntax error of one of the files, for the syntax-error rule. */
export interface PrismaModelError {
  file: string;
  message: string;
  start: number;
  end: number;
}

export interface PrismaBuildOptions {
  /**
   * The Prisma major version the project uses, when known (see `prisma/version.ts`). Prisma 5 and
   * earlier back an implicit many-to-many join table with a unique index, Prisma 6 and later with
   * a primary key; unknown means the latter.
   */
  prismaMajor?: number;
  /** Called when mapping a block threw: the block is skipped (tests assert this never happens). */
  onInternalError?: (error: unknown, file: string, block: PrismaBlock) => void;
}

export interface PrismaBuildResult {
  model: SchemaModel;
  /** The files' syntax errors (what parsed is in the model all the same). */
  errors: PrismaModelError[];
  info: PrismaSchemaInfo;
}

/** Builds one schema model from the `.prisma` files of one schema (one file, or a folder). */
export function buildPrismaModel(
  files: readonly PrismaModelFile[],
  options: PrismaBuildOptions = {},
): PrismaBuildResult {
  const builder = new PrismaModelBuilder(files, options);
  builder.build();
  const errors = files.flatMap((f) => f.parsed.errors.map((e) => ({ file: f.path, ...e })));
  return { model: builder.model, errors, info: builder.info };
}

/** Prisma's scalar types on PostgreSQL, without a native type attribute. */
const SCALAR_TYPES: Record<string, { name: string; modifiers: number[] }> = {
  String: { name: 'text', modifiers: [] },
  Boolean: { name: 'bool', modifiers: [] },
  Int: { name: 'int4', modifiers: [] },
  BigInt: { name: 'int8', modifiers: [] },
  Float: { name: 'float8', modifiers: [] },
  Decimal: { name: 'numeric', modifiers: [65, 30] },
  DateTime: { name: 'timestamp', modifiers: [3] },
  Json: { name: 'jsonb', modifiers: [] },
  Bytes: { name: 'bytea', modifiers: [] },
};

/** `@db.*` native types of the PostgreSQL connector → catalog names. */
const NATIVE_TYPES: Record<string, string> = {
  Text: 'text',
  Char: 'bpchar',
  VarChar: 'varchar',
  Bit: 'bit',
  VarBit: 'varbit',
  Uuid: 'uuid',
  Xml: 'xml',
  Inet: 'inet',
  Citext: 'citext',
  Boolean: 'bool',
  Integer: 'int4',
  SmallInt: 'int2',
  BigInt: 'int8',
  Oid: 'oid',
  DoublePrecision: 'float8',
  Real: 'float4',
  Decimal: 'numeric',
  Money: 'money',
  Timestamp: 'timestamp',
  Timestamptz: 'timestamptz',
  Date: 'date',
  Time: 'time',
  Timetz: 'timetz',
  Json: 'json',
  JsonB: 'jsonb',
  ByteA: 'bytea',
};

const REFERENTIAL_ACTIONS: Record<string, FkAction> = {
  Cascade: 'cascade',
  Restrict: 'restrict',
  NoAction: 'no action',
  SetNull: 'set null',
  SetDefault: 'set default',
};

const INDEX_METHODS: Record<string, string> = {
  BTree: 'btree',
  Hash: 'hash',
  Gist: 'gist',
  Gin: 'gin',
  SpGist: 'spgist',
  Brin: 'brin',
};

/** Default functions whose value Prisma Client computes: the database has no default. */
const CLIENT_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

/** PostgreSQL's identifier limit, which Prisma's default names respect. */
const MAX_IDENTIFIER_BYTES = 63;

interface Located<T> {
  file: string;
  node: T;
}

/** A model's names, resolved once: the table and the column of every scalar field. */
interface ModelInfo {
  block: PrismaBlock;
  file: string;
  table: QualifiedName;
  columns: Map<string, string>;
}

interface RelationEnd {
  model: ModelInfo;
  field: PrismaField;
  relation?: PrismaAttribute;
  name: string;
}

class PrismaModelBuilder {
  readonly model = emptyModel();
  readonly info: PrismaSchemaInfo = { relationMode: 'foreignKeys', previewFeatures: [] };
  private readonly models = new Map<string, ModelInfo>();
  private readonly enums = new Map<string, Located<PrismaBlock> & { name: QualifiedName }>();
  private readonly compositeTypes = new Set<string>();
  private readonly views = new Set<string>();

  constructor(
    private readonly files: readonly PrismaModelFile[],
    private readonly options: PrismaBuildOptions,
  ) {
    if (options.prismaMajor !== undefined) this.info.prismaMajor = options.prismaMajor;
  }

  build(): void {
    const blocks: Located<PrismaBlock>[] = this.files.flatMap((f) =>
      f.parsed.ast.blocks.map((node) => ({ file: f.path, node })),
    );
    for (const b of blocks) this.guard(b, () => this.settings(b));
    this.model.prisma = this.info;
    // Names first: a relation or an enum column may name a block written later, or in another file.
    for (const b of blocks) {
      const { node } = b;
      if (node.kind === 'model' && !this.models.has(node.name)) {
        this.models.set(node.name, this.modelInfo(b));
      } else if (node.kind === 'enum' && !this.enums.has(node.name)) {
        this.enums.set(node.name, { ...b, name: this.blockName(node) });
      } else if (node.kind === 'type') {
        this.compositeTypes.add(node.name);
      } else if (node.kind === 'view') {
        this.views.add(node.name);
      }
    }
    for (const e of this.enums.values()) this.guard(e, () => this.addEnum(e));
    for (const m of this.models.values()) this.guard({ file: m.file, node: m.block }, () => this.addTable(m));
    for (const b of blocks) {
      if (b.node.kind === 'view' && this.views.has(b.node.name)) this.guard(b, () => this.addView(b));
    }
    const manyToMany: RelationEnd[] = [];
    for (const m of this.models.values()) {
      this.guard({ file: m.file, node: m.block }, () => this.addForeignKeys(m, manyToMany));
    }
    this.addJoinTables(manyToMany);
  }

  private guard(b: Located<PrismaBlock>, f: () => void): void {
    try {
      f();
    } catch (e) {
      this.options.onInternalError?.(e, b.file, b.node);
    }
  }

  // ── datasource and generators ──────────────────────────────────────────────────────────────

  private settings({ node }: Located<PrismaBlock>): void {
    const value = (k: string) => node.assignments.find((a) => a.key === k)?.value;
    if (node.kind === 'datasource' && this.info.provider === undefined) {
      const provider = stringOf(value('provider'));
      if (provider !== undefined) this.info.provider = provider;
      const mode = stringOf(value('relationMode')) ?? stringOf(value('referentialIntegrity'));
      if (mode === 'prisma') this.info.relationMode = 'prisma';
      for (const s of stringsOf(value('schemas'))) this.model.schemas.add(s);
      const extensions = value('extensions');
      for (const e of extensions?.kind === 'array' ? extensions.items : []) {
        const name =
          e.kind === 'identifier'
            ? e.name
            : e.kind === 'function'
              ? (stringOf(argument(e.args, 'map')) ?? e.name)
              : undefined;
        if (name) this.model.extensions.add(name);
      }
    } else if (node.kind === 'generator') {
      for (const f of stringsOf(value('previewFeatures'))) {
        if (!this.info.previewFeatures.includes(f)) this.info.previewFeatures.push(f);
      }
    }
  }

  // ── names ──────────────────────────────────────────────────────────────────────────────────

  /** `@@map` and `@@schema` of a model, view or enum. */
  private blockName(block: PrismaBlock): QualifiedName {
    const map = stringOf(argument(blockAttribute(block, 'map')?.args, 'name', true));
    const schema = stringOf(argument(blockAttribute(block, 'schema')?.args, 'name', true)) ?? 'public';
    return { schema, name: map ?? block.name };
  }

  private modelInfo(b: Located<PrismaBlock>): ModelInfo {
    const columns = new Map<string, string>();
    for (const f of b.node.fields) {
      columns.set(f.name, stringOf(argument(fieldAttribute(f, 'map')?.args, 'name', true)) ?? f.name);
    }
    return { block: b.node, file: b.file, table: this.blockName(b.node), columns };
  }

  private range(file: string, node: PrismaNode): SourceRange {
    return { file, start: node.start, end: node.end };
  }

  private origin(file: string, node: PrismaNode, block: PrismaBlock): Origin {
    return { range: this.range(file, node), statement: this.range(file, block) };
  }

  // ── enums and views ────────────────────────────────────────────────────────────────────────

  private addEnum(e: Located<PrismaBlock> & { name: QualifiedName }): void {
    this.model.schemas.add(e.name.schema);
    this.model.enums.set(tableKey(e.name), {
      ...e.name,
      values: e.node.values.map((v) => enumValueName(v.attributes, v.name)),
      origin: this.origin(e.file, e.node, e.node),
      prisma: { model: e.node.name },
    });
  }

  private addView({ file, node }: Located<PrismaBlock>): void {
    const name = this.blockName(node);
    this.model.schemas.add(name.schema);
    this.model.views.set(tableKey(name), {
      ...name,
      materialized: false,
      origin: this.origin(file, node, node),
      prisma: { model: node.name },
    });
  }

  // ── tables ─────────────────────────────────────────────────────────────────────────────────

  private addTable(m: ModelInfo): void {
    const { block, file } = m;
    const k = tableKey(m.table);
    if (this.model.tables.has(k)) return;
    const statement = this.range(file, block);
    const table: Table = {
      ...m.table,
      kind: 'table',
      columns: [],
      constraints: [],
      inherits: [],
      temporary: false,
      unlogged: false,
      rls: { enabled: false, forced: false },
      origin: { range: statement, statement },
      statements: [statement],
      prisma: { model: block.name },
    };
    this.model.schemas.add(table.schema);
    this.model.tables.set(k, table);
    for (const field of block.fields) {
      const column = this.column(m, field);
      if (column) table.columns.push(column);
    }
    // Keys and indexes, in the order Prisma lists them: field attributes, then block attributes.
    for (const field of block.fields) {
      for (const attr of field.attributes) {
        if (attr.name === 'id')
          this.primaryKey(m, table, attr, [{ field: field.name, args: attr.args }], field);
        else if (attr.name === 'unique') {
          this.index(m, table, attr, 'unique', [{ field: field.name, args: attr.args }], field);
        }
      }
    }
    for (const attr of block.attributes) {
      const fields = fieldList(argument(attr.args, 'fields', true));
      if (attr.name === 'id') this.primaryKey(m, table, attr, fields);
      else if (attr.name === 'unique') this.index(m, table, attr, 'unique', fields);
      else if (attr.name === 'index') this.index(m, table, attr, 'index', fields);
    }
  }

  /** The column of a scalar or enum field; undefined for a relation field or an unknown type. */
  private column(m: ModelInfo, field: PrismaField): Column | undefined {
    const type = this.columnType(m, field);
    if (!type) return undefined;
    const file = m.file;
    const column: Column = {
      name: m.columns.get(field.name) ?? field.name,
      type,
      notNull: !field.optional && !field.list,
      origin: this.origin(file, field, m.block),
      nameRange: this.range(file, field.nameRange),
      prisma: { model: m.block.name, field: field.name, type: field.type },
    };
    const native = field.attributes.find((a) => a.name.startsWith('db.'));
    if (native) {
      column.prisma!.nativeType = {
        name: native.name.slice(3),
        args: native.args.map((a) => valueText(a.value)),
        range: this.range(file, native),
      };
    }
    if (field.attributes.some((a) => a.name === 'updatedAt')) column.prisma!.updatedAt = true;
    const def = fieldAttribute(field, 'default');
    if (def) this.applyDefault(m, field, column, def);
    return column;
  }

  private columnType(m: ModelInfo, field: PrismaField): ColumnType | undefined {
    const native = field.attributes.find((a) => a.name.startsWith('db.'));
    const arrayDims = field.list ? 1 : 0;
    const range = this.range(m.file, field.typeRange);
    const written =
      field.type +
      (field.list ? '[]' : '') +
      (native
        ? ` @${native.name}${native.args.length > 0 ? `(${native.args.map((a) => valueText(a.value)).join(', ')})` : ''}`
        : '');
    const nativeName = native ? NATIVE_TYPES[native.name.slice(3)] : undefined;
    if (nativeName) {
      const modifiers = native!.args.flatMap((a) => (a.value.kind === 'number' ? [a.value.value] : []));
      return { name: nativeName, modifiers, arrayDims, written, range };
    }
    const scalar = SCALAR_TYPES[field.type];
    if (scalar) return { ...scalar, modifiers: [...scalar.modifiers], arrayDims, written, range };
    const enumType = this.enums.get(field.type);
    if (enumType) {
      const schema = enumType.name.schema !== 'public' ? { schema: enumType.name.schema } : {};
      return { name: enumType.name.name, ...schema, modifiers: [], arrayDims, written, range };
    }
    if (field.type === 'Unsupported') {
      const sqlType = stringOf(field.typeArgs?.[0]?.value);
      const parsed = sqlType !== undefined ? parseType(sqlType) : undefined;
      if (parsed) return { ...parsed, arrayDims: parsed.arrayDims + arrayDims, written, range };
      return { name: (sqlType ?? 'unknown').toLowerCase(), modifiers: [], arrayDims, written, range };
    }
    return undefined;
  }

  private applyDefault(m: ModelInfo, field: PrismaField, column: Column, attr: PrismaAttribute): void {
    const value = argument(attr.args, 'value', true);
    if (!value) return;
    const info = column.prisma!;
    const fn = value.kind === 'function' ? value.name : undefined;
    info.default = {
      expression: textOf(this.fileText(m.file), value),
      ...(fn ? { function: fn } : {}),
      client: fn !== undefined && CLIENT_DEFAULTS.has(fn),
      range: this.range(m.file, attr),
    };
    if (fn === 'autoincrement' || fn === 'sequence') {
      // Prisma creates serial (or a CockroachDB sequence): a generated key.
      column.identity = 'by default';
      column.notNull = true;
      return;
    }
    const sql = this.defaultSql(field, column, value);
    if (sql === undefined) return;
    column.default = sql;
    const node = sqlExpression(sql);
    if (node) column.defaultNode = node;
  }

  private fileText(path: string): string {
    return this.files.find((f) => f.path === path)?.text ?? '';
  }

  /** The SQL default `prisma migrate` writes for a `@default(…)` value. */
  private defaultSql(field: PrismaField, column: Column, value: PrismaValue): string | undefined {
    switch (value.kind) {
      case 'function':
        if (value.name === 'now') return 'CURRENT_TIMESTAMP';
        if (value.name === 'dbgenerated') return stringOf(value.args[0]?.value);
        return undefined;
      case 'array': {
        const items = value.items.map((v) => this.defaultSql(field, column, v));
        if (items.some((i) => i === undefined)) return undefined;
        return `ARRAY[${items.join(', ')}]::${sqlTypeName(column.type)}[]`;
      }
      case 'string':
        return quoteLiteral(value.value);
      case 'number':
        return value.raw;
      case 'boolean':
        return String(value.value);
      case 'identifier': {
        const e = this.enums.get(field.type);
        const v = e?.node.values.find((x) => x.name === value.name);
        return quoteLiteral(v ? enumValueName(v.attributes, v.name) : value.name);
      }
      default:
        return undefined;
    }
  }

  // ── keys and indexes ───────────────────────────────────────────────────────────────────────

  private primaryKey(
    m: ModelInfo,
    table: Table,
    attr: PrismaAttribute,
    fields: FieldRef[],
    field?: PrismaField,
  ): void {
    const columns = fields.map((f) => m.columns.get(f.field) ?? f.field);
    if (columns.length === 0 || !hasColumns(table, columns)) return;
    const map = stringOf(argument(attr.args, 'map'));
    const name = map ?? truncatedName(table.name, '_pkey');
    const origin = this.origin(m.file, attr, m.block);
    const prisma = { model: m.block.name, ...(field ? { field: field.name } : {}) };
    table.constraints = table.constraints.filter((c) => c.kind !== 'primary key');
    table.constraints.push({
      kind: 'primary key',
      name,
      named: map !== undefined,
      columns,
      inline: field !== undefined,
      notValid: false,
      origin,
      prisma,
    });
    for (const c of table.columns) if (columns.includes(c.name)) c.notNull = true;
    this.model.indexes.set(key(table.schema, name), {
      schema: table.schema,
      name,
      table: { schema: table.schema, name: table.name },
      elements: this.elements(m, fields),
      include: [],
      unique: true,
      method: 'btree',
      concurrently: false,
      constraint: name,
      origin,
      prisma,
    });
  }

  private index(
    m: ModelInfo,
    table: Table,
    attr: PrismaAttribute,
    kind: 'unique' | 'index',
    fields: FieldRef[],
    field?: PrismaField,
  ): void {
    const elements = this.elements(m, fields);
    if (
      elements.length === 0 ||
      !hasColumns(
        table,
        elements.map((e) => e.column ?? ''),
      )
    )
      return;
    const map =
      stringOf(argument(attr.args, 'map')) ??
      (kind === 'index' ? stringOf(argument(attr.args, 'name')) : undefined);
    const columns = elements.map((e) => e.column ?? '');
    const name =
      map ?? truncatedName(`${table.name}_${columns.join('_')}`, kind === 'unique' ? '_key' : '_idx');
    const typeArg = argument(attr.args, 'type');
    const index: Index = {
      schema: table.schema,
      name,
      table: { schema: table.schema, name: table.name },
      elements,
      include: [],
      unique: kind === 'unique',
      method: (typeArg?.kind === 'identifier' && INDEX_METHODS[typeArg.name]) || 'btree',
      concurrently: false,
      origin: this.origin(m.file, attr, m.block),
      prisma: { model: m.block.name, ...(field ? { field: field.name } : {}) },
    };
    const where = argument(attr.args, 'where');
    if (where) {
      const sql = this.predicateSql(m, where);
      index.predicateText = sql ?? textOf(this.fileText(m.file), where);
      // A predicate that cannot be read still makes the index partial.
      index.predicateNode = (sql !== undefined ? sqlExpression(sql) : undefined) ?? {
        PrismaWhere: { text: index.predicateText },
      };
    }
    this.model.indexes.set(key(table.schema, name), index);
  }

  private elements(m: ModelInfo, fields: FieldRef[]): IndexElement[] {
    return fields.map((f) => {
      const el: IndexElement = { column: m.columns.get(f.field) ?? f.field };
      const sort = argument(f.args, 'sort');
      if (sort?.kind === 'identifier' && sort.name === 'Desc') el.descending = true;
      const ops = argument(f.args, 'ops');
      if (ops?.kind === 'identifier') el.opclass = snakeCase(ops.name);
      else if (ops?.kind === 'function' && ops.name === 'raw') {
        const raw = stringOf(ops.args[0]?.value);
        if (raw) el.opclass = raw;
      }
      return el;
    });
  }

  /** `where: raw("…")` as written; `where: { deletedAt: null, status: "active" }` as SQL. */
  private predicateSql(m: ModelInfo, where: PrismaValue): string | undefined {
    if (where.kind === 'function' && where.name === 'raw') return stringOf(where.args[0]?.value);
    if (where.kind !== 'object') return undefined;
    const parts: string[] = [];
    for (const entry of where.entries) {
      if (!entry.name) return undefined;
      const column = quoteIdentAlways(m.columns.get(entry.name) ?? entry.name);
      const v = entry.value;
      if (v.kind === 'null') parts.push(`${column} IS NULL`);
      else if (v.kind === 'object' && v.entries.length === 1 && v.entries[0].name === 'not') {
        const inner = v.entries[0].value;
        if (inner.kind === 'null') parts.push(`${column} IS NOT NULL`);
        else {
          const lit = literalSql(inner);
          if (lit === undefined) return undefined;
          parts.push(`${column} <> ${lit}`);
        }
      } else {
        const lit = literalSql(v);
        if (lit === undefined) return undefined;
        parts.push(`${column} = ${lit}`);
      }
    }
    return parts.length > 0 ? parts.join(' AND ') : undefined;
  }

  // ── relations ──────────────────────────────────────────────────────────────────────────────

  private addForeignKeys(m: ModelInfo, manyToMany: RelationEnd[]): void {
    const table = this.model.tables.get(tableKey(m.table));
    if (!table || table.prisma?.model !== m.block.name) return;
    for (const field of m.block.fields) {
      const target = this.models.get(field.type);
      if (!target) continue;
      const relation = fieldAttribute(field, 'relation');
      const name = stringOf(argument(relation?.args, 'name', true)) ?? '';
      const fields = fieldList(argument(relation?.args, 'fields'));
      const references = fieldList(argument(relation?.args, 'references'));
      if (fields.length === 0 || references.length === 0) {
        if (field.list) manyToMany.push({ model: m, field, name, ...(relation ? { relation } : {}) });
        continue;
      }
      const columns = fields.map((f) => m.columns.get(f.field) ?? f.field);
      if (!hasColumns(table, columns)) continue;
      const map = stringOf(argument(relation!.args, 'map'));
      const optional =
        field.optional || fields.some((f) => m.block.fields.find((x) => x.name === f.field)?.optional);
      const fk: Constraint = {
        kind: 'foreign key',
        name: map ?? truncatedName(`${table.name}_${columns.join('_')}`, '_fkey'),
        named: map !== undefined,
        columns,
        inline: false,
        notValid: false,
        references: {
          table: { ...target.table },
          columns: references.map((r) => target.columns.get(r.field) ?? r.field),
        },
        impliedOnDelete: optional ? 'set null' : 'restrict',
        impliedOnUpdate: 'cascade',
        origin: this.origin(m.file, field, m.block),
        prisma: { model: m.block.name, field: field.name },
      };
      const onDelete = argument(relation!.args, 'onDelete');
      const onUpdate = argument(relation!.args, 'onUpdate');
      if (onDelete?.kind === 'identifier' && REFERENTIAL_ACTIONS[onDelete.name]) {
        fk.onDelete = REFERENTIAL_ACTIONS[onDelete.name];
      }
      if (onUpdate?.kind === 'identifier' && REFERENTIAL_ACTIONS[onUpdate.name]) {
        fk.onUpdate = REFERENTIAL_ACTIONS[onUpdate.name];
      }
      if (this.info.relationMode === 'prisma') fk.notEnforced = true;
      table.constraints.push(fk);
    }
  }

  /**
   * Implicit many-to-many relations: a list field on both sides and no `fields`. Prisma creates
   * `_<relation name>` (by default `_<A>To<B>`, the model names in order) with columns A and B
   * referencing the two ids (ON DELETE CASCADE ON UPDATE CASCADE), a key on (A, B) and an index
   * on B.
   */
  private addJoinTables(ends: RelationEnd[]): void {
    const pairs = new Map<string, RelationEnd[]>();
    for (const end of ends) {
      const models = [end.model.block.name, end.field.type].sort(compareNames);
      const k = `${models.join('\u0000')}\u0000${end.name}`;
      pairs.set(k, [...(pairs.get(k) ?? []), end]);
    }
    for (const pair of pairs.values()) {
      if (pair.length !== 2) continue;
      const [first, second] = [...pair].sort(
        (a, b) => compareNames(a.model.block.name, b.model.block.name) || a.field.start - b.field.start,
      );
      this.guard({ file: first.model.file, node: first.model.block }, () => this.addJoinTable(first, second));
    }
  }

  private addJoinTable(a: RelationEnd, b: RelationEnd): void {
    const modelA = a.model;
    const modelB = this.models.get(a.field.type)!;
    const name = `_${a.name || `${modelA.block.name}To${modelB.block.name}`}`;
    const schema = modelA.table.schema;
    if (this.model.tables.has(key(schema, name))) return;
    const file = modelA.file;
    const origin = this.origin(file, a.field, modelA.block);
    const idOf = (m: ModelInfo) => {
      const t = this.model.tables.get(tableKey(m.table));
      const pk = t?.constraints.find((c) => c.kind === 'primary key');
      const column = pk?.columns.length === 1 ? t!.columns.find((c) => c.name === pk.columns[0]) : undefined;
      return column ? { column, table: t! } : undefined;
    };
    const idA = idOf(modelA);
    const idB = idOf(modelB);
    if (!idA || !idB) return;
    const column = (n: 'A' | 'B', id: Column): Column => {
      const { range: _range, ...type } = id.type;
      return {
        name: n,
        type: { ...type, modifiers: [...type.modifiers], written: type.written.replace(/\[\]$/, '') },
        notNull: true,
        origin,
        nameRange: this.range(file, a.field.nameRange),
      };
    };
    const statement = origin.statement;
    const table: Table = {
      schema,
      name,
      kind: 'table',
      columns: [column('A', idA.column), column('B', idB.column)],
      constraints: [],
      inherits: [],
      temporary: false,
      unlogged: false,
      rls: { enabled: false, forced: false },
      origin: { range: origin.range, statement },
      statements: [statement],
      prisma: { model: modelA.block.name, field: a.field.name, implicitManyToMany: true },
    };
    const prisma = { model: modelA.block.name, field: a.field.name };
    const fk = (n: 'A' | 'B', target: { table: Table; column: Column }): Constraint => ({
      kind: 'foreign key',
      name: `${name}_${n}_fkey`,
      named: false,
      columns: [n],
      inline: false,
      notValid: false,
      references: {
        table: { schema: target.table.schema, name: target.table.name },
        columns: [target.column.name],
      },
      onDelete: 'cascade',
      onUpdate: 'cascade',
      origin: n === 'A' ? origin : this.origin(b.model.file, b.field, b.model.block),
      prisma: n === 'A' ? prisma : { model: b.model.block.name, field: b.field.name },
      ...(this.info.relationMode === 'prisma' ? { notEnforced: true } : {}),
    });
    table.constraints.push(fk('A', idA), fk('B', idB));
    const base = {
      schema,
      table: { schema, name },
      include: [],
      method: 'btree',
      concurrently: false,
      origin,
      prisma,
    };
    const legacy = this.info.prismaMajor !== undefined && this.info.prismaMajor < 6;
    if (legacy) {
      const unique = `${name}_AB_unique`;
      this.model.indexes.set(key(schema, unique), {
        ...base,
        name: unique,
        elements: [{ column: 'A' }, { column: 'B' }],
        unique: true,
      });
    } else {
      const pkey = `${name}_AB_pkey`;
      table.constraints.unshift({
        kind: 'primary key',
        name: pkey,
        named: false,
        columns: ['A', 'B'],
        inline: false,
        notValid: false,
        origin,
        prisma,
      });
      this.model.indexes.set(key(schema, pkey), {
        ...base,
        name: pkey,
        elements: [{ column: 'A' }, { column: 'B' }],
        unique: true,
        constraint: pkey,
      });
    }
    const bIndex = `${name}_B_index`;
    this.model.indexes.set(key(schema, bIndex), {
      ...base,
      name: bIndex,
      elements: [{ column: 'B' }],
      unique: false,
    });
    this.model.schemas.add(schema);
    this.model.tables.set(key(schema, name), table);
  }
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────

function hasColumns(table: Table, columns: readonly string[]): boolean {
  return columns.every((c) => table.columns.some((x) => x.name === c));
}

interface FieldRef {
  field: string;
  args: PrismaArgument[];
}

function blockAttribute(block: PrismaBlock, name: string): PrismaAttribute | undefined {
  return block.attributes.find((a) => a.name === name);
}

function fieldAttribute(field: PrismaField, name: string): PrismaAttribute | undefined {
  return field.attributes.find((a) => a.name === name);
}

/**
 * The argument called `name`; with `positional`, also the unnamed first argument (what Prisma
 * takes for the attribute's first parameter: `@map("x")`, `@default(now())`, `@@index([a])`).
 */
function argument(
  args: readonly PrismaArgument[] | undefined,
  name: string,
  positional = false,
): PrismaValue | undefined {
  if (!args) return undefined;
  const named = args.find((a) => a.name === name);
  if (named || !positional) return named?.value;
  return args[0]?.name === undefined ? args[0]?.value : undefined;
}

function stringOf(v: PrismaValue | undefined): string | undefined {
  return v?.kind === 'string' ? v.value : undefined;
}

function stringsOf(v: PrismaValue | undefined): string[] {
  if (v?.kind === 'string') return [v.value];
  return v?.kind === 'array' ? v.items.flatMap((i) => (i.kind === 'string' ? [i.value] : [])) : [];
}

/** `[a, b(sort: Desc)]` → the fields with their arguments. */
function fieldList(v: PrismaValue | undefined): FieldRef[] {
  if (!v) return [];
  const items = v.kind === 'array' ? v.items : [v];
  return items.flatMap((i) =>
    i.kind === 'identifier'
      ? [{ field: i.name, args: [] }]
      : i.kind === 'function'
        ? [{ field: i.name, args: i.args }]
        : [],
  );
}

function enumValueName(attributes: PrismaAttribute[], name: string): string {
  return stringOf(argument(attributes.find((a) => a.name === 'map')?.args, 'name', true)) ?? name;
}

function textOf(text: string, node: PrismaNode): string {
  return text.slice(node.start, node.end);
}

function valueText(v: PrismaValue): string {
  switch (v.kind) {
    case 'string':
      return JSON.stringify(v.value);
    case 'number':
      return v.raw;
    case 'boolean':
      return String(v.value);
    case 'null':
      return 'null';
    case 'identifier':
      return v.name;
    case 'function':
      return `${v.name}(${v.args.map((a) => (a.name ? `${a.name}: ` : '') + valueText(a.value)).join(', ')})`;
    case 'array':
      return `[${v.items.map(valueText).join(', ')}]`;
    case 'object':
      return `{ ${v.entries.map((a) => `${a.name}: ${valueText(a.value)}`).join(', ')} }`;
  }
}

/** Prisma's default names: the body cut to fit PostgreSQL's 63 bytes, then the suffix. */
export function truncatedName(body: string, suffix: string): string {
  const limit = MAX_IDENTIFIER_BYTES - suffix.length;
  if (Buffer.byteLength(body) >= limit) {
    let cut = body;
    while (Buffer.byteLength(cut) > limit) cut = cut.slice(0, -1);
    body = cut;
  }
  return body + suffix;
}

/** Prisma orders models by name as Rust compares strings (by code point), not by locale. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function quoteIdentAlways(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literalSql(v: PrismaValue): string | undefined {
  switch (v.kind) {
    case 'string':
      return quoteLiteral(v.value);
    case 'number':
      return v.raw;
    case 'boolean':
      return String(v.value);
    case 'identifier':
      return quoteLiteral(v.name);
    default:
      return undefined;
  }
}

/** A type as SQL, for a cast: `text`, `"Role"`, `numeric(65,30)`. */
function sqlTypeName(t: ColumnType): string {
  const name = /^[a-z_][a-z0-9_]*$/.test(t.name) ? t.name : quoteIdentAlways(t.name);
  const qualified = t.schema ? `${quoteIdentAlways(t.schema)}.${name}` : name;
  return qualified + (t.modifiers.length > 0 ? `(${t.modifiers.join(',')})` : '');
}

const expressionCache = new Map<string, PgNode | undefined>();

/** A SQL expression's PostgreSQL parse tree (`SELECT <sql>`), or undefined when it does not parse. */
function sqlExpression(sql: string): PgNode | undefined {
  if (expressionCache.has(sql)) return expressionCache.get(sql);
  let node: PgNode | undefined;
  try {
    const parsed = parseSql(`SELECT ${sql}`);
    const stmt =
      parsed.errors.length === 0 && parsed.statements.length === 1 ? parsed.statements[0] : undefined;
    node = stmt?.node.SelectStmt?.targetList?.[0]?.ResTarget?.val as PgNode | undefined;
  } catch {
    // The SQL parser is not loaded: no node.
    return undefined;
  }
  expressionCache.set(sql, node);
  return node;
}

/** `Unsupported("tsvector")` → the type PostgreSQL's parser reads in `NULL::tsvector`. */
function parseType(sql: string): Omit<ColumnType, 'range'> | undefined {
  const node = sqlExpression(`NULL::${sql}`);
  const typeName = node?.TypeCast?.typeName as PgNode | undefined;
  if (!typeName) return undefined;
  const { serial: _serial, ...type } = typeFromNode(typeName);
  return type;
}
