/**
 * `--verify` time: the first 300 of Lemmy's diesel migrations (in diesel's order) applied to an
 * embedded PostgreSQL (PGlite), as `db-expert lint --verify` applies them.
 *
 *   node --import tsx bench/verify.ts [corpus-folder] [count]
 *
 * The folder defaults to $DB_EXPERT_CORPUS, else ../shared/corpus next to the repository; count to
 * 300. Prints, in ms: starting PostgreSQL (cold: initdb or the cached data directory on disk; warm:
 * the data directory kept in memory), applying the migrations (each file sent whole, the usual
 * case; and statement by statement with a savepoint each, what a file that fails costs), reading
 * the catalog, and the total per migration: the first run apart, then the median of $BENCH_RUNS (3).
 * Numbers only, never assertions.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative, sep } from 'node:path';
import { lintProject } from '../server/src/engine/lint';
import { verifyGroup, type VerifyGroupResult } from '../server/src/engine/verify';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3);

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(sql|toml)$/i.test(name)) out.push(p);
  }
  return out;
}

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

async function main(): Promise<void> {
  const corpus =
    process.argv[2] ?? process.env.DB_EXPERT_CORPUS ?? join(__dirname, '..', '..', 'shared', 'corpus');
  const count = Number(process.argv[3] ?? 300);
  const root = join(corpus, 'lemmy');
  if (!existsSync(root)) {
    console.log(`lemmy not found in ${corpus}: skipped`);
    return;
  }
  const sources = files(root)
    .sort()
    .map((abs) => {
      const rel = relative(root, abs);
      return { path: sep === '/' ? rel : rel.split(sep).join('/'), text: readFileSync(abs, 'utf8') };
    });
  const lint = await lintProject(sources);
  const group = lint.groups.find((g) => g.kind === 'migrations');
  if (!group) throw new Error('no migrations folder in lemmy');
  const texts = new Map(sources.map((f) => [f.path, f.text]));
  const chosen = group.files.slice(0, count).map((path) => ({ path, text: texts.get(path) ?? '' }));
  const options = { tool: group.tool, migrations: group.migrations };

  // An empty group: what starting PostgreSQL costs, cold then warm.
  const cold = await timed(() => verifyGroup([], lint.parsed, { ...options, snapshot: false }));
  const warm = await timed(() => verifyGroup([], lint.parsed, { ...options, snapshot: false }));
  // The first run of the migrations is slower (V8 tiers WebAssembly up as it runs): one apart.
  const first = await timed(() => verifyGroup(chosen, lint.parsed, { ...options, snapshot: false }));
  const median = async (
    f: () => Promise<VerifyGroupResult>,
  ): Promise<{ ms: number; value: VerifyGroupResult }> => {
    const runs: { ms: number; value: VerifyGroupResult }[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await timed(f));
    return runs.sort((a, b) => a.ms - b.ms)[RUNS >> 1];
  };
  const whole = await median(() => verifyGroup(chosen, lint.parsed, { ...options, snapshot: false }));
  const oneByOne = await median(() =>
    verifyGroup(chosen, lint.parsed, { ...options, snapshot: false, statementByStatement: true }),
  );
  const withCatalog = await median(() => verifyGroup(chosen, lint.parsed, options));

  const n = chosen.length;
  const statements = whole.value.statements;
  const row = (label: string, ms: number, perMigration = true): void =>
    console.log(
      `${label.padEnd(56)}${ms.toFixed(0).padStart(8)} ms` +
        (perMigration ? `${(ms / n).toFixed(2).padStart(9)} ms/migration` : ''),
    );
  console.log(
    `lemmy: ${n} migrations, ${statements} statements (diesel: each file in a transaction); median of ${RUNS}`,
  );
  row('start PostgreSQL, cold (initdb or disk cache)', cold.ms, false);
  row('start PostgreSQL, warm (data directory in memory)', warm.ms, false);
  row('first verify of the process (start + files sent whole)', first.ms);
  row('verify: start + files sent whole', whole.ms);
  row('verify: start + statement by statement (savepoints)', oneByOne.ms);
  row('verify + catalog snapshot (the oracle)', withCatalog.ms);
  row('apply only (files sent whole, start excluded)', whole.ms - warm.ms);
  console.log(
    `failures: ${whole.value.failures.length}, files sent whole: ${whole.value.fastFiles}/${n}, ` +
      `catalog: ${withCatalog.value.catalog.tables.length} tables, ${withCatalog.value.catalog.indexes.length} indexes`,
  );
  console.log(
    `load avg: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
