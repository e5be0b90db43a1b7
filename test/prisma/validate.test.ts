import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prismaEngineMajor, validatePrismaSchema } from '../../server/src/engine/prisma/validate';
import { CORPUS } from '../support/corpus';

const DOCUMENSO = join(CORPUS, 'documenso', 'packages', 'prisma', 'schema.prisma');
const FORMBRICKS = join(CORPUS, 'formbricks', 'packages', 'database', 'schema');
const available = existsSync(DOCUMENSO) && existsSync(FORMBRICKS);

const DATASOURCE = 'datasource db {\n  provider = "postgresql"\n}\n\n';

test('the engine is loaded with its panic registry in place', async () => {
  await validatePrismaSchema(`${DATASOURCE}model A {\n  id Int @id\n}\n`);
  const registry = (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message?: unknown } })
    .PRISMA_WASM_PANIC_REGISTRY;
  assert.equal(typeof registry?.set_message, 'function');
  assert.ok(prismaEngineMajor() >= 7);
});

test('a valid schema is valid', async () => {
  const result = await validatePrismaSchema(
    `${DATASOURCE}model User {\n  id    Int    @id\n  posts Post[]\n}\n\nmodel Post {\n  id       Int  @id\n  author   User @relation(fields: [authorId], references: [id])\n  authorId Int\n\n  @@index([authorId])\n}\n`,
  );
  assert.deepEqual(result.errors, []);
  assert.equal(result.valid, true);
  assert.equal(result.engineError, undefined);
});

test('a broken schema is invalid, with the engine’s message at its place', async () => {
  const text = `${DATASOURCE}model A {\n  id   Int @id\n  name Strin\n  n    Int @default("x")\n}\n`;
  const result = await validatePrismaSchema(text);
  assert.equal(result.valid, false);
  assert.deepEqual(
    result.errors.map((e) => [e.file, e.message, text.slice(e.start, e.end)]),
    [
      [
        'schema.prisma',
        'Type "Strin" is neither a built-in type, nor refers to another model, composite type, or enum.',
        'Strin',
      ],
      [
        'schema.prisma',
        'Error parsing attribute "@default": Expected a Int value, but found `"x"`.',
        '@default("x")',
      ],
    ],
  );
});

test('engine ranges are UTF-16 offsets', async () => {
  const text = `${DATASOURCE}// é€😀 😀\nmodel A {\n  id Int @id\n  b  Strin\n}\n`;
  const result = await validatePrismaSchema(text);
  assert.deepEqual(
    result.errors.map((e) => text.slice(e.start, e.end)),
    ['Strin'],
  );
});

test('datasource url: left out for Prisma 6 and earlier, the user’s error on Prisma 7+', async () => {
  const text =
    'datasource db {\n  provider  = "postgresql"\n  url       = env("DATABASE_URL")\n  directUrl = env("DIRECT_URL")\n}\n\nmodel A {\n  id Int @id\n}\n';
  for (const prismaMajor of [undefined, 5, 6]) {
    const result = await validatePrismaSchema(text, prismaMajor === undefined ? {} : { prismaMajor });
    assert.equal(result.valid, true, `Prisma ${prismaMajor}`);
    assert.deepEqual(result.errors, []);
    assert.equal(result.adjustments.length, 2);
    assert.match(result.adjustments[0], /datasource `url` left out/);
  }
  const on7 = await validatePrismaSchema(text, { prismaMajor: 7 });
  assert.equal(on7.valid, false);
  assert.deepEqual(
    on7.errors.map((e) => text.slice(e.start, e.end)),
    ['url       = env("DATABASE_URL")', 'directUrl = env("DIRECT_URL")'],
  );
  assert.match(
    on7.errors[0].message,
    /^The datasource property `url` is no longer supported in schema files/,
  );
  assert.deepEqual(on7.adjustments, []);
});

test('a preview feature the engine no longer knows is a warning for an older Prisma', async () => {
  const text = `${DATASOURCE}generator client {\n  provider        = "prisma-client-js"\n  previewFeatures = ["metrics"]\n}\n\nmodel A {\n  id Int @id\n}\n`;
  const older = await validatePrismaSchema(text, { prismaMajor: 5 });
  assert.equal(older.valid, true);
  assert.deepEqual(
    older.warnings.map((w) => text.slice(w.start, w.end)),
    ['["metrics"]'],
  );
  const current = await validatePrismaSchema(text, { prismaMajor: prismaEngineMajor() });
  assert.equal(current.valid, false);
  assert.match(current.errors[0].message, /^The preview feature "metrics" is not known/);
});

test('the engine’s own warnings stay warnings', async () => {
  const text =
    'datasource db {\n  provider     = "postgresql"\n  relationMode = "prisma"\n}\n\nmodel A {\n  id Int @id\n  bs B[]\n}\n\nmodel B {\n  id  Int @id\n  aId Int\n  a   A   @relation(fields: [aId], references: [id])\n}\n';
  const result = await validatePrismaSchema(text);
  assert.equal(result.valid, true);
  assert.equal(result.warnings.length, 1);
  assert.match(result.warnings[0].message, /With `relationMode = "prisma"`, no foreign keys are used/);
  assert.equal(
    text.slice(result.warnings[0].start, result.warnings[0].end),
    '@relation(fields: [aId], references: [id])',
  );
});

test(
  'documenso’s schema is valid (its url and directUrl are Prisma 6 style)',
  { skip: !available },
  async () => {
    const result = await validatePrismaSchema([
      { path: 'packages/prisma/schema.prisma', text: readFileSync(DOCUMENSO, 'utf8') },
    ]);
    assert.deepEqual(result.errors, []);
    assert.equal(result.valid, true);
    assert.equal(result.adjustments.length, 2);
  },
);

test('formbricks’ multi-file schema is valid as one schema', { skip: !available }, async () => {
  const files = readdirSync(FORMBRICKS)
    .sort()
    .map((f) => ({ path: `schema/${f}`, text: readFileSync(join(FORMBRICKS, f), 'utf8') }));
  const result = await validatePrismaSchema(files, { prismaMajor: 7 });
  assert.deepEqual(result.errors, []);
  assert.equal(result.valid, true);
  assert.deepEqual(result.adjustments, []);
  // One file alone does not resolve the other's models.
  const alone = await validatePrismaSchema([files.find((f) => f.path.endsWith('workflows.prisma'))!]);
  assert.equal(alone.valid, false);
  assert.ok(alone.errors.every((e) => e.file === 'schema/workflows.prisma'));
});
