/**
 * A psql-compatible splitter: finds where each statement of a script ends, and the regions that
 * are not SQL at all (psql meta-commands such as `\connect`, and the data lines of
 * `COPY … FROM stdin`), the way psql itself reads a file before it sends statements to the server.
 *
 * It knows only what psql's own lexer knows: comments (nested block comments too), standard and
 * escape string literals, quoted identifiers, dollar quoting, parentheses and `BEGIN ATOMIC … END`
 * bodies. The real parser then parses what this splitter hands it.
 */

import { partitionPoint } from '../text';

export interface Segment {
  /** UTF-16 offset of the segment's first character (right after the previous terminator). */
  start: number;
  /** UTF-16 offset just past its last character, before the terminating `;` if any. */
  end: number;
  /** Offset of the terminating `;`, or -1 when the segment ends the file or a meta-command ends it. */
  semicolon: number;
}

export interface BlankRegion {
  start: number;
  end: number;
  /** `psql-variable` is the `:` of a psql variable (`:'name'`, `:"name"`, `:name` after `\set name`). */
  kind: 'meta-command' | 'copy-data' | 'psql-variable';
}

export interface SplitResult {
  segments: Segment[];
  blanks: BlankRegion[];
}

/**
 * How far past a statement's `;` the splitter may have read to decide where that statement ends
 * (it looks at most 23 characters ahead, for a line that can only start a new statement).
 */
const LOOKAHEAD = 64;

const enum Ch {
  Newline = 10,
  Colon = 58,
  BracketOpen = 91,
  BracketClose = 93,
  Dollar = 36,
  Quote = 39,
  DoubleQuote = 34,
  ParenOpen = 40,
  ParenClose = 41,
  Star = 42,
  Minus = 45,
  Slash = 47,
  Semicolon = 59,
  Backslash = 92,
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}
function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === Ch.Dollar;
}

const LIKELY_NEW_STATEMENT = /^(?:(?:create|alter|drop|grant|revoke|truncate|copy)\s+[a-z]|comment\s+on\s)/i;
const COPY_FROM_STDIN = /^\s*copy\b[\s\S]*\bfrom\s+stdin\b/i;
const META_COPY_FROM_STDIN = /^\\copy\b.*\bfrom\s+(p?stdin)\b/i;
const ROUTINE_HEAD = /^\s*create\s+(or\s+replace\s+)?(function|procedure)\b/i;
/** `CREATE RULE … DO (a; b)`: the one statement whose `;` may sit inside parentheses. */
const RULE_HEAD = /^\s*create\s+(or\s+replace\s+)?rule\b/i;
/**
 * A run of characters that mean nothing to the splitter (outside a routine body, whose BEGIN and END
 * it counts): skipped by the regex engine instead of one loop turn per character.
 */
