/**
 * One project of the workspace: a workspace folder (every .sql/.prisma file under it, indexed at
 * start and kept current from file events) or, for a file outside every folder, its directory
 * (only the open files). Texts come from the disk, overlaid by the editor's: unsaved text wins.
 *
 * Every change of a file's effective text bumps its generation; results remember the generations
 * they were computed from, so a result that arrives after a newer edit is recognised as stale.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type ResolvedConfig } from '../engine/config/config';
import { parseConfig } from '../engine/config/load';
import type { Finding } from '../engine/findings';
import { ruleIds } from '../engine/rules';
import { LineIndex } from '../engine/text';
import { groupFiles, migrationSettingsPaths } from '../engine/workspace/migrations';
import {
  CONFIG_FILE,
  ignoreMatcher,
  isLintable,
  migrationSettingsFiles,
  prismaPackageFiles,
} from '../cli/files';
import type { FileView, Files } from './convert';
import type { TableCard } from './protocol';
import { DEFAULT_SETTINGS, effectiveConfig, type Settings } from './settings';

export interface FileState {
  path: string;
  uri: string;
  /** The text on disk; undefined when the file is not on disk (or not readable as text). */
  disk: string | undefined;
  /** Why the file on disk is not linted (binary, too large …): a warning on the file. */
  diskProblem?: string;
  /** The open document's URI, while the editor has it open. */
  openUri?: string;
  gen: number;
  /** The generation last sent to the worker (-1: never). */
  sentGen: number;
  /** When the editor last changed it (for linting what the user is working on first). */
  editedAt: number;
}

export interface FileResult {
  /** The file's generation the findings were computed from. */
  gen: number;
  unit: string;
  findings: Finding[];
  /** Generations of every file of the unit at lint time (fixes may edit any of them). */
  snapshot: ReadonlyMap<string, number>;
}

/** A unit's files as last linted, and its table cards (parsed from JSON when first needed). */
export class LintedUnit {
  private parsed: TableCard[] | undefined;
  constructor(
    readonly files: string[],
    private tablesJson: string,
    /** The cards are those of an earlier lint: this lint's follow (a large unit's are made later). */
    public cardsPending = false,
  ) {}
  get tables(): TableCard[] {
    this.parsed ??= JSON.parse(this.tablesJson) as TableCard[];
    return this.parsed;
  }
  /** A later lint of the unit whose cards are still to come: meanwhile, these. */
  awaitingCards(files: string[]): LintedUnit {
    return new LintedUnit(files, this.tablesJson, true);
  }
  /** This lint's cards, made after its findings. */
  setCards(tablesJson: string): void {
    this.tablesJson = tablesJson;
    this.parsed = undefined;
    this.cardsPending = false;
  }
}

export interface Unit {
  key: string;
  files: string[];
}

export interface OpenText {
  text: string;
  version: number;
}

export class Project {
  readonly files = new Map<string, FileState>();
  readonly results = new Map<string, FileResult>();
  /** Units as last linted: key → files, and their tables for hovers. */
  readonly linted = new Map<string, LintedUnit>();
  /** Paths whose unit must be linted again. */
  readonly dirty = new Set<string>();
  /** Units to lint one per request (they were in a request that crashed the worker). */
  readonly solo = new Set<string>();
  /** Paths removed since the worker was last told. */
  readonly gone = new Set<string>();
  /** Units whose last lint read the other units' models: any change elsewhere re-checks them. */
  readonly readsOthers = new Set<string>();
  /** Something may need linting: the scheduler looks at this project's units again. */
  needsCheck = true;
  indexed = false;
  settings: Settings = DEFAULT_SETTINGS;
  /** The config from db-expert.json (defaults without one), before the settings apply. */
  fileConfig: ResolvedConfig = DEFAULT_CONFIG;
  configText: string | undefined;
  configProblems: Finding[] = [];
  config: ResolvedConfig = DEFAULT_CONFIG;
  /** The workspace folder's URI (for its settings). */
  folderUri: string | undefined;
  private ignored: (path: string) => boolean = () => false;
  private readonly lineCache = new Map<string, { gen: number; lines: LineIndex }>();
  /**
   * With the files the units read but do not lint (package.json, migration settings): a
   * re-indexing drops them from `files`.
   */
  private unitCache: { stamp: string; units: Unit[]; companions: string[] } | undefined;
  /** The settings files found beside each migration (`migrationSettings`). */
  private readonly settingsOf = new Map<string, string[]>();
  /**
   * The client reports changes of the settings files (`settingsChanged`): what was read of them
   * stays true until then. Without that, they are read again whenever the units are.
   */
  settingsWatched = false;

