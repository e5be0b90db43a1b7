import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isSuppressed,
  parseDirectives,
  unknownRuleDirectives,
  type Directive,
} from '../../server/src/engine/suppress';

const RULES = ['table-without-primary-key', 'foreign-key-without-index', 'prefer-identity'];

/** The lines (0-based) of `text` on which `ruleId` is suppressed. */
function suppressedLines(text: string, ruleId: string, language: 'sql' | 'prisma' = 'sql'): number[] {
  const directives = parseDirectives(text, language);
  const lines = text.split('\n').length;
  return [...Array(lines).keys()].filter((l) => isSuppressed(directives, ruleId, l));
}

test('no directives: nothing parsed, nothing suppressed', () => {
  assert.deepEqual(parseDirectives('CREATE TABLE t (id int);\n-- just a comment\n', 'sql'), []);
  assert.equal(isSuppressed([], 'prefer-identity', 0), false);
});

test('disable-next-line: one id, the next line only', () => {
  const text =
    'SELECT 1;\n-- db-expert-disable-next-line prefer-identity\nCREATE TABLE t (id serial);\nCREATE TABLE u (id serial);';
  const [d] = parseDirectives(text, 'sql');
  assert.deepEqual(d, {
    kind: 'disable-next-line',
    ruleIds: ['prefer-identity'],
    line: 1,
    start: text.indexOf('--'),
    end: text.indexOf('\nCREATE'),
  });
  assert.deepEqual(suppressedLines(text, 'prefer-identity'), [2]);
  assert.deepEqual(suppressedLines(text, 'table-without-primary-key'), []);
});

test('several ids, with commas and/or spaces, and a reason after --', () => {
  const text =
    '-- db-expert-disable-next-line prefer-identity,table-without-primary-key  foreign-key-without-index -- legacy table, see #12\nCREATE TABLE t (id serial);';
  const [d] = parseDirectives(text, 'sql');
  assert.deepEqual(d.ruleIds, ['prefer-identity', 'table-without-primary-key', 'foreign-key-without-index']);
  for (const id of d.ruleIds) assert.deepEqual(suppressedLines(text, id), [1]);
  assert.deepEqual(suppressedLines(text, 'legacy'), []);
});

test('disable-next-line without ids covers every rule', () => {
  const text = '-- db-expert-disable-next-line\nCREATE TABLE t (id serial);';
  assert.deepEqual(parseDirectives(text, 'sql')[0].ruleIds, []);
  assert.deepEqual(suppressedLines(text, 'anything'), [1]);
});

test('a trailing comment after code is a directive too', () => {
  const text = "SELECT 'a--b'; -- db-expert-disable-next-line prefer-identity\nCREATE TABLE t (id serial);";
  assert.deepEqual(suppressedLines(text, 'prefer-identity'), [1]);
});

test('disable … enable: a range of lines, per rule', () => {
  const text = [
    'CREATE TABLE a ();', // 0
    '-- db-expert-disable prefer-identity, table-without-primary-key', // 1
    'CREATE TABLE b ();', // 2
    '-- db-expert-enable table-without-primary-key', // 3
    'CREATE TABLE c ();', // 4
    '-- db-expert-enable', // 5
    'CREATE TABLE d ();', // 6
  ].join('\n');
  assert.deepEqual(
    parseDirectives(text, 'sql').map((d) => [d.kind, d.line, d.ruleIds]),
    [
      ['disable', 1, ['prefer-identity', 'table-without-primary-key']],
      ['enable', 3, ['table-without-primary-key']],
      ['enable', 5, []],
    ],
  );
  assert.deepEqual(suppressedLines(text, 'prefer-identity'), [1, 2, 3, 4]);
  assert.deepEqual(suppressedLines(text, 'table-without-primary-key'), [1, 2]);
  assert.deepEqual(suppressedLines(text, 'foreign-key-without-index'), []);
});

test('disable without ids: every rule to the end of the file; enable one rule back', () => {
  const text =
    'CREATE TABLE a ();\n-- db-expert-disable\nCREATE TABLE b ();\n-- db-expert-enable prefer-identity\nCREATE TABLE c ();';
  assert.deepEqual(suppressedLines(text, 'table-without-primary-key'), [1, 2, 3, 4]);
  assert.deepEqual(suppressedLines(text, 'prefer-identity'), [1, 2]);
});

