/**
 * Exact source ranges inside a statement. Parse-tree nodes carry only a start location; where a
 * finding needs the end of a column definition, a constraint or an expression, it is found in the
 * scanner's tokens, lazily: most objects never need a range beyond their start, and scanning every
 * statement would double the cost of a lint. `LazyOrigin` and `LazyType` hold what they need to
 * find their range when first read.
 *
 * A few texts the model always carries (a DEFAULT, a CHECK's expression, whether ON DELETE was
 * written) span a handful of characters: those are read with the small lexical scans at the end of
 * this file, without the scanner.
 */
import type { SourceRange } from '../findings';
import type { ColumnType, Origin } from './schema';
import { Lexer } from '../parse/scan';
import { partitionPoint } from '../text';
import {
  cachedStatementTokens,
  scannerStats,
  statementTokens,
  type ParsedSql,
  type ScanToken,
  type SqlStatement,
} from '../parse/sql';

export class StatementText {
  /** The whole statement, with its `;` (one object, shared by everything the statement writes). */
  readonly range: SourceRange;
  /** A range was scanned from its offset (counted once in `scannerStats`). */
  #scanned = false;

  constructor(
    readonly file: string,
    readonly parsed: ParsedSql,
    readonly stmt: SqlStatement,
  ) {
    this.range = { file, start: stmt.start, end: stmt.endWithTerminator };
  }

  get tokens(): ScanToken[] {
    return statementTokens(this.parsed, this.stmt);
  }

  range_(start: number, end: number): SourceRange {
    return { file: this.file, start, end };
  }

  text(start: number, end: number): string {
    return this.parsed.sqlText.slice(start, end);
  }

  /** Index of the first token that starts at or after `offset`. */
  tokenIndexAt(offset: number): number {
    return partitionPoint(this.tokens, (t) => t.start < offset);
  }