const PLAIN_RUN = /[^\-/'"$\n()[\];\\:]*/y;
/** Meta-commands that send the query buffer, like a semicolon. */
const SENDS_BUFFER = /^(?:g|gx|gexec|gset|gdesc|watch|crosstabview)$/;

/**
 * Splits `text[from, to)` into statements. With `stopAfter`, it stops after the first `;` (not one
 * of COPY … FROM stdin) for which `stopAfter(offset)` is true, and says where (`stoppedAt`).
 */
export function splitStatements(
  text: string,
  from = 0,
  to = text.length,
  stopAfter?: (semicolon: number) => boolean,
): SplitResult & { stoppedAt?: number } {
  const segments: Segment[] = [];
  const blanks: BlankRegion[] = [];
  let segStart = from;
  let depth = 0;
  /** Depth of BEGIN … END inside a routine body written in SQL-standard form. */
  let atomicDepth = 0;
  let isRoutine: boolean | undefined;
  /** Depth of square brackets, inside which `a:b` is an array slice, not a psql variable. */
  let brackets = 0;
  let i = from;

  const endSegment = (end: number, semicolon: number) => {
    segments.push({ start: segStart, end, semicolon });
    segStart = semicolon >= 0 ? semicolon + 1 : end;
    depth = 0;
    atomicDepth = 0;
    brackets = 0;
    isRoutine = undefined;
  };

  while (i < to) {
    isRoutine ??= startsRoutine(text, segStart, to);
    if (!isRoutine) {
      PLAIN_RUN.lastIndex = i;
      PLAIN_RUN.test(text);
      i = PLAIN_RUN.lastIndex;
      if (i >= to) break;
    }
    const c = text.charCodeAt(i);
    if (c === Ch.Minus && text.charCodeAt(i + 1) === Ch.Minus) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 || nl > to ? to : nl;
      continue;
    }
    if (c === Ch.Slash && text.charCodeAt(i + 1) === Ch.Star) {
      i = skipBlockComment(text, i, to);
      continue;
    }
    if (c === Ch.Quote) {
      const escaped =
        i > from && (text.charCodeAt(i - 1) | 32) === 101 && !isIdentChar(text.charCodeAt(i - 2));
      i = skipQuoted(text, i, to, Ch.Quote, escaped);
      continue;
    }
    if (c === Ch.DoubleQuote) {
      i = skipQuoted(text, i, to, Ch.DoubleQuote, false);
      continue;
    }
    if (c === Ch.Dollar && !(i > from && isIdentChar(text.charCodeAt(i - 1)))) {
      const tagEnd = dollarTagEnd(text, i, to);
      if (tagEnd > 0) {
        const tag = text.slice(i, tagEnd);
        const close = text.indexOf(tag, tagEnd);
        i = close === -1 || close + tag.length > to ? to : close + tag.length;
        continue;
      }
      i++;
      continue;
    }
    if (
      c === Ch.Newline &&
      (depth > 0 || atomicDepth > 0) &&
      LIKELY_NEW_STATEMENT.test(text.slice(i + 1, i + 24))
    ) {
      // An unbalanced parenthesis (or an unfinished BEGIN ATOMIC) in a half-typed statement must
      // not swallow the statements after it: an unindented line that can only start a statement
      // closes everything still open.
      depth = 0;
      atomicDepth = 0;
    } else if (c === Ch.ParenOpen) depth++;
    else if (c === Ch.ParenClose) depth = Math.max(0, depth - 1);
    else if (c === Ch.BracketOpen) brackets++;
    else if (c === Ch.BracketClose) brackets = Math.max(0, brackets - 1);
    else if (
      c === Ch.Semicolon &&
      atomicDepth === 0 &&
      (depth === 0 || !RULE_HEAD.test(text.slice(firstCodeAt(text, segStart, i), i)))
    ) {
      // psql would keep reading past a `;` inside parentheses, but only CREATE RULE can hold one:
      // anywhere else it ends a half-typed statement, which then does not swallow the next one.
      const isCopy = endsCopyFromStdin(text, segStart, i);
      endSegment(i, i);
      if (!isCopy && stopAfter?.(i)) return { segments, blanks, stoppedAt: i };
      i++;
      if (isCopy) {
        i = skipCopyData(text, i, to, blanks);
        segStart = i;
        isRoutine = undefined;
      }
      continue;
    } else if (c === Ch.Backslash) {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 || nl > to ? to : nl;
      const line = text.slice(i, end);
      const command = /^\\([a-zA-Z]+)/.exec(line)?.[1] ?? '';
      blanks.push({ start: i, end, kind: 'meta-command' });
      const bufferEmpty = firstCodeAt(text, segStart, i) >= i;
      if (SENDS_BUFFER.test(command) && !bufferEmpty) endSegment(i, -1);
      i = end;
      if (META_COPY_FROM_STDIN.test(line)) {
        // `\copy … from stdin` reads its data from the script itself, like COPY … FROM stdin.
        i = skipCopyData(text, i, to, blanks);
      }
      // The next statement starts after the meta-command (and its data).
      if (bufferEmpty || SENDS_BUFFER.test(command)) {
        segStart = i;
        isRoutine = undefined;
      }
      continue;
    } else if (c === Ch.Colon) {
      const next = text.charCodeAt(i + 1);
      if (next === Ch.Colon) {
        i += 2; // a cast
        continue;
      }
      // psql replaces `:'name'` by a literal, `:"name"` by an identifier, and `:name` by the value
      // of a variable (no SQL operator has a `:`, so outside brackets that is all it can be);
      // without the `:` each is still one token of the same kind.
      const quoted = next === Ch.Quote || next === Ch.DoubleQuote;
      const name = /^[A-Za-z0-9_]+/.exec(text.slice(i + (quoted ? 2 : 1), i + 66))?.[0];
      if (
        name !== undefined &&
        text.charCodeAt(i - 1) !== Ch.Colon &&
        (quoted ? text.charCodeAt(i + 2 + name.length) === next : brackets === 0 && isIdentStart(next))
      ) {
        blanks.push({ start: i, end: i + 1, kind: 'psql-variable' });
      }
    } else if (isRoutine && isIdentStart(c) && !(i > from && isIdentChar(text.charCodeAt(i - 1)))) {
      let j = i + 1;
      while (j < to && isIdentChar(text.charCodeAt(j))) j++;
      // Only BEGIN, CASE and END matter (and only in a routine): test the length and first letter
      // before making a string of the word.
      const first = c | 32;
      if (j - i >= 3 && j - i <= 5 && (first === 98 || first === 99 || first === 101)) {
        const word = text.slice(i, j).toLowerCase();
        if (word === 'begin' || word === 'case' || word === 'end') {
          if (word === 'end') atomicDepth = Math.max(0, atomicDepth - 1);
          else atomicDepth++;
        }
      }
      i = j;
      continue;
    }
    i++;
  }
  if (text.slice(segStart, to).trim() !== '') segments.push({ start: segStart, end: to, semicolon: -1 });
  return { segments, blanks };
}

