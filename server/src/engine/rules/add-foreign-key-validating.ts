import { editableInPlace, insertAt, quoteIdent, replaceRange, tableRef } from '../fixes/sql';
import type { Fix, SourceRange, TextEdit } from '../findings';
import { columnRefs, constraintNameFor, strings, typeFromNode } from '../model/build-sql';
import { findUserType, isNullConstant } from '../model/queries';
import { key, type SchemaModel, type Table } from '../model/schema';
import { statementTokens, type PgNode } from '../parse/sql';
import { columnsLabel } from './messages';
import {
  alterCommandRanges,
  alterCommands,
  migrationSteps,
  newMigration,
  sendsFileAsOneQuery,
  statementsBeside,
  stepOffset,
  stepStatement,
  type MigrationStep,
} from './migration-steps';
import type { Rule, RuleContext } from './rule';

/**
 * Adding a FOREIGN KEY or CHECK constraint to a table that already holds rows makes PostgreSQL
 * read every row to prove it, while the ALTER TABLE holds its lock: SHARE ROW EXCLUSIVE on both
 * tables of a foreign key (writes wait), ACCESS EXCLUSIVE for a CHECK (reads wait too). Added
 * NOT VALID, the constraint only guards new rows and the ALTER is instant; a later VALIDATE
 * CONSTRAINT reads the old rows under a lock that lets reads and writes go on.
 */
export const addForeignKeyValidating: Rule = {
  meta: {
    id: 'add-foreign-key-validating',
    defaultSeverity: 'warning',
    description:
      'ADD CONSTRAINT … FOREIGN KEY / CHECK on an existing table without NOT VALID: the table is scanned while writes wait.',
    rationale:
      'Adding a foreign key or a CHECK to a table that already has rows makes PostgreSQL check every row while the ALTER TABLE holds its lock: a foreign key blocks writes to both tables, a CHECK blocks reads and writes, for as long as the scan takes. Added NOT VALID, the constraint is enforced for new and updated rows at once, without a scan; a separate ALTER TABLE … VALIDATE CONSTRAINT then checks the old rows under a lock that lets reads and writes go on. Run the VALIDATE in its own transaction: in the one that added the constraint, the ADD lock is held until commit and nothing is gained.',
    example: {
      bad: '-- orders was created by an earlier migration\nALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey\n  FOREIGN KEY (customer_id) REFERENCES customers (id);',
      good: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey\n  FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;',
    },
    fixable: true,
    languages: ['sql'],
    category: 'migrations',
  },
  check(context) {
    const steps = migrationSteps(context);
    const taken = new Set<string>();
    steps.forEach((step, index) => {
      if (step.kind !== 'AlterTableStmt') return;
      const target = step.tables[0];
      // A table this file created holds no rows yet; a temporary or foreign table validates nothing
      // another session waits for.
      if (!target?.existing) return;
      if (target.table && (target.table.temporary || target.table.kind === 'foreign table')) return;
      const ranges = alterCommandRanges(step);
      alterCommands(step).forEach((cmd, k) => {
        for (const added of validatingConstraints(cmd, (type) =>
          domainDefaultFills(steps, index, context.model, type),
        )) {
          report(context, steps, index, added, ranges[k], taken);
        }
      });
    });
  },
};

/** A FOREIGN KEY or CHECK the ALTER TABLE validates against the rows already there. */
interface Added {
  constraint: PgNode;
  kind: 'foreign key' | 'check';
  columns: string[];
  /** Written on a new column (`ADD COLUMN c int CHECK (…)`): its name, and the constraint after it. */
  inline?: { column: string; next?: PgNode };
  /**
   * A foreign key PostgreSQL marks valid without checking the values it fills the new column with
   * for the rows already there: from its identity, or from its domain's default.
   */
  unchecked?: 'identity' | 'domain';
}

