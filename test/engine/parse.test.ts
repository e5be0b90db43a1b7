import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  doBlockStatements,
  loadSqlParser,
  nodeOffset,
  parseSql,
  statementTokens,
  type ParsedSql,
} from '../../server/src/engine/parse/sql';
import { LineIndex } from '../../server/src/engine/text';
import { prng } from '../support/corpus';

before(async () => {
  await loadSqlParser();
});

/** Each statement as `Kind: text` (the text its range covers). */
function statements(parsed: ParsedSql): string[] {
  return parsed.statements.map((s) => `${s.kind}: ${parsed.text.slice(s.start, s.end)}`);
}

/** Each error as `message @ token`. */
function errors(parsed: ParsedSql): string[] {
  return parsed.errors.map((e) => `${e.message} @ ${parsed.text.slice(e.start, e.end)}`);
}

/** Every error and statement range lies inside the text, in order, and the statements do not overlap. */
function assertWellFormed(parsed: ParsedSql): void {
  const n = parsed.text.length;
  let last = 0;
  for (const s of parsed.statements) {
    assert.ok(
      s.start >= last && s.start <= s.end && s.end <= s.endWithTerminator && s.endWithTerminator <= n,
    );
    last = s.end;
  }
  for (const e of parsed.errors) {
    assert.ok(e.start >= 0 && e.start <= e.end && e.end <= n, `error range ${e.start}-${e.end} of ${n}`);
    assert.ok(e.statementStart <= e.start && e.statementEnd <= n);
    assert.equal(typeof e.message, 'string');
  }
  assert.equal(parsed.sqlText.length, n);
}