  /**
   * The tokens from the first one at or after `offset`, for `fn`. Most ranges end a few tokens
   * further: unless the statement's tokens are at hand already, they are scanned from `offset` as
   * far as `fn` reads them (the scanner needs no context: from the start of a token on it finds
   * the same tokens as from the statement's start), else, or where the scanner is not sure, taken
   * from the statement's tokens.
   */
  #fromOffset<T>(offset: number, fn: (run: TokenRun) => T): T {
    if (cachedStatementTokens(this.stmt) === undefined && this.#startsToken(offset)) {
      if (!this.#scanned) {
        // The scanner reads (part of) this statement.
        this.#scanned = true;
        scannerStats.statements++;
      }
      try {
        return fn(new LexerRun(new Lexer(this.parsed.sqlText, offset, this.stmt.end)));
      } catch (e) {
        if (e !== Lexer.unsure) throw e;
      }
    }
    return fn(new ArrayRun(this.tokens, this.tokenIndexAt(offset)));
  }

  /**
   * True when a token starts at `offset`: the statement's start, or after a space, `(` or `,`
   * (what the parser's locations point at: never inside a literal or a comment).
   */
  #startsToken(offset: number): boolean {
    if (offset === this.stmt.start) return true;
    if (offset < this.stmt.start || offset > this.stmt.end) return false;
    const c = this.parsed.sqlText.charCodeAt(offset - 1);
    return c === 32 || c === 10 || c === 9 || c === 13 || c === 40 || c === 44;
  }

  /**
   * The element that starts at `offset` in a comma-separated list (a column definition, a table
   * constraint, an ALTER TABLE command): up to the next `,` or closing `)` at its own depth.
   */
  elementRange(offset: number): SourceRange {
    return this.#fromOffset(offset, (tokens) => {
      let i = 0;
      if (tokens.get(i) === undefined) return this.range_(offset, this.stmt.end);
      let depth = 0;
      let last = i;
      for (let token = tokens.get(i); token !== undefined; token = tokens.get(++i)) {
        const t = token.text;
        if (t === '(' || t === '[') depth++;
        else if (t === ')' || t === ']') {
          if (depth === 0) break;
          depth--;
        } else if (t === ',' && depth === 0) break;
        else if (t === ';' && depth === 0) break;
        last = i;
      }
      return this.range_(offset, tokens.get(last)!.end);
    });
  }

  /** The range of the single token starting at `offset` (or an empty range there). */
  tokenRange(offset: number): SourceRange {
    const tokens = this.tokens;
    const i = this.tokenIndexAt(offset);
    if (i < tokens.length && tokens[i].start === offset) return this.range_(offset, tokens[i].end);
    return this.range_(offset, offset);
  }

  /** Text between the `(` at or after `offset` and its matching `)`, exclusive. */
  parenthesizedAfter(offset: number): { start: number; end: number } | undefined {
    const tokens = this.tokens;
    let i = this.tokenIndexAt(offset);
    while (i < tokens.length && tokens[i].text !== '(') i++;
    if (i >= tokens.length) return undefined;
    const open = i;
    let depth = 0;
    for (; i < tokens.length; i++) {
      if (tokens[i].text === '(') depth++;
      else if (tokens[i].text === ')') {
        depth--;
        if (depth === 0) return { start: tokens[open].end, end: tokens[i].start };
      }
    }
    return undefined;
  }

  /** True when the keyword sequence (upper case) occurs within `[start, end)` outside parentheses. */
  hasKeywords(start: number, end: number, words: string[]): boolean {
    const tokens = this.tokens;
    let depth = 0;
    for (let i = this.tokenIndexAt(start); i < tokens.length && tokens[i].start < end; i++) {
      const t = tokens[i].text;
      if (t === '(') depth++;
      else if (t === ')') depth--;
      if (depth !== 0) continue;
      let k = 0;
      while (k < words.length && i + k < tokens.length && tokens[i + k].text.toUpperCase() === words[k]) k++;
      if (k === words.length) return true;
    }
    return false;
  }

  /** The range of the type written at `offset` in a column definition. */
  typeRange(offset: number): SourceRange {
    return this.#fromOffset(offset, (tokens) => {
      let i = 0;
      let depth = 0;
      let last = i;
      for (let token = tokens.get(i); token !== undefined; token = tokens.get(++i)) {
        const t = token.text;
        const upper = t.toUpperCase();
        if (depth === 0 && (t === ',' || t === ')' || t === ';' || COLUMN_CONSTRAINT_START.has(upper))) break;
        if (t === '(' || t === '[') depth++;
        else if (t === ')' || t === ']') depth--;
        last = i;
      }
      return this.range_(offset, tokens.get(last)?.end ?? offset);
    });
  }

  /**
   * End of the expression that starts at `offset`: up to the next constraint keyword, `,` or `)` at
   * its own depth. The first token always belongs to it (`DEFAULT NULL`).
   */
  clauseEnd(offset: number): number {
    const tokens = this.tokens;
    let i = this.tokenIndexAt(offset);
    let depth = 0;
    let end = offset;
    for (let first = true; i < tokens.length; i++, first = false) {
      const t = tokens[i].text;
      const upper = t.toUpperCase();
      if (depth === 0 && (t === ',' || t === ')' || t === ';')) break;
      if (depth === 0 && !first && COLUMN_CONSTRAINT_START.has(upper)) break;
      if (t === '(' || t === '[') depth++;
      else if (t === ')' || t === ']') depth--;
      end = tokens[i].end;
    }
    return end;
  }

  /**
   * Where a DEFAULT's expression starts: the token after the DEFAULT before the expression's first
   * location `exprAt` (the tree has no location for a leading `(`, as in `DEFAULT (1) + 2`).
   */
  defaultStart(exprAt: number): number {
    const tokens = this.tokens;
    let i = this.tokenIndexAt(exprAt) - 1;
    while (i >= 0 && tokens[i].text.toUpperCase() !== 'DEFAULT') i--;
    return i >= 0 ? (tokens[i + 1]?.start ?? exprAt) : exprAt;
  }

  /**
   * An inline (column) constraint that starts at `offset` (`CONSTRAINT name …` or its keyword): up
   * to the next constraint of the column, the `,` or the `)`.
   */
  constraintRange(offset: number): SourceRange {
    return this.#fromOffset(offset, (tokens) => {
      let i = 0;
      const first = tokens.get(i);
      if (first === undefined) return this.range_(offset, offset);
      const start = first.start;
      if (first.text.toUpperCase() === 'CONSTRAINT') i += 2;
      if (tokens.get(i) === undefined) return this.range_(start, tokens.get(tokens.count() - 1)!.end);
      // The constraint's own keyword(s): `NOT NULL`, `PRIMARY KEY`, `REFERENCES`, …
      let end = tokens.get(i)!.end;
      if (tokens.get(i)!.text.toUpperCase() === 'NOT' && tokens.get(i + 1)) end = tokens.get(++i)!.end;
      let depth = 0;
      for (let token = tokens.get(++i); token !== undefined; token = tokens.get(++i)) {
        const t = token.text;
        const upper = t.toUpperCase();
        if (depth === 0 && (t === ',' || t === ')' || t === ';')) break;
        if (depth === 0 && INLINE_CONSTRAINT_START.has(upper)) {
          const prev = tokens.get(i - 1)!.text.toUpperCase();
          const next = tokens.get(i + 1)?.text.toUpperCase();
          // `NOT VALID`, `NOT DEFERRABLE`, `NOT ENFORCED`, `NULLS NOT DISTINCT` and `SET NULL`,
          // `SET DEFAULT` (a foreign key's action) belong to this constraint.
          const own =
            (upper === 'NOT' &&
              (next === 'VALID' || next === 'DEFERRABLE' || next === 'ENFORCED' || next === 'DISTINCT')) ||
            ((upper === 'NULL' || upper === 'DEFAULT') && prev === 'SET');
          if (!own) break;
        }
        if (t === '(' || t === '[') depth++;
        else if (t === ')' || t === ']') depth--;
        end = token.end;
      }
      return this.range_(start, end);
    });
  }

  /**
   * The text inside the parentheses of the clause whose expression starts at `exprAt` (`USING (…)`,
   * `WITH CHECK (…)`, `CHECK (…)`): from the clause's `(` to its matching `)`.
   */
  clauseParenText(exprAt: number): string {
    const tokens = this.tokens;
    let i = this.tokenIndexAt(exprAt) - 1;
    while (i > 0 && tokens[i].text === '(' && tokens[i - 1].text === '(') i--;
    if (i < 0 || tokens[i]?.text !== '(') return '';
    const inner = this.parenthesizedAfter(tokens[i].start);
    return inner ? this.text(inner.start, inner.end).trim() : '';
  }

  /**
   * The text of each element of the parenthesised list that opens at or after `offset` (an index's
   * columns): a parenthesised expression without its parentheses, a function call without what
   * follows it (opclass, ASC/DESC, NULLS, COLLATE).
   */
  listElements(offset: number): { start: number; end: number }[] {
    const tokens = this.tokens;
    let i = this.tokenIndexAt(offset);
    while (i < tokens.length && tokens[i].text !== '(') i++;
    const out: { start: number; end: number }[] = [];
    let depth = 0;
    let elementStart = i + 1;
    for (i++; i < tokens.length; i++) {
      const t = tokens[i].text;
      if (t === '(' || t === '[') depth++;
      else if ((t === ')' || t === ']') && depth > 0) depth--;
      else if (depth === 0 && (t === ',' || t === ')')) {
        out.push(this.elementExpression(elementStart, i));
        if (t === ')') break;
        elementStart = i + 1;
      }
    }
    return out;
  }

  /** The expression of an index element made of `tokens[from, to)`. */
  private elementExpression(from: number, to: number): { start: number; end: number } {
    const tokens = this.tokens;
    if (from >= to) return { start: tokens[from]?.start ?? 0, end: tokens[from]?.start ?? 0 };
    // A parenthesised expression, or a (possibly qualified) function call: up to the `)` that closes it.
    let depth = 0;
    const parenthesised = tokens[from].text === '(';
    for (let i = from; i < to; i++) {
      const t = tokens[i].text;
      if (t === '(') depth++;
      else if (t === ')') {
        depth--;
        if (depth === 0) {
          return parenthesised
            ? { start: tokens[from].end, end: tokens[i].start }
            : { start: tokens[from].start, end: tokens[i].end };
        }
      }
    }
    return { start: tokens[from].start, end: tokens[to - 1].end };
  }

  /** Text from the end of the keyword token just before `exprAt` (e.g. `WHERE`) to the statement end. */
  textAfterKeyword(keyword: string, exprAt: number): string {
    const tokens = this.tokens;
    let i = this.tokenIndexAt(exprAt) - 1;
    while (i >= 0 && tokens[i].text.toUpperCase() !== keyword) i--;
    if (i < 0) return '';
    return this.text(tokens[i].end, this.stmt.end).trim();
  }
}

