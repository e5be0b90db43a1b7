/**
 * `lintProject(files, { onlyFiles })`: the language server lints the group of an edited file with
 * the whole project at hand. A group's findings must be exactly those the whole project's lint
 * gives it, including what its rules find in the other groups' models (a query file beside the
 * migrations that create its tables), and nothing may be reported on the groups left out.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { lintProject, ParseCache } from '../../server/src/engine/lint';
import { loadSqlParser } from '../../server/src/engine/parse/sql';
import type { SourceFile } from '../../server/src/engine/project';
import { CORPUS } from '../support/corpus';

before(async () => {
  await loadSqlParser();
});

function read(root: string, dir = root): SourceFile[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return read(root, p);
      return /\.(sql|prisma)$|package\.json$/.test(name)
        ? [{ path: relative(root, p), text: readFileSync(p, 'utf8') }]
        : [];
    });
}

const TENANCY = {
  'db/migrations/001_tenants.sql':
    'CREATE TABLE tenants (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);\n',
  'db/migrations/002_orders.sql':
    'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id bigint NOT NULL REFERENCES tenants (id),\n  total numeric(12,2) NOT NULL\n);\nCREATE INDEX orders_tenant_id_idx ON orders (tenant_id);\n',
  'queries/orders.sql': '-- name: GetOrder :one\nSELECT * FROM orders WHERE id = $1;\n',
  'queries/tenants.sql': '-- name: GetTenant :one\nSELECT * FROM tenants WHERE id = $1;\n',
};

const asFiles = (o: Record<string, string>): SourceFile[] =>
  Object.entries(o).map(([path, text]) => ({ path, text }));

/** Each group's share of the whole lint equals its own lint with `onlyFiles`. */
/** Findings as plain data, with the clock's part of new migration names (two lints, two seconds) left out. */
function stable(findings: unknown): unknown {
  return JSON.parse(JSON.stringify(findings).replace(/\b\d{14}_/g, '<timestamp>_'));
}

async function assertGroupsAgree(files: SourceFile[]): Promise<void> {
  const whole = await lintProject(files);
  assert.ok(whole.findings.length > 0);
  const cache = new ParseCache();
  for (const group of whole.groups) {
    const members = [...group.files, ...group.downFiles];
    const own = await lintProject(files, { onlyFiles: members, parseCache: cache });
    assert.deepEqual(
      stable(own.findings),
      stable(whole.findings.filter((f) => members.includes(f.file))),
      `the findings of ${members.join(', ')}`,
    );
  }
}

describe('lintProject with onlyFiles', () => {
  test('a query file gets what the migrations beside it make it find; nothing else is reported', async () => {
    const files = asFiles(TENANCY);
    const whole = await lintProject(files);
    assert.ok(
      whole.findings.some(
        (f) => f.file === 'queries/orders.sql' && f.ruleId === 'query-without-tenant-filter',
      ),
      'the whole project finds the unfiltered query',
    );
    const queries = await lintProject(files, { onlyFiles: ['queries/orders.sql'] });
    assert.deepEqual(
      queries.findings.map((f) => `${f.file} ${f.ruleId}`),
      whole.findings.filter((f) => f.file === 'queries/orders.sql').map((f) => `${f.file} ${f.ruleId}`),
    );
    assert.equal(queries.usedOtherModels, true);

    const migrations = await lintProject(files, { onlyFiles: ['db/migrations/002_orders.sql'] });
    assert.ok(migrations.findings.every((f) => f.file.startsWith('db/migrations/')));
    assert.equal(migrations.usedOtherModels, false);
    assert.ok(!migrations.parsed.has('queries/orders.sql'), 'the query files are not parsed');
  });

  test('every group of a project gets the findings the whole lint gives it', async () => {
    await assertGroupsAgree(asFiles(TENANCY));
    await assertGroupsAgree(read(join(__dirname, '..', '..', 'examples')));
  });

  test('the same for a real migrations folder and the stand-alone files beside it', async () => {
    const root = join(CORPUS, 'supabase-auth');
    const files = read(root).slice(0, 60);
    files.push(...asFiles({ 'queries/users.sql': 'SELECT * FROM auth.users WHERE id = $1;\n' }));
    await assertGroupsAgree(files);
  });
});
