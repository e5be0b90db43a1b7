/**
 * Runs a group's migrations in a real PostgreSQL (PGlite: PostgreSQL 18 in WebAssembly), in the
 * order the tool applies them, and reports every statement PostgreSQL rejects with its own message.
 *
 * How a file runs:
 *
 * - Each file starts a fresh session state (`RESET ALL`: search_path, role), as the model assumes.
 * - A file the tool wraps in a transaction (MigrationInfo.transactional) runs inside one, so that
 *   `CREATE INDEX CONCURRENTLY` fails there as it would; other files run statement by statement in
 *   autocommit, as psql runs them. A file's own `BEGIN` / `COMMIT` are run as written.
 * - Fast path: a file without psql meta-commands, COPY data or transaction statements is first
 *   sent whole (one implicit transaction). Only when that fails is it rolled back and replayed
 *   statement by statement, to find each statement that fails.
 * - A statement that fails is rolled back alone (a savepoint inside a transaction) and the run goes
 *   on, as if that statement were not in the file: one run finds every independent failure, where
 *   the real tool would stop at the first. A statement that fails only because an earlier one did
 *   (it names an object the failed statement should have created, or repeats an error already
 *   reported) is counted in `cascades`, not reported again.
 *
 * What is the server's business, not the schema's, is never a failure but a note: an extension
 * PGlite does not bundle (and the types and functions that may come from it), a missing role
 * (created on the spot, so that GRANTs and policies still apply), databases, tablespaces, roles,
 * ALTER SYSTEM, subscriptions.
 */
