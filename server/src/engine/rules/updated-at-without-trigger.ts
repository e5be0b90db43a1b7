import type { SourceRange, TextEdit } from '../findings';
import { editableInPlace, insertAt, quoteIdent, tableRef } from '../fixes/sql';
import { truncateName } from '../model/build-sql';
import {
  baseTypeName,
  columnNamesLike,
  columnsWithInherited,
  isOwnColumn,
  isPartition,
  tableListed,
  triggersOn,
} from '../model/queries';
import { key, type Column, type Table } from '../model/schema';
import { columnLabel } from './messages';
import type { Rule, RuleContext } from './rule';

/**
 * The shared trigger function that sets `column`: `set_updated_at()` for `updated_at`,
 * `"set_updatedAt"()` for `"updatedAt"`. One per column name, since its body names the column.
 */
function functionName(column: string): string {
  return truncateName(`set_${column}`);
}

/**
 * An updated_at column that nothing updates holds the creation time forever, or whatever each
 * writer remembered to send: a BEFORE UPDATE trigger makes it true for every writer.
 */
export const updatedAtWithoutTrigger: Rule = {
  meta: {
    id: 'updated-at-without-trigger',
    defaultSeverity: 'info',
    description: 'A table with an updated_at column and no BEFORE UPDATE trigger to set it.',
    rationale:
      'PostgreSQL has no ON UPDATE clause for columns: `DEFAULT now()` fills updated_at once, at INSERT, and never again. Unless a trigger sets it, updated_at is only as right as every UPDATE in every application, script, migration and psql session that remembered to set it, and incremental exports and cache invalidation that trust it silently miss rows. A BEFORE UPDATE … FOR EACH ROW trigger sets it on every change, from every writer.',
    example: {
      bad: 'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  updated_at timestamptz NOT NULL DEFAULT now()\n);',
      good: 'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  updated_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;\nCREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();',
    },
    fixable: true,
    languages: ['sql'],
    category: 'schema design',
  },
  check(context) {
    const { model, config, group } = context;
    // Prisma migrations come from a schema whose `@updatedAt` has Prisma Client set the column.
    if (group.tool === 'prisma') return;
    const found: { table: Table; column: Column; range: SourceRange; at: Placement }[] = [];
    // The names of the model's columns that are the configured updated_at in some case style.
    const updatedNames = columnNamesLike(model, config.auditColumns.updated);
    for (const table of model.tables.values()) {
      // A partition runs its parent's triggers; a foreign table's rows live elsewhere; a temporary
      // table is scratch space; an exempt table needs no audit columns kept.
      if (isPartition(table) || table.kind === 'foreign table' || table.temporary) continue;
      if (tableListed(table, config.auditExemptTables)) continue;
      const column = columnsWithInherited(model, table)?.find((c) => updatedNames.has(c.name));
      if (!column || column.generated || column.type.arrayDims > 0) continue;
      // Only a timestamp is set to now(); an updated_at of another type is some other design.
      const type = baseTypeName(model, column);
      if (type !== 'timestamptz' && type !== 'timestamp') continue;
      if (hasBeforeUpdateTrigger(context, table)) continue;
      // An inherited column is the parent's text: point at the child table instead.
      const range = isOwnColumn(table, column) ? column.origin.range : table.origin.range;
      found.push({ table, column, range, at: placement(context, table, range.file) });
    }

    // Every fix that needs the shared function inserts it at the same place with the same text, so
    // "fix all" adds it once, and each fix alone still creates it before its trigger.
    const functionAt = new Map<string, Placement>();
    for (const f of found) {
      if (existingFunction(context, f.table.schema, f.column.name)) continue;
      const k = `${f.at.file}\u0000${f.table.schema}\u0000${f.column.name}`;
      const first = functionAt.get(k);
      if (!first || f.at.offset < first.offset) functionAt.set(k, f.at);
    }

    for (const { table, column, range, at } of found) {
      const label = columnLabel(table, column);
      const fnRef = qualifiedFunction(table.schema, column.name);
      const edits: TextEdit[] = [];
      const fnAt = functionAt.get(`${at.file}\u0000${table.schema}\u0000${column.name}`);
      const existing = existingFunction(context, table.schema, column.name);
      let offset = at.offset;
      if (fnAt) {
        edits.push(insertAt(fnAt.file, fnAt.offset, `\n${functionSql(fnRef, column.name)}`));
      } else if (existing?.returns !== 'trigger' || !setsColumn(existing.body, column.name)) {
        // A set_updated_at() that is not a trigger function (creating the trigger would fail), or
        // that sets another column (every UPDATE would fail: record "new" has no field …).
        context.report({ range, message: message(label) });
        continue;
      } else if (existing.origin.statement.file === at.file && existing.origin.statement.end > offset) {
        // The function is written further down: the trigger must follow it.
        offset = existing.origin.statement.end;
      }
      const trigger = triggerName(context, table, column.name);
      const sql = `CREATE TRIGGER ${quoteIdent(trigger)} BEFORE UPDATE ON ${tableRef(table)} FOR EACH ROW EXECUTE FUNCTION ${fnRef}();`;
      edits.push(insertAt(at.file, offset, `\n${sql}`));
      context.report({
        range,
        message: message(label),
        fixes: [{ title: `Add trigger ${trigger} setting ${label} on UPDATE`, edits, preferred: true }],
      });
    }
  },
};

