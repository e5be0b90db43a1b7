/**
 * A 150-model schema (bench/prisma.ts's generated one): valid to Prisma, linted without internal
 * errors, and still valid and formatted after `--fix` applied every Prisma fix.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatePrismaSchema } from '../../bench/prisma';
import { runFixLoop } from '../../server/src/cli/fix';
import { lintProject } from '../../server/src/engine/lint';
import { formatPrismaSchema, validatePrismaSchema } from '../../server/src/engine/prisma/validate';

test('a generated 150-model schema: lint, --fix, and Prisma still validates it', async () => {
  const text = generatePrismaSchema();
  assert.equal(text, generatePrismaSchema(), 'the generator is deterministic');
  assert.equal((text.match(/^model /gm) ?? []).length, 150);
  assert.deepEqual((await validatePrismaSchema(text)).errors, []);
  const files = [{ path: 'prisma/schema.prisma', text }];
  const { findings } = await lintProject(files);
  assert.deepEqual(
    findings.filter((f) => f.message.startsWith('Internal error')).map((f) => f.message),
    [],
  );
  const fired = new Set(findings.map((f) => f.ruleId));
  for (const id of [
    'primary-key-type',
    'foreign-key-without-index',
    'foreign-key-without-on-delete',
    'timestamp-without-time-zone',
    'float-for-money',
    'prefer-jsonb',
    'boolean-nullable',
    'missing-audit-columns',
    'soft-delete-without-partial-index',
  ]) {
    assert.ok(fired.has(id), `${id} fires on the generated schema`);
  }
  const outcome = await runFixLoop({
    files,
    lint: async (fs) => (await lintProject(fs)).findings,
    exists: () => false,
  });
  const fixed = outcome.files.find((f) => f.path === 'prisma/schema.prisma')!.text;
  assert.notEqual(fixed, text);
  assert.deepEqual((await validatePrismaSchema(fixed)).errors, []);
  assert.equal(formatPrismaSchema(fixed)[0].text, fixed);
  assert.deepEqual(
    outcome.findings.filter((f) => f.fixes.some((x) => x.preferred)).map((f) => `${f.ruleId}: ${f.message}`),
    [],
  );
});
