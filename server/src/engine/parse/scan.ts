/**
 * PostgreSQL's scanner (src/backend/parser/scan.l) in TypeScript: the same token boundaries and
 * kinds as libpg-query's `scanSync`, without its cost (it hands every token over as JSON, about
 * 2 µs a token, which made exact ranges the larger part of a lint). `statementTokens` uses it, and
 * falls back to `scanSync` where this scanner is not sure to agree: wherever PostgreSQL's scanner
 * reports an error (an unterminated literal or comment, trailing junk after a number, a zero-length
 * quoted identifier, an operator too long), and E'…' strings with octal, hex or Unicode escapes
 * (which PostgreSQL may reject). test/engine/scan.test.ts proves it equal to `scanSync`, token for
 * token, over every statement of the shared corpus.
 *
 * The one deliberate difference: libpg-query's JSON does not escape control characters other than
 * tab, newline and carriage return, so `scanSync` throws on a statement whose literal, comment or
 * quoted identifier holds one (a form feed, a vertical tab …); this scanner returns its tokens.
 *
 * Offsets are UTF-16 offsets into the text it is given (no byte offsets: PostgreSQL's classes of
 * bytes \200-\377 are, in UTF-16, every code unit from U+0080 on).
 */
import { scanSync } from './pg';
import { ByteMap } from '../text';
import { KEYWORDS, MAX_KEYWORD_LENGTH } from './keywords';
import type { ScanToken } from './sql';

/** libpg-query's `tokenName` of the tokens it names (every other one is `UNKNOWN`). */
const IDENT = 'IDENT';
const SCONST = 'SCONST';
const ICONST = 'ICONST';
const FCONST = 'FCONST';
const PARAM = 'PARAM';
const TYPECAST = 'TYPECAST';
const UNKNOWN = 'UNKNOWN';
const SQL_COMMENT = 'SQL_COMMENT';
const C_COMMENT = 'C_COMMENT';

/** Upper-case spelling of each keyword (a token's `kind`), shared by every token. */
const UPPER = new Map([...KEYWORDS.keys()].map((w) => [w, w.toUpperCase()]));
const NCHAR_IS_KEYWORD = KEYWORDS.has('nchar');

/** The largest ICONST; a larger integer is an FCONST, as PostgreSQL's process_integer_literal says. */
const INT32_MAX = 2147483647;
/** NAMEDATALEN: an operator this long is an error. */
const NAMEDATALEN = 64;

// Character classes of scan.l, by UTF-16 code unit.
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** ident_start: [A-Za-z\200-\377_] (also dolq_start). */
function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}
/** ident_cont: [A-Za-z\200-\377_0-9\$]. */
function isIdentCont(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === 36;
}
/** space: [ \t\n\r\f\v]. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
/** horiz_space: [ \t\f\v]. */
function isHorizSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 12 || c === 11;
}
/** newline: [\n\r]. */
function isNewline(c: number): boolean {
  return c === 10 || c === 13;
}
/** op_chars: [\~\!\@\#\^\&\|\`\?\+\-\*\/\%\<\>\=]. */
function isOpChar(c: number): boolean {
  switch (c) {
    case 126: // ~
    case 33: // !
    case 64: // @
    case 35: // #
    case 94: // ^
    case 38: // &
    case 124: // |
    case 96: // `
    case 63: // ?
    case 43: // +
    case 45: // -
    case 42: // *
    case 47: // /
    case 37: // %
    case 60: // <
    case 62: // >
    case 61: // =
      return true;
    default:
      return false;
  }
}
/** The characters of an operator that let it end in `+` or `-`. */
function isNonSqlOpChar(c: number): boolean {
  switch (c) {
    case 126: // ~
    case 33: // !
    case 64: // @
    case 35: // #
    case 94: // ^
    case 38: // &
    case 124: // |
    case 96: // `
    case 63: // ?
    case 37: // %
      return true;
    default:
      return false;
  }
}

/** libpg-query's name of a one-character token. */
function charTokenName(c: number): string {
  switch (c) {
    case 40:
      return 'ASCII_40';
    case 41:
      return 'ASCII_41';
    case 42:
      return 'ASCII_42';
    case 44:
      return 'ASCII_44';
    case 59:
      return 'ASCII_59';
    case 61:
      return 'ASCII_61';
    default:
      return UNKNOWN;
  }
}

