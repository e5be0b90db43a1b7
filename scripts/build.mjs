// Bundles the CLI (and, when their sources exist, the VS Code client and the language server) into
// dist/ with esbuild, and puts libpg-query's WebAssembly beside the bundles: emscripten's loader
// looks for `libpg-query.wasm` in the folder of the script that runs (its __dirname).
import { build } from 'esbuild';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { common, copyParserWasm, external, root } from './esbuild-options.mjs';

const dist = join(root, 'dist');
const at = (p) => join(root, p);

const bundles = [
  // The command's entry loads the server's bundle or the command line's (server/src/cli/bin.ts).
  { entry: 'server/src/cli/bin.ts', out: 'dist/cli.js', executable: true },
  { entry: 'server/src/cli/main.ts', out: 'dist/cli-main.js' },
];
if (existsSync(at('client/src/extension.ts'))) {
  bundles.push({ entry: 'client/src/extension.ts', out: 'dist/extension.js', external: ['vscode'] });
}
if (existsSync(at('server/src/lsp/server.ts'))) {
  bundles.push({ entry: 'server/src/lsp/server.ts', out: 'dist/server.js' });
  bundles.push({ entry: 'server/src/lsp/worker.ts', out: 'dist/lsp-worker.js' });
}

mkdirSync(dist, { recursive: true });
await Promise.all(
  bundles.map((b) =>
    build({
      ...common,
      sourcemap: 'linked',
      entryPoints: [at(b.entry)],
      outfile: at(b.out),
      external: [...external, ...(b.external ?? [])],
    }),
  ),
);

// esbuild keeps the entry's own `#!` line; a banner would add a second one, which Node rejects.
const cli = readFileSync(at('dist/cli.js'), 'utf8');
if (!cli.startsWith('#!/usr/bin/env node\n') || cli.indexOf('#!', 1) !== -1) {
  throw new Error('dist/cli.js must start with exactly one "#!/usr/bin/env node" line');
}
for (const b of bundles) if (b.executable) chmodSync(at(b.out), 0o755);

copyParserWasm(dist);

const size = (p) => `${(statSync(p).size / 1024).toFixed(0).padStart(6)} KB`;
for (const p of [...bundles.map((b) => at(b.out)), join(dist, 'libpg-query.wasm')]) {
  console.log(`${size(p)}  ${relative(root, p)}`);
}