test('block comments, one-line and multi-line, nested', () => {
  const text = [
    '/* db-expert-disable-next-line prefer-identity -- generated */', // 0
    'CREATE TABLE a (id serial);', // 1
    '/*', // 2
    '   db-expert-disable-next-line table-without-primary-key */ CREATE TABLE x ();', // 3
    'CREATE TABLE b ();', // 4
    '/* outer /* inner */ db-expert-disable prefer-identity */', // 5: not at the start of the comment
    '/*db-expert-disable foreign-key-without-index*/', // 6
  ].join('\n');
  const ds = parseDirectives(text, 'sql');
  assert.deepEqual(
    ds.map((d) => [d.kind, d.line, d.ruleIds, text.slice(d.start, d.end)]),
    [
      [
        'disable-next-line',
        0,
        ['prefer-identity'],
        '/* db-expert-disable-next-line prefer-identity -- generated */',
      ],
      [
        'disable-next-line',
        3,
        ['table-without-primary-key'],
        '/*\n   db-expert-disable-next-line table-without-primary-key */',
      ],
      ['disable', 6, ['foreign-key-without-index'], '/*db-expert-disable foreign-key-without-index*/'],
    ],
  );
  assert.deepEqual(suppressedLines(text, 'table-without-primary-key'), [4]);
});

test('Prisma: // and /// comments; -- comments mean nothing there', () => {
  const text = [
    'model User {', // 0
    '  // db-expert-disable-next-line prefer-identity -- Prisma has no identity', // 1
    '  id Int @id @default(autoincrement())', // 2
    '  /// db-expert-disable-next-line foreign-key-without-index', // 3
    '  orgId Int', // 4
    '  name String @default("// db-expert-disable table-without-primary-key")', // 5
    '  -- db-expert-disable table-without-primary-key', // 6
    '}', // 7
  ].join('\n');
  assert.deepEqual(
    parseDirectives(text, 'prisma').map((d) => [d.kind, d.line, d.ruleIds]),
    [
      ['disable-next-line', 1, ['prefer-identity']],
      ['disable-next-line', 3, ['foreign-key-without-index']],
    ],
  );
  assert.deepEqual(suppressedLines(text, 'prefer-identity', 'prisma'), [2]);
  assert.deepEqual(suppressedLines(text, 'table-without-primary-key', 'prisma'), []);
});

test('directive-looking text in strings, quoted identifiers and dollar-quoted bodies is ignored', () => {
  const text = [
    "INSERT INTO notes VALUES ('-- db-expert-disable prefer-identity');", // 0
    "INSERT INTO notes VALUES ('it''s -- db-expert-disable prefer-identity');", // 1
    "INSERT INTO notes VALUES (E'\\' -- db-expert-disable prefer-identity');", // 2
    'SELECT 1 AS "-- db-expert-disable prefer-identity";', // 3
    "INSERT INTO notes VALUES ('multi", // 4
    '-- db-expert-disable prefer-identity', // 5: inside the string that started on line 4
    "line');", // 6
    'CREATE FUNCTION f() RETURNS void AS $body$', // 7
    'BEGIN', // 8
    '  -- db-expert-disable prefer-identity', // 9
    '  PERFORM 1; /* db-expert-disable prefer-identity */', // 10
    'END', // 11
    '$body$ LANGUAGE plpgsql;', // 12
    'SELECT $$ -- db-expert-disable prefer-identity $$, $1, a$b;', // 13
    'CREATE TABLE t (id serial);', // 14
  ].join('\n');
  assert.deepEqual(parseDirectives(text, 'sql'), []);
  assert.deepEqual(suppressedLines(text, 'prefer-identity'), []);
});

test('after strings and bodies close, directives work again', () => {
  const text = [
    "SELECT 'x', E'y\\'z', \"q\"\"r\", $t$ ' $t$, a$b$c;", // 0
    '-- db-expert-disable-next-line prefer-identity', // 1
    'CREATE TABLE t (id serial);', // 2
  ].join('\n');
  assert.deepEqual(suppressedLines(text, 'prefer-identity'), [2]);
});

test('lookalikes are not directives', () => {
  const text = [
    '-- see db-expert-disable-next-line in the docs', // not at the start of the comment
    '-- db-expert-disable-line prefer-identity', // not a directive kind
    '-- db-expert-disabled prefer-identity',
    'SELECT 1;',
  ].join('\n');
  assert.deepEqual(parseDirectives(text, 'sql'), []);
});

test('CRLF line endings: the range excludes the carriage return', () => {
  const text =
    'SELECT 1;\r\n-- db-expert-disable-next-line prefer-identity\r\nCREATE TABLE t (id serial);\r\n';
  const [d] = parseDirectives(text, 'sql');
  assert.equal(text.slice(d.start, d.end), '-- db-expert-disable-next-line prefer-identity');
  assert.equal(d.line, 1);
  assert.equal(isSuppressed([d], 'prefer-identity', 2), true);
});

test('unknown rule ids are listed for reporting', () => {
  const text = [
    '-- db-expert-disable-next-line prefer-identity',
    '-- db-expert-disable-next-line prefer-identiy, table-without-primary-key',
    '-- db-expert-disable',
    '-- db-expert-enable no-such-rule',
  ].join('\n');
  const unknown: Directive[] = unknownRuleDirectives(parseDirectives(text, 'sql'), RULES);
  assert.deepEqual(
    unknown.map((d) => [d.line, d.ruleIds]),
    [
      [1, ['prefer-identiy', 'table-without-primary-key']],
      [3, ['no-such-rule']],
    ],
  );
});
