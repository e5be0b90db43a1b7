#!/usr/bin/env node
/**
 * The `db-expert` command: `lint`, `rules`, `server`. Everything the user can get wrong ends as a
 * one-line message and exit code 2; a stack trace is printed only with `--debug`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { version } from '../../../package.json';
import { DEFAULT_CONFIG, type ResolvedConfig } from '../engine/config/config';
import { parseConfig, suggestName } from '../engine/config/load';
import { compareFindings, type Finding, type SeveritySetting } from '../engine/findings';
import { lintProject } from '../engine/lint';
import type { SourceFile } from '../engine/project';
import { allRules } from '../engine/rules';
import { LineIndex } from '../engine/text';
import { MIGRATION_FAILS, verifyProject } from '../engine/verify';
import { runFixLoop, writeFixes, type WriteTarget } from './fix';
import {
  CONFIG_FILE,
  collectFiles,
  findRoot,
  migrationSettingsFiles,
  prismaPackageFiles,
  toRootPath,
  UsageError,
} from './files';
import {
  countFindings,
  FORMAT_NAMES,
  lineIndexes,
  plural,
  type FormatContext,
  type FormatName,
} from './format/common';
import { formatGithub } from './format/github';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { formatStylish } from './format/stylish';

const HELP = `Usage: db-expert <command> [options]

Commands:
  lint [paths|globs...]   Lint .sql and .prisma files (default: the current folder)
  rules                   List every rule with its severity and whether it can fix
  server --stdio          Run the language server

Options:
  -f, --format <name>     stylish (default), json, sarif or github
      --fix               Apply fixes until nothing more applies, then report what is left
      --verify            Also run the migrations in an embedded PostgreSQL 18 (PGlite) and
                          report each statement it rejects (rule migration-fails)
      --rule <id=level>   Set a rule's severity: off, warn or error (repeatable)
      --max-warnings <n>  Exit with 1 when there are more than n warnings
      --quiet             Report errors only (warnings still count for --max-warnings)
      --color             Force colours on (default: on in a terminal, off with NO_COLOR)
      --no-color          Force colours off
      --debug             Print the stack trace of an internal error
  -h, --help              Show this help
  -v, --version           Print the version

The project root is the nearest folder above the first path with a db-expert.json (stopping
at a .git folder), else with a package.json, else the current folder. db-expert.json is read
there, and paths in findings are relative to it. node_modules, .git and the config's
"ignore" globs are never linted.

Exit codes: 0 no errors, 1 errors (or more warnings than --max-warnings), 2 bad usage or an
internal failure.
`;

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  fix: { type: 'boolean' },
  verify: { type: 'boolean' },
  rule: { type: 'string', multiple: true },
  'max-warnings': { type: 'string' },
  quiet: { type: 'boolean' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

const LEVELS: Record<string, SeveritySetting> = {
  off: 'off',
  warn: 'warning',
  warning: 'warning',
  error: 'error',
  info: 'info',
  hint: 'hint',
};

const FORMATTERS: Record<FormatName, (findings: readonly Finding[], context: FormatContext) => string> = {
  stylish: formatStylish,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
};

const out = (s: string): void => void process.stdout.write(s);
const err = (s: string): void => void process.stderr.write(s.endsWith('\n') ? s : s + '\n');

function parse(argv: string[]): { flags: Flags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    return { flags: values, positionals };
  } catch (e) {
    const code = (e as { code?: string }).code;
    const message = e instanceof Error ? e.message : String(e);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unknown option '${option}'`);
    }
    // parseArgs explains how to pass a value starting with '-' on a second sentence; the first says it.
    throw new UsageError(message.split('\n')[0]);
  }
}

function parseRuleFlags(
  values: readonly string[],
  knownIds: readonly string[],
): Record<string, SeveritySetting> {
  const known = new Set(knownIds);
  const overrides: Record<string, SeveritySetting> = {};
  for (const item of values.flatMap((v) => v.split(',')).filter((v) => v.trim() !== '')) {
    const eq = item.indexOf('=');
    const id = (eq === -1 ? item : item.slice(0, eq)).trim();
    const level =
      eq === -1
        ? undefined
        : LEVELS[
            item
              .slice(eq + 1)
              .trim()
              .toLowerCase()
          ];
    if (!level) throw new UsageError(`--rule needs id=off|warn|error, not '${item}'`);
    if (!known.has(id)) {
      const hint = suggestName(id, knownIds);
      throw new UsageError(`unknown rule '${id}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
    overrides[id] = level;
  }
  return overrides;
}

function parseMaxWarnings(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--max-warnings needs a whole number, not '${value}'`);
  return Number(value);
}

function parseFormat(value: string | undefined): FormatName {
  const format = (value ?? 'stylish') as FormatName;
  if (!FORMAT_NAMES.includes(format)) {
    throw new UsageError(`unknown format '${value}' (use ${FORMAT_NAMES.join(', ')})`);
  }
  return format;
}

function useColor(flags: Flags): boolean {
  if (flags['no-color']) return false;
  if (flags.color) return true;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (process.env.NO_COLOR) return false;
  return process.stdout.isTTY === true && process.env.TERM !== 'dumb';
}

interface LoadedConfig {
  config: ResolvedConfig;
  findings: Finding[];
  /** The file's text, for the line and column of its findings. */
  text?: string;
}

