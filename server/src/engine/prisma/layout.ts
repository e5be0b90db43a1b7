/**
 * Editing a Prisma model the way `prisma format` lays it out, so that a fixed schema is still a
 * formatted one.
 *
 * What the formatter does to a model (read off @prisma/prisma-schema-wasm's `format`, which the
 * tests compare with):
 * - Fields separated by blank lines form groups; comment lines do not separate them. In a group,
 *   the names are padded to the longest name, and where a field has attributes its type is padded
 *   to the longest type of the group; a trailing comment follows after one space.
 * - A field's attributes are ordered @id, @unique, @default, @updatedAt, @map, @relation, @ignore,
 *   then everything else (`@db.*` included) as written.
 * - Block attributes come after the fields and one blank line, ordered @@id, @@unique, @@index,
 *   @@fulltext, @@map, @@ignore, @@schema, then everything else as written.
 *
 * The editor reads the model's lines, applies changes (a field's type, optionality, attributes; a
 * new field; a block attribute added or removed; a comment line), and returns the smallest edits
 * that turn the old lines into the new ones. A group of fields that was aligned is realigned; one
 * that was not is left as the user wrote it, and only the changed lines are written, with single
 * spaces. Anything the editor does not understand (a model on one line, a line that is not a field,
 * a comment or an attribute) makes it give up: no edits rather than wrong ones.
 */
import type { SourceRange, TextEdit } from '../findings';
import { balancedEnd } from './scan';

export interface PrismaFieldLine {
  kind: 'field';
  indent: string;
  name: string;
  /** The type as written, with `?` or `[]`: `String?`, `Post[]`, `Unsupported("tsvector")`. */
  type: string;
  /** Each attribute as written: `@id`, `@default(now())`, `@db.Timestamptz(3)`. */
  attributes: string[];
  /** A trailing `// comment`, as written. */
  comment?: string;
}

type Line =
  | PrismaFieldLine
  | { kind: 'blank' }
  | { kind: 'comment'; raw: string }
  | { kind: 'blockAttribute'; raw: string; name: string }
  | { kind: 'other'; raw: string };

/** A line of the edited model: where it came from (an index into the original lines), if anywhere. */
interface Slot {
  line: Line;
  from?: number;
  /** Set when the line's content changed. */
  changed?: boolean;
}

const FIELD_ATTRIBUTE_ORDER = ['id', 'unique', 'default', 'updatedAt', 'map', 'relation', 'ignore'];
const BLOCK_ATTRIBUTE_ORDER = ['id', 'unique', 'index', 'fulltext', 'map', 'ignore', 'schema'];

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i === -1 ? order.length : i;
}

/** `@db.VarChar(255)` → `db.VarChar`; `@@index([a])` → `index`. */
export function attributeName(attribute: string): string {
  return /^@@?([\w.]+)/.exec(attribute)?.[1] ?? '';
}

function sortAttributes(attributes: readonly string[]): string[] {
  return attributes
    .map((a, i) => ({ a, i, r: rank(FIELD_ATTRIBUTE_ORDER, attributeName(a)) }))
    .sort((x, y) => x.r - y.r || x.i - y.i)
    .map((x) => x.a);
}

export class PrismaModelEditor {
  private readonly lines: string[] = [];
  private readonly eols: string[] = [];
  private readonly starts: number[] = [];
  private readonly slots: Slot[] = [];
  /** Original line index of the first and last body lines (the lines between `{` and `}`). */
  private readonly bodyStart: number;
  private readonly bodyEnd: number;
  private failed = false;
  /** The groups that were aligned as prisma format aligns them, as written: their widths and their fields by original line. */
  private readonly originalGroups: {
    widths: { name: number; type: number };
    fields: Map<number, PrismaFieldLine>;
    /** Every line of the group, comments included. */
    lines: Set<number>;
  }[] = [];

