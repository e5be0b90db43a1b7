import type { Fix, SourceRange } from '../findings';
import { editableInPlace, quoteIdent } from '../fixes/sql';
import { columnRefs, constraintNameFor, searchOrder, truncateName, typeFromNode } from '../model/build-sql';
import { findUserType } from '../model/queries';
import { domainHasDefault } from './add-column-not-null-without-default';
import { key, tableKey, type QualifiedName, type SchemaModel, type Table } from '../model/schema';
import type { PgNode } from '../parse/sql';
import { columnsLabel } from './messages';
import {
  commitsAlone,
  alterCommandRanges,
  alterCommands,
  migrationSteps,
  notNullThroughCheck,
  statementsBeside,
  type MigrationStep,
} from './migration-steps';
import type { Rule, RuleContext } from './rule';

/**
 * `ALTER COLUMN c SET NOT NULL` reads every row to prove it, holding ACCESS EXCLUSIVE (no reads,
 * no writes) all the while. PostgreSQL 12+ skips the scan when a validated `CHECK (c IS NOT NULL)`
 * already proves it, and a CHECK can be added NOT VALID and validated under a lock that lets
 * traffic through.
 */
export const setNotNullValidating: Rule = {
  meta: {
    id: 'set-not-null-validating',
    defaultSeverity: 'warning',
    description: 'SET NOT NULL on an existing table without a validated CHECK (column IS NOT NULL) first.',
    rationale:
      'ALTER COLUMN … SET NOT NULL scans the whole table to prove that no row holds NULL, under an ACCESS EXCLUSIVE lock that blocks every read and write until it ends. Since PostgreSQL 12 the scan is skipped when a validated CHECK (column IS NOT NULL) proves the same: add the CHECK NOT VALID (a brief lock), VALIDATE it (a scan that lets reads and writes through), then SET NOT NULL and drop the CHECK. In a migration that runs in one transaction the first lock is held to the end, so the CHECK belongs in an earlier migration.',
    example: {
      bad: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;',
      good: 'ALTER TABLE orders ADD CONSTRAINT orders_status_not_null_check CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null_check;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_status_not_null_check;',
    },
    fixable: true,
    languages: ['sql'],
    category: 'migrations',
  },
  check(context) {
    const steps = migrationSteps(context);
    // Only an ALTER TABLE … SET NOT NULL can be reported: without one, nothing to replay.
    const setsNotNull = steps.some(
      (s) => s.kind === 'AlterTableStmt' && alterCommands(s).some((c) => c.subtype === 'AT_SetNotNull'),
    );
    if (!setsNotNull) return;
    const tables = new NullabilityTracker(context.model);
    steps.forEach((step, index) => {
      if (step.kind === 'AlterTableStmt' && step.tables[0]) {
        const target = step.tables[0];
        const cmds = alterCommands(step);
        cmds.forEach((cmd, i) => {
          if (cmd.subtype !== 'AT_SetNotNull' || typeof cmd.name !== 'string') return;
          const state = tables.at(target);
          if (!target.existing || state.notNull.has(cmd.name) || state.provenNotNull(cmd.name)) return;
          if (addedEmpty(context.model, steps, index, cmd.name))
            reportEmpty(context, step, target.name, i, cmd.name);
          else report(context, step, target.name, cmds, i, cmd.name);
        });
      }
      tables.apply(step);
    });
  },
};

/**
 * The column was added by this file (this statement or an earlier one) with nothing to fill it (no
 * DEFAULT, identity, generated expression or serial), and no UPDATE of the file set it since: every
 * row holds NULL, so SET NOT NULL fails on a table with rows, whatever the CHECK.
 */
