/**
 * The language server (built) on a project whose files read each other's schema: a query file
 * beside the migrations that create its tables gets what the CLI gives it, and a change of the
 * migrations re-checks the query file (it depends on them) without touching it.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { buildIfStale, CLI, LspClient, uriOf } from './client';

const clients: LspClient[] = [];
const temps: string[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const QUERY = 'query-without-tenant-filter';
const MIGRATION = `CREATE TABLE tenants (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id bigint NOT NULL REFERENCES tenants (id),
  total numeric(12,2) NOT NULL
);
CREATE INDEX orders_tenant_id_idx ON orders (tenant_id);
`;
const RLS = `ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON orders USING (tenant_id = current_setting('app.tenant_id')::bigint);
`;
const QUERIES = '-- name: GetOrder :one\nSELECT * FROM orders WHERE id = $1;\n';

const has = (code: string) => (d: Diagnostic[]) => d.some((x) => x.code === code);
const hasNo = (code: string) => (d: Diagnostic[]) => !d.some((x) => x.code === code);

describe('language server (built), files that read each other', () => {
  test('a query file is checked against the migrations beside it, and again when they change', async () => {
    const error = buildIfStale();
    assert.equal(error, undefined, error);
    const root = mkdtempSync(join(tmpdir(), 'db-expert-lsp-project-'));
    temps.push(root);
    const files: Record<string, string> = {
      'db/migrations/001_init.sql': MIGRATION,
      'queries/orders.sql': QUERIES,
    };
    mkdirSync(join(root, '.git'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), text);
    }
    const cli = spawnSync(process.execPath, [CLI, 'lint', '--format', 'json'], {
      cwd: root,
      encoding: 'utf8',
    });
    const expected = (JSON.parse(cli.stdout) as { file: string; ruleId: string }[]).filter(
      (f) => f.file === 'queries/orders.sql',
    );
    assert.deepEqual(
      expected.map((f) => f.ruleId),
      [QUERY],
    );

    const c = await LspClient.start(root);
    clients.push(c);
    const queries = uriOf(join(root, 'queries/orders.sql'));
    c.open(join(root, 'queries/orders.sql'), QUERIES);
    const diagnostics = await c.waitFor(queries, has(QUERY));
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      [QUERY],
    );

    // Row-level security on orders, typed in the migration: the query file's finding goes.
    const migration = c.open(join(root, 'db/migrations/001_init.sql'), MIGRATION);
    await c.waitFor(migration, () => true);
    c.change(migration, MIGRATION + RLS);
    await c.waitFor(queries, hasNo(QUERY));
    // And comes back when the policy is deleted again.
    c.change(migration, MIGRATION);
    await c.waitFor(queries, has(QUERY));
  });
});