import type { PGlite, PGliteOptions } from '@electric-sql/pglite' with { 'resolution-mode': 'import' };
import { readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { MigrationToolName } from '../config/config';
import { doBlockStatements, loadSqlParser, parseSql, type ParsedSql, type SqlStatement } from '../parse/sql';
import type { MigrationInfo } from '../project';
import { upSectionEnd } from '../workspace/migrations';
import { catalogSnapshot, withoutBaseline, type CatalogSnapshot } from './catalog';
import { platformOf, type PlatformSetup } from './platforms';

export interface VerifyFile {
  path: string;
  text: string;
}

/** A statement PostgreSQL rejected. */
export interface VerifyFailure {
  file: string;
  /** The statement's UTF-16 range (without its `;`). */
  start: number;
  end: number;
  /** PostgreSQL's message, e.g. `relation "missing" does not exist`. */
  message: string;
  /** SQLSTATE, e.g. `42P01`. */
  code?: string;
  detail?: string;
  hint?: string;
}

/** Something that could not be checked, and why (not the user's error). */
export interface VerifyNote {
  file: string;
  start: number;
  end: number;
  message: string;
}

export interface VerifyOptions {
  /** The group's migration tool: picks the platform preamble (Supabase). */
  tool?: MigrationToolName;
  /** Migration facts by path (whether the tool wraps a file in a transaction). */
  migrations?: ReadonlyMap<string, MigrationInfo>;
  /** Read the catalog once every file has run (default true). */
  snapshot?: boolean;
  /**
   * SQL run before the first file, for what the deployment provides and the migrations assume (a
   * schema created by the application, roles). Its objects are left out of the catalog, like those
   * of a platform preamble.
   */
  preamble?: string;
  /** Never send a file whole, always statement by statement (for benchmarks; slower, same result). */
  statementByStatement?: boolean;
}

export interface VerifyGroupResult {
  failures: VerifyFailure[];
  notes: VerifyNote[];
  /** The catalog after the last file (without what a platform preamble created); empty when not read. */
  catalog: CatalogSnapshot;
  /** Failures not reported because an earlier failure explains them. */
  cascades: number;
  statements: number;
  /** Files that ran whole, without the statement-by-statement replay. */
  fastFiles: number;
}

/** Extensions PGlite 0.5 bundles, by extension name → module under `@electric-sql/pglite/contrib/`. */
const CONTRIB: Record<string, string> = Object.fromEntries(
  [
    'amcheck',
    'auto_explain',
    'bloom',
    'btree_gin',
    'btree_gist',
    'citext',
    'cube',
    'dict_int',
    'dict_xsyn',
    'earthdistance',
    'file_fdw',
    'fuzzystrmatch',
    'hstore',
    'intarray',
    'isn',
    'lo',
    'ltree',
    'moddatetime',
    'pageinspect',
    'pg_buffercache',
    'pg_freespacemap',
    'pg_stat_statements',
    'pg_surgery',
    'pg_trgm',
    'pg_visibility',
    'pg_walinspect',
    'pgcrypto',
    'seg',
    'tablefunc',
    'tcn',
    'tsm_system_rows',
    'tsm_system_time',
    'unaccent',
    'uuid_ossp',
  ].map((m) => [m.replace('uuid_ossp', 'uuid-ossp'), m]),
);

/** Statements about the server rather than the schema: their failures are notes. */
const SERVER_STATEMENTS = new Set([
  'CreatedbStmt',
  'DropdbStmt',
  'AlterDatabaseStmt',
  'AlterDatabaseSetStmt',
  'AlterDatabaseRefreshCollStmt',
  'AlterSystemStmt',
  'CreateTableSpaceStmt',
  'DropTableSpaceStmt',
  'AlterTableSpaceOptionsStmt',
  'CreateRoleStmt',
  'AlterRoleStmt',
  'AlterRoleSetStmt',
  'DropRoleStmt',
  'GrantRoleStmt',
  'CreateSubscriptionStmt',
  'AlterSubscriptionStmt',
  'DropSubscriptionStmt',
  'LoadStmt',
  'CheckPointStmt',
]);

/** SQLSTATEs of "does not exist": the errors a failed CREATE leaves behind it. */
const UNDEFINED = new Set(['42P01', '42704', '42883', '42703', '3F000', '42P02']);
/** Errors an extension PGlite lacks leaves behind: its types and functions are missing. */
const UNDEFINED_TYPE_OR_FUNCTION = new Set(['42704', '42883']);

const SAVEPOINT = 'db_expert_verify';

interface PgError {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
}

function pgError(e: unknown): PgError {
  if (e && typeof e === 'object' && 'message' in e) {
    const x = e as { message: unknown; code?: unknown; detail?: unknown; hint?: unknown };
    return {
      message: String(x.message),
      ...(typeof x.code === 'string' ? { code: x.code } : {}),
      ...(typeof x.detail === 'string' ? { detail: x.detail } : {}),
      ...(typeof x.hint === 'string' ? { hint: x.hint } : {}),
    };
  }
  return { message: String(e) };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

// ── databases ──────────────────────────────────────────────────────────────────────────────────

type PGliteModule = typeof import('@electric-sql/pglite', { with: { 'resolution-mode': 'import' } });

let pgliteModule: Promise<PGliteModule> | undefined;
/** A fresh cluster's data directory, so that only the first database pays for initdb. */
let template: Promise<Blob> | undefined;

async function loadPGlite(): Promise<PGliteModule> {
  pgliteModule ??= import('@electric-sql/pglite');
  return await pgliteModule;
}

async function loadExtensions(names: Iterable<string>): Promise<NonNullable<PGliteOptions['extensions']>> {
  const out: NonNullable<PGliteOptions['extensions']> = {};
  for (const name of new Set(names)) {
    const mod = (await import(`@electric-sql/pglite/contrib/${name}`)) as Record<string, unknown>;
    const ext = mod[name];
    if (ext) out[name] = ext as NonNullable<PGliteOptions['extensions']>[string];
  }
  return out;
}

/**
 * Where a fresh cluster's data directory is kept between runs: initdb costs several seconds, loading
 * its result one. `DB_EXPERT_CACHE_DIR` moves the cache; set to an empty string, it turns it off.
 * The file name carries PGlite's version and the size of its WebAssembly, so that another PGlite
 * never loads it.
 */
function templateCachePath(): string | undefined {
  const dir = process.env.DB_EXPERT_CACHE_DIR ?? join(tmpdir(), 'db-expert');
  if (dir === '') return undefined;
  try {
    const distDir = dirname(require.resolve('@electric-sql/pglite'));
    const version = (
      JSON.parse(readFileSync(join(distDir, '..', 'package.json'), 'utf8')) as { version: string }
    ).version;
    const size = statSync(join(distDir, 'pglite.wasm')).size;
    return join(dir, `pglite-${version}-${size}.tar`);
  } catch {
    return undefined;
  }
}

async function readTemplate(path: string | undefined): Promise<Blob | undefined> {
  if (!path) return undefined;
  try {
    return new Blob([await readFile(path)]);
  } catch {
    return undefined;
  }
}

async function writeTemplate(path: string | undefined, blob: Blob): Promise<void> {
  if (!path) return;
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, new Uint8Array(await blob.arrayBuffer()));
    await rename(temporary, path);
  } catch {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}

/** A new, empty PostgreSQL with the given contrib extensions available. */
async function openDatabase(extensions: Iterable<string>): Promise<PGlite> {
  const { PGlite } = await loadPGlite();
  const ext = await loadExtensions(extensions);
  const cachePath = templateCachePath();
  if (!template) {
    const cached = await readTemplate(cachePath);
    if (cached) template = Promise.resolve(cached);
  }
  if (template) {
    try {
      return await PGlite.create({ loadDataDir: await template, extensions: ext });
    } catch {
      // A damaged cache: start from initdb, and write it again.
      template = undefined;
    }
  }
  const db = await PGlite.create({ extensions: ext });
  if (!template) {
    const dump = db.dumpDataDir('none').then((f) => f as Blob);
    template = dump;
    try {
      await writeTemplate(cachePath, await dump);
    } catch {
      if (template === dump) template = undefined;
    }
  }
  return db;
}

/** Forgets the data directory kept in memory (about 40 MB); the cache on disk stays. */
export function clearVerifyCache(): void {
  template = undefined;
}

// ── objects a statement creates ────────────────────────────────────────────────────────────────

function lastName(list: unknown): string | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const last = list[list.length - 1] as { String?: { sval?: string } };
  return last?.String?.sval;
}

