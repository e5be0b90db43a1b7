/**
 * Parses kept between lints of the same files (the language server keeps one per project): a file
 * whose text is unchanged is not parsed again, and a changed SQL file is parsed again statement by
 * statement (`reparseSql`), so that a keystroke costs the parse of the statement it changed.
 */
import type { ModelMemo } from '../model/incremental';
import { parseSql, reparseSql, type ParsedSql } from './sql';

export class ParseCache {
  private readonly sql = new Map<string, ParsedSql>();
  /**
   * The model of a file linted on its own, with the parse it was built from: the next keystroke's
   * model is that one with the edited table built again (`patchSqlModel`).
   */
  readonly models = new Map<string, ModelMemo>();
  private chars = 0;

  /**
   * @param maxChars the texts whose parses are kept, in characters (the least recently parsed go
   *   first): parse trees take many times their text's size in memory.
   */
  constructor(private readonly maxChars = 16_000_000) {}

  /** The parse of a SQL file's text, from the file's previous parse where it can. */
  sqlFile(path: string, text: string): ParsedSql {
    const before = this.sql.get(path);
    const parsed = before ? reparseSql(text, before) : parseSql(text);
    if (before) {
      this.sql.delete(path);
      this.chars -= before.text.length;
    }
    this.sql.set(path, parsed);
    this.chars += text.length;
    for (const [p, old] of this.sql) {
      if (this.chars <= this.maxChars || p === path) break;
      this.sql.delete(p);
      this.models.delete(p);
      this.chars -= old.text.length;
    }
    return parsed;
  }

  /** The last parse of a file, if kept. */
  peek(path: string): ParsedSql | undefined {
    return this.sql.get(path);
  }

  /** A cache that starts with this one's parses and goes its own way (the parses are shared, never changed). */
  fork(): ParseCache {
    const copy = new ParseCache(this.maxChars);
    for (const [path, parsed] of this.sql) copy.sql.set(path, parsed);
    for (const [path, memo] of this.models) copy.models.set(path, { ...memo });
    copy.chars = this.chars;
    return copy;
  }

  /** Forgets a file (deleted, or no longer linted). */
  delete(path: string): void {
    this.models.delete(path);
    const before = this.sql.get(path);
    if (!before) return;
    this.sql.delete(path);
    this.chars -= before.text.length;
  }

  get size(): number {
    return this.sql.size;
  }
}