function addedEmpty(
  model: SchemaModel,
  steps: readonly MigrationStep[],
  index: number,
  column: string,
): boolean {
  const step = steps[index];
  const table = tableKey(step.tables[0].name);
  for (let j = index; j >= 0 && steps[j].file === step.file; j--) {
    const s = steps[j];
    if (s.kind === 'UpdateStmt') {
      const rel = s.node.relation as PgNode | undefined;
      const name = step.tables[0].name;
      const same = rel?.relname === name.name && (!rel.schemaname || rel.schemaname === name.schema);
      const sets = ((s.node.targetList ?? []) as PgNode[]).some((t) => t.ResTarget?.name === column);
      if (same && sets) return false;
    }
    if (s.kind !== 'AlterTableStmt' || !s.tables[0] || tableKey(s.tables[0].name) !== table) continue;
    const add = alterCommands(s).find(
      (c) => c.subtype === 'AT_AddColumn' && c.def?.ColumnDef?.colname === column,
    );
    if (!add) continue;
    const def = add.def.ColumnDef as PgNode;
    const filled = ((def.constraints ?? []) as PgNode[]).some((c) =>
      ['CONSTR_DEFAULT', 'CONSTR_IDENTITY', 'CONSTR_GENERATED'].includes(c.Constraint?.contype as string),
    );
    const type = def.typeName ? typeFromNode(def.typeName as PgNode) : undefined;
    if (filled || type?.serial) return false;
    // A domain's DEFAULT fills the rows too.
    const domain = type && type.arrayDims === 0 ? findUserType(model.domains, type) : undefined;
    return !(domain && domainHasDefault(steps, j, domain));
  }
  return false;
}

/** The ALTER TABLE's command, or the whole statement when its commands cannot be told apart. */
function commandRange(step: MigrationStep, cmdIndex: number): SourceRange {
  return (
    alterCommandRanges(step)[cmdIndex] ?? { file: step.file, start: step.stmt.start, end: step.stmt.end }
  );
}

function reportEmpty(
  context: RuleContext,
  step: MigrationStep,
  table: QualifiedName,
  cmdIndex: number,
  column: string,
): void {
  const label = columnsLabel(table.name, [column]);
  context.report({
    range: commandRange(step, cmdIndex),
    severity: 'error',
    message: `Setting ${label} NOT NULL fails when ${table.name} has rows: the column was just added without a DEFAULT and nothing fills it; give it a DEFAULT, or fill it before SET NOT NULL`,
    fixes: [],
  });
}

function report(
  context: RuleContext,
  step: MigrationStep,
  table: QualifiedName,
  cmds: readonly PgNode[],
  cmdIndex: number,
  column: string,
): void {
  const range = commandRange(step, cmdIndex);
  const fixes: Fix[] = [];
  // Split statements only help where each commits on its own: in one transaction (the tool's, the
  // file's, or a file sent as one query), the ADD CONSTRAINT's lock is held through the VALIDATE,
  // and the CHECK belongs in an earlier migration.
  const addedHere = cmds.some((c) => c.subtype === 'AT_AddColumn' && c.def?.ColumnDef?.colname === column);
  if (commitsAlone(step) && !addedHere && editableInPlace(context.group, step.file)) {
    const steps = notNullThroughCheck(context.model, table, column);
    fixes.push({
      title: `Validate CHECK (${quoteIdent(column)} IS NOT NULL) before SET NOT NULL, drop it after`,
      edits: [
        statementsBeside(context.fileText, step, 'before', [steps.add, steps.validate]),
        statementsBeside(context.fileText, step, 'after', [steps.drop]),
      ],
      preferred: true,
    });
  }
  context.report({
    range,
    message: `Setting ${columnsLabel(table.name, [column])} NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock; validate a CHECK (${quoteIdent(column)} IS NOT NULL) first`,
    fixes,
  });
}

// ── What each table's columns are known to hold, statement by statement ───────────────────────

/** A CHECK (or a NOT NULL constraint, PostgreSQL 18) by name, and the columns it proves not null. */
interface NamedCheck {
  columns: Set<string>;
  valid: boolean;
  /** `ADD CONSTRAINT n NOT NULL c NOT VALID`: once validated, the column is NOT NULL. */
  notNullConstraint: boolean;
}

class TableState {
  readonly notNull = new Set<string>();
  readonly checks = new Map<string, NamedCheck>();

  /** A validated CHECK proves the column never holds NULL (what lets SET NOT NULL skip its scan). */
  provenNotNull(column: string): boolean {
    for (const c of this.checks.values()) if (c.valid && c.columns.has(column)) return true;
    return false;
  }

  addCheck(name: string, check: NamedCheck): void {
    this.checks.set(name, check);
    if (check.valid && check.notNullConstraint) for (const c of check.columns) this.notNull.add(c);
  }
}

