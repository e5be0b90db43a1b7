/**
 * The text the engine lints for a file being typed in: the file, with spaces (a pad) before every
 * statement's `;`. Typing in a statement takes spaces from its pad (a deletion gives them back), so
 * every other statement stays at the offset it had: its parse is then the same object as before,
 * and so is every model object built from it, which is what lets `patchSqlModel` build only the
 * edited table again. Spaces before a `;` change nothing PostgreSQL or a rule sees; findings are
 * moved back to the file's own offsets (`findingToFile`) before anyone else sees them.
 */
import type { Finding, Fix, RelatedInfo } from './findings';
import type { ParseCache } from './parse/cache';
import { commonPrefix, commonSuffix, splitStatements } from './parse/split';
import { loadSqlParser, segmentsOfParse, type ParsedSql } from './parse/sql';
import { partitionPoint } from './text';

/** Spaces of a new pad; one that deletions made longer than `MAX_PAD` is made anew. */
const PAD = 32;
const MAX_PAD = 256;
const QUOTE = /^([\s\S]* at or near ")([\s\S]*?)(…?)"$/;

export class PaddedText {
  private file = '';
  private text = '';
  /**
   * The pads, in order: the offset in the file of the `;` each stands before, its spaces, where
   * its first space is in the padded text, and the spaces of the pads before it.
   */
  private at: number[] = [];
  private length: number[] = [];
  private start: number[] = [];
  private before: number[] = [];

  /**
   * The padded text of the file's new text. `previous` is the parse of the last padded text, if
   * any: it says which statement an edit is in.
   */
  update(file: string, previous: ParsedSql | undefined): string {
    if (this.text === '') {
      // The first text gets a pad before every `;`, so that the first keystroke in any statement
      // finds its own.
      const at: number[] = [];
      for (const s of splitStatements(file).segments) if (s.semicolon >= 0) at.push(s.semicolon);
      return this.build(
        file,
        at,
        at.map(() => PAD),
      );
    }
    const old = this.file;
    if (file === old) return this.text;
    const prefix = commonPrefix(old, file);
    const suffix = commonSuffix(old, file, Math.min(old.length, file.length) - prefix);
    const editEnd = old.length - suffix;
    const delta = file.length - old.length;
    // The pad of the statement the edit is in (or, between statements, of the next one).
    const statement = previous ? statementAt(previous, this.toPadded(prefix)) : undefined;
    let semicolon = -1;
    if (statement && statement.endWithTerminator > statement.end) {
      const at = this.toFile(statement.endWithTerminator - 1);
      if (at >= editEnd && file.charCodeAt(at + delta) === 59 /* ; */) semicolon = at;
    }
    const first = partitionPoint(this.at, (a) => a < prefix);
    // The first pad from the edit on is the statement's, and can take what the edit added: the
    // rest of the padded text stays where it was.
    const k = semicolon >= 0 && this.at[first] === semicolon ? first : -1;
    const newLength = k >= 0 ? this.length[k] - delta : -1;
    if (k >= 0 && newLength >= 0 && newLength <= MAX_PAD) {
      const from = this.toPadded(prefix);
      const to = this.toPadded(editEnd);
      const padStart = this.start[k];
      this.text =
        this.text.slice(0, from) +
        file.slice(prefix, file.length - suffix) +
        this.text.slice(to, padStart) +
        ' '.repeat(newLength) +
        this.text.slice(padStart + this.length[k]);
      this.file = file;
      this.at[k] += delta;
      this.length[k] = newLength;
      this.start[k] += delta;
      for (let i = k + 1; i < this.at.length; i++) {
        this.at[i] += delta;
        this.before[i] -= delta;
      }
      return this.text;
    }
    // Otherwise (the text after the edit moves this once): pads after the edit move with the
    // text, one inside it is gone, and the edited statement's is made anew.
    const own = semicolon >= 0 ? semicolon + delta : -1;
    const at: number[] = [];
    const length: number[] = [];
    for (let i = 0; i < this.at.length; i++) {
      const a = this.at[i] < prefix ? this.at[i] : this.at[i] >= editEnd ? this.at[i] + delta : -1;
      if (a < 0) continue;
      if (own >= 0 && a > own && (at.length === 0 || at[at.length - 1] < own)) {
        at.push(own);
        length.push(PAD);
      }
      if (a === own) continue;
      at.push(a);
      length.push(this.length[i]);
    }
    if (own >= 0 && (at.length === 0 || at[at.length - 1] < own)) {
      at.push(own);
      length.push(PAD);
    }
    return this.build(file, at, length);
  }

  private build(file: string, at: number[], length: number[]): string {
    const parts: string[] = [];
    this.start = [];
    this.before = [];
    let from = 0;
    let added = 0;
    for (let i = 0; i < at.length; i++) {
      parts.push(file.slice(from, at[i]), ' '.repeat(length[i]));
      this.start.push(at[i] + added);
      this.before.push(added);
      added += length[i];
      from = at[i];
    }
    parts.push(file.slice(from));
    this.file = file;
    this.at = at;
    this.length = length;
    this.text = parts.join('');
    return this.text;
  }

  /** The padded offset of a file offset (at a pad's `;`: before the pad). */
  private toPadded(offset: number): number {
    const i = partitionPoint(this.at, (a) => a < offset) - 1;
    return i < 0 ? offset : offset + this.before[i] + this.length[i];
  }

  /** The file offset of a padded offset (one inside a pad: where the pad stands). */
  toFile(offset: number): number {
    const i = partitionPoint(this.start, (s) => s <= offset) - 1;
    if (i < 0) return offset;
    if (offset - this.start[i] < this.length[i]) return this.at[i];
    return offset - this.before[i] - this.length[i];
  }

  /**
   * Whether every pad still stands before a statement's `;` in the parse of the padded text: an
   * edit that opens a literal or a comment can take a `;` into it, and the spaces with it.
   */
  fits(parsed: ParsedSql): boolean {
    const segments = segmentsOfParse(parsed);
    let j = 0;
    for (let i = 0; i < this.at.length; i++) {
      const semicolon = this.start[i] + this.length[i];
      while (j < segments.length && segments[j].semicolon < semicolon) j++;
      if (j >= segments.length || segments[j].semicolon !== semicolon) return false;
    }
    return true;
  }

  /** Forgets the pads: the next text is padded afresh, before every `;` the splitter finds in it. */
  reset(): void {
    this.file = '';
    this.text = '';
    this.at = [];
    this.length = [];
    this.start = [];
    this.before = [];
  }

  /** Whether the padded text is the file's own (no pads). */
  get plain(): boolean {
    return this.at.length === 0;
  }

  /** A finding on the padded text, on the file (`path`'s offsets; other files' are left as they are). */
  findingToFile(f: Finding, path: string): Finding {
    if (this.plain) return f;
    const move = <T extends { file: string; start: number; end: number }>(r: T): T =>
      r.file === path ? { ...r, start: this.toFile(r.start), end: this.toFile(r.end) } : r;
    const fixes = f.fixes.map((fix): Fix => ({ ...fix, edits: fix.edits.map(move) }));
    const out: Finding = { ...move(f), fixes };
    // PostgreSQL's "at or near" quotes the text at the error (up to the end of its line for an
    // open literal): the file's text, without the spaces of a pad.
    const quote = f.file === path ? QUOTE.exec(f.message) : null;
    if (quote && this.text.startsWith(quote[2], f.start)) {
      const text = this.file.slice(this.toFile(f.start), this.toFile(f.start + quote[2].length));
      out.message = `${quote[1]}${text}${quote[3]}"`;
    }
    if (f.related) out.related = f.related.map((r): RelatedInfo => move(r));
    return out;
  }
}

/**
 * The statement whose text (with its `;`) holds `offset`; else, for an offset between statements
 * (the blank lines and comments before one), the next statement.
 */
function statementAt(parsed: ParsedSql, offset: number) {
  const stmts = parsed.statements;
  const i = partitionPoint(stmts, (s) => s.start <= offset) - 1;
  const s = i >= 0 ? stmts[i] : undefined;
  return s && offset <= s.endWithTerminator ? s : stmts[i + 1];
}

/**
 * The text to lint for `path`, a SQL file linted on its own with the parses of `parses`: `text`
 * padded by `pad` (its parse is then in `parses`), padded afresh when an edit took a pad into a
 * literal or a comment.
 */
export async function paddedText(
  pad: PaddedText,
  path: string,
  text: string,
  parses: ParseCache,
): Promise<string> {
  await loadSqlParser();
  const padded = pad.update(text, parses.peek(path));
  if (pad.fits(parses.sqlFile(path, padded))) return padded;
  pad.reset();
  return pad.update(text, undefined);
}
