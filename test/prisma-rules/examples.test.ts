/**
 * The bundled Prisma examples: examples/prisma/schema.prisma breaks every rule that applies to
 * Prisma exactly once (a syntax error aside), and `--fix` leaves a schema Prisma validates and `prisma format`
 * keeps; examples/good/schema.prisma has no finding at all.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runFixLoop } from '../../server/src/cli/fix';
import { lintProject } from '../../server/src/engine/lint';
import { formatPrismaSchema, validatePrismaSchema } from '../../server/src/engine/prisma/validate';
import { prismaMajorFromPackageJson } from '../../server/src/engine/prisma/version';
import type { SourceFile } from '../../server/src/engine/project';
import { allRules } from '../../server/src/engine/rules';

const read = (path: string): SourceFile => ({ path, text: readFileSync(path, 'utf8') });

const bad = [read('examples/prisma/schema.prisma'), read('examples/prisma/package.json')];
const prismaMajor = prismaMajorFromPackageJson(bad[1].text);

async function assertValidAndFormatted(files: readonly SourceFile[]): Promise<void> {
  const prisma = files.filter((f) => f.path.endsWith('.prisma'));
  const result = await validatePrismaSchema(prisma, prismaMajor === undefined ? {} : { prismaMajor });
  assert.deepEqual(result.errors, []);
  for (const f of prisma) assert.equal(formatPrismaSchema([f])[0].text, f.text, `${f.path} is formatted`);
}

test('examples/prisma is for Prisma 6, valid, formatted', async () => {
  assert.equal(prismaMajor, 6);
  await assertValidAndFormatted(bad);
});

test('examples/prisma breaks every rule that applies to Prisma exactly once', async () => {
  const { findings } = await lintProject(bad);
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  const expected = allRules
    .filter((r) => r.meta.languages.includes('prisma') && r.meta.category !== 'syntax')
    .map((r) => [r.meta.id, 1] as const);
  assert.deepEqual(Object.fromEntries(counts), Object.fromEntries(expected));
});

test('examples/prisma after --fix: valid, formatted, and only what the schema cannot say is left', async () => {
  const outcome = await runFixLoop({
    files: bad,
    lint: async (files) => (await lintProject(files)).findings,
    exists: () => false,
  });
  await assertValidAndFormatted(outcome.files);
  assert.deepEqual(outcome.findings.map((f) => f.ruleId).sort(), [
    // Prisma cannot declare CHECK (quantity >= 0), nor (unitPrice >= 0) once unitPrice is a Decimal.
    'missing-check-constraint',
    'missing-check-constraint',
    // A partial unique index needs the partialIndexes preview feature, which Prisma 6 does not have.
    'soft-delete-unique',
  ]);
  assert.deepEqual([...outcome.created.keys()].map((p) => p.replace(/\d{14}/, '<timestamp>')).sort(), [
    'examples/prisma/migrations/<timestamp>_enable_rls/migration.sql',
    'examples/prisma/migrations/<timestamp>_product_active_idx/migration.sql',
  ]);
});

test('examples/good/schema.prisma has no finding at all', async () => {
  const good = [read('examples/good/schema.prisma')];
  await assertValidAndFormatted(good);
  const { findings } = await lintProject(good);
  assert.deepEqual(
    findings.map((f) => `${f.file}:${f.start} ${f.ruleId}: ${f.message}`),
    [],
  );
});