/** libpg-query's name of a two-character operator token. */
function pairTokenName(a: number, b: number): string {
  if (a === 60 && b === 61) return 'LESS_EQUALS';
  if (a === 62 && b === 61) return 'GREATER_EQUALS';
  if ((a === 60 && b === 62) || (a === 33 && b === 61)) return 'NOT_EQUALS';
  return UNKNOWN; // `=>` (EQUALS_GREATER) and every other operator (Op)
}

/** Returned where PostgreSQL's scanner reports an error, or where this one is not sure. */
class Unsure extends Error {}
const UNSURE = new Unsure();

/**
 * The tokens of `text[from, to)` as PostgreSQL's scanner (and libpg-query's `scanSync`) splits
 * and names them, comments left out unless `comments`; undefined where PostgreSQL reports an
 * error or where this scanner is not sure to agree with it (the caller then asks `scanSync`).
 */
export function scanSql(text: string, from = 0, to = text.length, comments = false): ScanToken[] | undefined {
  try {
    return scan(text, from, to, comments);
  } catch (e) {
    if (e === UNSURE) return undefined;
    throw e;
  }
}

/**
 * The tokens of a piece of SQL (comments left out), with UTF-16 offsets into it: from `scanSql`, or
 * from libpg-query's scanner where `scanSql` is not sure; undefined when PostgreSQL cannot scan it
 * (or, with `rethrow`, libpg-query's error).
 */
export function scanText(text: string, rethrow = false): ScanToken[] | undefined {
  const tokens = scanSql(text);
  if (tokens) return tokens;
  try {
    return libpgScan(text);
  } catch (e) {
    if (rethrow) throw e;
    return undefined;
  }
}

/**
 * libpg-query's scanner's tokens of `text` (comments left out), with UTF-16 offsets into it plus
 * `base`; throws the scanner's error.
 */
