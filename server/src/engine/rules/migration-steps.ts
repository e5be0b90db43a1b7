/**
 * What the migration-safety rules read: the statements of a group's files in the order they run,
 * each with the tables it acts on as they stood (see `StatementEvent`), and whether it runs inside
 * a transaction block — because the tool wraps the file in one, or because the file wrote BEGIN.
 */
import type { SourceRange, TextEdit } from '../findings';
import { truncateName, typeFromNode } from '../model/build-sql';
import { key, type QualifiedName, type SchemaModel, type StatementEvent } from '../model/schema';
import { nodeOffset, statementTokens, type PgNode } from '../parse/sql';
import { migrationName, migrationTimestamp } from '../prisma/migrations';
import type { FileGroup, MigrationInfo } from '../project';
import type { RuleContext } from './rule';
import { quoteIdent, tableRef } from '../fixes/sql';
import { dbmateDownSection, sendsFileAsOneQuery as toolSendsFileAsOneQuery } from '../workspace/migrations';

export interface MigrationStep extends StatementEvent {
  /** The tool's facts about the file (undefined for a stand-alone file). */
  migration?: MigrationInfo;
  /** The tool runs the file in a transaction of its own. */
  toolTransaction: boolean;
  /** The statement sits between the file's own BEGIN and COMMIT. */
  explicitTransaction: boolean;
  /** Either: the statement cannot be one that refuses to run in a transaction block. */
  inTransaction: boolean;
}

const BEGIN = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START']);
const END = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE']);

/**
 * By group (one per lint), with the history they were made of: a model can be kept from one lint
 * to the next (`LintOptions.keepModels`), and what the tool does with a file (its transaction, a
 * settings file, a comment that switches it) is the group's.
 */
const cache = new WeakMap<FileGroup, { history: readonly StatementEvent[]; steps: MigrationStep[] }>();

/**
 * The steps of the group's SQL files, in order. Empty for a Prisma schema (its migrations are a
 * group of their own).
 */
export function migrationSteps(context: RuleContext): MigrationStep[] {
  const history = context.model.history;
  if (!history || (context.group.language ?? 'sql') !== 'sql') return [];
  const cached = cache.get(context.group);
  if (cached?.history === history) return cached.steps;
  const steps: MigrationStep[] = [];
  let file = '';
  let explicit = false;
  for (const event of history) {
    if (event.file !== file) {
      file = event.file;
      explicit = false;
    }
    if (event.kind === 'TransactionStmt' && !event.inDoBlock) {
      const kind = event.node.kind as string;
      if (BEGIN.has(kind)) explicit = true;
      else if (END.has(kind)) explicit = false;
    }
    const migration = context.group.migrations.get(event.file);
    const toolTransaction = migration?.transactional ?? false;
    const step: MigrationStep = {
      file: event.file,
      kind: event.kind,
      node: event.node,
      stmt: event.stmt,
      parsed: event.parsed,
      searchPath: event.searchPath,
      inDoBlock: event.inDoBlock,
      tables: event.tables,
      toolTransaction,
      explicitTransaction: explicit,
      inTransaction: toolTransaction || explicit || event.inDoBlock,
    };
    if (migration) step.migration = migration;
    steps.push(step);
  }
  cache.set(context.group, { history, steps });
  return steps;
}

const downCache = new WeakMap<object, MigrationStep[]>();

/**
 * The statements of the group's down migrations (their own files, or a dbmate file's
 * `-- migrate:down` section), file by file, as steps: they change no model, so their `tables` are
 * empty and their search_path is the default. For what makes a rollback fail where it is needed
 * most (CONCURRENTLY in a transaction block); DO blocks count as one statement.
 */
export function downSteps(context: RuleContext): MigrationStep[] {
  const { group } = context;
  if ((group.language ?? 'sql') !== 'sql' || group.kind !== 'migrations') return [];
  const cached = downCache.get(group);
  if (cached) return cached;
  const steps: MigrationStep[] = [];
  const add = (file: string, from: number, migration: MigrationInfo | undefined): void => {
    const parsed = context.parsedFile(file);
    if (!parsed) return;
    let explicit = false;
    for (const stmt of parsed.statements) {
      if (stmt.start < from) continue;
      const node = stmt.node[stmt.kind] as PgNode;
      if (stmt.kind === 'TransactionStmt') {
        if (BEGIN.has(node.kind as string)) explicit = true;
        else if (END.has(node.kind as string)) explicit = false;
      }
      const toolTransaction = migration?.transactional ?? false;
      steps.push({
        file,
        kind: stmt.kind,
        node,
        stmt,
        parsed,
        searchPath: ['public'],
        inDoBlock: false,
        tables: [],
        toolTransaction,
        explicitTransaction: explicit,
        inTransaction: toolTransaction || explicit,
        ...(migration ? { migration } : {}),
      });
    }
  };
  for (const file of group.downFiles) add(file, 0, group.migrations.get(file));
  if (group.tool === 'dbmate') {
    for (const file of group.files) {
      const text = context.fileText(file);
      const section = dbmateDownSection(text);
      const up = group.migrations.get(file);
      if (!section || !up) continue;
      add(file, section.start, { ...up, direction: 'down', transactional: section.transactional });
    }
  }
  downCache.set(group, steps);
  return steps;
}

