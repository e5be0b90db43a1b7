/**
 * How fast is a whole lint of one large file, next to the parser alone?
 *
 *   node scripts/bench.mjs lint-large [file.sql]      (the engine as it ships, bundled: npm run bench)
 *   node --import tsx bench/lint-large.ts [file.sql]  (the sources through tsx, a few percent slower)
 *
 * Without a file it lints the 5 MB schema of generate-schema.ts, generated in memory. In one
 * process, after a warm-up run of each, it times N rounds of (each result dropped before the next
 * run, the three interleaved so that they run in the same conditions):
 *   parse-only   libpg-query's parseSync of the whole text: the floor;
 *   parseSql     our adapter (statement splitter + parse + offsets);
 *   lintProject  the whole engine, all rules, default config, the text as one file.
 * Goals (the issue): lint ≤ 2× parse-only, and 5 MB linted in under 2 s. It prints numbers only;
 * tests never assert on time.
 *
 * With --per-rule it also times lintProject with no rules (parse + model), and each rule's check
 * inside whole lints (median of 3 lints): the difference of two whole lints, each ~1.5 s and full of
 * garbage collection, is noise next to a rule of a few milliseconds. A rule that builds a cache
 * other rules share (the indexes by table or by column of queries.ts) is charged with it, and a
 * collection of the young generation is charged to the rule that happened to trigger it.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename } from 'node:path';
import * as pg from 'libpg-query';
import { lintProject } from '../server/src/engine/lint';
import { loadSqlParser, parseSql } from '../server/src/engine/parse/sql';
import { allRules } from '../server/src/engine/rules';
import { generateSchema } from './generate-schema';

/** Timed runs of each measurement (BENCH_RUNS overrides, e.g. 1 under --cpu-prof). */
const N = Math.max(1, Number(process.env.BENCH_RUNS ?? 5) || 5);
const GOAL_RATIO = 2;
const GOAL_MS_PER_5MB = 2000;

interface Timing {
  label: string;
  /** Wall time of each run, ms. */
  times: number[];
  /** CPU time (user + system, all threads) of each run, ms: steadier when the machine is busy. */
  cpu: number[];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Task<T, K> {
  label: string;
  fn: () => T | Promise<T>;
  /** What to keep of a result (the result itself is dropped before the next run). */
  keep: (result: T) => K;
}

/**
 * Runs each task once to warm up, then N rounds of every task in turn, returning each task's wall
 * and CPU times in ms and `keep` of its last result. Interleaved rounds put every measurement in
 * the same conditions (the machine's load of the moment, the heap's size), and each result is
 * dropped before the next run: a run never pays for the garbage collection of a heap that still
 * holds an earlier run's parse trees and models (a real lint runs once).
 */
async function measureRounds<A, KA, B, KB, C, KC>(
  tasks: [Task<A, KA>, Task<B, KB>, Task<C, KC>],
): Promise<[{ timing: Timing; result: KA }, { timing: Timing; result: KB }, { timing: Timing; result: KC }]> {
  const timings: Timing[] = tasks.map((t) => ({ label: t.label, times: [], cpu: [] }));
  const kept: unknown[] = [];
  for (let round = 0; round <= N; round++) {
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[i] as Task<unknown, unknown>;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const result = await task.fn();
      const wall = performance.now() - t0;
      const c = process.cpuUsage(c0);
      kept[i] = task.keep(result);
      if (round === 0) continue;
      timings[i].times.push(wall);
      timings[i].cpu.push((c.user + c.system) / 1000);
    }
  }
  return [
    { timing: timings[0], result: kept[0] as KA },
    { timing: timings[1], result: kept[1] as KB },
    { timing: timings[2], result: kept[2] as KC },
  ];
}

