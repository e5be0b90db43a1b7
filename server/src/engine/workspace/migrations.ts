/**
 * Which `.sql` files are migrations of which tool, and the order each tool applies them in.
 *
 * Detection is by file layout and naming alone (plus a marker comment for dbmate), because that is
 * all the tools themselves look at: a migrations folder never says which tool owns it. Folders named
 * in the configuration are taken as given; everything else is recognised by convention, and any
 * `.sql` file that belongs to no migrations folder is linted on its own.
 */
import type { MigrationToolName, ResolvedConfig } from '../config/config';
import type { FileGroup, MigrationInfo } from '../project';

/**
 * How files in a folder are laid out. `versioned` (Temporal-style `v1.2/*.sql` subfolders) is
 * reported as the tool `numbered`: no tool of its own, ordered by number like a numbered folder.
 */
type Layout = MigrationToolName | 'versioned';

/** Detection prefers the earlier layout when two explain the same number of files. */
const LAYOUT_PRIORITY: readonly Layout[] = [
  'supabase',
  'prisma',
  'diesel',
  'flyway',
  'golang-migrate',
  'dbmate',
  'versioned',
  'numbered',
];

interface Parsed {
  /** Reported as MigrationInfo.version. */
  version: string;
  /** Compared with compareVersions; differs from `version` only where the tool's own text sorts better. */
  sortVersion: string;
  /** Flyway applies repeatable scripts after all versioned ones. */
  rank: number;
  /** Orders files that share a version (Temporal's version folders, Flyway repeatables). */
  name: string;
  direction: 'up' | 'down';
}

interface Entry {
  path: string;
  /** Path relative to the candidate folder, extension lower-cased so patterns need not care. */
  rel: string;
  text: string;
}

interface Member {
  entry: Entry;
  parsed: Parsed;
}

const SUPABASE_FOLDER = /(?:^|\/)supabase\/migrations$/;
const SUPABASE_FILE = /^(\d+)_.*\.sql$/;
const PRISMA_FILE = /^([^/]+)\/migration\.sql$/;
const DIESEL_FILE = /^([^/]+)\/(up|down)\.sql$/;
const DIESEL_VERSION = /^\d[\d-]*(?:_|$)/;
const FLYWAY_VERSIONED = /^([VU])(\d+(?:[._]\d+)*)__(.*)\.sql$/;
const FLYWAY_REPEATABLE = /^R__(.*)\.sql$/;
const GOLANG_FILE = /^(\d+)_.*\.(up|down)\.sql$/;
const DBMATE_FILE = /^(\d+).*\.sql$/;
const DBMATE_UP = /^--\s*migrate:up\b/m;
const DBMATE_DOWN = /^--\s*migrate:down\b/m;
const DBMATE_NO_TRANSACTION = /^--\s*migrate:up\b[^\n]*\btransaction:false\b/m;
const DBMATE_DOWN_NO_TRANSACTION = /^--\s*migrate:down\b[^\n]*\btransaction:false\b/m;
const VERSIONED_FILE = /^v?(\d+(?:\.\d+)*)\/([^/]+\.sql)$/i;
const NUMBERED_FILE = /^(\d+)(?:[_-][^/]*)?\.sql$/;
const DIESEL_NO_TRANSACTION = /^\s*run_in_transaction\s*=\s*false\b/m;
const FLYWAY_NO_TRANSACTION = /^--\s*flyway:executeInTransaction\s*=\s*false\b/m;
/** The same in the script's configuration file (`V2__index.sql.conf`, Java properties). */
const FLYWAY_CONF_NO_TRANSACTION = /^\s*executeInTransaction\s*[=:]\s*false\s*$/im;

/**
 * The files beside a migration that say how its tool runs it, which the engine reads with the SQL
 * (the CLI and the language server pass them along): a diesel migration's `metadata.toml`
 * (`run_in_transaction = false`) and a Flyway script's `.sql.conf` (`executeInTransaction=false`).
 */