/** The file offset of a node's `location` in the step's statement. */
export function stepOffset(step: StatementEvent, location: number | undefined): number {
  return nodeOffset(step.parsed, step.stmt, location);
}

/** The whole statement, with its `;`. */
export function stepStatement(step: StatementEvent): SourceRange {
  return { file: step.file, start: step.stmt.start, end: step.stmt.endWithTerminator };
}

/** The commands of an ALTER TABLE step (empty for any other statement). */
export function alterCommands(step: StatementEvent): PgNode[] {
  if (step.kind !== 'AlterTableStmt') return [];
  return ((step.node.cmds ?? []) as PgNode[]).flatMap((c) => (c.AlterTableCmd ? [c.AlterTableCmd] : []));
}

/**
 * The range of each command of an ALTER TABLE step, in the order of `alterCommands(step)` (the
 * parse gives commands no location): the statement's top-level, comma-separated list after the
 * table's name, from the scanner's tokens. Empty when the tokens do not split into as many
 * commands as the parse has.
 */
export function alterCommandRanges(step: StatementEvent): SourceRange[] {
  const count = alterCommands(step).length;
  if (count === 0) return [];
  const tokens = statementTokens(step.parsed, step.stmt);
  const nameAt = stepOffset(step, step.node.relation?.location as number | undefined);
  let i = tokens.findIndex((t) => t.start >= nameAt);
  if (i < 0) return [];
  // The table's name: `t`, `app.t`, `"App"."T"`, then an optional `*` (inheritance children).
  for (i++; tokens[i]?.text === '.'; i += 2);
  if (tokens[i]?.text === '*') i++;
  const ranges: SourceRange[] = [];
  let depth = 0;
  let from = i;
  for (let j = i; j <= tokens.length; j++) {
    const t = tokens[j];
    if (t === undefined || (depth === 0 && t.text === ',')) {
      if (j > from) ranges.push({ file: step.file, start: tokens[from].start, end: tokens[j - 1].end });
      from = j + 1;
    } else if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
  }
  return ranges.length === count ? ranges : [];
}

/**
 * A free name for a helper `CHECK (column IS NOT NULL)` that lets SET NOT NULL skip its scan:
 * `<table>_<column>_not_null_check`. Not `<table>_<column>_not_null`, the name PostgreSQL 18 gives
 * the NOT NULL constraint itself (which would then become `…_not_null1`).
 */
function notNullCheckName(model: SchemaModel, table: QualifiedName, column: string): string {
  const now = model.tables.get(key(table.schema, table.name));
  const taken = new Set(now?.constraints.map((c) => c.name) ?? []);
  const base = `${table.name}_${column}_not_null_check`;
  let name = truncateName(base);
  for (let i = 1; taken.has(name); i++) name = truncateName(base.slice(0, 63 - `_${i}`.length)) + `_${i}`;
  return name;
}

/**
 * SET NOT NULL without its scan, as statements: add a helper CHECK (column IS NOT NULL) NOT VALID,
 * validate it (under a lock that lets reads and writes go on), set the NOT NULL (which the valid
 * CHECK spares its scan), drop the CHECK.
 */
export function notNullThroughCheck(
  model: SchemaModel,
  table: QualifiedName,
  column: string,
): { add: string; validate: string; setNotNull: string; drop: string } {
  const ref = tableRef(table);
  const col = quoteIdent(column);
  const check = quoteIdent(notNullCheckName(model, table, column));
  return {
    add: `ALTER TABLE ${ref} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;`,
    validate: `ALTER TABLE ${ref} VALIDATE CONSTRAINT ${check};`,
    setNotNull: `ALTER TABLE ${ref} ALTER COLUMN ${col} SET NOT NULL;`,
    drop: `ALTER TABLE ${ref} DROP CONSTRAINT ${check};`,
  };
}

/**
 * An edit that puts statements on their own lines right before or after the step's statement,
 * indented like it (inside a DO block too); after a last statement that lacks its `;`, adds it.
 */
