import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  blankOut,
  resplit,
  splitStatements,
  statementStartCandidates,
  stripLeadingComments,
} from '../../server/src/engine/parse/split';
import { CORPUS, prng, sqlFilesUnder } from '../support/corpus';

/** The statements as psql would send them: each segment's text, trimmed, without its `;`. */
function statements(text: string): string[] {
  return splitStatements(text)
    .segments.map((s) => text.slice(s.start, s.end).trim())
    .filter((s) => s !== '');
}

/** The text the parser sees, with meta-commands, COPY data and psql variable colons blanked. */
function sqlText(text: string): string {
  return blankOut(text, splitStatements(text).blanks);
}

interface SplitCase {
  name: string;
  text: string;
  statements: string[];
}

const CASES: SplitCase[] = [
  { name: 'two statements', text: 'select 1; select 2;', statements: ['select 1', 'select 2'] },
  { name: 'no final semicolon', text: 'select 1;\nselect 2', statements: ['select 1', 'select 2'] },
  { name: 'empty statements', text: ';; select 1;;', statements: ['select 1'] },
  { name: '; in a string', text: "select 'a;b'; select 2;", statements: ["select 'a;b'", 'select 2'] },
  {
    name: "doubled quote ''",
    text: "select 'it''s; fine'; select 2;",
    statements: ["select 'it''s; fine'", 'select 2'],
  },
  {
    name: "E'' with a backslash-escaped quote",
    text: "select E'a\\';b'; select 2;",
    statements: ["select E'a\\';b'", 'select 2'],
  },
  {
    name: "e'' in lower case",
    text: "select e'\\'' ; select 2;",
    statements: ["select e'\\''", 'select 2'],
  },
  {
    name: 'a backslash in a standard string is not an escape',
    text: "select 'a\\'; select 2;",
    statements: ["select 'a\\'", 'select 2'],
  },
  {
    name: 'a word ending in e before a quote is not E',
    text: "select type'a\\'; select 2;",
    statements: ["select type'a\\'", 'select 2'],
  },
  {
    name: '; in a quoted identifier',
    text: 'select 1 as "a;b"; select 2;',
    statements: ['select 1 as "a;b"', 'select 2'],
  },
  {
    name: '$$ body',
    text: 'create function f() returns int as $$ select 1; select 2; $$ language sql; select 3;',
    statements: ['create function f() returns int as $$ select 1; select 2; $$ language sql', 'select 3'],
  },
  {
    name: 'tagged dollar quote holding $$',
    text: 'do $body$ begin perform $$;$$; end $body$; select 3;',
    statements: ['do $body$ begin perform $$;$$; end $body$', 'select 3'],
  },
  {
    name: 'a $ inside an identifier is not a quote',
    text: 'select a$b$ from t; select 2;',
    statements: ['select a$b$ from t', 'select 2'],
  },
  {
    name: 'parameters $1 are not quotes',
    text: 'select $1; select $2;',
    statements: ['select $1', 'select $2'],
  },
  {
    name: '-- comment with ;',
    text: 'select 1 -- no; split\n; select 2;',
    statements: ['select 1 -- no; split', 'select 2'],
  },
  {
    name: 'nested block comments',
    text: 'select 1 /* a /* b; */ c; */; select 2;',
    statements: ['select 1 /* a /* b; */ c; */', 'select 2'],
  },
  {
    name: 'BEGIN ATOMIC body',
    text: 'create function f() returns int language sql begin atomic select 1; select 2; end; select 3;',
    statements: [
      'create function f() returns int language sql begin atomic select 1; select 2; end',
      'select 3',
    ],
  },
  {
    name: 'BEGIN ATOMIC with CASE … END inside',
    text: 'create procedure p() begin atomic select case when true then 1 end; end; select 3;',
    statements: ['create procedure p() begin atomic select case when true then 1 end; end', 'select 3'],
  },
  {
    name: 'BEGIN; … COMMIT; are statements of their own outside a routine',
    text: 'begin; select 1; end;',
    statements: ['begin', 'select 1', 'end'],
  },
  {
    name: 'CREATE RULE … DO (a; b) keeps its ; inside parentheses',
    text: 'create rule r as on insert to t do also (insert into a values (1); insert into b values (2)); select 3;',
    statements: [
      'create rule r as on insert to t do also (insert into a values (1); insert into b values (2))',
      'select 3',
    ],
  },
  {
    name: 'a routine after a long comment and a meta-command is still a routine',
    text: `-- ${'x'.repeat(300)}\n/* c */\n\\echo hi\ncreate or replace procedure p() begin atomic select 1; end; select 3;`,
    statements: ['create or replace procedure p() begin atomic select 1; end', 'select 3'],
  },
  {
    name: 'CREATE RULE after a comment',
    text: '/* r */ create rule r as on insert to t do (insert into a values (1); select 1); select 3;',
    statements: [
      '/* r */ create rule r as on insert to t do (insert into a values (1); select 1)',
      'select 3',
    ],
  },
  {
    // The parser's recovery then splits the first segment where `create table b` starts.
    name: 'an unbalanced ( does not swallow the statements after the next',
    text: 'create table a (id int,\n  name text\ncreate table b (id int);\ncreate table c (id int);',
    statements: ['create table a (id int,\n  name text\ncreate table b (id int)', 'create table c (id int)'],
  },
  {
    name: 'a ; inside an unclosed ( ends the statement',
    text: 'insert into t values (1, 2;\n  insert into t values (3);',
    statements: ['insert into t values (1, 2', 'insert into t values (3)'],
  },
  {
    name: 'an unfinished BEGIN ATOMIC does not swallow the next statement',
    text: 'create function f() returns int language sql begin atomic select 1;\ncreate table b (id int);',
    statements: [
      'create function f() returns int language sql begin atomic select 1;\ncreate table b (id int)',
    ],
  },
  {
    name: 'meta-commands are not statements',
    text: '\\connect mydb\n\\set ON_ERROR_STOP on\nselect 1;\n\\echo done\nselect 2;',
    statements: ['select 1', 'select 2'],
  },
  {
    name: '\\g sends the buffer like a semicolon',
    text: 'select 1 \\g\nselect 2 \\gx\nselect 3',
    statements: ['select 1', 'select 2', 'select 3'],
  },
  {
    name: '\\gexec, \\gset and \\gdesc send the buffer',
    text: "select 'create table x ()' \\gexec\nselect 1 as a \\gset\nselect 2 \\gdesc\nselect 4;",
    statements: ["select 'create table x ()'", 'select 1 as a', 'select 2', 'select 4'],
  },
  {
    name: 'a backslash in a string is not a meta-command',
    text: "select E'\\\\n'; select 2;",
    statements: ["select E'\\\\n'", 'select 2'],
  },
  {
    name: 'COPY … FROM stdin data up to \\.',
    text: 'copy t (a, b) from stdin;\n1\tx;y\n2\t\\N\n\\.\nselect 2;',
    statements: ['copy t (a, b) from stdin', 'select 2'],
  },
  {
    name: 'COPY FROM STDIN in upper case, after a comment',
    text: '-- data\nCOPY public.t FROM STDIN WITH (FORMAT csv);\na,"b;c"\n\\.\nselect 2;',
    statements: ['-- data\nCOPY public.t FROM STDIN WITH (FORMAT csv)', 'select 2'],
  },
  {
    name: 'COPY data without \\. runs to the end',
    text: 'copy t from stdin;\n1;2\n3;4',
    statements: ['copy t from stdin'],
  },
  {
    name: 'COPY … TO stdout has no data',
    text: 'copy t to stdout; select 2;',
    statements: ['copy t to stdout', 'select 2'],
  },
  {
    name: '\\copy … from stdin data',
    text: '\\copy t from stdin\n1;2\n\\.\nselect 2;',
    statements: ['select 2'],
  },
  { name: 'only comments', text: '-- a\n/* b; */\n', statements: ['-- a\n/* b; */'] },
  { name: 'empty', text: '', statements: [] },
  {
    name: 'an unterminated string runs to the end',
    text: "select 'abc; select 2;",
    statements: ["select 'abc; select 2;"],
  },
  {
    name: 'an unterminated block comment runs to the end',
    text: 'select 1; /* open; select 2;',
    statements: ['select 1', '/* open; select 2;'],
  },
];

