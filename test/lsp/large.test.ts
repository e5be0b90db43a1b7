/**
 * The language server (built) on a file large enough that its table cards are made after its
 * diagnostics, when the worker is idle: a hover on a table finds its card once they are made, the
 * schema model waits for them, and after an edit both show the new text. Then, with the worker
 * idle, it warms the engine up with lints of its own, which change nothing it reports.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hover, MarkupContent, Position } from 'vscode-languageserver-protocol';
import { generateSchema } from '../../bench/generate-schema';
import { DEFAULT_CONFIG } from '../../server/src/engine/config/config';
import { lintProject } from '../../server/src/engine/lint';
import { loadSqlParser } from '../../server/src/engine/parse/sql';
import { buildIfStale, LspClient } from './client';

const clients: LspClient[] = [];
const temps: string[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

function markdown(h: Hover | null): string {
  return h ? (h.contents as MarkupContent).value : '';
}

/** A server on a workspace of `schema.sql` alone, the file open and its first diagnostics in. */
async function openSchema(
  text: string,
  env: Record<string, string> = {},
): Promise<{ c: LspClient; uri: string; root: string }> {
  const error = buildIfStale();
  assert.equal(error, undefined, error);
  const root = mkdtempSync(join(tmpdir(), 'db-expert-lsp-large-'));
  temps.push(root);
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, 'schema.sql'), text);
  const c = await LspClient.start(root, { env });
  clients.push(c);
  const uri = c.open(join(root, 'schema.sql'), text);
  await c.nextFor(uri, (d) => d.length > 0);
  return { c, uri, root };
}

describe('language server (built), a large file', () => {
  test('table cards made after the diagnostics: hover and the schema model find them, also after an edit', async () => {
    const text = generateSchema(200_000, 9);
    const { c, uri } = await openSchema(text);

    const m = /CREATE TABLE (\w+)\.(\w+) \(/.exec(text)!;
    const nameAt = m.index + `CREATE TABLE ${m[1]}.`.length + 1;
    const card = async (t: string, at: number, name: string): Promise<string> => {
      const end = Date.now() + 30_000;
      for (;;) {
        const md = markdown(await c.hover(uri, positionOf(t, at)));
        if (md.includes(`\`${m[1]}.${name}\``)) return md;
        if (Date.now() > end) throw new Error(`no card for ${name}: ${md}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    assert.match(await card(text, nameAt, m[2]), /\*\*table\*\*/);
    const model = (await c.connection.sendRequest('dbExpert/schemaModel', { uri })) as string;
    assert.match(model, new RegExp(`TABLE ${m[1]}\\.${m[2]} `));

    // Renamed: the diagnostics come first, the cards of the new text after them.
    const renamed = text.replace(m[0], `CREATE TABLE ${m[1]}.${m[2]}_renamed (`);
    c.change(uri, renamed);
    await c.nextFor(uri);
    const after = (await c.connection.sendRequest('dbExpert/schemaModel', { uri })) as string;
    assert.match(after, new RegExp(`TABLE ${m[1]}\\.${m[2]}_renamed `));
    assert.doesNotMatch(after, new RegExp(`TABLE ${m[1]}\\.${m[2]} `));
    assert.match(await card(renamed, nameAt, `${m[2]}_renamed`), /\*\*table\*\*/);
  });

  test('warm-up lints when idle, once, and the next edit gets the findings of the engine', async () => {
    const text = generateSchema(150_000, 4);
    const { c, uri } = await openSchema(text);
    const warmed = (): string[] => c.logs.filter((l) => l.startsWith('Warmed up the engine'));
    for (const end = Date.now() + 60_000; warmed().length === 0;) {
      assert.ok(Date.now() < end, 'no warm-up');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(warmed()[0], /^Warmed up the engine on schema\.sql: \d+ lints in \d+ ms\.$/);

    const middle = text.indexOf('\nCREATE TABLE', text.length / 2) + 1;
    const edited = `${text.slice(0, middle)}CREATE TABLE warm_probe (note text);\n${text.slice(middle)}`;
    c.change(uri, edited);
    const published = await c.nextFor(uri, (d) =>
      d.some((x) => JSON.stringify(x.message).includes('warm_probe')),
    );
    await loadSqlParser();
    const { findings } = await lintProject([{ path: 'schema.sql', text: edited }], {
      config: DEFAULT_CONFIG,
    });
    const key = (code: unknown, message: string) => `${String(code)} ${message}`;
    assert.deepEqual(
      published.map((d) => key(d.code, typeof d.message === 'string' ? d.message : d.message.value)).sort(),
      findings.map((f) => key(f.ruleId, f.message)).sort(),
    );
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(warmed().length, 1, 'once per worker');
  });

  test('a worker replaced before it made the cards: the unit is linted again, and the cards come', async () => {
    const text = generateSchema(150_000, 7);
    const { c, uri, root } = await openSchema(text, { DB_EXPERT_LSP_FAULT: 'exit:-- crash-the-worker' });
    // Right after the diagnostics (the cards wait for the worker to be idle), a file that ends it.
    const crash = c.open(join(root, 'crash.sql'), '-- crash-the-worker\nCREATE TABLE t (id int);\n');
    await c.nextFor(crash, (d) => d.some((x) => x.code === 'internal-error'));
    const m = /CREATE TABLE (\w+)\.(\w+) \(/.exec(text)!;
    const model = (await c.connection.sendRequest('dbExpert/schemaModel', { uri })) as string;
    assert.match(model, new RegExp(`TABLE ${m[1]}\\.${m[2]} `));
  });
});