function validatingConstraints(
  cmd: PgNode,
  /** Whether a domain's default fills a new column of this type for the rows there. */
  domainFills: (type: { name: string; schema?: string }) => boolean,
): Added[] {
  if (cmd.subtype === 'AT_AddConstraint') {
    const c = cmd.def?.Constraint as PgNode | undefined;
    if (!c || c.skip_validation || c.is_enforced !== true) return [];
    if (c.contype === 'CONSTR_FOREIGN')
      return [{ constraint: c, kind: 'foreign key', columns: strings(c.fk_attrs) }];
    if (c.contype === 'CONSTR_CHECK')
      return [{ constraint: c, kind: 'check', columns: columnRefs(c.raw_expr) }];
    return [];
  }
  if (cmd.subtype !== 'AT_AddColumn') return [];
  const def = cmd.def?.ColumnDef as PgNode | undefined;
  if (!def?.colname) return [];
  const constraints = ((def.constraints ?? []) as PgNode[]).map((c) => c.Constraint as PgNode);
  // PostgreSQL marks a foreign key on a column it adds valid without checking, unless the column
  // has a default expression: DEFAULT (even DEFAULT NULL), a serial's nextval() or a generated
  // expression. An identity column, or a domain's default, fills the rows and is still not checked
  // (PostgreSQL 18): rows without a parent then stand under a key marked valid.
  const type = def.typeName ? typeFromNode(def.typeName as PgNode) : undefined;
  const filled =
    constraints.some((c) => c.contype === 'CONSTR_DEFAULT' || c.contype === 'CONSTR_GENERATED') ||
    type?.serial !== undefined;
  const unchecked: Added['unchecked'] = filled
    ? undefined
    : constraints.some((c) => c.contype === 'CONSTR_IDENTITY')
      ? 'identity'
      : type && type.arrayDims === 0 && domainFills(type)
        ? 'domain'
        : undefined;
  const out: Added[] = [];
  constraints.forEach((c, i) => {
    const next = constraints[i + 1];
    if (next?.contype === 'CONSTR_ATTR_NOT_ENFORCED') return;
    const inline = { column: def.colname as string, ...(next ? { next } : {}) };
    if (c.contype === 'CONSTR_FOREIGN' && (filled || unchecked)) {
      out.push({
        constraint: c,
        kind: 'foreign key',
        columns: [inline.column],
        inline,
        ...(unchecked ? { unchecked } : {}),
      });
    } else if (c.contype === 'CONSTR_CHECK') {
      // A CHECK is evaluated on every row even when they all hold NULL: a scan under ACCESS EXCLUSIVE.
      out.push({ constraint: c, kind: 'check', columns: [inline.column], inline });
    }
  });
  return out;
}

/**
 * Whether a column of this type, added at step `index`, is filled by its domain's default, as the
 * statements before the step left it (a domain they do not define is taken from the model). As in
 * PostgreSQL, a domain takes its base domain's default when it is created, and keeps it whatever
 * the base does later. `DEFAULT NULL` fills nothing.
 */
function domainDefaultFills(
  steps: readonly MigrationStep[],
  index: number,
  model: SchemaModel,
  type: { name: string; schema?: string },
): boolean {
  // By schema and name: the schema written, else the first of the search_path in effect.
  const defaults = new Map<string, PgNode | undefined>();
  const find = (names: string[], searchPath: readonly string[]): string | undefined => {
    const name = names[names.length - 1];
    if (name === undefined) return undefined;
    if (names.length > 1) return key(names[names.length - 2], name);
    for (const schema of [...searchPath, 'public'])
      if (defaults.has(key(schema, name))) return key(schema, name);
    return undefined;
  };
  for (let i = 0; i < index; i++) {
    const { kind, node, searchPath } = steps[i];
    if (kind === 'CreateDomainStmt') {
      const names = strings(node.domainname);
      const name = names[names.length - 1];
      if (name === undefined) continue;
      const schema = names.length > 1 ? names[names.length - 2] : (searchPath[0] ?? 'public');
      const constraints = ((node.constraints ?? []) as PgNode[]).map(
        (c) => c.Constraint as PgNode | undefined,
      );
      const own = constraints.find((c) => c?.contype === 'CONSTR_DEFAULT')?.raw_expr as PgNode | undefined;
      const base = find(strings(node.typeName?.names), searchPath);
      defaults.set(key(schema, name), own ?? (base === undefined ? undefined : defaults.get(base)));
    } else if (kind === 'AlterDomainStmt' && node.subtype === 'T') {
      const k = find(strings(node.typeName), searchPath);
      if (k !== undefined && defaults.has(k)) defaults.set(k, (node.def as PgNode | undefined) ?? undefined);
    }
  }
  const k = find(type.schema ? [type.schema, type.name] : [type.name], steps[index]?.searchPath ?? []);
  const value =
    k !== undefined && defaults.has(k) ? defaults.get(k) : findUserType(model.domains, type)?.defaultNode;
  return value !== undefined && !isNullConstant(value);
}

