// Starting and stopping a real VS Code for the e2e tests: code-server 4.100.3 (VS Code 1.100.3)
// from .editor-e2e/ (test/e2e/setup.sh installs it), in a fresh, isolated run folder, driven by
// playwright-core in Debian's Chromium. After ../shared/editor-e2e/e2e.mjs.
/* global fetch */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { makeWorkspace, repo } from './workspace.mjs';

export const ROOT = process.env.ROOT || path.join(repo, '.editor-e2e');
const CS_BIN = process.env.CS_BIN || path.join(ROOT, 'node_modules/.bin/code-server');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timeout waiting for ${what}`);
    await sleep(200);
  }
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

/** A fresh run folder: home, user data (settings), extensions, and the workspace. */
export function makeRun(settings = {}) {
  if (!fs.existsSync(CS_BIN)) throw new Error(`${CS_BIN} is missing: run bash test/e2e/setup.sh first`);
  const dir = fs.mkdtempSync(path.join(ROOT, 'run-'));
  const run = {
    dir,
    home: path.join(dir, 'home'),
    data: path.join(dir, 'data'),
    exts: path.join(dir, 'exts'),
    ws: path.join(dir, 'ws'),
  };
  for (const d of [run.home, path.join(run.data, 'User'), run.exts]) fs.mkdirSync(d, { recursive: true });
  makeWorkspace(run.ws);
  fs.writeFileSync(
    path.join(run.data, 'User/settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'extensions.ignoreRecommendations': true,
        'chat.disableAIFeatures': true,
        'git.enabled': false,
        'editor.hover.delay': 100,
        'files.autoSave': 'off',
        ...settings,
      },
      null,
      2,
    ),
  );
  run.env = {
    ...process.env,
    HOME: run.home,
    XDG_CONFIG_HOME: path.join(run.home, '.config'),
    XDG_DATA_HOME: path.join(run.home, '.local/share'),
  };
  run.common = [
    '--config',
    path.join(dir, 'config.yaml'),
    '--user-data-dir',
    run.data,
    '--extensions-dir',
    run.exts,
  ];
  return run;
}

/** `code-server --install-extension`; returns its output (throws when it did not install). */
export function installExtension(run, vsix) {
  const r = spawnSync(CS_BIN, [...run.common, '--install-extension', vsix], {
    env: run.env,
    encoding: 'utf8',
  });
  const out = r.stdout + r.stderr;
  if (r.status !== 0 || !/successfully installed/.test(out)) throw new Error(`install failed:\n${out}`);
  return out;
}

/** Starts code-server in its own process group (so stopping it ends the extension host too). */
export async function startServer(run) {
  const port = Number(process.env.PORT) || (await freePort());
  const log = fs.openSync(path.join(run.dir, 'code-server.log'), 'w');
  const server = spawn(
    CS_BIN,
    [
      ...run.common,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      run.ws,
    ],
    { env: run.env, detached: true, stdio: ['ignore', log, log] },
  );
  await waitFor(
    async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
    30000,
    'code-server /healthz',
  );
  return { server, port };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: !process.env.HEADED,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Closes the browser, stops code-server's whole process group, removes the run folder (unless KEEP=1). */
export async function stopAll({ browser, server, run }) {
  if (browser) await browser.close().catch(() => {});
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await waitFor(
      () => {
        try {
          process.kill(-server.pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      10000,
      'code-server to exit',
    ).catch(() => {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    });
  }
  if (run && !process.env.KEEP) fs.rmSync(run.dir, { recursive: true, force: true });
}
