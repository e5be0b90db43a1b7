/**
 * The schema model: what a set of SQL files (or a Prisma schema) describes once every statement
 * has been applied in order. Plain data; every object remembers where it was written, so a finding
 * can point at the column or constraint that is wrong. Rules read this model and nothing else.
 */
import type { SourceRange } from '../findings';
import type { ParsedSql, PgNode, SqlStatement } from '../parse/sql';

/** Where an object came from: its own range, and the whole statement that wrote it. */
export interface Origin {
  /** The object's own text: a column definition, a constraint clause, an index statement. */
  range: SourceRange;
  /** The whole statement (with its `;`), for fixes that add a statement after it. */
  statement: SourceRange;
}

export interface QualifiedName {
  schema: string;
  name: string;
}

export interface ColumnType {
  /**
   * Canonical PostgreSQL name, lower case, as the catalog spells it: `int4`, `int8`, `int2`,
   * `text`, `varchar`, `bpchar`, `numeric`, `float4`, `float8`, `bool`, `timestamp`,
   * `timestamptz`, `date`, `time`, `uuid`, `json`, `jsonb`, `money`, `inet`, `bytea` … or the
   * name of a user type (enum, domain) without its schema.
   */
  name: string;
  /** Schema of a user-defined type when written qualified. */
  schema?: string;
  /** Type modifiers: `varchar(255)` → [255]; `numeric(12,2)` → [12, 2]. */
  modifiers: number[];
  /** Number of array dimensions (`text[]` → 1). */
  arrayDims: number;
  /**
   * The fields an interval type keeps (`interval day to second`), as PostgreSQL's range mask;
   * undefined for every field (`interval`, `interval(3)`).
   */
  intervalFields?: number;
  /** How the user wrote it (`serial`, `integer`, `character varying(255)`) for messages. */
  written: string;
  /** The source range of the type in the column definition. */
  range?: SourceRange;
}

export type FkAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

export interface Column {
  name: string;
  type: ColumnType;
  notNull: boolean;
  /** The default expression as written (`now()`), undefined when none. */
  default?: string;
  defaultNode?: PgNode;
  identity?: 'always' | 'by default';
  /** Written as serial/bigserial/smallserial (type is then int4/int8/int2). */
  serial?: 'smallserial' | 'serial' | 'bigserial';
  /** GENERATED ALWAYS AS (expr) STORED. */
  generated?: boolean;
  /** The expression of a generated column. */
  generatedNode?: PgNode;
  /** Column definition (name through its last constraint). */
  origin: Origin;
  /** Range of the column name. */
  nameRange: SourceRange;
  comment?: string;
  /** Set when a Prisma schema wrote the column (its field, type, default and @updatedAt as written). */
  prisma?: PrismaColumnInfo;
}

export type ConstraintKind = 'primary key' | 'unique' | 'foreign key' | 'check' | 'exclude';

export interface Constraint {
  kind: ConstraintKind;
  /** The name written by the user, or the name PostgreSQL would generate. */
  name: string;
  /** True when the user wrote CONSTRAINT <name>. */
  named: boolean;
  columns: string[];
  /** Written inline on a column (`id int PRIMARY KEY`) rather than as a table constraint. */
  inline: boolean;
  notValid: boolean;
  deferrable?: boolean;
  /** UNIQUE NULLS NOT DISTINCT. */
  nullsNotDistinct?: boolean;
  /** Columns of INCLUDE (…) for PK/UNIQUE. */
  include?: string[];
  /** Foreign keys. */
  references?: { table: QualifiedName; columns: string[] };
  /** ON DELETE action; undefined when the user did not write ON DELETE (PostgreSQL: NO ACTION). */
  onDelete?: FkAction;
  onUpdate?: FkAction;
  /** CHECK expression. */
  checkNode?: PgNode;
  /** Columns a CHECK expression reads. */
  checkColumns?: string[];
  /** CHECK expression text as written. */
  checkText?: string;
  /** EXCLUDE: every column its elements read, expressions included (`tsrange(starts_at, ends_at)`). */
  exclusionColumns?: string[];
  origin: Origin;
  /**
   * Foreign keys whose ON DELETE / ON UPDATE was not written: the action that applies anyway. Prisma
   * sets Restrict (SetNull when a field is optional) and Cascade; undefined where not known.
   */
  impliedOnDelete?: FkAction;
  impliedOnUpdate?: FkAction;
  /**
   * True when the database does not enforce the constraint: a Prisma relation under
   * `relationMode = "prisma"` (Prisma Client emulates it, and there is no index behind it).
   */
  notEnforced?: boolean;
  /** Set when a Prisma schema wrote it: the model, and the field for a relation or a field attribute. */
  prisma?: PrismaName;
}

