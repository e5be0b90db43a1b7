/**
 * Which files a `lint` run reads, and how paths are named.
 *
 * The project root is where `db-expert.json` is read and what every path in a finding is relative
 * to (with `/`). It is found from the first path argument (or the cwd): walking up, the first
 * folder that has a `db-expert.json` wins; the walk stops at a folder with `.git` (a repository
 * root), which is then the root, so a config never leaks in from outside the repository. With
 * neither, the nearest folder with a `package.json`; with none either, the cwd (or the first
 * path's folder when that is outside the cwd).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { glob, isDynamicPattern } from 'tinyglobby';
import type { Finding } from '../engine/findings';
import { prismaPackageJsons } from '../engine/prisma/version';
import type { SourceFile } from '../engine/project';
import { migrationSettingsPaths } from '../engine/workspace/migrations';

/** A mistake on the command line: reported as one line, exit code 2. */
export class UsageError extends Error {}

export const CONFIG_FILE = 'db-expert.json';
export const LINTED_EXTENSIONS = ['.sql', '.prisma'];
/** Never linted, whatever the arguments say: other people's code and Git's own files. */
const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**'];
/** Past this a file is not SQL someone maintains; reading it would only risk memory. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;
/** How much of a file is searched for a NUL byte, as Git does to call a file binary. */
const BINARY_SNIFF_BYTES = 8000;

export interface ProjectFile {
  /** Root-relative, `/`-separated: what findings name. */
  path: string;
  absolute: string;
  /** The text, without a UTF-8 byte-order mark (offsets are then what editors show). */
  text: string;
  /** The file started with a byte-order mark, to put back when it is rewritten. */
  bom: boolean;
  /** Valid UTF-8: only then can it be rewritten without damaging the bytes it had. */
  utf8: boolean;
}

export interface Collected {
  files: ProjectFile[];
  /** Files skipped (binary, too large, unreadable), as warnings with rule id `input`. */
  findings: Finding[];
}

export function toRootPath(root: string, absolute: string): string {
  const rel = relative(root, absolute);
  return sep === '/' ? rel : rel.split(sep).join('/');
}

export function isLintable(path: string): boolean {
  const lower = path.toLowerCase();
  return LINTED_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** The folder a path argument starts in: the folder itself, a file's folder, a glob's fixed prefix. */
function startFolder(arg: string, cwd: string): string {
  const abs = resolve(cwd, arg);
  if (existsSync(abs)) return statSync(abs).isDirectory() ? abs : dirname(abs);
  if (!isDynamicPattern(arg)) return dirname(abs);
  const fixed: string[] = [];
  for (const part of arg.split(/[\\/]/)) {
    if (isDynamicPattern(part)) break;
    fixed.push(part);
  }
  return resolve(cwd, fixed.join('/') || '.');
}

export function findRoot(args: readonly string[], cwd: string): string {
  const start = startFolder(args[0] ?? '.', cwd);
  let nearestPackage: string | undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, CONFIG_FILE)) || existsSync(join(dir, '.git'))) return dir;
    if (!nearestPackage && existsSync(join(dir, 'package.json'))) nearestPackage = dir;
    if (dirname(dir) === dir) break;
  }
  if (nearestPackage) return nearestPackage;
  const rel = relative(cwd, start);
  const insideCwd = rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  return insideCwd ? cwd : start;
}

/** A matcher for the config's `ignore` globs (root-relative); a glob naming a folder ignores its files. */
export function ignoreMatcher(patterns: readonly string[]): (rootPath: string) => boolean {
  if (patterns.length === 0) return () => false;
  const match = picomatch([...patterns], { dot: true });
  return (path) => {
    if (match(path)) return true;
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
      if (match(path.slice(0, i))) return true;
    }
    return false;
  };
}

/**
 * Expands the path and glob arguments into the files to lint, read and checked. Throws a
 * `UsageError` for an argument that names nothing, so a typo in CI is not a silent green run.
 */