describe('parseSql: statements', () => {
  const cases: { name: string; text: string; statements: string[] }[] = [
    { name: 'empty', text: '', statements: [] },
    { name: 'whitespace only', text: ' \n\t\r\n ', statements: [] },
    { name: 'comments only', text: '-- one\n/* two /* nested */ */\n-- three', statements: [] },
    { name: 'semicolons only', text: ';;\n;', statements: [] },
    {
      name: 'ranges exclude leading comments and the ;',
      text: '-- header\n/* c */ create table a (id int);\n\n-- b\ncreate table b (id int) ;',
      statements: ['CreateStmt: create table a (id int)', 'CreateStmt: create table b (id int)'],
    },
    {
      name: 'a trailing comment does not belong to the last statement',
      text: 'select 1 -- one\n;\nselect 2 /* two */\n-- end\n',
      statements: ['SelectStmt: select 1', 'SelectStmt: select 2'],
    },
    {
      name: 'UTF-16 ranges after 2-, 3- and 4-byte characters',
      text: "comment on table t is 'ñandú 日本 😀';\ncreate table \"é😀\" (x text default '𝄞');\nselect 'ü';",
      statements: [
        "CommentStmt: comment on table t is 'ñandú 日本 😀'",
        'CreateStmt: create table "é😀" (x text default \'𝄞\')',
        "SelectStmt: select 'ü'",
      ],
    },
    {
      name: 'a -- inside a string is not a comment',
      text: "select '--not a comment'",
      statements: ["SelectStmt: select '--not a comment'"],
    },
    {
      name: '$$ bodies, DO blocks and E strings',
      text:
        "create function f() returns trigger language plpgsql as $$ begin new.x := ';'; return new; end $$;\n" +
        "do $do$ begin raise notice 'x;'; end $do$;\nselect E'it\\'s';",
      statements: [
        "CreateFunctionStmt: create function f() returns trigger language plpgsql as $$ begin new.x := ';'; return new; end $$",
        "DoStmt: do $do$ begin raise notice 'x;'; end $do$",
        "SelectStmt: select E'it\\'s'",
      ],
    },
    {
      name: 'BEGIN ATOMIC bodies',
      text: 'create function f() returns int language sql begin atomic select 1; select 2; end;\nselect 3;',
      statements: [
        'CreateFunctionStmt: create function f() returns int language sql begin atomic select 1; select 2; end',
        'SelectStmt: select 3',
      ],
    },
    {
      name: 'NUL characters never cut the text short',
      text: 'select 1;\0\0\nselect 2;',
      statements: ['SelectStmt: select 1', 'SelectStmt: select 2'],
    },
    {
      name: 'psql variables',
      text: 'create schema :"s";\nload :\'lib\';\nselect :v;',
      statements: ['CreateSchemaStmt: create schema :"s"', "LoadStmt: load :'lib'", 'SelectStmt: select :v'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const parsed = parseSql(c.text);
      assert.deepEqual(statements(parsed), c.statements);
      assert.deepEqual(errors(parsed), []);
      assertWellFormed(parsed);
    });
  }

  test('endWithTerminator covers the ; (and only when it follows)', () => {
    const text = 'select 1 ;\nselect 2\n-- c\n;select 3';
    const parsed = parseSql(text);
    assert.deepEqual(
      parsed.statements.map((s) => text.slice(s.start, s.endWithTerminator)),
      ['select 1 ;', 'select 2\n-- c\n;', 'select 3'],
    );
  });

  test('node locations map to UTF-16 offsets after non-ASCII text', () => {
    const text = 'select \'😀日é\';\ncreate table t ("ü😀" int, name text);';
    const parsed = parseSql(text);
    const stmt = parsed.statements[1];
    const cols = stmt.node.CreateStmt.tableElts.map((e: any) => e.ColumnDef);
    assert.deepEqual(
      cols.map((c: any) => text.slice(nodeOffset(parsed, stmt, c.location)).split(/[ ,)]/)[0]),
      ['"ü😀"', 'name'],
    );
    assert.equal(nodeOffset(parsed, stmt, undefined), stmt.start);
    assert.equal(nodeOffset(parsed, stmt, -1), stmt.start);
  });

  test('a pg_dump file lints clean of syntax errors', () => {
    const dump = [
      '--',
      '-- PostgreSQL database dump',
      '--',
      '',
      '\\restrict AbCdEf123',
      'SET statement_timeout = 0;',
      "SET client_encoding = 'UTF8';",
      'SET standard_conforming_strings = on;',
      "SELECT pg_catalog.set_config('search_path', '', false);",
      '',
      'CREATE SCHEMA app;',
      'CREATE FUNCTION app.touch() RETURNS trigger',
      '    LANGUAGE plpgsql',
      '    AS $$',
      'begin',
      '  new.updated_at := now(); -- a comment; with a semicolon',
      '  return new;',
      'end',
      '$$;',
      '',
      'CREATE TABLE app."user" (',
      '    id bigint NOT NULL,',
      "    name text DEFAULT 'ünïcødé 😀'::text",
      ');',
      '',
      'COPY app."user" (id, name) FROM stdin;',
      '1\tAnn; with ; semicolons',
      '2\t\\N',
      "3\tit's \\\\ (unbalanced",
      '\\.',
      '',
      'ALTER TABLE ONLY app."user"',
      '    ADD CONSTRAINT user_pkey PRIMARY KEY (id);',
      '',
      '\\connect other',
      '\\unrestrict AbCdEf123',
      '',
    ].join('\n');
    const parsed = parseSql(dump);
    assert.deepEqual(errors(parsed), []);
    assert.deepEqual(
      parsed.statements.map((s) => s.kind),
      [
        'VariableSetStmt',
        'VariableSetStmt',
        'VariableSetStmt',
        'SelectStmt',
        'CreateSchemaStmt',
        'CreateFunctionStmt',
        'CreateStmt',
        'CopyStmt',
        'AlterTableStmt',
      ],
    );
    assert.deepEqual(
      parsed.blanks.map((b) => [b.kind, dump.slice(b.start, b.end).split('\n')[0]]),
      [
        ['meta-command', '\\restrict AbCdEf123'],
        ['copy-data', '1\tAnn; with ; semicolons'],
        ['meta-command', '\\connect other'],
        ['meta-command', '\\unrestrict AbCdEf123'],
      ],
    );
    assertWellFormed(parsed);
  });
});

