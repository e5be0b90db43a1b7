/**
 * The language server parses a file again after every keystroke with `reparseSql`, which reuses
 * the statements of the segments an edit left alone. It must give exactly what a cold `parseSql`
 * gives: the same statements (kind, ranges, parse tree with every location at the same offset of
 * the file) and the same syntax errors, after any edit, including edits that open a quote or a
 * comment, add or remove a terminator, or add characters outside ASCII. And a lint with a parse
 * cache must report exactly what a cold lint reports.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lintProject, ParseCache } from '../../server/src/engine/lint';
import {
  loadSqlParser,
  nodeOffset,
  parseSql,
  reparseSql,
  statementTokens,
  type ParsedSql,
  type PgNode,
} from '../../server/src/engine/parse/sql';
import type { SourceFile } from '../../server/src/engine/project';
import { CORPUS, prng } from '../support/corpus';

before(async () => {
  await loadSqlParser();
});

/** What a user types: mostly identifiers and spaces, sometimes what changes how the rest reads. */
const TYPED = [
  'x',
  'e',
  '_id',
  ' ',
  '\n',
  '\n\n',
  ',',
  '(',
  ')',
  ';',
  "'",
  '"',
  '$$',
  '--',
  '/*',
  '*/',
  'é',
  '😀',
  ' text',
  ' NOT NULL',
  ', created_at timestamptz',
  'CREATE TABLE t (id int);\n',
  'CREATE INDEX ON ',
  '\\set x 1\n',
];

type Edit = { at: number; remove: number; insert: string };

function randomEdit(text: string, random: () => number): Edit {
  const at = Math.floor(random() * (text.length + 1));
  const r = random();
  if (r < 0.5) return { at, remove: 0, insert: TYPED[Math.floor(random() * TYPED.length)] };
  const remove = Math.min(text.length - at, r < 0.85 ? 1 : Math.floor(random() * 40));
  return { at, remove, insert: r < 0.7 ? '' : TYPED[Math.floor(random() * TYPED.length)] };
}

function apply(text: string, e: Edit): string {
  // Never split a surrogate pair: an editor does not either.
  let at = e.at;
  if (at > 0 && at < text.length && /[\uDC00-\uDFFF]/.test(text[at])) at--;
  let end = at + e.remove;
  if (end > 0 && end < text.length && /[\uDC00-\uDFFF]/.test(text[end])) end++;
  return text.slice(0, at) + e.insert + text.slice(end);
}

/** A parse as plain data, every node location as an offset of the file (not of the parsed chunk). */
function canonical(parsed: ParsedSql): unknown {
  return {
    statements: parsed.statements.map((stmt) => ({
      kind: stmt.kind,
      start: stmt.start,
      end: stmt.end,
      endWithTerminator: stmt.endWithTerminator,
      node: located(stmt.node, (loc) => nodeOffset(parsed, stmt, loc)),
    })),
    errors: parsed.errors,
    blanks: parsed.blanks,
    sqlText: parsed.sqlText,
  };
}

/** The fields of parse-tree nodes that hold a byte offset into the parsed text. */
const POSITIONS = new Set([
  'location',
  'list_start',
  'list_end',
  'rexpr_list_start',
  'rexpr_list_end',
  'name_location',
  'stmt_location',
]);

function located(node: unknown, offset: (loc: number) => number): unknown {
  if (Array.isArray(node)) return node.map((n) => located(n, offset));
  if (node === null || typeof node !== 'object') return node;
  const out: PgNode = {};
  for (const [k, v] of Object.entries(node as PgNode)) {
    out[k] = POSITIONS.has(k) && typeof v === 'number' && v >= 0 ? offset(v) : located(v, offset);
  }
  return out;
}

function corpusFile(path: string): string {
  return readFileSync(`${CORPUS}/${path}`, 'utf8');
}