function report(
  context: RuleContext,
  steps: readonly MigrationStep[],
  index: number,
  added: Added,
  command: SourceRange | undefined,
  taken: Set<string>,
): void {
  const step = steps[index];
  const target = step.tables[0];
  const tableName = target.name.name;
  const start = stepOffset(step, added.constraint.location as number | undefined);
  const range = constraintRange(step, added, start, command);
  const advice = 'add it NOT VALID, then VALIDATE CONSTRAINT separately';
  let message: string;
  if (added.unchecked) {
    const parent = referencedName(added.constraint);
    const from = added.unchecked === 'identity' ? 'its identity' : "its domain's default";
    message = `Foreign key ${columnsLabel(tableName, added.columns)} is never checked against ${parent}: PostgreSQL fills the column from ${from} for the rows ${tableName} has, and marks the key valid without checking them; ${advice}`;
  } else if (added.kind === 'foreign key') {
    const parent = referencedName(added.constraint);
    const blocked = parent === tableName ? tableName : `${tableName} and ${parent}`;
    message = `Adding foreign key ${columnsLabel(tableName, added.columns)} scans ${tableName} while writes to ${blocked} wait; ${advice}`;
  } else {
    const conname = added.constraint.conname as string | undefined;
    const what = conname
      ? `CHECK ${conname} on ${tableName}`
      : `CHECK on ${added.columns.length === 1 ? columnsLabel(tableName, added.columns) : tableName}`;
    message = `Adding ${what} scans ${tableName} while its reads and writes wait; ${advice}`;
  }
  const fixes = editableInPlace(context.group, step.file)
    ? notValidFixes(context, steps, index, added, range, taken)
    : [];
  context.report({ range, message, fixes });
}

/** The constraint's clause: a table constraint to the end of its command, an inline one to the next. */
function constraintRange(
  step: MigrationStep,
  added: Added,
  start: number,
  command: SourceRange | undefined,
): SourceRange {
  const commandEnd = command?.end ?? step.stmt.end;
  const limit = added.inline?.next ? stepOffset(step, added.inline.next.location as number) : commandEnd;
  const tokens = statementTokens(step.parsed, step.stmt).filter((t) => t.start >= start && t.end <= limit);
  return { file: step.file, start, end: tokens.length > 0 ? tokens[tokens.length - 1].end : limit };
}

/**
 * NOT VALID on the constraint (named, since VALIDATE needs the name), and VALIDATE CONSTRAINT in
 * its own transaction: a statement after this one (or after the COMMIT of the file's own
 * transaction, or after the DO block) where the tool runs statements one by one, else a new
 * migration. The VALIDATE in the same transaction is offered too, never applied unattended.
 */
