import type { Fix, SourceRange, TextEdit } from '../findings';
import {
  columnList,
  editableInPlace,
  insertAfterStatement,
  insertAt,
  quoteIdent,
  replaceRange,
  tableRef,
} from '../fixes/sql';
import {
  columnStatement,
  findColumn,
  foreignKeysTo,
  indexesOf,
  isPartition,
  latestStatement,
  nameWords,
  predicateRequiresNull,
  primaryKey,
} from '../model/queries';
import { type Column, type Constraint, type Index, type SchemaModel, type Table } from '../model/schema';
import { modelEditor, setAttributeArgument } from '../prisma/fixes';
import { partialIndexesEnabled } from '../prisma/version';
import { columnsLabelOf, fieldName, indexLabel } from './messages';
import type { Rule, RuleContext } from './rule';
import { softDeleteColumnOf } from './soft-delete-without-partial-index';

/**
 * On a soft-delete table a deleted row is still a row: a plain UNIQUE keeps its value taken, so
 * the user who deleted their account can never sign up again with the same email.
 */
export const softDeleteUnique: Rule = {
  meta: {
    id: 'soft-delete-unique',
    defaultSeverity: 'warning',
    description: 'A UNIQUE constraint or unique index on a soft-delete table that also counts deleted rows.',
    rationale:
      'Soft-deleted rows stay in the table. A UNIQUE constraint or unique index without WHERE deleted_at IS NULL still sees them, so a deleted row keeps its value taken: the user who closed their account cannot sign up again with the same email, a deleted slug cannot be reused. A partial unique index (WHERE deleted_at IS NULL) enforces uniqueness among live rows only, which is what the application means.',
    example: {
      bad: 'CREATE TABLE users (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  email text NOT NULL UNIQUE,\n  deleted_at timestamptz\n);',
      good: 'CREATE TABLE users (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  email text NOT NULL,\n  deleted_at timestamptz\n);\nCREATE UNIQUE INDEX users_email_key ON users (email) WHERE deleted_at IS NULL;',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'schema design',
  },
  check(context) {
    const { model, config } = context;
    for (const table of model.tables.values()) {
      // A partition gets its unique indexes from its parent; a foreign table has none.
      if (isPartition(table) || table.kind === 'foreign table') continue;
      const softDelete = softDeleteColumnOf(model, table, config.softDeleteColumn);
      if (!softDelete) continue;
      for (const index of indexesOf(model, table)) {
        if (!index.unique || predicateRequiresNull(index.predicateNode, softDelete.name)) continue;
        const constraint = index.constraint
          ? table.constraints.find((c) => c.name === index.constraint)
          : undefined;
        // The primary key is meant to cover every row, deleted or not.
        if (index.constraint && constraint?.kind !== 'unique') continue;
        if (!deletedRowsCanBlock(model, table, index, softDelete)) continue;
        if (table.prisma) {
          const fix = prismaFix(context, table, index, softDelete);
          context.report({
            range: index.origin.range,
            message: `${indexLabel(context.fileText, table, index)} lets deleted rows block new ones`,
            fixes: fix ? [fix] : [],
          });
          continue;
        }
        const what = constraint
          ? `Unique constraint on ${columnsLabelOf(table, constraint.columns)}`
          : `Unique index ${index.name} on ${table.name}`;
        const fix = constraint
          ? constraintFix(context, table, constraint, softDelete)
          : indexFix(context, table, index, softDelete);
        context.report({
          range: constraint ? constraintRange(context, constraint) : index.origin.range,
          message: `${what} lets deleted rows block new ones`,
          fixes: fix ? [fix] : [],
        });
      }
    }
  },
};

/**
 * Whether a deleted row can hold a value a new row wants. Not when the key includes the
 * soft-delete column itself, the primary key, or a column every new row fills with a fresh value
 * (identity, serial, a generated uuid, a random token); nor when a foreign key references it, since a foreign key
 * needs a unique key over all rows.
 */
function deletedRowsCanBlock(model: SchemaModel, table: Table, index: Index, softDelete: Column): boolean {
  const columns = index.elements.flatMap((e) => e.column ?? e.expressionColumns ?? []);
  if (columns.includes(softDelete.name)) return false;
  const pk = primaryKey(table);
  if (pk && pk.columns.length > 0 && pk.columns.every((c) => columns.includes(c))) return false;
  const plain = index.elements.flatMap((e) => e.column ?? []);
  // A column the model does not know (renamed where it cannot see, e.g. in a DO block): no verdict.
  if (columns.some((name) => !findColumn(table, name))) return false;
  if (plain.some((name) => isFreshKey(findColumn(table, name)))) return false;
  if (plain.length === index.elements.length) {
    for (const { constraint } of foreignKeysTo(model, table)) {
      const ref = constraint.references!;
      if (ref.columns.length === plain.length && ref.columns.every((c) => plain.includes(c))) return false;
    }
  }
  return true;
}

const FRESH_VALUE_FUNCTIONS = new Set([
  'nextval',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuid_generate_v7',
]);

/** Words of a column name that say its values are random (`confirmation_token`, `key_hash`). */
const RANDOM_VALUE_WORDS = new Set(['token', 'secret', 'nonce', 'hash', 'digest', 'salt']);

/** A column every new row fills with a value never used before: generated, or random by name. */
function isFreshKey(column: Column | undefined): boolean {
  if (!column) return false;
  // A Prisma Client default (`uuid()`, `cuid()`, `nanoid()`, `ulid()`) is a fresh random value too.
  if (column.identity || column.serial || column.prisma?.default?.client) return true;
  if (nameWords(column.name).some((w) => RANDOM_VALUE_WORDS.has(w))) return true;
  let node = column.defaultNode;
  while (node?.TypeCast) node = node.TypeCast.arg;
  const names = (node?.FuncCall?.funcname ?? []) as { String?: { sval?: string } }[];
  return FRESH_VALUE_FUNCTIONS.has(names[names.length - 1]?.String?.sval ?? '');
}

/** `CREATE UNIQUE INDEX …;` → `CREATE UNIQUE INDEX … WHERE deleted_at IS NULL;`, in place. */
function indexFix(context: RuleContext, table: Table, index: Index, softDelete: Column): Fix | undefined {
  const statement = index.origin.statement;
  if (!editableInPlace(context.group, statement.file) || !statement.file.endsWith('.sql')) return undefined;
  // The column must exist when the index is built.
  if (
    !sameRange(latestStatement(context.group, [columnStatement(table, softDelete), statement]), statement)
  ) {
    return undefined;
  }
  // `a OR b AND deleted_at IS NULL` would not mean what it says.
  if (index.predicateNode?.BoolExpr?.boolop === 'OR_EXPR') return undefined;
  const text = context.fileText(statement.file);
  let end = statement.end;
  if (text[end - 1] === ';') end--;
  while (end > statement.start && /\s/.test(text[end - 1])) end--;
  const clause = `${index.predicateNode ? 'AND' : 'WHERE'} ${quoteIdent(softDelete.name)} IS NULL`;
  return {
    title: `Make ${index.name} a partial index WHERE ${softDelete.name} IS NULL`,
    edits: [insertAt(statement.file, end, ` ${clause}`)],
    preferred: true,
  };
}

/**
 * A UNIQUE constraint becomes a partial unique index of the same name: the constraint's text
 * leaves the CREATE TABLE (or its ALTER TABLE goes), the index follows the statement.
 */
function constraintFix(
  context: RuleContext,
  table: Table,
  constraint: Constraint,
  softDelete: Column,
): Fix | undefined {
  const statement = constraint.origin.statement;
  const file = statement.file;
  // A partial index cannot be deferred.
  if (!editableInPlace(context.group, file) || !file.endsWith('.sql') || constraint.deferrable)
    return undefined;
  const text = context.fileText(file);
  const range = constraintRange(context, constraint);
  if (!UNIQUE_CLAUSE.test(text.slice(range.start, range.end))) return undefined;
  const sql =
    `CREATE UNIQUE INDEX ${quoteIdent(constraint.name)} ON ${tableRef(table)} (${columnList(constraint.columns)})` +
    (constraint.include?.length ? ` INCLUDE (${columnList(constraint.include)})` : '') +
    (constraint.nullsNotDistinct ? ' NULLS NOT DISTINCT' : '') +
    ` WHERE ${quoteIdent(softDelete.name)} IS NULL;`;
  const title = `Replace ${constraint.name} by a partial unique index WHERE ${softDelete.name} IS NULL`;
  const after = latestStatement(context.group, [statement, columnStatement(table, softDelete)]);
  const inCreateTable = sameRange(statement, table.origin.statement);

  if (!constraint.inline && !inCreateTable) {
    // `ALTER TABLE t ADD [CONSTRAINT k] UNIQUE (…);` alone: the index takes the statement's place.
    const before = text.slice(statement.start, range.start);
    const rest = text.slice(range.end, statement.end);
    if (!/^ALTER\s+TABLE\s[^,]*\sADD\s+$/i.test(before) || !/^\s*;?$/.test(rest)) return undefined;
    if (!sameRange(after, statement)) return undefined;
    return { title, edits: [replaceRange(statement, sql)], preferred: true };
  }
  const removal = constraint.inline ? inlineRemoval(text, range) : listElementRemoval(text, range);
  if (!removal) return undefined;
  const edits: TextEdit[] = [removal, insertAfterStatement(context.fileText, after, sql)];
  return { title, edits, preferred: true };
}

/** `[CONSTRAINT name] UNIQUE [NULLS [NOT] DISTINCT] [(columns)] [INCLUDE (columns)]`, nothing more. */
const UNIQUE_CLAUSE =
  /^(?:CONSTRAINT\s+(?:"(?:[^"]|"")*"|[^\s"]+)\s+)?UNIQUE(?:\s+NULLS(?:\s+NOT)?\s+DISTINCT)?(?:\s*\([^()]*\)(?:\s*INCLUDE\s*\([^()]*\))?)?$/i;

