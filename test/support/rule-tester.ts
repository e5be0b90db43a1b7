/**
 * Table-driven rule tests, after ESLint's RuleTester: `valid` code has no finding of the rule,
 * `invalid` code has exactly the listed findings, and each fix is checked as text (`output`),
 * then run in a real PostgreSQL and linted again without the finding it fixed.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DEFAULT_CONFIG, type ResolvedConfig } from '../../server/src/engine/config/config';
import { applyEdits } from '../../server/src/engine/fixes/apply';
import { automaticFix, type Finding, type Fix } from '../../server/src/engine/findings';
import { lintProject } from '../../server/src/engine/lint';
import type { Rule } from '../../server/src/engine/rules/rule';
import { syntaxError } from '../../server/src/engine/rules/syntax-error';
import { LineIndex } from '../../server/src/engine/text';
import { upSectionEnd } from '../../server/src/engine/workspace/migrations';
import { closePostgres, postgres, reset, runScript } from './postgres';

export interface ValidCase {
  /** Shown in the test name; defaults to the first line of the code. */
  name?: string;
  code: string;
  /** Path of the file under test (default `schema.sql`). */
  path?: string;
  /** Other files of the project, e.g. earlier or later migrations. */
  files?: Record<string, string>;
  config?: Partial<ResolvedConfig>;
}

export interface ExpectedError {
  message?: string | RegExp;
  /** 1-based line and column of the finding's start. */
  line?: number;
  column?: number;
  /** The exact text the finding's range covers. */
  text?: string;
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedError[];
  /**
   * The file after applying the preferred fix of every finding; `null` when the rule offers no
   * fix. Omit only when `fixes` says it all.
   */
  output?: string | null;
  /** Every fix of the first finding, each applied alone: title and resulting text. */
  fixes?: { title: string | RegExp; output: string }[];
  /** SQL run before the project's files in PostgreSQL (default: nothing). */
  setup?: string;
  /** Run the fixed files in PostgreSQL (default true when there is an output). */
  runsInPostgres?: boolean;
}

export function ruleTester(
  rule: Rule,
  cases: { valid: (string | ValidCase)[]; invalid: InvalidCase[] },
): void {
  describe(rule.meta.id, () => {
    after(closePostgres);
    describe('valid', () => {
      for (const raw of cases.valid) {
        const c = typeof raw === 'string' ? { code: raw } : raw;
        it(caseName(c), async () => {
          const { findings } = await lintCase(rule, c, c.code);
          assert.deepEqual(
            findings.map(describeFinding),
            [],
            'valid code must be free of findings of the rule (and of syntax errors)',
          );
        });
      }
    });
    describe('invalid', () => {
      for (const c of cases.invalid) {
        it(caseName(c), async () => {
          const path = c.path ?? 'schema.sql';
          const { findings } = await lintCase(rule, c, c.code);
          if (rule.meta.id !== syntaxError.meta.id) {
            const syntax = findings.filter((f) => f.ruleId === 'syntax-error');
            assert.deepEqual(syntax.map(describeFinding), [], 'test code must parse');
          }
          const own = findings.filter((f) => f.ruleId === rule.meta.id && f.file === path);
          assert.equal(own.length, c.errors.length, `findings: ${JSON.stringify(own.map(describeFinding))}`);
          const lines = new LineIndex(c.code);
          c.errors.forEach((expected, i) => checkError(own[i], expected, lines, c.code));

          if (c.output !== undefined) {
            const fixes = own.map(preferredFix).filter((f): f is Fix => f !== undefined);
            if (c.output === null) {
              assert.equal(fixes.length, 0, 'expected no fix');
            } else {
              assert.ok(fixes.length > 0, 'expected a fix');
              const output = applyFixes(c.code, path, fixes);
              assert.equal(output, c.output);
              await checkFixed(rule, c, output, own.length - fixes.length);
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
            const output = applyFixes(c.code, path, [fix]);
            assert.equal(output, expected.output);
            await checkFixed(rule, c, output, own.length - 1);
          }
        });
      }
    });
  });
}

async function lintCase(rule: Rule, c: ValidCase, code: string): Promise<{ findings: Finding[] }> {
  const path = c.path ?? 'schema.sql';
  const files = [
    ...Object.entries(c.files ?? {}).map(([p, text]) => ({ path: p, text })),
    { path, text: code },
  ];
  const config = { ...DEFAULT_CONFIG, ...c.config };
  const rules = rule.meta.id === syntaxError.meta.id ? [rule] : [rule, syntaxError];
  return lintProject(files, { config, rules });
}

async function lintOrder(c: ValidCase, code: string): Promise<{ path: string; text: string }[]> {
  const path = c.path ?? 'schema.sql';
  const all = { ...(c.files ?? {}), [path]: code };
  const result = await lintProject(
    Object.entries(all).map(([p, text]) => ({ path: p, text })),
    { config: { ...DEFAULT_CONFIG, ...c.config }, rules: [] },
  );
  const group = result.groups.find((g) => g.files.includes(path) || g.downFiles.includes(path));
  // What the tool runs on the way up: a dbmate file's `-- migrate:down` section is not.
  const up = (group?.files ?? [path]).map((p) => ({
    path: p,
    text: all[p].slice(0, upSectionEnd(group?.tool, all[p])),
  }));
  // A down migration runs after every up migration.
  return group?.downFiles.includes(path) ? [...up, { path, text: code }] : up;
}

function caseName(c: ValidCase): string {
  return c.name ?? c.code.trim().split('\n')[0].slice(0, 100);
}

function describeFinding(f: Finding): string {
  return `${f.ruleId} ${f.file}@${f.start}: ${f.message}`;
}

function checkError(actual: Finding, expected: ExpectedError, lines: LineIndex, code: string): void {
  if (expected.message !== undefined) {
    if (typeof expected.message === 'string') assert.equal(actual.message, expected.message);
    else assert.match(actual.message, expected.message);
  }
  const pos = lines.position(actual.start);
  if (expected.line !== undefined) assert.equal(pos.line + 1, expected.line, 'line');
  if (expected.column !== undefined) assert.equal(pos.character + 1, expected.column, 'column');
  if (expected.text !== undefined) assert.equal(code.slice(actual.start, actual.end), expected.text, 'range');
}

function preferredFix(f: Finding): Fix | undefined {
  return automaticFix(f.fixes);
}

/** Applies fixes to the file under test, skipping a fix whose edits overlap one already taken. */
function applyFixes(code: string, path: string, fixes: Fix[]): string {
  const edits = fixes.flatMap((f) => f.edits.filter((e) => e.file === path));
  const { text, skipped } = applyEdits(code, edits);
  assert.deepEqual(skipped, [], 'fixes must not overlap');
  return text;
}

/** The fixed project runs in PostgreSQL, and the rule no longer reports what was fixed. */
async function checkFixed(rule: Rule, c: InvalidCase, output: string, remaining: number): Promise<void> {
  const { findings } = await lintCase(rule, c, output);
  const path = c.path ?? 'schema.sql';
  const syntax = findings.filter((f) => f.ruleId === 'syntax-error');
  assert.deepEqual(syntax.map(describeFinding), [], 'the fixed file must parse');
  const own = findings.filter((f) => f.ruleId === rule.meta.id && f.file === path);
  assert.equal(own.length, remaining, `after the fix: ${JSON.stringify(own.map(describeFinding))}`);
  if (c.runsInPostgres === false) return;
  const db = await postgres();
  await reset(db);
  if (c.setup) await runScript(db, c.setup);
  for (const f of await lintOrder(c, output)) await runScript(db, f.text);
}
