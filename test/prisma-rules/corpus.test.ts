/**
 * Real Prisma schemas (shared/corpus): documenso's single file and formbricks' two files lint
 * without an internal error, and after `--fix` (the CLI's fix loop over the schema, every rule)
 * Prisma's own engine still validates them and `prisma format` leaves them as they are.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runFixLoop } from '../../server/src/cli/fix';
import { lintProject } from '../../server/src/engine/lint';
import { formatPrismaSchema, validatePrismaSchema } from '../../server/src/engine/prisma/validate';
import type { SourceFile } from '../../server/src/engine/project';
import { CORPUS } from '../support/corpus';

const DOCUMENSO = join(CORPUS, 'documenso', 'packages', 'prisma');
const FORMBRICKS = join(CORPUS, 'formbricks', 'packages', 'database', 'schema');
const available = existsSync(DOCUMENSO) && existsSync(FORMBRICKS);

function documenso(): SourceFile[] {
  return [
    { path: 'packages/prisma/schema.prisma', text: readFileSync(join(DOCUMENSO, 'schema.prisma'), 'utf8') },
  ];
}

function formbricks(): SourceFile[] {
  return readdirSync(FORMBRICKS)
    .filter((f) => f.endsWith('.prisma'))
    .sort()
    .map((f) => ({ path: `packages/database/schema/${f}`, text: readFileSync(join(FORMBRICKS, f), 'utf8') }));
}

for (const [name, load] of [
  ['documenso', documenso],
  ['formbricks', formbricks],
] as const) {
  test(
    `${name}: lints without internal errors, with Prisma's names in the messages`,
    { skip: !available },
    async () => {
      const { findings } = await lintProject(load());
      assert.deepEqual(
        findings.filter((f) => f.message.startsWith('Internal error')).map((f) => f.message),
        [],
      );
      assert.ok(findings.length > 100, `${findings.length} findings`);
      // Model and field names, never the mapped table and column names (formbricks maps createdAt to created_at).
      assert.ok(!findings.some((f) => /\bcreated_at\b|\bupdated_at\b/.test(f.message)));
      // Every fix on a Prisma schema is a Prisma edit (or a migration it creates), never SQL.
      for (const f of findings) {
        for (const fix of f.fixes) {
          for (const e of fix.edits) {
            assert.ok(e.file.endsWith('.prisma'), `${f.ruleId}: ${fix.title} edits ${e.file}`);
            assert.doesNotMatch(e.newText, /\b(ALTER|CREATE) (TABLE|INDEX)\b/, `${f.ruleId}: ${fix.title}`);
          }
        }
      }
    },
  );

  test(
    `${name}: after --fix, Prisma validates the schema and prisma format keeps it`,
    { skip: !available },
    async () => {
      const files = load();
      const before = await validatePrismaSchema(files);
      assert.deepEqual(before.errors, []);
      const outcome = await runFixLoop({
        files,
        lint: async (fs) => (await lintProject(fs)).findings,
        exists: () => false,
      });
      assert.ok(outcome.changed.size > 0);
      const prisma = outcome.files.filter((f) => f.path.endsWith('.prisma'));
      const after = await validatePrismaSchema(prisma);
      assert.equal(after.engineError, undefined);
      assert.deepEqual(after.errors, []);
      const formatted = formatPrismaSchema(prisma);
      for (const f of prisma) {
        assert.equal(f.text, formatted.find((g) => g.path === f.path)?.text, `${f.path} is formatted`);
      }
      // What is left has no automatic fix (a CHECK, a partial unique index without partialIndexes).
      assert.deepEqual(
        outcome.findings
          .filter((f) => f.fixes.some((x) => x.preferred))
          .map((f) => `${f.ruleId}: ${f.message}`),
        [],
      );
    },
  );
}
