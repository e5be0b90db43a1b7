/**
 * Writing Prisma for fixes: edits that add an attribute to a field, a block attribute to a model,
 * or an argument to an attribute, in the schema's own layout, without touching anything else.
 * They take the ranges the model records (a column's or a relation's field, a table's model block)
 * and the file's text, which they read only to keep the user's indentation and line endings.
 */
import type { SourceRange, TextEdit } from '../findings';
import type { Table } from '../model/schema';
import { PrismaModelEditor } from './layout';

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

/** Appends ` @default(now())` (or any field attribute) to a field, after its last attribute. */
export function addFieldAttribute(field: SourceRange, attribute: string): TextEdit {
  return { file: field.file, start: field.end, end: field.end, newText: ` ${attribute}` };
}

/**
 * Adds a block attribute (`@@index([authorId])`) as the model's last line, indented like its
 * fields; after a blank line when the model ends with a field (as `prisma format` lays it out).
 */
export function addBlockAttribute(text: string, block: SourceRange, attribute: string): TextEdit {
  const close = text.lastIndexOf('}', block.end - 1);
  const body = text.slice(block.start, close);
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const lines = body.split(/\r?\n/).slice(1);
  const members = lines.filter((l) => l.trim() !== '' && !l.trim().startsWith('//'));
  const indent = /^[ \t]*/.exec(members[0] ?? '')?.[0] || '  ';
  const last = members[members.length - 1]?.trim() ?? '';
  // After the last non-blank character of the body, before the line break that precedes `}`.
  let at = close;
  while (at > block.start && /\s/.test(text[at - 1])) at--;
  const blank = last !== '' && !last.startsWith('@@') ? eol : '';
  return { file: block.file, start: at, end: at, newText: `${eol}${blank}${indent}${attribute}` };
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
  let depth = 0;
  let inString = false;
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return trimEnd(source, from, i);
      depth--;
    } else if (c === ',' && depth === 0) return trimEnd(source, from, i);
  }
  return source.length;
}

function trimEnd(source: string, from: number, end: number): number {
  while (end > from && /\s/.test(source[end - 1])) end--;
  return end;
}

/**
 * The range of a field attribute (`@relation(…)`, `@default(…)`) in a field's text, for
 * `setAttributeArgument`; undefined when the field has none.
 */
export function fieldAttributeRange(text: string, field: SourceRange, name: string): SourceRange | undefined {
  const source = text.slice(field.start, field.end);
  let inString = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '@' && source[i + 1] !== '@' && source[i - 1] !== '@' && source.startsWith(name, i + 1)) {
      const after = i + 1 + name.length;
      if (/[\w.]/.test(source[after] ?? '')) continue;
      if (source[after] !== '(')
        return { file: field.file, start: field.start + i, end: field.start + after };
      let depth = 0;
      let quoted = false;
      for (let j = after; j < source.length; j++) {
        const d = source[j];
        if (quoted) {
          if (d === '\\') j++;
          else if (d === '"') quoted = false;
        } else if (d === '"') quoted = true;
        else if (d === '(') depth++;
        else if (d === ')' && --depth === 0)
          return { file: field.file, start: field.start + i, end: field.start + j + 1 };
      }
      return undefined;
    }
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
  let depth = 0;
  let inString = false;
  let start = open[0].length;
  const push = (end: number) => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(source[s])) s++;
    while (e > s && /\s/.test(source[e - 1])) e--;
    if (e > s) out.push({ file: attribute.file, start: attribute.start + s, end: attribute.start + e });
  };
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    else if (c === ']') {
      push(i);
      return out;
    } else if (c === ',' && depth === 0) {
      push(i);
      start = i + 1;
    }
  }
  return undefined;
}