describe('reparseSql', () => {
  test('gives what parseSql gives, over chains of random edits of real files', () => {
    const files = [
      'postgres-regress/create_table.sql',
      'postgres-regress/copy2.sql',
      'postgres-regress/plpgsql.sql',
      'postgres-regress/rowsecurity.sql',
      'lemmy/migrations/2020-06-30-135809_remove_mat_views/up.sql',
    ];
    let checked = 0;
    files.forEach((path, n) => {
      const random = prng(n + 1);
      let text = corpusFile(path);
      // A slice, so that a cold parse per edit stays quick.
      const from = Math.floor(random() * Math.max(0, text.length - 30_000));
      text = text.slice(from, from + 30_000);
      let parsed = parseSql(text);
      for (let i = 0; i < 60; i++) {
        const next = apply(text, randomEdit(text, random));
        const incremental = reparseSql(next, parsed);
        assert.deepEqual(canonical(incremental), canonical(parseSql(next)), `${path}, edit ${i + 1}`);
        text = next;
        parsed = incremental;
        checked++;
      }
    });
    assert.equal(checked, 300);
  });

  test('only the edited statement is parsed again; earlier ones are the same objects', () => {
    const text = Array.from({ length: 50 }, (_, i) => `CREATE TABLE t${i} (id int, note text);`).join('\n');
    const parsed = parseSql(text);
    const at = text.indexOf('t25 (id int') + 't25 (id int'.length;
    const next = `${text.slice(0, at)}, extra int${text.slice(at)}`;
    const again = reparseSql(next, parsed);
    assert.deepEqual(canonical(again), canonical(parseSql(next)));
    // Before the edit: the same statement objects (their cached tokens stay).
    for (let i = 0; i < 25; i++) assert.equal(again.statements[i], parsed.statements[i]);
    assert.notEqual(again.statements[25].node, parsed.statements[25].node);
    // After it: moved copies that share the parse tree.
    for (let i = 26; i < 50; i++) {
      assert.equal(again.statements[i].node, parsed.statements[i].node);
      assert.equal(again.statements[i].start, parsed.statements[i].start + ', extra int'.length);
    }
    // Tokens of a moved statement are where its text now is.
    const moved = again.statements[40];
    assert.equal(
      statementTokens(again, moved)
        .map((t) => next.slice(t.start, t.end))
        .join(' '),
      'CREATE TABLE t40 ( id int , note text )',
    );
  });

  test('a syntax error elsewhere in the file is found again, at its place', () => {
    const text = 'CREATE TABLE a (id int);\nCREATE TABLE b (id int,);\nCREATE TABLE c (id int);\n';
    const parsed = parseSql(text);
    assert.equal(parsed.errors.length, 1);
    const next = `-- a comment\n${text}`;
    const again = reparseSql(next, parsed);
    assert.deepEqual(canonical(again), canonical(parseSql(next)));
    assert.equal(next.slice(again.errors[0].start, again.errors[0].end), ')');
  });

  test('the same text gives the same parse', () => {
    const parsed = parseSql('SELECT 1;');
    assert.equal(reparseSql('SELECT 1;', parsed), parsed);
  });
});

describe('lintProject with a parse cache', () => {
  const strip = (findings: unknown[]) => JSON.parse(JSON.stringify(findings)) as unknown;

  test('the same findings as a cold lint, over edits of a real migrations folder', async () => {
    const random = prng(7);
    const dir = 'lemmy/migrations';
    const { readdirSync } = await import('node:fs');
    const names = readdirSync(`${CORPUS}/${dir}`).sort().slice(0, 40);
    const files: SourceFile[] = names.map((name) => ({
      path: `migrations/${name}/up.sql`,
      text: corpusFile(`${dir}/${name}/up.sql`),
    }));
    const cache = new ParseCache();
    for (let i = 0; i < 12; i++) {
      const k = Math.floor(random() * files.length);
      files[k] = { path: files[k].path, text: apply(files[k].text, randomEdit(files[k].text, random)) };
      const warm = await lintProject(files, { parseCache: cache });
      const cold = await lintProject(files);
      assert.deepEqual(strip(warm.findings), strip(cold.findings), `edit ${i + 1} of ${files[k].path}`);
    }
  });

  test('the same findings as a cold lint, over edits of one large schema file', async () => {
    const random = prng(11);
    let text = corpusFile('postgres-regress/create_table.sql');
    const cache = new ParseCache();
    for (let i = 0; i < 12; i++) {
      text = apply(text, randomEdit(text, random));
      const files = [{ path: 'schema.sql', text }];
      const warm = await lintProject(files, { parseCache: cache });
      const cold = await lintProject(files);
      assert.deepEqual(strip(warm.findings), strip(cold.findings), `edit ${i + 1}`);
    }
  });
});
