import { editableInPlace, insertAt, replaceRange } from '../fixes/sql';
import type { Fix } from '../findings';
import { key } from '../model/schema';
import { statementTokens, type PgNode, type ScanToken } from '../parse/sql';
import { downSteps, migrationSteps, type MigrationStep } from './migration-steps';
import type { Rule, RuleContext } from './rule';

/**
 * A plain CREATE INDEX holds a SHARE lock on its table for the whole build: reads go on, every
 * INSERT, UPDATE and DELETE waits. On a table an earlier migration created (so it may hold rows
 * and serve traffic), a migration that runs outside a transaction can build it CONCURRENTLY.
 * The other way round, CONCURRENTLY (CREATE INDEX, DROP INDEX, REINDEX) inside a transaction block
 * is a migration that fails: PostgreSQL refuses it. Which of the two a statement is depends on how
 * the migration tool sends the file, which is what this rule knows best.
 */
export const createIndexNonConcurrently: Rule = {
  meta: {
    id: 'create-index-non-concurrently',
    defaultSeverity: 'warning',
    description:
      'CREATE INDEX without CONCURRENTLY on an existing table where it could run concurrently, and CONCURRENTLY where PostgreSQL refuses it.',
    rationale:
      'A plain CREATE INDEX blocks every INSERT, UPDATE and DELETE on the table until the index is built: minutes on a large table, and the application waits meanwhile. CREATE INDEX CONCURRENTLY builds it without blocking writes, but it cannot run inside a transaction block, so it needs a migration that the tool runs outside one; where the tool (or an explicit BEGIN, or a DO block) puts it inside one, PostgreSQL refuses the statement and the migration fails.',
    example: {
      bad: '-- db/migrations/002_orders_customer.up.sql (golang-migrate; orders came in 001)\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);',
      good: '-- db/migrations/002_orders_customer.up.sql (golang-migrate; orders came in 001)\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
    },
    fixable: true,
    languages: ['sql'],
    category: 'migrations',
  },
  check(context) {
    const steps = migrationSteps(context);
    const files = fileFacts(steps);
    for (const step of steps) {
      const facts = files.get(step.file)!;
      const concurrent = concurrentOperation(step);
      if (concurrent) reportConcurrent(context, step, facts, concurrent);
      else if (step.kind === 'IndexStmt') reportBlockingBuild(context, step, facts);
    }
    // A rollback that fails is found out when it is needed most: CONCURRENTLY in the down
    // migrations is held to the same test (their locks are the rollback's business).
    const down = downSteps(context);
    const downFiles = fileFacts(down);
    for (const step of down) {
      const concurrent = concurrentOperation(step);
      if (concurrent) reportConcurrent(context, step, downFiles.get(step.file)!, concurrent);
    }
  },
};

/** What the rule needs to know about a file as a whole. */
interface FileFacts {
  /** Its top-level statements (a DO block counts once). */
  statements: number;
  /** Every statement is one Flyway runs outside a transaction by itself. */
  flywayNonTransactional: boolean;
}

function fileFacts(steps: readonly MigrationStep[]): Map<string, FileFacts> {
  const facts = new Map<string, FileFacts>();
  for (const step of steps) {
    if (step.inDoBlock) continue;
    const f = facts.get(step.file) ?? { statements: 0, flywayNonTransactional: true };
    f.statements++;
    f.flywayNonTransactional &&= flywayRunsOutsideTransaction(step);
    facts.set(step.file, f);
  }
  return facts;
}

/**
 * Flyway's PostgreSQL parser marks these statements non-transactional, and runs a migration made
 * only of them without a transaction (one that mixes them with others it refuses, unless `mixed`).
 */
function flywayRunsOutsideTransaction(step: MigrationStep): boolean {
  const n = step.node;
  switch (step.kind) {
    case 'IndexStmt':
      return n.concurrent === true;
    case 'DropStmt':
      return n.removeType === 'OBJECT_INDEX' && n.concurrent === true;
    case 'ReindexStmt':
      return ['REINDEX_OBJECT_SCHEMA', 'REINDEX_OBJECT_DATABASE', 'REINDEX_OBJECT_SYSTEM'].includes(n.kind);
    case 'VacuumStmt':
      // ANALYZE parses as a VacuumStmt, but only VACUUM is on Flyway's list: ANALYZE runs in a
      // transaction like any statement.
      return n.is_vacuumcmd === true;
    case 'AlterSystemStmt':
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
    case 'CreateSubscriptionStmt':
    case 'DropSubscriptionStmt':
      return true;
    case 'DiscardStmt':
      return n.target === 'DISCARD_ALL';
    default:
      return false;
  }
}

