/**
 * Prints the README's rule table from the rules' metadata (test/docs.test.ts keeps the two equal):
 *
 *   node --import tsx scripts/rule-table.ts
 */
import { allRules } from '../server/src/engine/rules';

const order = ['syntax', 'schema design', 'multi-tenancy', 'migrations'];
const rules = [...allRules].sort(
  (a, b) =>
    order.indexOf(a.meta.category) - order.indexOf(b.meta.category) || a.meta.id.localeCompare(b.meta.id),
);
console.log('| rule | category | default | fix | what it finds |');
console.log('| --- | --- | --- | --- | --- |');
for (const { meta } of rules) {
  const cell = meta.description.replace(/\|/g, '\\|');
  console.log(
    `| [\`${meta.id}\`](docs/rules/${meta.id}.md) | ${meta.category} | ${meta.defaultSeverity} | ${meta.fixable ? 'yes' : ''} | ${cell} |`,
  );
}
