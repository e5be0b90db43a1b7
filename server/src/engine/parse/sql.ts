/**
 * The adapter over libpg-query, PostgreSQL's own parser compiled to WebAssembly: a file's text
 * becomes statements (each with its raw parse tree and its range) and syntax errors (each with
 * PostgreSQL's message and the token it points at). Byte offsets and code-point cursors are
 * turned into UTF-16 offsets here, and nowhere else.
 */
import * as pg from './pg';
import { ByteMap, partitionPoint } from '../text';
import {
  blankOut,
  commonPrefix,
  commonSuffix,
  resplit,
  splitStatements,
  statementStartCandidates,
  type BlankRegion,
  type Segment,
  type SplitResult,
} from './split';
import { libpgScan, scanSql } from './scan';

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
  loaded ??= pg.loadPg();
  return loaded;
}

/**
 * Parses a file. Never throws: a statement that does not parse becomes one error (PostgreSQL's
 * message, at the token its cursor names) and every other statement is still parsed. Statement
 * ranges are UTF-16 offsets into `text`; psql meta-commands, COPY data and psql variables' colons
 * are blanked out of `sqlText` (same offsets), which is what the parser sees.
 */
export function parseSql(text: string): ParsedSql {
  const { result, segments } = emptyParse(text);
  if (segments.length === 0) return result;

  // Fast path: the whole file in one call; on an error, recovery (see `parseRun`).
  parseRun(result, segments);
  return result;
}

/** The splitter's segments of a parse (what a reparse of its next version compares with). */
const segmentsOf = new WeakMap<ParsedSql, Segment[]>();

/** How the parse's text splits into statements (what psql sends one by one), with their `;`. */
export function segmentsOfParse(parsed: ParsedSql): readonly Segment[] {
  let segments = segmentsOf.get(parsed);
  if (!segments) segmentsOf.set(parsed, (segments = splitStatements(parsed.text).segments));
  return segments;
}

/** A file split into segments (given, or split here), with the text the parser sees, and no statement parsed yet. */
function emptyParse(
  text: string,
  split: SplitResult = splitStatements(text),
): { result: ParsedSql; segments: Segment[] } {
  const { blanks, segments } = split;
  const sqlText = wellFormed(blankOut(text, blanks));
  const result: ParsedSql = {
    text,
    sqlText,
    byteMap: new ByteMap(sqlText),
    statements: [],
    errors: [],
    blanks,
  };
  segmentsOf.set(result, segments);
  return { result, segments };
}

/**
 * Parses `text`, a new version of the file whose parse is `previous`, giving what `parseSql(text)`
 * gives, but only the statements whose text changed go to the parser: a segment (the text up to a
 * terminator) that the edit left alone keeps the statements parsed from it, moved by the length the
 * edit added or removed before it. A keystroke in a 10,000-line file parses one statement, not the
 * file. Statements before the edit are the previous parse's own objects (with the tokens cached for
 * them); later ones are copies at their new offsets that share the parse tree. A segment with a
 * syntax error is always parsed again, as are the segments around the edit.
 */