export function migrationSettingsPaths(sqlPath: string): string[] {
  const out = [`${sqlPath}.conf`];
  if (/^(?:up|down)\.sql$/i.test(baseName(sqlPath))) out.push(joinPath(dirName(sqlPath), 'metadata.toml'));
  return out;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function depthOf(folder: string): number {
  return folder === '' ? 0 : folder.split('/').length;
}

function joinPath(folder: string, rel: string): string {
  return folder === '' ? rel : `${folder}/${rel}`;
}

function up(version: string, name: string, sortVersion = version): Parsed {
  return { version, sortVersion, rank: 0, name, direction: 'up' };
}

/** How `layout` reads the file at `rel` inside its folder, or undefined when the tool would skip it. */
function parseAs(layout: Layout, rel: string): Parsed | undefined {
  const direct = !rel.includes('/');
  switch (layout) {
    case 'supabase': {
      const m = direct ? SUPABASE_FILE.exec(rel) : null;
      return m ? up(m[1], rel) : undefined;
    }
    case 'prisma': {
      const m = PRISMA_FILE.exec(rel);
      if (!m) return undefined;
      // Prisma orders folders by name; the timestamp prefix is what makes that chronological.
      return up(/^\d+/.exec(m[1])?.[0] ?? m[1], m[1]);
    }
    case 'diesel': {
      const m = DIESEL_FILE.exec(rel);
      if (!m) return undefined;
      const raw = m[1].split('_')[0];
      // Diesel's version drops the dashes, but comparing the dashed parts stays chronological
      // when some stamps carry extra precision (lemmy's `-0000` suffix).
      return { ...up(raw.replace(/-/g, ''), m[1], raw), direction: m[2] === 'down' ? 'down' : 'up' };
    }
    case 'flyway': {
      // Flyway scans its locations recursively, so the file may sit in a subfolder.
      const name = baseName(rel);
      const v = FLYWAY_VERSIONED.exec(name);
      if (v) {
        const version = v[2].replace(/_/g, '.');
        return { ...up(version, v[3]), direction: v[1] === 'U' ? 'down' : 'up' };
      }
      const r = FLYWAY_REPEATABLE.exec(name);
      // Repeatables have no version: they run after every versioned script, by description.
      return r ? { ...up('', r[1]), rank: 1 } : undefined;
    }
    case 'golang-migrate': {
      const m = direct ? GOLANG_FILE.exec(rel) : null;
      return m ? { ...up(m[1], rel), direction: m[2] === 'down' ? 'down' : 'up' } : undefined;
    }
    case 'dbmate': {
      const m = direct ? DBMATE_FILE.exec(rel) : null;
      return m ? up(m[1], rel) : undefined;
    }
    case 'versioned': {
      const m = VERSIONED_FILE.exec(rel);
      return m ? up(m[1], m[2]) : undefined;
    }
    case 'numbered': {
      const m = direct ? NUMBERED_FILE.exec(rel) : null;
      return m ? up(m[1], rel) : undefined;
    }
    case 'plain':
      return up(rel.replace(/\.sql$/, ''), rel);
  }
}

/**
 * Whether the file is evidence that its folder uses `layout`. Stricter than parseAs: a tool's
 * parser accepts files the tool would run, but only a distinctive name (or dbmate's marker) should
 * make a folder that tool's.
 */
function isEvidence(layout: Layout, folder: string, entry: Entry): boolean {
  const { rel } = entry;
  switch (layout) {
    case 'supabase':
      return SUPABASE_FOLDER.test(folder) && parseAs(layout, rel) !== undefined;
    case 'prisma': {
      const m = PRISMA_FILE.exec(rel);
      return m !== null && /^\d+_/.test(m[1]);
    }
    case 'diesel': {
      const m = DIESEL_FILE.exec(rel);
      return m !== null && DIESEL_VERSION.test(m[1]);
    }
    case 'flyway':
      // Only direct children, or the folder above a Flyway folder would claim it first.
      return !rel.includes('/') && parseAs(layout, rel) !== undefined;
    case 'dbmate':
      return parseAs(layout, rel) !== undefined && DBMATE_UP.test(entry.text);
    case 'numbered':
      return (
        parseAs(layout, rel) !== undefined &&
        !(['supabase', 'flyway', 'golang-migrate', 'dbmate'] as const).some((l) =>
          isEvidence(l, folder, entry),
        )
      );
    case 'plain':
      return false;
    default:
      return parseAs(layout, rel) !== undefined;
  }
}

/**
 * The layout that explains most files of `folder`, or undefined when none is convincing. In a
 * configured folder one file is enough, and a folder no convention explains is 'plain'.
 */
function detectLayout(folder: string, entries: Entry[], configured: boolean): Layout | undefined {
  let best: Layout | undefined;
  let bestCount = 0;
  for (const layout of LAYOUT_PRIORITY) {
    const evidence = entries.filter((e) => isEvidence(layout, folder, e));
    let count = evidence.length;
    if (!configured) {
      // One `002_x.sql` or one `v2/` folder is as likely a coincidence as a convention.
      if (layout === 'numbered' && count < 2) count = 0;
      if (layout === 'versioned' && new Set(evidence.map((e) => e.rel.split('/')[0])).size < 2) count = 0;
    }
    if (count > bestCount) {
      best = layout;
      bestCount = count;
    }
  }
  return best ?? (configured ? 'plain' : undefined);
}

function toolOf(layout: Layout): MigrationToolName {
  return layout === 'versioned' ? 'numbered' : layout;
}

/** A forced `numbered` covers both numbered files and version folders: neither has a tool of its own. */
function parseForced(tool: MigrationToolName, rel: string): Parsed | undefined {
  return tool === 'numbered' ? (parseAs('numbered', rel) ?? parseAs('versioned', rel)) : parseAs(tool, rel);
}

function compareMembers(a: Member, b: Member): number {
  return (
    a.parsed.rank - b.parsed.rank ||
    compareVersions(a.parsed.sortVersion, b.parsed.sortVersion) ||
    compareVersions(a.parsed.name, b.parsed.name) ||
    (a.entry.path < b.entry.path ? -1 : a.entry.path > b.entry.path ? 1 : 0)
  );
}

/**
 * Natural, semver-ish ordering: digit runs compare as numbers (`2` < `10`, `1.2` < `1.10`), `.`, `_`
 * and `-` only separate parts, and a version that is a prefix of another comes first. Versions
 * that differ only in leading zeros fall back to text order so the result stays total.
 */
export function compareVersions(a: string, b: string): number {
  const ta = a.toLowerCase().match(/\d+|[^\d._-]+/g) ?? [];
  const tb = b.toLowerCase().match(/\d+|[^\d._-]+/g) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i];
    const y = tb[i];
    const xDigits = /^\d/.test(x);
    const yDigits = /^\d/.test(y);
    let c: number;
    if (xDigits && yDigits) {
      // Strings, not Number: timestamps with sub-second suffixes overflow 2^53.
      const xn = x.replace(/^0+/, '');
      const yn = y.replace(/^0+/, '');
      c = xn.length - yn.length || (xn < yn ? -1 : xn > yn ? 1 : 0);
    } else if (xDigits !== yDigits) {
      c = xDigits ? -1 : 1;
    } else {
      c = x < y ? -1 : x > y ? 1 : 0;
    }
    if (c !== 0) return Math.sign(c);
  }
  if (ta.length !== tb.length) return ta.length < tb.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whether `tool` runs this file inside a transaction of its own. `settings` is the text of the
 * migration's settings file, when it has one (`migrationSettingsPaths`).
 */