  constructor(
    private readonly text: string,
    private readonly block: SourceRange,
  ) {
    const source = text.slice(block.start, block.end);
    let at = 0;
    while (at <= source.length) {
      const nl = source.indexOf('\n', at);
      const end = nl === -1 ? source.length : nl;
      const cr = end > at && source[end - 1] === '\r';
      this.lines.push(source.slice(at, cr ? end - 1 : end));
      this.eols.push(nl === -1 ? '' : cr ? '\r\n' : '\n');
      this.starts.push(block.start + at);
      if (nl === -1) break;
      at = nl + 1;
    }
    const last = this.lines.length - 1;
    // `model X {` on the first line and `}` alone on the last: the layout prisma format writes.
    if (!/\{\s*(\/\/.*)?$/.test(this.lines[0]) || last < 1 || this.lines[last].trim() !== '}') {
      this.failed = true;
    }
    this.bodyStart = 1;
    this.bodyEnd = last - 1;
    for (let i = this.bodyStart; i <= this.bodyEnd; i++) {
      const line = parseLine(this.lines[i]);
      if (line.kind === 'other') this.failed = true;
      this.slots.push({ line, from: i });
    }
    for (const group of this.groups()) {
      const fields = group.map((i) => this.slots[i]).filter((s) => s.line.kind === 'field');
      const widths = columnWidths(fields.map((s) => s.line as PrismaFieldLine));
      if (fields.every((s) => this.lines[s.from!] === renderField(s.line as PrismaFieldLine, widths))) {
        this.originalGroups.push({
          widths,
          lines: new Set(group.map((i) => this.slots[i].from!)),
          fields: new Map(
            fields.map((s) => {
              const f = s.line as PrismaFieldLine;
              return [s.from!, { ...f, attributes: [...f.attributes] }];
            }),
          ),
        });
      }
    }
  }

  field(name: string): PrismaFieldLine | undefined {
    for (const s of this.slots) if (s.line.kind === 'field' && s.line.name === name) return s.line;
    return undefined;
  }

  /** Changes a field's type, keeping its `?` or `[]`: `setType('price', 'Decimal')`. */
  setType(field: string, type: string): this {
    return this.change(field, (f) => {
      const suffix = /(\?|\[\])$/.exec(f.type)?.[1] ?? '';
      f.type = type + suffix;
    });
  }

  setOptional(field: string, optional: boolean): this {
    return this.change(field, (f) => {
      const base = f.type.replace(/\?$/, '');
      f.type = optional && !base.endsWith('[]') ? `${base}?` : base;
    });
  }

  /**
   * Adds a field attribute in Prisma's order, replacing one of the same name (any native type
   * replaces the native type already there).
   */
  addAttribute(field: string, attribute: string): this {
    const name = attributeName(attribute);
    return this.change(field, (f) => {
      const same = (a: string) =>
        attributeName(a) === name || (name.startsWith('db.') && attributeName(a).startsWith('db.'));
      const at = f.attributes.findIndex(same);
      if (at >= 0) {
        f.attributes[at] = attribute;
        return;
      }
      // After every attribute of the same or an earlier rank: a stable sort then keeps it there.
      const r = rank(FIELD_ATTRIBUTE_ORDER, name);
      let i = f.attributes.length;
      while (i > 0 && rank(FIELD_ATTRIBUTE_ORDER, attributeName(f.attributes[i - 1])) > r) i--;
      f.attributes.splice(i, 0, attribute);
    });
  }

  /** Removes a field attribute by name (`unique`), or `db` for any native type. */
  removeAttribute(field: string, name: string): this {
    return this.change(field, (f) => {
      f.attributes = f.attributes.filter((a) => {
        const n = attributeName(a);
        return !(n === name || (name === 'db' && n.startsWith('db.')));
      });
    });
  }

  /** Adds a field as the first or the last of the model's fields. */
  addField(field: { name: string; type: string; attributes: string[] }, position: 'start' | 'end'): this {
    if (this.field(field.name)) {
      this.failed = true;
      return this;
    }
    const indices = this.slots.flatMap((s, i) => (s.line.kind === 'field' ? [i] : []));
    if (indices.length === 0) {
      this.failed = true;
      return this;
    }
    const line: PrismaFieldLine = {
      kind: 'field',
      indent: this.indent(),
      name: field.name,
      type: field.type,
      attributes: sortAttributes(field.attributes),
    };
    let at: number;
    if (position === 'end') at = indices[indices.length - 1] + 1;
    else {
      // Before the first field and the comments above it.
      at = indices[0];
      while (at > 0 && this.slots[at - 1].line.kind === 'comment') at--;
    }
    this.slots.splice(at, 0, { line, changed: true });
    return this;
  }

  /** A `// …` line right above a field (where `db-expert-disable-next-line` must stand). */
  addCommentAbove(field: string, comment: string): this {
    const at = this.slots.findIndex((s) => s.line.kind === 'field' && s.line.name === field);
    if (at < 0) {
      this.failed = true;
      return this;
    }
    const indent = (this.slots[at].line as PrismaFieldLine).indent;
    this.slots.splice(at, 0, { line: { kind: 'comment', raw: `${indent}${comment}` }, changed: true });
    return this;
  }

  /** Adds a block attribute (`@@index([authorId])`) in Prisma's order. */
  addBlockAttribute(attribute: string): this {
    const r = rank(BLOCK_ATTRIBUTE_ORDER, attributeName(attribute));
    const raw = `${this.indent()}${attribute}`;
    const slot: Slot = {
      line: { kind: 'blockAttribute', raw, name: attributeName(attribute) },
      changed: true,
    };
    const attributes = this.slots.flatMap((s, i) => (s.line.kind === 'blockAttribute' ? [i] : []));
    if (attributes.length === 0) {
      let at = this.slots.length;
      while (at > 0 && this.slots[at - 1].line.kind === 'blank') at--;
      this.slots.splice(at, 0, { line: { kind: 'blank' }, changed: true }, slot);
      return this;
    }
    // After the last one of the same or an earlier rank, else before the first (with its comments).
    const earlier = attributes.filter(
      (i) => rank(BLOCK_ATTRIBUTE_ORDER, (this.slots[i].line as { name: string }).name) <= r,
    );
    let at: number;
    if (earlier.length > 0) at = earlier[earlier.length - 1] + 1;
    else {
      at = attributes[0];
      while (at > 0 && this.slots[at - 1].line.kind === 'comment') at--;
    }
    this.slots.splice(at, 0, slot);
    return this;
  }

  /** Removes the block attribute written at `range` (with the blank line before it if it was the only one). */
  removeBlockAttribute(range: SourceRange): this {
    const at = this.slots.findIndex(
      (s) =>
        s.from !== undefined &&
        s.line.kind === 'blockAttribute' &&
        this.starts[s.from] <= range.start &&
        range.start < this.starts[s.from] + this.lines[s.from].length,
    );
    if (at < 0) {
      this.failed = true;
      return this;
    }
    this.slots.splice(at, 1);
    if (!this.slots.some((s) => s.line.kind === 'blockAttribute')) {
      // No block attribute left: the blank line that separated them from the fields goes too.
      let end = this.slots.length;
      while (end > 0 && this.slots[end - 1].line.kind === 'blank') {
        this.slots.splice(end - 1, 1);
        end--;
      }
    }
    return this;
  }

  /**
   * The edits: each line that changes is rewritten whole (its line break kept), a removed line goes
   * with its line break, and new lines go with the line before them. Lines, not characters, are
   * the unit, so that two fixes that touch one line collide (the fix loop applies one and
   * recomputes the other on the new text) instead of both applying to a layout that neither
   * expected. For the same reason a fix claims lines it does not change (an edit that writes them
   * as they are) when its change moves the alignment: every line of a group whose widths change,
   * and, when a line stops being the widest of its group, the lines that are as wide. Undefined
   * when the model could not be edited or nothing changes.
   */
  edits(): TextEdit[] | undefined {
    if (this.failed) return undefined;
    const rendered = this.render();
    const edits: TextEdit[] = [];
    const file = this.block.file;
    const kept = new Set(this.slots.flatMap((s) => (s.from === undefined ? [] : [s.from])));
    for (let i = this.bodyStart; i <= this.bodyEnd; i++) {
      if (kept.has(i)) continue;
      edits.push({ file, start: this.starts[i], end: this.starts[i + 1], newText: '' });
    }
    // Each kept line's new text, and the new lines that follow it (the header's, for the first).
    const content = new Map<number, string>([[0, this.lines[0]]]);
    const appended = new Map<number, string[]>();
    let anchor = 0;
    this.slots.forEach((s, i) => {
      if (s.from === undefined) appended.set(anchor, [...(appended.get(anchor) ?? []), rendered[i]]);
      else {
        anchor = s.from;
        content.set(s.from, rendered[i]);
      }
    });
    const claimed = this.claims();
    for (const [line, after] of content) {
      const before = this.lines[line];
      const added = appended.get(line) ?? [];
      if (before === after && added.length === 0 && !claimed.has(line)) continue;
      const eol = this.eols[line] || '\n';
      const start = this.starts[line];
      const next = after + added.map((l) => eol + l).join('');
      // A blank line has no content to replace: its line break is the range.
      if (before.length === 0) edits.push({ file, start, end: start + eol.length, newText: next + eol });
      else edits.push({ file, start, end: start + before.length, newText: next });
    }
    edits.sort((a, b) => a.start - b.start);
    const changes = edits.some((e) => e.newText !== this.text.slice(e.start, e.end));
    return changes ? edits : undefined;
  }

  /** Original lines that must be part of the edits although they do not change (see `edits`). */
  private claims(): Set<number> {
    const out = new Set<number>();
    const current = new Map<number, { name: number; type: number }>();
    for (const group of this.groups()) {
      const widths = columnWidths(
        group.map((i) => this.slots[i].line).filter((l): l is PrismaFieldLine => l.kind === 'field'),
      );
      for (const i of group) if (this.slots[i].from !== undefined) current.set(this.slots[i].from!, widths);
    }
    for (const group of this.originalGroups) {
      const { widths } = group;
      const now = [...group.lines].map((l) => current.get(l)).find((w) => w !== undefined);
      if (now && (now.name !== widths.name || now.type !== widths.type)) {
        for (const l of group.lines) out.add(l);
        continue;
      }
      for (const s of this.slots) {
        if (s.from === undefined || !s.changed || !group.fields.has(s.from) || s.line.kind !== 'field')
          continue;
        const was = group.fields.get(s.from)!;
        const narrower =
          (was.name.length === widths.name && s.line.name.length < widths.name) ||
          (was.type.length === widths.type && s.line.type.length < widths.type);
        if (!narrower) continue;
        for (const [line, f] of group.fields) {
          if (f.name.length === widths.name || f.type.length === widths.type) out.add(line);
        }
      }
    }
    return out;
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────

  private change(field: string, f: (line: PrismaFieldLine) => void): this {
    const slot = this.slots.find((s) => s.line.kind === 'field' && s.line.name === field);
    if (!slot) {
      this.failed = true;
      return this;
    }
    f(slot.line as PrismaFieldLine);
    slot.changed = true;
    return this;
  }

  private indent(): string {
    for (const s of this.slots) if (s.line.kind === 'field') return s.line.indent;
    return '  ';
  }

  /** Runs of field and comment lines between blank lines and block attributes, as slot indices. */
  private groups(): number[][] {
    const out: number[][] = [];
    let current: number[] = [];
    this.slots.forEach((s, i) => {
      if (s.line.kind === 'field' || s.line.kind === 'comment') current.push(i);
      else if (current.length > 0) {
        out.push(current);
        current = [];
      }
    });
    if (current.length > 0) out.push(current);
    return out;
  }

  private render(): string[] {
    const out = this.slots.map((s) => {
      const l = s.line;
      if (l.kind === 'blank') return '';
      if (l.kind === 'field') return renderField(l, { name: l.name.length, type: l.type.length });
      return l.raw;
    });
    // The groups of the original lines that were aligned stay aligned.
    for (const group of this.groups()) {
      const wasAligned = group.some((i) =>
        this.originalGroups.some((g) => g.lines.has(this.slots[i].from ?? -1)),
      );
      const fields = group.filter((i) => this.slots[i].line.kind === 'field');
      if (wasAligned) {
        const lines = fields.map((i) => this.slots[i].line as PrismaFieldLine);
        const widths = columnWidths(lines);
        for (const i of fields) out[i] = renderField(this.slots[i].line as PrismaFieldLine, widths);
      } else {
        // As the user wrote it, except the lines that changed.
        for (const i of fields) {
          const s = this.slots[i];
          if (!s.changed && s.from !== undefined) out[i] = this.lines[s.from];
        }
      }
    }
    return out;
  }
}

function columnWidths(fields: readonly PrismaFieldLine[]): { name: number; type: number } {
  return {
    name: Math.max(0, ...fields.map((f) => f.name.length)),
    type: Math.max(0, ...fields.map((f) => f.type.length)),
  };
}

function renderField(f: PrismaFieldLine, widths: { name: number; type: number }): string {
  const attributes = sortAttributes(f.attributes);
  const rest = attributes.length > 0 ? `${f.type.padEnd(widths.type)} ${attributes.join(' ')}` : f.type;
  return `${f.indent}${f.name.padEnd(widths.name)} ${rest}${f.comment ? ` ${f.comment}` : ''}`;
}

/** Reads one line of a model's body. */
function parseLine(raw: string): Line {
  const trimmed = raw.trim();
  if (trimmed === '') return { kind: 'blank' };
  if (trimmed.startsWith('//')) return { kind: 'comment', raw };
  if (trimmed.startsWith('@@')) return { kind: 'blockAttribute', raw, name: attributeName(trimmed) };
  return parseField(raw) ?? { kind: 'other', raw };
}

function parseField(raw: string): PrismaFieldLine | undefined {
  const head = /^([ \t]*)([A-Za-z_][\w]*)[ \t]+([A-Za-z_][\w.]*)/.exec(raw);
  if (!head) return undefined;
  let i = head[0].length;
  // Unsupported("…")
  if (raw[i] === '(') {
    const end = balancedEnd(raw, i);
    if (end === undefined) return undefined;
    i = end;
  }
  if (raw.startsWith('[]', i)) i += 2;
  else if (raw[i] === '?') i++;
  const type = raw.slice(head[0].length - head[3].length, i);
  const attributes: string[] = [];
  let comment: string | undefined;
  for (;;) {
    while (raw[i] === ' ' || raw[i] === '\t') i++;
    if (i >= raw.length) break;
    if (raw.startsWith('//', i)) {
      comment = raw.slice(i).trimEnd();
      break;
    }
    if (raw[i] !== '@' || raw[i + 1] === '@') return undefined;
    const name = /^@[\w.]+/.exec(raw.slice(i));
    if (!name) return undefined;
    let end = i + name[0].length;
    if (raw[end] === '(') {
      const close = balancedEnd(raw, end);
      if (close === undefined) return undefined;
      end = close;
    }
    attributes.push(raw.slice(i, end));
    i = end;
  }
  return { kind: 'field', indent: head[1], name: head[2], type, attributes, ...(comment ? { comment } : {}) };
}