/** Names of what a statement creates or renames to: what later statements fail on when it fails. */
function createdNames(parsed: ParsedSql, stmt: SqlStatement): string[] {
  const n = stmt.node[stmt.kind] as Record<string, any> | undefined;
  if (!n) return [];
  const out: (string | undefined)[] = [];
  switch (stmt.kind) {
    case 'CreateStmt':
    case 'CreateForeignTableStmt':
      out.push(n.relation?.relname ?? n.base?.relation?.relname);
      break;
    case 'CreateTableAsStmt':
      out.push(n.into?.rel?.relname);
      break;
    case 'ViewStmt':
      out.push(n.view?.relname);
      break;
    case 'IndexStmt':
      out.push(n.idxname);
      break;
    case 'CreateSeqStmt':
      out.push(n.sequence?.relname);
      break;
    case 'CompositeTypeStmt':
      out.push(n.typevar?.relname);
      break;
    case 'CreateEnumStmt':
    case 'CreateRangeStmt':
      out.push(lastName(n.typeName));
      break;
    case 'CreateDomainStmt':
      out.push(lastName(n.domainname));
      break;
    case 'DefineStmt':
      out.push(lastName(n.defnames));
      break;
    case 'CreateFunctionStmt':
      out.push(lastName(n.funcname));
      break;
    case 'CreateSchemaStmt':
      out.push(n.schemaname);
      for (const e of n.schemaElts ?? []) {
        const kind = Object.keys(e)[0];
        out.push(...createdNames(parsed, { ...stmt, node: e, kind }));
      }
      break;
    case 'CreateExtensionStmt':
      out.push(n.extname);
      break;
    case 'CreateTrigStmt':
      out.push(n.trigname);
      break;
    case 'CreatePolicyStmt':
      out.push(n.policy_name);
      break;
    case 'RenameStmt':
      out.push(n.newname);
      break;
    case 'AlterTableStmt':
      for (const c of n.cmds ?? []) {
        const cmd = c.AlterTableCmd;
        if (cmd?.subtype === 'AT_AddColumn') out.push(cmd.def?.ColumnDef?.colname);
        if (cmd?.subtype === 'AT_AddConstraint') out.push(cmd.def?.Constraint?.conname);
      }
      break;
    case 'DoStmt':
      for (const inner of doBlockStatements(parsed, stmt)) {
        if (inner.kind !== 'DoStmt') out.push(...createdNames(parsed, inner));
      }
      break;
  }
  return out.filter((x): x is string => typeof x === 'string' && x !== '');
}

