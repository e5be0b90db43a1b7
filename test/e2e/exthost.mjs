// Launcher 1 of the extension-host tests (test/e2e/exthost/suite.ts): code-server's own extension
// host, with the repository as extensionDevelopmentPath (no .vsix: dist/ must be built) and the
// bundled suite as extensionTestsPath, as @vscode/test-electron does for desktop VS Code. The
// browser only hosts the workbench; the verdict comes back through window.codeAutomationExit.
//
//   node test/e2e/exthost.mjs        (after npm run build and bash test/e2e/setup.sh)
//   KEEP=1 keeps the run folder and its logs; VERBOSE=1 prints every extension-host log line.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, launchBrowser, makeRun, startServer, stopAll } from './code-server.mjs';
import { repo } from './workspace.mjs';

/** Bundles the suite (TypeScript, imports test/snippets/expand.ts) into one CommonJS file. */
export async function bundleSuite(outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  // .editor-e2e/package.json says "type": "module"; the extension host require()s the suite.
  fs.writeFileSync(path.join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
  const outfile = path.join(outDir, 'exthost-suite.js');
  await build({
    entryPoints: [path.join(repo, 'test/e2e/exthost/suite.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    logLevel: 'warning',
  });
  return outfile;
}

/** Runs the suite in code-server; resolves to { passed, failed, skipped, code }. */
export async function runExtensionHostTests({ log = console.log } = {}) {
  for (const f of ['dist/extension.js', 'dist/server.js']) {
    if (!fs.existsSync(path.join(repo, f))) throw new Error(`${f} is missing: run npm run build first`);
  }
  const suite = await bundleSuite(path.join(ROOT, 'build'));
  const run = makeRun();
  let server;
  let browser;
  const counts = { passed: 0, failed: 0, skipped: 0, code: 1 };
  try {
    let port;
    ({ server, port } = await startServer(run));
    log(`code-server pid ${server.pid} on :${port} (extension host tests)`);
    browser = await launchBrowser();
    const page = await browser.newPage();
    let done;
    const exited = new Promise((r) => (done = r));
    const logFile = fs.createWriteStream(path.join(run.dir, 'automation.log'));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = []
        .concat(args)
        .map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))
        .join(' ');
      logFile.write(`[${type}] ${line}\n`);
      for (const l of line.split('\n')) {
        if (/^(ok|not ok|skip) - /.test(l)) {
          const kind = l.startsWith('ok') ? 'passed' : l.startsWith('skip') ? 'skipped' : 'failed';
          counts[kind]++;
        }
      }
      if (process.env.VERBOSE || /^(ok|not ok|skip) - |ext-host: |Error/.test(line))
        log(`  ${line.slice(0, 2000)}`);
    });
    page.on('console', (m) => logFile.write(`[console.${m.type()}] ${m.text()}\n`));
    await page.exposeFunction('codeAutomationExit', (c) => done(c));
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(repo)],
      ['extensionTestsPath', remote(suite)],
      ['skipWelcome', 'true'],
    ]);
    await page.goto(
      `http://127.0.0.1:${port}/?folder=${encodeURIComponent(run.ws)}&payload=${encodeURIComponent(payload)}`,
    );
    let timer;
    const code = await Promise.race([
      exited,
      new Promise((r) => {
        timer = setTimeout(() => r('timeout'), 240000);
      }),
    ]);
    clearTimeout(timer);
    log(`extension tests exit code: ${code}`);
    counts.code = code === 0 ? 0 : 1;
    if (code === 'timeout') counts.failed++;
  } catch (e) {
    counts.failed++;
    log(`FAIL - extension host tests: ${e.stack || e}`);
  } finally {
    if (process.env.KEEP) log(`run folder kept: ${run.dir}`);
    await stopAll({ browser, server, run });
  }
  return counts;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const r = await runExtensionHostTests({
    log: (s) => console.log(`[exthost ${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}`),
  });
  const failed = r.failed + (r.code !== 0 && r.failed === 0 ? 1 : 0);
  console.log(`exthost: ${r.passed} passed, ${failed} failed, ${r.skipped} skipped`);
  process.exitCode = failed ? 1 : 0;
}
