import type { Fix } from '../findings';
import { editableInPlace, replaceRange } from '../fixes/sql';
import { indexesOf } from '../model/queries';
import type { Index, Table } from '../model/schema';
import { isTenantTable, tenantColumn } from '../model/tenancy';
import { attributeFieldList } from '../prisma/fixes';
import { fieldName, indexLabel } from './messages';
import type { Rule, RuleContext } from './rule';
import { keyList } from './tenant-unique-without-tenant';

/**
 * Every query of a tenant table filters by tenant (row-level security adds the filter when the
 * query does not). A B-tree serves that filter only when the tenant column comes first.
 */
export const tenantIndexNotLeading: Rule = {
  meta: {
    id: 'tenant-index-not-leading',
    defaultSeverity: 'info',
    description: 'A multi-column index on a tenant table that includes the tenant column, but not first.',
    rationale:
      'In a multi-tenant table every query carries `tenant_id = …`, written by the application or added by a row-level security policy. A B-tree index is searched by its leading columns: with tenant_id first, one tenant\'s rows are one contiguous range, and the next columns sort within it. With tenant_id later, a query for one tenant\'s recent orders walks the entries of every tenant. (tenant_id, created_at) serves "this tenant, newest first"; (created_at, tenant_id) does not.',
    example: {
      bad: 'CREATE INDEX orders_created_at_tenant_id_idx ON orders (created_at, tenant_id);',
      good: 'CREATE INDEX orders_tenant_id_created_at_idx ON orders (tenant_id, created_at);',
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
        // Only a B-tree's order decides what it serves (GIN and BRIN ignore it; GiST mostly).
        if (index.method !== 'btree' || index.elements.length < 2) continue;
        const at = index.elements.findIndex((e) => e.column === tenant.name);
        if (at <= 0) continue;
        const constraint = index.constraint
          ? table.constraints.find((c) => c.name === index.constraint)
          : undefined;
        if (index.constraint && constraint?.kind !== 'primary key' && constraint?.kind !== 'unique') continue;
        if (table.prisma) {
          const fix = prismaReorderFix(context, table, index, at);
          context.report({
            range: index.origin.range,
            message: `${indexLabel(context.fileText, table, index)} does not start with ${fieldName(table, tenant)}`,
            fixes: fix ? [fix] : [],
          });
          continue;
        }
        const shown = index.elements.map((e) => e.column ?? e.expression ?? '?');
        const fix = reorderFix(context, table, index, at);
        context.report({
          range: constraint ? constraint.origin.range : index.origin.range,
          message: `Index ${index.name} on ${table.name} (${shown.join(', ')}) does not start with ${tenant.name}`,
          fixes: fix ? [fix] : [],
        });
      }
    }
  },
};

/**
 * The element list with the tenant column moved first, written in place: each element's text
 * moves one slot to the right up to the tenant column's old slot, separators and layout stay.
 */
function reorderFix(context: RuleContext, table: Table, index: Index, at: number): Fix | undefined {
  const constraint = index.constraint
    ? table.constraints.find((c) => c.name === index.constraint)
    : undefined;
  const range = constraint ? constraint.origin.range : index.origin.range;
  if (!range.file.toLowerCase().endsWith('.sql') || !editableInPlace(context.group, range.file))
    return undefined;
  const list = keyList(context, range, !constraint);
  if (!list || list.elements.length !== index.elements.length) return undefined;
  const text = context.fileText(range.file);
  const slots = list.elements.slice(0, at + 1);
  const texts = slots.map((s) => text.slice(s.start, s.end));
  const moved = [texts[at], ...texts.slice(0, at)];
  let out = '';
  for (let i = 0; i < slots.length; i++) {
    out += moved[i];
    if (i < slots.length - 1) out += text.slice(slots[i].end, slots[i + 1].start);
  }
  const names = index.elements.map((e) => e.column ?? e.expression ?? '?');
  const order = [names[at], ...names.slice(0, at), ...names.slice(at + 1)];
  return {
    title: `Move ${names[at]} first in ${index.name}: (${order.join(', ')})`,
    edits: [replaceRange({ file: range.file, start: slots[0].start, end: slots[at].end }, out)],
    preferred: true,
  };
}

/** Prisma: `@@index([createdAt, tenantId])` → `@@index([tenantId, createdAt])`, in place. */
function prismaReorderFix(context: RuleContext, table: Table, index: Index, at: number): Fix | undefined {
  const range = index.origin.range;
  const text = context.fileText(range.file);
  const list = attributeFieldList(text, range);
  if (!list || list.length !== index.elements.length || table.prisma?.implicitManyToMany) return undefined;
  const texts = list.map((e) => text.slice(e.start, e.end));
  const order = [texts[at], ...texts.slice(0, at), ...texts.slice(at + 1)];
  const names = index.elements.map((e) => (e.column ? fieldName(table, e.column) : '?'));
  return {
    title: `Move ${names[at]} first: [${[names[at], ...names.slice(0, at), ...names.slice(at + 1)].join(', ')}]`,
    edits: [
      replaceRange(
        { file: range.file, start: list[0].start, end: list[list.length - 1].end },
        order.join(', '),
      ),
    ],
    preferred: true,
  };
}
