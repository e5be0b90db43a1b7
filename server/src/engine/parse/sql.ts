/**
 * The adapter over libpg-query, PostgreSQL's own parser compiled to WebAssembly: a file's text
 * becomes statements (each with its raw parse tree and its range) and syntax errors (each with
 * PostgreSQL's message and the token it points at). Byte offsets and code-point cursors are
 * turned into UTF-16 offsets here, and nowhere else.
 */
import * as pg from 'libpg-query';
import { ByteMap } from '../text';
import { blankOut, splitStatements, statementStartCandidates, type BlankRegion, type Segment } from './split';

/** A raw parse-tree node as libpg-query returns it: `{ NodeType: { …fields } }`. */
export type PgNode = Record<string, any>;

export interface SqlStatement {
  /** The statement's node, e.g. `{ CreateStmt: {...} }`. */
  node: PgNode;
  /** Node type, e.g. `CreateStmt`. */
  kind: string;
  /** UTF-16 range of the statement's text, without the terminating `;`. */
  start: number;
  end: number;
  /** Offset just past the terminating `;` (or `end` when there is none). */
  endWithTerminator: number;
  /** Byte offset of the text the parser was given, to turn the node's `location`s into offsets. */
  byteBase: number;
}

export interface SqlSyntaxError {
  /** PostgreSQL's own message, e.g. `syntax error at or near ","`. */
  message: string;
  /** Range of the offending token (empty at the end of input). */
  start: number;
  end: number;
  /** The statement the error belongs to. */
  statementStart: number;
  statementEnd: number;
}

export interface ScanToken {
  /** UTF-16 range in the file. */
  start: number;
  end: number;
  text: string;
  /** libpg-query's token name (IDENT, SCONST, ASCII_44 …) or, for keywords, the keyword in upper case. */
  kind: string;
  isKeyword: boolean;
}

export interface ParsedSql {
  text: string;
  /** The text with psql meta-commands and COPY data blanked out (same offsets). */
  sqlText: string;
  byteMap: ByteMap;
  statements: SqlStatement[];
  errors: SqlSyntaxError[];
  blanks: BlankRegion[];
}

let loaded: Promise<void> | undefined;
/** Loads the WebAssembly parser once; every other function here needs it to have resolved. */
export function loadSqlParser(): Promise<void> {
  loaded ??= pg.loadModule();
  return loaded;
}

export function parseSql(text: string): ParsedSql {
  const { segments, blanks } = splitStatements(text);
  const sqlText = blankOut(text, blanks);
  const byteMap = new ByteMap(sqlText);
  const result: ParsedSql = { text, sqlText, byteMap, statements: [], errors: [], blanks };
  if (segments.length === 0) return result;

  // Fast path: the whole file in one call. On the first error, everything before the failing
  // segment is parsed in one piece, the failing segment is recovered alone, and the rest goes on.
  let first = 0;
  while (first < segments.length) {
    const from = segments[first].start;
    try {
      parseChunk(result, from, sqlText.length);
      return result;
    } catch (e) {
      const errorAt = errorOffset(e, from, sqlText);
      if (errorAt === undefined) throw e;
      const k = segmentIndexAt(segments, errorAt, first);
      if (k > first) parseChunk(result, segments[first].start, segmentEnd(segments[k - 1]));
      recoverSegment(result, segments[k].start, segments[k].end, segments[k].semicolon);
      first = k + 1;
    }
  }
  return result;
}

function segmentEnd(s: Segment): number {
  return s.semicolon >= 0 ? s.semicolon + 1 : s.end;
}

/** Parses `sqlText[from, to)` in one call; throws the parser's error. */
function parseChunk(result: ParsedSql, from: number, to: number): void {
  const chunk = result.sqlText.slice(from, to);
  if (chunk.trim() === '') return;
  const byteBase = result.byteMap.toByte(from);
  const tree = pg.parseSync(chunk);
  const chunkBytes = Buffer.byteLength(chunk);
  for (const raw of tree.stmts ?? []) {
    const locByte = byteBase + (raw.stmt_location ?? 0);
    const endByte = raw.stmt_len ? locByte + raw.stmt_len : byteBase + chunkBytes;
    let start = result.byteMap.toUtf16(locByte);
    let end = result.byteMap.toUtf16(endByte);
    start = skipSpace(result.sqlText, start, end);
    end = trimEnd(result.sqlText, start, end);
    const node = raw.stmt as PgNode;
    result.statements.push({
      node,
      kind: Object.keys(node)[0],
      start,
      end,
      endWithTerminator: terminatorEnd(result.sqlText, end),
      byteBase,
    });
  }
}

/**
 * A segment that does not parse. If an unindented line inside it starts a new statement, the
 * segment was probably a half-typed statement followed by a good one: split there and parse both
 * halves, so the error stays with the half-typed one.
 */
