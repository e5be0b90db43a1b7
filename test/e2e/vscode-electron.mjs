// Launcher 2 of the extension-host tests (test/e2e/exthost/suite.ts): desktop VS Code through
// @vscode/test-electron, the usual way extensions are tested. `npm run test:vscode`.
//
// It downloads VS Code (VSCODE_VERSION, default 1.100.3, the version code-server 4.100.3 embeds)
// into .editor-e2e/vscode-test/ on first use, so it needs a machine that reaches
// update.code.visualstudio.com, and a display (xvfb-run -a npm run test:vscode on a headless
// Linux). It cannot run on this project's build machines, which reach only the npm registry and
// Debian: there, test/e2e/exthost.mjs runs the same suite in code-server's extension host.
import { runTests } from '@vscode/test-electron';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleSuite } from './exthost.mjs';
import { makeWorkspace, repo } from './workspace.mjs';

for (const f of ['dist/extension.js', 'dist/server.js']) {
  if (!fs.existsSync(path.join(repo, f))) throw new Error(`${f} is missing: run npm run build first`);
}
const cache = path.join(repo, '.editor-e2e');
const suite = await bundleSuite(path.join(cache, 'build'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'db-expert-vscode-'));
const ws = path.join(tmp, 'ws');
makeWorkspace(ws);
try {
  await runTests({
    version: process.env.VSCODE_VERSION || '1.100.3',
    cachePath: path.join(cache, 'vscode-test'),
    extensionDevelopmentPath: repo,
    extensionTestsPath: suite,
    launchArgs: [
      ws,
      '--disable-extensions', // every other extension: the one under development still loads
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir',
      path.join(tmp, 'user-data'),
    ],
  });
  console.log('test:vscode: the extension-host tests passed in desktop VS Code');
} catch (e) {
  console.error(`test:vscode: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
} finally {
  if (!process.env.KEEP) fs.rmSync(tmp, { recursive: true, force: true });
}
