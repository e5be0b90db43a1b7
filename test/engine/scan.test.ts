/**
 * `scanSql`, PostgreSQL's scanner in TypeScript, against libpg-query's own `scanSync`: the same
 * tokens (UTF-16 ranges, text, kind, keyword or not) for every statement of the shared corpus, for
 * hand-picked corner cases of scan.l and for seeded random token soup. Where `scanSql` is not sure
 * (it returns undefined) libpg-query scans instead; where libpg-query cannot scan, `scanSql` gives
 * up too, except for the one listed difference: libpg-query's JSON leaves control characters other
 * than tab, newline and carriage return unescaped, so `scanSync` throws on a token that holds one.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadModule, scanSync } from 'libpg-query';
import { KEYWORDS } from '../../server/src/engine/parse/keywords';
import { keywordKind, scanSql, scanText } from '../../server/src/engine/parse/scan';
import {
  libpgTokens,
  loadSqlParser,
  parseSql,
  statementTokens,
  type ScanToken,
} from '../../server/src/engine/parse/sql';
import { ByteMap } from '../../server/src/engine/text';
import { CORPUS, prng, sqlFilesUnder } from '../support/corpus';

before(async () => {
  await Promise.all([loadSqlParser(), loadModule()]);
});

/** libpg-query's tokens with comments, as `scanSql` gives them; the error's first line when it throws. */
function libpg(text: string): ScanToken[] | string {
  try {
    const bytes = new ByteMap(text);
    return scanSync(text).tokens.map((t) => ({
      start: bytes.toUtf16(t.start),
      end: bytes.toUtf16(t.end),
      text: t.text,
      kind: t.keywordKind > 0 ? t.text.toUpperCase() : t.tokenName,
      isKeyword: t.keywordKind > 0,
    }));
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).split('\n')[0];
  }
}

// eslint-disable-next-line no-control-regex
const UNESCAPED_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f]/;
/** E'…' escapes `scanSql` leaves to libpg-query: octal, hex and Unicode (PostgreSQL may reject them). */
const UNSURE_ESCAPE = /[eE]'(?:[^'\\]|''|\\.)*\\[0-7xuU]/;

/**
 * Compares the two scanners on `text[from, to)`; returns what happened. Fails on any token that
 * differs, and on a give-up that is not one of the known cases.
 */
function compare(text: string, from = 0, to = text.length): 'same' | 'fallback' | 'both fail' | 'json' {
  const mine = scanSql(text, from, to, true);
  const slice = text.slice(from, to);
  const lib = libpg(slice);
  if (mine === undefined) {
    if (typeof lib === 'string') return 'both fail';
    assert.match(
      slice,
      UNSURE_ESCAPE,
      `scanSql gave up on ${JSON.stringify(slice)}, which libpg-query scans`,
    );
    return 'fallback';
  }
  const shifted = mine.map((t) => ({ ...t, start: t.start - from, end: t.end - from }));
  if (typeof lib === 'string') {
    // The one difference: libpg-query's JSON cannot carry the token.
    assert.match(lib, /control character/, `${JSON.stringify(slice)}: libpg-query says ${lib}`);
    assert.match(slice, UNESCAPED_CONTROL);
    return 'json';
  }
  assert.deepEqual(shifted, lib, JSON.stringify(slice));
  return 'same';
}

describe('keywords', () => {
  test("every keyword has the category libpg-query's scanner gives it", () => {
    const words = [...KEYWORDS.keys()];
    const tokens = scanSync(words.join(' ')).tokens;
    assert.equal(tokens.length, words.length);
    assert.deepEqual(
      tokens.map((t) => [t.text, t.keywordKind]),
      words.map((w) => [w, KEYWORDS.get(w)]),
    );
    assert.equal(KEYWORDS.size, 494);
  });

  test('words that are not keywords', () => {
    for (const word of ['users', 'tenant_id', 'selects', 'nulls_first', 'kelvin', 'ſtorage', '\u212Aey']) {
      assert.equal(scanSync(word).tokens[0].keywordKind, 0, word);
      assert.equal(keywordKind(word), 0, word);
    }
    assert.equal(keywordKind('Select'), 4);
    assert.equal(keywordKind('text'), 1);
  });
});

