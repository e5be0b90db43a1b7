/**
 * The worker's side of the language server, in process: the parses it keeps between requests (an
 * edit parses again only the statements it changed) never change a finding, and the table cards
 * of a large unit come after its findings, from its latest lint. Warm-up lints, run once per
 * worker on its first large unit, change none of that.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { generateSchema } from '../../bench/generate-schema';
import { DEFAULT_CONFIG } from '../../server/src/engine/config/config';
import { loadSqlParser } from '../../server/src/engine/parse/sql';
import { ParseCache } from '../../server/src/engine/parse/cache';
import type { Finding } from '../../server/src/engine/findings';
import { lintProject } from '../../server/src/engine/lint';
import { incrementalStats } from '../../server/src/engine/model/incremental';
import { Analyzer, typedNearMiddle, WARM_UP_LINTS, WARM_UP_MS } from '../../server/src/lsp/analyze';
import type { FileUpdate, LintRequest, TableCard, UnitResult } from '../../server/src/lsp/protocol';
import { CORPUS, prng } from '../support/corpus';

before(async () => {
  await loadSqlParser();
});

let nextId = 1;

async function lint(
  analyzer: Analyzer,
  updates: FileUpdate[],
  files: string[],
  open = false,
): Promise<UnitResult> {
  const request: LintRequest = {
    kind: 'lint',
    id: nextId++,
    project: 'p',
    config: DEFAULT_CONFIG,
    overrides: {},
    updates,
    units: [{ key: 'u', files, ...(open ? { open } : {}) }],
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

  test('a file on its own, typed in: linted padded, its model patched, and the findings of its own text', async () => {
    let text = generateSchema(150_000, 8);
    const analyzer = new Analyzer();
    await lint(analyzer, [{ path: 'schema.sql', text }], ['schema.sql'], true);
    const patched = incrementalStats.patched;
    // Keystrokes in columns' names and line breaks inside tables, as a user types.
    const places = [...text.matchAll(/(?<=\n {4})[a-z][a-z0-9]*_[a-z0-9_]*(?= )/g)].filter(
      (_, i) => i % 97 === 5,
    );
    const without = (fs: Finding[]) => fs.map(({ related: _, ...f }) => f);
    for (const [n, place] of places.slice(0, 6).entries()) {
      // (Each place is after the line breaks typed at the places before it.)
      const at = place.index + place[0].length + n;
      for (const typed of [
        text.slice(0, at) + 'x' + text.slice(at),
        text,
        text.slice(0, at) + '\n' + text.slice(at),
      ]) {
        const warm = await lint(analyzer, [{ path: 'schema.sql', text: typed }], ['schema.sql'], true);
        const cold = await lintProject([{ path: 'schema.sql', text: typed }]);
        // The same findings at the same offsets of the file's own text (the analyzer adds related places).
        assert.deepEqual(without(warm.findings), without(cold.findings), `keystroke at ${place[0]} (${n})`);
        // And those of a worker that lints it closed (not padded) from scratch.
        const fresh = await lint(new Analyzer(), [{ path: 'schema.sql', text: typed }], ['schema.sql']);
        assert.deepEqual(warm.findings, fresh.findings);
      }
      text = text.slice(0, at) + '\n' + text.slice(at);
    }
    assert.ok(incrementalStats.patched - patched >= 15, `${incrementalStats.patched - patched} patched`);

    // Closed and edited, then opened again and typed in: its own text's findings each time.
    const closed = text.replace(/\n {4}([a-z][a-z0-9]*_[a-z0-9_]*) /, '\n    $1_closed ');
    for (const [open, typed] of [
      [false, closed],
      [true, closed],
      [true, closed.replace('_closed ', '_closedx ')],
    ] as const) {
      const warm = await lint(analyzer, [{ path: 'schema.sql', text: typed }], ['schema.sql'], open);
      const cold = await lintProject([{ path: 'schema.sql', text: typed }]);
      assert.deepEqual(without(warm.findings), without(cold.findings), `open: ${open}`);
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

  test('warm-up lints: once per worker, on its first large unit, leaving its parses and findings as they were', async () => {
    const analyzer = new Analyzer();
    await lint(
      analyzer,
      [{ path: 'a.sql', text: 'CREATE TABLE customers (id bigint PRIMARY KEY);\n' }],
      ['a.sql'],
    );
    assert.equal(analyzer.wantsWarmUp, false, 'a small unit');

    const schema = generateSchema(150_000, 5);
    await lint(analyzer, [{ path: 'schema.sql', text: schema }], ['schema.sql']);
    assert.equal(analyzer.wantsWarmUp, true);
    let done: Awaited<ReturnType<Analyzer['warmUp']>>;
    let lints = 0;
    while (analyzer.wantsWarmUp) {
      done = await analyzer.warmUp();
      lints++;
      assert.equal(done === undefined, analyzer.wantsWarmUp);
    }
    // All of them, unless they took their time budget first (on a busy machine).
    assert.ok(lints === WARM_UP_LINTS || (lints < WARM_UP_LINTS && done!.ms >= WARM_UP_MS), `${lints} lints`);
    assert.equal(done!.file, 'schema.sql');
    assert.equal(done!.lints, lints);
    assert.ok(done!.ms > 0);
    assert.equal(await analyzer.warmUp(), undefined);

    // An edit after them: the findings of a fresh worker.
    const edited = schema.replace(/(CREATE TABLE \w+\.\w+ \(\n\s+)(\w+)/, '$1$2x');
    assert.notEqual(edited, schema);
    const after = await lint(analyzer, [{ path: 'schema.sql', text: edited }], ['schema.sql']);
    const fresh = await lint(new Analyzer(), [{ path: 'schema.sql', text: edited }], ['schema.sql']);
    assert.deepEqual(after.findings, fresh.findings);

    // Once per worker: another large unit gets none.
    await lint(analyzer, [{ path: 'other.sql', text: generateSchema(150_000, 6) }], ['other.sql']);
    assert.equal(analyzer.wantsWarmUp, false);

    // Unless its project was dropped before its warm-up ended.
    const dropped = new Analyzer();
    await lint(dropped, [{ path: 'schema.sql', text: schema }], ['schema.sql']);
    await dropped.warmUp();
    dropped.drop('p');
    assert.equal(dropped.wantsWarmUp, false);
    await lint(dropped, [{ path: 'schema.sql', text: schema }], ['schema.sql']);
    assert.equal(dropped.wantsWarmUp, true);
  });

  test('a fork of a parse cache leaves the cache as it was', () => {
    const cache = new ParseCache();
    const text = 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n';
    const parsed = cache.sqlFile('s.sql', text);
    const fork = cache.fork();
    const edited = fork.sqlFile('s.sql', text.replace('b (', 'bx ('));
    assert.notEqual(edited, parsed);
    assert.equal(fork.sqlFile('s.sql', edited.text), edited);
    assert.equal(cache.sqlFile('s.sql', text), parsed, 'the cache still has its own parse');
  });

  test('the keystrokes of the warm-up: a line break, or a letter at the end of a word', () => {
    const text = 'CREATE TABLE a (\n  id int\n);\nCREATE TABLE b (\n  name text\n);\n';
    for (const n of [0, 1, 2, 3]) {
      const typed = typedNearMiddle(text, n);
      assert.equal(typed.length, text.length + 1);
      let at = 0;
      while (typed[at] === text[at]) at++;
      assert.equal(typed.slice(0, at) + typed.slice(at + 1), text);
      if (n % 2 === 0) assert.equal(typed[at], '\n');
      else {
        assert.equal(typed[at], 'x');
        assert.match(text.slice(0, at), /[A-Za-z_]$/);
        assert.doesNotMatch(text.slice(at, at + 1), /[A-Za-z_]/);
      }
    }
  });
});