/** A statement with CONCURRENTLY: what PostgreSQL calls it in its error message. */
interface ConcurrentOperation {
  command: 'CREATE INDEX' | 'DROP INDEX' | 'REINDEX';
  /** Without CONCURRENTLY it may still not run in a transaction block (REINDEX SCHEMA …). */
  removable: boolean;
}

function concurrentOperation(step: MigrationStep): ConcurrentOperation | undefined {
  const n = step.node;
  if (step.kind === 'IndexStmt' && n.concurrent === true) return { command: 'CREATE INDEX', removable: true };
  if (step.kind === 'DropStmt' && n.removeType === 'OBJECT_INDEX' && n.concurrent === true) {
    return { command: 'DROP INDEX', removable: true };
  }
  if (step.kind === 'ReindexStmt') {
    const option = ((n.params ?? []) as PgNode[])
      .map((p) => p.DefElem as PgNode | undefined)
      .find((d) => d?.defname === 'concurrently');
    if (option && optionIsOn(option)) {
      return {
        command: 'REINDEX',
        removable: n.kind === 'REINDEX_OBJECT_TABLE' || n.kind === 'REINDEX_OBJECT_INDEX',
      };
    }
  }
  return undefined;
}

/** `CONCURRENTLY`, `CONCURRENTLY true`, `CONCURRENTLY on`, `CONCURRENTLY 1` are on; `false`/`off`/`0` off. */
function optionIsOn(option: PgNode): boolean {
  const arg = option.arg as PgNode | undefined;
  if (!arg) return true;
  const value = String(arg.String?.sval ?? arg.Integer?.ival ?? arg.Boolean?.boolval ?? 'true').toLowerCase();
  return !['false', 'off', '0', 'no'].includes(value);
}

/** Why a statement runs inside a transaction block, and the per-file switch that takes it out. */
interface TransactionBlock {
  /** After the colon of the message. */
  reason: string;
  /** PostgreSQL says "cannot be executed from a function" rather than "inside a transaction block". */
  inFunction?: boolean;
  /** The tool sends the file as one query: CONCURRENTLY can only run alone in its file. */
  oneQuery?: string;
  switchOff?: 'dbmate' | 'flyway';
}

/** How tools that send a whole file as one query (PostgreSQL then runs it as one transaction) say it. */
function oneQuery(tool: string, direction: 'up' | 'down'): string | undefined {
  switch (tool) {
    case 'golang-migrate':
      return 'golang-migrate sends the file as one query';
    case 'dbmate':
      return `dbmate sends the ${direction} section as one query`;
    case 'diesel':
      return `diesel sends ${direction}.sql as one query`;
    case 'prisma':
      return 'Prisma Migrate sends migration.sql as one query';
    default:
      return undefined;
  }
}

/**
 * Whether a CONCURRENTLY statement at this step would run inside a transaction block: because of
 * a DO block, the file's own BEGIN, the tool's transaction, or because the tool sends the file as
 * one query and PostgreSQL runs a query of several statements as one transaction.
 */