describe('scanSql', () => {
  test('corner cases of scan.l give the same tokens as libpg-query', () => {
    const cases = [
      // identifiers, keywords, quoting
      'SELECT a, A, "A", "a""b", "select", é, ü_x, 日本, 😀, a$b, x$1, _x, ſtorage, \u00a0x',
      "u&x, U&\"d\\0061t\" UESCAPE '!', U&'\\0041', n'x', N'x', nchar, b'01', X'1F', E'a\\'b\\\\'",
      // strings and their continuation
      "SELECT 'it''s', 'a\\', 'a'\n'b', 'a' \t\n\t 'b', 'a'\r'b', 'a'\r\n  \n'b', 'a' 'b', 'a' \n 'b'",
      "SELECT 'a' -- c\n'b', 'a'\n-- c\n'b', x'1F'\n'20', U&'a'\n'b', E'a'\n'b', B'0'\n'1'",
      // dollar quotes and parameters
      'SELECT $$a$$, $a$ $b$ $a$, $_$y$_$, $é$z$é$, $1, $12, $1a, $1_0, $abc, $, $2147483647',
      // numbers
      'SELECT 0, 1_000, 2147483647, 2147483648, 0x7FFFFFFF, 0x80000000, 0o17, 0b101, 0x_1, 00000000001',
      'SELECT .5, 5., 1.5, 1.5e3, 1e5, 1E-2, .5e3, 1..10, 1.2.3, 1.5$, 1$, 1_0.5$, 99999999999',
      // operators
      'SELECT a::int, a := 1, a => 1, a..b, a <= b, a >= b, a <> b, a != b, a || b, a ->> b, a @> b',
      'SELECT a=-1, a+-1, a*-1, a<-1, a@-1, a!=-1, a?-1, a~~*b, a<=>b, a*/*c*/b, a-/*c*/b, a+--c\n1',
      'SELECT ! a, # a, & a, | a, ` a, ? a, [1:2], a[1], a.*, \\ x, { }, %%, ^^',
      // comments
      'SELECT /* a /* nested */ b */ 1 -- end\n, 2 --\n',
      // ASCII control characters outside tokens
      'SELECT\x7f1',
    ];
    for (const text of cases) assert.equal(compare(text), 'same', text);
  });

  test('where PostgreSQL reports an error, scanSql gives up too', () => {
    for (const text of [
      "SELECT 'open",
      'SELECT "open',
      'SELECT $a$ open',
      'SELECT /* open',
      'SELECT ""',
      'SELECT 1a',
      'SELECT 0x',
      'SELECT 0x1Fg',
      'SELECT 0x1F$',
      'SELECT 1e',
      'SELECT 1e+',
      'SELECT 1e5$',
      'SELECT 1_000$x',
      'SELECT 1.x',
      'SELECT 1__0',
      'SELECT $2147483648',
      `SELECT 1 ${'+'.repeat(70)}@ 1`,
    ]) {
      assert.equal(scanSql(text), undefined, text);
      assert.equal(typeof libpg(text), 'string', text);
    }
  });

  test('E-strings with octal, hex or Unicode escapes are left to libpg-query', () => {
    for (const text of ["SELECT E'\\101'", "SELECT E'\\x41'", "SELECT E'\\u0041'", "SELECT e'\\U00000041'"]) {
      assert.equal(compare(text), 'fallback', text);
    }
    assert.equal(compare("SELECT E'\\u12'"), 'both fail');
  });

  test('control characters in a token: libpg-query cannot say, scanSql can', () => {
    for (const text of [
      "SELECT 'a\x01b'",
      "SELECT 'a\fb' -- c\x0bd",
      'SELECT "a\x1fb"',
      'SELECT \x01',
      // a string continued after a vertical tab or a form feed (both whitespace) holds it
      "SELECT 'a'\v\n'b'",
      "SELECT 'a'\f\n'b'",
    ]) {
      assert.equal(compare(text), 'json', text);
    }
  });

  test('a range inside a longer text: offsets in the text, lookahead stops at the end', () => {
    const text = "x SELECT 'a'\n'b' y";
    assert.deepEqual(
      scanSql(text, 2, 12)?.map((t) => [t.start, t.end, t.kind]),
      [
        [2, 8, 'SELECT'],
        [9, 12, 'SCONST'],
      ],
    );
    assert.equal(compare(text, 2, 12), 'same');
    assert.equal(compare(text, 2, 16), 'same');
  });

  test('random token soup gives the same tokens as libpg-query', () => {
    const pieces = [
      'select',
      'Not',
      'null',
      'nchar',
      'n',
      'e',
      'B',
      'x',
      'U',
      'u&',
      'uescape',
      'abc',
      'a$b',
      'é',
      '日本',
      '😀',
      "'",
      "''",
      "'a'",
      "'it''s'",
      "'\\'",
      "E'a\\'b'",
      "E'\\n'",
      "E'\\x41'",
      "B'01'",
      "X'1F'",
      "U&'d'",
      "N'x'",
      "'a'\n'b'",
      "'a' -- c\n'b'",
      "'a'\f\n'b'",
      '"',
      '""',
      '"a"',
      '"a""b"',
      'U&"x"',
      '$$',
      '$$x$$',
      '$a$',
      '$a$ q $a$',
      '$1',
      '$',
      '$x',
      '$1a',
      '0',
      '12',
      '1_000',
      '1__0',
      '1_',
      '2147483648',
      '0x1F',
      '0x',
      '0o17',
      '0b101',
      '.5',
      '5.',
      '1.5e3',
      '1e',
      '1e+',
      '1..10',
      '1.2.3',
      '1a',
      '::',
      ':',
      ':=',
      '=>',
      '..',
      '.',
      ',',
      ';',
      '(',
      ')',
      '[',
      ']',
      '*',
      '+',
      '-',
      '/',
      '%',
      '<',
      '>',
      '=',
      '<=',
      '<>',
      '!=',
      '!',
      '@',
      '#',
      '|',
      '~',
      '?',
      '||',
      '->>',
      '=-',
      '+-',
      '@-',
      '<=>',
      '--x',
      '/*x*/',
      '/* /* */ */',
      '/*',
      '-/*c*/',
      '+--c\n',
      '\\',
      '{',
      '\x01',
      ' ',
      '\n',
      '\t',
      '\r',
      '\v',
      '\u00a0',
    ];
    const random = prng(20240601);
    const seen = { same: 0, fallback: 0, 'both fail': 0, json: 0 };
    for (let k = 0; k < 4000; k++) {
      let text = '';
      for (let n = 1 + Math.floor(random() * 8); n > 0; n--) {
        text += pieces[Math.floor(random() * pieces.length)] + (random() < 0.5 ? ' ' : '');
      }
      seen[compare(text)]++;
    }
    assert.ok(seen.same > 2000, JSON.stringify(seen));
  });

  test('every statement of the corpus gives the same tokens as libpg-query', () => {
    const seen = { same: 0, fallback: 0, 'both fail': 0, json: 0 };
    for (const file of sqlFilesUnder(CORPUS)) {
      const parsed = parseSql(readFileSync(file, 'utf8'));
      for (const stmt of parsed.statements) seen[compare(parsed.sqlText, stmt.start, stmt.end)]++;
    }
    // Every one of them the same, no fallback (22,868 statements when this was written).
    assert.ok(seen.same > 20000, JSON.stringify(seen));
    assert.deepEqual({ ...seen, same: 0 }, { same: 0, fallback: 0, 'both fail': 0, json: 0 });
  });
});

