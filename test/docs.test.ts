/** The rules the code registers, the catalogue's ids, and the docs pages are one set. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { allRules } from '../server/src/engine/rules';

/** The catalogue's "Schema design" section and `syntax-error`: the ids are a public contract. */
const SCHEMA_DESIGN_IDS = [
  'table-without-primary-key',
  'primary-key-type',
  'prefer-identity',
  'foreign-key-without-on-delete',
  'foreign-key-without-index',
  'foreign-key-type-mismatch',
  'missing-audit-columns',
  'updated-at-without-trigger',
  'text-for-typed-data',
  'float-for-money',
  'timestamp-without-time-zone',
  'prefer-jsonb',
  'boolean-nullable',
  'missing-not-null',
  'missing-check-constraint',
  'missing-default',
  'soft-delete-without-partial-index',
  'soft-delete-unique',
  'duplicate-index',
  'syntax-error',
];

test('every catalogue id of schema design has a rule', () => {
  const ids = allRules.map((r) => r.meta.id);
  assert.deepEqual(
    SCHEMA_DESIGN_IDS.filter((id) => !ids.includes(id)),
    [],
  );
  assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
});

test('every rule lives in server/src/engine/rules/<id>.ts', () => {
  for (const rule of allRules) {
    assert.ok(existsSync(`server/src/engine/rules/${rule.meta.id}.ts`), rule.meta.id);
  }
});

test('docs/rules has exactly one page per rule, with the required sections', () => {
  const pages = readdirSync('docs/rules')
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -3))
    .sort();
  assert.deepEqual(pages, allRules.map((r) => r.meta.id).sort());
  for (const rule of allRules) {
    const text = readFileSync(`docs/rules/${rule.meta.id}.md`, 'utf8');
    assert.match(text, new RegExp(`^# ${rule.meta.id}\\n`), `${rule.meta.id}: title`);
    assert.match(
      text,
      new RegExp(`Severity: \\*\\*${rule.meta.defaultSeverity}\\*\\*`),
      `${rule.meta.id}: severity`,
    );
    assert.match(
      text,
      new RegExp(`Fixable: ${rule.meta.fixable ? 'yes' : 'no'}`),
      `${rule.meta.id}: fixable`,
    );
    for (const section of ['## Why', '## Bad', '## Good', '## Configure']) {
      assert.ok(text.includes(section), `${rule.meta.id}: ${section}`);
    }
  }
});

test('every rule has the metadata hover and SARIF show', () => {
  for (const rule of allRules) {
    const m = rule.meta;
    assert.match(m.id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(m.description.length > 10 && !m.description.includes('\n'), `${m.id}: one-line description`);
    assert.ok(m.rationale.length > 40, `${m.id}: rationale`);
    assert.ok(m.example.bad && m.example.good, `${m.id}: example`);
  }
});