export function statementsBeside(
  fileText: (path: string) => string,
  step: StatementEvent,
  where: 'before' | 'after',
  lines: readonly string[],
): TextEdit {
  const text = fileText(step.file);
  const lineStart = text.lastIndexOf('\n', step.stmt.start - 1) + 1;
  const lead = text.slice(lineStart, step.stmt.start);
  const indent = /^[ \t]*$/.test(lead) ? lead : '';
  if (where === 'before') {
    const at = step.stmt.start;
    return { file: step.file, start: at, end: at, newText: lines.map((l) => `${l}\n${indent}`).join('') };
  }
  const at = step.stmt.endWithTerminator;
  const terminator = at > step.stmt.end ? '' : ';';
  return {
    file: step.file,
    start: at,
    end: at,
    newText: terminator + lines.map((l) => `\n${indent}${l}`).join(''),
  };
}

/** A column as the statements before a step left it. */
export interface ColumnBefore {
  /** Its type as created or last changed; undefined when no statement of the group says. */
  type?: ReturnType<typeof typeFromNode>;
  /** The CREATE TABLE or ADD COLUMN that made it; undefined when no statement of the group did. */
  createdBy?: MigrationStep;
}

/**
 * The column `name` of the table `steps[index]` acts on, as it stood just before that step. The
 * model holds the end state (a later ALTER … TYPE has replaced the type), so the history is read
 * backwards: renames followed to the old name, the last ALTER … TYPE, then the ADD COLUMN or
 * CREATE TABLE that made the column (an ADD COLUMN IF NOT EXISTS only when nothing earlier did).
 */
export function columnBefore(steps: readonly MigrationStep[], index: number, name: string): ColumnBefore {
  const target = steps[index]?.tables[0];
  if (!target) return {};
  const same = (s: StatementEvent): boolean =>
    s.tables.some((t) =>
      target.table
        ? t.table === target.table
        : !t.table && t.name.schema === target.name.schema && t.name.name === target.name.name,
    );
  const created = target.table?.origin.statement;
  let column = name;
  let type: ColumnBefore['type'];
  let maybe: { step: MigrationStep; type: ColumnBefore['type'] } | undefined;
  const result = (createdBy?: MigrationStep, createdType?: ColumnBefore['type']): ColumnBefore => {
    const t = type ?? createdType;
    return { ...(t ? { type: t } : {}), ...(createdBy ? { createdBy } : {}) };
  };
  for (let i = index - 1; i >= 0; i--) {
    const s = steps[i];
    if (s.kind === 'CreateStmt' || s.kind === 'CreateTableAsStmt') {
      if (!created || created.file !== s.file || created.start !== s.stmt.start) continue;
      const def = ((s.node.tableElts ?? []) as PgNode[])
        .map((e) => e.ColumnDef as PgNode | undefined)
        .find((d) => d?.colname === column);
      if (def) return result(s, def.typeName ? typeFromNode(def.typeName as PgNode) : undefined);
      if (maybe) return result(maybe.step, maybe.type);
      // LIKE, INHERITS, PARTITION OF, OF type, AS SELECT: the column may have come with the
      // table, its type untold; a table that lists all its columns never had it.
      const n = s.node;
      const copied =
        s.kind === 'CreateTableAsStmt' ||
        n.partbound !== undefined ||
        n.ofTypename !== undefined ||
        (n.inhRelations ?? []).length > 0 ||
        ((n.tableElts ?? []) as PgNode[]).some((e) => e.TableLikeClause);
      return copied ? result(s) : result();
    }
    if (s.kind === 'RenameStmt' && s.node.renameType === 'OBJECT_COLUMN' && same(s)) {
      if (s.node.newname === column) column = s.node.subname as string;
      continue;
    }
    if (s.kind !== 'AlterTableStmt' || !same(s)) continue;
    const cmds = alterCommands(s);
    for (let k = cmds.length - 1; k >= 0; k--) {
      const cmd = cmds[k];
      const def = cmd.def?.ColumnDef as PgNode | undefined;
      if (cmd.subtype === 'AT_AlterColumnType' && cmd.name === column && def?.typeName) {
        type ??= typeFromNode(def.typeName as PgNode);
      } else if (cmd.subtype === 'AT_AddColumn' && def?.colname === column) {
        const added = def.typeName ? typeFromNode(def.typeName as PgNode) : undefined;
        if (!cmd.missing_ok) return result(s, added);
        maybe = { step: s, type: added };
      } else if (cmd.subtype === 'AT_DropColumn' && cmd.name === column) {
        // Dropped here: whatever made the column came later.
        return maybe ? result(maybe.step, maybe.type) : result();
      }
    }
  }
  return maybe ? result(maybe.step, maybe.type) : result();
}