/**
 * The tokens of a statement from the first one at or after some offset: `get(0)` is that one,
 * undefined past the statement's end.
 */
interface TokenRun {
  get(i: number): ScanToken | undefined;
  /** How many there are (reads them all). */
  count(): number;
}

/** A run over the statement's tokens, from index `base`. */
class ArrayRun implements TokenRun {
  constructor(
    private readonly tokens: ScanToken[],
    private readonly base: number,
  ) {}

  get(i: number): ScanToken | undefined {
    return i < 0 ? undefined : this.tokens[this.base + i];
  }

  count(): number {
    return Math.max(0, this.tokens.length - this.base);
  }
}

/** A run scanned as far as it is read. */
class LexerRun implements TokenRun {
  readonly #tokens: ScanToken[] = [];
  #done = false;

  constructor(private readonly lexer: Lexer) {}

  get(i: number): ScanToken | undefined {
    while (i >= this.#tokens.length && !this.#done) this.#pull();
    return i < 0 ? undefined : this.#tokens[i];
  }

  count(): number {
    while (!this.#done) this.#pull();
    return this.#tokens.length;
  }

  #pull(): void {
    const lexer = this.lexer;
    if (!lexer.next()) {
      this.#done = true;
      return;
    }
    this.#tokens.push(lexer.token());
  }
}

// ── lexical scans of the text, without the scanner ─────────────────────────────────────────
// Cheap enough to run while building (they read only the few characters of one clause): they know
// string literals ('…', E'…'), quoted identifiers, dollar quotes and comments, nothing more.

function isWordChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 128
  );
}