export async function collectFiles(
  args: readonly string[],
  options: { cwd: string; root: string; ignore: readonly string[] },
): Promise<Collected> {
  const { cwd, root } = options;
  const ignored = ignoreMatcher(options.ignore);
  const always = ignoreMatcher(ALWAYS_IGNORED);
  const found = new Set<string>();
  const findings: Finding[] = [];

  for (const arg of args.length > 0 ? args : ['.']) {
    const abs = resolve(cwd, arg);
    if (existsSync(abs)) {
      if (statSync(abs).isDirectory()) {
        const matches = await glob('**/*.{sql,prisma}', {
          cwd: abs,
          absolute: true,
          dot: true,
          caseSensitiveMatch: false,
          ignore: ALWAYS_IGNORED,
          expandDirectories: false,
          followSymbolicLinks: false,
        });
        for (const m of matches) found.add(resolve(m));
      } else if (isLintable(abs)) {
        found.add(abs);
      } else {
        // A warning, not a usage error: `git diff --name-only | xargs db-expert lint` passes every kind of file.
        findings.push(skipped(toRootPath(root, abs), 'not a .sql or .prisma file: skipped'));
      }
      continue;
    }
    if (!isDynamicPattern(arg)) throw new UsageError(`no such file or folder: '${arg}'`);
    const matches = (
      await glob(arg.replace(/\\/g, '/'), {
        cwd,
        absolute: true,
        dot: true,
        ignore: ALWAYS_IGNORED,
        expandDirectories: false,
        followSymbolicLinks: false,
      })
    ).filter(isLintable);
    if (matches.length === 0) throw new UsageError(`no .sql or .prisma files match '${arg}'`);
    for (const m of matches) found.add(resolve(m));
  }

  const files: ProjectFile[] = [];
  for (const absolute of [...found].sort()) {
    const path = toRootPath(root, absolute);
    if (ignored(path) || always(path)) continue;
    const read = readProjectFile(absolute, path);
    if ('ruleId' in read) findings.push(read);
    else files.push(read);
  }
  return { files, findings };
}

/**
 * The package.json that says which Prisma each schema among the files is written for: the nearest
 * one at or above its folder, inside the root, that depends on `prisma` or `@prisma/client`. The
 * engine reads the Prisma version from it (what the schema may say, what a fix may write); it is
 * not linted. The config's `ignore` does not apply: it says what is linted.
 */
export function prismaPackageFiles(files: readonly { path: string }[], root: string): SourceFile[] {
  return prismaPackageJsons(
    files.map((f) => f.path),
    (path) => {
      if (path.startsWith('../')) return undefined;
      const read = readProjectFile(join(root, path), path);
      return 'ruleId' in read ? undefined : read.text;
    },
  );
}

/**
 * The settings files of the migrations among the files (a diesel `metadata.toml`, a Flyway
 * `.sql.conf`), read so that the engine knows which run outside a transaction; not linted.
 */
export function migrationSettingsFiles(files: readonly { path: string }[], root: string): SourceFile[] {
  const out = new Map<string, SourceFile>();
  for (const f of files) {
    if (!/\.sql$/i.test(f.path)) continue;
    for (const path of migrationSettingsPaths(f.path)) {
      if (out.has(path) || path.startsWith('../')) continue;
      const absolute = join(root, path);
      if (!existsSync(absolute)) continue;
      const read = readProjectFile(absolute, path);
      if (!('ruleId' in read)) out.set(path, { path, text: read.text });
    }
  }
  return [...out.values()];
}

function skipped(path: string, message: string): Finding {
  return { ruleId: 'input', severity: 'warning', message, file: path, start: 0, end: 0, fixes: [] };
}

/** Reads one file as text, or says why it is not linted. Never throws. */
export function readProjectFile(absolute: string, path: string): ProjectFile | Finding {
  let bytes: Buffer;
  try {
    const stat = statSync(absolute);
    // A FIFO or a device would block the read or never end.
    if (!stat.isFile()) return skipped(path, 'not a regular file: skipped');
    const size = stat.size;
    if (size > MAX_FILE_BYTES) {
      const mb = (n: number): string => `${Math.round(n / (1024 * 1024))} MB`;
      return skipped(
        path,
        `file too large to lint (${mb(size)}; the limit is ${mb(MAX_FILE_BYTES)}): skipped`,
      );
    }
    bytes = readFileSync(absolute);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return skipped(path, `could not read ${basename(absolute)}${code ? ` (${code})` : ''}: skipped`);
  }
  // UTF-16 is text, but it is full of NUL bytes; say what to do rather than call it binary.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return skipped(path, 'UTF-16 file skipped: save it as UTF-8 to lint it');
  }
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return skipped(path, 'binary file skipped');
  let text: string;
  let utf8 = true;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // Still linted (a Latin-1 comment is no reason to skip a schema), but never rewritten.
    text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    utf8 = false;
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  return { path, absolute, text: bom ? text.slice(1) : text, bom, utf8 };
}