/** Files of a new migration, and its name (`20240301120000_validate_orders_fk`, `V3__validate_orders_fk`). */
export interface NewMigration {
  name: string;
  files: { file: string; text: string }[];
}

/**
 * A new migration that runs after every migration of the group, laid out as the group's tool lays
 * out its own (Supabase, dbmate and Flyway files, Prisma and diesel folders, a golang-migrate
 * up/down pair), with a version after the newest: the current time where versions are 14-digit
 * timestamps, else the next number (Flyway: the next major version). Undefined for folders that
 * belong to no tool (numbered, plain).
 */
/** How many new migrations the lint of a group has offered so far (groups are made per lint). */
const offered = new WeakMap<FileGroup, number>();

export function newMigration(
  group: FileGroup,
  slug: string,
  up: string,
  down: string,
  now: Date = new Date(),
): NewMigration | undefined {
  const info = group.migrations.get(group.files[group.files.length - 1]);
  if (!info) return undefined;
  // Flyway's `1.2.3` orders by its first part first; diesel's version has lost its dashes.
  const versions = [...group.migrations.values()]
    .map((m) => m.version.split(/[._]/)[0])
    .filter((v) => /^\d+$/.test(v));
  if (versions.length === 0) return undefined;
  const latest = versions.reduce((a, b) => (BigInt(b) > BigInt(a) ? b : a));
  // Each new migration offered in one lint takes the next version: applied together (--fix, "fix
  // all"), two would otherwise share one, which golang-migrate, Supabase, dbmate, diesel and
  // Flyway refuse.
  const nth = offered.get(group) ?? 0;
  offered.set(group, nth + 1);
  const stamp = migrationTimestamp(new Date(now.getTime() + nth * 1000));
  const version =
    latest.length === 14 && BigInt(stamp) > BigInt(latest)
      ? stamp
      : (BigInt(latest) + 1n + BigInt(nth)).toString().padStart(latest.length, '0');
  const slugName = migrationName(slug);
  const name = `${version}_${slugName}`;
  const at = (file: string) => (info.folder === '' ? file : `${info.folder}/${file}`);
  const text = (sql: string) => (sql.endsWith('\n') ? sql : `${sql}\n`);
  switch (info.tool) {
    case 'supabase':
      return { name, files: [{ file: at(`${name}.sql`), text: text(up) }] };
    case 'prisma':
      return { name, files: [{ file: at(`${name}/migration.sql`), text: text(up) }] };
    case 'golang-migrate':
      return {
        name,
        files: [
          { file: at(`${name}.up.sql`), text: text(up) },
          { file: at(`${name}.down.sql`), text: text(down) },
        ],
      };
    case 'dbmate':
      return {
        name,
        files: [
          { file: at(`${name}.sql`), text: `-- migrate:up\n${text(up)}\n-- migrate:down\n${text(down)}` },
        ],
      };
    case 'flyway': {
      const flyway = `V${version}__${slugName}`;
      return { name: flyway, files: [{ file: at(`${flyway}.sql`), text: text(up) }] };
    }
    case 'diesel': {
      if (version.length !== 14) return undefined;
      const d = version;
      const folder = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}-${d.slice(8)}_${slugName}`;
      return {
        name: folder,
        files: [
          { file: at(`${folder}/up.sql`), text: text(up) },
          { file: at(`${folder}/down.sql`), text: text(down) },
        ],
      };
    }
    default:
      return undefined;
  }
}

/**
 * The tool sends the whole file (dbmate: its up section) to PostgreSQL as one query, and PostgreSQL
 * runs a query of several statements as one transaction, whatever the tool's own transaction
 * setting (golang-migrate without `x-multi-statement`, dbmate, diesel, Prisma Migrate, Supabase).
 * The other tools, and psql, send one statement at a time.
 */
export function sendsFileAsOneQuery(migration: MigrationInfo | undefined): boolean {
  return migration !== undefined && toolSendsFileAsOneQuery(migration.tool);
}

/**
 * The statement commits on its own, and so would statements written after it: no transaction of
 * the tool's or of the file's, not in a DO block, and a tool that sends statements one at a time
 * (a file sent as one query runs as one transaction as soon as it holds two statements). Only
 * then do steps split over several statements release a lock between them.
 */
export function commitsAlone(step: MigrationStep): boolean {
  return !step.inTransaction && !sendsFileAsOneQuery(step.migration);
}