describe('parseSql: syntax errors', () => {
  const cases: { name: string; text: string; errors: string[]; statements?: string[] }[] = [
    { name: 'a doubled comma', text: 'select 1,, 2;', errors: ['syntax error at or near "," @ ,'] },
    {
      name: 'a misspelt keyword',
      text: 'create tabel t (id int);',
      errors: ['syntax error at or near "tabel" @ tabel'],
    },
    {
      name: 'a number token',
      text: 'select 1 2.5e3 x;',
      errors: ['syntax error at or near "2.5e3" @ 2.5e3'],
    },
    {
      name: 'a quoted identifier token',
      text: 'create table t ("a b" int "c d" text);',
      errors: ['syntax error at or near ""c d"" @ "c d"'],
    },
    {
      name: 'a string token',
      text: "select 1 'abc';",
      errors: ["syntax error at or near \"'abc'\" @ 'abc'"],
    },
    {
      name: 'an error at the ;',
      text: 'create table t (id int,);',
      errors: ['syntax error at or near ")" @ )'],
    },
    { name: 'the ; itself', text: 'select 1 +;', errors: ['syntax error at or near ";" @ ;'] },
    {
      name: 'at the end of input',
      text: 'create table t (id int',
      errors: ['syntax error at end of input @ '],
    },
    {
      name: 'after 2-, 3- and 4-byte characters on the same line',
      text: 'select \'é日😀𝄞\', "ü😀" ,, 1;',
      errors: ['syntax error at or near "," @ ,'],
    },
    {
      name: "a message that is not a syntax error keeps PostgreSQL's words",
      text: 'create table t (a int) partition by magic (a);',
      errors: ['unrecognized partitioning strategy "magic" @ magic'],
    },
    {
      name: 'the other statements are still parsed',
      text: 'create table a (id int);\nselect from where;\ncreate table b (id int);',
      errors: ['syntax error at or near "where" @ where'],
      statements: ['CreateStmt: create table a (id int)', 'CreateStmt: create table b (id int)'],
    },
    {
      name: 'several errors, each once',
      text: 'select 1,, 2;\nselect 1;\nselect (;\nselect 2;\ncreate tabel x ();',
      errors: [
        'syntax error at or near "," @ ,',
        'syntax error at or near ";" @ ;',
        'syntax error at or near "tabel" @ tabel',
      ],
      statements: ['SelectStmt: select 1', 'SelectStmt: select 2'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const parsed = parseSql(c.text);
      assert.deepEqual(errors(parsed), c.errors);
      if (c.statements) assert.deepEqual(statements(parsed), c.statements);
      assertWellFormed(parsed);
    });
  }

  test('the error range is exactly the token PostgreSQL names', () => {
    const texts = [
      'select * from t where a = = 1;',
      "insert into t values (1, 'x' 'y');",
      'create index on t using (a);',
      "select 'é😀' from 日本 where ;",
      'alter table t add column;',
    ];
    for (const text of texts) {
      const parsed = parseSql(text);
      assert.equal(parsed.errors.length, 1, text);
      const [e] = parsed.errors;
      const near = /at or near "(.*)"$/.exec(e.message)?.[1];
      assert.equal(text.slice(e.start, e.end), near, `${text}: ${e.message}`);
    }
  });

  test("the error maps to the editor's line and UTF-16 column after non-ASCII text", () => {
    const text = "-- 😀 ünïcødé\nselect '日本😀';\n  select 'é😀', x ,, 1;";
    const [e] = parseSql(text).errors;
    const lines = new LineIndex(text);
    assert.deepEqual(lines.position(e.start), { line: 2, character: 19 });
    assert.deepEqual(lines.position(e.end), { line: 2, character: 20 });
    assert.equal(text.split('\n')[2].slice(19, 20), ',');
  });

  test('the error knows its statement', () => {
    const text = 'select 1;\n  select from where;\nselect 2;';
    const [e] = parseSql(text).errors;
    assert.equal(text.slice(e.statementStart, e.statementEnd), 'select from where;');
  });
});

