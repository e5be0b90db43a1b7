import type { SourceRange } from '../findings';
import { editableInPlace, quoteIdent, replaceRange } from '../fixes/sql';
import { domainOf, findColumn, findTable, foreignKeys, isOwnColumn, primaryKey } from '../model/queries';
import type { Column, ColumnType, SchemaModel, Table } from '../model/schema';
import { modelEditor } from '../prisma/fixes';
import { columnLabel } from './messages';
import type { Rule, RuleContext } from './rule';

/**
 * A foreign key column must be able to hold every key it points at. `integer` → `bigint` works
 * until the parent's ids pass 2^31, then inserts fail; `text` → `uuid` does not even create.
 */
export const foreignKeyTypeMismatch: Rule = {
  meta: {
    id: 'foreign-key-type-mismatch',
    defaultSeverity: 'error',
    description: 'A foreign key column whose type differs from the column it references.',
    rationale:
      "PostgreSQL accepts a foreign key between some different types and refuses others. An `integer` column referencing a `bigint` key works until the referenced ids pass 2,147,483,647, then every insert of a new child fails; a `varchar(20)` referencing a `varchar(50)` cannot hold the longer keys; `text` referencing `uuid` is refused outright. Joins across the two types also need casts. Give the referencing column exactly the referenced column's type.",
    example: {
      bad: 'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\nCREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id integer NOT NULL REFERENCES customers (id) ON DELETE RESTRICT\n);',
      good: 'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\nCREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT\n);',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'schema design',
  },
  check(context) {
    const { model, group } = context;
    for (const table of model.tables.values()) {
      const reported = new Set<string>();
      for (const fk of foreignKeys(table)) {
        const target = fk.references && findTable(model, fk.references.table);
        if (!target) continue;
        // `REFERENCES t` names t's primary key (which may be declared after a self-reference).
        const refColumns = fk.references?.columns.length
          ? fk.references.columns
          : (primaryKey(target)?.columns ?? []);
        if (refColumns.length !== fk.columns.length) continue;
        fk.columns.forEach((name, i) => {
          const column = findColumn(table, name);
          const referenced = findColumn(target, refColumns[i]);
          if (!column || !referenced || reported.has(name)) return;
          if (!mismatch(model, column, referenced)) return;
          reported.add(name);
          if (column.prisma && referenced.prisma) {
            reportPrisma(context, table, column, target, referenced, fk.origin.range);
            return;
          }
          const wanted = typeSql(referenced.type);
          const typeRange = column.type.range;
          // A column whose type is written elsewhere (a copy of another table's) is not changed here.
          const own = isOwnColumn(table, column) && typeRange !== undefined;
          const fixable =
            own &&
            editableInPlace(group, typeRange.file) &&
            !column.serial &&
            !column.identity &&
            !column.generated &&
            column.defaultNode === undefined;
          const sameFile = own && typeRange.file === fk.origin.range.file;
          context.report({
            range: sameFile ? typeRange : fk.origin.range,
            message: `Foreign key column ${table.name}.${name} is ${display(column.type)} but ${target.name}.${referenced.name} is ${display(referenced.type)}`,
            fixes:
              fixable && typeRange
                ? [
                    {
                      title: `Change ${table.name}.${name} to ${wanted}`,
                      edits: [replaceRange(typeRange, wanted)],
                      preferred: true,
                    },
                  ]
                : [],
          });
        });
      }
    }
  },
};

const INTEGER_WIDTH: Record<string, number> = { int2: 2, int4: 4, int8: 8 };
/** varchar is text with a length check: the two compare with the same operators and index alike. */
const STRING_TYPES = new Set(['text', 'varchar']);
/** Built-in types this rule can compare; anything else (an extension's, an unknown one) it cannot judge. */
const KNOWN_TYPES = new Set([
  'int2',
  'int4',
  'int8',
  'numeric',
  'float4',
  'float8',
  'money',
  'text',
  'varchar',
  'bpchar',
  'uuid',
  'bool',
  'date',
  'time',
  'timetz',
  'timestamp',
  'timestamptz',
  'interval',
  'bytea',
  'json',
  'jsonb',
  'inet',
  'cidr',
  'macaddr',
  'oid',
]);

/**
 * Whether the referencing column cannot hold what the referenced one does (or PostgreSQL would
 * refuse the pair). A wider integer referencing a narrower key holds every value: the narrow key
 * is primary-key-type's finding, and once widened the two match.
 */
function mismatch(model: SchemaModel, column: Column, referenced: Column): boolean {
  const a = comparable(model, column);
  const b = comparable(model, referenced);
  if (a.arrayDims !== b.arrayDims) return true;
  if (a.name === b.name) {
    if (a.name === 'varchar') return narrower(a.modifiers, b.modifiers);
    // char without a length is char(1); char(n) pads, so lengths must agree.
    if (a.name === 'bpchar') return (a.modifiers[0] ?? 1) !== (b.modifiers[0] ?? 1);
    // numeric(10, 2) referencing numeric(12, 2), timestamp(0) referencing timestamp(6): values get cut.
    return a.modifiers.length > 0 && a.modifiers.join(',') !== b.modifiers.join(',');
  }
  const known = (t: string) => KNOWN_TYPES.has(t) || [...model.enums.values()].some((e) => e.name === t);
  if (!known(a.name) || !known(b.name)) return false;
  if (INTEGER_WIDTH[a.name] && INTEGER_WIDTH[b.name]) return INTEGER_WIDTH[a.name] < INTEGER_WIDTH[b.name];
  if (STRING_TYPES.has(a.name) && STRING_TYPES.has(b.name)) {
    return narrower(a.name === 'text' ? [] : a.modifiers, b.name === 'text' ? [] : b.modifiers);
  }
  return true;
}

/** The column's type, through a domain to its base type. */
function comparable(
  model: SchemaModel,
  column: Column,
): { name: string; modifiers: number[]; arrayDims: number } {
  const base = domainOf(model, column)?.baseType;
  if (!base) return column.type;
  return { name: base.name, modifiers: base.modifiers, arrayDims: base.arrayDims + column.type.arrayDims };
}

/** A varchar length that cannot hold every value of the other (no length = unlimited). */
function narrower(mine: number[], theirs: number[]): boolean {
  if (mine.length === 0) return false;
  return theirs.length === 0 || mine[0] < theirs[0];
}

const DISPLAY: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
};