/**
 * Replays the statements of the history, keeping for each table the columns that are NOT NULL and
 * the CHECKs that prove a column not null (valid or NOT VALID), so that a statement can be judged
 * by what stood before it. Tables are followed by identity (renames keep them); a table the model
 * does not know, by name.
 */
class NullabilityTracker {
  private readonly states = new Map<Table | string, TableState>();
  private createdBy: Map<string, Table> | undefined;

  constructor(private readonly model: SchemaModel) {}

  at(target: MigrationStep['tables'][number]): TableState {
    const id = target.table ?? tableKey(target.name);
    let state = this.states.get(id);
    if (!state) {
      state = new TableState();
      this.states.set(id, state);
    }
    return state;
  }

  apply(step: MigrationStep): void {
    switch (step.kind) {
      case 'CreateStmt':
        return this.create(step);
      case 'AlterTableStmt':
        if (step.tables[0]) this.alter(this.at(step.tables[0]), step, step.tables[0].name.name);
        return;
      case 'RenameStmt':
        return this.rename(step);
      default:
        return;
    }
  }

  private create(step: MigrationStep): void {
    const table = this.tableCreatedBy(step);
    const relname = step.node.relation?.relname as string | undefined;
    if (!relname) return;
    const state = new TableState();
    this.states.set(
      table ?? key((step.node.relation?.schemaname as string) ?? step.searchPath[0], relname),
      state,
    );
    // LIKE, INHERITS and PARTITION OF copy the NOT NULLs of the table they name.
    const copyNotNulls = (rv: PgNode | undefined): void => {
      if (!rv?.relname) return;
      for (const schema of rv.schemaname ? [rv.schemaname as string] : searchOrder(step.searchPath)) {
        const k = key(schema, rv.relname as string);
        const from = this.states.get(this.model.tables.get(k) ?? k) ?? this.states.get(k);
        if (!from) continue;
        for (const column of from.notNull) state.notNull.add(column);
        return;
      }
    };
    for (const parent of (step.node.inhRelations ?? []) as PgNode[]) copyNotNulls(parent.RangeVar as PgNode);
    for (const element of (step.node.tableElts ?? []) as PgNode[]) {
      if (element.ColumnDef) this.addColumn(state, element.ColumnDef as PgNode, relname);
      else if (element.Constraint) this.addConstraint(state, element.Constraint as PgNode, relname);
      else if (element.TableLikeClause) copyNotNulls(element.TableLikeClause.relation as PgNode);
    }
  }

  private alter(state: TableState, step: MigrationStep, relname: string): void {
    for (const cmd of alterCommands(step)) {
      const name = cmd.name as string | undefined;
      switch (cmd.subtype) {
        case 'AT_AddColumn':
          if (cmd.def?.ColumnDef) this.addColumn(state, cmd.def.ColumnDef as PgNode, relname);
          break;
        case 'AT_AddConstraint':
          if (cmd.def?.Constraint) this.addConstraint(state, cmd.def.Constraint as PgNode, relname);
          break;
        case 'AT_ValidateConstraint': {
          const check = name === undefined ? undefined : state.checks.get(name);
          if (check && name !== undefined) state.addCheck(name, { ...check, valid: true });
          break;
        }
        case 'AT_DropConstraint':
          if (name !== undefined) state.checks.delete(name);
          break;
        case 'AT_SetNotNull':
          if (name !== undefined) state.notNull.add(name);
          break;
        case 'AT_DropNotNull':
          if (name !== undefined) state.notNull.delete(name);
          break;
        case 'AT_DropColumn':
          if (name === undefined) break;
          state.notNull.delete(name);
          // PostgreSQL drops the constraints that read the column with it.
          for (const [n, c] of state.checks) if (c.columns.has(name)) state.checks.delete(n);
          break;
        default:
          break;
      }
    }
  }

  private rename(step: MigrationStep): void {
    const target = step.tables[0];
    const { subname, newname, renameType } = step.node as {
      subname?: string;
      newname?: string;
      renameType?: string;
    };
    if (!target || !newname) return;
    if (renameType === 'OBJECT_TABLE') {
      // A known table keeps its identity; an unknown one is followed by name.
      if (target.table) return;
      const state = this.states.get(tableKey(target.name));
      if (state) this.states.set(key(target.name.schema, newname), state);
      return;
    }
    const state = this.at(target);
    if (!subname) return;
    if (renameType === 'OBJECT_COLUMN') {
      if (state.notNull.delete(subname)) state.notNull.add(newname);
      for (const c of state.checks.values()) if (c.columns.delete(subname)) c.columns.add(newname);
    } else if (renameType === 'OBJECT_TABCONSTRAINT') {
      const check = state.checks.get(subname);
      if (check) {
        state.checks.delete(subname);
        state.checks.set(newname, check);
      }
    }
  }