export function detectTransaction(tool: MigrationToolName, text: string, settings?: string): boolean {
  switch (tool) {
    case 'prisma':
    case 'supabase':
      return true;
    case 'flyway':
      // Flyway's per-script configuration (a comment, Flyway 9+, or the .sql.conf file) can opt out.
      return !FLYWAY_NO_TRANSACTION.test(text) && !FLYWAY_CONF_NO_TRANSACTION.test(settings ?? '');
    case 'diesel':
      return settings === undefined || !DIESEL_NO_TRANSACTION.test(settings);
    case 'dbmate':
      return !DBMATE_NO_TRANSACTION.test(text);
    case 'golang-migrate':
    case 'numbered':
    case 'plain':
      return false;
  }
}

/**
 * The tool sends a whole file (dbmate: its up section) to PostgreSQL as one query, which PostgreSQL
 * runs as one implicit transaction when it holds several statements: CONCURRENTLY then fails
 * unless it is alone in its file. Other tools (and psql) send one statement at a time.
 */
export function sendsFileAsOneQuery(tool: MigrationToolName): boolean {
  return ['golang-migrate', 'dbmate', 'diesel', 'prisma', 'supabase'].includes(tool);
}

/**
 * The text with comments, string literals, quoted identifiers and dollar-quoted bodies blanked out,
 * so that only top-level SQL remains (a PL/pgSQL `BEGIN … END;` is not a transaction).
 */