function notValidFixes(
  context: RuleContext,
  steps: readonly MigrationStep[],
  index: number,
  added: Added,
  range: SourceRange,
  taken: Set<string>,
): Fix[] {
  const step = steps[index];
  const target = step.tables[0];
  const c = added.constraint;
  const name = constraintName(step, target.table, added, taken);
  const relation = writtenRelation(step);
  const addEdits = addNotValid(context, step, added, range, name, relation);
  if (!addEdits) return [];
  const validate = `${relation} VALIDATE CONSTRAINT ${quoteIdent(name)};`;
  // Before PostgreSQL 18, a partitioned table refuses a NOT VALID foreign key.
  const partitioned = added.kind === 'foreign key' && target.table?.kind === 'partitioned table';
  const caveat = partitioned ? ' (PostgreSQL 18 or later on a partitioned table)' : '';
  const what = c.conname ? `${name} NOT VALID` : `NOT VALID constraint ${name}`;

  const place = validatePlace(steps, index);
  const sameFile: Fix = {
    title: `Add ${what} and validate it ${place.effective ? place.where : 'in the same transaction (the ADD lock is held until commit)'}${caveat}`,
    edits: [
      ...addEdits.edits,
      statementsBeside(context.fileText, place.step, 'after', [
        ...(place.step === step ? addEdits.after : []),
        validate,
      ]),
    ],
  };
  if (place.step !== step && addEdits.after.length > 0) {
    sameFile.edits.push(statementsBeside(context.fileText, step, 'after', addEdits.after));
  }
  const resolved = `ALTER TABLE ${step.node.missing_ok ? 'IF EXISTS ' : ''}${step.node.relation?.inh === true ? '' : 'ONLY '}${tableRef(target.name)}`;
  const migration = newMigration(
    context.group,
    `validate_${name}`,
    `-- ${name} was added NOT VALID: this checks the existing rows without blocking reads or writes.\n${resolved} VALIDATE CONSTRAINT ${quoteIdent(name)};`,
    '-- Nothing to undo: VALIDATE CONSTRAINT only checked the existing rows.',
  );
  const newFile: Fix | undefined = migration && {
    title: `Add ${what} and validate it in a new migration ${migration.name}${caveat}`,
    edits: [
      ...addEdits.edits,
      ...(addEdits.after.length > 0
        ? [statementsBeside(context.fileText, step, 'after', addEdits.after)]
        : []),
    ],
    createFiles: migration.files,
  };
  let fixes: Fix[];
  if (place.effective) {
    sameFile.preferred = true;
    fixes = newFile ? [sameFile, newFile] : [sameFile];
  } else {
    sameFile.manual = true;
    if (newFile) newFile.preferred = true;
    fixes = newFile ? [newFile, sameFile] : [sameFile];
  }
  // The PostgreSQL version is unknown here: never applied unattended where an older one refuses it.
  return partitioned ? fixes.map(({ preferred: _, ...fix }) => ({ ...fix, manual: true })) : fixes;
}

/**
 * The edits that make the constraint NOT VALID: `CONSTRAINT <name>` before an unnamed one and
 * ` NOT VALID` after it; an inline one (which cannot be NOT VALID) moves to an ALTER TABLE of its
 * own, returned in `after`. Undefined when an attribute (`DEFERRABLE`) follows the inline one.
 */
function addNotValid(
  context: RuleContext,
  step: MigrationStep,
  added: Added,
  range: SourceRange,
  name: string,
  relation: string,
): { edits: TextEdit[]; after: string[] } | undefined {
  if (!added.inline) {
    const edits = added.constraint.conname
      ? []
      : [insertAt(step.file, range.start, `CONSTRAINT ${quoteIdent(name)} `)];
    edits.push(insertAt(step.file, range.end, ' NOT VALID'));
    return { edits, after: [] };
  }
  if (added.inline.next && String(added.inline.next.contype).startsWith('CONSTR_ATTR_')) return undefined;
  const tokens = statementTokens(step.parsed, step.stmt);
  let i = tokens.findIndex((t) => t.start === range.start);
  if (i <= 0) return undefined;
  const from = tokens[i - 1].end;
  if (tokens[i].text.toUpperCase() === 'CONSTRAINT') i += 2;
  if (!tokens[i] || tokens[i].start >= range.end) return undefined;
  const clause = context.fileText(step.file).slice(tokens[i].start, range.end);
  const keys = added.kind === 'foreign key' ? `FOREIGN KEY (${quoteIdent(added.inline.column)}) ` : '';
  return {
    edits: [replaceRange({ file: step.file, start: from, end: range.end }, '')],
    after: [`${relation} ADD CONSTRAINT ${quoteIdent(name)} ${keys}${clause} NOT VALID;`],
  };
}