function transactionBlock(step: MigrationStep, facts: FileFacts): TransactionBlock | undefined {
  if (step.inDoBlock) return { reason: 'a DO block runs its statements inside a function', inFunction: true };
  if (step.explicitTransaction) return { reason: 'it runs inside BEGIN … COMMIT' };
  const migration = step.migration;
  if (!migration) return undefined;
  const several = facts.statements > 1;
  const sentAsOne = oneQuery(migration.tool, migration.direction);
  const implicit =
    several && sentAsOne
      ? {
          reason: `${sentAsOne}, which PostgreSQL runs in one transaction when it holds several statements`,
          oneQuery: sentAsOne,
        }
      : undefined;
  switch (migration.tool) {
    case 'supabase':
      return { reason: 'Supabase runs each migration in a transaction' };
    case 'flyway': {
      if (!migration.transactional || facts.flywayNonTransactional) return undefined;
      const detected = step.kind !== 'ReindexStmt';
      return {
        reason: detected
          ? 'Flyway runs each migration in a transaction, and refuses one that mixes CONCURRENTLY with other statements'
          : 'Flyway runs each migration in a transaction',
        switchOff: 'flyway',
      };
    }
    case 'dbmate':
      if (migration.transactional) {
        // With transaction:false, a CONCURRENTLY that shares its up section still runs in one.
        return {
          reason: 'dbmate runs each migration in a transaction',
          ...(several ? {} : { switchOff: 'dbmate' }),
        };
      }
      return implicit;
    case 'diesel':
      return migration.transactional ? { reason: 'diesel runs each migration in a transaction' } : implicit;
    case 'prisma':
    case 'golang-migrate':
      return implicit;
    default:
      // numbered and plain folders: run like psql runs a file, one statement at a time.
      return undefined;
  }
}

/** CONCURRENTLY where PostgreSQL refuses it: in a transaction block, or on a partitioned table's index. */
function reportConcurrent(
  context: RuleContext,
  step: MigrationStep,
  facts: FileFacts,
  op: ConcurrentOperation,
): void {
  const block = transactionBlock(step, facts);
  const partitioned = op.command === 'REINDEX' ? undefined : step.tables[0]?.table?.partitionBy;
  if (!block && !partitioned) return;
  // The scanner runs only for a statement that is reported.
  const tokens = statementTokens(step.parsed, step.stmt);
  const keyword = tokens.find((t) => t.kind === 'CONCURRENTLY');
  const range = keyword
    ? { file: step.file, start: keyword.start, end: keyword.end }
    : { file: step.file, start: step.stmt.start, end: step.stmt.end };
  const remove = op.removable ? removeConcurrently(step, tokens) : undefined;
  if (block) {
    const fixes: Fix[] = [];
    const switchOff = block.switchOff && switchOffTransaction(context, step, block.switchOff);
    if (switchOff) fixes.push({ ...switchOff, preferred: true });
    if (remove) fixes.push({ ...remove, ...(switchOff ? {} : { preferred: true }) });
    const refusal = block.inFunction
      ? 'cannot be executed from a function'
      : 'cannot run inside a transaction block';
    context.report({
      range,
      message: `${op.command} CONCURRENTLY ${refusal}: ${block.reason}`,
      severity: 'error',
      fixes,
    });
    return;
  }
  const verb = op.command === 'CREATE INDEX' ? 'build an index on' : 'drop an index of';
  context.report({
    range,
    message: `PostgreSQL cannot ${verb} partitioned table ${step.tables[0].table!.name} CONCURRENTLY`,
    severity: 'error',
    fixes: remove ? [{ ...remove, preferred: true }] : [],
  });
}

/** A plain CREATE INDEX on a table that may hold rows, where CONCURRENTLY could run. */
function reportBlockingBuild(context: RuleContext, step: MigrationStep, facts: FileFacts): void {
  // The tool or the file runs it in a transaction: CONCURRENTLY is not an option there.
  if (step.inTransaction) return;
  const target = step.tables[0];
  if (!target?.existing) return;
  const relation = step.node.relation as PgNode | undefined;
  const table = target.table;
  if (table) {
    // A temporary table is the session's own; a partitioned one cannot be indexed CONCURRENTLY.
    if (table.temporary || table.partitionBy) return;
  } else {
    if (target.name.schema.startsWith('pg_temp')) return;
    // ON ONLY (the parse leaves `inh` out): the parent of partitions, where the index is a shell.
    if (relation && relation.inh !== true) return;
    // A stand-alone file may index what the migrations beside it define.
    const k = key(target.name.schema, target.name.name);
    for (const model of [context.model, ...context.otherModels()]) {
      // A materialized view: its index blocks only REFRESH.
      if (model.views.has(k)) return;
      const other = model.tables.get(k);
      if (other && (other.temporary || other.partitionBy)) return;
    }
  }
  const tableName = table?.name ?? target.name.name;
  const name = step.node.idxname as string | undefined;
  const columns = ((step.node.indexParams ?? []) as PgNode[]).map(
    (p) => p.IndexElem?.name as string | undefined,
  );
  const label = name
    ? `Index ${name} on ${tableName}`
    : columns.every((c) => c !== undefined)
      ? `Index on ${tableName} (${columns.join(', ')})`
      : `Index on ${tableName}`;
  let message = `${label} is built without CONCURRENTLY: writes to ${tableName} are blocked while it builds`;
  const block = transactionBlock(step, facts);
  const fixes: Fix[] = [];
  if (block?.oneQuery) {
    message += `; ${block.oneQuery}, so CONCURRENTLY needs a migration of its own`;
  } else if (!block && editableInPlace(context.group, step.file)) {
    const add = addConcurrently(step);
    if (add) fixes.push({ ...add, preferred: true });
  }
  context.report({ range: { file: step.file, start: step.stmt.start, end: step.stmt.end }, message, fixes });
}

