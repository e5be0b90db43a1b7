/**
 * Exact source ranges inside a statement, from the scanner's tokens. Parse-tree nodes carry only a
 * start location; where a finding needs the end of a column definition, a constraint or an
 * expression, it is found here. Everything is computed lazily: most objects never need a range
 * beyond their start, and scanning every statement would double the cost of a lint.
 */
import type { SourceRange } from '../findings';
import { statementTokens, type ParsedSql, type ScanToken, type SqlStatement } from '../parse/sql';

export class StatementText {
  constructor(
    readonly file: string,
    readonly parsed: ParsedSql,
    readonly stmt: SqlStatement,
  ) {}

  get tokens(): ScanToken[] {
    return statementTokens(this.parsed, this.stmt);
  }

  /** The whole statement, with its `;`. */
  get range(): SourceRange {
    return { file: this.file, start: this.stmt.start, end: this.stmt.endWithTerminator };
  }

  range_(start: number, end: number): SourceRange {
    return { file: this.file, start, end };
  }

  text(start: number, end: number): string {
    return this.parsed.sqlText.slice(start, end);
  }

  /** Index of the first token that starts at or after `offset`. */
  tokenIndexAt(offset: number): number {
    const tokens = this.tokens;
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tokens[mid].start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The element that starts at `offset` in a comma-separated list (a column definition, a table
   * constraint, an ALTER TABLE command): up to the next `,` or closing `)` at its own depth.
   */
  elementRange(offset: number): SourceRange {
    const tokens = this.tokens;
    let i = this.tokenIndexAt(offset);
    if (i >= tokens.length) return this.range_(offset, this.stmt.end);
    let depth = 0;
    let last = i;
    for (; i < tokens.length; i++) {
      const t = tokens[i].text;
      if (t === '(' || t === '[') depth++;
      else if (t === ')' || t === ']') {
        if (depth === 0) break;
        depth--;
      } else if (t === ',' && depth === 0) break;
      else if (t === ';' && depth === 0) break;
      last = i;
    }
    return this.range_(offset, tokens[last].end);
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
    const tokens = this.tokens;
    let i = this.tokenIndexAt(offset);
    let depth = 0;
    let last = i;
    for (; i < tokens.length; i++) {
      const t = tokens[i].text;
      const upper = t.toUpperCase();
      if (depth === 0 && (t === ',' || t === ')' || t === ';' || COLUMN_CONSTRAINT_START.has(upper))) break;
      if (t === '(' || t === '[') depth++;
      else if (t === ')' || t === ']') depth--;
      last = i;
    }
    return this.range_(offset, tokens[last]?.end ?? offset);
  }

  /** Expression text from `offset` to the end of its clause (the next constraint keyword, `,` or `)`). */
  clauseEnd(offset: number): number {
    const tokens = this.tokens;
    let i = this.tokenIndexAt(offset);
    let depth = 0;
    let end = offset;
    for (; i < tokens.length; i++) {
      const t = tokens[i].text;
      const upper = t.toUpperCase();
      if (depth === 0 && (t === ',' || t === ')' || t === ';' || COLUMN_CONSTRAINT_START.has(upper))) break;
      if (t === '(' || t === '[') depth++;
      else if (t === ')' || t === ']') depth--;
      end = tokens[i].end;
    }
    return end;
  }
}

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

/** Defines a memoised getter: the value is computed on first read, then kept as a plain property. */
export function lazy<T extends object, K extends keyof T>(target: T, prop: K, compute: () => T[K]): void {
  Object.defineProperty(target, prop, {
    configurable: true,
    enumerable: true,
    get() {
      const value = compute();
      Object.defineProperty(target, prop, { value, writable: true, enumerable: true, configurable: true });
      return value;
    },
    set(value: T[K]) {
      Object.defineProperty(target, prop, { value, writable: true, enumerable: true, configurable: true });
    },
  });
}