export interface IndexElement {
  /** The column, when the element is a plain column. */
  column?: string;
  /** The expression as written, when the element is an expression (`lower(email)`). */
  expression?: string;
  /** A normalised form of the expression (layout and case do not matter), for comparing indexes. */
  expressionKey?: string;
  /** Columns an expression element reads. */
  expressionColumns?: string[];
  descending?: boolean;
  /** Operator class or collation, which make two otherwise equal elements differ. */
  opclass?: string;
  collation?: string;
}

export interface Index {
  schema: string;
  name: string;
  table: QualifiedName;
  elements: IndexElement[];
  include: string[];
  unique: boolean;
  nullsNotDistinct?: boolean;
  /** Access method: btree, gin, gist, hash, brin, … */
  method: string;
  /** The WHERE predicate of a partial index. */
  predicateNode?: PgNode;
  predicateText?: string;
  concurrently: boolean;
  /**
   * Set when the index backs a PRIMARY KEY or UNIQUE constraint (it has no statement of its own):
   * the constraint's name.
   */
  constraint?: string;
  origin: Origin;
  /** Set when a Prisma schema wrote it (`@@index`, `@unique`, `@@unique`, `@id`, `@@id`). */
  prisma?: PrismaName;
}

export type PolicyCommand = 'all' | 'select' | 'insert' | 'update' | 'delete';

export interface Policy {
  name: string;
  table: QualifiedName;
  command: PolicyCommand;
  permissive: boolean;
  roles: string[];
  usingNode?: PgNode;
  usingText?: string;
  withCheckNode?: PgNode;
  withCheckText?: string;
  origin: Origin;
}

export type TriggerEvent = 'insert' | 'update' | 'delete' | 'truncate';

export interface Trigger {
  name: string;
  table: QualifiedName;
  timing: 'before' | 'after' | 'instead of';
  events: TriggerEvent[];
  /** UPDATE OF col, … */
  updateColumns: string[];
  forEachRow: boolean;
  function: QualifiedName;
  origin: Origin;
}

export interface RowLevelSecurity {
  enabled: boolean;
  forced: boolean;
  /** The statement that last enabled it. */
  enabledAt?: Origin;
  forcedAt?: Origin;
}

export type TableKind = 'table' | 'partitioned table' | 'foreign table';

export interface Table {
  schema: string;
  name: string;
  kind: TableKind;
  columns: Column[];
  constraints: Constraint[];
  /** `PARTITION OF parent`: a partition inherits its parent's keys and indexes. */
  partitionOf?: QualifiedName;
  /** PARTITION BY clause (for a partitioned table). */
  partitionBy?: {
    strategy: 'range' | 'list' | 'hash';
    /** The key's plain columns. */
    columns: string[];
    /** The columns its expressions read (`date_trunc('day', created_at)`). */
    expressionColumns?: string[];
  };
  inherits: QualifiedName[];
  temporary: boolean;
  unlogged: boolean;
  rls: RowLevelSecurity;
  comment?: string;
  origin: Origin;
  /** Every statement that created or altered the table, in order (for placing fixes after them). */
  statements: SourceRange[];
  /**
   * Created by `CREATE TABLE … AS SELECT` (or `SELECT … INTO`): the columns are the query's, and
   * their types are known only where the query says (a cast, a literal, a column of a known
   * table); elsewhere the type is `unknown`.
   */
  fromQuery?: boolean;
  /**
   * Set when a Prisma schema wrote the table: its model, or for the join table of an implicit
   * many-to-many relation (`_CategoryToPost`), the model and field that declare the relation.
   */
  prisma?: PrismaName & { implicitManyToMany?: boolean };
}

export interface View {
  schema: string;
  name: string;
  materialized: boolean;
  /** The query it runs (its SelectStmt node, under its key). */
  queryNode?: PgNode;
  /** The names its column list gives the query's columns, in order (`CREATE VIEW v (a, b) AS …`). */
  columnNames?: string[];
  origin: Origin;
  prisma?: PrismaName;
}

export interface EnumType {
  schema: string;
  name: string;
  values: string[];
  origin: Origin;
  /** Set when a Prisma schema wrote it (`model` is then the enum's name). */
  prisma?: PrismaName;
}

export interface Domain {
  schema: string;
  name: string;
  baseType: ColumnType;
  notNull: boolean;
  checks: { node?: PgNode; text?: string }[];
  /** The expression of its DEFAULT, if it has one. */
  defaultNode?: PgNode;
  origin: Origin;
}

