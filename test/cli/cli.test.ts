/**
 * The command line: the formatters and the fix loop as pure functions, then the real bundle
 * (`dist/cli.js`, rebuilt when older than its sources) run in temporary projects.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Finding } from '../../server/src/engine/findings';
import type { SourceFile } from '../../server/src/engine/project';
import type { RuleMeta } from '../../server/src/engine/rules/rule';
import { chooseFixes, runFixLoop } from '../../server/src/cli/fix';
import { lintProject } from '../../server/src/engine/lint';
import { addForeignKeyValidating } from '../../server/src/engine/rules/add-foreign-key-validating';
import { closePostgres, postgres, reset, runScript } from '../support/postgres';
import { ignoreMatcher } from '../../server/src/cli/files';
import { lineIndexes, type FormatContext } from '../../server/src/cli/format/common';
import { formatGithub } from '../../server/src/cli/format/github';
import { formatJson } from '../../server/src/cli/format/json';
import { formatSarif } from '../../server/src/cli/format/sarif';
import { formatStylish } from '../../server/src/cli/format/stylish';

const REPO = join(__dirname, '..', '..');
const CLI = join(REPO, 'dist', 'cli.js');
const ANSI = /\x1b\[/; // eslint-disable-line no-control-regex

// ---- Formatters, as pure functions ------------------------------------------------------------

const TEXT = 'CREATE TABLE a (id int);\nCREATE TABLE b (\n  a_id int REFERENCES a (id)\n);\n';
const FK_START = TEXT.indexOf('REFERENCES');
const FINDINGS: Finding[] = [
  {
    ruleId: 'fk-rule',
    severity: 'warning',
    message: 'Foreign key b.a_id has no index',
    file: 'db/schema.sql',
    start: FK_START,
    end: FK_START + 'REFERENCES a (id)'.length,
    fixes: [{ title: 'Add index on b (a_id)', edits: [], preferred: true }],
  },
  {
    ruleId: 'other',
    severity: 'error',
    message: 'Bad, with a comma: and a colon\nover two lines 100%',
    file: 'db/schema.sql',
    start: 0,
    end: 6,
    fixes: [],
  },
  { ruleId: 'note-rule', severity: 'info', message: 'An info', file: 'x y.sql', start: 0, end: 0, fixes: [] },
  { ruleId: 'hint-rule', severity: 'hint', message: 'A hint', file: 'x y.sql', start: 0, end: 0, fixes: [] },
];
const META: RuleMeta = {
  id: 'fk-rule',
  defaultSeverity: 'warning',
  description: 'Foreign keys need an index.',
  rationale: 'Deletes on the parent scan the child.',
  example: { bad: 'bad', good: 'good' },
  fixable: true,
  languages: ['sql'],
  category: 'schema design',
};
const context = (extra: Partial<FormatContext> = {}): FormatContext => ({
  lines: lineIndexes(new Map([['db/schema.sql', TEXT]])),
  rules: [META],
  ...extra,
});

describe('formatters', () => {
  test('stylish: a header per file, aligned rows, the summary, no colour unless asked', () => {
    const text = formatStylish(FINDINGS, context());
    assert.doesNotMatch(text, ANSI);
    const lines = text.split('\n');
    assert.ok(lines.includes('db/schema.sql'));
    assert.ok(lines.includes('x y.sql'));
    const row = lines.find((l) => l.includes('fk-rule'))!;
    assert.match(row, /^ {2}3:12 {2}warning {2}Foreign key b\.a_id has no index +fk-rule$/);
    assert.match(text, /^ {2}1:1 {3}error {4}Bad, with a comma: and a colon over two lines 100% {2}other$/m);
    assert.match(text, /✖ 4 problems \(1 error, 1 warning, 1 info, 1 hint\)/);
    assert.match(text, /1 fixable with --fix/);
    assert.match(formatStylish(FINDINGS, context({ color: true })), ANSI);
    assert.equal(formatStylish([], context()), '');
  });

  test('json: one object per finding with 1-based positions and fix titles', () => {
    const data = JSON.parse(formatJson(FINDINGS, context()));
    assert.equal(data.length, 4);
    assert.deepEqual(data[0], {
      file: 'db/schema.sql',
      line: 3,
      column: 12,
      endLine: 3,
      endColumn: 29,
      severity: 'warning',
      ruleId: 'fk-rule',
      message: 'Foreign key b.a_id has no index',
      fixes: [{ title: 'Add index on b (a_id)' }],
    });
    assert.deepEqual(JSON.parse(formatJson([], context())), []);
  });

  test('sarif: 2.1.0, rules with help links, results with regions and levels', () => {
    const sarif = JSON.parse(formatSarif(FINDINGS, context({ toolVersion: '1.2.3', baseDir: '/repo' })));
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'db-expert');
    assert.equal(run.tool.driver.version, '1.2.3');
    const rules = run.tool.driver.rules;
    assert.equal(rules[0].id, 'fk-rule');
    assert.equal(rules[0].helpUri, 'https://github.com/db-expert/db-expert/blob/main/docs/rules/fk-rule.md');
    assert.equal(rules[0].fullDescription.text, META.rationale);
    assert.equal(rules[0].defaultConfiguration.level, 'warning');
    // Findings of no catalogued rule still get a descriptor, so every ruleIndex resolves.
    for (const r of run.results) assert.equal(rules[r.ruleIndex].id, r.ruleId);
    assert.deepEqual(
      run.results.map((r: { level: string }) => r.level),
      ['warning', 'error', 'note', 'note'],
    );
    assert.deepEqual(run.results[0].locations[0].physicalLocation, {
      artifactLocation: { uri: 'db/schema.sql', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3, startColumn: 12, endLine: 3, endColumn: 29 },
    });
    assert.equal(run.results[2].locations[0].physicalLocation.artifactLocation.uri, 'x%20y.sql');
    assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, 'file:///repo/');
  });

  test('github: workflow commands with escaped properties and messages', () => {
    const lines = formatGithub(FINDINGS, context({ displayPath: (f) => `sub/${f}` }))
      .trimEnd()
      .split('\n');
    assert.deepEqual(lines, [
      '::warning file=sub/db/schema.sql,line=3,col=12,endLine=3,endColumn=29,title=fk-rule::Foreign key b.a_id has no index',
      '::error file=sub/db/schema.sql,line=1,col=1,endLine=1,endColumn=7,title=other::Bad, with a comma: and a colon%0Aover two lines 100%25',
      '::notice file=sub/x y.sql,line=1,col=1,endLine=1,endColumn=1,title=note-rule::An info',
      '::notice file=sub/x y.sql,line=1,col=1,endLine=1,endColumn=1,title=hint-rule::A hint',
    ]);
    assert.equal(formatGithub([], context()), '');
  });
});

// ---- The fix loop, with a stand-in linter ------------------------------------------------------

/** A linter that wants `MARK` after every `;` not already followed by it. */
function markLinter(mark: string, options: { preferred?: boolean; createFile?: string } = {}) {
  let calls = 0;
  const lint = async (files: readonly SourceFile[]): Promise<Finding[]> => {
    calls++;
    const out: Finding[] = [];
    for (const f of files) {
      for (let i = f.text.indexOf(';'); i !== -1; i = f.text.indexOf(';', i + 1)) {
        if (f.text.startsWith(mark, i + 1) || f.text.startsWith(mark.replace(/\n/g, '\r\n'), i + 1)) continue;
        out.push({
          ruleId: 'mark',
          severity: 'warning',
          message: 'needs a mark',
          file: f.path,
          start: i,
          end: i + 1,
          fixes: [
            {
              title: `mark at ${i}`,
              edits: [{ file: f.path, start: i + 1, end: i + 1, newText: mark }],
              preferred: options.preferred,
              ...(options.createFile ? { createFiles: [{ file: options.createFile, text: 'created' }] } : {}),
            },
          ],
        });
      }
    }
    return out;
  };
  return { lint, calls: () => calls };
}

