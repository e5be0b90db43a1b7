/**
 * The engine's binding to libpg-query's WebAssembly (parse/pg.ts) against the package's own
 * wrappers: the same parse trees, the same errors (message and cursor), the same tokens and the same
 * PL/pgSQL trees, on every file of the shared corpus and on text the byte-at-a-time wrappers and the
 * native encoders could disagree on (non-ASCII, astral characters, NUL, an empty text).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as lib from 'libpg-query';
import * as ours from '../../server/src/engine/parse/pg';
import { CORPUS, sqlFilesUnder } from '../support/corpus';

/** What a call gives: its result, or the error's name, message and details. */
function outcome(fn: () => unknown): unknown {
  try {
    return { ok: fn() };
  } catch (e) {
    const err = e as Error & { sqlDetails?: unknown };
    return { error: err.message, details: err.sqlDetails };
  }
}

/** Asserts that the binding's function and the package's give the same outcome for `sql`. */
function same(fn: 'parseSync' | 'scanSync' | 'parsePlPgSQLSync', sql: string, label = sql): void {
  assert.deepEqual(
    outcome(() => ours[fn](sql)),
    outcome(() => lib[fn](sql)),
    `${fn}: ${label}`,
  );
}

before(async () => {
  await Promise.all([lib.loadModule(), ours.loadPg()]);
});

test('pg binding: the same parse trees and errors as libpg-query on every corpus file', () => {
  const files = sqlFilesUnder(CORPUS);
  assert.ok(files.length > 100, `corpus files: ${files.length}`);
  let errors = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (text.trim() === '') continue;
    const expected = outcome(() => lib.parseSync(text));
    if ('error' in (expected as object)) errors++;
    assert.deepEqual(
      outcome(() => ours.parseSync(text)),
      expected,
      file,
    );
  }
  // The regression suite holds statements PostgreSQL rejects: the error path is exercised too.
  assert.ok(errors > 0, 'no corpus file failed to parse');
});

test('pg binding: the same results on non-ASCII, astral, NUL and erroneous text', () => {
  const cases = [
    'CREATE TABLE café (naïve text DEFAULT \'ü\', "ключ" int);',
    "SELECT '😀' AS emoji, 'a' || '𝔘' FROM t WHERE x = 'é';",
    "SELECT 'é😀' FROM WHERE;",
    'SELECT 1;\0 SELECT 2;',
    'CREATE TABLE t (id int PRIMARY KEY,);',
    "SELECT 'unterminated",
    '   ',
    '-- only a comment',
  ];
  for (const sql of cases) {
    same('parseSync', sql);
    same('scanSync', sql);
  }
  assert.throws(() => ours.parseSync(''), /empty/);
});

test('pg binding: the same PL/pgSQL trees and errors as libpg-query', () => {
  const bodies = [
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'é') THEN CREATE TYPE e AS ENUM ('a'); END IF; END $$;",
    'DO $$ BEGIN RAISE NOTICE $m$😀$m$; END $$;',
    'DO $$ BEGIN this is not plpgsql; END $$;',
  ];
  for (const sql of bodies) same('parsePlPgSQLSync', sql);
});

test('pg binding: a text larger than the memory it started with (the memory grows)', () => {
  const big = 'CREATE TABLE t_0 (id bigint PRIMARY KEY, note text);\n'.repeat(60_000);
  const tree = ours.parseSync(big) as { stmts: unknown[] };
  assert.equal(tree.stmts.length, 60_000);
  assert.deepEqual(tree, lib.parseSync(big));
});
