/**
 * The ranges of `StatementText` (a column definition, a constraint, a type) are read from the
 * scanner's tokens. When the statement's tokens have not been read yet they are scanned from the
 * range's start only as far as needed: that must give exactly what the statement's whole token
 * list gives, at every token of every CREATE TABLE, ALTER TABLE and CREATE INDEX of the corpus.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { StatementText } from '../../server/src/engine/model/ranges';
import {
  cachedStatementTokens,
  loadSqlParser,
  parseSql,
  statementTokens,
  type ParsedSql,
  type SqlStatement,
} from '../../server/src/engine/parse/sql';
import { CORPUS, sqlFilesUnder } from '../support/corpus';

before(async () => {
  await loadSqlParser();
});

/** Each range of `offset`, from statements whose tokens were never read, and from the tokens. */
function both(parsed: ParsedSql, stmt: SqlStatement, offset: number) {
  // Copies of the statement: nothing is cached for them.
  const fresh = () => new StatementText('f.sql', parsed, { ...stmt });
  const streamed = [fresh().elementRange(offset), fresh().typeRange(offset), fresh().constraintRange(offset)];
  statementTokens(parsed, stmt);
  const warm = new StatementText('f.sql', parsed, stmt);
  const listed = [warm.elementRange(offset), warm.typeRange(offset), warm.constraintRange(offset)];
  return { streamed, listed };
}

describe('StatementText ranges', () => {
  test('scanned from the offset, or read from the statement tokens: the same', () => {
    const text =
      'CREATE TABLE t (\n  id bigint NOT NULL PRIMARY KEY,\n  a numeric(12, 2)[] DEFAULT 0 CHECK (a >= 0),\n' +
      "  b text CONSTRAINT b_ok CHECK (b <> '') NOT NULL,\n  c int REFERENCES u ON DELETE SET NULL NOT DEFERRABLE,\n" +
      '  "é" varchar(3) COLLATE "C" /* x */ UNIQUE NULLS NOT DISTINCT\n);';
    const parsed = parseSql(text);
    const stmt = parsed.statements[0];
    for (const token of statementTokens(parsed, stmt)) {
      const { streamed, listed } = both(parsed, stmt, token.start);
      assert.deepEqual(streamed, listed, text.slice(token.start, token.start + 20));
    }
    const st = new StatementText('f.sql', parsed, { ...stmt });
    const at = text.indexOf('a numeric');
    assert.equal(text.slice(at, st.elementRange(at).end), 'a numeric(12, 2)[] DEFAULT 0 CHECK (a >= 0)');
    assert.equal(text.slice(at + 2, st.typeRange(at + 2).end), 'numeric(12, 2)[]');
    const not = text.indexOf('CONSTRAINT b_ok');
    assert.equal(text.slice(not, st.constraintRange(not).end), "CONSTRAINT b_ok CHECK (b <> '')");
  });

  test('the tokens are not read for a range', () => {
    const parsed = parseSql('CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL);');
    const stmt = parsed.statements[0];
    const st = new StatementText('f.sql', parsed, stmt);
    const at = parsed.text.indexOf('name');
    assert.equal(parsed.text.slice(at, st.elementRange(at).end), 'name text NOT NULL');
    assert.equal(cachedStatementTokens(stmt), undefined);
  });

  test('every token of the corpus', () => {
    let offsets = 0;
    for (const file of sqlFilesUnder(CORPUS)) {
      const parsed = parseSql(readFileSync(file, 'utf8'));
      for (const stmt of parsed.statements) {
        if (!['CreateStmt', 'AlterTableStmt', 'IndexStmt'].includes(stmt.kind)) continue;
        const tokens = statementTokens(parsed, stmt);
        if (tokens.length > 400) continue;
        for (const token of tokens) {
          const { streamed, listed } = both(parsed, stmt, token.start);
          assert.deepEqual(streamed, listed, `${file} @${token.start}`);
          offsets++;
        }
      }
    }
    assert.ok(offsets > 50000, String(offsets));
  });
});
