/**
 * Lint time on real projects: each folder of the shared corpus linted as one project, as the CLI
 * would (every .sql file read from disk, named by its path relative to the project folder).
 *
 *   node --import tsx bench/lint-corpus.ts [corpus-folder]
 *
 * The folder defaults to $DB_EXPERT_CORPUS, else ../shared/corpus next to the repository. Per
 * project it prints files, statements, MB, the parser floor (parseSync per file), the whole lint
 * (median of N runs after a warm-up; wall and CPU time) and the findings by rule. Numbers only, never assertions.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import * as pg from 'libpg-query';
import { lintProject } from '../server/src/engine/lint';
import { loadSqlParser } from '../server/src/engine/parse/sql';
import type { SourceFile } from '../server/src/engine/project';

const N = Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3);

function sqlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.git') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sqlFiles(p));
    else if (name.toLowerCase().endsWith('.sql')) out.push(p);
  }
  return out;
}

function readProject(root: string): SourceFile[] {
  return sqlFiles(root)
    .sort()
    .map((abs) => {
      const rel = relative(root, abs);
      const text = readFileSync(abs, 'utf8');
      return { path: sep === '/' ? rel : rel.split(sep).join('/'), text: text.replace(/^\uFEFF/, '') };
    });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * parseSync of each file: the floor. A file with a syntax error stops at it, so for such files the
 * floor is understated; returns how many files did.
 */
function parseOnly(files: readonly SourceFile[]): number {
  let failed = 0;
  for (const f of files) {
    try {
      pg.parseSync(f.text);
    } catch {
      failed++;
    }
  }
  return failed;
}

/** bench/, also when this runs bundled from bench/out/ (scripts/bench.mjs). */
function benchDir(): string {
  return basename(__dirname) === 'out' ? dirname(__dirname) : __dirname;
}

async function main(): Promise<void> {
  const corpus =
    process.argv[2] ?? process.env.DB_EXPERT_CORPUS ?? join(benchDir(), '..', '..', 'shared', 'corpus');
  if (!existsSync(corpus)) {
    console.log(`corpus not found at ${corpus}: skipped`);
    return;
  }
  await Promise.all([loadSqlParser(), pg.loadModule()]);
  const projects = readdirSync(corpus)
    .filter((name) => statSync(join(corpus, name)).isDirectory())
    .sort();

  console.log(
    `corpus: ${corpus} (lint: 1 warm-up + median of ${N}; parse: parseSync per file, median of ${N})`,
  );
  const header = [
    'project'.padEnd(18),
    'files'.padStart(6),
    'stmts'.padStart(7),
    'MB'.padStart(6),
    'parse ms'.padStart(9),
    'lint ms'.padStart(9),
    'cpu ms'.padStart(8),
    'MB/s'.padStart(7),
    '× parse'.padStart(8),
    '  findings by rule',
  ].join('');
  console.log(header);
  console.log('-'.repeat(header.length + 30));
  const total = { files: 0, statements: 0, bytes: 0, parse: 0, lint: 0, cpu: 0 };
  let understated = 0;
  for (const name of projects) {
    const files = readProject(join(corpus, name));
    if (files.length === 0) {
      console.log(`${name.padEnd(18)}     0  (no .sql files)`);
      continue;
    }
    const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);

    const failed = parseOnly(files);
    const parseTimes: number[] = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      parseOnly(files);
      parseTimes.push(performance.now() - t0);
    }

    let result = await lintProject(files);
    const lintTimes: number[] = [];
    const lintCpu: number[] = [];
    for (let i = 0; i < N; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      result = await lintProject(files);
      lintTimes.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      lintCpu.push((c.user + c.system) / 1000);
    }

    let statements = 0;
    for (const p of result.parsed.values()) statements += p.statements.length;
    const byRule = new Map<string, number>();
    for (const f of result.findings) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
    const rules = [...byRule]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([rule, count]) => `${rule} ${count}`)
      .join(', ');
    const parseMs = median(parseTimes);
    const lintMs = median(lintTimes);
    console.log(
      [
        name.padEnd(18),
        String(files.length).padStart(6),
        String(statements).padStart(7),
        (bytes / 1e6).toFixed(2).padStart(6),
        (parseMs.toFixed(0) + (failed > 0 ? '*' : ' ')).padStart(9),
        lintMs.toFixed(0).padStart(9),
        median(lintCpu).toFixed(0).padStart(8),
        (bytes / 1e6 / (lintMs / 1000)).toFixed(2).padStart(7),
        (lintMs / parseMs).toFixed(2).padStart(8),
        `  ${rules || '(none)'}`,
      ].join(''),
    );
    total.files += files.length;
    total.statements += statements;
    total.bytes += bytes;
    total.parse += parseMs;
    total.lint += lintMs;
    total.cpu += median(lintCpu);
    understated += failed;
  }
  console.log('-'.repeat(header.length + 30));
  console.log(
    [
      'total'.padEnd(18),
      String(total.files).padStart(6),
      String(total.statements).padStart(7),
      (total.bytes / 1e6).toFixed(2).padStart(6),
      (total.parse.toFixed(0) + (understated > 0 ? '*' : ' ')).padStart(9),
      total.lint.toFixed(0).padStart(9),
      total.cpu.toFixed(0).padStart(8),
      (total.bytes / 1e6 / (total.lint / 1000)).toFixed(2).padStart(7),
      (total.lint / total.parse).toFixed(2).padStart(8),
    ].join(''),
  );
  if (understated > 0) {
    console.log(`* ${understated} files stop parseSync at a syntax error: their parse floor is understated.`);
  }
  console.log(
    `load avg: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; lint ms is wall time, cpu ms user + system`,
  );
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