/**
 * `splitStatements(text)`, for a new version of `before` whose split is `old`: the statements that
 * end well before the edit are the old ones, the split starts again after them, and it stops at the
 * first `;` after the edit where the old split also had one (what follows is the same text, read
 * from the same state): the rest is the old split, moved by the length the edit added or removed.
 */
export function resplit(text: string, before: string, old: SplitResult): SplitResult {
  const prefix = commonPrefix(before, text);
  const suffix = commonSuffix(before, text, Math.min(before.length, text.length) - prefix);
  const delta = text.length - before.length;
  const segs = old.segments;
  /**
   * An old statement that ends at a `;` with the next one right after it (no COPY data, no
   * meta-command), and is no COPY … FROM stdin (whose data, once a line follows, is not SQL).
   */
  const cleanEnd = (i: number): boolean =>
    segs[i].semicolon >= 0 &&
    i + 1 < segs.length &&
    segs[i + 1].start === segs[i].semicolon + 1 &&
    !endsCopyFromStdin(before, segs[i].start, segs[i].semicolon);
  // The last old statement that the splitter ended before reading anything the edit changed.
  let keep = lastSegmentEndingBefore(segs, prefix - LOOKAHEAD);
  while (keep >= 0 && !cleanEnd(keep)) keep--;
  const restart = keep >= 0 ? segs[keep].semicolon + 1 : 0;
  /** Index of the old statement whose `;` is at `offset`, or -1. */
  const oldEndingAt = (offset: number): number => {
    const i = lastSegmentEndingBefore(segs, offset + 1);
    return i >= 0 && segs[i].semicolon === offset ? i : -1;
  };
  let resumeAt = -1;
  const fresh = splitStatements(text, restart, text.length, (semicolon) => {
    if (semicolon < text.length - suffix) return false;
    const j = oldEndingAt(semicolon - delta);
    if (j < 0 || !cleanEnd(j)) return false;
    resumeAt = j + 1;
    return true;
  });
  const segments = segs.slice(0, keep + 1);
  for (const s of fresh.segments) segments.push(s);
  const blanks: BlankRegion[] = [];
  for (const b of old.blanks) if (b.start < restart) blanks.push(b);
  for (const b of fresh.blanks) blanks.push(b);
  if (fresh.stoppedAt !== undefined) {
    for (let j = resumeAt; j < segs.length; j++) {
      const s = segs[j];
      segments.push({
        start: s.start + delta,
        end: s.end + delta,
        semicolon: s.semicolon < 0 ? -1 : s.semicolon + delta,
      });
    }
    const from = fresh.stoppedAt - delta;
    for (const b of old.blanks)
      if (b.start > from) blanks.push({ start: b.start + delta, end: b.end + delta, kind: b.kind });
  }
  return { segments, blanks };
}

