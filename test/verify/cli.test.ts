/**
 * `db-expert lint --verify` end to end: the built bundle (`dist/cli.js`, rebuilt when older than its
 * sources), run from another folder than the repository, with PGlite loaded at run time from the
 * package's dependencies.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';

const REPO = join(__dirname, '..', '..');
const CLI = join(REPO, 'dist', 'cli.js');

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((n) => newest(join(path, n))));
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'db-expert-verify-'));
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
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const INIT = 'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n';
const ORDERS =
  'CREATE TABLE orders (\n' +
  '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n' +
  '  customer_id bigint NOT NULL REFERENCES customer (id) ON DELETE CASCADE\n' +
  ');\n' +
  'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n' +
  'CREATE EXTENSION IF NOT EXISTS postgis;\n';

describe('db-expert lint --verify (built)', () => {
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

  test('a failing migration: exit 1, PostgreSQL’s message at the statement, notes on stderr', () => {
    const dir = project({ 'migrations/001_init.sql': INIT, 'migrations/002_orders.sql': ORDERS });
    // From the temporary folder's parent: PGlite must load from the package, not from the cwd.
    const r = run(dirname(dir), 'lint', '--verify', '--rule', 'missing-audit-columns=off', dir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stdout,
      /002_orders\.sql\n\s+1:1\s+error\s+relation "customer" does not exist\s+migration-fails/,
    );
    // The index on the table that could not be created is not a second finding.
    assert.equal(r.stdout.match(/migration-fails/g)?.length, 1);
    assert.match(r.stderr, /002_orders\.sql:6:1: Not checked: extension "postgis" is not available/);
    assert.doesNotMatch(r.stderr, /internal error/);
  });

  test('json: the finding carries the rule, the severity and the statement’s range', () => {
    const dir = project({ 'migrations/001_init.sql': INIT, 'migrations/002_orders.sql': ORDERS });
    const r = run(dir, 'lint', '--verify', '--format', 'json', '--rule', 'migration-fails=warn');
    assert.equal(r.status, 0, r.stderr);
    const verify = (JSON.parse(r.stdout) as { ruleId: string }[]).filter(
      (f) => f.ruleId === 'migration-fails',
    );
    assert.deepEqual(verify, [
      {
        file: 'migrations/002_orders.sql',
        line: 1,
        column: 1,
        endLine: 4,
        endColumn: 2,
        severity: 'warning',
        ruleId: 'migration-fails',
        message: 'relation "customer" does not exist',
        fixes: [],
      },
    ]);
  });

  test('migrations that run: no migration-fails finding', () => {
    const dir = project({
      'migrations/001_init.sql': INIT,
      'migrations/002_orders.sql': ORDERS.replace('customer (id)', 'customers (id)').replace(
        'CREATE EXTENSION IF NOT EXISTS postgis;\n',
        '',
      ),
    });
    const r = run(dir, 'lint', '--verify', '.');
    assert.doesNotMatch(r.stdout, /migration-fails/);
    assert.equal(r.stderr, '');
  });

  test('without --verify, or with the rule off, nothing runs', () => {
    const dir = project({ 'migrations/001_init.sql': INIT, 'migrations/002_orders.sql': ORDERS });
    for (const args of [['lint'], ['lint', '--verify', '--rule', 'migration-fails=off']]) {
      const r = run(dir, ...args);
      assert.doesNotMatch(r.stdout, /migration-fails/);
      assert.doesNotMatch(r.stderr, /--verify/);
    }
  });

  test('--verify belongs to lint', () => {
    const r = run(tmpdir(), 'rules', '--verify');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--verify applies to 'lint', not 'rules'/);
  });
});