/** Reads `db-expert.json` at the root. A bad file gives findings at its bad keys, never a failure. */
function loadConfig(root: string): LoadedConfig {
  const absolute = join(root, CONFIG_FILE);
  if (!existsSync(absolute)) return { config: DEFAULT_CONFIG, findings: [] };
  const file = toRootPath(root, absolute);
  const problem = (message: string, start = 0, end = 0): Finding => ({
    ruleId: 'config',
    severity: 'error',
    message,
    file,
    start,
    end,
    fixes: [],
  });
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      config: DEFAULT_CONFIG,
      findings: [problem(`Could not read ${CONFIG_FILE}${code ? ` (${code})` : ''}.`)],
    };
  }
  const { config, problems } = parseConfig(
    text,
    allRules.map((r) => r.meta.id),
  );
  return { config, text, findings: problems.map((p) => problem(p.message, p.start, p.end)) };
}

/** Paths as CI names them: relative to the checkout (GITHUB_WORKSPACE) or the cwd. */
function ciPaths(root: string, cwd: string): { baseDir: string; displayPath: (file: string) => string } {
  const baseDir = resolve(process.env.GITHUB_WORKSPACE || cwd);
  return {
    baseDir,
    displayPath: (file) => {
      const rel = relative(baseDir, resolve(root, file));
      return sep === '/' ? rel : rel.split(sep).join('/');
    },
  };
}