/** Whether the statement `text[start, semicolon)` is a COPY … FROM stdin (its data follows it). */
function endsCopyFromStdin(text: string, start: number, semicolon: number): boolean {
  const head = firstCodeAt(text, start, semicolon);
  return (text.charCodeAt(head) | 32) === 99 && COPY_FROM_STDIN.test(text.slice(head, semicolon));
}

/** Index of the last segment whose `;` is before `offset` (segments without one are skipped), or -1. */
function lastSegmentEndingBefore(segments: readonly Segment[], offset: number): number {
  // Segments are in order: the first that starts at or after `offset` bounds the search.
  const lo = partitionPoint(segments, (s) => s.start < offset);
  for (let i = lo - 1; i >= 0; i--)
    if (segments[i].semicolon >= 0 && segments[i].semicolon < offset) return i;
  return -1;
}

/** Length of the common prefix of two strings (compared a block at a time, then by character). */
export function commonPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  for (let step = 4096; step >= 1; step >>= 4) {
    while (i + step <= max && a.slice(i, i + step) === b.slice(i, i + step)) i += step;
  }
  return i;
}

/** Length of the common suffix of two strings, at most `max`. */
export function commonSuffix(a: string, b: string, max: number): number {
  let n = 0;
  for (let step = 4096; step >= 1; step >>= 4) {
    while (
      n + step <= max &&
      a.slice(a.length - n - step, a.length - n) === b.slice(b.length - n - step, b.length - n)
    )
      n += step;
  }
  return n;
}

/** Offset of the first character in `text[from, to)` that is neither whitespace nor comment (or `to`). */
function firstCodeAt(text: string, from: number, to: number): number {
  let i = from;
  for (;;) {
    while (i < to && isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) === Ch.Minus && text.charCodeAt(i + 1) === Ch.Minus) {
      const nl = text.indexOf('\n', i);
      if (nl === -1 || nl >= to) return to;
      i = nl + 1;
    } else if (text.charCodeAt(i) === Ch.Slash && text.charCodeAt(i + 1) === Ch.Star) {
      i = skipBlockComment(text, i, to);
    } else return Math.min(i, to);
  }
}

/** True when the statement that starts at `from` is CREATE FUNCTION or CREATE PROCEDURE. */
function startsRoutine(text: string, from: number, to: number): boolean {
  const i = firstCodeAt(text, from, to);
  return i < to && (text.charCodeAt(i) | 32) === 99 && ROUTINE_HEAD.test(text.slice(i, i + 64));
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

function skipBlockComment(text: string, i: number, to: number): number {
  let nesting = 0;
  while (i < to) {
    if (text.charCodeAt(i) === Ch.Slash && text.charCodeAt(i + 1) === Ch.Star) {
      nesting++;
      i += 2;
    } else if (text.charCodeAt(i) === Ch.Star && text.charCodeAt(i + 1) === Ch.Slash) {
      nesting--;
      i += 2;
      if (nesting === 0) return i;
    } else i++;
  }
  return to;
}

function skipQuoted(text: string, i: number, to: number, quote: number, backslashEscapes: boolean): number {
  i++;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (backslashEscapes && c === Ch.Backslash) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (text.charCodeAt(i + 1) === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return to;
}

/** If a dollar-quote tag (`$$` or `$tag$`) starts at i, the offset just past it; otherwise -1. */
function dollarTagEnd(text: string, i: number, to: number): number {
  let j = i + 1;
  if (j < to && text.charCodeAt(j) === Ch.Dollar) return j + 1;
  if (j >= to || !isIdentStart(text.charCodeAt(j))) return -1;
  while (j < to) {
    const c = text.charCodeAt(j);
    if (c === Ch.Dollar) return j + 1;
    if (!(isIdentStart(c) || (c >= 48 && c <= 57))) return -1;
    j++;
  }
  return -1;
}

/** Skips the data lines of COPY … FROM stdin, up to and including the `\.` line. */
function skipCopyData(text: string, i: number, to: number, blanks: BlankRegion[]): number {
  const nl = text.indexOf('\n', i);
  if (nl === -1 || nl >= to) return i;
  // The data begins on the line after the statement; anything after `;` on its own line is ignored.
  const dataStart = nl + 1;
  let lineStart = dataStart;
  while (lineStart < to) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1 || lineEnd > to) lineEnd = to;
    const line = text.slice(lineStart, lineEnd);
    if (/^\\\.\s*$/.test(line)) {
      blanks.push({ start: dataStart, end: lineEnd, kind: 'copy-data' });
      return lineEnd;
    }
    lineStart = lineEnd + 1;
  }
  blanks.push({ start: dataStart, end: to, kind: 'copy-data' });
  return to;
}

