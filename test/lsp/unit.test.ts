/**
 * The language server's pure parts, in process: names under the cursor, suppression comments,
 * workspace edits (created files, line endings), settings, and the worker's table cards.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_CONFIG } from '../../server/src/engine/config/config';
import type { Fix } from '../../server/src/engine/findings';
import { LineIndex } from '../../server/src/engine/text';
import { disableFile, disableLine, sameDiagnostic, wanted } from '../../server/src/lsp/actions';
import { Analyzer, parseFaults } from '../../server/src/lsp/analyze';
import {
  applicable,
  sameJson,
  toWorkspaceEdit,
  type Files,
  type FileView,
} from '../../server/src/lsp/convert';
import { findTable, nameAt, tableHover } from '../../server/src/lsp/hover';
import { modelText } from '../../server/src/lsp/model-text';
import type { TableCard, UnitResult } from '../../server/src/lsp/protocol';
import { Project } from '../../server/src/lsp/project';
import { effectiveConfig, readSettings } from '../../server/src/lsp/settings';
import { applyEdit } from './client';

function view(text: string, uri = 'file:///p/a.sql', version: number | null = 3): FileView {
  return { uri, text, lines: new LineIndex(text), version };
}

function files(texts: Record<string, string>, existing: string[] = []): Files {
  return {
    view: (p) => (texts[p] === undefined ? undefined : view(texts[p], `file:///p/${p}`)),
    uriOf: (p) => `file:///p/${p}`,
    exists: (p) => texts[p] !== undefined || existing.includes(p),
  };
}

describe('the name under the cursor', () => {
  const line = 'SELECT * FROM billing."Invoice" i JOIN Orders o ON o.customer_id = i.id';
  const at = (needle: string, extra = 1) => nameAt(line, 100, 100 + line.indexOf(needle) + extra);

  test('unquoted names fold to lower case; quoted ones keep case; the schema comes along', () => {
    assert.deepEqual(at('Orders')?.candidates, [{ name: 'orders' }]);
    assert.deepEqual(at('"Invoice"', 2)?.candidates, [
      { schema: 'billing', name: 'Invoice' },
      { name: 'Invoice' },
      { name: 'billing' },
    ]);
    assert.deepEqual(at('billing')?.candidates, [
      { schema: 'billing', name: 'Invoice' },
      { name: 'billing' },
    ]);
    const o = at('o.customer_id', 3);
    assert.equal(o?.start, 100 + line.indexOf('customer_id'));
  });

  test('keywords and punctuation are names too, but only identifiers are', () => {
    assert.equal(at('*', 0), undefined);
    assert.deepEqual(at('SELECT')?.candidates, [{ name: 'select' }]);
  });

  test('a table is found by name, schema-qualified or not (public first)', () => {
    const card = (schema: string, name: string) => ({ schema, name }) as TableCard;
    const cards = [card('billing', 'orders'), card('public', 'orders'), card('billing', 'Invoice')];
    assert.equal(findTable(cards, [{ name: 'orders' }])?.schema, 'public');
    assert.equal(findTable(cards, [{ schema: 'billing', name: 'orders' }])?.schema, 'billing');
    assert.equal(findTable(cards, [{ schema: 'x', name: 'Invoice' }, { name: 'Invoice' }])?.name, 'Invoice');
    assert.equal(findTable(cards, [{ name: 'nope' }]), undefined);
  });
});

describe('suppression comments', () => {
  test('disable for a line: a comment above it, indented like it', () => {
    const text = 'CREATE TABLE t (\n    price float8\n);\n';
    const edit = disableLine(view(text), 'a.sql', 'float-for-money', 1);
    const out = applyEdit(text, { changes: { u: [edit] } }, 'u');
    assert.equal(
      out,
      'CREATE TABLE t (\n    -- db-expert-disable-next-line float-for-money\n    price float8\n);\n',
    );
  });

  test('an id is added to a directive already there, before its reason', () => {
    const text = 'CREATE TABLE t (\n  -- db-expert-disable-next-line rule-a -- legacy\n  price float8\n);\n';
    const edit = disableLine(view(text), 'a.sql', 'rule-b', 2);
    assert.match(
      applyEdit(text, { changes: { u: [edit] } }, 'u'),
      /-- db-expert-disable-next-line rule-a, rule-b -- legacy\n {2}price/,
    );
  });

  test('CRLF files get CRLF, Prisma files get //', () => {
    const text = 'model A {\r\n  id Int\r\n}\r\n';
    const edit = disableLine(view(text), 'schema.prisma', 'rule-a', 1);
    assert.equal(edit.newText, '  // db-expert-disable-next-line rule-a\r\n');
  });

  test('disable for the file: at the top, or added to the directive on the first line', () => {
    const text = 'CREATE TABLE t (id int);\n';
    assert.equal(disableFile(view(text), 'a.sql', 'rule-a').newText, '-- db-expert-disable rule-a\n');
    const withOne = '-- db-expert-disable rule-a\nCREATE TABLE t (id int);\n';
    const edit = disableFile(view(withOne), 'a.sql', 'rule-b');
    assert.equal(
      applyEdit(withOne, { changes: { u: [edit] } }, 'u'),
      '-- db-expert-disable rule-a, rule-b\nCREATE TABLE t (id int);\n',
    );
  });
});

describe('workspace edits', () => {
  const caps = { documentChanges: true, createFiles: true };

  test('a fix that creates a file: CreateFile (never overwriting) and its text', () => {
    const fix: Fix = {
      title: 'Add a down migration',
      edits: [{ file: 'a.sql', start: 0, end: 0, newText: '-- up\n' }],
      createFiles: [{ file: 'a.down.sql', text: 'DROP TABLE t;\n' }],
    };
    const f = files({ 'a.sql': 'CREATE TABLE t (id int);\n' });
    assert.ok(applicable(fix, f, caps));
    const edit = toWorkspaceEdit([fix], f, caps);
    assert.deepEqual(edit.documentChanges?.[1], {
      kind: 'create',
      uri: 'file:///p/a.down.sql',
      options: { overwrite: false, ignoreIfExists: false },
    });
    assert.deepEqual(edit.documentChanges?.[2], {
      textDocument: { uri: 'file:///p/a.down.sql', version: null },
      edits: [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          newText: 'DROP TABLE t;\n',
        },
      ],
    });
    assert.equal(applicable(fix, files({ 'a.sql': '' }, ['a.down.sql']), caps), false, 'the file exists');
    assert.equal(
      applicable(fix, f, { documentChanges: false, createFiles: false }),
      false,
      'the client cannot create',
    );
  });

  test('edits keep CRLF; stale edits (past the end) are not applicable', () => {
    const fix: Fix = {
      title: 'x',
      edits: [{ file: 'a.sql', start: 5, end: 5, newText: '\nCREATE INDEX i ON t (a);' }],
    };
    const f = files({ 'a.sql': 'SELECT 1;\r\n' });
    const edit = toWorkspaceEdit([fix], f, { documentChanges: false, createFiles: false });
    assert.equal(edit.changes?.['file:///p/a.sql']?.[0].newText, '\r\nCREATE INDEX i ON t (a);');
    assert.equal(applicable({ ...fix, edits: [{ ...fix.edits[0], start: 50, end: 50 }] }, f, caps), false);
  });

  test('only filters and diagnostic identity', () => {
    assert.ok(wanted('source.fixAll.db-expert', ['source']));
    assert.ok(wanted('source.fixAll.db-expert', ['source.fixAll']));
    assert.ok(!wanted('quickfix', ['source.fixAll']));
    assert.ok(wanted('quickfix', undefined));
    const d = {
      range: { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } },
      message: 'm',
      code: 'r',
    };
    assert.ok(sameDiagnostic(d, { ...d }));
    assert.ok(!sameDiagnostic(d, { ...d, code: 'other' }));
  });
});

describe('publishing: the same diagnostics are not sent twice', () => {
  const diagnostic = {
    range: { start: { line: 1, character: 2 }, end: { line: 1, character: 9 } },
    severity: 2,
    code: 'foreign-key-without-index',
    source: 'db-expert',
    message: 'm',
  };
  test('equal when every value is, whatever the order of the keys', () => {
    assert.equal(sameJson([diagnostic], [{ ...diagnostic }]), true);
    const { message, ...rest } = diagnostic;
    assert.equal(sameJson([diagnostic], [{ message, ...rest }]), true);
    assert.equal(sameJson([], []), true);
    // A key set to undefined is absent from the JSON sent.
    assert.equal(sameJson([diagnostic], [{ ...diagnostic, relatedInformation: undefined }]), true);
  });
  test('different when anything differs', () => {
    const moved = { ...diagnostic, range: { ...diagnostic.range, end: { line: 1, character: 10 } } };
    assert.equal(sameJson([diagnostic], [moved]), false);
    assert.equal(sameJson([diagnostic], [diagnostic, diagnostic]), false);
    assert.equal(sameJson([diagnostic], []), false);
    assert.equal(sameJson([diagnostic], [{ ...diagnostic, tags: [1] }]), false);
    assert.equal(sameJson([{ ...diagnostic, tags: [1] }], [diagnostic]), false);
    assert.equal(sameJson({ a: [] }, { a: {} }), false);
    assert.equal(sameJson({ a: null }, { a: {} }), false);
    assert.equal(sameJson([diagnostic], [{ ...diagnostic, severity: 1 }]), false);
  });
});

describe('settings', () => {
  const ids = ['foreign-key-without-index', 'float-for-money'];

  test('read and checked: unknown rules and severities are reported, the rest applies', () => {
    const { settings, problems } = readSettings(
      {
        enable: false,
        rules: { 'foreign-key-without-index': 'warn', 'float-for-mony': 'off', 'float-for-money': 'loud' },
        tenantColumn: ' org_id ',
        trace: { server: 'verbose' },
      },
      ids,
    );
    assert.deepEqual(settings, {
      enable: false,
      rules: { 'foreign-key-without-index': 'warning' },
      tenantColumn: 'org_id',
      trace: 'verbose',
    });
    assert.equal(problems.length, 2);
    assert.match(problems[0], /unknown rule 'float-for-mony' \(did you mean 'float-for-money'\?\)/);
    assert.deepEqual(readSettings(undefined, ids).settings, { enable: true, rules: {}, trace: 'off' });
  });

  test('tenantColumn: the setting fills in only where db-expert.json does not say', () => {
    const settings = { enable: true, rules: {}, trace: 'off' as const, tenantColumn: 'org_id' };
    assert.equal(effectiveConfig(DEFAULT_CONFIG, undefined, settings).tenantColumn, 'org_id');
    assert.equal(effectiveConfig(DEFAULT_CONFIG, '{"rules": {}}', settings).tenantColumn, 'org_id');
    const own = { ...DEFAULT_CONFIG, tenantColumn: 'account_id' };
    assert.equal(effectiveConfig(own, '{"tenantColumn": "account_id"}', settings).tenantColumn, 'account_id');
  });
});

describe('the worker: lints units, makes table cards', () => {
  const SCHEMA =
    'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n' +
    'CREATE TABLE orders (\n' +
    '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n' +
    '  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,\n' +
    "  status text NOT NULL DEFAULT 'new'\n" +
    ');\n' +
    "CREATE INDEX orders_open_idx ON orders (lower(status)) WHERE status <> 'done';\n" +
    'ALTER TABLE orders ENABLE ROW LEVEL SECURITY;\n' +
    "CREATE POLICY own ON orders FOR SELECT TO app USING (customer_id = current_setting('app.customer')::bigint);\n";

  async function lint(text: string, faults = parseFaults(undefined)): Promise<UnitResult> {
    const units: UnitResult[] = [];
    await new Analyzer(faults).lint(
      {
        kind: 'lint',
        id: 1,
        project: 'p',
        config: DEFAULT_CONFIG,
        overrides: {},
        updates: [{ path: 'db/schema.sql', text }],
        units: [{ key: 's:db/schema.sql', files: ['db/schema.sql'] }],
      },
      (u) => units.push(u),
    );
    assert.equal(units.length, 1);
    return units[0];
  }

  test('a card has every column, key, index and policy, each with its line', async () => {
    const unit = await lint(SCHEMA);
    // A small unit's cards come with its findings (a large unit's later: analyze.test.ts).
    const tables = JSON.parse(unit.tablesJson ?? 'null') as TableCard[];
    const orders = tables.find((t) => t.name === 'orders');
    assert.ok(orders);
    assert.deepEqual(
      orders.columns.map((c) => [c.name, c.type, c.notNull, c.loc.line]),
      [
        ['id', 'bigint', true, 2],
        ['customer_id', 'bigint', true, 3],
        ['status', 'text', true, 4],
      ],
    );
    assert.equal(orders.columns[2].default, "'new'");
    const fk = orders.constraints.find((c) => c.kind === 'foreign key');
    assert.deepEqual(fk?.references, { schema: 'public', name: 'customers', columns: ['id'] });
    assert.equal(fk?.onDelete, 'cascade');
    assert.equal(fk?.loc.line, 3);
    const partial = orders.indexes.find((i) => i.name === 'orders_open_idx');
    assert.deepEqual(
      [partial?.elements, partial?.where, partial?.loc.line],
      [['lower(status)'], "status <> 'done'", 6],
    );
    assert.deepEqual([orders.rls.enabled, orders.rls.loc?.line], [true, 7]);
    assert.deepEqual(
      orders.policies.map((p) => [p.name, p.command, p.roles, p.using, p.loc.line]),
      [['own', 'select', ['app'], "customer_id = current_setting('app.customer')::bigint", 8]],
    );
    const md = tableHover(orders, tables, (l) => `${l.file}:${l.line + 1}`);
    assert.match(md, /\| `status` \| text \| not null · default `'new'` \| db\/schema\.sql:5 \|/);
    const text = modelText('db/schema.sql', ['db/schema.sql'], tables);
    assert.match(text, /POLICY own FOR SELECT TO app USING \(customer_id = /);
    assert.match(text, /REFERENCED BY orders \(customer_id\) {2}-- db\/schema\.sql:4/);
  });

  test('findings about a foreign key point at the referenced table', async () => {
    const unit = await lint(SCHEMA);
    const fk = unit.findings.find((f) => f.ruleId === 'foreign-key-without-index');
    assert.ok(fk);
    assert.deepEqual(
      fk.related?.map((r) => [r.file, r.start, r.message]),
      [['db/schema.sql', 0, 'customers is defined here']],
    );
  });

  test('a rule that throws becomes its internal error; the other rules still report', async () => {
    const unit = await lint(`-- boom\n${SCHEMA}`, parseFaults('rule:foreign-key-without-index:-- boom'));
    const internal = unit.findings.filter((f) => f.message.startsWith('Internal error'));
    assert.deepEqual(
      internal.map((f) => [f.ruleId, f.file]),
      [['foreign-key-without-index', 'db/schema.sql']],
    );
    assert.ok(unit.findings.some((f) => f.ruleId !== 'foreign-key-without-index'));
  });
});

describe('a project’s units', () => {
  const root = mkdtempSync(join(tmpdir(), 'db-expert-units-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const disk: Record<string, string> = {
    'package.json': '{ "devDependencies": { "prisma": "^6.19.0" } }\n',
    'apps/legacy/package.json': '{ "dependencies": { "@prisma/client": "5.22.0" } }\n',
    'apps/web/package.json': '{ "dependencies": { "next": "15.0.0" } }\n',
  };
  for (const [path, text] of Object.entries(disk)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }

  test('a Prisma unit reads the nearest package.json that depends on Prisma of each schema, even after a re-indexing', () => {
    const project = new Project(
      'p',
      root,
      'folder',
      (path) => `file://${root}/${path}`,
      () => undefined,
    );
    const schema = 'datasource db {\n  provider = "postgresql"\n}\n';
    project.setDisk('apps/legacy/prisma/schema.prisma', schema);
    project.setDisk('apps/web/prisma/schema.prisma', schema);
    project.setDisk('apps/legacy/prisma/migrations/20250101000000_init/migration.sql', 'SELECT 1;\n');
    const files = [
      'apps/legacy/prisma/schema.prisma',
      'apps/web/prisma/schema.prisma',
      'apps/legacy/prisma/migrations/20250101000000_init/migration.sql',
      'apps/legacy/package.json',
      'package.json',
    ];
    assert.deepEqual(project.units(), [{ key: 'prisma', files }]);
    assert.equal(project.files.get('apps/legacy/package.json')?.disk, disk['apps/legacy/package.json']);
    assert.ok(!project.isLinted('package.json'), 'read, never linted');
    // A re-indexing forgets files it did not list; the unit reads them again, and they are not gone.
    project.remove('package.json');
    assert.deepEqual(project.units(), [{ key: 'prisma', files }]);
    assert.ok(project.files.has('package.json'));
    assert.ok(!project.gone.has('package.json'));
  });
});