describe('splitStatements', () => {
  for (const c of CASES) {
    test(c.name, () => assert.deepEqual(statements(c.text), c.statements));
  }

  test('segments record their semicolon', () => {
    const text = 'select 1; select 2 \\g\nselect 3';
    assert.deepEqual(
      splitStatements(text).segments.map((s) => s.semicolon),
      [8, -1, -1],
    );
  });

  test('splits a range of the text', () => {
    const text = 'select 0; select 1; select 2; select 3;';
    const { segments } = splitStatements(text, 10, 29);
    assert.deepEqual(
      segments.map((s) => text.slice(s.start, s.end).trim()),
      ['select 1', 'select 2'],
    );
  });

  test('blanks keep every offset, line break and non-ASCII length', () => {
    const text = '\\connect é😀\nselect 1;\ncopy t from stdin;\nü\t1\r\n\\.\nselect 2;';
    const out = sqlText(text);
    assert.equal(out.length, text.length);
    assert.equal(out, '            \nselect 1;\ncopy t from stdin;\n   \r\n  \nselect 2;');
    assert.deepEqual(
      splitStatements(text).blanks.map((b) => b.kind),
      ['meta-command', 'copy-data'],
    );
  });

  const variables: { name: string; text: string; sql: string }[] = [
    { name: ":'name' becomes a literal", text: "select :'lib';", sql: "select  'lib';" },
    { name: ':"name" becomes an identifier', text: 'create schema :"s";', sql: 'create schema  "s";' },
    { name: ':name becomes an identifier', text: 'select :value as v;', sql: 'select  value as v;' },
    { name: 'a :: cast stays', text: 'select 1::int, x::text;', sql: 'select 1::int, x::text;' },
    { name: 'an array slice stays', text: 'select a[1:n], a[lo:hi];', sql: 'select a[1:n], a[lo:hi];' },
    { name: 'inside a string it stays', text: "select ':x', ':''y''';", sql: "select ':x', ':''y''';" },
  ];
  for (const c of variables) {
    test(`psql variables: ${c.name}`, () => assert.equal(sqlText(c.text), c.sql));
  }
});

