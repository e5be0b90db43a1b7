/**
 * The schema model: what a set of SQL files (or a Prisma schema) describes once every statement
 * has been applied in order. Plain data; every object remembers where it was written, so a finding
 * can point at the column or constraint that is wrong. Rules read this model and nothing else.
 */
import type { SourceRange } from '../findings';
import type { PgNode } from '../parse/sql';

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
  /** Column definition (name through its last constraint). */
  origin: Origin;
  /** Range of the column name. */
  nameRange: SourceRange;
  comment?: string;
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
  origin: Origin;
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
  partitionBy?: { strategy: 'range' | 'list' | 'hash'; columns: string[] };
  inherits: QualifiedName[];
  temporary: boolean;
  unlogged: boolean;
  rls: RowLevelSecurity;
  comment?: string;
  origin: Origin;
  /** Every statement that created or altered the table, in order (for placing fixes after them). */
  statements: SourceRange[];
}

export interface View {
  schema: string;
  name: string;
  materialized: boolean;
  origin: Origin;
}

export interface EnumType {
  schema: string;
  name: string;
  values: string[];
  origin: Origin;
}

export interface Domain {
  schema: string;
  name: string;
  baseType: ColumnType;
  notNull: boolean;
  checks: { node?: PgNode; text?: string }[];
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
  };
}
