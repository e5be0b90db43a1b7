/**
 * Writing Prisma for fixes. A model's lines (a field's type, optionality and attributes, a new
 * field, a block attribute) are changed through `modelEditor`, which lays them out as `prisma
 * format` would (layout.ts); what is smaller than a line, an argument of an attribute
 * (`onDelete: Cascade` in `@relation(…)`) or an element of a field list, is edited here in place.
 * They take the ranges the model records (a column's or a relation's field, a table's model block)
 * and the file's text, which they read only to keep the user's layout.
 */
import type { SourceRange, TextEdit } from '../findings';
import type { Table } from '../model/schema';
import { PrismaModelEditor } from './layout';
import { balancedEnd, topLevelStop } from './scan';

/**
 * The Prisma field names of a table's columns (`author_id` → `authorId`), for writing `@@index`
 * or a message such as `Post.authorId`; undefined when a column has no field (it was not written
 * by a Prisma model, or it is a column of an implicit join table).
 */
export function prismaFieldNames(table: Table, columns: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (const name of columns) {
    const field = table.columns.find((c) => c.name === name)?.prisma?.field;
    if (field === undefined) return undefined;
    out.push(field);
  }
  return out;
}

/** A field list as Prisma writes it: `[authorId]`, `[tenantId, createdAt(sort: Desc)]`. */
export function prismaFieldList(fields: readonly string[]): string {
  return `[${fields.join(', ')}]`;
}

/** `@@index([authorId])`, with `map:` when a name is given. */
export function prismaIndexAttribute(fields: readonly string[], options: { map?: string } = {}): string {
  return `@@index(${prismaFieldList(fields)}${options.map ? `, map: ${JSON.stringify(options.map)}` : ''})`;
}

/**
 * Sets `name: value` in an attribute's parentheses (`onDelete: Cascade` in `@relation(…)`):
 * replaces the value when the argument is there, else adds it as the last argument.
 */
export function setAttributeArgument(
  text: string,
  attribute: SourceRange,
  name: string,
  value: string,
): TextEdit {
  const source = text.slice(attribute.start, attribute.end);
  const existing = new RegExp(`([(,]\\s*)${name}\\s*:\\s*`).exec(source);
  if (existing) {
    const valueStart = attribute.start + existing.index + existing[0].length;
    const valueEnd = attribute.start + argumentEnd(source, existing.index + existing[0].length);
    return { file: attribute.file, start: valueStart, end: valueEnd, newText: value };
  }
  if (!source.endsWith(')')) {
    return { file: attribute.file, start: attribute.end, end: attribute.end, newText: `(${name}: ${value})` };
  }
  const close = attribute.end - 1;
  const empty = /\(\s*\)$/.test(source);
  return { file: attribute.file, start: close, end: close, newText: `${empty ? '' : ', '}${name}: ${value}` };
}

/** Where the argument value starting at `from` ends: at the next `,` or `)` at its own depth. */
function argumentEnd(source: string, from: number): number {
  let end = topLevelStop(source, from, (c) => c === ',');
  if (end === undefined) return source.length;
  while (end > from && /\s/.test(source[end - 1])) end--;
  return end;
}

/**
 * The range of a field attribute (`@relation(…)`, `@default(…)`) in a field's text, for
 * `setAttributeArgument`; undefined when the field has none.
 */
export function fieldAttributeRange(text: string, field: SourceRange, name: string): SourceRange | undefined {
  const source = text.slice(field.start, field.end);
  const isAt = (c: string) => c === '@';
  for (let i = topLevelStop(source, 0, isAt); i !== undefined; i = topLevelStop(source, i + 1, isAt)) {
    // An unmatched bracket: not a field's text.
    if (source[i] !== '@') return undefined;
    if (source[i + 1] === '@' || source[i - 1] === '@' || !source.startsWith(name, i + 1)) continue;
    const after = i + 1 + name.length;
    if (/[\w.]/.test(source[after] ?? '')) continue;
    if (source[after] !== '(') return { file: field.file, start: field.start + i, end: field.start + after };
    const end = balancedEnd(source, after);
    return end === undefined
      ? undefined
      : { file: field.file, start: field.start + i, end: field.start + end };
  }
  return undefined;
}

/** An editor of a Prisma model's block, which lays out its edits as `prisma format` would. */
export function modelEditor(fileText: (path: string) => string, table: Table): PrismaModelEditor {
  const block = table.origin.statement;
  return new PrismaModelEditor(fileText(block.file), block);
}

/**
 * The Prisma side of NOT NULL and DEFAULT: the field loses its `?` and/or gets `@default(…)`. With
 * `relations`, those relation fields of the model lose their `?` too (Prisma requires a relation
 * over a required field to be required). Undefined when the model cannot be edited.
 */
export function requiredFieldEdits(
  fileText: (path: string) => string,
  table: Table,
  field: string,
  add: { notNull?: boolean; default?: string; relations?: readonly string[] },
): TextEdit[] | undefined {
  const editor = modelEditor(fileText, table);
  if (add.notNull) {
    editor.setOptional(field, false);
    for (const relation of add.relations ?? []) editor.setOptional(relation, false);
  }
  if (add.default !== undefined) editor.addAttribute(field, `@default(${add.default})`);
  return editor.edits();
}

/**
 * The elements of a block attribute's field list (`a` and `b(sort: Desc)` in
 * `@@index([a, b(sort: Desc)], map: "x")`), as ranges of the file; undefined when the attribute has
 * no list as its first argument.
 */
export function attributeFieldList(text: string, attribute: SourceRange): SourceRange[] | undefined {
  const source = text.slice(attribute.start, attribute.end);
  const open = /^@@?[\w.]+\(\s*(?:fields\s*:\s*)?\[/.exec(source);
  if (!open) return undefined;
  const out: SourceRange[] = [];
  for (let start = open[0].length; ;) {
    // The next element ends at a `,` or at the `]` that closes the list.
    const end = topLevelStop(source, start, (c) => c === ',');
    if (end === undefined || (source[end] !== ',' && source[end] !== ']')) return undefined;
    let s = start;
    let e = end;
    while (s < e && /\s/.test(source[s])) s++;
    while (e > s && /\s/.test(source[e - 1])) e--;
    if (e > s) out.push({ file: attribute.file, start: attribute.start + s, end: attribute.start + e });
    if (source[end] === ']') return out;
    start = end + 1;
  }
}
