/**
 * Table-driven rule tests on Prisma schemas, the counterpart of rule-tester.ts: `valid` schemas
 * have no finding of the rule, `invalid` ones exactly the listed findings, and every fix is checked
 * as text, then proved three ways:
 * - Prisma's own engine (@prisma/prisma-schema-wasm, `prisma validate`) accepts the fixed schema;
 * - the fixed file is what `prisma format` leaves (test schemas are written formatted, so a fix
 *   that breaks the layout fails);
 * - linted again, the finding is gone;
 * - a migration it creates runs in PostgreSQL (PGlite) after the project's earlier migrations, each
 *   file sent as one query, as Prisma Migrate sends it (when the case has earlier migrations).
 *
 * The file under test is `prisma/schema.prisma` unless a case says otherwise. `output` is the file
 * after the fix loop of `db-expert lint --fix` (server/src/cli/fix.ts) ran with this rule alone:
 * every finding's automatic fix, until none is left to apply. Migration folders are named after
 * the clock; outputs and created files show their timestamp as `<timestamp>`.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runFixLoop } from '../../server/src/cli/fix';
import { DEFAULT_CONFIG, type ResolvedConfig } from '../../server/src/engine/config/config';
import { applyEdits } from '../../server/src/engine/fixes/apply';
import { automaticFix, type Finding, type Fix } from '../../server/src/engine/findings';
import { lintProject } from '../../server/src/engine/lint';
import { loadSqlParser, parseSql } from '../../server/src/engine/parse/sql';
import { formatPrismaSchema, validatePrismaSchema } from '../../server/src/engine/prisma/validate';
import { prismaMajorFromPackageJson } from '../../server/src/engine/prisma/version';
import type { SourceFile } from '../../server/src/engine/project';
import type { Rule } from '../../server/src/engine/rules/rule';
import { syntaxError } from '../../server/src/engine/rules/syntax-error';
import { LineIndex } from '../../server/src/engine/text';
import { closePostgres, postgres, reset } from './postgres';

export const SCHEMA_PATH = 'prisma/schema.prisma';

/** The datasource every test schema starts with (Prisma 7 reads the url from prisma.config.ts). */
export const DATASOURCE = 'datasource db {\n  provider = "postgresql"\n}\n';

/** A generator with the `partialIndexes` preview feature (Prisma 7.4+). */
export const PARTIAL_INDEXES =
  'generator client {\n  provider        = "prisma-client"\n  output          = "../src/generated/prisma"\n  previewFeatures = ["partialIndexes"]\n}\n';

export interface PrismaValidCase {
  /** Shown in the test name; defaults to the first model's line. */
  name?: string;
  code: string;
  /** Path of the schema under test (default `prisma/schema.prisma`). */
  path?: string;
  /** Other files of the project: more `.prisma` files, a `package.json` that sets the Prisma version. */
  files?: Record<string, string>;
  config?: Partial<ResolvedConfig>;
}

export interface PrismaExpectedError {
  message?: string | RegExp;
  /** 1-based line and column of the finding's start. */
  line?: number;
  column?: number;
  /** The exact text the finding's range covers. */
  text?: string;
}

export interface PrismaInvalidCase extends PrismaValidCase {
  errors: PrismaExpectedError[];
  /** The schema after the fix loop; `null` when the rule offers no automatic fix. */
  output?: string | null;
  /** Files the fix loop created, by path (`<timestamp>` for the clock's part of a name). */
  created?: Record<string, string>;
  /**
   * Fixes of the first finding, each applied alone; `remaining` is how many findings of the rule
   * are left after it (by default all but the one it fixes).
   */
  fixes?: { title: string | RegExp; output: string; created?: Record<string, string>; remaining?: number }[];
}

