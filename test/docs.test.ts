/** The rules the code registers, the catalogue's ids, and the docs pages are one set. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadPrismaParser, parsePrisma } from '../server/src/engine/parse/prisma';
import { formatPrismaSchema } from '../server/src/engine/prisma/validate';
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

test('every rule that applies to Prisma has a Prisma section: what it checks, bad and good, the fix', () => {
  for (const rule of allRules.filter((r) => r.meta.languages.includes('prisma'))) {
    const id = rule.meta.id;
    const text = readFileSync(`docs/rules/${id}.md`, 'utf8');
    const section = /\n## Prisma\n([\s\S]*?)\n## [^#]/.exec(text)?.[1];
    assert.ok(section, `${id}: ## Prisma`);
    const [checks, rest = ''] = section.split('\n### Bad\n');
    assert.ok(checks.trim().length > 40, `${id}: what it checks in a schema.prisma`);
    const [bad, afterBad = ''] = rest.split('\n### Good\n');
    const [good, fix = ''] = afterBad.split('\n### Fix\n');
    assert.match(bad, /```prisma\n/, `${id}: a bad Prisma example`);
    assert.ok(good.trim().length > 0, `${id}: a good Prisma example`);
    assert.ok(fix.trim().length > 0, `${id}: what the Prisma fix writes`);
  }
});

test('the Prisma examples of the docs are laid out as `prisma format` lays them out', async () => {
  await loadPrismaParser();
  const pages = ['docs/prisma.md', ...readdirSync('docs/rules').map((f) => `docs/rules/${f}`)];
  for (const page of pages) {
    for (const [, code] of readFileSync(page, 'utf8').matchAll(/```prisma\n([\s\S]*?)```/g)) {
      // A syntax error's example does not parse, on purpose.
      if (parsePrisma(code).errors.length > 0) continue;
      assert.equal(code, formatPrismaSchema(code)[0].text, page);
    }
  }
});

test("the README's rule table lists every rule with its category, default severity and fix", () => {
  const readme = readFileSync('README.md', 'utf8');
  const rows = new Map<string, string[]>();
  for (const [, id, rest] of readme.matchAll(
    /^\| \[`([a-z-]+)`\]\(docs\/rules\/[a-z-]+\.md\)\s*\|(.*)\|\s*$/gm,
  )) {
    rows.set(
      id,
      rest.split('|').map((c) => c.trim()),
    );
  }
  assert.deepEqual([...rows.keys()].sort(), allRules.map((r) => r.meta.id).sort());
  for (const rule of allRules) {
    const [category, severity, fix] = rows.get(rule.meta.id)!;
    assert.equal(category, rule.meta.category, rule.meta.id);
    assert.equal(severity, rule.meta.defaultSeverity, rule.meta.id);
    assert.equal(fix, rule.meta.fixable ? 'yes' : '', rule.meta.id);
  }
});
