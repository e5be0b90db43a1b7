// The editor end-to-end test: the packaged extension (.vsix) installed into a real VS Code
// (code-server 4.100.3 = VS Code 1.100.3) and used the way a person would, through the
// workbench in Debian's Chromium (playwright-core). Then the extension-host tests
// (test/e2e/exthost.mjs) in a second code-server. Prints `e2e: N passed, N failed`.
//
//   npm run test:e2e                  # setup (skipped when installed) + package + this
//   node test/e2e/e2e.mjs             # VSIX=path/to.vsix to test another package
//
// Env: KEEP=1 (keep run folders and logs), HEADED=1 (under Xvfb), UPDATE_SCREENSHOTS=1 (copy the
// screenshots the README shows into test/e2e/screenshots/), UI_ONLY=1 (skip the ext-host tests).
/* global getComputedStyle -- evaluated in the browser page */
import fs from 'node:fs';
import path from 'node:path';
import { runExtensionHostTests } from './exthost.mjs';
import {
  ROOT,
  installExtension,
  launchBrowser,
  makeRun,
  startServer,
  stopAll,
  waitFor,
} from './code-server.mjs';
import { repo } from './workspace.mjs';

const OUT = path.join(ROOT, 'artifacts');
const SHOTS = path.join(repo, 'test/e2e/screenshots');
const t0 = Date.now();
const log = (s) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}`);
let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    log(`ok   - ${name}`);
  } else {
    failed++;
    log(`FAIL - ${name} ${String(detail).slice(0, 1500)}`);
  }
}

const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const vsix = process.env.VSIX || path.join(repo, `${manifest.name}-${manifest.version}.vsix`);
fs.mkdirSync(OUT, { recursive: true });
for (const f of fs.readdirSync(OUT)) if (f.endsWith('.png')) fs.rmSync(path.join(OUT, f));

const run = makeRun();
const BAD = path.join(run.ws, 'examples/bad/schema.sql');
let server;
let browser;
let page;
const shot = async (name) => {
  await page.screenshot({ path: path.join(OUT, name) });
  log(`screenshot ${name}`);
};
const text = async (locator) => (await locator.innerText()).replace(/\s+/g, ' ');

/** Runs a command from the command palette by its title. */
async function command(title) {
  // Right after the workbench loads, the installed extensions' contributions may still be on their
  // way: reopen the palette until the command is listed.
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const listed = await row
      .waitFor({ timeout: 5000 })
      .then(() => true)
      .catch(() => false);
    if (listed) break;
    await page.keyboard.press('Escape');
    if (attempt === 12) throw new Error(`command "${title}" is not in the command palette`);
  }
  await page.keyboard.press('Enter');
}

/** The text of a modal dialog (an error the workbench shows), or '' when there is none. */
async function modalText() {
  const box = page.locator('.monaco-dialog-box');
  return (await box.isVisible().catch(() => false)) ? text(box) : '';
}
async function dismissDialog() {
  if (await modalText()) await page.keyboard.press('Escape');
}

/** Opens a workspace file through Quick Open. */
async function openFile(relative) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relative);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.waitForTimeout(300); // let the search settle on the best match
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${path.basename(relative)}"]`).waitFor();
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.view-lines').waitFor();
  return editor;
}