/** If a literal, quoted identifier, dollar quote or comment starts at `i`, its end; otherwise -1. */
function nonCodeEnd(text: string, i: number, limit: number): number {
  const c = text.charCodeAt(i);
  const next = text.charCodeAt(i + 1);
  if (c === 45 && next === 45) {
    const nl = text.indexOf('\n', i);
    return nl === -1 || nl > limit ? limit : nl;
  }
  if (c === 47 && next === 42) {
    let depth = 0;
    for (let j = i; j < limit; j++) {
      if (text.charCodeAt(j) === 47 && text.charCodeAt(j + 1) === 42) {
        depth++;
        j++;
      } else if (text.charCodeAt(j) === 42 && text.charCodeAt(j + 1) === 47) {
        depth--;
        j++;
        if (depth === 0) return j + 1;
      }
    }
    return limit;
  }
  if (c === 39 || c === 34) {
    const escapes = c === 39 && (text.charCodeAt(i - 1) | 32) === 101 && !isWordChar(text.charCodeAt(i - 2));
    for (let j = i + 1; j < limit; j++) {
      const d = text.charCodeAt(j);
      if (escapes && d === 92) j++;
      else if (d === c) {
        if (text.charCodeAt(j + 1) === c) j++;
        else return j + 1;
      }
    }
    return limit;
  }
  if (c === 36 && !isWordChar(text.charCodeAt(i - 1))) {
    const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 64))?.[0];
    if (tag) {
      const close = text.indexOf(tag, i + tag.length);
      return close === -1 || close + tag.length > limit ? limit : close + tag.length;
    }
  }
  return -1;
}

