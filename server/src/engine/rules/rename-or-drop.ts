import type { SourceRange } from '../findings';
import { tableKey, type QualifiedName, type TableAtStatement } from '../model/schema';
import { statementTokens, type PgNode } from '../parse/sql';
import {
  alterCommandRanges,
  alterCommands,
  columnBefore,
  migrationSteps,
  stepStatement,
  type MigrationStep,
} from './migration-steps';
import type { Rule, RuleContext } from './rule';

/**
 * A migration runs while the previous release of the application is still serving requests (and
 * until every instance has been replaced): a table or column it renames or drops is one those
 * instances still query, and every such query fails from that moment on.
 */
export const renameOrDrop: Rule = {
  meta: {
    id: 'rename-or-drop',
    defaultSeverity: 'warning',
    description: 'RENAME or DROP of a table or column that running code may still use.',
    rationale:
      'Migrations run before (or while) the new release of the application replaces the old one, so for a while the old code runs against the new schema. A table or column that the migration renames or drops is one that code still reads and writes: each of its queries fails until the last old instance is gone, and a DROP also deletes the data for good. Change names in steps instead (expand and contract): add the new column or table, write to both, backfill, switch the reads, and drop the old one in a later migration once no deployed code uses it, or keep the old name reachable through a view.',
    example: {
      bad: '-- orders.total was created by an earlier migration, and the deployed code reads it\nALTER TABLE orders RENAME COLUMN total TO amount;',
      good: '-- expand: add the new column now, backfill it, and drop total in a later release\nALTER TABLE orders ADD COLUMN amount numeric(12,2);\nUPDATE orders SET amount = total WHERE amount IS NULL;',
    },
    fixable: false,
    languages: ['sql'],
    category: 'migrations',
  },
  check(context) {
    const steps = migrationSteps(context);
    steps.forEach((step, index) => {
      if (step.kind === 'RenameStmt') checkRename(context, steps, index);
      else if (step.kind === 'AlterTableStmt') checkDropColumns(context, steps, index);
      else if (step.kind === 'DropStmt' && step.node.removeType === 'OBJECT_TABLE')
        checkDropTables(context, steps, index);
    });
  },
};

/**
 * Whether the table may be in use by running code: it was not created by this file, it is not
 * temporary (no other session sees it), and it is not a partition (code queries the parent;
 * dropping old partitions is how their data is retired).
 */
function inUse(context: RuleContext, target: TableAtStatement | undefined): target is TableAtStatement {
  if (!target?.existing) return false;
  const table = target.table;
  return table ? !table.temporary && table.partitionOf === undefined : true;
}

/** An earlier step detached the table from its partitioned parent (DETACH PARTITION). */
function detachedBefore(steps: readonly MigrationStep[], index: number, target: TableAtStatement): boolean {
  return steps.slice(0, index).some((s) =>
    alterCommands(s).some((c) => {
      if (c.subtype !== 'AT_DetachPartition') return false;
      const rv = c.def?.PartitionCmd?.name as PgNode | undefined;
      return rv?.relname === target.name.name && (!rv.schemaname || rv.schemaname === target.name.schema);
    }),
  );
}

/** A later step of the same file creates a view named `name` (the table's old name). */
function viewLater(steps: readonly MigrationStep[], index: number, name: QualifiedName): boolean {
  const file = steps[index].file;
  return steps.slice(index + 1).some((s) => {
    if (s.file !== file || s.kind !== 'ViewStmt') return false;
    const view = s.node.view as PgNode | undefined;
    return (
      view !== undefined &&
      view.relname === name.name &&
      (!view.schemaname || view.schemaname === name.schema)
    );
  });
}

/**
 * ALTER TABLE also renames views, sequences and indexes (and their columns): a name the model
 * knows as one of those, or that a statement before created as one, is not a table.
 */
function otherRelation(context: RuleContext, steps: readonly MigrationStep[], index: number): boolean {
  const { name } = steps[index].tables[0];
  const k = tableKey(name);
  const { model } = context;
  if (model.views.has(k) || model.indexes.has(k) || model.sequences.has(k)) return true;
  return steps.slice(0, index).some((s) => {
    const n = s.node;
    const made =
      s.kind === 'IndexStmt'
        ? { relname: n.idxname, schemaname: n.relation?.schemaname }
        : s.kind === 'ViewStmt'
          ? n.view
          : s.kind === 'CreateSeqStmt'
            ? n.sequence
            : s.kind === 'CreateTableAsStmt' && n.objtype === 'OBJECT_MATVIEW'
              ? n.into?.rel
              : undefined;
    return made?.relname === name.name && (!made.schemaname || made.schemaname === name.schema);
  });
}