/**
 * `relation "x" does not exist` → ['x']; `column "a" of relation "t" does not exist` → ['a', 't'];
 * `relation "s.t" does not exist` → ['s.t', 't'].
 */
function quotedNames(message: string): string[] {
  return [...message.matchAll(/"((?:[^"]|"")*)"/g)].flatMap((m) => {
    const name = m[1].replace(/""/g, '"');
    const dot = name.lastIndexOf('.');
    return dot > 0 ? [name, name.slice(dot + 1)] : [name];
  });
}

// ── the run ────────────────────────────────────────────────────────────────────────────────────

class GroupRun {
  readonly failures: VerifyFailure[] = [];
  readonly notes: VerifyNote[] = [];
  cascades = 0;
  statements = 0;
  fastFiles = 0;
  /** Names of objects whose creating statement failed. */
  private readonly failedNames = new Set<string>();
  /** Messages already reported (a repeated "does not exist" is one problem). */
  private readonly reported = new Set<string>();
  /** Extensions PGlite does not have, which the files create. */
  private readonly unavailable: string[] = [];
  private inTransaction = false;

  constructor(
    private readonly db: PGlite,
    private readonly platform: PlatformSetup | undefined,
    private readonly statementByStatement = false,
  ) {}

  async runFile(path: string, parsed: ParsedSql, transactional: boolean): Promise<void> {
    await this.db.exec('RESET ALL');
    if (this.platform?.searchPath) await this.db.exec(`SET search_path TO ${this.platform.searchPath}`);
    this.statements += parsed.statements.length;
    if (parsed.statements.length === 0) return;
    if (!this.statementByStatement && this.canRunWhole(parsed)) {
      // Several statements in one query run as one implicit transaction: all or nothing. A lone
      // statement does not, so the tool's transaction is explicit (CONCURRENTLY must fail in it).
      try {
        if (transactional) await this.db.exec('BEGIN');
        await this.db.exec(parsed.sqlText);
        if (transactional) await this.db.exec('COMMIT');
        this.fastFiles++;
        return;
      } catch {
        // Undone, and replayed below one statement at a time, to find which statements fail.
        if (transactional) await this.db.exec('ROLLBACK');
      }
    }
    await this.runStatements(path, parsed, transactional);
  }

  private canRunWhole(parsed: ParsedSql): boolean {
    return (
      parsed.errors.length === 0 &&
      parsed.blanks.length === 0 &&
      !parsed.statements.some((s) => s.kind === 'TransactionStmt')
    );
  }

  private async runStatements(path: string, parsed: ParsedSql, transactional: boolean): Promise<void> {
    if (transactional) {
      await this.db.exec('BEGIN');
      this.inTransaction = true;
    }
    let last: SqlStatement | undefined;
    for (const stmt of parsed.statements) {
      last = stmt;
      if (stmt.kind === 'TransactionStmt') {
        await this.runTransactionStatement(path, parsed, stmt);
        continue;
      }
      await this.runStatement(path, parsed, stmt);
    }
    if (this.inTransaction) {
      // The tool's COMMIT (or the file's own BEGIN left open, which a session's end would not keep,
      // but the model does).
      try {
        await this.db.exec('COMMIT');
      } catch (e) {
        this.fail(path, parsed, last!, pgError(e));
      }
      this.inTransaction = false;
    }
  }