function message(label: string): string {
  return `Column ${label} is not set by a BEFORE UPDATE trigger`;
}

function hasBeforeUpdateTrigger(context: RuleContext, table: Table): boolean {
  return triggersOn(context.model, table).some(
    (t) => t.timing === 'before' && t.forEachRow && t.events.includes('update'),
  );
}

interface Placement {
  file: string;
  /** New statements go here, each on a line of its own (`\n` + statement). */
  offset: number;
}

/**
 * Where new statements about the table go: after its last statement in the finding's file where
 * that file may still change, else at the end of the newest migration (an applied migration does
 * not run again).
 */
function placement(context: RuleContext, table: Table, file: string): Placement {
  const { group } = context;
  if (editableInPlace(group, file)) {
    const inFile = table.statements.filter((s) => s.file === file);
    const last = inFile.reduce((a, b) => (b.end > a.end ? b : a), table.origin.statement);
    if (last.file === file) return { file, offset: last.end };
  }
  const newest = group.files[group.files.length - 1] ?? file;
  const text = context.fileText(newest);
  // Before the file's final line break, so that it still ends with one.
  const end = text.endsWith('\r\n') ? text.length - 2 : text.endsWith('\n') ? text.length - 1 : text.length;
  return { file: newest, offset: end };
}

function existingFunction(context: RuleContext, schema: string, column: string) {
  return context.model.functions.get(key(schema, functionName(column)))?.find((f) => f.argTypes.length === 0);
}

/** The body assigns `NEW.<column>` (an unknown body is given the benefit of the doubt). */
function setsColumn(body: string | undefined, column: string): boolean {
  if (body === undefined) return true;
  const name = /^[a-z_][a-z0-9_$]*$/.test(column)
    ? `(?:${column}|"${column}")`
    : `"${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/"/g, '""')}"`;
  return new RegExp(`\\bnew\\s*\\.\\s*${name}(?![\\w$"])`, 'i').test(body);
}

function qualifiedFunction(schema: string, column: string): string {
  const name = quoteIdent(functionName(column));
  return schema === 'public' ? name : `${quoteIdent(schema)}.${name}`;
}

function functionSql(fnRef: string, column: string): string {
  return `CREATE OR REPLACE FUNCTION ${fnRef}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.${quoteIdent(column)} := now(); RETURN NEW; END $$;`;
}

/** `<table>_set_updated_at`, or with a suffix when the table already has a trigger of that name. */
function triggerName(context: RuleContext, table: Table, column: string): string {
  const taken = (name: string) => triggersOn(context.model, table).some((t) => t.name === name);
  const base = `${table.name}_${functionName(column)}`;
  let name = truncateName(base);
  for (let i = 1; taken(name); i++) name = truncateName(base.slice(0, 63 - `_${i}`.length)) + `_${i}`;
  return name;
}
