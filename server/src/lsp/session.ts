/**
 * The language server: LSP requests and notifications on the main thread, analysis in a worker.
 *
 * - Projects: each workspace folder is indexed at start (every .sql/.prisma file, with progress)
 *   and kept current from file events; a file outside every folder is a project of its own.
 *   Open documents overlay the disk: unsaved text wins.
 * - Diagnostics: on open at once, on change after a debounce; the whole unit (migrations folder)
 *   of a changed file is linted again and every file of it whose diagnostics changed is published.
 * - Hover, code actions: answered from the last results on the main thread, never waiting for a
 *   lint, so a 5 MB file being checked delays nothing.
 *
 * initializationOptions (all optional): `debounceMs` (150), `lintTimeoutMs` (a lint running longer
 * ends the worker; 60000), `settings` (the `dbExpert` settings, for clients without
 * workspace/configuration).
 */
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { glob } from 'tinyglobby';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DiagnosticSeverity,
  FileChangeType,
  MarkupKind,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type Diagnostic,
  type DidChangeWatchedFilesParams,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { version } from '../../../package.json';
import type { Finding } from '../engine/findings';
import { ruleIds } from '../engine/rules';
import { LineIndex } from '../engine/text';
import { CONFIG_FILE, isLintable, readProjectFile, toRootPath } from '../cli/files';
import { codeActions, FIX_ALL_KIND, type ActionContext } from './actions';
import { sameJson, SOURCE, toDiagnostic, type EditCapabilities } from './convert';
import { findTable, nameAt, ruleHover, tableHover } from './hover';
import { modelText } from './model-text';
import { LintedUnit, Project, type FileResult } from './project';
import type { Loc, TableCard, UnitResult } from './protocol';
import { Scheduler } from './scheduler';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings';
import { WorkerHost } from './worker-host';

const SQL_LANGUAGES = new Set(['sql', 'postgres', 'pgsql', 'postgresql', 'psql', 'plpgsql']);
const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**'];
const IGNORED_SEGMENT = /(^|\/)(node_modules|\.git)\//;
/** A migration's settings file (`migrationSettingsPaths`): read with the SQL, not linted. */
function isMigrationSettings(path: string): boolean {
  return /(?:^|\/)metadata\.toml$|\.sql\.conf$/i.test(path);
}

interface Options {
  debounceMs: number;
  lintTimeoutMs: number;
}

interface ClientCaps extends EditCapabilities {
  configuration: boolean;
  watchedFilesDynamic: boolean;
  configurationDynamic: boolean;
  workspaceFolders: boolean;
}