export function libpgScan(text: string, base = 0): ScanToken[] {
  const bytes = new ByteMap(text);
  return scanSync(text)
    .tokens.filter((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT')
    .map((t) => ({
      start: base + bytes.toUtf16(t.start),
      end: base + bytes.toUtf16(t.end),
      text: t.text,
      kind: t.keywordKind > 0 ? t.text.toUpperCase() : t.tokenName,
      isKeyword: t.keywordKind > 0,
    }));
}

/** The keyword category of a word (1 unreserved … 4 reserved), 0 when it is not a keyword. */
export function keywordKind(word: string): number {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(word) ? (KEYWORDS.get(word.toLowerCase()) ?? 0) : 0;
}

function scan(text: string, from: number, to: number, comments: boolean): ScanToken[] {
  const out: ScanToken[] = [];
  const lexer = new Lexer(text, from, to, comments);
  while (lexer.next()) out.push(lexer.token());
  return out;
}

/**
 * The scanner, one token at a time, for a caller that reads a few tokens without making the list:
 * `next()` moves to the next token and sets `start`, `end`, `kind` and `isKeyword` (as in a
 * `ScanToken`); it throws `Lexer.unsure` where `scanSql` would return undefined.
 */
export class Lexer {
  static readonly unsure: unknown = UNSURE;
  start = 0;
  end = 0;
  kind = '';
  isKeyword = false;
  #pos: number;
  /** The text of the current token when it is a word (already cut out to look it up). */
  #word: string | undefined;

  constructor(
    readonly source: string,
    from: number,
    readonly to: number,
    readonly comments = false,
  ) {
    this.#pos = from;
  }

  /** The current token's text. */
  text(): string {
    return this.#word ?? this.source.slice(this.start, this.end);
  }

  /** The current token. */
  token(): ScanToken {
    return {
      start: this.start,
      end: this.end,
      text: this.text(),
      kind: this.kind,
      isKeyword: this.isKeyword,
    };
  }

  /** Moves to the next token; false at the end. */
  next(): boolean {
    const text = this.source;
    const to = this.to;
    let i = this.#pos;
    this.#word = undefined;
    this.isKeyword = false;
    while (i < to) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      const start = i;
      const next = i + 1 < to ? text.charCodeAt(i + 1) : -1;
      let kind: string;
      if (c === 45 && next === 45) {
        // -- comment, to the end of the line
        i += 2;
        while (i < to && !isNewline(text.charCodeAt(i))) i++;
        if (!this.comments) continue;
        kind = SQL_COMMENT;
      } else if (c === 47 && next === 42) {
        i = blockCommentEnd(text, i, to);
        if (!this.comments) continue;
        kind = C_COMMENT;
      } else if (isIdentStart(c)) {
        const lower = c | 32;
        if (next === 39 && (lower === 98 || lower === 120)) {
          // B'…', X'…': bit strings (BCONST, XCONST)
          i = stringEnd(text, i + 1, to, false, false);
          kind = UNKNOWN;
        } else if (next === 39 && lower === 101) {
          // E'…': a string with backslash escapes
          i = stringEnd(text, i + 1, to, true, true);
          kind = SCONST;
        } else if (next === 39 && lower === 110) {
          // N'…': the keyword NCHAR (the `n`), then the string as a token of its own
          i++;
          kind = NCHAR_IS_KEYWORD ? 'N' : IDENT;
          this.isKeyword = NCHAR_IS_KEYWORD;
        } else if (next === 38 && lower === 117) {
          const quote = i + 2 < to ? text.charCodeAt(i + 2) : -1;
          if (quote === 39) {
            // U&'…' (USCONST)
            i = stringEnd(text, i + 2, to, true, false);
            kind = UNKNOWN;
          } else if (quote === 34) {
            // U&"…" (UIDENT)
            i = quotedIdentEnd(text, i + 2, to);
            kind = UNKNOWN;
          } else {
            // `u&` not followed by a quote: the `u` is an identifier, never a keyword.
            i++;
            kind = IDENT;
          }
        } else {
          let ascii = c < 128;
          i++;
          while (i < to) {
            const d = text.charCodeAt(i);
            if (!isIdentCont(d)) break;
            if (d >= 128) ascii = false;
            i++;
          }
          const word = text.slice(start, i);
          this.#word = word;
          const upper =
            ascii && i - start <= MAX_KEYWORD_LENGTH
              ? (UPPER.get(word) ?? UPPER.get(word.toLowerCase()))
              : undefined;
          if (upper === undefined) kind = IDENT;
          else {
            kind = upper;
            this.isKeyword = true;
          }
        }
      } else if (isDigit(c) || (c === 46 && isDigit(next))) {
        const n = numberEnd(text, i, to);
        i = n.end;
        kind = n.kind;
      } else {
        switch (c) {
          case 39: // '…'
            i = stringEnd(text, i, to, true, false);
            kind = SCONST;
            break;
          case 34: // "…"
            i = quotedIdentEnd(text, i, to);
            kind = IDENT;
            break;
          case 36: {
            // $1, $tag$…$tag$, or a lone `$`
            if (isDigit(next)) {
              i++;
              while (i < to && isDigit(text.charCodeAt(i))) i++;
              // "parameter number too large"
              if (i - start > 11 || Number(text.slice(start + 1, i)) > INT32_MAX) throw UNSURE;
              kind = PARAM;
              break;
            }
            let j = i + 1;
            if (isIdentStart(next)) {
              j++;
              while (j < to) {
                const d = text.charCodeAt(j);
                if (!(isIdentStart(d) || isDigit(d))) break;
                j++;
              }
            }
            if (j < to && text.charCodeAt(j) === 36) {
              const delimiter = text.slice(i, j + 1);
              const close = text.indexOf(delimiter, j + 1);
              if (close === -1 || close + delimiter.length > to) throw UNSURE; // unterminated
              i = close + delimiter.length;
              kind = SCONST;
            } else {
              i++;
              kind = UNKNOWN;
            }
            break;
          }
          case 46: // . or ..
            i += next === 46 ? 2 : 1;
            kind = UNKNOWN;
            break;
          case 58: // :, :: or :=
            i += next === 58 || next === 61 ? 2 : 1;
            kind = next === 58 ? TYPECAST : UNKNOWN;
            break;
          case 40: // (
          case 41: // )
          case 44: // ,
          case 59: // ;
          case 91: // [
          case 93: // ]
            i++;
            kind = charTokenName(c);
            break;
          default:
            if (isOpChar(c)) {
              i = operatorEnd(text, i, to);
              kind = i - start === 1 ? charTokenName(c) : i - start === 2 ? pairTokenName(c, next) : UNKNOWN;
            } else {
              // Anything else is a token of one character (scan.l's `other`).
              i++;
              kind = UNKNOWN;
            }
        }
      }
      this.start = start;
      this.end = i;
      this.kind = kind;
      this.#pos = i;
      return true;
    }
    this.#pos = i;
    return false;
  }
}

/** End of the nested /* … *\/ comment that starts at `i`. */
function blockCommentEnd(text: string, i: number, to: number): number {
  let depth = 0;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 47 && i + 1 < to && text.charCodeAt(i + 1) === 42) {
      depth++;
      i += 2;
    } else if (c === 42 && i + 1 < to && text.charCodeAt(i + 1) === 47) {
      i += 2;
      if (--depth === 0) return i;
    } else i++;
  }
  throw UNSURE; // unterminated
}