  private addColumn(state: TableState, def: PgNode, relname: string): void {
    const column = def.colname as string | undefined;
    if (!column) return;
    const names = ((def.typeName?.names ?? []) as PgNode[]).map((n) => n.String?.sval as string);
    if (names.length === 1 && SERIAL_TYPES.has(names[0])) state.notNull.add(column);
    for (const c of (def.constraints ?? []) as PgNode[]) {
      const con = c.Constraint as PgNode | undefined;
      if (!con) continue;
      if (['CONSTR_NOTNULL', 'CONSTR_PRIMARY', 'CONSTR_IDENTITY'].includes(con.contype as string))
        state.notNull.add(column);
      else if (con.contype === 'CONSTR_CHECK') this.addConstraint(state, con, relname, column);
    }
  }

  private addConstraint(state: TableState, con: PgNode, relname: string, column?: string): void {
    const valid = con.skip_validation !== true;
    const keys = ((con.keys ?? []) as PgNode[]).map((k) => k.String?.sval as string).filter(Boolean);
    switch (con.contype) {
      case 'CONSTR_PRIMARY':
        for (const k of keys) state.notNull.add(k);
        return;
      case 'CONSTR_NOTNULL': {
        const columns = column ? [column] : keys;
        const name = (con.conname as string | undefined) ?? truncateName(`${relname}_${columns[0]}_not_null`);
        state.addCheck(name, { columns: new Set(columns), valid, notNullConstraint: true });
        return;
      }
      case 'CONSTR_CHECK': {
        const proven = notNullColumns(con.raw_expr as PgNode | undefined);
        // PostgreSQL's generated name, to follow a later VALIDATE / DROP of it: the column only
        // when the expression reads exactly one, numbered past the table's other CHECKs.
        const name =
          (con.conname as string | undefined) ??
          constraintNameFor(relname, 'check', columnRefs(con.raw_expr as PgNode | undefined), (n) =>
            state.checks.has(n),
          );
        state.addCheck(name, { columns: proven, valid, notNullConstraint: false });
        return;
      }
      default:
        return;
    }
  }

  private tableCreatedBy(step: MigrationStep): Table | undefined {
    if (!this.createdBy) {
      this.createdBy = new Map();
      for (const t of this.model.tables.values()) {
        this.createdBy.set(`${t.origin.statement.file}@${t.origin.statement.start}`, t);
      }
    }
    return this.createdBy.get(`${step.file}@${step.stmt.start}`);
  }
}

const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/**
 * The columns a CHECK expression proves not null: `c IS NOT NULL`, alone, in parentheses, or as a
 * conjunct of an AND (PostgreSQL's own test, a weak implication, accepts these; `c > 0` does not
 * prove it, since a CHECK lets NULL through).
 */
function notNullColumns(expr: PgNode | undefined): Set<string> {
  const out = new Set<string>();
  const walk = (n: PgNode | undefined): void => {
    if (!n) return;
    if (n.BoolExpr?.boolop === 'AND_EXPR') {
      for (const a of (n.BoolExpr.args ?? []) as PgNode[]) walk(a);
      return;
    }
    // NOT (c IS NULL) proves the same.
    const negated =
      n.BoolExpr?.boolop === 'NOT_EXPR' ? (n.BoolExpr.args?.[0] as PgNode | undefined) : undefined;
    const test = negated?.NullTest?.nulltesttype === 'IS_NULL' ? negated.NullTest : n.NullTest;
    if (test?.nulltesttype !== (negated ? 'IS_NULL' : 'IS_NOT_NULL')) return;
    const fields = (test.arg?.ColumnRef?.fields ?? []) as PgNode[];
    const name = fields[fields.length - 1]?.String?.sval as string | undefined;
    if (name) out.add(name);
  };
  walk(expr);
  return out;
}
