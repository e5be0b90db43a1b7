/**
 * A psql-compatible splitter: finds where each statement of a script ends, and the regions that
 * are not SQL at all (psql meta-commands such as `\connect`, and the data lines of
 * `COPY … FROM stdin`), the way psql itself reads a file before it sends statements to the server.
 *
 * It knows only what psql's own lexer knows: comments (nested block comments too), standard and
 * escape string literals, quoted identifiers, dollar quoting, parentheses and `BEGIN ATOMIC … END`
 * bodies. The real parser then parses what this splitter hands it.
 */

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
  kind: 'meta-command' | 'copy-data';
}

export interface SplitResult {
  segments: Segment[];
  blanks: BlankRegion[];
}

const enum Ch {
  Newline = 10,
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
const ROUTINE_HEAD = /^\s*create\s+(or\s+replace\s+)?(function|procedure)\b/i;

/** Splits `text[from, to)` into statements. */
export function splitStatements(text: string, from = 0, to = text.length): SplitResult {
  const segments: Segment[] = [];
  const blanks: BlankRegion[] = [];
  let segStart = from;
  let depth = 0;
  /** Depth of BEGIN … END inside a routine body written in SQL-standard form. */
  let atomicDepth = 0;
  let isRoutine: boolean | undefined;
  let i = from;

  const endSegment = (end: number, semicolon: number) => {
    segments.push({ start: segStart, end, semicolon });
    segStart = semicolon >= 0 ? semicolon + 1 : end;
    depth = 0;
    atomicDepth = 0;
    isRoutine = undefined;
  };

  while (i < to) {
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
    if (c === Ch.Newline && depth > 0 && LIKELY_NEW_STATEMENT.test(text.slice(i + 1, i + 24))) {
      // An unbalanced parenthesis in a half-typed statement must not swallow the statements after
      // it: an unindented line that can only start a statement closes every open parenthesis.
      depth = 0;
    } else if (c === Ch.ParenOpen) depth++;
    else if (c === Ch.ParenClose) depth = Math.max(0, depth - 1);
    else if (c === Ch.Semicolon && depth === 0 && atomicDepth === 0) {
      const stmtText = text.slice(segStart, i);
      endSegment(i, i);
      i++;
      if (COPY_FROM_STDIN.test(stripLeadingComments(stmtText))) {
        i = skipCopyData(text, i, to, blanks);
        segStart = i;
      }
      continue;
    } else if (c === Ch.Backslash) {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 || nl > to ? to : nl;
      const command = /^\\([a-zA-Z]+)/.exec(text.slice(i, Math.min(end, i + 20)))?.[1] ?? '';
      blanks.push({ start: i, end, kind: 'meta-command' });
      // \g and friends send the query buffer, like a semicolon.
      if (/^g(x|exec|set|desc)?$/.test(command) && text.slice(segStart, i).trim() !== '') endSegment(i, -1);
      else if (text.slice(segStart, i).trim() === '') segStart = end;
      i = end;
      continue;
    } else if (isIdentStart(c) && !(i > from && isIdentChar(text.charCodeAt(i - 1)))) {
      let j = i + 1;
      while (j < to && isIdentChar(text.charCodeAt(j))) j++;
      if (j - i <= 6) {
        const word = text.slice(i, j).toLowerCase();
        if (word === 'begin' || word === 'case' || word === 'end') {
          isRoutine ??= ROUTINE_HEAD.test(stripLeadingComments(text.slice(segStart, i)));
          if (isRoutine) {
            if (word === 'end') atomicDepth = Math.max(0, atomicDepth - 1);
            else atomicDepth++;
          }
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

/** Statement keywords that, at the very start of a line, begin a new statement in practice. */
const STATEMENT_START =
  /^(create|alter|drop|comment|grant|revoke|truncate|copy|insert|update|delete|commit|analyze|vacuum|refresh|reindex|cluster)\b/i;

/**
 * Offsets in `text[from, to)` where an unindented line starts with a statement keyword outside any
 * literal or comment: the places where a half-typed statement most likely ends and the next begins.
 */
export function statementStartCandidates(text: string, from: number, to: number): number[] {
  const out: number[] = [];
  // Reuse the splitter's knowledge of literals: only line starts that lie outside quoted text count.
  const quoted = quotedRegions(text, from, to);
  let k = 0;
  for (let nl = text.indexOf('\n', from); nl !== -1 && nl + 1 < to; nl = text.indexOf('\n', nl + 1)) {
    const p = nl + 1;
    while (k < quoted.length && quoted[k].end <= p) k++;
    if (k < quoted.length && quoted[k].start < p) continue;
    if (STATEMENT_START.test(text.slice(p, p + 12))) out.push(p);
  }
  return out;
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