function checkRename(context: RuleContext, steps: readonly MigrationStep[], index: number): void {
  const step = steps[index];
  const n = step.node;
  const target = step.tables[0];
  if (!inUse(context, target)) return;
  if (
    !target.table &&
    (otherRelation(context, steps, index) || (n.missing_ok && context.group.kind === 'migrations'))
  ) {
    return;
  }
  const range = { file: step.file, start: step.stmt.start, end: step.stmt.end };
  const table = target.name.name;
  if (n.renameType === 'OBJECT_TABLE') {
    // A view under the old name, created by the same file, keeps it working (a simple view reads
    // and writes through to the table).
    if (viewLater(steps, index, target.name)) return;
    context.report({
      range,
      message: `Renaming table ${table} to ${n.newname} breaks running code that still uses ${table}`,
    });
  } else if (n.renameType === 'OBJECT_COLUMN' && n.relationType === 'OBJECT_TABLE') {
    const column = n.subname as string;
    if (createdInFile(steps, index, column)) return;
    context.report({
      range,
      message: `Renaming column ${table}.${column} to ${n.newname} breaks running code that still uses ${table}.${column}`,
    });
  }
}

function checkDropColumns(context: RuleContext, steps: readonly MigrationStep[], index: number): void {
  const step = steps[index];
  const target = step.tables[0];
  if (!inUse(context, target)) return;
  // ALTER TABLE IF EXISTS on a table no migration made: nothing there for code to use.
  if (step.node.missing_ok && !target.table && context.group.kind === 'migrations') return;
  const ranges = alterCommandRanges(step);
  alterCommands(step).forEach((cmd, k) => {
    if (cmd.subtype !== 'AT_DropColumn' || !cmd.name) return;
    const column = cmd.name as string;
    const made = columnBefore(steps, index, column).createdBy;
    if (made?.file === step.file) return;
    // DROP COLUMN IF EXISTS of a column no migration made: nothing there for code to use.
    if (cmd.missing_ok && !made && context.group.kind === 'migrations') return;
    context.report({
      range: ranges[k] ?? stepStatement(step),
      message: `Dropping column ${target.name.name}.${column} breaks running code that still reads or writes it`,
    });
  });
}

function checkDropTables(context: RuleContext, steps: readonly MigrationStep[], index: number): void {
  const step = steps[index];
  const ranges = dropNameRanges(step);
  step.tables.forEach((target, k) => {
    if (!inUse(context, target)) return;
    // A partition detached earlier: retiring it is what detaching was for, and code queries the parent.
    if (detachedBefore(steps, index, target)) return;
    if (!target.table && step.node.missing_ok && unknownIsHarmless(context, steps, index, target)) return;
    context.report({
      range: ranges[k] ?? stepStatement(step),
      message: `Dropping table ${target.name.name} breaks running code that still uses it`,
    });
  });
}

/**
 * DROP TABLE IF EXISTS of a table the model never knew: in a migrations folder, no migration made
 * it, so nothing uses it; in a stand-alone file, when the file creates it again right after (a
 * script that rebuilds its schema).
 */
function unknownIsHarmless(
  context: RuleContext,
  steps: readonly MigrationStep[],
  index: number,
  target: TableAtStatement,
): boolean {
  if (context.group.kind === 'migrations') return true;
  const step = steps[index];
  return steps.some(
    (s, i) =>
      i > index &&
      s.file === step.file &&
      (s.kind === 'CreateStmt' || s.kind === 'CreateTableAsStmt') &&
      created(s)?.name === target.name.name &&
      (created(s)?.schema ?? target.name.schema) === target.name.schema,
  );
}

function created(step: MigrationStep): { schema?: string; name: string } | undefined {
  const rel = (step.kind === 'CreateTableAsStmt' ? step.node.into?.rel : step.node.relation) as
    PgNode | undefined;
  if (!rel?.relname) return undefined;
  return { name: rel.relname as string, ...(rel.schemaname ? { schema: rel.schemaname as string } : {}) };
}

/** A column this file created (with its table or by ADD COLUMN) is one no deployed code uses yet. */
function createdInFile(steps: readonly MigrationStep[], index: number, column: string): boolean {
  return columnBefore(steps, index, column).createdBy?.file === steps[index].file;
}

/** The range of each table name of `DROP TABLE [IF EXISTS] a, b …`, from the scanner's tokens. */
function dropNameRanges(step: MigrationStep): SourceRange[] {
  const tokens = statementTokens(step.parsed, step.stmt);
  let i = tokens.findIndex((t) => t.kind === 'TABLE');
  if (i < 0) return [];
  i++;
  if (tokens[i]?.kind === 'IF' && tokens[i + 1]?.kind === 'EXISTS') i += 2;
  const ranges: SourceRange[] = [];
  let from = i;
  for (let j = i; j <= tokens.length; j++) {
    const t = tokens[j];
    const end = t === undefined || t.kind === 'CASCADE' || t.kind === 'RESTRICT';
    if (end || t.text === ',') {
      if (j > from) ranges.push({ file: step.file, start: tokens[from].start, end: tokens[j - 1].end });
      from = j + 1;
      if (end) break;
    }
  }
  return ranges.length === step.tables.length ? ranges : [];
}