async function lintCommand(paths: string[], flags: Flags): Promise<number> {
  const format = parseFormat(flags.format);
  const maxWarnings = parseMaxWarnings(flags['max-warnings']);
  const overrides = parseRuleFlags(
    flags.rule ?? [],
    allRules.map((r) => r.meta.id),
  );
  const cwd = process.cwd();
  const root = findRoot(paths, cwd);
  const loaded = loadConfig(root);
  const collected = await collectFiles(paths, { cwd, root, ignore: loaded.config.ignore });
  if (collected.files.length === 0 && collected.findings.length === 0) {
    err(
      `db-expert: no .sql or .prisma files found in ${paths.length > 0 ? paths.join(', ') : 'the current folder'}`,
    );
  }

  const lint = async (
    files: readonly SourceFile[],
    createdByFixes?: ReadonlySet<string>,
  ): Promise<Finding[]> =>
    (await lintProject(files, { config: loaded.config, ruleOverrides: overrides, createdByFixes })).findings;
  const sources: SourceFile[] = [
    ...collected.files.map((f) => ({ path: f.path, text: f.text })),
    // Read with the files, not linted: which Prisma the schemas are written for, and which
    // migrations run outside a transaction.
    ...prismaPackageFiles(collected.files, root),
    ...migrationSettingsFiles(collected.files, root),
  ];
  const extra: Finding[] = [...loaded.findings, ...collected.findings];
  let exitCode = 0;
  let findings: Finding[];
  let texts: Map<string, string>;
  if (flags.fix) {
    const byPath = new Map(collected.files.map((f) => [f.path, f]));
    const outcome = await runFixLoop({
      files: sources,
      lint,
      exists: (path) => existsSync(resolve(root, path)),
      editable: (path) => byPath.get(path)?.utf8 ?? true,
    });
    const targets = new Map<string, WriteTarget>(
      collected.files.map((f) => [f.path, { absolute: f.absolute, bom: f.bom }]),
    );
    const { messages, failures } = writeFixes(outcome, root, targets);
    for (const m of messages) err(m);
    for (const f of failures) err(`db-expert: could not write ${f}`);
    if (failures.length > 0) exitCode = 2;
    for (const path of outcome.blocked) {
      extra.push({
        ruleId: 'input',
        severity: 'warning',
        message: 'not valid UTF-8: --fix does not rewrite it, to keep its bytes intact',
        file: path,
        start: 0,
        end: 0,
        fixes: [],
      });
    }
    findings = outcome.findings;
    texts = new Map(outcome.files.map((f) => [f.path, f.text]));
  } else {
    findings = await lint(sources);
    texts = new Map(sources.map((f) => [f.path, f.text]));
  }
  if (flags.verify) {
    findings = [
      ...findings,
      ...(await verify(texts, loaded.config, overrides, ciPaths(root, cwd).displayPath)),
    ];
  }
  if (loaded.text !== undefined) texts.set(toRootPath(root, join(root, CONFIG_FILE)), loaded.text);

  const all = [...extra, ...findings].sort(compareFindings);
  const counts = countFindings(all);
  const shown = flags.quiet ? all.filter((f) => f.severity === 'error') : all;
  const context: FormatContext = {
    lines: lineIndexes(texts),
    rules: allRules.map((r) => r.meta),
    color: format === 'stylish' && useColor(flags),
    toolVersion: version,
    ...ciPaths(root, cwd),
  };
  out(FORMATTERS[format](shown, context));

  if (counts.error > 0) exitCode ||= 1;
  if (maxWarnings !== undefined && counts.warning > maxWarnings) {
    err(`db-expert: ${plural(counts.warning, 'warning')}, more than --max-warnings ${maxWarnings}`);
    exitCode ||= 1;
  }
  return exitCode;
}

/**
 * `--verify`: runs the migrations (after --fix, as written to disk) in PGlite; what PostgreSQL
 * rejects becomes `migration-fails` findings, what could not be checked a note on stderr.
 */
async function verify(
  texts: ReadonlyMap<string, string>,
  config: ResolvedConfig,
  overrides: Record<string, SeveritySetting>,
  displayPath: (file: string) => string,
): Promise<Finding[]> {
  const rule = allRules.find((r) => r.meta.id === MIGRATION_FAILS)!;
  if ((overrides[MIGRATION_FAILS] ?? config.rules[MIGRATION_FAILS]) === 'off') return [];
  const files = [...texts].map(([path, text]) => ({ path, text }));
  const result = await verifyProject(files, { config });
  for (const note of result.notes) {
    const at = new LineIndex(texts.get(note.file) ?? '').position(note.start);
    err(`db-expert: --verify: ${displayPath(note.file)}:${at.line + 1}:${at.character + 1}: ${note.message}`);
  }
  // The rule reports the failures, with the configured severity and suppression comments.
  const { findings } = await lintProject(files, {
    config,
    ruleOverrides: overrides,
    rules: [rule],
    verifyFailures: result.failures,
  });
  return findings;
}