function topLevelCode(text: string): string {
  let out = '';
  let i = 0;
  const blank = (from: number, to: number): void => {
    out += text.slice(from, to).replace(/[^\n]/g, ' ');
  };
  while (i < text.length) {
    const ch = text[i];
    const next = text[i + 1];
    if (ch === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (ch === '/' && next === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text[j] === '/' && text[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (text[j] === '*' && text[j + 1] === '/') {
          depth--;
          j += 2;
        } else j++;
      }
      blank(i, j);
      i = j;
    } else if (ch === "'" || ch === '"') {
      // E'…' strings escape quotes with a backslash; elsewhere a quote is doubled.
      const backslash = ch === "'" && /[eE]/.test(text[i - 1] ?? '') && !/\w/.test(text[i - 2] ?? '');
      let j = i + 1;
      while (j < text.length) {
        if (backslash && text[j] === '\\') j += 2;
        else if (text[j] === ch && text[j + 1] === ch) j += 2;
        else if (text[j] === ch) break;
        else j++;
      }
      blank(i, Math.min(j + 1, text.length));
      i = j + 1;
    } else if (ch === '$' && !/[\w$]/.test(text[i - 1] ?? '')) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (!tag) {
        out += ch;
        i++;
        continue;
      }
      const end = text.indexOf(tag[0], i + tag[0].length);
      const stop = end < 0 ? text.length : end + tag[0].length;
      blank(i, stop);
      i = stop;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/**
 * Where the part of a migration file that runs on the way up ends: a dbmate file keeps its rollback
 * after a `-- migrate:down` line, which is never applied with the migration. The file's length
 * for every other tool.
 */
export function upSectionEnd(tool: MigrationToolName | undefined, text: string): number {
  if (tool !== 'dbmate') return text.length;
  const m = DBMATE_DOWN.exec(text);
  return m ? m.index : text.length;
}

/**
 * The `-- migrate:down` section of a dbmate file (from the marker to the end), and whether dbmate
 * runs it in a transaction (`-- migrate:down transaction:false` says not); undefined when the file
 * has none.
 */
export function dbmateDownSection(
  text: string,
): { start: number; end: number; transactional: boolean } | undefined {
  const m = DBMATE_DOWN.exec(text);
  if (!m) return undefined;
  return {
    start: m.index,
    end: text.length,
    transactional: !DBMATE_DOWN_NO_TRANSACTION.test(text.slice(m.index)),
  };
}

/**
 * True when the file opens its own transaction (`BEGIN;` / `START TRANSACTION;`) and later commits
 * it (`COMMIT;` / `END;`) at top level. Kept apart from MigrationInfo.transactional: that says what
 * the tool does, this what the author wrote, and rules need both (nesting warns, a lone BEGIN does not).
 */
export function hasExplicitTransaction(text: string): boolean {
  const statements = topLevelCode(text)
    .split(';')
    .map((s) => s.trim());
  const begin = statements.findIndex((s) => /^(?:BEGIN|START\s+TRANSACTION)\b/i.test(s));
  if (begin < 0) return false;
  return statements
    .slice(begin + 1)
    .some((s) => /^(?:COMMIT|END)(?:\s+(?:WORK|TRANSACTION))?(?:\s+AND\s+(?:NO\s+)?CHAIN)?$/i.test(s));
}

function normalizeFolder(path: string): string {
  const p = path
    .replace(/\\/g, '/')
    .replace(/^(?:\.\/)+/, '')
    .replace(/\/+$/, '');
  return p === '.' ? '' : p;
}

function relativeTo(folder: string, path: string): string | undefined {
  if (folder === '') return path;
  return path.startsWith(`${folder}/`) ? path.slice(folder.length + 1) : undefined;
}

function entryOf(path: string, rel: string, text: string): Entry {
  return { path, rel: rel.replace(/\.sql$/i, '.sql'), text };
}

function migrationGroup(
  folder: string,
  tool: MigrationToolName,
  members: Member[],
  others: Map<string, string>,
): FileGroup {
  members.sort(compareMembers);
  const migrations = new Map<string, MigrationInfo>();
  const files: string[] = [];
  const downFiles: string[] = [];
  for (const { entry, parsed } of members) {
    const settings =
      tool === 'diesel'
        ? others.get(joinPath(folder, `${dirName(entry.rel)}/metadata.toml`))
        : tool === 'flyway'
          ? others.get(`${entry.path}.conf`)
          : undefined;
    migrations.set(entry.path, {
      tool,
      folder,
      version: parsed.version,
      direction: parsed.direction,
      transactional: detectTransaction(tool, entry.text, settings),
    });
    (parsed.direction === 'up' ? files : downFiles).push(entry.path);
  }
  return { kind: 'migrations', files, downFiles, tool, folder, migrations };
}

function standaloneGroup(path: string): FileGroup {
  return { kind: 'standalone', files: [path], downFiles: [], migrations: new Map() };
}

/**
 * Splits the project's files into what is applied to one schema model each: one group per
 * migrations folder (up scripts in the tool's order) and one per remaining `.sql` file. Files that
 * are not `.sql` are never grouped, but the migrations' settings files among them are read
 * (`migrationSettingsPaths`).
 */
export function groupFiles(files: { path: string; text: string }[], config: ResolvedConfig): FileGroup[] {
  const sql = new Map<string, string>();
  const others = new Map<string, string>();
  for (const f of files) (/\.sql$/i.test(f.path) ? sql : others).set(f.path, f.text);
  const paths = [...sql.keys()].sort();
  const assigned = new Set<string>();
  const groups: FileGroup[] = [];

  const configured = new Map<string, MigrationToolName | undefined>();
  for (const m of config.migrations) {
    const folder = normalizeFolder(m.path);
    if (!configured.has(folder) || m.tool) configured.set(folder, m.tool);
  }
  // Deepest first, so a folder configured inside another configured folder keeps its own files.
  const configuredFolders = [...configured.keys()].sort(
    (a, b) => depthOf(b) - depthOf(a) || (a < b ? -1 : a > b ? 1 : 0),
  );
  for (const folder of configuredFolders) {
    const entries: Entry[] = [];
    for (const path of paths) {
      const rel = assigned.has(path) ? undefined : relativeTo(folder, path);
      if (rel !== undefined) entries.push(entryOf(path, rel, sql.get(path) ?? ''));
    }
    if (entries.length === 0) continue;
    const forced = configured.get(folder);
    const layout = forced ?? detectLayout(folder, entries, true) ?? 'plain';
    const tool = toolOf(layout);
    const members: Member[] = [];
    for (const entry of entries) {
      // Configured means the user has decided: files the tool would skip are not left for
      // convention detection, they are linted on their own.
      assigned.add(entry.path);
      const parsed = forced ? parseForced(forced, entry.rel) : parseAs(layout, entry.rel);
      if (parsed) members.push({ entry, parsed });
      else groups.push(standaloneGroup(entry.path));
    }
    if (members.length > 0) groups.push(migrationGroup(folder, tool, members, others));
  }

  // Every migration layout puts its files one or two levels below the migrations folder.
  const candidates = new Map<string, string[]>();
  for (const path of paths) {
    if (assigned.has(path)) continue;
    const parent = dirName(path);
    for (const folder of path.includes('/') ? [parent, dirName(parent)] : [parent]) {
      const list = candidates.get(folder) ?? [];
      list.push(path);
      candidates.set(folder, list);
    }
  }
  // Shallowest first: the folder holding Prisma/diesel/version subfolders must claim them before
  // each subfolder is considered on its own.
  const order = [...candidates.keys()].sort(
    (a, b) => depthOf(a) - depthOf(b) || (a < b ? -1 : a > b ? 1 : 0),
  );
  for (const folder of order) {
    const entries = (candidates.get(folder) ?? [])
      .filter((p) => !assigned.has(p))
      .map((p) => entryOf(p, relativeTo(folder, p) ?? p, sql.get(p) ?? ''));
    const layout = detectLayout(folder, entries, false);
    if (!layout) continue;
    const members: Member[] = [];
    for (const entry of entries) {
      const parsed = parseAs(layout, entry.rel);
      if (!parsed) continue;
      members.push({ entry, parsed });
      assigned.add(entry.path);
    }
    if (members.length > 0) groups.push(migrationGroup(folder, toolOf(layout), members, others));
  }

  for (const path of paths) if (!assigned.has(path)) groups.push(standaloneGroup(path));

  const keyOf = (g: FileGroup): string => (g.kind === 'migrations' ? (g.folder ?? '') : g.files[0]);
  return groups.sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    if (ka !== kb) return ka < kb ? -1 : 1;
    return a.kind === b.kind ? 0 : a.kind === 'migrations' ? -1 : 1;
  });
}
