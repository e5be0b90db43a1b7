// `npm run package`: builds the bundles (scripts/build.mjs), packs them with @vscode/vsce into
// db-expert-<version>.vsix, and checks that only what the installed extension needs went in:
// the bundles and their WebAssembly, the snippets, the grammar, the JSON schema, manifest, README.
//
//   node scripts/package-vsix.mjs [--out file.vsix] [--no-build]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outArg = args.indexOf('--out');
const out =
  outArg !== -1
    ? join(process.cwd(), args[outArg + 1])
    : join(root, `${manifest.name}-${manifest.version}.vsix`);

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`package: ${[cmd, ...cmdArgs].join(' ')} failed`);
    process.exit(r.status ?? 1);
  }
}

if (!args.includes('--no-build')) run(process.execPath, [join(root, 'scripts/build.mjs')]);
for (const f of ['dist/extension.js', 'dist/server.js', 'dist/libpg-query.wasm']) {
  if (!existsSync(join(root, f))) {
    console.error(`package: ${f} is missing; the extension cannot run without it`);
    process.exit(1);
  }
}

// build.mjs leaves some packages out of the bundles (loaded at run time); the .vsix carries no
// node_modules, so a bundle that loads one of them would fail in the installed extension.
for (const f of ['dist/extension.js', 'dist/server.js', 'dist/lsp-worker.js']) {
  if (!existsSync(join(root, f))) continue;
  const code = readFileSync(join(root, f), 'utf8');
  const loaded = [...code.matchAll(/require\("(@electric-sql\/pglite|@prisma\/prisma-schema-wasm)[^"]*"\)/g)];
  if (loaded.length > 0) {
    console.error(`package: ${f} loads ${loaded[0][1]} at run time, which the .vsix does not carry`);
    process.exit(1);
  }
}

const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
run(process.execPath, [
  vsce,
  'package',
  '--no-dependencies', // the bundles contain their dependencies; node_modules stays out
  '--no-rewrite-relative-links', // the README's links stay relative (no public repository to point at)
  '--skip-license',
  '--out',
  out,
]);

// What went in, from vsce's own listing, against what is allowed.
const ls = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
if (ls.status !== 0) {
  console.error(ls.stdout + ls.stderr);
  process.exit(1);
}
const files = ls.stdout
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);
const allowed = [
  /^package\.json$/,
  /^README\.md$/,
  /^dist\/(?!cli\.js$)[\w.-]+\.js$/,
  /^dist\/[\w.-]+\.wasm$/,
  /^schema\/db-expert\.schema\.json$/,
  /^snippets\/[\w.-]+\.json$/,
  /^syntaxes\/[\w.-]+\.tmLanguage\.json$/,
];
const unexpected = files.filter((f) => !allowed.some((re) => re.test(f)));
const required = [
  'dist/extension.js',
  'dist/server.js',
  'dist/libpg-query.wasm',
  'snippets/sql.json',
  'snippets/prisma.json',
];
const missing = required.filter((f) => !files.includes(f));
if (unexpected.length || missing.length) {
  console.error(
    `package: unexpected files: ${unexpected.join(', ') || 'none'}; missing: ${missing.join(', ') || 'none'}`,
  );
  process.exit(1);
}
const kb = (p) => `${(statSync(join(root, p)).size / 1024).toFixed(0).padStart(6)} KB`;
for (const f of files) console.log(`${kb(f)}  ${f}`);
console.log(
  `${(statSync(out).size / 1024).toFixed(0).padStart(6)} KB  ${relative(process.cwd(), out)} (${files.length} files)`,
);