/**
 * Where a VALIDATE in the same file runs in a transaction of its own, if anywhere: after the
 * statement, or after the DO block, where statements run one at a time; after the COMMIT of the
 * file's own transaction (even in a file sent as one query, PostgreSQL starts a new implicit
 * transaction after an explicit COMMIT). Nowhere in a file the tool runs in one transaction.
 */
function validatePlace(
  steps: readonly MigrationStep[],
  index: number,
): { step: MigrationStep; where: string; effective: boolean } {
  const step = steps[index];
  const nowhere = { step, where: '', effective: false };
  if (step.toolTransaction) return nowhere;
  if (step.explicitTransaction) {
    const commit = steps.find(
      (s, i) =>
        i > index &&
        s.file === step.file &&
        !s.inDoBlock &&
        s.kind === 'TransactionStmt' &&
        s.node.kind === 'TRANS_STMT_COMMIT',
    );
    return commit ? { step: commit, where: 'after COMMIT', effective: true } : nowhere;
  }
  if (sendsFileAsOneQuery(step.migration)) return nowhere;
  if (step.inDoBlock) {
    const block = [...steps.slice(0, index)]
      .reverse()
      .find(
        (s) =>
          s.file === step.file &&
          s.kind === 'DoStmt' &&
          s.stmt.start <= step.stmt.start &&
          s.stmt.end >= step.stmt.end,
      );
    return block ? { step: block, where: 'after the DO block', effective: true } : nowhere;
  }
  return { step, where: 'in a separate statement', effective: true };
}

/**
 * The constraint's name: as written, else the one PostgreSQL gives it (which the model computed
 * when it applied the statement), else PostgreSQL's naming made free among the table's constraints
 * the model knows (a table outside the files: none).
 */
function constraintName(
  step: MigrationStep,
  table: Table | undefined,
  added: Added,
  taken: Set<string>,
): string {
  const written = added.constraint.conname as string | undefined;
  if (written) return written;
  const at = stepStatement(step);
  const own = table?.constraints.find(
    (c) =>
      !c.named &&
      !taken.has(c.name) &&
      c.kind === added.kind &&
      c.origin.statement.file === at.file &&
      c.origin.statement.start === at.start &&
      c.columns.join('\0') === added.columns.join('\0'),
  );
  if (own) {
    taken.add(own.name);
    return own.name;
  }
  const used = new Set([...(table?.constraints.map((c) => c.name) ?? []), ...taken]);
  const columns = added.kind === 'check' ? columnRefs(added.constraint.raw_expr) : added.columns;
  const name = constraintNameFor(step.tables[0].name.name, added.kind, columns, (n) => used.has(n));
  taken.add(name);
  return name;
}

/** `ALTER TABLE [IF EXISTS] [ONLY] <the table as the statement wrote it>`. */
function writtenRelation(step: MigrationStep): string {
  const rel = step.node.relation as PgNode;
  const name = `${rel.schemaname ? `${quoteIdent(rel.schemaname as string)}.` : ''}${quoteIdent(rel.relname as string)}`;
  return `ALTER TABLE ${step.node.missing_ok ? 'IF EXISTS ' : ''}${rel.inh === true ? '' : 'ONLY '}${name}`;
}

function referencedName(c: PgNode): string {
  return (c.pktable?.relname as string | undefined) ?? 'the referenced table';
}