describe('parseSql: recovery', () => {
  const cases: { name: string; text: string; statements: string[]; errors: string[] }[] = [
    {
      name: 'a half-typed CREATE TABLE does not swallow the next one',
      text: 'create table a (\n  id int,\n  name te\ncreate table b (id int);\ncreate table c (id int);',
      statements: ['CreateStmt: create table b (id int)', 'CreateStmt: create table c (id int)'],
      errors: ['syntax error at end of input @ '],
    },
    {
      name: 'a half-typed statement in the middle of a file',
      text: 'create table a (id int);\nalter table a add column\ncreate index on a (id);',
      statements: ['CreateStmt: create table a (id int)', 'IndexStmt: create index on a (id)'],
      errors: ['syntax error at end of input @ '],
    },
    {
      name: 'two half-typed statements in a row',
      text: 'create table a (x\ncreate table b (y\ncreate table c (id int);',
      statements: ['CreateStmt: create table c (id int)'],
      errors: ['syntax error at end of input @ ', 'syntax error at end of input @ '],
    },
    {
      name: 'statements indented inside BEGIN … COMMIT',
      text: 'begin;\n  create table a (\n    id int,\n  create table b (id int);\ncommit;',
      statements: [
        'TransactionStmt: begin',
        'CreateStmt: create table b (id int)',
        'TransactionStmt: commit',
      ],
      errors: ['syntax error at end of input @ '],
    },
    {
      name: 'an unterminated string does not swallow the rest of the file',
      text: "create table a (x text default 'abc);\ncreate table b (id int);\ncreate table c (id int);",
      statements: ['CreateStmt: create table b (id int)', 'CreateStmt: create table c (id int)'],
      errors: ['unterminated quoted string at or near "\'abc);…" @ \'abc);'],
    },
    {
      name: 'an unterminated dollar quote does not swallow the rest of the file',
      text: 'create function f() returns int as $$ select 1;\ncreate table b (id int);',
      statements: ['CreateStmt: create table b (id int)'],
      errors: ['unterminated dollar-quoted string at or near "$$ select 1;…" @ $$ select 1;'],
    },
    {
      name: 'an unterminated block comment does not swallow the rest of the file',
      text: 'select 1;\n/* open\ncreate table b (id int);',
      statements: ['SelectStmt: select 1', 'CreateStmt: create table b (id int)'],
      errors: ['unterminated /* comment at or near "/* open…" @ /* open'],
    },
    {
      name: 'a broken MERGE is one error, not one per line',
      text: 'merge into t using s on t.id = s.id\nwhen matched then\nupdate set = 0;\nselect 1;',
      statements: ['SelectStmt: select 1'],
      errors: ['syntax error at or near "=" @ ='],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const parsed = parseSql(c.text);
      assert.deepEqual(statements(parsed), c.statements);
      assert.deepEqual(errors(parsed), c.errors);
      assertWellFormed(parsed);
    });
  }

  test('the error of a half-typed statement sits at its end, not on the next statement', () => {
    const text = 'create table a (\n  id int,\n  name te\ncreate table b (id int);';
    const [e] = parseSql(text).errors;
    assert.equal(e.start, text.indexOf('te\n') + 2);
    assert.equal(text.slice(e.statementStart, e.statementEnd), 'create table a (\n  id int,\n  name te');
  });
});