function rulesCommand(flags: Flags): number {
  const format = flags.format === undefined ? 'stylish' : flags.format;
  if (format !== 'stylish' && format !== 'json')
    throw new UsageError(`'rules' prints stylish or json, not '${format}'`);
  const ids = allRules.map((r) => r.meta.id);
  const overrides = parseRuleFlags(flags.rule ?? [], ids);
  const root = findRoot([], process.cwd());
  const loaded = loadConfig(root);
  for (const f of loaded.findings) err(`${f.file}: ${f.message}`);
  const rows = [...allRules]
    .map((r) => r.meta)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((meta) => ({
      meta,
      severity: overrides[meta.id] ?? loaded.config.rules[meta.id] ?? meta.defaultSeverity,
    }));
  if (format === 'json') {
    const list = rows.map(({ meta, severity }) => ({
      id: meta.id,
      severity,
      defaultSeverity: meta.defaultSeverity,
      fixable: meta.fixable,
      category: meta.category,
      languages: meta.languages,
      description: meta.description,
    }));
    out(JSON.stringify(list, null, 2) + '\n');
    return 0;
  }
  const table = rows.map(({ meta, severity }) => [
    meta.id,
    severity === meta.defaultSeverity ? severity : `${severity} (default ${meta.defaultSeverity})`,
    meta.fixable ? 'fixable' : '-',
    meta.description,
  ]);
  const header = ['rule', 'severity', 'fix', 'description'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (row: string[]): string =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  out([line(header), ...table.map(line)].join('\n') + '\n');
  out(`\n${plural(rows.length, 'rule')}, ${rows.filter((r) => r.meta.fixable).length} with a fix\n`);
  return 0;
}

/** The language server ships as `server.js` beside this bundle; builds without it say so. */
function serverCommand(): number | undefined {
  const bundled = join(__dirname, 'server.js');
  if (!existsSync(bundled)) {
    err('db-expert: the language server is not part of this build yet');
    return 2;
  }
  // The server starts itself when loaded and reads its transport (--stdio …) from process.argv.
  createRequire(__filename)(bundled);
  return undefined;
}

const COMMANDS = ['lint', 'rules', 'server', 'help'];

async function main(argv: string[]): Promise<number | undefined> {
  // The language server takes its own options (--stdio, --node-ipc, --clientProcessId=…).
  if (argv[0] === 'server') return serverCommand();
  const { flags, positionals } = parse(argv);
  if (flags.help || positionals[0] === 'help') {
    out(HELP);
    return 0;
  }
  if (flags.version) {
    out(`${version}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  switch (command) {
    case 'lint':
      return lintCommand(rest, flags);
    case 'rules': {
      if (rest.length > 0) throw new UsageError(`'rules' takes no arguments`);
      const misplaced = (['fix', 'verify', 'quiet', 'max-warnings'] as const).find(
        (k) => flags[k] !== undefined,
      );
      if (misplaced) throw new UsageError(`--${misplaced} applies to 'lint', not 'rules'`);
      return rulesCommand(flags);
    }
    case undefined:
      err(HELP);
      return 2;
    default: {
      const hint = suggestName(command, COMMANDS);
      throw new UsageError(`unknown command '${command}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
  }
}

const debug = process.argv.includes('--debug');

// `db-expert lint | head` closes the pipe early; that is not a failure worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

function fail(e: unknown): void {
  if (e instanceof UsageError) {
    err(`db-expert: ${e.message} (see db-expert --help)`);
  } else {
    const message = e instanceof Error ? e.message : String(e);
    err(`db-expert: internal error: ${message.split('\n')[0]}`);
    // Source maps cannot be turned on for a bundle already loaded, hence the hint for TypeScript positions.
    if (debug && e instanceof Error && e.stack)
      err(`${e.stack}\n(NODE_OPTIONS=--enable-source-maps maps it to the sources)`);
    else err('Run again with --debug for the stack trace.');
  }
  process.exitCode = 2;
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

main(process.argv.slice(2)).then((code) => {
  if (code !== undefined) process.exitCode = code;
}, fail);