function pad(s: string, n: number, left = false): string {
  return left ? s.padStart(n) : s.padEnd(n);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const perRule = args.includes('--per-rule');
  const arg = args.find((a) => !a.startsWith('--'));
  const t0 = performance.now();
  const text = arg ? readFileSync(arg, 'utf8').replace(/^\uFEFF/, '') : generateSchema();
  const loadMs = performance.now() - t0;
  const path = arg ? basename(arg) : 'schema-5mb.sql';
  const bytes = Buffer.byteLength(text);
  const mb = bytes / 1e6;
  await Promise.all([loadSqlParser(), pg.loadModule()]);

  const [parseOnly, adapter, lint] = await measureRounds([
    {
      label: 'parse-only (parseSync)',
      fn: () => pg.parseSync(text),
      keep: (r) => ({ stmts: r.stmts?.length ?? 0 }),
    },
    {
      label: 'parseSql (split+parse+offsets)',
      fn: () => parseSql(text),
      keep: (r) => ({ statements: r.statements.length, errors: r.errors.length }),
    },
    { label: 'lintProject (all rules)', fn: () => lintProject([{ path, text }]), keep: (r) => r.findings },
  ]);

  const statements = adapter.result.statements;
  const floorStatements = parseOnly.result.stmts;
  const syntaxErrors = adapter.result.errors;

  console.log(`file:        ${arg ?? `(generated in memory in ${loadMs.toFixed(0)} ms) ${path}`}`);
  console.log(`size:        ${mb.toFixed(2)} MB (${bytes} bytes, ${text.split('\n').length} lines)`);
  console.log(`statements:  ${statements} (parseSync: ${floorStatements}; syntax errors: ${syntaxErrors})`);
  console.log(`runs:        1 warm-up + ${N} timed, one process, node ${process.version}`);
  console.log(
    `load avg:    ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (wall times are noisy when this exceeds the cores)`,
  );
  console.log('');
  const floor = median(parseOnly.timing.times);
  const floorCpu = median(parseOnly.timing.cpu);
  const header =
    pad('', 32) +
    ['median ms', 'min ms', 'stmts/s', 'MB/s', '× parse', 'cpu ms', 'cpu × parse']
      .map((h) => pad(h, 12, true))
      .join('');
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const { label, times, cpu } of [parseOnly.timing, adapter.timing, lint.timing]) {
    const med = median(times);
    const cells = [
      med.toFixed(0),
      Math.min(...times).toFixed(0),
      Math.round(statements / (med / 1000)).toString(),
      (mb / (med / 1000)).toFixed(2),
      (med / floor).toFixed(2),
      median(cpu).toFixed(0),
      (median(cpu) / floorCpu).toFixed(2),
    ];
    console.log(pad(label, 32) + cells.map((c) => pad(c, 12, true)).join(''));
  }
  console.log('(medians of the timed runs; stmts/s and MB/s from the median wall time)');
  console.log('');

  const byRule = new Map<string, number>();
  for (const f of lint.result) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
  const top = [...byRule].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10);
  console.log(`findings:    ${lint.result.length}`);
  for (const [rule, count] of top) console.log(`  ${pad(String(count), 7, true)}  ${rule}`);
  console.log('');

  const lintMs = median(lint.timing.times);
  const ratio = lintMs / floor;
  const per5mb = (lintMs / mb) * 5;
  const cpuRatio = median(lint.timing.cpu) / floorCpu;
  const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');
  console.log(
    `${verdict(ratio <= GOAL_RATIO)}  lint ≤ ${GOAL_RATIO}× parse-only: ${lintMs.toFixed(0)} ms / ${floor.toFixed(0)} ms = ${ratio.toFixed(2)}× (cpu: ${cpuRatio.toFixed(2)}×)`,
  );
  console.log(
    `${verdict(per5mb < GOAL_MS_PER_5MB)}  5 MB under ${GOAL_MS_PER_5MB} ms: ${lintMs.toFixed(0)} ms for ${mb.toFixed(2)} MB (${per5mb.toFixed(0)} ms per 5 MB)`,
  );
  console.log('');
  if (perRule) {
    const runs = 3;
    const cpuMs = (since: NodeJS.CpuUsage): number => {
      const c = process.cpuUsage(since);
      return (c.user + c.system) / 1000;
    };
    const base: number[] = [];
    for (let i = 0; i < runs; i++) {
      const c0 = process.cpuUsage();
      await lintProject([{ path, text }], { rules: [] });
      base.push(cpuMs(c0));
    }
    // Each rule's check timed where it runs: inside whole lints with every rule.
    const spent = new Map<string, number[]>(allRules.map((r) => [r.meta.id, []]));
    const timed = allRules.map((rule) => ({
      ...rule,
      check(context: Parameters<typeof rule.check>[0]) {
        const c0 = process.cpuUsage();
        try {
          rule.check(context);
        } finally {
          spent.get(rule.meta.id)!.push(cpuMs(c0));
        }
      },
    }));
    const totals: number[] = [];
    for (let i = 0; i < runs; i++) {
      const c0 = process.cpuUsage();
      await lintProject([{ path, text }], { rules: timed });
      totals.push(cpuMs(c0));
    }
    const costs = [...spent].map(([id, ms]): [string, number] => [id, median(ms)]);
    const sum = costs.reduce((a, [, ms]) => a + ms, 0);
    console.log(`per rule (cpu ms, median of ${runs} whole lints, each rule's check timed inside them):`);
    console.log(`  ${pad(median(totals).toFixed(0), 7, true)}  (whole lint)`);
    console.log(`  ${pad(median(base).toFixed(0), 7, true)}  (no rules: parse + model + suppression)`);
    console.log(`  ${pad(sum.toFixed(0), 7, true)}  (all checks)`);
    for (const [id, ms] of costs.sort((a, b) => b[1] - a[1]))
      console.log(`  ${pad(ms.toFixed(1), 7, true)}  ${id}`);
    console.log('');
  }

  // maxRSS is in kilobytes.
  console.log(`peak RSS:    ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