function recoverSegment(result: ParsedSql, from: number, to: number, semicolon: number): void {
  from = skipSpace(result.sqlText, from, to);
  if (from >= to) return;
  let error: unknown;
  try {
    parseChunk(result, from, to);
    return;
  } catch (e) {
    error = e;
  }
  const errorAt = errorOffset(error, from, result.sqlText) ?? from;
  const candidates = statementStartCandidates(result.sqlText, from + 1, to);
  if (candidates.length > 0) {
    const before = candidates.filter((c) => c <= errorAt);
    const split = before.length > 0 ? before[before.length - 1] : candidates.find((c) => c > errorAt)!;
    if (split > from) {
      recoverSegment(result, from, split, -1);
      recoverSegment(result, split, to, semicolon);
      return;
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  const end = trimEnd(result.sqlText, from, to);
  const tokenEnd = tokenEndAt(result.sqlText, Math.min(errorAt, end), end);
  result.errors.push({
    message,
    start: Math.min(errorAt, end),
    end: tokenEnd,
    statementStart: from,
    statementEnd: semicolon >= 0 ? semicolon + 1 : end,
  });
}

/** The parser's cursor as a UTF-16 offset in the file, for a chunk that started at `from`. */
function errorOffset(e: unknown, from: number, text: string): number | undefined {
  if (!(e instanceof Error) || !('sqlDetails' in e)) return undefined;
  const details = (e as pg.SqlError).sqlDetails;
  if (!details) return undefined;
  // The cursor counts characters (code points) from the start of the chunk.
  return from + codePointsToUnits(text, from, details.cursorPosition ?? 0);
}

/** Advances `cp` code points from `from`, returning the number of UTF-16 units covered. */
function codePointsToUnits(text: string, from: number, cp: number): number {
  let i = from;
  let n = 0;
  while (n < cp && i < text.length) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
    n++;
  }
  return i - from;
}

function segmentIndexAt(segments: Segment[], offset: number, first: number): number {
  for (let k = first; k < segments.length; k++) {
    const s = segments[k];
    if (offset < segmentEnd(s)) return k;
  }
  return segments.length - 1;
}

function skipSpace(text: string, from: number, to: number): number {
  while (from < to && isSpace(text.charCodeAt(from))) from++;
  return from;
}

function trimEnd(text: string, from: number, to: number): number {
  while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
  return to;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

/** Offset just past the `;` that ends a statement ending at `end`, if the `;` follows directly. */
function terminatorEnd(text: string, end: number): number {
  let i = end;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === 59 ? i + 1 : end;
}

/** End of the token that starts at `at` (a word, a quoted literal, or one character). */
function tokenEndAt(text: string, at: number, limit: number): number {
  if (at >= limit) return at;
  const rest = text.slice(at, Math.min(limit, at + 4096));
  const m = /^(?:"(?:[^"]|"")*"?|'(?:[^']|'')*'?|\$\$|[\p{L}\p{N}_$]+|\S)/u.exec(rest);
  if (!m) return at;
  // An unterminated literal runs to the end: point at its first line only.
  const nl = m[0].indexOf('\n');
  return at + (nl === -1 ? m[0].length : nl);
}

const tokenCache = new WeakMap<SqlStatement, ScanToken[]>();

/**
 * The scanner's tokens of one statement (comments excluded), with UTF-16 ranges in the file. Used
 * where a finding needs the exact end of a column, a constraint or a clause; cached per statement.
 */
export function statementTokens(parsed: ParsedSql, stmt: SqlStatement): ScanToken[] {
  const cached = tokenCache.get(stmt);
  if (cached) return cached;
  const text = parsed.sqlText.slice(stmt.start, stmt.end);
  const base = parsed.byteMap.toByte(stmt.start);
  let tokens: ScanToken[] = [];
  try {
    tokens = pg
      .scanSync(text)
      .tokens.filter((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT')
      .map((t) => ({
        start: parsed.byteMap.toUtf16(base + t.start),
        end: parsed.byteMap.toUtf16(base + t.end),
        text: t.text,
        kind: t.keywordKind > 0 ? t.text.toUpperCase() : t.tokenName,
        isKeyword: t.keywordKind > 0,
      }));
  } catch {
    tokens = [];
  }
  tokenCache.set(stmt, tokens);
  return tokens;
}

/** Turns a node's byte `location` (relative to its statement's parse) into a file offset. */
export function nodeOffset(parsed: ParsedSql, stmt: SqlStatement, location: number | undefined): number {
  if (location === undefined || location < 0) return stmt.start;
  return parsed.byteMap.toUtf16(stmt.byteBase + location);
}