export function prismaRuleTester(
  rule: Rule,
  cases: { valid: (string | PrismaValidCase)[]; invalid: PrismaInvalidCase[] },
): void {
  describe(`${rule.meta.id} (Prisma)`, () => {
    after(closePostgres);
    describe('valid', () => {
      for (const raw of cases.valid) {
        const c = typeof raw === 'string' ? { code: raw } : raw;
        it(caseName(c), async () => {
          await assertSchemaIsGood(c, c.code, 'the test schema');
          const { findings } = await lint(rule, c, c.code);
          assert.deepEqual(
            findings.map(describeFinding),
            [],
            'valid schemas must be free of findings of the rule (and of syntax errors)',
          );
        });
      }
    });
    describe('invalid', () => {
      for (const c of cases.invalid) {
        it(caseName(c), async () => {
          const path = c.path ?? SCHEMA_PATH;
          await assertSchemaIsGood(c, c.code, 'the test schema');
          const { findings } = await lint(rule, c, c.code);
          assert.deepEqual(
            findings.filter((f) => f.ruleId === syntaxError.meta.id).map(describeFinding),
            [],
            'test schemas must parse',
          );
          const own = findings.filter((f) => f.ruleId === rule.meta.id && f.file === path);
          assert.equal(own.length, c.errors.length, `findings: ${JSON.stringify(own.map(describeFinding))}`);
          const lines = new LineIndex(c.code);
          c.errors.forEach((expected, i) => checkError(own[i], expected, lines, c.code));

          if (c.output !== undefined) {
            const automatic = own.filter((f) => automaticFix(f.fixes) !== undefined);
            if (c.output === null) {
              assert.equal(automatic.length, 0, 'expected no automatic fix');
            } else {
              assert.ok(automatic.length > 0, 'expected a fix');
              const outcome = await runFixLoop({
                files: projectFiles(c, c.code),
                lint: async (files) => (await lintProject(files, options(rule, c))).findings,
                exists: () => false,
              });
              const fixed = outcome.files.find((f) => f.path === path)!.text;
              assert.equal(normalize(fixed), c.output);
              const created = Object.fromEntries(
                [...outcome.created.keys()].map((p) => [
                  normalize(p),
                  normalize(outcome.files.find((f) => f.path === p)!.text),
                ]),
              );
              assert.deepEqual(created, c.created ?? {}, 'created files');
              await checkFixed(rule, c, outcome.files, own.length - automatic.length);
            }
          }
          for (const expected of c.fixes ?? []) {
            const fix = own[0].fixes.find((f) =>
              typeof expected.title === 'string' ? f.title === expected.title : expected.title.test(f.title),
            );
            assert.ok(
              fix,
              `no fix titled ${String(expected.title)} in ${JSON.stringify(own[0].fixes.map((f) => f.title))}`,
            );
            const files = applyFix(projectFiles(c, c.code), fix);
            assert.equal(normalize(files.find((f) => f.path === path)!.text), expected.output);
            const created = Object.fromEntries(
              (fix.createFiles ?? []).map((f) => [normalize(f.file), normalize(f.text)]),
            );
            assert.deepEqual(created, expected.created ?? {}, 'created files');
            await checkFixed(rule, c, files, expected.remaining ?? own.length - 1);
          }
        });
      }
    });
  });
}

function options(rule: Rule, c: PrismaValidCase) {
  const rules = rule.meta.id === syntaxError.meta.id ? [rule] : [rule, syntaxError];
  return { config: { ...DEFAULT_CONFIG, ...c.config }, rules };
}

function projectFiles(c: PrismaValidCase, code: string): SourceFile[] {
  return [
    ...Object.entries(c.files ?? {}).map(([path, text]) => ({ path, text })),
    { path: c.path ?? SCHEMA_PATH, text: code },
  ];
}

async function lint(rule: Rule, c: PrismaValidCase, code: string): Promise<{ findings: Finding[] }> {
  return lintProject(projectFiles(c, code), options(rule, c));
}

function prismaMajor(files: readonly SourceFile[]): number | undefined {
  for (const f of files) {
    if (f.path.endsWith('package.json')) {
      const major = prismaMajorFromPackageJson(f.text);
      if (major !== undefined) return major;
    }
  }
  return undefined;
}

/**
 * The schema (with the other `.prisma` files of the case) is valid to Prisma's engine and laid out
 * as `prisma format` lays it out.
 */
async function assertSchemaIsGood(c: PrismaValidCase, code: string, what: string): Promise<void> {
  await assertFilesAreGood(projectFiles(c, code), c.path ?? SCHEMA_PATH, what);
}

