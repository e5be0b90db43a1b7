import { DownWriter } from '../fixes/down';
import { insertAt } from '../fixes/sql';
import type { Fix, SourceRange } from '../findings';
import type { StatementEvent } from '../model/schema';
import { splitStatements, stripLeadingComments } from '../parse/split';
import type { FileGroup, MigrationInfo } from '../project';
import { dbmateDownSection, sendsFileAsOneQuery } from '../workspace/migrations';
import type { Rule, RuleContext } from './rule';

/**
 * Where a tool has down migrations (golang-migrate and diesel as a file beside the up, dbmate as a
 * `-- migrate:down` section of the same file), an up without one cannot be rolled back when a
 * deploy goes wrong. Flyway's undo scripts are a paid feature, and Supabase, Prisma and plain
 * numbered folders have no down migrations at all: never asked for there.
 */
export const migrationWithoutDown: Rule = {
  meta: {
    id: 'migration-without-down',
    defaultSeverity: 'info',
    description: 'An up migration of a tool with down migrations (golang-migrate, diesel, dbmate) has none.',
    rationale:
      'A migration that cannot be rolled back turns a bad deploy into an outage: the down migration is what `migrate down`, `diesel migration revert` and `dbmate rollback` run to put the schema back. Written while the up is fresh in mind, it is a few DROP statements; written during an incident, it is guesswork.',
    example: {
      bad: '-- db/migrations/002_add_orders.up.sql (and no 002_add_orders.down.sql)\nCREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);',
      good: '-- db/migrations/002_add_orders.down.sql\nDROP TABLE orders;',
    },
    fixable: true,
    languages: ['sql'],
    category: 'migrations',
  },
  check(context) {
    const { group } = context;
    if (group.kind !== 'migrations') return;
    if (group.tool !== 'golang-migrate' && group.tool !== 'diesel' && group.tool !== 'dbmate') return;
    const history = context.model.history ?? [];
    const first = new Map<string, StatementEvent>();
    for (const event of history) if (!first.has(event.file)) first.set(event.file, event);
    let writer: DownWriter | undefined;
    const dbmateDowns = new Map<string, boolean>();
    const hasDbmateDown = (file: string): boolean => {
      let has = dbmateDowns.get(file);
      if (has === undefined) dbmateDowns.set(file, (has = dbmateHasDown(context.fileText(file))));
      return has;
    };
    // A down file with no statement in it (what `migrate create` writes, or diesel's comment)
    // undoes nothing: it counts as missing.
    const written = new Map<string, boolean>();
    const writtenDown = (down: string): boolean => {
      let has = written.get(down);
      if (has === undefined) written.set(down, (has = hasStatements(context.fileText(down))));
      return has;
    };
    // A folder where no migration has a down is a roll-forward folder: say so once, on the newest
    // migration that has something to undo, rather than once per migration of its history.
    const noneHasDown =
      group.files.length > 1 &&
      (group.tool === 'dbmate' ? !group.files.some(hasDbmateDown) : !group.downFiles.some(writtenDown));
    const suffix = noneHasDown ? ` (no migration of ${group.folder || 'this folder'} has one)` : '';
    let reported = 0;
    const report: RuleContext['report'] = (r) => {
      reported++;
      context.report({ ...r, message: r.message + suffix });
    };
    for (const file of noneHasDown ? [...group.files].reverse() : group.files) {
      if (noneHasDown && reported > 0) break;
      const info = group.migrations.get(file);
      const statement = first.get(file);
      // A file that runs nothing has nothing to undo.
      if (!info || info.direction !== 'up' || !statement) continue;
      if (group.tool === 'dbmate') {
        if (hasDbmateDown(file)) continue;
        writer ??= new DownWriter(context.model);
        const sql = downText(writer, file, info);
        if (sql !== '') reportDbmate({ ...context, report }, file, info, statement, sql);
      } else {
        const down = downPath(group, file);
        if (!down) continue;
        const existing = downOf(group, file, down, info);
        if (existing && writtenDown(existing)) continue;
        writer ??= new DownWriter(context.model);
        const sql = downText(writer, file, info);
        // Only statements with nothing to undo (SET, VALIDATE CONSTRAINT …): no down needed.
        if (sql === '') continue;
        let fix: Fix;
        if (existing) {
          // Filled in after what it holds (a comment stays).
          const text = context.fileText(existing);
          const separator = text.trim() === '' ? '' : text.endsWith('\n') ? '' : '\n';
          fix = {
            title: `Fill ${downLabel(group, existing)} with statements reversing this migration`,
            edits: [
              text.trim() === ''
                ? { file: existing, start: 0, end: text.length, newText: sql }
                : insertAt(existing, text.length, `${separator}${sql}`),
            ],
            preferred: true,
          };
        } else {
          fix = {
            title: `Create ${downLabel(group, down)} reversing this migration`,
            edits: [],
            createFiles: [{ file: down, text: sql }],
            preferred: true,
          };
        }
        report({
          range: firstLineOf(context, statement),
          message: existing
            ? `Migration ${migrationName(group, file)} has an empty down migration`
            : `Migration ${migrationName(group, file)} has no down migration`,
          fixes: [fix],
        });
      }
    }
  },
};