export interface FunctionDef {
  schema: string;
  name: string;
  /** Argument types as written, for telling overloads apart. */
  argTypes: string[];
  returns?: string;
  language?: string;
  /** The body of a `$$`-quoted function, as text. */
  body?: string;
  origin: Origin;
}

export interface Sequence {
  schema: string;
  name: string;
  origin: Origin;
}

/** The whole schema. Keys of the maps are `schema.name` (see `key()`). */
export interface SchemaModel {
  tables: Map<string, Table>;
  /** Indexes by `schema.name`, including those that back PK and UNIQUE constraints. */
  indexes: Map<string, Index>;
  views: Map<string, View>;
  enums: Map<string, EnumType>;
  domains: Map<string, Domain>;
  functions: Map<string, FunctionDef[]>;
  sequences: Map<string, Sequence>;
  policies: Policy[];
  triggers: Trigger[];
  schemas: Set<string>;
  /** Extensions created (pgcrypto, uuid-ossp …). */
  extensions: Set<string>;
  /** Set when the model was built from a Prisma schema. */
  prisma?: PrismaSchemaInfo;
  /**
   * The SQL statements that built the model, in the order they were applied (with the statements a
   * DO block runs), for the rules that judge a migration step by step rather than the end state.
   */
  history?: StatementEvent[];
}

/** A table a statement acts on, as the statement found it. */
export interface TableAtStatement {
  /** The name, resolved with the search_path in effect at the statement. */
  name: QualifiedName;
  /** The table (as it stands after every statement), when the model knew it at that moment. */
  table?: Table;
  /**
   * The table existed before the statement's file: an earlier migration (or something outside the
   * files) created it, so it may hold rows and serve traffic. False when the same file created it.
   */
  existing: boolean;
}

/** One applied statement. */
export interface StatementEvent {
  file: string;
  /** The statement's node type (`AlterTableStmt`) and node (the value under that key). */
  kind: string;
  node: PgNode;
  stmt: SqlStatement;
  /** The file's parse, to turn the node's locations into offsets (`nodeOffset`). */
  parsed: ParsedSql;
  /** The search_path in effect. */
  searchPath: readonly string[];
  /** Run by a DO block (the statement is the block). */
  inDoBlock: boolean;
  /**
   * The tables the statement alters, indexes, renames or drops (ALTER TABLE, CREATE INDEX,
   * RENAME, DROP TABLE / INDEX), as they stood before it.
   */
  tables: TableAtStatement[];
}

// ── Prisma ─────────────────────────────────────────────────────────────────────────────────────

/** Names as a Prisma schema spells them (before `@map` / `@@map`), for messages such as `Post.authorId`. */
export interface PrismaName {
  /** The model (or enum, or view). */
  model: string;
  /** The field: of a column, of a relation (for its foreign key), of a field-level `@id`/`@unique`. */
  field?: string;
}

export interface PrismaColumnInfo extends PrismaName {
  field: string;
  /** The Prisma type as written: `String`, `DateTime`, an enum's name, `Unsupported`. */
  type: string;
  /** `@db.VarChar(255)` → name `VarChar`, args `['255']`, and the attribute's range. */
  nativeType?: { name: string; args: string[]; range: SourceRange };
  /**
   * `@default(…)` as written (`now()`, `cuid()`, `"draft"`). `client` is true when Prisma Client
   * computes the value (`uuid()`, `cuid()`, `nanoid()`, `ulid()`): the database then has no
   * default (the column's `default` is undefined), and writers other than Prisma Client get none.
   */
  default?: { expression: string; function?: string; client: boolean; range: SourceRange };
  /**
   * `@updatedAt`: Prisma Client sets the column on every update it makes, which counts like a
   * BEFORE UPDATE trigger for writes through Prisma (not for other writers).
   */
  updatedAt?: boolean;
}

export interface PrismaSchemaInfo {
  /** `relationMode` of the datasource: `prisma` means no foreign keys in the database. */
  relationMode: 'foreignKeys' | 'prisma';
  /** The datasource's provider (`postgresql`, `cockroachdb`, `mysql` …), when written. */
  provider?: string;
  /** Preview features of the generators. */
  previewFeatures: string[];
  /** The Prisma major version the schema is for, when known. */
  prismaMajor?: number;
}

export function key(schema: string, name: string): string {
  return `${schema}.${name}`;
}

export function tableKey(t: QualifiedName): string {
  return key(t.schema, t.name);
}

export function emptyModel(): SchemaModel {
  return {
    tables: new Map(),
    indexes: new Map(),
    views: new Map(),
    enums: new Map(),
    domains: new Map(),
    functions: new Map(),
    sequences: new Map(),
    policies: [],
    triggers: [],
    schemas: new Set(['public']),
    extensions: new Set(),
    history: [],
  };
}
