/**
 * Extension-host tests: they run inside a real VS Code extension host, against the extension and
 * its language server, through the `vscode` API only. Written once, run by two launchers:
 *
 * - test/e2e/exthost.mjs: code-server's extension host (VS Code 1.100.3 server), here and in CI;
 * - test/e2e/vscode-electron.mjs: desktop VS Code through @vscode/test-electron (`npm run test:vscode`,
 *   needs a machine that can download VS Code).
 *
 * Both bundle this file with esbuild and open a copy of examples/ + test/e2e/fixtures/ as the
 * workspace (test/e2e/workspace.mjs). `run()` is what VS Code calls (extensionTestsPath); it
 * throws when a test failed, which makes the launcher exit non-zero.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { expandSnippet } from '../../snippets/expand';

const EXTENSION_ID = 'db-expert.db-expert';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Api {
  readonly client: { isRunning(): boolean } | undefined;
  settled(): Promise<void>;
}

async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 30000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(150);
  }
}

const ruleOf = (d: vscode.Diagnostic) =>
  typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code ?? '');
const ours = (uri: vscode.Uri) =>
  vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'db-expert');
const labelOf = (item: vscode.CompletionItem) =>
  typeof item.label === 'string' ? item.label : item.label.label;

export async function run(): Promise<void> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(root, 'a workspace folder is open');
  const at = (p: string) => vscode.Uri.joinPath(root, p);
  const bad = at('examples/bad/schema.sql');
  const good = at('examples/good/schema.sql');
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const test = async (name: string, body: () => Promise<void | 'skip'>) => {
    try {
      if ((await body()) === 'skip') {
        skipped++;
        console.log(`skip - ${name}`);
      } else {
        passed++;
        console.log(`ok - ${name}`);
      }
    } catch (e) {
      failed++;
      console.log(`not ok - ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  };
  const open = async (uri: vscode.Uri) => {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  };

  const extension = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  let api: Api | undefined;

  await test('the extension activates on a SQL file and starts its server', async () => {
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    await open(bad);
    api = await extension.activate();
    await api.settled();
    await until('the language client to run', () => api?.client?.isRunning());
  });

  await test('diagnostics: examples/bad has findings of several rules, with docs links', async () => {
    const diags = await until('diagnostics on examples/bad/schema.sql', () => {
      const d = ours(bad);
      return d.some((x) => ruleOf(x) === 'foreign-key-without-index') && d;
    });
    const rules = new Set(diags.map(ruleOf));
    for (const id of [
      'foreign-key-without-index',
      'syntax-error',
      'float-for-money',
      'table-without-primary-key',
    ]) {
      assert.ok(rules.has(id), `a ${id} finding (got ${[...rules].join(', ')})`);
    }
    const fk = diags.find((d) => /^Foreign key orders\.customer_id has no index/.test(d.message));
    assert.ok(fk, 'the orders.customer_id finding');
    assert.equal(fk.severity, vscode.DiagnosticSeverity.Warning);
    assert.ok(typeof fk.code === 'object' && fk.code.target, 'the rule id links to its docs');
    assert.ok(
      diags.some((d) => d.severity === vscode.DiagnosticSeverity.Error),
      'an error (the syntax error)',
    );
  });

  await test('diagnostics: examples/good has none', async () => {
    await open(good);
    // The server answers every open document; give it the time bad took, then some.
    await sleep(2000);
    assert.deepEqual(
      ours(good).map((d) => `${ruleOf(d)}: ${d.message}`),
      [],
    );
  });

  await test('a directive silences its finding, and only that one', async () => {
    const uri = at('suppressed.sql');
    await open(uri);
    const diags = await until('findings on suppressed.sql', () => ours(uri).length > 0 && ours(uri));
    assert.ok(!diags.some((d) => ruleOf(d) === 'foreign-key-without-index'), 'the FK finding is suppressed');
  });

  await test('Lint workspace: findings of a file never opened reach Problems', async () => {
    const uri = at('never-opened.sql');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()));
    const result = await vscode.commands.executeCommand<{ files?: number; findings?: number }>(
      'dbExpert.lintWorkspace',
    );
    assert.ok((result?.files ?? 0) >= 4 && (result?.findings ?? 0) > 0, `counts: ${JSON.stringify(result)}`);
    await until('diagnostics on never-opened.sql', () =>
      ours(uri).some((d) => /^Foreign key children\.parent_id has no index/.test(d.message)),
    );
  });

  await test('Show schema model: a read-only document of the model beside the file', async () => {
    await open(bad);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('dbExpert.showSchemaModel');
    assert.ok(uri, 'the command returns the model URI');
    assert.equal(uri.scheme, 'db-expert-model');
    const doc = await until('the model document', () =>
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()),
    );
    const text = doc.getText();
    assert.doesNotMatch(text, /could not build|not running/, text.slice(0, 300));
    for (const table of ['customers', 'orders', 'order_items'])
      assert.match(text, new RegExp(`\\b${table}\\b`));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  await test('SQL snippets complete and expand to the text the snippet test runs in PostgreSQL', async () => {
    const ext = extension!;
    const snippets = Object.values(
      JSON.parse(readFileSync(join(ext.extensionPath, 'snippets/sql.json'), 'utf8')) as Record<
        string,
        { prefix: string; body: string[] }
      >,
    );
    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: 'db_' });
    const editor = await vscode.window.showTextDocument(doc);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      new vscode.Position(0, 3),
    );
    const items = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Snippet);
    for (const s of snippets) {
      const item = items.find((i) => labelOf(i) === s.prefix);
      assert.ok(item, `completion offers ${s.prefix} (got ${items.map(labelOf).join(', ')})`);
      assert.ok(item.insertText instanceof vscode.SnippetString, `${s.prefix} inserts a snippet`);
      await editor.edit((e) => e.delete(new vscode.Range(0, 0, doc.lineCount, 0)));
      assert.ok(await editor.insertSnippet(item.insertText, new vscode.Position(0, 0)));
      assert.equal(doc.getText(), expandSnippet(s.body), `${s.prefix} expands as the snippet test assumes`);
    }
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  await test('Prisma snippets complete (when a Prisma language is installed)', async () => {
    if (!(await vscode.languages.getLanguages()).includes('prisma')) return 'skip';
    const doc = await vscode.workspace.openTextDocument({ language: 'prisma', content: 'db_' });
    await vscode.window.showTextDocument(doc);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      new vscode.Position(0, 3),
    );
    const labels = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Snippet).map(labelOf);
    for (const p of ['db_model', 'db_fk', 'db_join_table']) assert.ok(labels.includes(p), p);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  await test('quick-fix "Add index on orders (customer_id)": offered, applied, saved, finding gone', async () => {
    const doc = await open(bad);
    const fk = await until('the FK finding', () =>
      ours(bad).find((d) => /^Foreign key orders\.customer_id has no index/.test(d.message)),
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      bad,
      fk.range,
      vscode.CodeActionKind.QuickFix.value,
      10,
    );
    const fix = actions.find((a) => a.title === 'Add index on orders (customer_id)');
    assert.ok(fix, `offered (got ${actions.map((a) => a.title).join(' | ')})`);
    assert.ok(fix.isPreferred, 'it is the preferred fix');
    if (fix.edit) assert.ok(await vscode.workspace.applyEdit(fix.edit));
    if (fix.command)
      await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    assert.ok(await doc.save());
    const onDisk = readFileSync(bad.fsPath, 'utf8');
    assert.match(onDisk, /\nCREATE INDEX orders_customer_id_idx ON orders \(customer_id\);\n/);
    await until('the finding to go', () => !ours(bad).some((d) => d.message === fk.message));
  });

  await test('Restart server: it comes back and publishes again', async () => {
    assert.equal(await vscode.commands.executeCommand('dbExpert.restartServer'), true);
    assert.ok(api?.client?.isRunning());
    await until('diagnostics after the restart', () => ours(bad).length > 0);
  });

  await test('dbExpert.enable: off stops the server and clears its diagnostics, on brings them back', async () => {
    const config = vscode.workspace.getConfiguration('dbExpert');
    await config.update('enable', false, vscode.ConfigurationTarget.Global);
    try {
      await until('the server to stop', async () => {
        await api?.settled();
        return api?.client === undefined && ours(bad).length === 0;
      });
    } finally {
      await config.update('enable', undefined, vscode.ConfigurationTarget.Global);
    }
    await until('diagnostics after re-enabling', () => ours(bad).length > 0);
  });

  console.log(`ext-host: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (failed > 0) throw new Error(`${failed} extension-host test(s) failed`);
}