describe('parseSql: junk never throws', () => {
  const junk: { name: string; text: string }[] = [
    { name: 'NUL characters', text: '\0\0\0' },
    { name: 'NUL inside a statement', text: 'create table t (\0id int);' },
    { name: 'lone surrogates', text: "select '\uD800', \uDC00 from t;\n\uD83D" },
    { name: 'only a backslash', text: '\\' },
    { name: 'only a quote', text: "'" },
    { name: 'only a dollar', text: '$' },
    { name: 'only $$', text: '$$' },
    { name: 'deep parentheses', text: `select ${'('.repeat(5000)}1${')'.repeat(5000)};` },
    { name: 'unbalanced parentheses', text: `select ${'('.repeat(3000)};\nselect 1;` },
    { name: 'many broken lines', text: 'create x\n'.repeat(2000) },
    { name: 'many short errors', text: 'select ,;\n'.repeat(2000) + 'select 1;' },
    { name: 'control characters', text: '\x01\x02\x1b[31mcreate\x7f table\x0b\x0c t();' },
  ];
  for (const c of junk) {
    test(c.name, () => assertWellFormed(parseSql(c.text)));
  }

  test('random bytes, decoded as UTF-8', () => {
    const random = prng(42);
    for (let round = 0; round < 40; round++) {
      const bytes = Buffer.alloc(50 + Math.floor(random() * 2000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      assertWellFormed(parseSql(bytes.toString('utf8')));
    }
  });

  test('random UTF-16 code units, lone surrogates included', () => {
    const random = prng(7);
    for (let round = 0; round < 40; round++) {
      let text = '';
      for (let i = 0; i < 500; i++) text += String.fromCharCode(Math.floor(random() * 0x10000));
      assertWellFormed(parseSql(text));
    }
  });

  test('random SQL-ish tokens', () => {
    const random = prng(3);
    const words = [
      'create',
      'table',
      'select',
      '(',
      ')',
      ';',
      ',',
      "'",
      '"',
      '$$',
      '$a$',
      '/*',
      '*/',
      '--',
      '\n',
      'é',
      '😀',
      'int',
      'primary key',
      'references',
      '\\',
      '\\.',
      'copy t from stdin;',
      '::',
      ':x',
      'begin',
      'atomic',
      'end',
      "E'\\'",
      '[',
      ']',
    ];
    for (let round = 0; round < 200; round++) {
      let text = '';
      for (let i = 0; i < 60; i++) text += words[Math.floor(random() * words.length)] + ' ';
      assertWellFormed(parseSql(text));
    }
  });

  test('150 000 statements, and an unterminated string before 100 000 of them', () => {
    assert.equal(parseSql('select 1;\n'.repeat(150_000)).statements.length, 150_000);
    const parsed = parseSql(`select 'open\n${'create table t (id int);\n'.repeat(100_000)}`);
    assert.equal(parsed.statements.length, 100_000);
    assert.equal(parsed.errors.length, 1);
  });

  test('a file of 1 000 errors parses once per window, not once per error', () => {
    // Not a timing assertion: the count of statements shows every good one survived.
    const text = Array.from({ length: 1000 }, (_, i) => `select ${i};\nselect ,;`).join('\n');
    const parsed = parseSql(text);
    assert.equal(parsed.statements.length, 1000);
    assert.equal(parsed.errors.length, 1000);
  });
});

describe('doBlockStatements', () => {
  test('the statements a DO block runs, with their ranges in the file', () => {
    const text = `select 'ünï😀';
DO $body$
DECLARE n int;
BEGIN
  CREATE TABLE "😀" (id int);
  IF NOT EXISTS (SELECT 1) THEN
    ALTER TABLE "😀" ADD COLUMN é int;
  ELSIF true THEN
    DROP TABLE x;
  END IF;
  FOR n IN 1..2 LOOP
    DROP TABLE y;
  END LOOP;
  PERFORM 1;
END $body$;`;
    const parsed = parseSql(text);
    const inner = doBlockStatements(parsed, parsed.statements[1]);
    assert.deepEqual(
      inner.map((s) => [s.kind, text.slice(s.start, s.endWithTerminator)]),
      [
        ['CreateStmt', 'CREATE TABLE "😀" (id int);'],
        ['AlterTableStmt', 'ALTER TABLE "😀" ADD COLUMN é int;'],
      ],
    );
    const col = inner[1].node.AlterTableStmt.cmds[0].AlterTableCmd.def.ColumnDef;
    assert.equal(text.slice(nodeOffset(parsed, inner[1], col.location)).split(' ')[0], 'é');
  });

  test('nothing for other languages, strings in quotes, or a body that does not parse', () => {
    for (const text of [
      "DO LANGUAGE plpython3u $$ plpy.execute('create table t ()') $$;",
      "DO 'BEGIN CREATE TABLE t (); END';",
      'DO $$ BEGIN CREATE TABLE t (); IF THEN END $$;',
      'SELECT 1;',
    ]) {
      const parsed = parseSql(text);
      assert.deepEqual(doBlockStatements(parsed, parsed.statements[0]), [], text);
    }
  });
});

describe('statementTokens', () => {
  test('tokens have UTF-16 ranges, keywords in upper case, no comments', () => {
    const text = 'select \'é😀\' /* c */, x -- d\n from "日本";';
    const parsed = parseSql(text);
    const tokens = statementTokens(parsed, parsed.statements[0]);
    assert.deepEqual(
      tokens.map((t) => [text.slice(t.start, t.end), t.text, t.kind, t.isKeyword]),
      [
        ['select', 'select', 'SELECT', true],
        ["'é😀'", "'é😀'", 'SCONST', false],
        [',', ',', 'ASCII_44', false],
        ['x', 'x', 'IDENT', false],
        ['from', 'from', 'FROM', true],
        ['"日本"', '"日本"', 'IDENT', false],
      ],
    );
  });

  test('tokens are computed once per statement', () => {
    const parsed = parseSql('select 1;');
    assert.equal(
      statementTokens(parsed, parsed.statements[0]),
      statementTokens(parsed, parsed.statements[0]),
    );
  });
});