/** Moves the cursor with "Go to Line/Column" (Ctrl+G), which also focuses the editor. */
async function gotoPosition({ line, column }) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${column}`);
  await page.waitForTimeout(200);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
}

/** Filters the Problems panel and returns its text. */
async function problems(filter) {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) await page.keyboard.press('Control+Shift+M');
  await panel.waitFor();
  const box = page.locator('.viewpane-filter input, .markers-panel-action-filter input').first();
  await box.fill(filter);
  await page.waitForTimeout(400);
  return text(panel);
}

/** Line and column (1-based) of the first occurrence of `needle` after `after` in a file. */
function positionOf(file, needle, after = '') {
  const s = fs.readFileSync(file, 'utf8');
  const offset = s.indexOf(needle, after ? s.indexOf(after) : 0);
  const before = s.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

try {
  // ---- install the .vsix the way a user does ---------------------------------------------------
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package first`);
  log(`installing ${path.relative(repo, vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KB)`);
  const installed = (() => {
    try {
      return installExtension(run, vsix);
    } catch (e) {
      return String(e);
    }
  })();
  check('extension installed from the .vsix', /successfully installed/.test(installed), installed);

  let port;
  ({ server, port } = await startServer(run));
  log(`code-server pid ${server.pid} on :${port}`);
  browser = await launchBrowser();
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await ctx.newPage();
  page.setDefaultTimeout(30000);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(run.ws)}`);
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60000 });
  log('workbench loaded');

  // ---- Lint workspace: counts in the status bar, a file nobody opened in Problems ---------------------
  await command('Database Expert: Lint workspace');
  const lintOutcome = await waitFor(
    async () => {
      const dialog = await modalText();
      if (dialog) return `dialog: ${dialog}`;
      const status = await text(page.locator('.statusbar'));
      return /Database Expert: linted \d+ files?/.test(status) && status;
    },
    60000,
    'the lint-workspace summary in the status bar',
  ).catch((e) => String(e));
  check(
    '"Lint workspace" reports its counts in the status bar',
    /linted \d+ file/.test(lintOutcome),
    lintOutcome,
  );
  await shot('1-lint-workspace.png');
  await dismissDialog();
  const lintText = await waitFor(
    async () => {
      const t = await problems('children.parent_id');
      return /never-opened\.sql/.test(t) && /Foreign key children\.parent_id has no index/.test(t) && t;
    },
    30000,
    'the lint-workspace findings in Problems',
  ).catch((e) => String(e));
  check('Problems lists the findings of a file never opened', /never-opened\.sql/.test(lintText), lintText);
  await problems('');

  // ---- squiggles in the editor ------------------------------------------------------------------
  const editor = await openFile('examples/bad/schema.sql');
  log('examples/bad/schema.sql open');
  const warnings = editor.locator('.squiggly-warning');
  await warnings.first().waitFor({ state: 'attached', timeout: 60000 });
  check('warning squiggles on examples/bad', (await warnings.count()) > 0);
  check('info squiggles too', (await editor.locator('.squiggly-info').count()) > 0);

  // hover on the FK finding: put the mouse on "REFERENCES customers (id)" of orders
  const fkAt = positionOf(BAD, 'REFERENCES customers (id)', 'CREATE TABLE orders');
  await gotoPosition({ line: fkAt.line, column: fkAt.column + 3 });
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I'); // "Show or Focus Hover" at the cursor
  const hover = page.locator('.monaco-hover:visible').first();
  const hoverText = await hover
    .waitFor()
    .then(() => page.waitForTimeout(500))
    .then(() => text(hover))
    .catch((e) => String(e));
  check(
    'hover shows the finding and its rule',
    /Foreign key orders\.customer_id has no index/.test(hoverText) && /db-expert/.test(hoverText),
    hoverText,
  );
  await shot('2-hover.png');
  await page.keyboard.press('Escape');

  // the syntax error at the end of the file is an error squiggle
  await gotoPosition(positionOf(BAD, ',,'));
  const errors = editor.locator('.squiggly-error');
  await errors
    .first()
    .waitFor({ state: 'attached', timeout: 10000 })
    .catch(() => {});
  check('error squiggle on the syntax error', (await errors.count()) > 0);

  // ---- Problems panel ---------------------------------------------------------------------------
  const problemsText = await problems('orders.customer_id');
  check(
    'Problems lists the FK finding with its source and rule',
    /Foreign key orders\.customer_id has no index/.test(problemsText) &&
      /db-expert/.test(problemsText) &&
      /foreign-key-without-index/.test(problemsText),
    problemsText,
  );
  await shot('3-problems.png');
  await problems('');

  // ---- the quick-fix, with Ctrl+. ------------------------------------------------------------------
  await gotoPosition({ line: fkAt.line, column: fkAt.column + 3 });
  await page.keyboard.press('Control+.');
  const rows = page.locator('.action-widget .monaco-list-row.action');
  await rows.first().waitFor();
  const wanted = 'Add index on orders (customer_id)';
  const focused = page.locator('.action-widget .monaco-list-row.action.focused');
  for (let i = 0; i < 20 && !(await focused.innerText().catch(() => '')).includes(wanted); i++) {
    await page.keyboard.press('ArrowDown');
  }
  const menu = await text(page.locator('.action-widget'));
  check(
    'Ctrl+. offers "Add index on orders (customer_id)"',
    (await focused.innerText()).includes(wanted),
    menu,
  );
  await shot('4-quick-fix.png');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+S');
  const onDisk = await waitFor(
    () => {
      const s = fs.readFileSync(BAD, 'utf8');
      return s.includes('CREATE INDEX orders_customer_id_idx ON orders (customer_id);') && s;
    },
    15000,
    'the fixed file on disk',
  ).catch((e) => String(e));
  check(
    'the fix is saved to disk, right after CREATE TABLE orders',
    /DEFAULT now\(\)\n\);\nCREATE INDEX orders_customer_id_idx ON orders \(customer_id\);\nCREATE INDEX orders_status_idx/.test(
      onDisk,
    ),
    onDisk,
  );
  const afterFix = await waitFor(
    async () => {
      const t = await problems('orders.customer_id');
      return !/has no index/.test(t) && /no ON DELETE action/.test(t) && t;
    },
    20000,
    'the FK finding to leave Problems',
  ).catch((e) => String(e));
  check(
    'the finding is gone from Problems (the other one on that FK stays)',
    !/^timeout/.test(afterFix),
    afterFix,
  );
  await problems('');
  await shot('5-after-fix.png');

  // ---- the directive grammar, with VS Code's own SQL grammar and theme -----------------------------
  const supp = await openFile('suppressed.sql');
  const colorOf = (needle) =>
    supp
      .locator('.view-lines span span', { hasText: needle })
      .first()
      .evaluate((el) => getComputedStyle(el).color);
  const colors = await Promise.all(
    ['db-expert-disable-next-line', 'foreign-key-without-index', '-- a tiny lookup table'].map((n) =>
      colorOf(n).catch(() => 'missing'),
    ),
  );
  check(
    'the directive and its rule id are highlighted apart from the comment',
    !colors.includes('missing') && colors[0] !== colors[2] && colors[1] !== colors[2],
    colors.join(' / '),
  );
  await shot('6-directive.png');

  // ---- a snippet, typed and accepted -----------------------------------------------------------------
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('db_fk');
  await page.keyboard.press('Control+Space');
  const suggestion = page.locator('.suggest-widget .monaco-list-row', { hasText: 'db_fk' }).first();
  const suggested = await suggestion
    .waitFor()
    .then(() => true)
    .catch(() => false);
  check('completion offers the db_fk snippet', suggested);
  if (suggested) {
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+S');
    const saved = await waitFor(
      () =>
        fs
          .readFileSync(path.join(run.ws, 'suppressed.sql'), 'utf8')
          .includes('CREATE INDEX orders_customer_id_idx'),
      10000,
      'the snippet saved',
    ).catch(() => false);
    check('the snippet inserts the FK column and its index', saved);
  }

  // ---- Show schema model -------------------------------------------------------------------------------
  await openFile('examples/bad/schema.sql');
  await command('Database Expert: Show schema model');
  const modelTab = page.locator('.tab[aria-label*="(schema model)"]');
  const modelShown = await modelTab
    .waitFor()
    .then(() => page.waitForTimeout(1000))
    .then(() => text(page.locator('.editor-group-container.active .view-lines')))
    .catch((e) => String(e));
  check(
    '"Show schema model" opens the model beside the file',
    /\borders\b/.test(modelShown),
    modelShown.slice(0, 500),
  );
  await shot('7-schema-model.png');
} catch (e) {
  failed++;
  log(`FAIL - ${e.stack || e}`);
  if (page) await page.screenshot({ path: path.join(OUT, 'failure.png') }).catch(() => {});
} finally {
  if (process.env.KEEP) log(`run folder kept: ${run.dir}`);
  await stopAll({ browser, server, run });
  log(`screenshots in ${path.relative(process.cwd(), OUT) || OUT}`);
}

if (process.env.UPDATE_SCREENSHOTS) {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const f of ['4-quick-fix.png', '6-directive.png']) {
    if (fs.existsSync(path.join(OUT, f))) fs.copyFileSync(path.join(OUT, f), path.join(SHOTS, f));
  }
  log(`README screenshots updated in ${path.relative(repo, SHOTS)}`);
}

const ui = { passed, failed };
log(`editor UI: ${ui.passed} passed, ${ui.failed} failed`);
if (!process.env.UI_ONLY) {
  const t1 = Date.now();
  const r = await runExtensionHostTests({ log });
  const hostFailed = r.failed + (r.code !== 0 && r.failed === 0 ? 1 : 0);
  log(
    `extension host: ${r.passed} passed, ${hostFailed} failed, ${r.skipped} skipped (${((Date.now() - t1) / 1000).toFixed(0)} s)`,
  );
  passed += r.passed;
  failed += hostFailed;
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