/**
 * End of the string whose opening quote is at `quote`, with the strings that continue it (a quote
 * after whitespace holding a newline: 'a' ⏎ 'b' is one literal). `doubled`: '' is a quote inside;
 * `escapes`: backslash escapes (E'…').
 */
function stringEnd(text: string, quote: number, to: number, doubled: boolean, escapes: boolean): number {
  let k = quote + 1;
  for (;;) {
    for (;;) {
      if (k >= to) throw UNSURE; // unterminated
      const d = text.charCodeAt(k);
      if (d === 39) {
        if (doubled && k + 1 < to && text.charCodeAt(k + 1) === 39) {
          k += 2;
          continue;
        }
        break;
      }
      if (d === 92 && escapes) {
        if (k + 1 >= to) throw UNSURE;
        const e = text.charCodeAt(k + 1);
        // Octal, hex and Unicode escapes may make PostgreSQL reject the string.
        if ((e >= 48 && e <= 55) || e === 120 || e === 117 || e === 85) throw UNSURE;
        k += 2;
        continue;
      }
      k++;
    }
    const close = k + 1;
    const resume = continuationQuote(text, close, to);
    if (resume === -1) return close;
    k = resume + 1;
  }
}

/**
 * scan.l's quotecontinue after a string's closing quote at `k - 1`: horizontal whitespace, a
 * newline, any whitespace, then a quote. Returns that quote's offset, or -1. (PostgreSQL also lets
 * `--` comments stand in that whitespace; libpg-query's scanner, which reports comments as tokens,
 * does not, and its parser neither: a comment there ends the string.)
 */
function continuationQuote(text: string, k: number, to: number): number {
  while (k < to && isHorizSpace(text.charCodeAt(k))) k++;
  if (k >= to || !isNewline(text.charCodeAt(k))) return -1;
  k++;
  while (k < to && isSpace(text.charCodeAt(k))) k++;
  return k < to && text.charCodeAt(k) === 39 ? k : -1;
}

/** End of the quoted identifier whose opening `"` is at `quote`. */
function quotedIdentEnd(text: string, quote: number, to: number): number {
  let k = quote + 1;
  for (;;) {
    if (k >= to) throw UNSURE; // unterminated
    if (text.charCodeAt(k) === 34) {
      if (k + 1 < to && text.charCodeAt(k + 1) === 34) k += 2;
      else break;
    } else k++;
  }
  if (k === quote + 1) throw UNSURE; // zero-length delimited identifier
  return k + 1;
}

/** End of a run of decimal digits with single underscores between them, from a digit at `k`. */
function decimalEnd(text: string, k: number, to: number): number {
  k++;
  while (k < to) {
    const c = text.charCodeAt(k);
    if (isDigit(c)) k++;
    else if (c === 95 && k + 1 < to && isDigit(text.charCodeAt(k + 1))) k += 2;
    else break;
  }
  return k;
}

function isBaseDigit(c: number, base: number): boolean {
  if (base === 16) return isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102);
  return c >= 48 && c < 48 + base;
}

