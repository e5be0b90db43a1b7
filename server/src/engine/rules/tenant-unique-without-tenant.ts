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
  findTable,
  foreignKeysToColumns,
  foreignKeys,
  hasDefault,
  indexesOf,
  latestStatement,
  nameWords,
} from '../model/queries';
import type { Constraint, Index, Table } from '../model/schema';
import { tableKey } from '../model/schema';
import { isTenantTable, tenantColumn, tenantsTable } from '../model/tenancy';
import { scanText } from '../parse/scan';
import { attributeFieldList, modelEditor } from '../prisma/fixes';
import { fieldName, indexLabel } from './messages';
import type { Rule, RuleContext } from './rule';

/**
 * In a shared table, a UNIQUE over `email` alone is unique across all tenants: the first tenant to
 * register alice@example.com blocks every other tenant from having her, and the error message
 * tells the second tenant that the first one exists.
 */
export const tenantUniqueWithoutTenant: Rule = {
  meta: {
    id: 'tenant-unique-without-tenant',
    defaultSeverity: 'warning',
    description:
      'A UNIQUE constraint or unique index on a tenant table that does not include the tenant column.',
    rationale:
      "On a table shared by tenants, a unique key is almost always meant per tenant: each tenant has its own customers, its own SKUs, its own invoice numbers. A UNIQUE (email) without tenant_id makes one tenant's row block the same value in every other tenant, and the duplicate-key error leaks to the second tenant that the value exists elsewhere. Row-level security does not help: uniqueness is checked against every row, visible or not. Include the tenant column: UNIQUE (tenant_id, email).",
    example: {
      bad: 'CREATE TABLE customers (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id),\n  email text NOT NULL UNIQUE\n);',
      good: 'CREATE TABLE customers (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id),\n  email text NOT NULL,\n  UNIQUE (tenant_id, email)\n);',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'multi-tenancy',
  },
  check(context) {
    const { model, config } = context;
    for (const table of model.tables.values()) {
      if (!isTenantTable(model, table, config)) continue;
      const tenant = tenantColumn(table, config);
      if (!tenant) continue;
      for (const index of indexesOf(model, table)) {
        if (!index.unique) continue;
        const constraint = index.constraint
          ? table.constraints.find((c) => c.name === index.constraint && c.kind !== 'foreign key')
          : undefined;
        if (constraint?.kind === 'primary key' || (index.constraint && constraint?.kind !== 'unique'))
          continue;
        const keyColumns = index.elements.flatMap((e) =>
          e.column ? [e.column] : (e.expressionColumns ?? []),
        );
        if (keyColumns.length === 0 || keyColumns.includes(tenant.name)) continue;
        // A predicate on the tenant column scopes the index to tenants already.
        if (index.predicateText !== undefined && readsColumn(index, tenant.name)) continue;
        if (globallyUnique(context, table, keyColumns)) continue;
        if (table.prisma) {
          const fix = prismaFix(context, table, index, tenant.name);
          context.report({
            range: index.origin.range,
            message: `${indexLabel(context.fileText, table, index)} does not include ${fieldName(table, tenant)}: one tenant's row blocks another's`,
            fixes: fix ? [fix] : [],
          });
          continue;
        }
        const shown = index.elements.map((e) => e.column ?? e.expression ?? '?');
        const range = constraint ? constraint.origin.range : index.origin.range;
        // A foreign key that references the key needs it unique on its own columns: adding the
        // tenant column would make that REFERENCES fail.
        const fix = referencedByForeignKey(context, table, keyColumns)
          ? undefined
          : constraint
            ? constraintFix(context, table, constraint, tenant.name)
            : indexFix(context, index, tenant.name);
        context.report({
          range,
          message: `Unique ${index.name} on ${table.name} (${shown.join(', ')}) does not include ${tenant.name}: one tenant's row blocks another's`,
          fixes: fix ? [{ ...fix, preferred: true }] : [],
        });
      }
    }
  },
};

/** Word sets of column names whose values are unique across tenants by nature. */
const GLOBAL_WORDS = [
  'token',
  'hash',
  'digest',
  'secret',
  'nonce',
  'fingerprint',
  'domain',
  'hostname',
  'subdomain',
];

/**
 * A key that is unique across tenants by design: a column the database generates (identity,
 * serial, a uuid with a default), a foreign key to one row of another table (a 1:1 relation: that
 * row has its tenant), or a value that identifies a tenant from outside (an API key's hash, a
 * token, a custom domain).
 */
function globallyUnique(context: RuleContext, table: Table, columns: readonly string[]): boolean {
  const { model, config } = context;
  const tenants = tenantsTable(model, config);
  for (const name of columns) {
    const column = findColumn(table, name);
    if (!column) return true;
    if (column.identity || column.serial) return true;
    if (column.type.name === 'uuid' && hasDefault(column)) return true;
    // A value Prisma Client generates (`uuid()`, `cuid()`, `nanoid()`, `ulid()`) is random per row.
    if (column.prisma?.default?.client) return true;
    const words = nameWords(name);
    if (words.some((w) => GLOBAL_WORDS.includes(w))) return true;
    if (words.includes('api') && words.includes('key')) return true;
  }
  // A foreign key to a row that has its tenant (a 1:1 relation); not to a table every tenant shares
  // (`UNIQUE (country, tax_no)` with country REFERENCES countries blocks the other tenants).
  return foreignKeys(table).some((fk) => {
    if (!fk.references || !fk.columns.every((c) => columns.includes(c))) return false;
    if (tenants && tableKey(fk.references.table) === tableKey(tenants)) return false;
    const target = findTable(model, fk.references.table);
    return target === undefined || isTenantTable(model, target, config);
  });
}

/** Some foreign key of the model references these columns of the table (or some of them). */
function referencedByForeignKey(context: RuleContext, table: Table, columns: readonly string[]): boolean {
  return foreignKeysToColumns(context.model, table, columns).length > 0;
}

function readsColumn(index: Index, column: string): boolean {
  const walk = (n: unknown): boolean => {
    if (Array.isArray(n)) return n.some(walk);
    if (!n || typeof n !== 'object') return false;
    const ref = (n as { ColumnRef?: { fields?: { String?: { sval?: string } }[] } }).ColumnRef;
    if (ref?.fields) return ref.fields[ref.fields.length - 1]?.String?.sval === column;
    return Object.values(n).some(walk);
  };
  return walk(index.predicateNode);
}

type KeyFix = Omit<Fix, 'preferred'>;

/** `CREATE UNIQUE INDEX … ON t (email)` → `(tenant_id, email)`, in place. */
function indexFix(context: RuleContext, index: Index, tenant: string): KeyFix | undefined {
  const range = index.origin.range;
  if (!range.file.toLowerCase().endsWith('.sql') || !editableInPlace(context.group, range.file))
    return undefined;
  const list = keyList(context, range, true);
  if (!list) return undefined;
  return {
    title: `Make ${index.name} unique per tenant: (${[tenant, ...shownElements(index)].join(', ')})`,
    edits: [insertAt(range.file, list.elements[0].start, `${quoteIdent(tenant)}, `)],
  };
}

/**
 * `UNIQUE (email)` → `UNIQUE (tenant_id, email)` in place; an inline `email text UNIQUE` loses its
 * UNIQUE for an `ALTER TABLE … ADD UNIQUE (tenant_id, email)` after the statements that made both
 * columns.
 */
function constraintFix(
  context: RuleContext,
  table: Table,
  constraint: Constraint,
  tenant: string,
): KeyFix | undefined {
  const range = constraint.origin.range;
  if (!range.file.toLowerCase().endsWith('.sql') || !editableInPlace(context.group, range.file))
    return undefined;
  const title = `Make ${constraint.name} unique per tenant: (${[tenant, ...constraint.columns].join(', ')})`;
  if (!constraint.inline) {
    const list = keyList(context, range, false);
    if (!list) return undefined;
    return { title, edits: [insertAt(range.file, list.elements[0].start, `${quoteIdent(tenant)}, `)] };
  }
  const text = context.fileText(range.file);
  let start = range.start;
  while (start > 0 && /[ \t]/.test(text[start - 1])) start--;
  const tenantColumnDef = findColumn(table, tenant);
  if (!tenantColumnDef) return undefined;
  const after = latestStatement(context.group, [
    constraint.origin.statement,
    columnStatement(table, tenantColumnDef),
  ]);
  if (after.file !== range.file) return undefined;
  const name = constraint.named ? `CONSTRAINT ${quoteIdent(constraint.name)} ` : '';
  const sql = `ALTER TABLE ${tableRef(table)} ADD ${name}UNIQUE (${columnList([tenant, ...constraint.columns])});`;
  const edits: TextEdit[] = [
    replaceRange({ file: range.file, start, end: range.end }, ''),
    insertAfterStatement(context.fileText, after, sql),
  ];
  return { title, edits };
}

function shownElements(index: Index): string[] {
  return index.elements.map((e) => e.column ?? e.expression ?? '?');
}

/**
 * The parenthesised key list of a constraint clause or a CREATE INDEX statement, as UTF-16 file
 * offsets of each element (its first to its last token). `afterOn`: the list is the first one
 * after the statement's ON (an index); else the first one of the clause (UNIQUE / PRIMARY KEY).
 */
export function keyList(
  context: RuleContext,
  range: SourceRange,
  afterOn: boolean,
): { elements: { start: number; end: number }[] } | undefined {
  const text = context.fileText(range.file).slice(range.start, range.end);
  const tokens = scanText(text);
  if (!tokens) return undefined;
  let i = 0;
  if (afterOn) {
    while (i < tokens.length && !(tokens[i].isKeyword && tokens[i].kind === 'ON')) i++;
  }
  while (i < tokens.length && tokens[i].text !== '(') i++;
  if (i >= tokens.length) return undefined;
  const elements: { start: number; end: number }[] = [];
  let depth = 0;
  let first: number | undefined;
  let last: number | undefined;
  for (i++; i < tokens.length; i++) {
    const t = tokens[i];
    if (depth === 0 && (t.text === ',' || t.text === ')')) {
      if (first === undefined || last === undefined) return undefined;
      elements.push({ start: range.start + first, end: range.start + last });
      first = last = undefined;
      if (t.text === ')') return { elements };
      continue;
    }
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    first ??= t.start;
    last = t.end;
  }
  return undefined;
}

/**
 * Prisma: `@@unique([email])` → `@@unique([tenantId, email])` in place; a field's `@unique` goes for
 * an `@@unique([tenantId, email])`. Not where a relation references the key (Prisma requires the
 * referenced fields to be unique on their own).
 */
function prismaFix(context: RuleContext, table: Table, index: Index, tenant: string): Fix | undefined {
  const range = index.origin.range;
  const text = context.fileText(range.file);
  const written = text.slice(range.start, range.end);
  const columns = index.elements.map((e) => e.column);
  if (table.prisma?.implicitManyToMany || columns.some((c) => c === undefined)) return undefined;
  if (referencedByForeignKey(context, table, columns as string[])) return undefined;
  const tenantField = fieldName(table, tenant);
  const fields = [tenantField, ...columns.map((c) => fieldName(table, c!))];
  const title = `Make ${indexLabel(context.fileText, table, index)} unique per tenant: [${fields.join(', ')}]`;
  if (written.startsWith('@@unique')) {
    const list = attributeFieldList(text, range);
    if (!list || list.length === 0) return undefined;
    return { title, edits: [insertAt(range.file, list[0].start, `${tenantField}, `)], preferred: true };
  }
  const field = index.prisma?.field;
  if (written !== '@unique' || !field) return undefined;
  const edits = modelEditor(context.fileText, table)
    .removeAttribute(field, 'unique')
    .addBlockAttribute(`@@unique([${fields.join(', ')}])`)
    .edits();
  return edits ? { title, edits, preferred: true } : undefined;
}