/** Offset of the `)` that closes the first `(` at or after `from` (before `limit`), or -1. */
export function closingParen(
  text: string,
  from: number,
  limit: number,
): { open: number; close: number } | undefined {
  let depth = 0;
  let open = -1;
  for (let i = from; i < limit; i++) {
    const skip = nonCodeEnd(text, i, limit);
    if (skip !== -1) {
      i = skip - 1;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === 40) {
      if (depth++ === 0 && open === -1) open = i;
    } else if (c === 41 && depth > 0 && --depth === 0) return { open, close: i };
  }
  return undefined;
}

/**
 * End of the clause that starts at `from`: before the first `,` or unmatched `)` at its own depth,
 * or `limit`; trailing whitespace and comments are not part of it.
 */
export function clauseTextEnd(text: string, from: number, limit: number): number {
  let depth = 0;
  let end = from;
  for (let i = from; i < limit; i++) {
    const skip = nonCodeEnd(text, i, limit);
    if (skip !== -1) {
      const c = text.charCodeAt(i);
      // Comments are not code; literals are.
      if (!((c === 45 || c === 47) && (text.charCodeAt(i + 1) === 45 || text.charCodeAt(i + 1) === 42)))
        end = skip;
      i = skip - 1;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91) depth++;
    else if (c === 41 || c === 93) {
      if (depth === 0) break;
      depth--;
    } else if ((c === 44 || c === 59) && depth === 0) break;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 11) end = i + 1;
  }
  return end;
}

/** True when `words` (lower case) follow each other in `text[from, limit)`, outside literals and comments. */
export function hasWords(text: string, from: number, limit: number, words: readonly string[]): boolean {
  let matched = 0;
  for (let i = from; i < limit; i++) {
    const skip = nonCodeEnd(text, i, limit);
    if (skip !== -1) {
      // A comment between two words keeps them together; a literal does not.
      const c = text.charCodeAt(i);
      if (c === 39 || c === 34 || c === 36) matched = 0;
      i = skip - 1;
      continue;
    }
    if (!isWordChar(text.charCodeAt(i))) {
      const c = text.charCodeAt(i);
      if (!(c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11)) matched = 0;
      continue;
    }
    let j = i + 1;
    while (j < limit && isWordChar(text.charCodeAt(j))) j++;
    const word = text.slice(i, j).toLowerCase();
    if (word === words[matched]) matched++;
    else matched = word === words[0] ? 1 : 0;
    if (matched === words.length) return true;
    i = j - 1;
  }
  return false;
}

/** Words that end a column's type or default: the start of the next column constraint or option. */
const COLUMN_CONSTRAINT_START = new Set([
  'CONSTRAINT',
  'NOT',
  'NULL',
  'DEFAULT',
  'PRIMARY',
  'UNIQUE',
  'REFERENCES',
  'CHECK',
  'GENERATED',
  'COLLATE',
  'USING',
  'COMPRESSION',
  'STORAGE',
]);

/** Words that start a column constraint (the end of the previous one). */
const INLINE_CONSTRAINT_START = new Set([
  'CONSTRAINT',
  'NOT',
  'NULL',
  'DEFAULT',
  'PRIMARY',
  'UNIQUE',
  'REFERENCES',
  'CHECK',
  'GENERATED',
  'COLLATE',
]);

