/**
 * The language server, built (`node dist/cli.js server --stdio`, rebuilt when older than its
 * sources), driven over JSON-RPC like an editor would: diagnostics, code actions applied to the
 * text, hovers, migrations folders and file events, configuration, and bad input.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeAction, Diagnostic, Hover, MarkupContent, Position } from 'vscode-languageserver-protocol';
import { fork, spawnSync } from 'node:child_process';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { generateSchema } from '../../bench/generate-schema';
import { ruleIds } from '../../server/src/engine/rules';
import { applyEdit, buildIfStale, LspClient, offsetAt, REPO, uriOf } from './client';

const FK = 'foreign-key-without-index';

/** Settings that turn off every rule but these (new rules in the catalogue do not change what the tests expect). */
function only(...ids: string[]): Record<string, unknown> {
  return { rules: Object.fromEntries(ruleIds.filter((id) => !ids.includes(id)).map((id) => [id, 'off'])) };
}

const temps: string[] = [];
const clients: LspClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A temporary workspace folder with the given files. */
function workspace(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'db-expert-lsp-'));
  temps.push(dir);
  mkdirSync(join(dir, '.git'));
  for (const [name, content] of Object.entries(files)) write(dir, name, content);
  return dir;
}

function write(root: string, name: string, content: string | Buffer): string {
  mkdirSync(dirname(join(root, name)), { recursive: true });
  writeFileSync(join(root, name), content);
  return join(root, name);
}

