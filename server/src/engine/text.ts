/**
 * Text positions. The engine speaks in UTF-16 offsets into a file's text (what JavaScript strings
 * and the editor use); libpg-query speaks in UTF-8 byte offsets and in code-point cursors. This
 * module is the one place that converts between them.
 */

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based column in UTF-16 code units. */
  character: number;
}

/**
 * Line starts of a text, for offset ↔ line/column. Built once per file, on demand. Lines end at
 * `\n` (so also at `\r\n`, whose `\r` belongs to no column); a lone `\r` is not a line break,
 * the way every other part of the engine counts lines.
 */
export class LineIndex {
  private readonly starts: number[];
  constructor(readonly text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
  }
  get lineCount(): number {
    return this.starts.length;
  }
  position(offset: number): Position {
    const o = Math.max(0, Math.min(Number.isFinite(offset) ? Math.floor(offset) : 0, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    // The `\n` of a `\r\n` belongs to the end of its line.
    return { line: lo, character: Math.min(o, this.lineEnd(lo)) - this.starts[lo] };
  }
  offset(pos: Position): number {
    if (pos.line >= this.starts.length) return this.text.length;
    if (pos.line < 0) return 0;
    const start = this.starts[pos.line];
    return Math.min(start + Math.max(0, pos.character), this.lineEnd(pos.line));
  }
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }
  /** Offset of the line's end, before its line break. */
  lineEnd(line: number): number {
    if (line < 0) return this.lineEnd(0);
    if (line + 1 >= this.starts.length) return this.text.length;
    const next = this.starts[line + 1];
    return this.text.charCodeAt(next - 1) === 10 && this.text.charCodeAt(next - 2) === 13
      ? next - 2
      : next - 1;
  }
}

/**
 * UTF-8 byte offsets ↔ UTF-16 offsets for one text. For ASCII text (the usual case) both are the
 * identity and cost nothing; otherwise the non-ASCII code units are recorded once.
 */
export class ByteMap {
  /** UTF-16 offset of every non-ASCII character (a surrogate pair counts once, at its first unit). */
  private readonly at: number[] = [];
  /** UTF-8 byte offset where that character starts. */
  private readonly byteAt: number[] = [];
  /** Extra UTF-8 bytes (over UTF-16 units) accumulated up to and including that character. */
  private readonly extra: number[] = [];
  /** UTF-16 length of that character (2 for a surrogate pair). */
  private readonly units: number[] = [];
  /** UTF-16 offsets of code points beyond the BMP, for code-point ↔ UTF-16. */
  private readonly astral: number[] = [];

  constructor(text: string) {
    // eslint-disable-next-line no-control-regex
    if (!/[^\x00-\x7f]/.test(text)) return;
    let acc = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) continue;
      this.at.push(i);
      this.byteAt.push(i + acc);
      const next = text.charCodeAt(i + 1);
      if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        acc += 2; // 4 bytes for 2 code units
        this.astral.push(i);
        this.units.push(2);
        i++;
      } else {
        // A lone surrogate is sent as U+FFFD (3 bytes), as `String.prototype.toWellFormed` does.
        acc += c < 0x800 ? 1 : 2;
        this.units.push(1);
      }
      this.extra.push(acc);
    }
  }

  get isAscii(): boolean {
    return this.at.length === 0;
  }

  /** UTF-16 offset → UTF-8 byte offset (an offset inside a surrogate pair maps to the pair's start). */
  toByte(offset: number): number {
    const k = countAtMost(this.at, offset - 1);
    if (k === 0) return offset;
    if (this.at[k - 1] + this.units[k - 1] > offset) return this.byteAt[k - 1];
    return offset + this.extra[k - 1];
  }

  /** UTF-8 byte offset → UTF-16 offset (a byte inside a character maps to that character). */
  toUtf16(byte: number): number {
    const k = countAtMost(this.byteAt, byte) - 1;
    if (k < 0) return byte;
    const charEndByte = this.at[k] + this.extra[k] + this.units[k];
    return byte < charEndByte ? this.at[k] : byte - this.extra[k];
  }

  /** Code-point index (PostgreSQL's error cursor) → UTF-16 offset. */
  codePointToUtf16(cp: number): number {
    let offset = cp;
    for (const a of this.astral) {
      if (a < offset) offset++;
      else break;
    }
    return offset;
  }
}

/** Number of elements <= value in a sorted array. */
function countAtMost(sorted: number[], value: number): number {
  // Asked for every node's location: a search without a closure to allocate (`partitionPoint`'s).
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A binary search: the index of the first item of `items[from, to)` for which `before` is false,
 * when it holds for a leading run of them and for none after (`to` when it holds for all).
 */
export function partitionPoint<T>(
  items: readonly T[],
  before: (item: T) => boolean,
  from = 0,
  to = items.length,
): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(items[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