/**
 * The constraint's clause. The model's range of an inline constraint stops at the next keyword
 * that can start a constraint, so `CONSTRAINT k UNIQUE` and `UNIQUE NULLS NOT DISTINCT` come out
 * short: extend them over the rest of the clause.
 */
function constraintRange(context: RuleContext, constraint: Constraint): SourceRange {
  const range = constraint.origin.range;
  if (!constraint.inline) return range;
  const text = context.fileText(range.file);
  const clause =
    /^(?:CONSTRAINT\s+(?:"(?:[^"]|"")*"|[^\s"]+)\s+)?UNIQUE(?:\s+NULLS(?:\s+NOT)?\s+DISTINCT)?/i.exec(
      text.slice(range.start, range.start + 300),
    );
  const end = clause ? Math.max(range.end, range.start + clause[0].length) : range.end;
  return { ...range, end };
}

/** Removes an inline constraint with the space before it: `email text UNIQUE NOT NULL` → `email text NOT NULL`. */
function inlineRemoval(text: string, range: SourceRange): TextEdit {
  let start = range.start;
  while (start > 0 && /\s/.test(text[start - 1])) start--;
  return replaceRange({ ...range, start }, '');
}

/**
 * Removes a table constraint from its CREATE TABLE list with one of the commas around it; undefined
 * when a comment sits in the way.
 */