export function reparseSql(text: string, previous: ParsedSql): ParsedSql {
  if (text === previous.text) return previous;
  const old = segmentsOf.get(previous) ?? splitStatements(previous.text).segments;
  const { result, segments } = emptyParse(
    text,
    resplit(text, previous.text, { segments: old, blanks: previous.blanks }),
  );
  const { sqlText, byteMap } = result;
  if (segments.length === 0) return result;

  const before = previous.sqlText;
  const prefix = commonPrefix(before, sqlText);
  const suffix = commonSuffix(before, sqlText, Math.min(before.length, sqlText.length) - prefix);
  const delta = sqlText.length - before.length;
  // Segments of the previous parse with a syntax error: their recovery looks beyond them.
  const broken = new Set<number>();
  for (const e of previous.errors) {
    broken.add(segmentIndexAt(old, e.statementStart, 0));
    broken.add(segmentIndexAt(old, e.start, 0));
  }
  /** The previous parse's statements of its segment [start, end, semicolon], if it parsed cleanly. */
  const statementsOf = (start: number, end: number, semicolon: number): SqlStatement[] | undefined => {
    const i = segmentIndexAt(old, start, 0);
    const seg = old[i];
    if (seg.start !== start || seg.end !== end || seg.semicolon !== semicolon || broken.has(i))
      return undefined;
    const stmts = previous.statements;
    let k = firstStatementFrom(stmts, start);
    const out: SqlStatement[] = [];
    for (; k < stmts.length && stmts[k].start <= semicolon; k++) out.push(stmts[k]);
    return out;
  };

  let run: Segment[] = [];
  for (const seg of segments) {
    let reused: SqlStatement[] | undefined;
    // Only a segment with its own `;`: a statement's terminator is looked for after its end.
    if (seg.semicolon >= 0 && seg.semicolon < prefix) {
      reused = statementsOf(seg.start, seg.end, seg.semicolon);
    } else if (seg.semicolon >= 0 && seg.start >= sqlText.length - suffix) {
      const moved = statementsOf(seg.start - delta, seg.end - delta, seg.semicolon - delta);
      const byteDelta = moved ? byteMap.toByte(seg.start) - previous.byteMap.toByte(seg.start - delta) : 0;
      // The same offsets (a replacement of as many characters and bytes): the same objects.
      if (moved && delta === 0 && byteDelta === 0) reused = moved;
      else if (moved) {
        // Written out in the order `statementsIn` writes them: one object shape for every
        // statement, so that the code that reads them stays monomorphic after an edit.
        reused = moved.map((s): SqlStatement => ({
          node: s.node,
          kind: s.kind,
          start: s.start + delta,
          end: s.end + delta,
          endWithTerminator: s.endWithTerminator + delta,
          byteBase: s.byteBase + byteDelta,
        }));
      }
    }
    if (!reused) {
      run.push(seg);
      continue;
    }
    if (run.length > 0) parseRun(result, run);
    run = [];
    for (const s of reused) result.statements.push(s);
  }
  if (run.length > 0) parseRun(result, run);
  return result;
}

/** Index of the first statement that starts at or after `offset`. */
function firstStatementFrom(stmts: readonly SqlStatement[], offset: number): number {
  return partitionPoint(stmts, (s) => s.start < offset);
}

/**
 * Parses consecutive segments: all in one call when they parse. On an error, everything before the
 * failing segment is parsed in one piece, the failing segment is recovered alone, and the rest goes
 * on in windows that start small and grow while they parse, so that a file full of errors does not
 * hand the parser the whole rest of the file once per error.
 */
function parseRun(result: ParsedSql, run: Segment[]): void {
  let segments = run;
  let first = 0;
  let window = segments.length;
  while (first < segments.length) {
    const last = Math.min(segments.length, first + window);
    const from = segments[first].start;
    try {
      parseChunk(result, from, segmentEnd(segments[last - 1]));
      first = last;
      window *= 2;
      continue;
    } catch (e) {
      const errorAt = errorOffset(e, from, result.sqlText);
      const k = errorAt === undefined ? first : Math.min(last - 1, segmentIndexAt(segments, errorAt, first));
      if (k > first) parseSegments(result, segments, first, k);
      const rest = recoverSegment(result, segments[k]);
      if (rest.length > 0) segments = [...segments.slice(0, k + 1), ...rest, ...segments.slice(k + 1)];
      first = k + 1;
      window = 8;
    }
  }
}

/**
 * What the parser is given: NUL would end the text for the C parser and a lone surrogate has no
 * UTF-8 form; both become one other UTF-16 unit, so every offset stays put.
 */
