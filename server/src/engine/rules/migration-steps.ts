/**
 * What the migration-safety rules read: the statements of a group's files in the order they run,
 * each with the tables it acts on as they stood (see `StatementEvent`), and whether it runs inside
 * a transaction block — because the tool wraps the file in one, or because the file wrote BEGIN.
 */
import type { SourceRange } from '../findings';
import type { StatementEvent } from '../model/schema';
import { nodeOffset, type PgNode } from '../parse/sql';
import type { MigrationInfo } from '../project';
import type { RuleContext } from './rule';

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

const cache = new WeakMap<object, MigrationStep[]>();

/**
 * The steps of the group's SQL files, in order. Empty for a Prisma schema (its migrations are a
 * group of their own).
 */
export function migrationSteps(context: RuleContext): MigrationStep[] {
  const history = context.model.history;
  if (!history || (context.group.language ?? 'sql') !== 'sql') return [];
  const cached = cache.get(history);
  if (cached) return cached;
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
    steps.push({
      ...event,
      ...(migration ? { migration } : {}),
      toolTransaction,
      explicitTransaction: explicit,
      inTransaction: toolTransaction || explicit || event.inDoBlock,
    });
  }
  cache.set(history, steps);
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
