/**
 * The worker's side of the language server, in process: the parses it keeps between requests (an
 * edit parses again only the statements it changed) never change a finding, and the table cards
 * of a large unit come after its findings, from its latest lint.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { generateSchema } from '../../bench/generate-schema';
import { DEFAULT_CONFIG } from '../../server/src/engine/config/config';
import { loadSqlParser } from '../../server/src/engine/parse/sql';
import { Analyzer } from '../../server/src/lsp/analyze';
import type { FileUpdate, LintRequest, TableCard, UnitResult } from '../../server/src/lsp/protocol';
import { CORPUS, prng } from '../support/corpus';

before(async () => {
  await loadSqlParser();
});

let nextId = 1;

async function lint(analyzer: Analyzer, updates: FileUpdate[], files: string[]): Promise<UnitResult> {
  const request: LintRequest = {
    kind: 'lint',
    id: nextId++,
    project: 'p',
    config: DEFAULT_CONFIG,
    overrides: {},
    updates,
    units: [{ key: 'u', files }],
  };
  const results: UnitResult[] = [];
  await analyzer.lint(request, (u) => results.push(u));
  assert.equal(results.length, 1);
  return results[0];
}

/** What a user types, and what makes the rest of a file read differently. */
const TYPED = [
  'x',
  ' ',
  '\n',
  ',',
  ';',
  "'",
  '--',
  '(',
  ' NOT NULL',
  ' REFERENCES person (id)',
  'CREATE INDEX ON ',
];

describe('Analyzer', () => {
  test('edits linted with the parses kept give the findings of a fresh worker', async () => {
    const random = prng(3);
    const dir = `${CORPUS}/lemmy/migrations`;
    const texts = new Map(
      readdirSync(dir)
        .sort()
        .slice(0, 30)
        .map((name) => [`migrations/${name}/up.sql`, readFileSync(`${dir}/${name}/up.sql`, 'utf8')]),
    );
    const paths = [...texts.keys()];
    const kept = new Analyzer();
    await lint(
      kept,
      paths.map((path) => ({ path, text: texts.get(path)! })),
      paths,
    );
    for (let i = 0; i < 10; i++) {
      const path = paths[Math.floor(random() * paths.length)];
      const text = texts.get(path)!;
      const at = Math.floor(random() * text.length);
      const remove = random() < 0.5 ? 0 : Math.floor(random() * 20);
      const next = text.slice(0, at) + TYPED[Math.floor(random() * TYPED.length)] + text.slice(at + remove);
      texts.set(path, next);
      const warm = await lint(kept, [{ path, text: next }], paths);
      const cold = await lint(
        new Analyzer(),
        paths.map((p) => ({ path: p, text: texts.get(p)! })),
        paths,
      );
      assert.deepEqual(warm.findings, cold.findings, `edit ${i + 1}, of ${path}`);
      assert.equal(warm.tablesJson, cold.tablesJson);
    }
  });

  test("a large unit's table cards come after its findings, from its latest lint", async () => {
    const schema = generateSchema(150_000, 5);
    const analyzer = new Analyzer();
    const first = await lint(analyzer, [{ path: 'schema.sql', text: schema }], ['schema.sql']);
    assert.ok(first.findings.length > 0);
    assert.equal(first.tablesJson, undefined, 'no cards with the findings');
    assert.ok(analyzer.hasPendingCards);

    // Edited before the cards were made: the cards are those of the new text.
    const table = /CREATE TABLE (\w+)\.(\w+) \(/.exec(schema)!;
    const renamed = schema.replace(table[0], `CREATE TABLE ${table[1]}.${table[2]}_renamed (`);
    await lint(analyzer, [{ path: 'schema.sql', text: renamed }], ['schema.sql']);
    const cards = analyzer.makeCards();
    assert.ok(cards);
    assert.deepEqual([cards.project, cards.key, cards.files], ['p', 'u', ['schema.sql']]);
    const names = (JSON.parse(cards.tablesJson) as TableCard[]).map((t) => `${t.schema}.${t.name}`);
    assert.ok(names.includes(`${table[1]}.${table[2]}_renamed`));
    assert.ok(!names.includes(`${table[1]}.${table[2]}`));
    assert.equal(analyzer.hasPendingCards, false);
    assert.equal(analyzer.makeCards(), undefined);
  });

  test("a small unit's table cards come with its findings", async () => {
    const analyzer = new Analyzer();
    const result = await lint(
      analyzer,
      [{ path: 'a.sql', text: 'CREATE TABLE customers (id bigint PRIMARY KEY);\n' }],
      ['a.sql'],
    );
    assert.deepEqual(
      (JSON.parse(result.tablesJson!) as TableCard[]).map((t) => t.name),
      ['customers'],
    );
    assert.equal(analyzer.hasPendingCards, false);
  });
});