describe('fix loop', () => {
  test('applies every non-overlapping fix in one pass and stops when stable', async () => {
    const { lint, calls } = markLinter('\n-- ok');
    const outcome = await runFixLoop({
      files: [{ path: 'a.sql', text: 'a;b;\r\nc;' }],
      lint,
      exists: () => false,
    });
    assert.equal(outcome.files[0].text, 'a;\r\n-- okb;\r\n-- ok\r\nc;\r\n-- ok', 'CRLF files get CRLF');
    assert.equal(outcome.passes, 1);
    assert.equal(calls(), 2);
    assert.deepEqual(outcome.findings, []);
    assert.deepEqual(outcome.changed.get('a.sql'), ['mark at 1', 'mark at 3', 'mark at 7']);
  });

  test('one fix per finding: overlapping ones wait, ambiguous and stale ones are left', () => {
    const overlapping: Finding[] = [0, 1].map((n) => ({
      ruleId: 'r',
      severity: 'error',
      message: 'm',
      file: 'a.sql',
      start: 0,
      end: 4,
      fixes: [{ title: `t${n}`, edits: [{ file: 'a.sql', start: 0, end: 4, newText: `x${n}` }] }],
    }));
    const texts = new Map([['a.sql', 'abcd']]);
    assert.deepEqual(
      chooseFixes(overlapping, texts, { exists: () => false }).map((f) => f.title),
      ['t0'],
    );
    // Several fixes, none preferred: not applied automatically.
    const ambiguous: Finding = {
      ...overlapping[0],
      fixes: [...overlapping[0].fixes, ...overlapping[1].fixes],
    };
    assert.deepEqual(chooseFixes([ambiguous], texts, { exists: () => false }), []);
    // An edit past the end of the text (a stale finding) is never applied.
    const stale: Finding = {
      ...overlapping[0],
      fixes: [{ title: 'stale', edits: [{ file: 'a.sql', start: 9, end: 9, newText: 'x' }] }],
    };
    assert.deepEqual(chooseFixes([stale], texts, { exists: () => false }), []);
  });

  test('two fixes inserting at one point inside a statement: the second waits for the next pass', async () => {
    // kids' last column gets both ` ON DELETE …` (foreign-key-without-on-delete) and
    // `, created_at …` (missing-audit-columns) at the end of its REFERENCES clause: applied in one
    // pass, their order would decide whether the SQL parses.
    const text =
      'CREATE TABLE parents (id bigint PRIMARY KEY);\nCREATE TABLE kids (id bigint PRIMARY KEY, parent_id bigint NOT NULL REFERENCES parents (id));\n';
    const lint = async (files: readonly SourceFile[]) => (await lintProject(files)).findings;
    const outcome = await runFixLoop({ files: [{ path: 'schema.sql', text }], lint, exists: () => false });
    const fixed = outcome.files[0].text;
    assert.match(fixed, /REFERENCES parents \(id\) ON DELETE \w+, created_at/);
    assert.deepEqual(
      outcome.findings.filter((f) => f.ruleId === 'syntax-error'),
      [],
    );
    const db = await postgres();
    await reset(db);
    await runScript(db, fixed);
  });

  test('two fixes that create a migration each: one per pass, so that each gets its own version', async () => {
    const files = [
      {
        path: 'db/migrations/001_init.up.sql',
        text: 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, amount numeric);\n',
      },
      { path: 'db/migrations/001_init.down.sql', text: 'DROP TABLE orders;\nDROP TABLE customers;\n' },
      {
        path: 'db/migrations/002_checks.up.sql',
        text: 'ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);\nALTER TABLE orders ADD CHECK (amount > 0);\n',
      },
      { path: 'db/migrations/002_checks.down.sql', text: 'SELECT 1;\n' },
    ];
    const lint = async (fs: readonly SourceFile[], createdByFixes: ReadonlySet<string>) =>
      (await lintProject(fs, { rules: [addForeignKeyValidating], createdByFixes })).findings;
    const outcome = await runFixLoop({ files, lint, exists: () => false });
    const created = [...outcome.created.keys()].filter((f) => f.endsWith('.up.sql')).sort();
    assert.deepEqual(
      created.map((f) => /\/(\d+)_/.exec(f)?.[1]),
      ['003', '004'],
      created.join(', '),
    );
    assert.deepEqual(outcome.findings, []);
  });

  test('a fix that never settles stops after 10 passes', async () => {
    const lint = async (): Promise<Finding[]> => [
      {
        ruleId: 'grow',
        severity: 'warning',
        message: 'never enough',
        file: 'a.sql',
        start: 0,
        end: 0,
        fixes: [{ title: 'grow', edits: [{ file: 'a.sql', start: 0, end: 0, newText: '-' }] }],
      },
    ];
    const outcome = await runFixLoop({ files: [{ path: 'a.sql', text: '' }], lint, exists: () => false });
    assert.equal(outcome.passes, 10);
    assert.equal(outcome.files[0].text, '-'.repeat(10));
    assert.equal(outcome.findings.length, 1);
  });

  test('created files join the project, and are never created over an existing file', async () => {
    const created = await runFixLoop({
      files: [{ path: 'a.sql', text: 'a;' }],
      lint: markLinter('!', { preferred: true, createFile: 'a.down.sql' }).lint,
      exists: () => false,
    });
    assert.equal(created.created.get('a.down.sql'), 'mark at 1');
    assert.equal(created.files.find((f) => f.path === 'a.down.sql')?.text, 'created');

    const blocked = await runFixLoop({
      files: [{ path: 'a.sql', text: 'a;' }],
      lint: markLinter('!', { createFile: 'a.down.sql' }).lint,
      exists: (p) => p === 'a.down.sql',
    });
    assert.equal(blocked.passes, 0);
    assert.equal(blocked.files[0].text, 'a;');
  });

  test('files that may not be edited are reported, not changed', async () => {
    const outcome = await runFixLoop({
      files: [{ path: 'latin1.sql', text: 'a;' }],
      lint: markLinter('!').lint,
      exists: () => false,
      editable: () => false,
    });
    assert.equal(outcome.files[0].text, 'a;');
    assert.deepEqual([...outcome.blocked], ['latin1.sql']);
  });

  test('config ignore globs match files and whole folders', () => {
    const ignored = ignoreMatcher(['vendor', '**/*.generated.sql']);
    assert.equal(ignored('vendor/a.sql'), true);
    assert.equal(ignored('db/x.generated.sql'), true);
    assert.equal(ignored('db/x.sql'), false);
  });
});