  constructor(
    readonly id: string,
    /** File-system folder the paths are relative to; undefined for documents without one (untitled). */
    readonly root: string | undefined,
    /** A workspace folder (indexed) or a loose directory (open files only). */
    readonly kind: 'folder' | 'loose' | 'untitled',
    readonly uriOfPath: (path: string) => string,
    private readonly openText: (uri: string) => OpenText | undefined,
  ) {}

  get configPath(): string | undefined {
    return this.root === undefined ? undefined : join(this.root, CONFIG_FILE);
  }

  textOf(file: FileState): string | undefined {
    if (file.openUri) {
      const open = this.openText(file.openUri);
      if (open) return open.text;
    }
    return file.disk;
  }

  isLinted(path: string): boolean {
    return isLintable(path) && !this.ignored(path);
  }

  /** Reads db-expert.json (the editor's text when open) and applies the settings. True when the config changed. */
  loadConfig(openText?: string): boolean {
    const before = JSON.stringify(this.config);
    let text = openText;
    let problems: Finding[] = [];
    const configPath = this.configPath;
    if (text === undefined && configPath && this.kind === 'folder' && existsSync(configPath)) {
      try {
        text = readFileSync(configPath, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        problems = [configFinding(`Could not read ${CONFIG_FILE}${code ? ` (${code})` : ''}.`)];
      }
    }
    this.configText = text;
    this.fileConfig = DEFAULT_CONFIG;
    if (text !== undefined) {
      const parsed = parseConfig(text, ruleIds);
      this.fileConfig = parsed.config;
      problems = parsed.problems.map((p) => configFinding(p.message, p.start, p.end));
    }
    this.configProblems = problems;
    this.applySettings(this.settings);
    const changed = JSON.stringify(this.config) !== before;
    if (changed) this.invalidateAll();
    return changed;
  }

  applySettings(settings: Settings): boolean {
    const before = JSON.stringify([
      this.config,
      this.settings.rules,
      this.settings.enable,
      this.settings.verify,
    ]);
    this.settings = settings;
    this.config = effectiveConfig(this.fileConfig, this.configText, settings);
    this.ignored = ignoreMatcher(this.config.ignore);
    const changed =
      JSON.stringify([this.config, settings.rules, settings.enable, settings.verify]) !== before;
    if (changed) this.invalidateAll();
    return changed;
  }

  /** Every unit is linted again (the config or the settings changed). */
  invalidateAll(): void {
    for (const path of this.files.keys()) this.dirty.add(path);
    this.linted.clear();
    this.readsOthers.clear();
    this.needsCheck = true;
  }

  /** The units whose table cards are still to come are linted again (the worker that was to make them is gone). */
  relintAwaitingCards(): void {
    for (const unit of this.linted.values()) {
      if (!unit.cardsPending) continue;
      for (const p of unit.files) this.dirty.add(p);
      this.needsCheck = true;
    }
  }

  /** Sets a file's disk text (or its absence). True when its effective text changed. */
  setDisk(path: string, disk: string | undefined, diskProblem?: string): boolean {
    let file = this.files.get(path);
    if (!file) {
      if (disk === undefined && diskProblem === undefined) return false;
      file = { path, uri: this.uriOfPath(path), disk: undefined, gen: 0, sentGen: -1, editedAt: 0 };
      this.files.set(path, file);
      this.needsCheck = true;
    }
    const before = this.textOf(file);
    file.disk = disk;
    if (diskProblem === undefined) delete file.diskProblem;
    else file.diskProblem = diskProblem;
    return this.afterChange(file, before);
  }

  /** The editor opened (or changed) a document of this project. */
  setOpen(path: string, uri: string): FileState {
    let file = this.files.get(path);
    if (!file) {
      file = { path, uri, disk: undefined, gen: 0, sentGen: -1, editedAt: 0 };
      this.files.set(path, file);
      this.needsCheck = true;
    }
    file.uri = uri;
    file.openUri = uri;
    return file;
  }

  /** Marks a file changed (new effective text): bumps its generation and queues its unit. */
  touch(file: FileState): void {
    file.gen++;
    this.dirty.add(file.path);
    this.needsCheck = true;
    this.dependentsChanged(file.path);
  }

  /** The units that read the others' models see a change of `path` (unless it is their own). */
  private dependentsChanged(path: string): void {
    for (const key of this.readsOthers) {
      const unit = this.linted.get(key);
      if (!unit || unit.files.includes(path)) continue;
      for (const p of unit.files) this.dirty.add(p);
    }
  }

  /** The editor closed a document: the disk text applies again (or the file is gone). */
  close(path: string, openText: string, disk: string | undefined, diskProblem?: string): 'kept' | 'removed' {
    const file = this.files.get(path);
    if (!file) return 'removed';
    // The editor has already forgotten the document: its last text comes from the close event.
    const before = openText;
    delete file.openUri;
    file.disk = disk;
    if (diskProblem === undefined) delete file.diskProblem;
    else file.diskProblem = diskProblem;
    if (this.kind !== 'folder' || (disk === undefined && diskProblem === undefined)) {
      this.remove(path);
      return 'removed';
    }
    this.afterChange(file, before);
    return 'kept';
  }

  remove(path: string): void {
    const file = this.files.get(path);
    if (!file) return;
    this.files.delete(path);
    this.results.delete(path);
    this.lineCache.delete(path);
    this.gone.add(path);
    this.needsCheck = true;
    this.dependentsChanged(path);
  }

  private afterChange(file: FileState, before: string | undefined): boolean {
    const after = this.textOf(file);
    if (after === before) return false;
    this.touch(file);
    return true;
  }

  lines(file: FileState, text: string): LineIndex {
    const cached = this.lineCache.get(file.path);
    if (cached && cached.gen === file.gen && cached.lines.text === text) return cached.lines;
    const lines = new LineIndex(text);
    this.lineCache.set(file.path, { gen: file.gen, lines });
    return lines;
  }

  /**
   * The units to lint, from the current texts: what the engine groups as one schema (a migrations
   * folder, a stand-alone .sql file), except that a Prisma project's schema files and its Prisma
   * migrations are one unit: the engine reads them together (the schema takes its row-level
   * security from the migrations; the migrations leave schema design to the schema).
   */
  units(): Unit[] {
    const sql: { path: string; text: string }[] = [];
    const prisma: string[] = [];
    const stamp: string[] = [];
    for (const file of this.files.values()) {
      if (!this.isLinted(file.path)) continue;
      const text = this.textOf(file);
      if (text === undefined) continue;
      if (/\.prisma$/i.test(file.path)) prisma.push(file.path);
      else sql.push({ path: file.path, text });
      stamp.push(`${file.path}\0${file.gen}`);
    }
    // Grouping reads names and, for a few tools, the texts' marker comments: it only changes
    // when a file is added, removed or edited.
    const key = `${JSON.stringify(this.config.migrations)}\n${stamp.join('\n')}`;
    const cached = this.unitCache;
    if (cached?.stamp === key && cached.companions.every((p) => this.files.has(p))) return cached.units;
    const units: Unit[] = [];
    const companions: string[] = [];
    const prismaUnit = prisma.sort();
    for (const g of groupFiles(sql, this.config)) {
      const files = [...g.files, ...g.downFiles];
      if (files.length === 0) continue;
      if (g.tool === 'diesel' || g.tool === 'flyway') {
        const settings = this.migrationSettings(files);
        companions.push(...settings);
        files.push(...settings);
      }
      if (prisma.length > 0 && g.tool === 'prisma') prismaUnit.push(...files);
      else {
        units.push({
          key: g.kind === 'migrations' ? `m:${g.folder ?? ''}:${files[0]}` : `s:${files[0]}`,
          files,
        });
      }
    }
    const packages = prismaUnit.length > 0 ? this.prismaPackages(prismaUnit) : [];
    if (prismaUnit.length > 0) units.push({ key: 'prisma', files: [...prismaUnit, ...packages] });
    this.unitCache = { stamp: key, units, companions: [...companions, ...packages] };
    return units;
  }

  /**
   * The settings files of a diesel or Flyway folder's migrations (`metadata.toml`, `.sql.conf`),
   * read into the project's files so that the worker gets them with the unit: they say which
   * migrations run outside a transaction. They are not linted.
   */
  private migrationSettings(paths: readonly string[]): string[] {
    if (this.root === undefined || this.kind === 'untitled') return [];
    const out = new Set<string>();
    for (const path of paths) {
      // The disk is asked once per migration (the units are worked out again after every edit);
      // a change comes through `settingsChanged`.
      let found = this.settingsWatched ? this.settingsOf.get(path) : undefined;
      if (!found || found.some((f) => !this.files.has(f))) {
        const read = migrationSettingsFiles([{ path }], this.root);
        for (const f of read) {
          this.setDisk(f.path, f.text);
          this.gone.delete(f.path);
        }
        found = read.map((f) => f.path);
        this.settingsOf.set(path, found);
      }
      for (const f of found) out.add(f);
    }
    return [...out];
  }

  /**
   * A migration settings file was created, changed or deleted on disk (`text` undefined): the
   * units are worked out again, and the migrations it belongs to are checked again.
   */
  settingsChanged(path: string, text: string | undefined): void {
    this.unitCache = undefined;
    this.settingsOf.clear();
    this.needsCheck = true;
    for (const p of this.files.keys()) {
      if (isLintable(p) && migrationSettingsPaths(p).includes(path)) this.dirty.add(p);
    }
    if (text !== undefined) this.setDisk(path, text);
    else if (this.files.has(path)) {
      this.files.delete(path);
      this.gone.add(path);
    }
  }

  /**
   * The package.json of each Prisma schema (the nearest one that depends on Prisma), read into the
   * project's files so that the worker gets it with the unit: the engine reads the Prisma version
   * from it. It is not linted; it is read again whenever the units are worked out anew.
   */
  private prismaPackages(paths: readonly string[]): string[] {
    if (this.root === undefined || this.kind === 'untitled') return [];
    const found = prismaPackageFiles(
      paths.map((path) => ({ path })),
      this.root,
    );
    for (const f of found) {
      this.setDisk(f.path, f.text);
      // Back after a re-indexing dropped it: the worker must keep the text it is sent.
      this.gone.delete(f.path);
    }
    return found.map((f) => f.path);
  }

  /** Hover and code actions see files through this. */
  view(path: string): FileView | undefined {
    const file = this.files.get(path);
    if (!file) return undefined;
    const text = this.textOf(file);
    if (text === undefined) return undefined;
    const open = file.openUri ? this.openText(file.openUri) : undefined;
    return { uri: file.uri, text, lines: this.lines(file, text), version: open ? open.version : null };
  }

  filesView(): Files {
    return {
      view: (path) => this.view(path),
      uriOf: (path) => this.files.get(path)?.uri ?? this.uriOfPath(path),
      exists: (path) =>
        this.files.has(path) || (this.root !== undefined && existsSync(join(this.root, path))),
    };
  }

  /** The result of a file if it is still current (its text unchanged since the lint). */
  currentResult(path: string): FileResult | undefined {
    const r = this.results.get(path);
    const file = this.files.get(path);
    return r && file && r.gen === file.gen ? r : undefined;
  }

  /** Whether the files a result was computed from are all unchanged. */
  isCurrent(snapshot: ReadonlyMap<string, number>, paths: Iterable<string>): boolean {
    for (const p of paths) {
      const gen = snapshot.get(p);
      const file = this.files.get(p);
      if (gen === undefined || !file || file.gen !== gen) return false;
    }
    return true;
  }
}

export function configFinding(message: string, start = 0, end = 0): Finding {
  return { ruleId: 'config', severity: 'error', message, file: CONFIG_FILE, start, end, fixes: [] };
}