function listElementRemoval(text: string, range: SourceRange): TextEdit | undefined {
  let before = range.start;
  while (before > 0 && /\s/.test(text[before - 1])) before--;
  if (text[before - 1] === ',') return replaceRange({ ...range, start: before - 1 }, '');
  let after = range.end;
  while (after < text.length && /\s/.test(text[after])) after++;
  if (text[after] !== ',') return undefined;
  after++;
  while (after < text.length && /\s/.test(text[after])) after++;
  return replaceRange({ ...range, end: after }, '');
}

function sameRange(a: SourceRange, b: SourceRange): boolean {
  return a.file === b.file && a.start === b.start;
}

/**
 * Prisma, with the `partialIndexes` preview feature (Prisma 7.4+): `@@unique([email])` gets
 * `where: { deletedAt: null }`; a field's `@unique` becomes such an `@@unique`. Without the
 * feature the schema cannot say it (a migration would be undone by the next `prisma migrate`,
 * which recreates the full unique index the schema declares): no fix.
 */
function prismaFix(context: RuleContext, table: Table, index: Index, softDelete: Column): Fix | undefined {
  if (!partialIndexesEnabled(context.model.prisma) || index.predicateNode) return undefined;
  const range = index.origin.range;
  const text = context.fileText(range.file);
  const written = text.slice(range.start, range.end);
  const where = `{ ${fieldName(table, softDelete)}: null }`;
  const label = indexLabel(context.fileText, table, index);
  const title = `Make ${label} partial: where: ${where}`;
  if (written.startsWith('@@unique')) {
    return { title, edits: [setAttributeArgument(text, range, 'where', where)], preferred: true };
  }
  const field = index.prisma?.field;
  if (written !== '@unique' || !field) return undefined;
  const edits = modelEditor(context.fileText, table)
    .removeAttribute(field, 'unique')
    .addBlockAttribute(`@@unique([${field}], where: ${where})`)
    .edits();
  return edits ? { title, edits, preferred: true } : undefined;
}