/** ICONST when the integer fits in 32 bits, else FCONST. */
function integerKind(text: string, start: number, end: number, base: number): string {
  const digits = text.slice(start, end);
  if (base === 10 && digits.length < 10) return ICONST;
  const clean = digits.includes('_') ? digits.replace(/_/g, '') : digits;
  const value = base === 10 ? Number(clean) : parseInt(clean, base);
  return value <= INT32_MAX ? ICONST : FCONST;
}

/** A number at `i` (a digit, or `.` and a digit): its end and kind. */
function numberEnd(text: string, i: number, to: number): { end: number; kind: string } {
  const at = (k: number): number => (k < to ? text.charCodeAt(k) : -1);
  const x = at(i + 1) | 32;
  if (text.charCodeAt(i) === 48 && (x === 120 || x === 111 || x === 98)) {
    // 0x…, 0o…, 0b…
    const base = x === 120 ? 16 : x === 111 ? 8 : 2;
    let k = i + 2;
    let digits = 0;
    for (;;) {
      const c = at(k);
      if (isBaseDigit(c, base)) k++;
      else if (c === 95 && isBaseDigit(at(k + 1), base)) k += 2;
      else break;
      digits++;
    }
    // hexfail …, or trailing junk: `0x1Fg`, `0x1F$` are {decinteger}{identifier}, longer.
    if (digits === 0 || isIdentCont(at(k))) throw UNSURE;
    return { end: k, kind: integerKind(text, i + 2, k, base) };
  }
  let k = i;
  let float = false;
  /** Start of the digits the number ends with (-1 when it ends with its `.`). */
  let run: number;
  if (text.charCodeAt(k) === 46) {
    run = k + 1;
    k = decimalEnd(text, run, to);
    float = true;
  } else {
    run = k;
    k = decimalEnd(text, k, to);
    if (at(k) === 46) {
      // `1..10`: the integer, then `..`
      if (at(k + 1) === 46) return { end: k, kind: integerKind(text, i, k, 10) };
      k++;
      float = true;
      run = -1;
      if (isDigit(at(k))) {
        run = k;
        k = decimalEnd(text, k, to);
      }
    }
  }
  if ((at(k) | 32) === 101) {
    let e = k + 1;
    if (at(e) === 43 || at(e) === 45) e++;
    if (!isDigit(at(e))) throw UNSURE; // realfail, or trailing junk
    k = decimalEnd(text, e, to);
    // `1e5$`: the number before the `e`, then the identifier `e5$`, is longer (trailing junk).
    if (isIdentCont(at(k))) throw UNSURE;
    float = true;
  }
  // Trailing junk after numeric literal: an identifier right after the number, or (`1_000$`) one
  // that starts at an underscore of its last digits and runs on.
  if (isIdentStart(at(k))) throw UNSURE;
  if (at(k) === 36 && run >= 0 && text.slice(run, k).includes('_')) throw UNSURE;
  return { end: k, kind: float ? FCONST : integerKind(text, i, k, 10) };
}

/**
 * End of the operator at `i` (a run of op_chars): cut before a comment that starts inside it, and
 * without trailing `+`/`-` unless it holds a character no SQL operator has (`=-` is two tokens,
 * `@-` one).
 */
function operatorEnd(text: string, i: number, to: number): number {
  let j = i + 1;
  while (j < to && isOpChar(text.charCodeAt(j))) j++;
  let n = j - i;
  for (let k = i + 1; k + 1 < j; k++) {
    const c = text.charCodeAt(k);
    const d = text.charCodeAt(k + 1);
    if ((c === 45 && d === 45) || (c === 47 && d === 42)) {
      n = k - i;
      break;
    }
  }
  const last = (): number => text.charCodeAt(i + n - 1);
  if (n > 1 && (last() === 43 || last() === 45)) {
    let qualifies = false;
    for (let k = i + n - 2; k >= i; k--) {
      if (isNonSqlOpChar(text.charCodeAt(k))) {
        qualifies = true;
        break;
      }
    }
    if (!qualifies) {
      do n--;
      while (n > 1 && (last() === 43 || last() === 45));
    }
  }
  if (n >= NAMEDATALEN) throw UNSURE; // operator too long
  return i + n;
}
