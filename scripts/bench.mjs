// Runs a benchmark of bench/ on the engine as it ships: the bench and the engine bundled by esbuild
// with the options of scripts/build.mjs, into bench/out/, with libpg-query.wasm beside the bundle.
// Through tsx, every function of the engine is wrapped to keep its name (esbuild's keepNames),
// which the shipped bundles do not do; that costs the engine a few percent and the parser nothing.
//
//   node scripts/bench.mjs lint-large [args…]      (bench/lint-large.ts, bundled, then run)
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...args] = process.argv.slice(2);
if (!name) {
  console.error('usage: node scripts/bench.mjs <bench name, e.g. lint-large> [args…]');
  process.exit(2);
}
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const outfile = join(out, `${name}.cjs`);
await build({
  entryPoints: [join(root, 'bench', `${name}.ts`)],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  absWorkingDir: root,
  external: ['@electric-sql/pglite', '@prisma/prisma-schema-wasm'],
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "var __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});
copyFileSync(join(root, 'node_modules/libpg-query/wasm/libpg-query.wasm'), join(out, 'libpg-query.wasm'));
const r = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