  private async runTransactionStatement(path: string, parsed: ParsedSql, stmt: SqlStatement): Promise<void> {
    const kind = String(stmt.node.TransactionStmt?.kind ?? '');
    try {
      await this.db.exec(parsed.sqlText.slice(stmt.start, stmt.end));
    } catch (e) {
      this.fail(path, parsed, stmt, pgError(e));
    }
    if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') this.inTransaction = true;
    else if (!/SAVEPOINT|RELEASE|ROLLBACK_TO/.test(kind)) this.inTransaction = false;
  }

  private async runStatement(path: string, parsed: ParsedSql, stmt: SqlStatement): Promise<void> {
    const text = parsed.sqlText.slice(stmt.start, stmt.end);
    if (
      parsed.blanks.some((b) => b.kind === 'psql-variable' && b.start >= stmt.start && b.start < stmt.end)
    ) {
      this.note(path, stmt, 'Not run: the statement uses psql variables, whose values only psql knows.');
      for (const name of createdNames(parsed, stmt)) this.failedNames.add(name);
      return;
    }
    for (let attempt = 0; ; attempt++) {
      if (this.inTransaction) await this.db.exec(`SAVEPOINT ${SAVEPOINT}`);
      try {
        await this.execute(parsed, stmt, text);
        if (this.inTransaction) await this.db.exec(`RELEASE SAVEPOINT ${SAVEPOINT}`);
        return;
      } catch (e) {
        if (this.inTransaction) {
          await this.db.exec(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}`);
        }
        const error = pgError(e);
        const role = /^role "((?:[^"]|"")+)" does not exist$/.exec(error.message)?.[1];
        if (role !== undefined && error.code === '42704' && attempt < 8) {
          // Roles belong to the server, which the migrations assume is set up: create it and retry.
          await this.db.exec(`CREATE ROLE ${quoteIdent(role.replace(/""/g, '"'))}`);
          this.note(path, stmt, `Role "${role}" does not exist in an empty database: created it to go on.`);
          continue;
        }
        this.fail(path, parsed, stmt, error);
        return;
      }
    }
  }

  /** Runs one statement; `COPY … FROM stdin` gets the data lines that follow it in the file. */
  private async execute(parsed: ParsedSql, stmt: SqlStatement, text: string): Promise<void> {
    const copy = stmt.node.CopyStmt as Record<string, unknown> | undefined;
    if (copy && copy.is_from && copy.filename === undefined && !copy.is_program) {
      const data = parsed.blanks.find((b) => b.kind === 'copy-data' && b.start >= stmt.end);
      const lines = data ? parsed.text.slice(data.start, data.end).replace(/(?:^|\n)\\\.\s*$/, '') : '';
      const sql = text.replace(/\bfrom\s+stdin\b/i, `FROM '/dev/blob'`);
      await this.db.query(sql, [], { blob: new Blob([lines ? `${lines}\n` : '']) });
      return;
    }
    await this.db.exec(text);
  }

  private fail(path: string, parsed: ParsedSql, stmt: SqlStatement, error: PgError): void {
    const names = createdNames(parsed, stmt);
    const message = error.message;
    const code = error.code ?? '';
    const extension = /^extension "((?:[^"]|"")+)" is not available$/.exec(message)?.[1];
    if (extension !== undefined) {
      this.unavailable.push(extension);
      this.note(
        path,
        stmt,
        `Not checked: extension "${extension}" is not available in the embedded PostgreSQL (PGlite); statements that need it are skipped.`,
      );
      return;
    }
    if (SERVER_STATEMENTS.has(stmt.kind) || code === '3D000') {
      this.note(path, stmt, `Not checked (the server's setup, not the schema): ${message}`);
      return;
    }
    for (const name of names) this.failedNames.add(name);
    if (UNDEFINED.has(code)) {
      if (this.reported.has(message) || quotedNames(message).some((n) => this.failedNames.has(n))) {
        this.cascades++;
        return;
      }
      if (this.unavailable.length > 0 && UNDEFINED_TYPE_OR_FUNCTION.has(code)) {
        this.note(
          path,
          stmt,
          `Not checked: ${message} (perhaps from extension ${this.unavailable.map((x) => `"${x}"`).join(', ')}, which PGlite lacks).`,
        );
        return;
      }
    }
    this.reported.add(message);
    this.failures.push({
      file: path,
      start: stmt.start,
      end: stmt.end,
      message,
      ...(error.code ? { code: error.code } : {}),
      ...(error.detail ? { detail: error.detail } : {}),
      ...(error.hint ? { hint: error.hint } : {}),
    });
  }

  private note(path: string, stmt: SqlStatement, message: string): void {
    this.notes.push({ file: path, start: stmt.start, end: stmt.end, message });
  }
}

function emptySnapshot(): CatalogSnapshot {
  return { tables: [], indexes: [], constraints: [], policies: [], triggers: [], enums: [], views: [] };
}

/**
 * Extensions the files create that PGlite bundles (their modules must be loaded up front). Read from
 * the text, so that a CREATE EXTENSION inside a DO block or an EXECUTE string counts too: loading
 * one module too many costs little, one too few fails the statement.
 */
function contribModules(parsed: Iterable<ParsedSql>): string[] {
  const out = new Set<string>();
  const pattern = /\bcreate\s+extension\s+(?:if\s+not\s+exists\s+)?"?([\w-]+)/gi;
  for (const p of parsed) {
    for (const m of p.sqlText.matchAll(pattern)) {
      const module = CONTRIB[m[1].toLowerCase()];
      if (module) out.add(module);
    }
  }
  return [...out];
}

/**
 * Applies a group's files (in the tool's order) to a new embedded PostgreSQL and reports every
 * statement it rejects; then reads its catalog. `parsed` may hold the files' parses already (the
 * lint's); missing ones are parsed here.
 */
export async function verifyGroup(
  files: readonly VerifyFile[],
  parsed: ReadonlyMap<string, ParsedSql> = new Map(),
  options: VerifyOptions = {},
): Promise<VerifyGroupResult> {
  await loadSqlParser();
  const inputs = files.map((f) => {
    // A dbmate file's `-- migrate:down` section is its rollback: never run on the way up.
    const end = upSectionEnd(options.tool, f.text);
    if (end < f.text.length) return { path: f.path, parsed: parseSql(f.text.slice(0, end)) };
    return { path: f.path, parsed: parsed.get(f.path) ?? parseSql(f.text) };
  });
  const platform = platformOf(options.tool);
  const db = await openDatabase([
    ...(platform?.extensions ?? []),
    ...contribModules(inputs.map((i) => i.parsed)),
  ]);
  try {
    let baseline: CatalogSnapshot | undefined;
    if (platform) await db.exec(platform.preamble);
    if (options.preamble) await db.exec(options.preamble);
    if ((platform || options.preamble) && options.snapshot !== false) baseline = await catalogSnapshot(db);
    const run = new GroupRun(db, platform, options.statementByStatement);
    for (const { path, parsed: p } of inputs) {
      await run.runFile(path, p, options.migrations?.get(path)?.transactional ?? false);
    }
    let catalog = emptySnapshot();
    if (options.snapshot !== false) {
      catalog = await catalogSnapshot(db);
      if (baseline) catalog = withoutBaseline(catalog, baseline);
    }
    return {
      failures: run.failures,
      notes: run.notes,
      catalog,
      cascades: run.cascades,
      statements: run.statements,
      fastFiles: run.fastFiles,
    };
  } finally {
    await db.close();
  }
}
