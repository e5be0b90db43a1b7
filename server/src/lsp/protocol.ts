/**
 * What the language server's main thread and its analysis worker say to each other. Plain data
 * only (it crosses `postMessage`): file texts go in, findings and table cards come out.
 *
 * The main thread owns the workspace (disk texts overlaid by the editor's) and decides what to
 * lint; the worker owns the engine, keeps the texts it was sent, and lints one request at a time.
 */
import type { ResolvedConfig } from '../engine/config/config';
import type { Finding, SeveritySetting } from '../engine/findings';

/** A file's new text, or `null` when it is gone. */
export interface FileUpdate {
  path: string;
  text: string | null;
}

/** Files linted together as one project: a migrations folder, or one stand-alone file. */
export interface UnitRequest {
  key: string;
  files: string[];
  /** Its rules read the other units' models at its last lint: lint it with the project's files. */
  readsOthers?: boolean;
  /** One of its files is open in the editor (typed in: a file on its own is linted padded). */
  open?: boolean;
}

export interface LintRequest {
  kind: 'lint';
  id: number;
  /** The project the paths belong to (texts are kept per project). */
  project: string;
  config: ResolvedConfig;
  overrides: Record<string, SeveritySetting>;
  /** Texts that changed since they were last sent. */
  updates: FileUpdate[];
  /**
   * Every file of the project's units: what a unit's rules see of the others (their models).
   * Without it, each unit is linted on its own.
   */
  projectFiles?: string[];
  units: UnitRequest[];
  /** Also run each unit's migrations in an embedded PostgreSQL (`dbExpert.verify`). */
  verify?: boolean;
}

export interface DropProject {
  kind: 'drop';
  project: string;
}

export type ToWorker = LintRequest | DropProject;

/** A 0-based line in a project file, for "defined at file:line". */
export interface Loc {
  file: string;
  line: number;
}

export interface CardColumn {
  name: string;
  type: string;
  notNull: boolean;
  identity?: string;
  default?: string;
  loc: Loc;
}

export interface CardConstraint {
  kind: string;
  name: string;
  columns: string[];
  /** Foreign keys: the referenced table (`schema.name`) and columns. */
  references?: { schema: string; name: string; columns: string[] };
  onDelete?: string;
  loc: Loc;
}

export interface CardIndex {
  name: string;
  /** The elements as written: `customer_id`, `lower(email)`. */
  elements: string[];
  unique: boolean;
  method: string;
  /** The WHERE of a partial index. */
  where?: string;
  /** The constraint it backs (PRIMARY KEY / UNIQUE). */
  constraint?: string;
  loc: Loc;
}

export interface CardPolicy {
  name: string;
  command: string;
  permissive: boolean;
  roles: string[];
  using?: string;
  withCheck?: string;
  loc: Loc;
}

/** What a hover shows about a table: the model's facts, each with where it was written. */
export interface TableCard {
  schema: string;
  name: string;
  kind: string;
  loc: Loc;
  /** Later statements that altered the table. */
  altered: Loc[];
  columns: CardColumn[];
  constraints: CardConstraint[];
  indexes: CardIndex[];
  rls: { enabled: boolean; forced: boolean; loc?: Loc };
  policies: CardPolicy[];
  partitionOf?: string;
  comment?: string;
}

export interface UnitResult {
  key: string;
  files: string[];
  findings: Finding[];
  /**
   * The unit's table cards as JSON: a string crosses to the main thread as one copy, where the
   * objects of a 5 MB schema would be rebuilt one by one, blocking it; it is parsed on first hover.
   * Absent for a large unit: its cards follow in a `cards` message once the worker is idle.
   */
  tablesJson?: string;
  /** Wall time of the lint, ms. */
  ms: number;
  /** A rule read the models of the project's other units: they matter to this one's findings. */
  usedOtherUnits?: boolean;
}

/** The table cards of a unit's last lint, made after its findings were sent. */
export interface UnitCards {
  project: string;
  key: string;
  files: string[];
  tablesJson: string;
}

/** One unit's result, sent as soon as it is done. */
export interface UnitDone {
  kind: 'unit';
  id: number;
  unit: UnitResult;
}

/** The end of a request. */
export interface LintDone {
  kind: 'done';
  id: number;
  /**
   * The engine hit a fault it may not recover from (a WebAssembly trap): the worker should be
   * replaced before the next request.
   */
  restart?: boolean;
}

export interface WorkerLog {
  kind: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
}

export type FromWorker =
  UnitDone | LintDone | WorkerLog | ({ kind: 'cards' } & UnitCards) | { kind: 'ready' };
