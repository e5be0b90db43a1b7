// The esbuild options every bundle of the project is built with (scripts/build.mjs for dist/,
// scripts/bench.mjs for the benchmarks, which measure the engine bundled as it ships).
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Loaded at run time by the code that needs them, never bundled: large, or WebAssembly of their own.
export const external = ['@electric-sql/pglite', '@prisma/prisma-schema-wasm'];

export const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  absWorkingDir: root,
  // ESM-only dependencies (fdir, under tinyglobby) read `import.meta.url`, which a CJS bundle lacks.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "'use strict';\nvar __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/** emscripten's loader looks for `libpg-query.wasm` in the folder of the script that runs. */
export function copyParserWasm(folder) {
  copyFileSync(
    join(root, 'node_modules/libpg-query/wasm/libpg-query.wasm'),
    join(folder, 'libpg-query.wasm'),
  );
}