// ---- The built command line ---------------------------------------------------------------------

/** Newest modification time under a folder. */
function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((n) => newest(join(path, n))));
}

const temps: string[] = [];
after(async () => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
  await closePostgres();
});

/** A temporary project (a `.git` folder makes it the root) with the given files. */
function project(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'db-expert-cli-'));
  temps.push(dir);
  mkdirSync(join(dir, '.git'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

function run(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  delete env.GITHUB_WORKSPACE;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const FK_SQL =
  'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n' +
  'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE);\n';
const FK_FIXED =
  'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n' +
  'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE);\n' +
  'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n';
const CLEAN_SQL = 'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n';
const BROKEN_SQL = 'CREATE TABLE broken (id bigint,, name text);\n';

/**
 * `--rule` arguments that turn off every rule but the two these tests are written against, so that
 * new rules in the catalogue do not change what they expect. Filled once the bundle is built.
 */
let focus: string[] = [];
const FOCUS_RULES = ['foreign-key-without-index', 'syntax-error'];
/** Every rule id of the bundle. Filled once it is built. */
let ruleIds: string[] = [];

/** `db-expert lint` with only the focus rules on. */
function lint(cwd: string, ...args: string[]): ReturnType<typeof run> {
  return run(cwd, 'lint', ...focus, ...args);
}

/** No stack trace: no `    at f (file:line)` frames. */
function assertNoStack(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at .+:\d+/m);
}

describe('db-expert (built)', () => {
  // Only the end-to-end tests need the bundle; a broken build must not hide the unit tests above.
  before(() => {
    const sources = [
      join(REPO, 'server', 'src'),
      join(REPO, 'scripts', 'build.mjs'),
      join(REPO, 'package.json'),
    ];
    if (existsSync(CLI) && statSync(CLI).mtimeMs >= Math.max(...sources.map(newest))) return;
    const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], {
      cwd: REPO,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `build failed:\n${r.stdout}\n${r.stderr}`);
  });

  before(() => {
    const r = run(tmpdir(), 'rules', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    ruleIds = (JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id);
    const others = ruleIds.filter((id) => !FOCUS_RULES.includes(id));
    focus = others.length > 0 ? ['--rule', others.map((id) => `${id}=off`).join(',')] : [];
  });

  test('clean files: exit 0, nothing printed', () => {
    const dir = project({ 'schema.sql': CLEAN_SQL });
    const r = lint(dir);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
  });

  test('stylish: position, severity, message, rule id, summary; no colour in a pipe', () => {
    const dir = project({ 'db/schema.sql': FK_SQL });
    const r = lint(dir);
    assert.equal(r.status, 0, 'warnings alone exit 0');
    assert.doesNotMatch(r.stdout, ANSI);
    assert.match(r.stdout, /^db\/schema\.sql$/m);
    assert.match(
      r.stdout,
      /^ {2}2:\d+ {2}warning {2}Foreign key .*customer_id.* {2}foreign-key-without-index$/m,
    );
    assert.match(r.stdout, /✖ 1 problem \(0 errors, 1 warning, 0 infos, 0 hints\)/);
    assert.match(r.stdout, /1 fixable with --fix/);
  });

  test('an error exits 1', () => {
    const dir = project({ 'broken.sql': BROKEN_SQL });
    const r = lint(dir, '.');
    assert.equal(r.status, 1);
    assert.match(r.stdout, /1:\d+ {2}error {2}syntax error at or near "," {2}syntax-error/);
  });

  test('--format json', () => {
    const dir = project({ 'schema.sql': FK_SQL, 'broken.sql': BROKEN_SQL });
    const r = lint(dir, '--format', 'json');
    assert.equal(r.status, 1);
    const data = JSON.parse(r.stdout);
    assert.deepEqual(
      data.map((f: { file: string; ruleId: string }) => [f.file, f.ruleId]),
      [
        ['broken.sql', 'syntax-error'],
        ['schema.sql', 'foreign-key-without-index'],
      ],
    );
    const fk = data[1];
    assert.deepEqual(Object.keys(fk).sort(), [
      'column',
      'endColumn',
      'endLine',
      'file',
      'fixes',
      'line',
      'message',
      'ruleId',
      'severity',
    ]);
    assert.equal(fk.line, 2);
    assert.equal(fk.severity, 'warning');
    assert.deepEqual(fk.fixes, [{ title: 'Add index on orders (customer_id)' }]);
  });

  test('--format sarif', () => {
    const dir = project({ 'schema.sql': FK_SQL });
    const r = lint(dir, '-f', 'sarif');
    assert.equal(r.status, 0);
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    const run0 = sarif.runs[0];
    const rules = run0.tool.driver.rules as { id: string; helpUri?: string }[];
    assert.ok(rules.some((x) => x.id === 'foreign-key-without-index'));
    for (const rule of rules) assert.match(rule.helpUri ?? '', /^https:\/\/.+\.md$/, rule.id);
    const result = run0.results[0];
    assert.equal(result.ruleId, 'foreign-key-without-index');
    assert.equal(result.level, 'warning');
    const { artifactLocation, region } = result.locations[0].physicalLocation;
    assert.equal(artifactLocation.uri, 'schema.sql');
    assert.equal(region.startLine, 2);
    assert.ok(region.startColumn > 1 && region.endColumn > region.startColumn);
  });

  test('--format github', () => {
    const dir = project({ 'schema.sql': FK_SQL, 'broken.sql': BROKEN_SQL });
    const r = lint(dir, '--format=github');
    assert.equal(r.status, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(
      lines[0],
      /^::error file=broken\.sql,line=1,col=\d+,endLine=1,endColumn=\d+,title=syntax-error::syntax error/,
    );
    assert.match(
      lines[1],
      /^::warning file=schema\.sql,line=2,col=\d+,endLine=2,endColumn=\d+,title=foreign-key-without-index::Foreign key/,
    );
  });

  test('--rule id=off removes its findings; a bad --rule is a usage error', () => {
    const dir = project({ 'schema.sql': FK_SQL });
    const off = lint(dir, '--rule', 'foreign-key-without-index=off', '--format', 'json');
    assert.equal(off.status, 0);
    assert.deepEqual(JSON.parse(off.stdout), []);
    const error = lint(dir, '--rule', 'foreign-key-without-index=error');
    assert.equal(error.status, 1);
    const unknown = lint(dir, '--rule', 'foreign-key-without-indx=off');
    assert.equal(unknown.status, 2);
    assert.match(
      unknown.stderr,
      /unknown rule 'foreign-key-without-indx' \(did you mean 'foreign-key-without-index'\?\)/,
    );
    assert.equal(lint(dir, '--rule', 'foreign-key-without-index=loud').status, 2);
  });

  test('--max-warnings', () => {
    const dir = project({ 'schema.sql': FK_SQL });
    const over = lint(dir, '--max-warnings', '0');
    assert.equal(over.status, 1);
    assert.match(over.stderr, /1 warning, more than --max-warnings 0/);
    assert.equal(lint(dir, '--max-warnings', '1').status, 0);
    assert.equal(lint(dir, '--max-warnings', 'many').status, 2);
  });

  test('--quiet shows errors only', () => {
    const dir = project({ 'schema.sql': FK_SQL, 'broken.sql': BROKEN_SQL });
    const r = lint(dir, '--quiet');
    assert.equal(r.status, 1);
    assert.match(r.stdout, /syntax-error/);
    assert.doesNotMatch(r.stdout, /foreign-key-without-index/);
    const onlyWarnings = lint(project({ 'schema.sql': FK_SQL }), '--quiet');
    assert.equal(onlyWarnings.status, 0);
    assert.equal(onlyWarnings.stdout, '');
  });

  test('--fix adds the index after the statement; a second --fix changes nothing', () => {
    const dir = project({ 'schema.sql': FK_SQL });
    const first = lint(dir, '--fix');
    assert.equal(first.status, 0, first.stderr);
    assert.equal(readFileSync(join(dir, 'schema.sql'), 'utf8'), FK_FIXED);
    assert.match(first.stderr, /^fixed: schema\.sql \(1 fix: Add index on orders \(customer_id\)\)$/m);
    assert.equal(first.stdout, '', 'nothing is left to report');
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith('.tmp')),
      [],
      'no temporary file is left behind',
    );

    const second = lint(dir, '--fix');
    assert.equal(second.status, 0);
    assert.equal(second.stderr, '');
    assert.equal(readFileSync(join(dir, 'schema.sql'), 'utf8'), FK_FIXED);
  });

  test('--fix keeps CRLF line endings and a byte-order mark', () => {
    const crlf = '\ufeff' + FK_SQL.replace(/\n/g, '\r\n');
    const dir = project({ 'schema.sql': crlf });
    const r = lint(dir, '--fix');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'schema.sql'), 'utf8'), '\ufeff' + FK_FIXED.replace(/\n/g, '\r\n'));
  });

  test('a bad db-expert.json is a `config` finding at the bad key, not a crash', () => {
    const config = '{\n  "rules": { "foreign-key-without-indx": "off" },\n  "tenantColum": "org_id"\n}\n';
    const dir = project({ 'db-expert.json': config, 'schema.sql': CLEAN_SQL });
    const r = lint(dir, '--format', 'json');
    assert.equal(r.status, 1);
    assertNoStack(r.stderr);
    const data = JSON.parse(r.stdout) as { file: string; ruleId: string; line: number; message: string }[];
    assert.ok(data.length >= 2);
    for (const f of data) {
      assert.equal(f.file, 'db-expert.json');
      assert.equal(f.ruleId, 'config');
    }
    const rule = data.find((f) => f.message.includes('foreign-key-without-indx'));
    assert.equal(rule?.line, 2);
    const key = data.find((f) => f.message.includes('tenantColum'));
    assert.equal(key?.line, 3);

    const notJson = project({ 'db-expert.json': '{ "rules": ', 'schema.sql': FK_SQL });
    const r2 = lint(notJson);
    assert.equal(r2.status, 1);
    assert.match(r2.stdout, /db-expert\.json[\s\S]*error[\s\S]*config/);
    assert.match(r2.stdout, /foreign-key-without-index/, 'the files are still linted with the defaults');
  });

  test('config ignores, node_modules and .git are skipped; globs and folders are expanded', () => {
    const dir = project({
      'db-expert.json': '{ "ignore": ["vendor/**"] }',
      'db/a.sql': BROKEN_SQL,
      'db/b.SQL': BROKEN_SQL,
      'vendor/x.sql': BROKEN_SQL,
      'node_modules/pkg/y.sql': BROKEN_SQL,
      'notes.md': 'not sql',
    });
    const files = (args: string[]): string[] => {
      const r = lint(dir, '-f', 'json', ...args);
      assert.notEqual(r.status, 2, r.stderr);
      return [...new Set((JSON.parse(r.stdout) as { file: string }[]).map((f) => f.file))];
    };
    assert.deepEqual(files([]), ['db/a.sql', 'db/b.SQL']);
    assert.deepEqual(files(['db/*.sql']), ['db/a.sql']);
    assert.deepEqual(files(['vendor/x.sql']), [], 'an ignored file stays ignored when named');
    // Paths name the root, whatever the cwd.
    const inner = lint(join(dir, 'db'), '-f', 'json', '.');
    assert.deepEqual(
      [...new Set((JSON.parse(inner.stdout) as { file: string }[]).map((f) => f.file))],
      ['db/a.sql', 'db/b.SQL'],
    );
    const missing = lint(dir, 'nope/');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such file or folder: 'nope\/'/);
    assert.equal(lint(dir, 'nothing/**/*.sql').status, 2);
  });

  test('runs from any cwd: the WebAssembly parser is found beside the bundle', () => {
    const dir = project({ 'schema.sql': BROKEN_SQL });
    const r = lint(tmpdir(), join(dir, 'schema.sql'), '-f', 'json');
    assert.equal(r.status, 1, r.stderr);
    assert.equal(JSON.parse(r.stdout)[0].file, 'schema.sql');
  });

  test('binary files are skipped with a message; junk text never crashes', () => {
    const binary = Buffer.alloc(4096);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919) % 256;
    const junk = Buffer.from(Array.from({ length: 20_000 }, (_, i) => 1 + ((i * 104729) % 255)));
    const dir = project({ 'blob.sql': binary, 'junk.sql': junk, 'schema.sql': CLEAN_SQL });
    const r = lint(dir, '-f', 'json');
    assert.notEqual(r.status, 2, r.stderr);
    assertNoStack(r.stderr);
    const data = JSON.parse(r.stdout) as { file: string; message: string; severity: string }[];
    const blob = data.filter((f) => f.file === 'blob.sql');
    assert.deepEqual(
      blob.map((f) => [f.severity, f.message]),
      [['warning', 'binary file skipped']],
    );
    assert.match(lint(dir, 'blob.sql').stdout, /binary file skipped/);
  });

  test('a 5 MB dump lints without crashing', () => {
    const lines = [
      'SET statement_timeout = 0;',
      "SELECT pg_catalog.set_config('search_path', '', false);",
      CLEAN_SQL.trim(),
      'CREATE TABLE public.events (id bigint NOT NULL, customer_id bigint REFERENCES customers (id), payload text);',
      'COPY public.events (id, customer_id, payload) FROM stdin;',
    ];
    for (let i = 0; lines.join('\n').length < 5_000_000 && i < 1e6; i++) {
      lines.push(
        ...Array.from({ length: 1000 }, (_, k) => `${i * 1000 + k}\t${k}\t{"some": "payload ${k}"}`),
      );
    }
    lines.push('\\.', 'CREATE TABLE broken (id bigint,, x text);', '');
    const dir = project({ 'dump.sql': lines.join('\n') });
    const r = lint(dir, '-f', 'json');
    assert.equal(r.status, 1, r.stderr);
    assertNoStack(r.stderr);
    const ids = (JSON.parse(r.stdout) as { ruleId: string }[]).map((f) => f.ruleId).sort();
    assert.deepEqual(ids, ['foreign-key-without-index', 'syntax-error']);
  });

  test("migrations' settings files are read: diesel's metadata.toml, Flyway's .sql.conf", () => {
    const onlyRule = (id: string) => [
      '--rule',
      ruleIds
        .filter((r) => r !== id)
        .map((r) => `${r}=off`)
        .join(','),
    ];
    const diesel = project({
      'migrations/2024-01-01-000000_create/up.sql': 'CREATE TABLE t (id bigint PRIMARY KEY, a int);\n',
      'migrations/2024-01-01-000000_create/down.sql': 'DROP TABLE t;\n',
      'migrations/2024-02-01-000000_index/up.sql': 'CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n',
      'migrations/2024-02-01-000000_index/down.sql': 'DROP INDEX CONCURRENTLY t_a_idx;\n',
      'migrations/2024-02-01-000000_index/metadata.toml': 'run_in_transaction = false\n',
    });
    const concurrently = onlyRule('create-index-non-concurrently');
    let r = run(diesel, 'lint', ...concurrently);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    rmSync(join(diesel, 'migrations/2024-02-01-000000_index/metadata.toml'));
    r = run(diesel, 'lint', ...concurrently);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /cannot run inside a transaction block: diesel runs each migration in a transaction/,
    );

    // Outside a transaction, the index of a foreign key on a table an earlier migration made is
    // built CONCURRENTLY.
    const flyway = project({
      'db/migration/V1__create.sql':
        'CREATE TABLE w (id bigint PRIMARY KEY);\nCREATE TABLE u (id bigint PRIMARY KEY);\n',
      'db/migration/V2__fk.sql': 'ALTER TABLE u ADD COLUMN w_id bigint REFERENCES w (id);\n',
      'db/migration/V2__fk.sql.conf': 'executeInTransaction=false\n',
    });
    r = run(flyway, 'lint', '--fix', ...onlyRule('foreign-key-without-index'));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(
      readFileSync(join(flyway, 'db/migration/V2__fk.sql'), 'utf8'),
      /^CREATE INDEX CONCURRENTLY u_w_id_idx ON u \(w_id\);$/m,
    );
  });

  test('usage errors: exit 2, one line, no stack trace', () => {
    const dir = project({ 'schema.sql': CLEAN_SQL });
    for (const args of [
      ['lint', '--bogus'],
      ['lint', '--format', 'xml'],
      ['frobnicate'],
      ['rules', '--fix'],
    ]) {
      const r = run(dir, ...args);
      assert.equal(r.status, 2, args.join(' '));
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assertNoStack(r.stderr);
    }
    assert.match(lint(dir, '--bogus').stderr, /^db-expert: unknown option '--bogus'/);
    assert.equal(run(dir).status, 2, 'no command');
  });

  test('rules lists every rule with its severity and whether it fixes', () => {
    const dir = project({});
    const r = run(dir, 'rules');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^foreign-key-without-index +warning +fixable +\S/m);
    assert.match(r.stdout, /^syntax-error +error +- +\S/m);
    const json = JSON.parse(
      run(dir, 'rules', '--format', 'json', '--rule', 'foreign-key-without-index=off').stdout,
    );
    const fk = json.find((x: { id: string }) => x.id === 'foreign-key-without-index');
    assert.equal(fk.severity, 'off');
    assert.equal(fk.defaultSeverity, 'warning');
    assert.equal(fk.fixable, true);
  });

  test('--help, --version, server', () => {
    const dir = project({});
    const help = run(dir, '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: db-expert/);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    assert.equal(run(dir, '--version').stdout.trim(), pkg.version);
    if (!existsSync(join(REPO, 'dist', 'server.js'))) {
      const server = run(dir, 'server', '--stdio');
      assert.equal(server.status, 2);
      assert.match(server.stderr, /the language server is not part of this build yet/);
    }
  });

  describe('a Prisma project: the package.json says which Prisma', () => {
    /** `db-expert lint` with only these rules (and syntax-error) on. */
    const lintOnly = (cwd: string, ids: string[], ...args: string[]) =>
      run(
        cwd,
        'lint',
        '--rule',
        ruleIds
          .filter((id) => !ids.includes(id) && id !== 'syntax-error')
          .map((id) => `${id}=off`)
          .join(','),
        ...args,
      );
    const pkg = (deps: Record<string, string>, field = 'devDependencies') =>
      `${JSON.stringify({ name: 'app', private: true, [field]: deps }, null, 2)}\n`;
    /** An implicit many-to-many: Prisma 5 backs its join table with a unique index, Prisma 6 with a key. */
    const manyToMany = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Post {
  id   BigInt @id @default(autoincrement())
  tags Tag[]
}

model Tag {
  id    BigInt @id @default(autoincrement())
  posts Post[]
}
`;
    const findings = (stdout: string) =>
      (JSON.parse(stdout) as { file: string; ruleId: string; message: string }[]).map(
        (f) => `${f.file}: ${f.ruleId}: ${f.message}`,
      );
    const prisma5Key =
      'table-without-primary-key: Table _PostToTag of the implicit many-to-many relation Post.tags has no primary key: Prisma 5 keys it with a unique index only (Prisma 6 and later make (A, B) its primary key)';

    test('Prisma 5 vs 6 and 7: the join table of an implicit many-to-many has a key from 6 on', () => {
      const cases: [Record<string, string> | undefined, string[]][] = [
        [{ prisma: '^5.22.0' }, [`prisma/schema.prisma: ${prisma5Key}`]],
        [{ prisma: '~6.19.0' }, []],
        [{ prisma: '7.0.0', '@prisma/client': '7.0.0' }, []],
        // No package.json: the newest Prisma is assumed.
        [undefined, []],
      ];
      for (const [deps, expected] of cases) {
        const dir = project({
          ...(deps ? { 'package.json': pkg(deps) } : {}),
          'prisma/schema.prisma': manyToMany,
        });
        const r = lintOnly(dir, ['table-without-primary-key'], '--format', 'json');
        assert.equal(r.stderr, '', JSON.stringify(deps));
        assert.deepEqual(findings(r.stdout), expected, JSON.stringify(deps));
      }
      // @prisma/client in dependencies says it as well as prisma in devDependencies.
      const client = project({
        'package.json': pkg({ '@prisma/client': '5.22.0' }, 'dependencies'),
        'prisma/schema.prisma': manyToMany,
      });
      assert.deepEqual(findings(lintOnly(client, ['table-without-primary-key'], '-f', 'json').stdout), [
        `prisma/schema.prisma: ${prisma5Key}`,
      ]);
    });

    test('each schema takes the nearest package.json that depends on Prisma; package.json is never linted', () => {
      const dir = project({
        'package.json': pkg({ prisma: '^6.19.0' }),
        // Prisma 5 in this package only.
        'apps/legacy/package.json': pkg({ '@prisma/client': '5.22.0', prisma: '5.22.0' }, 'dependencies'),
        'apps/legacy/prisma/schema.prisma': manyToMany,
        // No Prisma here: the workspace root's applies.
        'apps/web/package.json': pkg({ next: '15.0.0' }, 'dependencies'),
        'apps/web/prisma/schema.prisma': manyToMany,
      });
      const r = lintOnly(dir, ['table-without-primary-key'], '--format', 'json');
      assert.deepEqual(findings(r.stdout), [`apps/legacy/prisma/schema.prisma: ${prisma5Key}`]);
      // Linting the one schema reads its package.json too.
      const one = lintOnly(
        dir,
        ['table-without-primary-key'],
        '-f',
        'json',
        'apps/legacy/prisma/schema.prisma',
      );
      assert.deepEqual(findings(one.stdout), [`apps/legacy/prisma/schema.prisma: ${prisma5Key}`]);
      // A folder with package.json files and no schema: nothing to lint, nothing read.
      const none = project({ 'package.json': pkg({ prisma: '^5.0.0' }) });
      const empty = lintOnly(none, ['table-without-primary-key']);
      assert.equal(empty.stdout, '');
      assert.match(empty.stderr, /no \.sql or \.prisma files found/);
    });

    const softDelete = `generator client {
  provider        = "prisma-client"
  output          = "../src/generated/prisma"
  previewFeatures = ["partialIndexes"]
}

datasource db {
  provider = "postgresql"
}

model Post {
  id        BigInt    @id @default(autoincrement())
  title     String
  deletedAt DateTime? @db.Timestamptz(3)
}
`;
    const init = `-- CreateTable
CREATE TABLE "Post" (
    "id" BIGSERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "deletedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);
`;

    test('--fix: Prisma 7.4 declares the partial index in the schema, Prisma 6 gets a migration; then the project lints clean', () => {
      const rule = ['soft-delete-without-partial-index'];
      const softDeleteProject = (prisma: string) =>
        project({
          'package.json': pkg({ prisma }),
          'prisma/schema.prisma': softDelete,
          'prisma/migrations/20250101000000_init/migration.sql': init,
        });
      const v7 = softDeleteProject('^7.4.0');
      const fixed7 = lintOnly(v7, rule, '--fix');
      assert.equal(fixed7.status, 0, fixed7.stderr);
      assert.equal(fixed7.stdout, '');
      assert.equal(
        fixed7.stderr,
        'fixed: prisma/schema.prisma (1 fix: Add partial index on Post (id) where deletedAt is null)\n',
      );
      assert.equal(
        readFileSync(join(v7, 'prisma/schema.prisma'), 'utf8'),
        softDelete.replace(
          '@db.Timestamptz(3)\n}',
          '@db.Timestamptz(3)\n\n  @@index([id], map: "Post_active_idx", where: { deletedAt: null })\n}',
        ),
      );
      assert.deepEqual(readdirSync(join(v7, 'prisma/migrations')), ['20250101000000_init']);

      const v6 = softDeleteProject('^6.19.0');
      const fixed6 = lintOnly(v6, rule, '--fix');
      assert.equal(fixed6.status, 0, fixed6.stderr);
      assert.equal(fixed6.stdout, '');
      assert.match(
        fixed6.stderr,
        /^created: prisma\/migrations\/\d{14}_post_active_idx\/migration\.sql \(Create migration \d{14}_post_active_idx with a partial index on Post \(id\) where deletedAt is null\)\n$/,
      );
      assert.equal(
        readFileSync(join(v6, 'prisma/schema.prisma'), 'utf8'),
        softDelete,
        'the schema is left as it is',
      );
      const created = readdirSync(join(v6, 'prisma/migrations')).filter((n) => n !== '20250101000000_init');
      assert.equal(created.length, 1);
      assert.match(
        readFileSync(join(v6, 'prisma/migrations', created[0], 'migration.sql'), 'utf8'),
        /^CREATE INDEX CONCURRENTLY "Post_active_idx" ON "Post" \(id\) WHERE "deletedAt" IS NULL;$/m,
      );
      // The migration answers the finding: a second run has nothing to report or fix.
      const again = lintOnly(v6, rule, '--fix');
      assert.equal(again.status, 0);
      assert.equal(again.stdout, '');
      assert.equal(again.stderr, '');
    });
  });
});
