/**
 * Writing SQL for fixes: identifiers quoted as PostgreSQL's quote_ident would, names that follow
 * the catalogue's conventions and never collide, and edits that add a statement right after
 * another without touching the user's text.
 */
import { scanSync } from '../parse/pg';
import type { Fix, SourceRange, TextEdit } from '../findings';
import type { FileGroup } from '../project';
import { truncateName } from '../model/build-sql';
import { key, type QualifiedName, type SchemaModel, type Table } from '../model/schema';

/** Quotes an identifier when PostgreSQL needs it: not lower-case simple, or a keyword. */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !isReservedWord(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

const reservedCache = new Map<string, boolean>();
/** Keywords that cannot be used bare as a column name (all but the unreserved ones). */
function isReservedWord(word: string): boolean {
  let r = reservedCache.get(word);
  if (r === undefined) {
    // Ask the real scanner: it knows the keyword list of this PostgreSQL version.
    const tokens = scanSync(word).tokens;
    r = tokens.length === 1 && tokens[0].keywordKind > 1;
    reservedCache.set(word, r);
  }
  return r;
}

/** Whether `tableRef` writes `public.` too (see `withPublicQualified`). */
let qualifyPublic = false;

/**
 * Runs `fn` (a rule's check) with `tableRef` writing `public.` too when `on`: the files run with a
 * search_path that leaves `public` out (a pg_dump file sets it to ''), where `orders` alone is not
 * found, or names another schema's table.
 */
export function withPublicQualified<T>(on: boolean, fn: () => T): T {
  const before = qualifyPublic;
  qualifyPublic = on;
  try {
    return fn();
  } finally {
    qualifyPublic = before;
  }
}

/** `schema.table`, leaving out `public` as users usually do (unless the search_path does). */
export function tableRef(t: QualifiedName): string {
  return t.schema === 'public' && !qualifyPublic
    ? quoteIdent(t.name)
    : `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
}

export function columnList(columns: readonly string[]): string {
  return columns.map(quoteIdent).join(', ');
}

/**
 * A relation name (index, table, sequence …) that is free in the schema: `base`, else `base_1`,
 * `base_2` … truncated to PostgreSQL's 63 bytes the way PostgreSQL would.
 */
export function freeRelationName(
  model: SchemaModel,
  schema: string,
  base: string,
  taken?: Set<string>,
): string {
  const used = (name: string) =>
    model.indexes.has(key(schema, name)) ||
    model.tables.has(key(schema, name)) ||
    model.views.has(key(schema, name)) ||
    model.sequences.has(key(schema, name)) ||
    (taken?.has(name) ?? false);
  let name = truncateName(base);
  for (let i = 1; used(name); i++) {
    const suffix = `_${i}`;
    name = truncateName(base.slice(0, Math.max(1, 63 - suffix.length))) + suffix;
  }
  taken?.add(name);
  return name;
}

/** The catalogue's index name: `<table>_<cols>_idx`. */
export function indexName(
  model: SchemaModel,
  table: QualifiedName,
  columns: readonly string[],
  suffix = 'idx',
  taken?: Set<string>,
): string {
  return freeRelationName(model, table.schema, `${table.name}_${columns.join('_')}_${suffix}`, taken);
}

/**
 * An edit that adds `sql` (one or more statements, each with its `;`) on the line after the
 * statement `after`, leaving everything the user wrote in place.
 */
export function insertAfterStatement(
  fileText: (path: string) => string,
  after: SourceRange,
  sql: string,
): TextEdit {
  // A last statement written without its `;` gets one, or the two would run together.
  const terminator = endsStatement(fileText(after.file), after.end) ? '' : ';';
  return { file: after.file, start: after.end, end: after.end, newText: `${terminator}\n${sql}` };
}

/** The text before `at` ends with `;` (white space and `--` comments aside), or is empty. */
export function endsStatement(text: string, at: number): boolean {
  let before = text.slice(0, at).trimEnd();
  for (;;) {
    const lineStart = before.lastIndexOf('\n') + 1;
    const comment = before.indexOf('--', lineStart);
    // A `--` inside a string on that line only costs an empty statement (`;;`), which runs.
    if (comment < 0) break;
    before = before.slice(0, comment).trimEnd();
  }
  return before === '' || before.endsWith(';');
}

/** An edit that adds text at the end of a range (e.g. ` NOT NULL` after a column's type). */
export function insertAt(file: string, offset: number, text: string): TextEdit {
  return { file, start: offset, end: offset, newText: text };
}

export function replaceRange(range: SourceRange, newText: string): TextEdit {
  return { file: range.file, start: range.start, end: range.end, newText };
}

/** A string literal, quoted. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Whether a fix may rewrite a definition where it stands. A stand-alone schema file can be edited
 * anywhere; in a migrations folder only the newest migration can, since the earlier ones have
 * already run somewhere and editing them changes nothing in those databases.
 */
export function editableInPlace(group: FileGroup, file: string): boolean {
  if (group.kind === 'standalone') return true;
  const created = group.createdByFixes;
  if (created?.has(file)) return true;
  // The newest migration the user wrote (those a fix created in this run come after it).
  let i = group.files.length - 1;
  while (i > 0 && created?.has(group.files[i])) i--;
  return group.files[i] === file;
}

/**
 * The fix that rewrites a column's type where it is written (`Change orders.total to numeric(12,2)`),
 * offered only where the file can still change: none when the type's range is unknown.
 */
export function changeTypeFixes(
  group: FileGroup,
  label: string,
  typeRange: SourceRange | undefined,
  newType: string,
): Fix[] {
  if (!typeRange || !editableInPlace(group, typeRange.file)) return [];
  return [
    { title: `Change ${label} to ${newType}`, edits: [replaceRange(typeRange, newType)], preferred: true },
  ];
}

/**
 * An edit that adds statements about a table after its last statement, when that file can still
 * change; otherwise at the end of the newest migration (never into one that has already run).
 */
export function tableStatementEdit(
  context: { group: FileGroup; fileText(path: string): string },
  table: Table,
  sql: string,
  anchor?: SourceRange,
): TextEdit {
  const last = anchor ?? table.statements[table.statements.length - 1] ?? table.origin.statement;
  const { group } = context;
  if (editableInPlace(group, last.file)) return insertAfterStatement(context.fileText, last, sql);
  const newest = group.files[group.files.length - 1];
  const text = context.fileText(newest);
  const terminator = endsStatement(text, text.length) ? '' : ';';
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  return insertAt(newest, text.length, `${terminator}${separator}${sql}\n`);
}