/** A file URI → file-system path (VS Code writes a Windows drive's colon as %3A). */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri.replace(/^file:\/\/\/([A-Za-z])%3A/i, 'file:///$1:'));
  } catch {
    return undefined;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function numberOption(raw: unknown, key: string, fallback: number): number {
  const v = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
}

/**
 * Whether findings show as exactly the diagnostics of an earlier result of the same text: the same
 * rules, severities, messages and offsets, and related places in files of the unit whose text is
 * unchanged too (their offsets then stand on the same lines). Cheaper than converting and comparing
 * them.
 */
function sameDiagnostics(
  before: FileResult,
  findings: readonly Finding[],
  snapshot: ReadonlyMap<string, number>,
): boolean {
  if (before.findings.length !== findings.length) return false;
  for (let i = 0; i < findings.length; i++) {
    const a = before.findings[i];
    const b = findings[i];
    if (
      a.ruleId !== b.ruleId ||
      a.severity !== b.severity ||
      a.message !== b.message ||
      a.start !== b.start ||
      a.end !== b.end ||
      (a.related?.length ?? 0) !== (b.related?.length ?? 0)
    )
      return false;
    for (let k = 0; k < (b.related?.length ?? 0); k++) {
      const ra = a.related![k];
      const rb = b.related![k];
      if (ra.file !== rb.file || ra.start !== rb.start || ra.end !== rb.end || ra.message !== rb.message)
        return false;
      const gen = snapshot.get(rb.file);
      if (gen === undefined || before.snapshot.get(rb.file) !== gen) return false;
    }
  }
  return true;
}

export function startServer(connection: Connection): void {
  new Session(connection).listen();
}

class Session {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly projects = new Map<string, Project>();
  /** What the client was last sent for each document (a clean file that never had any: absent). */
  private readonly published = new Map<string, Diagnostic[]>();
  private readonly seenVersion = new Map<string, number>();
  private readonly host: WorkerHost;
  private readonly scheduler: Scheduler;
  private caps: ClientCaps = {
    configuration: false,
    watchedFilesDynamic: false,
    configurationDynamic: false,
    workspaceFolders: false,
    documentChanges: false,
    createFiles: false,
  };
  private options: Options = { debounceMs: 150, lintTimeoutMs: 60_000 };
  private initialSettings: unknown;
  private pushedSettings: unknown;
  private globalSettings: Settings = DEFAULT_SETTINGS;
  private progress: WorkDoneProgressServerReporter | undefined;
  private checkedUnits = 0;
  private startedAt = performance.now();
  private reportedFirstIdle = false;
  private indexing = 0;
  private readonly settingProblems = new Set<string>();
  private idleWaiters: (() => void)[] = [];
  private cardWaiters: (() => void)[] = [];

  constructor(private readonly connection: Connection) {
    this.host = new WorkerHost({
      log: (level, message) => this.log(level, message),
      onRestart: () => {
        // The new worker knows no texts: everything goes again with the next requests. The table
        // cards the old one was to make are lost: their units are linted again, to make them.
        for (const p of this.projects.values()) {
          for (const f of p.files.values()) f.sentGen = -1;
          p.relintAwaitingCards();
        }
        this.scheduler.schedule(0);
      },
      onCards: (cards) => {
        const unit = this.projects.get(cards.project)?.linted.get(cards.key);
        if (unit && unit.files.join('\0') === cards.files.join('\0')) unit.setCards(cards.tablesJson);
        const waiters = this.cardWaiters;
        this.cardWaiters = [];
        for (const w of waiters) w();
      },
    });
    this.scheduler = new Scheduler(
      this.host,
      {
        projects: () => this.projects.values(),
        onUnit: (project, unit, snapshot) => this.onUnit(project, unit, snapshot),
        onCleared: (project, paths) => {
          for (const p of paths) this.publishFile(project, p);
        },
        onIdle: () => this.onIdle(),
        log: (level, message) => this.log(level, message),
      },
      { batchChars: 1_000_000, batchUnits: 64 },
    );
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => void this.initialized());
    c.onDidChangeConfiguration((params) => {
      this.pushedSettings = (params.settings as { dbExpert?: unknown } | undefined)?.dbExpert;
      void this.refreshSettings();
    });
    c.onDidChangeWatchedFiles((params) => this.watchedFilesChanged(params));
    c.onHover((params) =>
      this.guard('hover', () => this.hover(params.textDocument.uri, params.position), null),
    );
    c.onCodeAction((params) =>
      this.guard(
        'codeAction',
        () => this.codeActions(params.textDocument.uri, params.context.diagnostics, params.context.only),
        [],
      ),
    );
    c.onRequest('dbExpert/lintWorkspace', () => this.lintWorkspace());
    c.onRequest('dbExpert/schemaModel', (params: { uri?: unknown } | undefined) =>
      typeof params?.uri === 'string' ? this.schemaModel(params.uri) : Promise.resolve('No document given.'),
    );
    c.onShutdown(async () => {
      this.scheduler.dispose();
      await this.host.stop();
    });
    this.documents.onDidOpen(({ document }) => this.guard('open', () => this.opened(document), undefined));
    this.documents.onDidChangeContent(({ document }) => {
      if (this.seenVersion.get(document.uri) === document.version) return;
      this.guard('change', () => this.changed(document), undefined);
    });
    this.documents.onDidClose(({ document }) => this.guard('close', () => this.closed(document), undefined));
    this.documents.listen(c);
    c.listen();
  }

  // ---- Lifecycle ------------------------------------------------------------------------------

  private initialize(params: InitializeParams): InitializeResult {
    this.startedAt = performance.now();
    const ws = (params.capabilities as InitializeParams['capabilities'] | undefined)?.workspace;
    this.caps = {
      configuration: ws?.configuration === true,
      watchedFilesDynamic: ws?.didChangeWatchedFiles?.dynamicRegistration === true,
      configurationDynamic: ws?.didChangeConfiguration?.dynamicRegistration === true,
      workspaceFolders: ws?.workspaceFolders === true,
      documentChanges: ws?.workspaceEdit?.documentChanges === true,
      createFiles: ws?.workspaceEdit?.resourceOperations?.includes('create') === true,
    };
    const init = params.initializationOptions as Record<string, unknown> | undefined;
    this.options = {
      debounceMs: numberOption(init, 'debounceMs', this.options.debounceMs),
      lintTimeoutMs: numberOption(init, 'lintTimeoutMs', this.options.lintTimeoutMs),
    };
    this.host.timeoutMs = this.options.lintTimeoutMs;
    this.initialSettings = init?.settings;
    const folders =
      params.workspaceFolders ??
      (params.rootUri ? [{ uri: params.rootUri, name: basename(params.rootUri) }] : []);
    for (const f of folders) this.addFolder(f.uri);
    try {
      this.host.warmUp();
    } catch (e) {
      this.log('error', e instanceof Error ? e.message : String(e));
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND],
          resolveProvider: false,
        },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'db-expert', version },
    };
  }

  private async initialized(): Promise<void> {
    const c = this.connection;
    if (this.caps.watchedFilesDynamic) {
      void c.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/*.sql' },
          { globPattern: '**/*.prisma' },
          { globPattern: `**/${CONFIG_FILE}` },
          // Migration settings: which diesel and Flyway migrations run outside a transaction.
          { globPattern: '**/metadata.toml' },
          { globPattern: '**/*.sql.conf' },
        ],
      });
    }
    if (this.caps.configurationDynamic) {
      void c.client.register(DidChangeConfigurationNotification.type, { section: 'dbExpert' });
    }
    if (this.caps.workspaceFolders) {
      c.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const f of e.removed) this.removeFolder(f.uri);
        const added = e.added.flatMap((f) => this.addFolder(f.uri) ?? []);
        void this.refreshSettings().then(() => Promise.all(added.map((p) => this.index(p))));
      });
    }
    // Progress, settings and reading the files all at once: each waits on something else.
    const progress = c.window.createWorkDoneProgress().then(
      (p) => {
        p.begin('Database Expert', 0, 'Indexing the workspace', false);
        // Indexing may be over already.
        if (this.reportedFirstIdle) p.done();
        else this.progress = p;
      },
      () => undefined,
    );
    const settings = this.refreshSettings().then(() => {
      this.scheduler.paused = false;
      this.scheduler.schedule(0);
    });
    const folders = [...this.projects.values()].filter((p) => p.kind === 'folder');
    await Promise.all([progress, settings, ...folders.map((p) => this.index(p))]);
    this.scheduler.schedule(0);
  }

  private addFolder(uri: string): Project | undefined {
    const root = uriToPath(uri);
    if (!root || this.projects.has(`folder:${root}`)) return undefined;
    const project = this.newProject(`folder:${root}`, root, 'folder');
    project.folderUri = uri;
    // Open documents of files the new folder now owns move into it.
    for (const other of [...this.projects.values()]) {
      if (other.kind !== 'loose' || !other.root || (other.root !== root && !inside(root, other.root)))
        continue;
      for (const file of other.files.values()) {
        this.send(file.uri, []);
        const doc = file.openUri ? this.documents.get(file.openUri) : undefined;
        if (doc) {
          const at = join(other.root, file.path);
          project.setOpen(toRootPath(root, at), doc.uri);
        }
      }
      this.dropProject(other);
    }
    return project;
  }

  private removeFolder(uri: string): void {
    const root = uriToPath(uri);
    const project = root ? this.projects.get(`folder:${root}`) : undefined;
    if (!project) return;
    for (const file of project.files.values()) this.send(file.uri, []);
    if (project.configPath) this.send(pathToFileURL(project.configPath).href, []);
    this.dropProject(project);
    // Its open documents are loose files now.
    for (const doc of this.documents.all())
      if (!this.locate(doc.uri, doc.languageId, false)) this.opened(doc);
  }

  private dropProject(project: Project): void {
    this.projects.delete(project.id);
    this.host.send({ kind: 'drop', project: project.id });
  }

  private newProject(id: string, root: string | undefined, kind: Project['kind']): Project {
    const uriOfPath =
      root === undefined
        ? (path: string) => `untitled:${path}`
        : (path: string) => pathToFileURL(join(root, path)).href;
    const project = new Project(id, root, kind, uriOfPath, (uri) => {
      const doc = this.documents.get(uri);
      return doc ? { text: doc.getText(), version: doc.version } : undefined;
    });
    project.indexed = kind !== 'folder';
    // The settings files are watched (and a change reported) only where the client registers watchers.
    project.settingsWatched = this.caps.watchedFilesDynamic;
    project.applySettings(this.globalSettings);
    this.projects.set(id, project);
    return project;
  }

  /** Reads every .sql/.prisma file of a folder, yielding to requests every few files. */
  private async index(project: Project): Promise<void> {
    const root = project.root;
    if (!root) return;
    this.indexing++;
    const t0 = performance.now();
    try {
      const openConfig = this.documents.get(pathToFileURL(join(root, CONFIG_FILE)).href);
      project.loadConfig(openConfig?.getText());
      this.publishConfig(project);
      const found = await glob('**/*.{sql,prisma}', {
        cwd: root,
        absolute: true,
        dot: true,
        caseSensitiveMatch: false,
        ignore: ALWAYS_IGNORED,
        expandDirectories: false,
        followSymbolicLinks: false,
      });
      found.sort();
      // Files gone from the disk since the last indexing (closed ones: open ones keep their text).
      const present = new Set(found.map((f) => toRootPath(root, f)));
      for (const file of [...project.files.values()]) {
        if (present.has(file.path) || file.openUri) continue;
        this.send(file.uri, []);
        project.remove(file.path);
      }
      for (let i = 0; i < found.length; i++) {
        this.readDisk(project, toRootPath(root, found[i]), found[i]);
        if (i % 32 === 31) {
          this.progress?.report(`Reading files (${i + 1}/${found.length})`);
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      this.log(
        'info',
        `Indexed ${found.length} files in ${root} (${Math.round(performance.now() - t0)} ms).`,
      );
    } catch (e) {
      this.log('error', `Could not index ${root}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.indexing--;
    }
    project.indexed = true;
    project.needsCheck = true;
    this.scheduler.schedule(0);
  }

  private readDisk(project: Project, path: string, absolute: string): boolean {
    const read = readProjectFile(absolute, path);
    const changed =
      'ruleId' in read ? project.setDisk(path, undefined, read.message) : project.setDisk(path, read.text);
    // A disk problem (binary, too large) is a diagnostic of its own; its end too.
    this.publishFile(project, path);
    return changed;
  }

  // ---- Settings -------------------------------------------------------------------------------

  private async refreshSettings(): Promise<void> {
    const folders = [...this.projects.values()].filter((p) => p.kind === 'folder');
    let global: unknown = this.pushedSettings ?? this.initialSettings;
    const perFolder = new Map<Project, unknown>();
    if (this.caps.configuration) {
      try {
        const values: unknown[] = await this.connection.workspace.getConfiguration([
          { section: 'dbExpert' },
          ...folders.map((p) => ({ scopeUri: p.folderUri, section: 'dbExpert' })),
        ]);
        global = values[0];
        folders.forEach((p, i) => perFolder.set(p, values[i + 1]));
      } catch (e) {
        this.log('warn', `Could not read the settings: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const read = (raw: unknown): Settings => {
      const { settings, problems } = readSettings(raw, ruleIds);
      for (const p of problems) {
        if (this.settingProblems.has(p)) continue;
        this.settingProblems.add(p);
        this.log('warn', `Ignored setting: ${p}`);
      }
      return settings;
    };
    this.globalSettings = read(global);
    let changed = false;
    for (const project of this.projects.values()) {
      const settings = perFolder.has(project) ? read(perFolder.get(project)) : this.globalSettings;
      if (project.applySettings(settings)) {
        changed = true;
        this.publishConfig(project);
        for (const file of project.files.values()) if (file.diskProblem) this.publishFile(project, file.path);
      }
    }
    if (changed) this.scheduler.schedule(0);
  }

  // ---- Documents ------------------------------------------------------------------------------

  /** The project and path of a document; creates a loose project for a file outside every folder. */
  private locate(
    uri: string,
    languageId: string | undefined,
    create = true,
  ): { project: Project; path: string } | undefined {
    const isSql = languageId !== undefined && SQL_LANGUAGES.has(languageId);
    const isPrisma = languageId === 'prisma';
    const abs = uriToPath(uri);
    if (abs === undefined) {
      // An untitled document (or another scheme): linted on its own while open.
      let project = this.projects.get('untitled');
      const known = project && [...project.files.values()].find((f) => f.uri === uri);
      if (project && known) return { project, path: known.path };
      if (!isSql && !isPrisma) return undefined;
      if (!project) {
        if (!create) return undefined;
        project = this.newProject('untitled', undefined, 'untitled');
      }
      const name = uri.replace(/^[a-z-]+:/i, '').replace(/[^\w.-]+/g, '_') || 'untitled';
      return { project, path: isLintable(name) ? name : `${name}${isPrisma ? '.prisma' : '.sql'}` };
    }
    const folder = [...this.projects.values()]
      .filter((p) => p.kind === 'folder' && p.root !== undefined && inside(p.root, abs))
      .sort((a, b) => (b.root ?? '').length - (a.root ?? '').length)[0];
    let project: Project | undefined = folder;
    let path: string;
    if (project?.root) path = toRootPath(project.root, abs);
    else {
      const dir = dirname(abs);
      project = this.projects.get(`loose:${dir}`);
      if (!project) {
        if (!create) return undefined;
        project = this.newProject(`loose:${dir}`, dir, 'loose');
      }
      path = basename(abs);
    }
    if (IGNORED_SEGMENT.test(path)) return undefined;
    if (!isLintable(path)) {
      // Another extension the editor calls SQL (.pgsql, .psql): linted as SQL while open.
      const known = [...project.files.values()].find((f) => f.uri === uri);
      if (known) return { project, path: known.path };
      if (isSql) path += '.sql';
      else if (isPrisma) path += '.prisma';
      else return undefined;
    }
    return { project, path };
  }

  /** The folder project whose db-expert.json this URI is. */
  private configOwner(uri: string): Project | undefined {
    const abs = uriToPath(uri);
    if (!abs || basename(abs) !== CONFIG_FILE) return undefined;
    return this.projects.get(`folder:${dirname(abs)}`);
  }

  private opened(doc: TextDocument): void {
    this.seenVersion.set(doc.uri, doc.version);
    const owner = this.configOwner(doc.uri);
    if (owner) {
      this.configChanged(owner, doc.getText(), 0);
      return;
    }
    const at = this.locate(doc.uri, doc.languageId);
    if (!at) return;
    const { project, path } = at;
    const existing = project.files.get(path);
    const before = existing ? project.textOf(existing) : undefined;
    const file = project.setOpen(path, doc.uri);
    file.editedAt = Date.now();
    if (doc.getText() !== before || !project.results.has(path)) project.touch(file);
    else this.publishFile(project, path);
    this.scheduler.schedule(0);
  }

  private changed(doc: TextDocument): void {
    this.seenVersion.set(doc.uri, doc.version);
    const owner = this.configOwner(doc.uri);
    if (owner) {
      this.configChanged(owner, doc.getText(), this.options.debounceMs);
      return;
    }
    const at = this.locate(doc.uri, doc.languageId);
    if (!at) return;
    const file = at.project.setOpen(at.path, doc.uri);
    file.editedAt = Date.now();
    at.project.touch(file);
    this.scheduler.schedule(this.options.debounceMs);
  }

  private closed(doc: TextDocument): void {
    this.seenVersion.delete(doc.uri);
    const owner = this.configOwner(doc.uri);
    if (owner) {
      this.configChanged(owner, undefined, 0);
      return;
    }
    const at = this.locate(doc.uri, doc.languageId, false);
    if (!at) return;
    const { project, path } = at;
    const file = project.files.get(path);
    if (!file) return;
    let disk: string | undefined;
    let problem: string | undefined;
    if (project.kind === 'folder' && project.root && isLintable(path)) {
      const read = readProjectFile(join(project.root, path), path);
      if ('ruleId' in read) {
        // Gone from the disk (an unsaved new file): nothing to say about it.
        if (!read.message.startsWith('could not read')) problem = read.message;
      } else disk = read.text;
    }
    const uri = file.uri;
    if (project.close(path, doc.getText(), disk, problem) === 'removed') {
      this.send(uri, []);
      this.scheduler.schedule(0);
      return;
    }
    this.publishFile(project, path);
    this.scheduler.schedule(this.options.debounceMs);
  }

  private configChanged(project: Project, openText: string | undefined, delay: number): void {
    project.loadConfig(openText);
    this.publishConfig(project);
    this.scheduler.schedule(delay);
  }

  private watchedFilesChanged(params: DidChangeWatchedFilesParams): void {
    let any = false;
    for (const change of params.changes) {
      const abs = uriToPath(change.uri);
      if (!abs) continue;
      const project = [...this.projects.values()]
        .filter((p) => p.kind === 'folder' && p.root !== undefined && inside(p.root, abs))
        .sort((a, b) => (b.root ?? '').length - (a.root ?? '').length)[0];
      // During indexing too: a file made after the folder was listed is not missed.
      if (!project?.root) continue;
      const path = toRootPath(project.root, abs);
      if (path === CONFIG_FILE) {
        const open = this.documents.get(pathToFileURL(abs).href);
        if (!open) this.configChanged(project, undefined, 0);
        continue;
      }
      if (IGNORED_SEGMENT.test(`${path}/`)) continue;
      if (isMigrationSettings(path)) {
        const read = change.type === FileChangeType.Deleted ? undefined : readProjectFile(abs, path);
        project.settingsChanged(path, read && !('ruleId' in read) ? read.text : undefined);
        any = true;
        continue;
      }
      if (change.type === FileChangeType.Deleted) {
        // A folder's deletion may come as one event for the folder.
        const gone = isLintable(path)
          ? [path]
          : [...project.files.keys()].filter((p) => p.startsWith(`${path}/`));
        for (const p of gone) {
          const file = project.files.get(p);
          if (!file) continue;
          any = true;
          if (file.openUri) project.setDisk(p, undefined);
          else {
            this.send(file.uri, []);
            project.remove(p);
          }
        }
        continue;
      }
      if (!isLintable(path)) continue;
      any = this.readDisk(project, path, abs) || any;
    }
    if (any) this.scheduler.schedule(this.options.debounceMs);
  }

  // ---- Results --------------------------------------------------------------------------------

  private onUnit(project: Project, unit: UnitResult, snapshot: ReadonlyMap<string, number>): void {
    if (this.projects.get(project.id) !== project) return;
    const byFile = new Map<string, Finding[]>();
    const members = new Set(unit.files);
    for (const f of unit.findings) {
      // A finding on a file outside the unit (none should be) is shown on its first file.
      const file = members.has(f.file) ? f.file : unit.files[0];
      const list = byFile.get(file) ?? [];
      list.push(file === f.file ? f : { ...f, file, start: 0, end: 0 });
      byFile.set(file, list);
    }
    const before = project.linted.get(unit.key);
    project.linted.set(
      unit.key,
      unit.tablesJson !== undefined
        ? new LintedUnit(unit.files, unit.tablesJson)
        : (before?.awaitingCards(unit.files) ?? new LintedUnit(unit.files, '[]', true)),
    );
    // The documents open in the editor first: a migrations folder publishes hundreds of files.
    const paths = [...unit.files].sort(
      (a, b) => Number(!project.files.get(a)?.openUri) - Number(!project.files.get(b)?.openUri),
    );
    for (const path of paths) {
      const file = project.files.get(path);
      const gen = snapshot.get(path);
      // Changed since it was sent: its newer text is already queued, and these ranges are stale.
      if (!file || gen === undefined || file.gen !== gen) continue;
      const previous = project.results.get(path);
      const findings = byFile.get(path) ?? [];
      project.results.set(path, { gen, unit: unit.key, findings, snapshot });
      // The other files of a migrations folder after an edit of one: what they show is unchanged.
      if (previous?.gen === gen && sameDiagnostics(previous, findings, snapshot)) continue;
      this.publishFile(project, path);
    }
    this.checkedUnits++;
    if (this.globalSettings.trace === 'verbose') {
      this.log(
        'info',
        `Checked ${unit.files.length === 1 ? unit.files[0] : `${unit.files.length} files (${unit.key})`}: ${unit.findings.length} findings in ${Math.round(unit.ms)} ms`,
      );
    }
    if (this.progress) {
      const total = this.checkedUnits + this.scheduler.remaining;
      this.progress.report(
        Math.round((100 * this.checkedUnits) / Math.max(1, total)),
        `Checked ${this.checkedUnits} of ${total}`,
      );
    }
  }

  private onIdle(): void {
    if (this.indexing > 0 || [...this.projects.values()].some((p) => !p.indexed)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
    if (this.progress) {
      this.progress.done();
      this.progress = undefined;
    }
    if (!this.reportedFirstIdle) {
      this.reportedFirstIdle = true;
      const files = [...this.projects.values()].reduce((n, p) => n + p.files.size, 0);
      this.log('info', `Checked ${files} files in ${Math.round(performance.now() - this.startedAt)} ms.`);
    }
  }

  private publishFile(project: Project, path: string): void {
    const file = project.files.get(path);
    if (!file) return;
    if (!project.settings.enable) {
      this.send(file.uri, []);
      return;
    }
    const diagnostics: Diagnostic[] = [];
    if (file.diskProblem && !file.openUri) {
      diagnostics.push({
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Warning,
        code: 'input',
        source: SOURCE,
        message: file.diskProblem,
      });
    }
    const result = project.results.get(path);
    if (result) {
      if (result.gen !== file.gen) return;
      const text = project.textOf(file);
      if (text === undefined) return;
      const lines = project.lines(file, text);
      const files = project.filesView();
      for (const f of result.findings) diagnostics.push(toDiagnostic(f, lines, files));
    }
    // An open document's empty list is sent once it has been checked, not before.
    this.send(file.uri, diagnostics, file.openUri !== undefined && result !== undefined);
  }

  private publishConfig(project: Project): void {
    if (!project.configPath || project.kind !== 'folder') return;
    const uri = pathToFileURL(project.configPath).href;
    const open = [...this.documents.keys()].find((u) => uriToPath(u) === project.configPath);
    const text = project.configText ?? '';
    const problems = project.settings.enable ? project.configProblems : [];
    const lines = new LineIndex(text);
    this.send(
      open ?? uri,
      problems.map((p) => ({ ...toDiagnostic(p, lines, project.filesView()), code: 'config' })),
    );
  }

  /**
   * Publishes unless the client already has exactly these diagnostics. An empty list is sent for a
   * file that had some, and once for an open document (so the editor knows it was checked), never
   * for the thousands of clean files of a workspace.
   */
  private send(uri: string, diagnostics: Diagnostic[], open = false): void {
    const before = this.published.get(uri);
    if (before === undefined ? diagnostics.length === 0 && !open : sameJson(before, diagnostics)) return;
    if (diagnostics.length === 0 && !open) this.published.delete(uri);
    else this.published.set(uri, diagnostics);
    void this.connection.sendDiagnostics({ uri, diagnostics });
  }

  // ---- Requests -------------------------------------------------------------------------------

  private hover(uri: string, position: { line: number; character: number }): Hover | null {
    const at = this.locate(uri, this.documents.get(uri)?.languageId, false);
    if (!at || !at.project.settings.enable) return null;
    const { project, path } = at;
    const view = project.view(path);
    if (!view) return null;
    const offset = view.lines.offset(position);
    const parts: string[] = [];
    const result = project.currentResult(path);
    if (result) {
      const here = result.findings.filter((f) => f.start <= offset && offset <= Math.max(f.start, f.end));
      // The innermost findings: inside a table's statement, the column's finding, not the table's.
      const narrowest = Math.min(...here.map((f) => f.end - f.start));
      const text = ruleHover(here.filter((f) => f.end - f.start === narrowest));
      if (text) parts.push(text);
    }
    const lineStart = view.lines.lineStart(position.line);
    const line = view.text.slice(lineStart, view.lines.lineEnd(position.line));
    const name = nameAt(line, lineStart, offset, !/\.prisma$/i.test(path));
    if (name) {
      // The schema the file sees first; a table of another file of the project otherwise.
      let tables = this.tablesFor(project, path);
      let table = findTable(tables, name.candidates, path);
      if (!table) {
        tables = [...project.linted.values()].flatMap((u) => u.tables);
        table = findTable(tables, name.candidates, path);
      }
      if (table) {
        const files = project.filesView();
        const link = (loc: Loc): string =>
          `[${loc.file}:${loc.line + 1}](${files.uriOf(loc.file)}#L${loc.line + 1})`;
        parts.push(tableHover(table, tables, link));
      }
    }
    if (parts.length === 0) return null;
    return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') } };
  }

  /** The tables of the file's unit: the schema it sees. */
  private tablesFor(project: Project, path: string): TableCard[] {
    const unit = project.results.get(path)?.unit;
    const own = unit ? project.linted.get(unit) : undefined;
    if (own) return own.tables;
    for (const u of project.linted.values()) if (u.files.includes(path)) return u.tables;
    return [];
  }

  private codeActions(uri: string, diagnostics: Diagnostic[], only: string[] | undefined) {
    const at = this.locate(uri, this.documents.get(uri)?.languageId, false);
    if (!at || !at.project.settings.enable) return [];
    const { project, path } = at;
    const view = project.view(path);
    const result = project.currentResult(path);
    if (!view || !result) return [];
    const files = project.filesView();
    const ctx: ActionContext = {
      path,
      view,
      findings: result.findings,
      files,
      caps: this.caps,
      current: (fix) =>
        fix.edits.every((e) => {
          const gen = result.snapshot.get(e.file);
          return gen === undefined || project.files.get(e.file)?.gen === gen;
        }),
      diagnostic: (f) => toDiagnostic(f, view.lines, files),
    };
    return codeActions(ctx, diagnostics, only);
  }

  /** Resolves once everything queued is linted (or after `timeoutMs`). */
  private whenIdle(timeoutMs = 120_000): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.scheduler.schedule(0);
    });
  }

  /** `dbExpert/lintWorkspace`: reads every folder again, lints everything, answers with counts. */
  private async lintWorkspace(): Promise<{ files: number; findings: number }> {
    const folders = [...this.projects.values()].filter((p) => p.kind === 'folder');
    await Promise.all(folders.map((p) => this.index(p)));
    for (const p of this.projects.values()) p.invalidateAll();
    await this.whenIdle();
    let files = 0;
    let findings = 0;
    for (const p of this.projects.values()) {
      if (!p.settings.enable) continue;
      findings += p.configProblems.length;
      for (const file of p.files.values()) {
        if (file.diskProblem && !file.openUri) findings++;
        const r = p.results.get(file.path);
        if (!r) continue;
        files++;
        findings += r.findings.length;
      }
    }
    return { files, findings };
  }

  /** `dbExpert/schemaModel`: the model of the document's unit as text. */
  private async schemaModel(uri: string): Promise<string> {
    const at = this.locate(uri, this.documents.get(uri)?.languageId);
    if (!at) return `${uri} is not a SQL or Prisma file that Database Expert checks.`;
    const { project, path } = at;
    if (!project.settings.enable) return 'Database Expert is turned off for this folder (dbExpert.enable).';
    if (!project.currentResult(path)) await this.whenIdle();
    const key = project.results.get(path)?.unit;
    let unit = key ? project.linted.get(key) : undefined;
    if (!key || !unit) return `${path} has not been checked (is it ignored by db-expert.json?).`;
    // A large unit's cards come after its findings.
    for (const until = Date.now() + 30_000; unit?.cardsPending && Date.now() < until;) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.cardWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      unit = project.linted.get(key);
    }
    if (!unit) return `${path} has not been checked (is it ignored by db-expert.json?).`;
    const title =
      key === 'prisma'
        ? 'the Prisma schema and its migrations'
        : key.startsWith('m:')
          ? `${key.slice(2, key.indexOf(':', 2)) || '.'} (migrations)`
          : path;
    return modelText(title, unit.files, unit.tables);
  }

  // ---- Plumbing -------------------------------------------------------------------------------

  private guard<T>(what: string, fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (e) {
      this.log('error', `${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    const c = this.connection.console;
    if (level === 'error') c.error(message);
    else if (level === 'warn') c.warn(message);
    else c.info(message);
  }
}