/** Defines a memoised getter: the value is computed on first read, then kept as a plain property. */
export function lazy<T extends object, K extends keyof T>(target: T, prop: K, compute: () => T[K]): void {
  Object.defineProperty(target, prop, {
    configurable: true,
    enumerable: true,
    // `this`, not `target`: a copy made with the property descriptors (a column copied by LIKE or
    // PARTITION OF) computes and keeps its own value without touching the original.
    get(this: T) {
      const value = compute();
      Object.defineProperty(this, prop, { value, writable: true, enumerable: true, configurable: true });
      return value;
    },
    set(this: T, value: T[K]) {
      Object.defineProperty(this, prop, { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

/** How a `LazyOrigin` finds its range: the list element or the column constraint at its offset. */
type RangeRule = 'element' | 'constraint' | (() => SourceRange);

/**
 * An origin whose range comes from the statement's tokens when first read. A class with private
 * fields, not an object with closures or `defineProperty`: a large schema creates hundreds of
 * thousands of these, and most are never read. It serialises (`toJSON`) like a plain origin.
 */
export class LazyOrigin implements Origin {
  readonly statement: SourceRange;
  readonly #st: StatementText;
  readonly #at: number;
  readonly #rule: RangeRule;
  #range: SourceRange | undefined;

  constructor(st: StatementText, at: number, rule: RangeRule = 'element') {
    this.statement = st.range;
    this.#st = st;
    this.#at = at;
    this.#rule = rule;
  }

  get range(): SourceRange {
    if (this.#range === undefined) {
      const rule = this.#rule;
      this.#range =
        rule === 'element'
          ? this.#st.elementRange(this.#at)
          : rule === 'constraint'
            ? this.#st.constraintRange(this.#at)
            : rule();
    }
    return this.#range;
  }

  set range(value: SourceRange) {
    this.#range = value;
  }

  /** The range if it was read (or set) already, without computing it. */
  get rangeIfRead(): SourceRange | undefined {
    return this.#range;
  }

  toJSON(): Origin {
    return { statement: this.statement, range: this.range };
  }
}

/**
 * An origin's range if it is known without computing it: a lazy one that nothing has read yet is
 * undefined (it covers no finding's range, since a finding's range is read when it is reported).
 */
export function rangeIfRead(origin: Origin): SourceRange | undefined {
  return origin instanceof LazyOrigin ? origin.rangeIfRead : origin.range;
}

/** A column type whose range (`character varying(255)`) comes from the tokens when first read. */
export class LazyType implements ColumnType {
  name: string;
  declare schema?: string;
  declare intervalFields?: number;
  modifiers: number[];
  arrayDims: number;
  written: string;
  readonly #st: StatementText;
  readonly #at: number;
  #range: SourceRange | undefined;

  constructor(fields: Omit<ColumnType, 'range'>, st: StatementText, at: number) {
    this.name = fields.name;
    if (fields.schema !== undefined) this.schema = fields.schema;
    if (fields.intervalFields !== undefined) this.intervalFields = fields.intervalFields;
    this.modifiers = fields.modifiers;
    this.arrayDims = fields.arrayDims;
    this.written = fields.written;
    this.#st = st;
    this.#at = at;
  }

  get range(): SourceRange | undefined {
    return (this.#range ??= this.#st.typeRange(this.#at));
  }

  set range(value: SourceRange | undefined) {
    this.#range = value;
  }

  /** The same type (and range) under another name, for ALTER TYPE … RENAME. */
  renamed(name: string): LazyType {
    const copy = new LazyType({ ...this, name }, this.#st, this.#at);
    copy.#range = this.#range;
    return copy;
  }

  toJSON(): ColumnType {
    return { ...this, range: this.range };
  }
}

/** A shallow copy that keeps lazy properties lazy (spreading would compute them all). */
export function copyLazy<T extends object>(source: T): T {
  return Object.create(Object.getPrototypeOf(source), Object.getOwnPropertyDescriptors(source)) as T;
}