async function assertFilesAreGood(files: readonly SourceFile[], path: string, what: string): Promise<void> {
  const prisma = files.filter((f) => f.path.endsWith('.prisma'));
  const major = prismaMajor(files);
  const result = await validatePrismaSchema(prisma, major === undefined ? {} : { prismaMajor: major });
  assert.equal(result.engineError, undefined, `${what}: the engine failed`);
  assert.deepEqual(
    result.errors.map((e) => `${e.file}: ${e.message}`),
    [],
    `${what} must be valid to Prisma's engine`,
  );
  const text = files.find((f) => f.path === path)!.text;
  const formatted = formatPrismaSchema([{ path, text }])[0].text;
  assert.equal(text, formatted, `${what} must be laid out as \`prisma format\` lays it out`);
}

/** The fixed project is valid and formatted, its new SQL parses, and the rule no longer reports what was fixed. */
async function checkFixed(
  rule: Rule,
  c: PrismaInvalidCase,
  files: readonly SourceFile[],
  remaining: number,
): Promise<void> {
  const path = c.path ?? SCHEMA_PATH;
  await assertFilesAreGood(files, path, 'the fixed schema');
  await loadSqlParser();
  for (const f of files) {
    if (f.path.endsWith('.sql')) {
      assert.deepEqual(parseSql(f.text).errors, [], `${f.path} must parse in PostgreSQL`);
    }
  }
  const { findings } = await lintProject([...files], options(rule, c));
  assert.deepEqual(findings.filter((f) => f.ruleId === syntaxError.meta.id).map(describeFinding), []);
  const own = findings.filter((f) => f.ruleId === rule.meta.id && f.file === path);
  assert.equal(own.length, remaining, `after the fix: ${JSON.stringify(own.map(describeFinding))}`);
  await runMigrations(c, files);
}

/**
 * When the fix created a migration in a project that has migrations, every migration runs in
 * order, each file as one query (Prisma Migrate's way: several statements are then one
 * transaction, and CONCURRENTLY works only alone in its file).
 */
async function runMigrations(c: PrismaInvalidCase, files: readonly SourceFile[]): Promise<void> {
  const before = new Set(Object.keys(c.files ?? {}));
  const migrations = files.filter((f) => /(^|\/)migrations\/[^/]+\/migration\.sql$/.test(f.path));
  const created = migrations.filter((f) => !before.has(f.path));
  if (created.length === 0 || created.length === migrations.length) return;
  const db = await postgres();
  await reset(db);
  for (const f of [...migrations].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    try {
      await db.exec(f.text);
    } catch (e) {
      assert.fail(`${f.path} must run after the migrations before it: ${(e as Error).message}`);
    }
  }
}

function applyFix(files: readonly SourceFile[], fix: Fix): SourceFile[] {
  const out = files.map((f) => {
    const edits = fix.edits.filter((e) => e.file === f.path);
    if (edits.length === 0) return f;
    const { text, skipped } = applyEdits(f.text, edits);
    assert.deepEqual(skipped, [], 'the edits of one fix must not overlap');
    return { path: f.path, text };
  });
  for (const c of fix.createFiles ?? []) {
    assert.ok(!out.some((f) => f.path === c.file), `${c.file} exists already`);
    out.push({ path: c.file, text: c.text });
  }
  return out;
}

/** The clock's part of a migration folder's name. */
function normalize(text: string): string {
  return text.replace(/\b\d{14}(?=_)/g, '<timestamp>');
}

function caseName(c: PrismaValidCase): string {
  if (c.name) return c.name;
  const model = /^model .*$/m.exec(c.code);
  return (model?.[0] ?? c.code.trim().split('\n')[0]).slice(0, 100);
}

function describeFinding(f: Finding): string {
  return `${f.ruleId} ${f.file}@${f.start}: ${f.message}`;
}

function checkError(actual: Finding, expected: PrismaExpectedError, lines: LineIndex, code: string): void {
  if (expected.message !== undefined) {
    if (typeof expected.message === 'string') assert.equal(actual.message, expected.message);
    else assert.match(actual.message, expected.message);
  }
  const pos = lines.position(actual.start);
  if (expected.line !== undefined) assert.equal(pos.line + 1, expected.line, 'line');
  if (expected.column !== undefined) assert.equal(pos.character + 1, expected.column, 'column');
  if (expected.text !== undefined) assert.equal(code.slice(actual.start, actual.end), expected.text, 'range');
}
