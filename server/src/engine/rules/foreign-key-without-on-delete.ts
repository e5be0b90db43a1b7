import type { Fix, SourceRange } from '../findings';
import { editableInPlace, insertAt } from '../fixes/sql';
import { effectivelyNotNull, findColumn, foreignKeys } from '../model/queries';
import type { Constraint, FkAction, SchemaModel, Table } from '../model/schema';
import { scanText } from '../parse/scan';
import { fieldAttributeRange, setAttributeArgument } from '../prisma/fixes';
import { columnsLabelOf, tableLabel } from './messages';
import type { Rule, RuleContext } from './rule';

/**
 * Left out, ON DELETE is NO ACTION: deleting a parent fails while children exist. Sometimes that
 * is the design, often the author never decided; writing the action down records the decision.
 */
export const foreignKeyWithoutOnDelete: Rule = {
  meta: {
    id: 'foreign-key-without-on-delete',
    defaultSeverity: 'warning',
    description: 'A foreign key without an explicit ON DELETE action.',
    rationale:
      "A foreign key without ON DELETE silently gets NO ACTION: deleting a referenced row fails as long as a referencing row exists. That is right for a reference (an order must not lose its customer) and wrong for a composition (an order's lines should go with it, ON DELETE CASCADE) or an optional link (ON DELETE SET NULL). Write the action down so the schema says what happens, and so a reader knows someone decided.",
    example: {
      bad: 'CREATE TABLE order_lines (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  order_id bigint NOT NULL REFERENCES orders (id)\n);',
      good: 'CREATE TABLE order_lines (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE\n);',
    },
    fixable: true,
    languages: ['sql', 'prisma'],
    prismaFixes: true,
    category: 'schema design',
  },
  check(context) {
    const { model, group } = context;
    for (const table of model.tables.values()) {
      for (const fk of foreignKeys(table)) {
        if (fk.onDelete !== undefined) continue;
        if (table.prisma) {
          reportPrisma(context, table, fk);
          continue;
        }
        const range = fk.origin.range;
        const fixes = editableInPlace(group, range.file)
          ? onDeleteFixes(model, table, fk, range, context.fileText(range.file))
          : [];
        context.report({
          range,
          message: `Foreign key ${columnsLabelOf(table, fk.columns)} has no ON DELETE action (defaults to NO ACTION)`,
          fixes,
        });
      }
    }
  },
};

/**
 * One fix per action. RESTRICT is preferred: it keeps today's behaviour (the delete is refused),
 * so "fix all" only writes down what already happens, unless the key is DEFERRABLE, where
 * RESTRICT (never deferred) would change it.
 */
function onDeleteFixes(
  model: SchemaModel,
  table: Table,
  fk: Constraint,
  range: SourceRange,
  text: string,
): Fix[] {
  const place = actionPlace(text.slice(range.start, range.end));
  if (!place) return [];
  const at = range.start + place.offset;
  const fix = (action: string, preferred = false): Fix => ({
    title: `Add ON DELETE ${action}`,
    edits: [insertAt(range.file, at, ` ON DELETE ${action}`)],
    ...(preferred ? { preferred } : {}),
  });
  const fixes = [fix('CASCADE'), fix('RESTRICT', !place.deferrable)];
  // SET NULL needs every referencing column to accept NULL.
  const nullable = (name: string) => {
    const column = findColumn(table, name);
    return column !== undefined && !effectivelyNotNull(model, table, column);
  };
  if (fk.columns.every(nullable)) fixes.push(fix('SET NULL'));
  return fixes;
}

/**
 * Where an action goes in a foreign key clause: after `REFERENCES table [(columns)] [MATCH …]`,
 * before ON UPDATE and the constraint's attributes (PostgreSQL takes the two actions in either
 * order, and NOT VALID / DEFERRABLE after both). Also says whether the key is DEFERRABLE.
 */
function actionPlace(clause: string): { offset: number; deferrable: boolean } | undefined {
  const tokens = scanText(clause, true)!;
  const word = (i: number) => tokens[i]?.text.toUpperCase();
  let i = tokens.findIndex((t) => t.text.toUpperCase() === 'REFERENCES');
  if (i < 0) return undefined;
  // The referenced table: name [. name …]
  i++;
  while (word(i + 1) === '.') i += 2;
  if (word(i + 1) === '(') {
    for (i += 1; i < tokens.length && word(i) !== ')'; i++);
  }
  if (word(i + 1) === 'MATCH') i += 2;
  if (i >= tokens.length) return undefined;
  const deferrable = tokens.some((t, k) => t.text.toUpperCase() === 'DEFERRABLE' && word(k - 1) !== 'NOT');
  return { offset: tokens[i].end, deferrable };
}

/** Prisma's names of the referential actions. */
const PRISMA_ACTIONS: Record<FkAction, string> = {
  cascade: 'Cascade',
  restrict: 'Restrict',
  'set null': 'SetNull',
  'no action': 'NoAction',
  'set default': 'SetDefault',
};

/**
 * Prisma: left out, `onDelete` is not NO ACTION but Restrict (SetNull when the relation is
 * optional), and `onUpdate` Cascade; the message says what Prisma creates. The fixes write
 * `onDelete:` into `@relation(…)`; the preferred one is what Prisma does anyway, so that fix-all
 * only writes the decision down.
 */
function reportPrisma(context: RuleContext, table: Table, fk: Constraint): void {
  const range = fk.origin.range;
  const relation = `${tableLabel(table)}.${fk.prisma?.field ?? fk.columns.join(', ')}`;
  const implied = fk.impliedOnDelete ?? 'restrict';
  const onUpdate = fk.onUpdate ?? fk.impliedOnUpdate ?? 'cascade';
  const message = fk.notEnforced
    ? `Relation ${relation} has no onDelete: Prisma Client emulates ${PRISMA_ACTIONS[implied]} (relationMode = "prisma")`
    : `Relation ${relation} has no onDelete: Prisma creates ON DELETE ${implied.toUpperCase()} ON UPDATE ${onUpdate.toUpperCase()}`;
  const text = context.fileText(range.file);
  const attribute = fieldAttributeRange(text, range, 'relation');
  const fixes: Fix[] = [];
  if (attribute) {
    const optional = fk.columns.every((name) => findColumn(table, name)?.notNull === false);
    const actions: FkAction[] = optional ? ['cascade', 'restrict', 'set null'] : ['cascade', 'restrict'];
    for (const action of actions) {
      const value = PRISMA_ACTIONS[action];
      fixes.push({
        title: `Add onDelete: ${value} to ${relation}`,
        edits: [setAttributeArgument(text, attribute, 'onDelete', value)],
        ...(action === implied ? { preferred: true } : {}),
      });
    }
  }
  context.report({ range, message, fixes });
}
