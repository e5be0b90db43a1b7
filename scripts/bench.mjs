// Runs a benchmark of bench/ on the engine as it ships: the bench and the engine bundled by esbuild
// with the options of the project's bundles, into bench/out/, with libpg-query.wasm beside them.
// Through tsx, every function of the engine is wrapped to keep its name (esbuild's keepNames),
// which the shipped bundles do not do; that costs the engine a few percent and the parser nothing.
//
//   node scripts/bench.mjs lint-large [args…]      (bench/lint-large.ts, bundled, then run)
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { common, copyParserWasm, external, root } from './esbuild-options.mjs';

const [name, ...args] = process.argv.slice(2);
if (!name) {
  console.error('usage: node scripts/bench.mjs <bench name, e.g. lint-large> [args…]');
  process.exit(2);
}
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const outfile = join(out, `${name}.cjs`);
await build({ ...common, entryPoints: [join(root, 'bench', `${name}.ts`)], outfile, external });
copyParserWasm(out);
const r = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