describe('statementStartCandidates', () => {
  const cases: { name: string; text: string; candidates: string[] }[] = [
    {
      name: 'unindented statement keywords',
      text: 'create table a (\nid int\nCREATE TABLE b ();\nalter table c;',
      candidates: ['CREATE TABLE b ();', 'alter table c;'],
    },
    {
      name: 'not inside literals or comments',
      text: "select 'x\ncreate table a' /*\ncreate table b */\n-- \ndrop table c;",
      candidates: ['drop table c;'],
    },
    {
      name: 'not inside dollar quotes',
      text: 'do $$\ncreate table a ();\n$$;\ncreate table b ();',
      candidates: ['create table b ();'],
    },
    {
      name: 'indented ones only when there is no unindented one',
      text: 'begin;\n  create table a (\n  create table b ();',
      candidates: ['create table a (', 'create table b ();'],
    },
    {
      name: 'unindented ones win over indented ones',
      text: 'x\n  create table a (\ncreate table b ();',
      candidates: ['create table b ();'],
    },
    {
      name: 'a word that only starts with a keyword',
      text: 'x\ncreated_at int,\ndeleted int',
      candidates: [],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const found = statementStartCandidates(c.text, 0, c.text.length);
      assert.deepEqual(
        found.map((at) => c.text.slice(at).split('\n')[0]),
        c.candidates,
      );
    });
  }
});

describe('stripLeadingComments', () => {
  test('removes whitespace and comments before the first token', () => {
    assert.equal(stripLeadingComments('  -- a\n/* b /* c */ */ copy t'), 'copy t');
    assert.equal(stripLeadingComments('-- only'), '');
    assert.equal(stripLeadingComments('select 1'), 'select 1');
  });
});

describe('resplit', () => {
  /** What is typed or pasted: each can change where statements end, far after it. */
  const TYPED = [
    'x',
    ' ',
    '\n',
    ';',
    "'",
    '"',
    '$$',
    '$fn$',
    '--',
    '/*',
    '*/',
    '(',
    ')',
    'E',
    '\\',
    '\n\\set x 1\n',
    '\ncopy t from stdin;\n1\n\\.\n',
    'BEGIN ATOMIC ',
    ' END',
    '\nCREATE TABLE t (a int);\n',
    ':v',
  ];

  test('gives what a split of the new text gives, for random edits of the corpus', () => {
    const random = prng(11);
    const files = sqlFilesUnder(CORPUS).filter((_, i) => i % 7 === 0);
    assert.ok(files.length > 20, `${files.length} corpus files`);
    let edits = 0;
    for (const file of files) {
      let text = readFileSync(file, 'utf8');
      let split = splitStatements(text);
      for (let k = 0; k < 12; k++) {
        const at = Math.floor(random() * (text.length + 1));
        const remove = random() < 0.6 ? 0 : Math.floor(random() * 40);
        const next =
          text.slice(0, at) +
          (random() < 0.8 ? TYPED[Math.floor(random() * TYPED.length)] : '') +
          text.slice(at + remove);
        const fresh = splitStatements(next);
        assert.deepEqual(
          resplit(next, text, split),
          { segments: fresh.segments, blanks: fresh.blanks },
          `${file}, edit at ${at}`,
        );
        text = next;
        split = fresh;
        edits++;
      }
    }
    assert.ok(edits > 200);
  });

  test('a COPY … FROM stdin that ends the file gets its data when a line follows it', () => {
    const text = `COPY t (a, b) FROM stdin; -- seed rows for the table, exported by the nightly script, do not edit`;
    const next = `${text}\n1\t2\n\\.\n`;
    const fresh = splitStatements(next);
    assert.deepEqual(
      fresh.blanks.map((b) => b.kind),
      ['copy-data'],
    );
    assert.deepEqual(resplit(next, text, splitStatements(text)), {
      segments: fresh.segments,
      blanks: fresh.blanks,
    });
  });

  test('keeps the old statements before the edit and moves those after it', () => {
    const text = Array.from({ length: 200 }, (_, i) => `CREATE TABLE t${i} (id int);\n`).join('');
    const old = splitStatements(text);
    const at = text.indexOf('t100 (') + 4;
    const next = `${text.slice(0, at)}x${text.slice(at)}`;
    const split = resplit(next, text, old);
    assert.deepEqual(split, { segments: splitStatements(next).segments, blanks: [] });
    assert.equal(split.segments[10], old.segments[10], 'the same object before the edit');
    assert.equal(split.segments[150].start, old.segments[150].start + 1);
  });
});