/** The type as a message names it (`integer`, not `serial`: what the column holds). */
function display(type: ColumnType): string {
  const name = DISPLAY[type.name] ?? type.name;
  const mods = type.modifiers.length > 0 ? `(${type.modifiers.join(', ')})` : '';
  return name + mods + '[]'.repeat(type.arrayDims);
}

/** The referenced column's type, written for a column definition. */
function typeSql(type: ColumnType): string {
  const name = type.schema
    ? `${quoteIdent(type.schema)}.${quoteIdent(type.name)}`
    : (DISPLAY[type.name] ?? (KNOWN_TYPES.has(type.name) ? type.name : quoteIdent(type.name)));
  const mods = type.modifiers.length > 0 ? `(${type.modifiers.join(', ')})` : '';
  return name + mods + '[]'.repeat(type.arrayDims);
}

/**
 * Prisma checks that both sides of a relation have one Prisma type, not one native type: `String`
 * referencing `String @db.Uuid` passes Prisma and fails in PostgreSQL. The fix gives the field the
 * referenced field's type and native type.
 */
function reportPrisma(
  context: RuleContext,
  table: Table,
  column: Column,
  target: Table,
  referenced: Column,
  fkRange: SourceRange,
): void {
  const mine = column.prisma!;
  const theirs = referenced.prisma!;
  const native = theirs.nativeType
    ? `@db.${theirs.nativeType.name}${theirs.nativeType.args.length > 0 ? `(${theirs.nativeType.args.join(', ')})` : ''}`
    : undefined;
  const editor = modelEditor(context.fileText, table).setType(mine.field, theirs.type);
  if (native) editor.addAttribute(mine.field, native);
  else editor.removeAttribute(mine.field, 'db');
  // A default of the old type would not fit (`@default("")` on a uuid).
  const edits = column.defaultNode === undefined && !mine.default ? editor.edits() : undefined;
  const wanted = theirs.type + (native ? ` ${native}` : '');
  const typeRange = column.type.range;
  context.report({
    range: typeRange && typeRange.file === fkRange.file ? typeRange : fkRange,
    message: `Foreign key field ${columnLabel(table, column)} is ${column.type.written} (${display(column.type)}) but ${columnLabel(target, referenced)} is ${referenced.type.written} (${display(referenced.type)})`,
    fixes: edits
      ? [{ title: `Change ${columnLabel(table, column)} to ${wanted}`, edits, preferred: true }]
      : [],
  });
}