/** ` CONCURRENTLY` after the INDEX keyword, in the case the statement is written in. */
function addConcurrently(step: MigrationStep): Omit<Fix, 'preferred'> | undefined {
  const index = statementTokens(step.parsed, step.stmt).find((t) => t.kind === 'INDEX');
  if (!index) return undefined;
  const word = index.text === index.text.toLowerCase() ? 'concurrently' : 'CONCURRENTLY';
  return { title: 'Build the index CONCURRENTLY', edits: [insertAt(step.file, index.end, ` ${word}`)] };
}

/**
 * Removes the CONCURRENTLY keyword and the space before it; in REINDEX's option list, the option
 * with its comma, or the whole list when it is the only option.
 */
function removeConcurrently(step: MigrationStep, tokens: ScanToken[]): Omit<Fix, 'preferred'> | undefined {
  const i = tokens.findIndex((t) => t.kind === 'CONCURRENTLY');
  if (i <= 0) return undefined;
  const before = tokens[i - 1];
  const after = tokens[i + 1];
  let start: number;
  let end: number;
  if (before.text === '(' || before.text === ',') {
    if (after?.text === ')' && before.text === '(') {
      // `(CONCURRENTLY) TABLE t` → `TABLE t`
      start = before.start;
      end = tokens[i + 2]?.start ?? after.end;
    } else if (after?.text === ',') {
      start = tokens[i].start;
      end = tokens[i + 2]?.start ?? after.end;
    } else if (after?.text === ')') {
      start = before.start;
      end = tokens[i].end;
    } else {
      // `CONCURRENTLY true`: an option with a value, left to the author.
      return undefined;
    }
  } else {
    start = before.end;
    end = tokens[i].end;
  }
  return {
    title: 'Remove CONCURRENTLY',
    edits: [replaceRange({ file: step.file, start, end }, '')],
  };
}

/** The tool's per-file switch that runs the migration outside a transaction. */
function switchOffTransaction(
  context: RuleContext,
  step: MigrationStep,
  tool: 'dbmate' | 'flyway',
): Omit<Fix, 'preferred'> | undefined {
  if (tool === 'flyway') {
    return {
      title: 'Run this migration outside a transaction (-- flyway:executeInTransaction=false)',
      edits: [insertAt(step.file, 0, '-- flyway:executeInTransaction=false\n')],
    };
  }
  // The marker line is a comment, so no SQL token holds it: find it in the text.
  const text = context.fileText(step.file);
  const section = step.migration?.direction === 'down' ? 'down' : 'up';
  const marker = new RegExp(`^--[ \\t]*migrate:${section}\\b[^\\r\\n]*`, 'm').exec(text);
  if (!marker) return undefined;
  const line = marker[0];
  const title = `Run this ${section === 'down' ? 'rollback' : 'migration'} outside a transaction (-- migrate:${section} transaction:false)`;
  const on = /\btransaction:\S+/.exec(line);
  if (on) {
    const start = marker.index + on.index;
    return {
      title,
      edits: [replaceRange({ file: step.file, start, end: start + on[0].length }, 'transaction:false')],
    };
  }
  return { title, edits: [insertAt(step.file, marker.index + line.trimEnd().length, ' transaction:false')] };
}