async function start(root: string, options: Parameters<typeof LspClient.start>[1] = {}): Promise<LspClient> {
  const c = await LspClient.start(root, options);
  clients.push(c);
  return c;
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const has = (code: string) => (d: Diagnostic[]) => d.some((x) => x.code === code);
const hasNo = (code: string) => (d: Diagnostic[]) => !d.some((x) => x.code === code);
const count = (d: Diagnostic[], code: string) => d.filter((x) => x.code === code).length;

/** A diagnostic's message as text (LSP 3.18 allows markup there). */
function message(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

function textAt(text: string, range: Diagnostic['range']): string {
  return text.slice(offsetAt(text, range.start), offsetAt(text, range.end));
}

function positionOf(text: string, needle: string, extra = 0): Position {
  const offset = text.indexOf(needle) + extra;
  assert.ok(offset >= extra, `'${needle}' is in the text`);
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

function markdown(h: Hover | null): string {
  assert.ok(h, 'a hover');
  return (h.contents as MarkupContent).value;
}

/** A small Prisma schema with a few findings (float money, a timestamp without time zone). */
const PRISMA_SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Price {
  id        Int      @id @default(autoincrement())
  amount    Float
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt
}
`;

const CUSTOMERS = 'CREATE TABLE customers (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY\n);\n';
const ORDERS =
  'CREATE TABLE orders (\n' +
  '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n' +
  '  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,\n' +
  '  total numeric(12,2) NOT NULL\n' +
  ');\n';
const PAYMENTS =
  'CREATE TABLE payments (\n' +
  '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n' +
  '  order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE\n' +
  ');\n';
const RLS =
  'ALTER TABLE orders ENABLE ROW LEVEL SECURITY;\nCREATE POLICY orders_mine ON orders USING (true);\n';

describe('language server (built)', () => {
  before(() => {
    const error = buildIfStale();
    assert.equal(error, undefined, error);
  });

  describe('one schema file', () => {
    let c: LspClient;
    let root: string;
    let uri: string;
    const path = () => join(root, 'schema.sql');
    const TEXT = CUSTOMERS + ORDERS + RLS;

    before(async () => {
      root = workspace({ 'schema.sql': TEXT });
      c = await start(root, { settings: only(FK, 'syntax-error') });
      uri = c.open(path(), TEXT);
    });

    test('didOpen publishes the finding: code, source, exact range, severity, docs, related table', async () => {
      const diags = await c.waitFor(uri, has(FK));
      const fk = diags.find((d) => d.code === FK);
      assert.ok(fk);
      assert.equal(fk.source, 'db-expert');
      assert.equal(fk.severity, 2);
      assert.equal(textAt(TEXT, fk.range), 'REFERENCES customers (id) ON DELETE CASCADE');
      assert.match(fk.codeDescription?.href ?? '', /\/docs\/rules\/foreign-key-without-index\.md$/);
      assert.match(message(fk), /orders\.customer_id/);
      const related = fk.relatedInformation?.[0];
      assert.ok(related, 'the referenced table is related');
      assert.equal(related.location.uri, uri);
      assert.equal(related.location.range.start.line, 0);
      assert.match(related.message, /customers/);
    });

    test('a half-typed statement: a syntax error appears, the other findings stay', async () => {
      const typing = TEXT + 'CREATE TABLE broken (id bigint,, ';
      c.change(uri, typing);
      const diags = await c.waitFor(uri, (d) => has('syntax-error')(d) && has(FK)(d));
      const syntax = diags.find((d) => d.code === 'syntax-error');
      assert.ok(syntax);
      assert.equal(syntax.severity, 1);
      assert.ok(syntax.range.start.line >= TEXT.split('\n').length - 1, 'on the new statement');
      c.change(uri, TEXT);
      await c.waitFor(uri, (d) => hasNo('syntax-error')(d) && has(FK)(d));
    });

    test('hover on a diagnostic: the rule, why, and an example', async () => {
      const h = await c.hover(uri, positionOf(TEXT, 'REFERENCES customers', 3));
      const md = markdown(h);
      assert.match(md, /\*\*foreign-key-without-index\*\*/);
      assert.match(md, /PostgreSQL does not index the referencing columns/);
      assert.match(md, /```sql\nCREATE TABLE orders/);
      assert.match(md, /docs\/rules\/foreign-key-without-index\.md/);
    });

    test('hover on a table name: its card from the model', async () => {
      const md = markdown(await c.hover(uri, positionOf(TEXT, 'REFERENCES customers', 13)));
      assert.match(
        md,
        /\*\*table\*\* `customers` · defined at \[schema\.sql:1\]\(file:\/\/.*schema\.sql#L1\)/,
      );
      assert.match(md, /\| `id` \| bigint \| PK · identity always \|/);
      assert.match(md, /\*\*Referenced by\*\*\n- `orders` \(customer_id\) · \[schema\.sql:6\]/);

      const orders = markdown(await c.hover(uri, positionOf(TEXT, 'ON orders', 4)));
      assert.match(orders, /\*\*table\*\* `orders` · defined at \[schema\.sql:4\]/);
      assert.match(
        orders,
        /\| `customer_id` \| bigint \| not null · FK → customers \(id\) \| \[schema\.sql:6\]/,
      );
      assert.match(
        orders,
        /\*\*References\*\*\n- \(customer_id\) → `customers` \(id\) on delete cascade · \[schema\.sql:6\]/,
      );
      assert.match(orders, /`orders_pkey` \(id\) unique · backs `orders_pkey`/);
      assert.match(orders, /\*\*Row-level security\*\*: enabled · \[schema\.sql:9\]/);
      assert.match(
        orders,
        /\*\*Policies\*\*\n- `orders_mine` for all to public using `true` · \[schema\.sql:10\]/,
      );

      assert.equal(await c.hover(uri, positionOf(TEXT, 'GENERATED', 2)), null, 'nothing on a keyword');
    });

    test('quick fix: the preferred fix, applied, clears the diagnostic', async () => {
      const diags = await c.waitFor(uri, has(FK));
      const fk = diags.find((d) => d.code === FK)!;
      const actions = await c.codeActions(uri, fk.range, [fk]);
      const fix = actions.find((a) => a.isPreferred);
      assert.ok(fix, `a preferred fix among ${actions.map((a) => a.title).join(', ')}`);
      assert.equal(fix.kind, 'quickfix');
      assert.equal(fix.title, 'Add index on orders (customer_id)');
      assert.deepEqual(fix.diagnostics, [fk]);
      const fixed = applyEdit(TEXT, fix.edit!, uri);
      assert.match(fixed, /CREATE INDEX orders_customer_id_idx ON orders \(customer_id\);/);
      c.change(uri, fixed);
      await c.waitFor(uri, hasNo(FK));
      c.change(uri, TEXT);
      await c.waitFor(uri, has(FK));
    });

    test('disable for this line writes the comment, and the finding goes', async () => {
      const fk = (await c.waitFor(uri, has(FK))).find((d) => d.code === FK)!;
      const actions = await c.codeActions(uri, fk.range, [fk]);
      const disable = actions.find((a) => a.title === `Disable ${FK} for this line`);
      assert.ok(disable, actions.map((a) => a.title).join(', '));
      const text = applyEdit(TEXT, disable.edit!, uri);
      assert.match(text, new RegExp(`\\n  -- db-expert-disable-next-line ${FK}\\n  customer_id bigint`));
      c.change(uri, text);
      await c.waitFor(uri, hasNo(FK));
      c.change(uri, TEXT);
      await c.waitFor(uri, has(FK));
    });
  });

  describe('documents', () => {
    test('typing: a burst of incremental edits ends with the diagnostics of the final text', async () => {
      const root = workspace({});
      const c = await start(root, { settings: only(FK, 'syntax-error') });
      const uri = c.open(join(root, 'typed.sql'), CUSTOMERS);
      await c.waitFor(uri, (d) => d.length === 0 && c.published.some((p) => p.uri === uri));
      let text = CUSTOMERS;
      for (const ch of ORDERS) {
        const lines = text.split('\n');
        c.insert(uri, { line: lines.length - 1, character: lines[lines.length - 1].length }, ch);
        text += ch;
      }
      const diags = await c.waitFor(uri, (d) => has(FK)(d) && hasNo('syntax-error')(d));
      assert.equal(
        textAt(text, diags.find((d) => d.code === FK)!.range),
        'REFERENCES customers (id) ON DELETE CASCADE',
      );
    });

    test('a file outside the workspace folders and an untitled document are checked on their own', async () => {
      const root = workspace({});
      const elsewhere = workspace({ 'loose.sql': CUSTOMERS + ORDERS });
      const c = await start(root, { settings: only(FK) });
      const loose = c.open(join(elsewhere, 'loose.sql'), CUSTOMERS + ORDERS);
      const untitled = c.openUri('untitled:Untitled-1', CUSTOMERS + ORDERS);
      await c.waitFor(loose, has(FK));
      await c.waitFor(untitled, has(FK));
      const md = markdown(
        await c.hover(untitled, positionOf(CUSTOMERS + ORDERS, 'REFERENCES customers', 13)),
      );
      assert.match(md, /\*\*table\*\* `customers`/);
      c.close(untitled);
      await c.waitFor(untitled, (d) => d.length === 0);
    });
  });

  describe('fix all', () => {
    let c: LspClient;
    let uri: string;
    const TEXT = CUSTOMERS + ORDERS + PAYMENTS;

    before(async () => {
      const root = workspace({ 'schema.sql': TEXT });
      c = await start(root, { settings: only(FK) });
      uri = c.open(join(root, 'schema.sql'), TEXT);
    });

    async function actionsOf(only?: string[]): Promise<{ actions: CodeAction[]; diags: Diagnostic[] }> {
      const diags = await c.waitFor(uri, (d) => count(d, FK) === 2);
      const first = diags.find((d) => d.code === FK)!;
      return { actions: await c.codeActions(uri, first.range, only ? [] : [first], only), diags };
    }

    test('"Fix all <rule> problems in this file" fixes every finding of the rule', async () => {
      const { actions } = await actionsOf();
      const all = actions.find((a) => a.title === `Fix all ${FK} problems in this file`);
      assert.ok(all, actions.map((a) => a.title).join(', '));
      assert.equal(all.kind, 'quickfix');
      const fixed = applyEdit(TEXT, all.edit!, uri);
      assert.match(fixed, /CREATE INDEX orders_customer_id_idx/);
      assert.match(fixed, /CREATE INDEX payments_order_id_idx/);
      c.change(uri, fixed);
      await c.waitFor(uri, hasNo(FK));
      c.change(uri, TEXT);
    });

    test('source.fixAll.db-expert (codeActionsOnSave) fixes them too, and only comes when asked', async () => {
      const { actions: plain } = await actionsOf();
      assert.ok(!plain.some((a) => a.kind?.startsWith('source')), 'no source action unasked');
      const { actions } = await actionsOf(['source.fixAll']);
      assert.equal(actions.length, 1, actions.map((a) => a.title).join(', '));
      assert.equal(actions[0].kind, 'source.fixAll.db-expert');
      const fixed = applyEdit(TEXT, actions[0].edit!, uri);
      c.change(uri, fixed);
      await c.waitFor(uri, hasNo(FK));
      c.change(uri, TEXT);
    });

    test('disable for this file writes the comment at the top', async () => {
      const { actions } = await actionsOf();
      const disable = actions.find((a) => a.title === `Disable ${FK} for this file`);
      assert.ok(disable);
      const text = applyEdit(TEXT, disable.edit!, uri);
      assert.ok(text.startsWith(`-- db-expert-disable ${FK}\n`));
      c.change(uri, text);
      await c.waitFor(uri, hasNo(FK));
    });
  });

  describe('a migrations folder', () => {
    let c: LspClient;
    let root: string;
    let first: string;

    before(async () => {
      root = workspace({
        'db/migrations/001_customers.sql': CUSTOMERS,
        'db/migrations/002_orders.sql': ORDERS,
      });
      c = await start(root, { settings: only(FK) });
    });

    test('every file is indexed at start, with progress, and an unopened file gets its diagnostics', async () => {
      first = uriOf(join(root, 'db/migrations/002_orders.sql'));
      await c.waitFor(first, has(FK));
      const kinds = () => c.progress.map((p) => (p as { value: { kind: string } }).value.kind);
      await until(() => kinds().includes('end'));
      assert.equal(kinds()[0], 'begin');
    });

    test('a later migration that adds the index, announced by a file event, clears the earlier squiggle', async () => {
      const added = write(root, 'db/migrations/003_index.sql', 'CREATE INDEX ON orders (customer_id);\n');
      c.filesChanged([{ uri: uriOf(added), type: 1 }]);
      await c.waitFor(first, hasNo(FK));
    });

    test('unsaved editor text wins over the disk', async () => {
      const third = c.open(join(root, 'db/migrations/003_index.sql'), '-- not yet\n');
      await c.waitFor(first, has(FK));
      c.close(third);
      await c.waitFor(first, hasNo(FK));
    });

    test('editing the earlier file re-checks it against the later ones', async () => {
      const uri = c.open(join(root, 'db/migrations/002_orders.sql'), ORDERS);
      c.change(uri, ORDERS + PAYMENTS);
      const diags = await c.waitFor(uri, (d) => d.some((x) => /payments\.order_id/.test(message(x))));
      assert.equal(count(diags, FK), 1, 'the index in 003 answers orders.customer_id');
      c.close(uri);
    });

    test('deleting the migration brings the squiggle back', async () => {
      rmSync(join(root, 'db/migrations/003_index.sql'));
      c.filesChanged([{ uri: uriOf(join(root, 'db/migrations/003_index.sql')), type: 3 }]);
      await c.waitFor(first, has(FK));
    });

    test('dbExpert/lintWorkspace and dbExpert/schemaModel', async () => {
      const result = (await c.connection.sendRequest('dbExpert/lintWorkspace', {})) as {
        files: number;
        findings: number;
      };
      assert.deepEqual(result, { files: 2, findings: 1 });
      const model = (await c.connection.sendRequest('dbExpert/schemaModel', { uri: first })) as string;
      assert.match(model, /^-- Schema model of db\/migrations \(migrations\)/);
      assert.match(model, /TABLE orders {2}-- db\/migrations\/002_orders\.sql:1/);
      assert.match(model, /REFERENCED BY orders \(customer_id\)/);
    });
  });

  test("a folder's open document is published before the folder's other files", async () => {
    const root = workspace({
      'db/migrations/001_orders.sql': CUSTOMERS + ORDERS,
      'db/migrations/002_payments.sql': PAYMENTS,
    });
    const c = await start(root, { settings: only(FK) });
    try {
      const earlier = uriOf(join(root, 'db/migrations/001_orders.sql'));
      await c.waitFor(earlier, has(FK));
      const uri = c.open(join(root, 'db/migrations/002_payments.sql'), PAYMENTS);
      await c.waitFor(uri, has(FK));
      const from = c.published.length;
      // Both files change: the index answers 001's finding, and 002's moves down a line.
      c.change(uri, `CREATE INDEX ON orders (customer_id);\n${PAYMENTS}`);
      await c.waitFor(earlier, hasNo(FK));
      const order = c.published.slice(from).map((p) => p.uri);
      assert.ok(order.includes(uri), 'the open document was published again');
      assert.ok(order.indexOf(uri) < order.indexOf(earlier), order.join(', '));
    } finally {
      await c.stop();
    }
  });

  describe('configuration', () => {
    let c: LspClient;
    let root: string;
    let config: string;
    let uri: string;

    before(async () => {
      root = workspace({
        'db-expert.json':
          '{\n  "rules": { "foreign-key-without-indx": "off" },\n  "tenantColum": "org_id"\n}\n',
        'schema.sql': CUSTOMERS + ORDERS,
      });
      config = uriOf(join(root, 'db-expert.json'));
      uri = uriOf(join(root, 'schema.sql'));
      c = await start(root, { settings: only(FK) });
    });

    test('db-expert.json: each bad key is a diagnostic on that key', async () => {
      const diags = await c.waitFor(config, (d) => d.length === 2);
      assert.deepEqual(
        diags.map((d) => [d.code, d.source, d.severity, d.range.start.line, d.message]),
        [
          [
            'config',
            'db-expert',
            1,
            1,
            "Unknown rule 'foreign-key-without-indx'. Did you mean 'foreign-key-without-index'?",
          ],
          ['config', 'db-expert', 1, 2, "Unknown setting 'tenantColum'. Did you mean 'tenantColumn'?"],
        ],
      );
      assert.equal(diags[0].range.start.character, 13);
      await c.waitFor(uri, has(FK));
    });

    test('a changed db-expert.json is read again and applied', async () => {
      write(root, 'db-expert.json', '{ "rules": { "foreign-key-without-index": "error" } }\n');
      c.filesChanged([{ uri: config, type: 2 }]);
      await c.waitFor(config, (d) => d.length === 0);
      const diags = await c.waitFor(uri, (d) => d.some((x) => x.code === FK && x.severity === 1));
      assert.equal(count(diags, FK), 1);
    });

    test('settings: dbExpert.rules overrides, dbExpert.enable turns it all off and on', async () => {
      c.configurationChanged({ rules: { ...(only(FK).rules as object), [FK]: 'hint' } });
      await c.waitFor(uri, (d) => d.some((x) => x.code === FK && x.severity === 4));
      c.configurationChanged({ ...only(FK), enable: false });
      await c.waitFor(uri, (d) => d.length === 0);
      c.configurationChanged(only(FK));
      await c.waitFor(uri, (d) => d.some((x) => x.code === FK && x.severity === 1));
    });
  });

  test('the same findings as the CLI on the examples (SQL, tenancy, Prisma), file by file', async () => {
    const root = workspace({});
    cpSync(join(REPO, 'examples'), join(root, 'examples'), { recursive: true });
    // A Prisma project with its migrations: the engine reads the two together.
    write(root, 'app/prisma/schema.prisma', PRISMA_SCHEMA);
    write(
      root,
      'app/prisma/migrations/20240101000000_init/migration.sql',
      CUSTOMERS + ORDERS + 'CREATE TABLE prices (id bigint PRIMARY KEY, amount float8);\n' + RLS,
    );
    const cli = spawnSync(process.execPath, [join(REPO, 'dist', 'cli.js'), 'lint', '--format', 'json'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.ok(cli.status === 0 || cli.status === 1, cli.stderr);
    const expected = (JSON.parse(cli.stdout) as Record<string, unknown>[])
      .map((f) =>
        [f.file, f.line, f.column, f.endLine, f.endColumn, f.severity, f.ruleId, f.message].join(' | '),
      )
      .sort();
    assert.ok(expected.length > 20, 'the examples have findings');

    const c = await start(root);
    await c.connection.sendRequest('dbExpert/lintWorkspace', {});
    const severities = ['', 'error', 'warning', 'info', 'hint'];
    const actual: string[] = [];
    for (const [uri, diagnostics] of c.diagnostics) {
      const file = relative(root, fileURLToPath(uri)).split(sep).join('/');
      for (const d of diagnostics) {
        const r = d.range;
        const where = [r.start.line + 1, r.start.character + 1, r.end.line + 1, r.end.character + 1];
        actual.push([file, ...where, severities[d.severity ?? 0], d.code, message(d)].join(' | '));
      }
    }
    assert.deepEqual(actual.sort(), expected);
  });

  test('a Prisma schema is linted with its package.json: Prisma 5 or 6, as the CLI says', async () => {
    const PK = 'table-without-primary-key';
    const schema = `datasource db {
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
    const root = workspace({
      'package.json': '{ "devDependencies": { "prisma": "^6.19.0" } }\n',
      'apps/legacy/package.json': '{ "dependencies": { "@prisma/client": "5.22.0" } }\n',
      'apps/legacy/prisma/schema.prisma': schema,
      'apps/next/prisma/schema.prisma': schema,
    });
    const c = await start(root, { settings: only(PK) });
    await c.connection.sendRequest('dbExpert/lintWorkspace', {});
    const legacy = await c.waitFor(uriOf(join(root, 'apps/legacy/prisma/schema.prisma')), has(PK));
    assert.deepEqual(legacy.map(message), [
      'Table _PostToTag of the implicit many-to-many relation Post.tags has no primary key: Prisma 5 keys it with a unique index only (Prisma 6 and later make (A, B) its primary key)',
    ]);
    assert.deepEqual(c.diagnostics.get(uriOf(join(root, 'apps/next/prisma/schema.prisma'))) ?? [], []);
    assert.equal(
      c.diagnostics.get(uriOf(join(root, 'package.json'))),
      undefined,
      'package.json is not linted',
    );
  });

  test("a diesel migration's metadata.toml is read, and read again when it changes", async () => {
    const CINC = 'create-index-non-concurrently';
    const metadata = 'migrations/2024-02-01-000000_index/metadata.toml';
    const root = workspace({
      'migrations/2024-01-01-000000_create/up.sql': 'CREATE TABLE t (id bigint PRIMARY KEY, a int);\n',
      'migrations/2024-01-01-000000_create/down.sql': 'DROP TABLE t;\n',
      'migrations/2024-02-01-000000_index/up.sql': 'CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n',
      'migrations/2024-02-01-000000_index/down.sql': 'DROP INDEX CONCURRENTLY t_a_idx;\n',
      [metadata]: 'run_in_transaction = false\n',
    });
    const c = await start(root, { settings: only(CINC) });
    await c.connection.sendRequest('dbExpert/lintWorkspace', {});
    // Open, so that its empty list of diagnostics is published too.
    const up = c.open(
      join(root, 'migrations/2024-02-01-000000_index/up.sql'),
      'CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n',
    );
    await c.waitFor(up, hasNo(CINC));
    assert.equal(c.diagnostics.get(uriOf(join(root, metadata))), undefined, 'metadata.toml is not linted');
    write(root, metadata, '# run in a transaction\n');
    c.filesChanged([{ uri: uriOf(join(root, metadata)), type: 2 }]);
    await c.waitFor(up, has(CINC));
    write(root, metadata, 'run_in_transaction = false\n');
    c.filesChanged([{ uri: uriOf(join(root, metadata)), type: 2 }]);
    await c.waitFor(up, hasNo(CINC));
    rmSync(join(root, metadata));
    c.filesChanged([{ uri: uriOf(join(root, metadata)), type: 3 }]);
    await c.waitFor(up, has(CINC));
  });

  test('dist/server.js over Node IPC (how the VS Code extension starts it)', async () => {
    const root = workspace({ 'schema.sql': CUSTOMERS + ORDERS });
    // No inherited --import tsx / --test: the bundle runs on plain Node, as in VS Code.
    const proc = fork(join(REPO, 'dist', 'server.js'), ['--node-ipc'], {
      cwd: root,
      silent: true,
      execArgv: [],
    });
    const connection = createMessageConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
    const published = new Promise<PublishDiagnosticsParams>((resolve) =>
      connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
        if (p.diagnostics.some((d) => d.code === FK)) resolve(p);
      }),
    );
    connection.listen();
    try {
      const init = (await connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: uriOf(root),
        workspaceFolders: [{ uri: uriOf(root), name: 'ipc' }],
        capabilities: {},
        initializationOptions: { settings: only(FK) },
      })) as { capabilities: { hoverProvider?: boolean }; serverInfo?: { name: string } };
      assert.equal(init.serverInfo?.name, 'db-expert');
      assert.equal(init.capabilities.hoverProvider, true);
      await connection.sendNotification('initialized', {});
      const p = await Promise.race([
        published,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('no diagnostics over IPC')), 60_000).unref(),
        ),
      ]);
      assert.equal(p.uri, uriOf(join(root, 'schema.sql')), 'an unopened file of the workspace');
      assert.deepEqual(
        p.diagnostics.map((d) => d.code),
        [FK],
      );
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
    } finally {
      connection.dispose();
      proc.kill();
    }
  });

  describe('robustness', () => {
    test('binary junk and a 5 MB file: the server keeps answering and publishes for all of them', async () => {
      const big = generateSchema(5_000_000, 7);
      const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
      const root = workspace({ 'junk.sql': junk, 'small.sql': CUSTOMERS + ORDERS });
      const c = await start(root, { settings: only(FK, 'syntax-error') });
      const junkUri = uriOf(join(root, 'junk.sql'));
      const skipped = await c.waitFor(junkUri, has('input'));
      assert.match(message(skipped[0]), /binary file skipped/);

      const bigUri = c.open(join(root, 'big.sql'), big);
      const opened = c.open(join(root, 'junk-open.sql'), junk.toString('latin1'));
      const small = c.open(join(root, 'small.sql'), CUSTOMERS + ORDERS);
      // Answered while the 5 MB file may still be in the worker.
      const h = await c.hover(small, positionOf(CUSTOMERS + ORDERS, 'REFERENCES customers', 13));
      assert.ok(h === null || typeof (h.contents as MarkupContent).value === 'string');
      await c.waitFor(small, has(FK));
      assert.match(
        markdown(await c.hover(small, positionOf(CUSTOMERS + ORDERS, 'REFERENCES customers', 13))),
        /customers/,
      );
      await c.waitFor(opened, has('syntax-error'));
      const bigDiags = await c.waitFor(bigUri, (d) => d.length > 0, 300_000);
      assert.ok(bigDiags.every((d) => d.source === 'db-expert'));
      assert.ok(c.alive);
    });

    test('a rule that throws is one internal-error diagnostic; a crashed worker is replaced', async () => {
      const root = workspace({});
      const c = await start(root, {
        settings: only(FK, 'syntax-error'),
        env: { DB_EXPERT_LSP_FAULT: `rule:${FK}:-- crash-the-rule;exit:-- crash-the-worker` },
      });
      const a = c.open(
        join(root, 'a.sql'),
        `-- crash-the-rule\n${CUSTOMERS}${ORDERS}CREATE TABLE x (id int,,);\n`,
      );
      const diags = await c.waitFor(a, (d) => has(FK)(d) && has('syntax-error')(d));
      const internal = diags.find((d) => d.code === FK)!;
      assert.match(message(internal), /^Internal error in foreign-key-without-index: injected fault/);
      assert.equal(internal.severity, 1);

      const b = c.open(join(root, 'b.sql'), `-- crash-the-worker\n${CUSTOMERS}${ORDERS}`);
      const crashed = await c.waitFor(b, has('internal-error'));
      assert.match(message(crashed[0]), /crash|stopped|exit/i);
      const d = c.open(join(root, 'd.sql'), CUSTOMERS + ORDERS);
      await c.waitFor(d, has(FK));
      c.change(b, CUSTOMERS + ORDERS);
      await c.waitFor(b, (x) => has(FK)(x) && hasNo('internal-error')(x));
      assert.ok(c.alive);
    });
  });
});

test('dbExpert.verify: the migrations run in PostgreSQL, and what it rejects is a migration-fails diagnostic', async () => {
  const MF = 'migration-fails';
  const up1 = 'CREATE TABLE customers (id bigint PRIMARY KEY);\n';
  const up2 = 'ALTER TABLE custmers ADD COLUMN email text;\n';
  const root = workspace({
    'supabase/migrations/20240101000000_init.sql': up1,
    'supabase/migrations/20240102000000_email.sql': up2,
  });
  const c = await start(root, { settings: { ...only(MF), verify: true } });
  const uri = c.open(join(root, 'supabase/migrations/20240102000000_email.sql'), up2);
  const diags = await c.waitFor(uri, (d) => d.some((x) => x.code === MF));
  const failure = diags.find((x) => x.code === MF)!;
  assert.match(message(failure), /relation "custmers" does not exist/);
  assert.equal(failure.severity, 1);
  // The typo fixed: PostgreSQL runs it, and the diagnostic goes.
  c.change(uri, up2.replace('custmers', 'customers'));
  await c.waitFor(uri, (d) => !d.some((x) => x.code === MF));
});