/**
 * The down of the up migration `file`, if it has one: diesel's is the `down.sql` beside it;
 * golang-migrate pairs an up and a down by version alone (`0002_add_orders.up.sql` with
 * `2_create_orders.down.sql`).
 */
function downOf(group: FileGroup, file: string, down: string, info: MigrationInfo): string | undefined {
  if (group.tool !== 'golang-migrate' || !/^\d+$/.test(info.version))
    return group.downFiles.includes(down) ? down : undefined;
  const version = BigInt(info.version);
  return group.downFiles.find((d) => {
    const v = group.migrations.get(d)?.version;
    return v !== undefined && /^\d+$/.test(v) && BigInt(v) === version;
  });
}

/** Some statement, or a half-written one: anything but comments, white space and `;`. */
function hasStatements(text: string): boolean {
  return splitStatements(text).segments.some(
    (s) => stripLeadingComments(text.slice(s.start, s.end)).trim() !== '',
  );
}

/** golang-migrate: `NNN_x.up.sql` → `NNN_x.down.sql`; diesel: `<version>_x/up.sql` → `down.sql`. */
function downPath(group: FileGroup, file: string): string | undefined {
  if (group.tool === 'golang-migrate') {
    const m = /\.up(\.sql)$/i.exec(file);
    return m ? `${file.slice(0, m.index)}.down${m[1]}` : undefined;
  }
  const slash = file.lastIndexOf('/');
  return `${file.slice(0, slash + 1)}down${file.slice(file.length - 4)}`;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** How the tool names the migration: `002_add_orders`, `2024-01-01-000000_add_orders`. */
function migrationName(group: FileGroup, file: string): string {
  if (group.tool === 'diesel') {
    const dir = file.slice(0, file.lastIndexOf('/'));
    return baseName(dir);
  }
  return baseName(file).replace(/(?:\.up)?\.sql$/i, '');
}

function downLabel(group: FileGroup, down: string): string {
  return group.tool === 'diesel' ? `${migrationName(group, down)}/${baseName(down)}` : baseName(down);
}

function downText(writer: DownWriter, file: string, info: MigrationInfo): string {
  const pieces = writer.downFor(file, {
    outsideTransaction: !info.transactional,
    oneQuery: sendsFileAsOneQuery(info.tool),
  });
  return pieces.length === 0 ? '' : `${pieces.join('\n')}\n`;
}

/** The first line of the file's first statement: where the finding goes. */
function firstLineOf(context: RuleContext, statement: StatementEvent): SourceRange {
  const text = context.fileText(statement.file);
  const newline = text.indexOf('\n', statement.stmt.start);
  const end = newline < 0 ? statement.stmt.end : Math.min(newline, statement.stmt.end);
  return {
    file: statement.file,
    start: statement.stmt.start,
    end: end > statement.stmt.start ? end : statement.stmt.end,
  };
}

// dbmate reads its markers as whole lines (`(?m)^--\s*migrate:up(.*)$`), whatever surrounds them.
const DBMATE_UP_LINE = /^--[ \t]*migrate:up\b[^\n]*/m;

/**
 * The file has a `-- migrate:down` section with something in it: any text that is not comment,
 * whitespace or `;` (a statement, or a half-written one).
 */
function dbmateHasDown(text: string): boolean {
  const section = dbmateDownSection(text);
  if (!section) return false;
  return hasStatements(text.slice(section.start, section.end));
}

function reportDbmate(
  context: RuleContext,
  file: string,
  info: MigrationInfo,
  statement: StatementEvent,
  sql: string,
): void {
  const text = context.fileText(file);
  const up = DBMATE_UP_LINE.exec(text);
  const range: SourceRange =
    up && up.index < statement.stmt.start
      ? { file, start: up.index, end: up.index + up[0].trimEnd().length }
      : firstLineOf(context, statement);
  const section = dbmateDownSection(text);
  let edit;
  if (section) {
    // An empty `-- migrate:down` section: fill it in under its marker.
    const newline = text.indexOf('\n', section.start);
    const at = newline < 0 ? text.length : newline;
    edit = insertAt(file, at, `\n${sql.trimEnd()}`);
  } else {
    const marker = info.transactional ? '-- migrate:down' : '-- migrate:down transaction:false';
    const separator = text === '' || text.endsWith('\n') ? '' : '\n';
    edit = insertAt(file, text.length, `${separator}\n${marker}\n${sql}`);
  }
  context.report({
    range,
    message: `Migration ${baseName(file).replace(/\.sql$/i, '')} has no down migration`,
    fixes: [
      { title: 'Add a -- migrate:down section reversing this migration', edits: [edit], preferred: true },
    ],
  });
}