function wellFormed(text: string): string {
  let out = text.indexOf('\0') === -1 ? text : text.replace(/\0/g, ' ');
  if (LONE_SURROGATE.test(out)) out = out.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function segmentEnd(s: Segment): number {
  return s.semicolon >= 0 ? s.semicolon + 1 : s.end;
}

/** Segments `[first, last)`, known to parse up to the next error: in one call, else one by one. */
function parseSegments(result: ParsedSql, segments: Segment[], first: number, last: number): void {
  try {
    parseChunk(result, segments[first].start, segmentEnd(segments[last - 1]));
  } catch {
    for (let k = first; k < last; k++) recoverSegment(result, segments[k]);
  }
}

/** Parses `sqlText[from, to)` in one call; throws the parser's error. */
function parseChunk(result: ParsedSql, from: number, to: number): void {
  // One by one: spreading a dump's 100 000 statements into push() would overflow the stack.
  const stmts = statementsIn(result, from, to);
  for (let i = 0; i < stmts.length; i++) result.statements.push(stmts[i]);
}

/** The statements of `sqlText[from, to)`, parsed in one call; throws the parser's error. */
function statementsIn(result: ParsedSql, from: number, to: number): SqlStatement[] {
  const chunk = result.sqlText.slice(from, to);
  if (chunk.trim() === '') return [];
  const byteBase = result.byteMap.toByte(from);
  const tree = pg.parseSync(chunk);
  const chunkEnd = result.byteMap.toByte(to);
  const out: SqlStatement[] = [];
  for (const raw of tree.stmts ?? []) {
    const locByte = byteBase + (raw.stmt_location ?? 0);
    const endByte = raw.stmt_len ? locByte + raw.stmt_len : chunkEnd;
    let start = result.byteMap.toUtf16(locByte);
    let end = result.byteMap.toUtf16(endByte);
    start = skipSpaceAndComments(result.sqlText, start, end);
    end = trimEnd(result.sqlText, start, end);
    const node = raw.stmt as PgNode;
    out.push({
      node,
      kind: firstKey(node),
      start,
      end,
      endWithTerminator: terminatorEnd(result.sqlText, end),
      byteBase,
    });
  }
  return out;
}

/**
 * The SQL statements a DO block runs, from PostgreSQL's own PL/pgSQL parser, each with its range in
 * the file like a top-level statement: those of its body and of the THEN branch of its IFs
 * (idempotent migrations guard their DDL with `IF NOT EXISTS (…) THEN`), not those of loops, ELSE
 * branches or exception handlers, nor a dynamic EXECUTE. Empty when the block is not PL/pgSQL, is
 * not dollar-quoted, or does not parse.
 */
export function doBlockStatements(parsed: ParsedSql, stmt: SqlStatement): SqlStatement[] {
  const args: PgNode[] = (stmt.node.DoStmt?.args ?? []).map((a: PgNode) => a.DefElem).filter(Boolean);
  const language = args.find((a) => a.defname === 'language')?.arg?.String?.sval as string | undefined;
  const as = args.find((a) => a.defname === 'as');
  const body = as?.arg?.String?.sval as string | undefined;
  if (!as || body === undefined || (language !== undefined && language.toLowerCase() !== 'plpgsql'))
    return [];
  const text = parsed.sqlText;
  const quoteAt = nodeOffset(parsed, stmt, as.location);
  const tag = /^\$(?:[\p{L}_][\p{L}\p{N}_]*)?\$/u.exec(text.slice(quoteAt, quoteAt + 64))?.[0];
  const bodyStart = quoteAt + (tag?.length ?? 0);
  if (!tag || !text.startsWith(body, bodyStart)) return [];
  const queries: string[] = [];
  const walk = (stmts: PgNode[] | undefined): void => {
    for (const s of stmts ?? []) {
      if (s.PLpgSQL_stmt_execsql) queries.push(s.PLpgSQL_stmt_execsql.sqlstmt?.PLpgSQL_expr?.query ?? '');
      else if (s.PLpgSQL_stmt_block) walk(s.PLpgSQL_stmt_block.body);
      else if (s.PLpgSQL_stmt_if) walk(s.PLpgSQL_stmt_if.then_body);
    }
  };
  try {
    const tree = pg.parsePlPgSQLSync(text.slice(stmt.start, stmt.end)) as PgNode;
    for (const f of tree.plpgsql_funcs ?? []) walk([f.PLpgSQL_function?.action]);
  } catch {
    return [];
  }
  const out: SqlStatement[] = [];
  let cursor = bodyStart;
  for (const query of queries) {
    // The PL/pgSQL parser hands each statement back as it is written in the body.
    const at = query === '' ? -1 : text.indexOf(query, cursor);
    if (at === -1 || at + query.length > bodyStart + body.length) continue;
    cursor = at + query.length;
    try {
      for (const inner of statementsIn(parsed, at, cursor)) out.push(inner);
    } catch {
      // Not SQL the parser knows on its own (a PL/pgSQL-only form): skipped.
    }
  }
  return out;
}

/**
 * A segment that does not parse. If a line inside it starts a new statement, the segment was
 * probably a half-typed statement followed by a good one: split there and parse both halves, so
 * the error stays with the half-typed one. Iterative, so that a long run of broken lines cannot
 * exhaust the stack.
 *
 * A literal or comment left open runs to the end of the file, and the splitter saw everything after
 * it as its text: the statements after the next line that starts one are split again and returned,
 * for the caller to parse as segments of their own.
 */
function recoverSegment(result: ParsedSql, segment: Segment): Segment[] {
  const text = result.sqlText;
  const work = [{ from: segment.start, to: segment.end, semicolon: segment.semicolon }];
  for (let piece = work.pop(); piece; piece = work.pop()) {
    const from = skipSpaceAndComments(text, piece.from, piece.to);
    let to = piece.to;
    if (from >= to) continue;
    let error: unknown;
    // With its `;`, so that an error there reads `at or near ";"` as PostgreSQL would say it.
    try {
      parseChunk(result, from, piece.semicolon >= 0 ? piece.semicolon + 1 : to);
      continue;
    } catch (e) {
      error = e;
    }
    const message = shortMessage(error instanceof Error ? error.message : String(error));
    const errorAt = errorOffset(error, from, text) ?? from;
    let rest: Segment[] = [];
    if (message.startsWith('unterminated') && work.length === 0) {
      const nl = text.indexOf('\n', errorAt);
      const next = nl === -1 || nl >= to ? undefined : statementStartCandidates(text, nl, to)[0];
      if (next !== undefined) {
        rest = splitStatements(text, next, to).segments;
        if (rest.length > 0) rest[rest.length - 1].semicolon = piece.semicolon;
        to = next;
      }
    }
    const candidates = rest.length > 0 ? [] : statementStartCandidates(text, from + 1, to);
    if (candidates.length > 0) {
      const before = candidates.filter((c) => c <= errorAt);
      const split = before.length > 0 ? before[before.length - 1] : candidates.find((c) => c > errorAt)!;
      if (split > from && startsStatement(text, split, to, candidates)) {
        // Stack order: the first half is handled first, so statements stay in file order.
        work.push({ from: split, to, semicolon: piece.semicolon }, { from, to: split, semicolon: -1 });
        continue;
      }
    }
    const end = trimEnd(text, from, to);
    const limit = rest.length === 0 && piece.semicolon >= 0 ? piece.semicolon + 1 : end;
    const at = Math.max(from, Math.min(errorAt, limit));
    result.errors.push({
      message,
      start: at,
      end: errorTokenEnd(result, at, limit),
      statementStart: from,
      statementEnd: rest.length === 0 && piece.semicolon >= 0 ? piece.semicolon + 1 : end,
    });
    if (rest.length > 0) return rest;
  }
  return [];
}

/**
 * True when a statement really starts at `split`: the text from there parses, or fails only at the
 * next place a statement could start (another half-typed one). `UPDATE SET …` on its own line inside
 * a broken MERGE fails right away, and splitting there would report two errors for one.
 */
function startsStatement(text: string, split: number, to: number, candidates: number[]): boolean {
  const next = candidates.find((c) => c > split) ?? to;
  try {
    pg.parseSync(text.slice(split, to));
    return true;
  } catch (e) {
    const at = errorOffset(e, split, text);
    return at !== undefined && at >= trimEnd(text, split, next);
  }
}

/**
 * PostgreSQL quotes the rest of the input after "unterminated … at or near": for a literal left
 * open, that is the rest of the file. The quote is cut at its first line.
 */
function shortMessage(message: string): string {
  const m = /^(.* at or near ")([^\n]*)\n[\s\S]*"$/.exec(message);
  return m ? `${m[1]}${m[2]}…"` : message;
}

/** The parser's cursor as a UTF-16 offset in the file, for a chunk that started at `from`. */
function errorOffset(e: unknown, from: number, text: string): number | undefined {
  if (!(e instanceof Error) || !('sqlDetails' in e)) return undefined;
  const details = (e as pg.PgSqlError).sqlDetails;
  if (!details) return undefined;
  // The cursor counts characters (code points) from the start of the chunk, 0-based.
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

/** Index of the segment that holds `offset` (the last one when past the end), from `first` on. */
function segmentIndexAt(segments: Segment[], offset: number, first: number): number {
  return partitionPoint(
    segments,
    (s) => segmentEnd(s) <= offset,
    first,
    Math.max(first, segments.length - 1),
  );
}

/** Skips whitespace and comments (PostgreSQL's statement locations can start before either). */
function skipSpaceAndComments(text: string, from: number, to: number): number {
  for (;;) {
    while (from < to && isSpace(text.charCodeAt(from))) from++;
    if (text.startsWith('--', from) && from + 1 < to) {
      const nl = text.indexOf('\n', from);
      from = nl === -1 || nl > to ? to : nl;
    } else if (text.startsWith('/*', from) && from + 1 < to) {
      const end = blockCommentEnd(text, from, to);
      // An unterminated comment is the parser's to report.
      if (end >= to && !text.startsWith('*/', to - 2)) return from;
      from = end;
    } else return from;
  }
}

function blockCommentEnd(text: string, i: number, to: number): number {
  let nesting = 0;
  while (i < to) {
    if (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 42) {
      nesting++;
      i += 2;
    } else if (text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47) {
      nesting--;
      i += 2;
      if (nesting === 0) return i;
    } else i++;
  }
  return to;
}

/** The end of a statement's text without the whitespace and comments that trail it. */
function trimEnd(text: string, from: number, to: number): number {
  while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
  // Only a statement whose last line holds `--`, or that ends in `*/`, can end in a comment.
  const lastLine = text.lastIndexOf('\n', to - 1);
  const mayEndInComment = hasDashes(text, Math.max(from, lastLine + 1), to) || text.startsWith('*/', to - 2);
  return mayEndInComment ? codeEnd(text, from, to) : to;
}

/** True when `--` occurs in `text[from, to)`. */
function hasDashes(text: string, from: number, to: number): boolean {
  for (let i = from; i + 1 < to; i++) {
    if (text.charCodeAt(i) === 45 && text.charCodeAt(i + 1) === 45) return true;
  }
  return false;
}

/** The first key of a node (`Object.keys(node)[0]`, without the array). */
function firstKey(node: PgNode): string {
  for (const k in node) return k;
  return Object.keys(node)[0];
}

/** The end of the last token in `[from, to)` that is not a comment (literals are skipped whole). */
function codeEnd(text: string, from: number, to: number): number {
  let end = from;
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 || nl > to ? to : nl;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      i = blockCommentEnd(text, i, to);
      continue;
    }
    if (c === 39 || c === 34) {
      const escaped = c === 39 && (text.charCodeAt(i - 1) | 32) === 101;
      i = quotedEnd(text, i, to, c, escaped);
    } else if (c === 36 && !/[\p{L}\p{N}_$]/u.test(text[i - 1] ?? '')) {
      const tag = /^\$(?:[\p{L}_][\p{L}\p{N}_]*)?\$/u.exec(text.slice(i, i + 64))?.[0];
      if (tag) {
        const close = text.indexOf(tag, i + tag.length);
        i = close === -1 || close + tag.length > to ? to : close + tag.length;
      } else i++;
    } else i++;
    end = i;
  }
  return Math.min(end, to);
}

function quotedEnd(text: string, i: number, to: number, quote: number, backslashEscapes: boolean): number {
  i++;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (backslashEscapes && c === 92) i += 2;
    else if (c === quote && text.charCodeAt(i + 1) === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return to;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

/** Offset just past the `;` that ends a statement ending at `end`, if the `;` follows directly. */
function terminatorEnd(text: string, end: number): number {
  const i = skipSpaceAndComments(text, end, text.length);
  return text.charCodeAt(i) === 59 ? i + 1 : end;
}

/**
 * End of the token the parser's cursor points at, from the scanner itself (a keyword, a number, an
 * operator such as `::`, a literal); an unterminated literal is cut at its first line.
 */
function errorTokenEnd(result: ParsedSql, at: number, limit: number): number {
  if (at >= limit) return at;
  const rest = result.sqlText.slice(at, Math.min(limit, at + 4096));
  let end: number | undefined;
  try {
    const first = pg.scanSync(rest).tokens[0];
    if (first && first.start === 0) {
      end = at + new ByteMap(rest).toUtf16(first.end);
    }
  } catch {
    // An unterminated literal or comment does not scan: fall back to the text.
  }
  if (end === undefined) {
    const m =
      /^(?:"(?:[^"]|"")*"?|'(?:[^']|'')*'?|\$(?:[\p{L}_][\p{L}\p{N}_]*)?\$[\s\S]*|\/\*[\s\S]*|[\p{L}\p{N}_$]+|\S)/u.exec(
        rest,
      );
    end = at + (m ? m[0].length : 0);
  }
  const nl = result.sqlText.indexOf('\n', at);
  return nl !== -1 && nl < end ? nl : Math.min(end, limit);
}

const tokenCache = new WeakMap<SqlStatement, ScanToken[]>();

/**
 * How many statements the scanner has read (cache misses of `statementTokens`). Building the model
 * must not move it: ranges are found in the tokens only when a finding reads them.
 */
export const scannerStats = { statements: 0 };

/**
 * The scanner's tokens of one statement (comments excluded), with UTF-16 ranges in the file. Used
 * where a finding needs the exact end of a column, a constraint or a clause; cached per statement.
 * `scanSql` (PostgreSQL's scanner in TypeScript) reads them; libpg-query's `scanSync` only where it
 * is not sure to agree (a statement it cannot scan, an escape PostgreSQL may reject).
 */
export function statementTokens(parsed: ParsedSql, stmt: SqlStatement): ScanToken[] {
  const cached = tokenCache.get(stmt);
  if (cached) return cached;
  scannerStats.statements++;
  const tokens = scanSql(parsed.sqlText, stmt.start, stmt.end) ?? libpgTokens(parsed, stmt);
  tokenCache.set(stmt, tokens);
  return tokens;
}

/** The tokens of a statement when `statementTokens` has read them already (else undefined). */
export function cachedStatementTokens(stmt: SqlStatement): ScanToken[] | undefined {
  return tokenCache.get(stmt);
}

/** The tokens of one statement from libpg-query's scanner (empty when it cannot scan it). */
export function libpgTokens(parsed: ParsedSql, stmt: SqlStatement): ScanToken[] {
  try {
    return libpgScan(parsed.sqlText.slice(stmt.start, stmt.end), stmt.start);
  } catch {
    return [];
  }
}

/** Turns a node's byte `location` (relative to its statement's parse) into a file offset. */
export function nodeOffset(parsed: ParsedSql, stmt: SqlStatement, location: number | undefined): number {
  if (location === undefined || location < 0) return stmt.start;
  return parsed.byteMap.toUtf16(stmt.byteBase + location);
}