describe('statementTokens', () => {
  test('what libpg-query says, without asking it', () => {
    const text = 'CREATE TABLE "日本" (id bigint PRIMARY KEY, note text DEFAULT \'é😀\' /* c */ NOT NULL);';
    const parsed = parseSql(text);
    assert.deepEqual(
      statementTokens(parsed, parsed.statements[0]),
      libpgTokens(parsed, parsed.statements[0]),
    );
  });

  test('libpg-query scans what scanSql is not sure of', () => {
    const text = "SELECT 1;\nSELECT E'\\u00e9' AS é;";
    const parsed = parseSql(text);
    const tokens = statementTokens(parsed, parsed.statements[1]);
    assert.deepEqual(tokens, libpgTokens(parsed, parsed.statements[1]));
    assert.deepEqual(
      tokens.map((t) => text.slice(t.start, t.end)),
      ['SELECT', "E'\\u00e9'", 'AS', 'é'],
    );
  });
});

describe('scanText', () => {
  test('offsets in the text, comments left out; undefined when PostgreSQL cannot scan it', () => {
    assert.deepEqual(
      scanText("é NOT /* c */ NULL E'\\x41'")?.map((t) => [t.start, t.end, t.kind]),
      [
        [0, 1, 'IDENT'],
        [2, 5, 'NOT'],
        [14, 18, 'NULL'],
        [19, 26, 'SCONST'],
      ],
    );
    assert.equal(scanText("'open"), undefined);
    // (libpg-query's own error: it hands the scanner's message to JSON.parse)
    assert.throws(() => scanText("'open", true), /unterminat/);
  });
});