/** Removes leading whitespace and comments, for the few keyword tests above. */
export function stripLeadingComments(s: string): string {
  let i = 0;
  for (;;) {
    while (i < s.length && /\s/.test(s[i])) i++;
    if (s.startsWith('--', i)) {
      const nl = s.indexOf('\n', i);
      if (nl === -1) return '';
      i = nl + 1;
    } else if (s.startsWith('/*', i)) {
      i = skipBlockComment(s, i, s.length);
    } else return s.slice(i);
  }
}

/** Replaces the given regions by spaces, keeping line breaks, so that every offset stays put. */
export function blankOut(text: string, regions: readonly { start: number; end: number }[]): string {
  if (regions.length === 0) return text;
  let out = '';
  let last = 0;
  for (const r of regions) {
    out += text.slice(last, r.start) + text.slice(r.start, r.end).replace(/[^\n\r]/g, ' ');
    last = r.end;
  }
  return out + text.slice(last);
}

/** Statement keywords that, at the start of a line, begin a new statement in practice. */
const STATEMENT_START =
  /^[ \t]*(create|alter|drop|comment|grant|revoke|truncate|copy|insert|update|delete|commit|analyze|vacuum|refresh|reindex|cluster)\b/i;

/**
 * Offsets in `text[from, to)` where a line starts with a statement keyword outside any literal or
 * comment: the places where a half-typed statement most likely ends and the next begins. Lines
 * that start in the first column are the likely ones; only when there is none, indented lines
 * count too (statements indented inside a BEGIN … COMMIT block).
 */
export function statementStartCandidates(text: string, from: number, to: number): number[] {
  const unindented: number[] = [];
  const indented: number[] = [];
  // Reuse the splitter's knowledge of literals: only line starts that lie outside quoted text count.
  const quoted = quotedRegions(text, from, to);
  let k = 0;
  for (let nl = text.indexOf('\n', from); nl !== -1 && nl + 1 < to; nl = text.indexOf('\n', nl + 1)) {
    const p = nl + 1;
    while (k < quoted.length && quoted[k].end <= p) k++;
    if (k < quoted.length && quoted[k].start < p) continue;
    const m = STATEMENT_START.exec(text.slice(p, p + 40));
    if (!m) continue;
    const keywordAt = p + m[0].length - m[1].length;
    if (keywordAt >= to) continue;
    if (keywordAt === p) unindented.push(p);
    else indented.push(keywordAt);
  }
  return unindented.length > 0 ? unindented : indented;
}

/** Regions of literals and comments in a range (for the candidate search above). */
function quotedRegions(text: string, from: number, to: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    let end = -1;
    if (c === Ch.Minus && text.charCodeAt(i + 1) === Ch.Minus) {
      const nl = text.indexOf('\n', i);
      end = nl === -1 || nl > to ? to : nl;
    } else if (c === Ch.Slash && text.charCodeAt(i + 1) === Ch.Star) end = skipBlockComment(text, i, to);
    else if (c === Ch.Quote) end = skipQuoted(text, i, to, Ch.Quote, false);
    else if (c === Ch.DoubleQuote) end = skipQuoted(text, i, to, Ch.DoubleQuote, false);
    else if (c === Ch.Dollar && !(i > from && isIdentChar(text.charCodeAt(i - 1)))) {
      const tagEnd = dollarTagEnd(text, i, to);
      if (tagEnd > 0) {
        const close = text.indexOf(text.slice(i, tagEnd), tagEnd);
        end = close === -1 ? to : close + (tagEnd - i);
      }
    }
    if (end > i) {
      out.push({ start: i, end });
      i = end;
    } else i++;
  }
  return out;
}
