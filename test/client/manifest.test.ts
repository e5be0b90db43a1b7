/**
 * package.json's extension manifest against the client code: commands, activation, settings,
 * snippets and the VS Code versions it claims to run on.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LANGUAGE_IDS, SEVERITIES } from '../../client/src/settings';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const contributes = manifest.contributes;
const extensionSource = readFileSync('client/src/extension.ts', 'utf8');

/** `^1.100.0` → [1, 100, 0]. */
function minimum(range: string): number[] {
  const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  assert.ok(m, `expected a caret range, got ${range}`);
  return m.slice(1).map(Number);
}
const compare = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

describe('extension manifest', () => {
  it('main is the bundled client', () => {
    assert.equal(manifest.main, './dist/extension.js');
  });

  it('engines.vscode accepts VS Code 1.100 and covers what the client libraries need', () => {
    const ours = minimum(manifest.engines.vscode);
    assert.equal(ours[0], 1);
    assert.ok(compare(ours, [1, 100, 0]) <= 0, `${manifest.engines.vscode} must accept 1.100.0`);
    const lc = JSON.parse(readFileSync('node_modules/vscode-languageclient/package.json', 'utf8'));
    assert.ok(
      compare(minimum(lc.engines.vscode), ours) <= 0,
      `vscode-languageclient needs ${lc.engines.vscode}`,
    );
    // vsce refuses an @types/vscode newer than engines.vscode (the API used must exist there).
    const types = manifest.devDependencies['@types/vscode'].split('.').map(Number);
    assert.ok(compare(types, ours) <= 0, '@types/vscode must not be newer than engines.vscode');
  });

  it('activates on every language it serves', () => {
    for (const id of LANGUAGE_IDS) assert.ok(manifest.activationEvents.includes(`onLanguage:${id}`), id);
  });

  it('contributes exactly the commands the client registers', () => {
    const declared = contributes.commands.map((c: { command: string }) => c.command).sort();
    const registered = [...extensionSource.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
    assert.deepEqual(declared, [
      'dbExpert.lintWorkspace',
      'dbExpert.restartServer',
      'dbExpert.showSchemaModel',
    ]);
    assert.deepEqual(registered, declared);
    for (const c of contributes.commands) assert.equal(c.category, 'Database Expert');
  });

  it('contributes the settings, with the severities of db-expert.json', () => {
    const props = contributes.configuration.properties;
    assert.deepEqual(Object.keys(props).sort(), [
      'dbExpert.enable',
      'dbExpert.rules',
      'dbExpert.tenantColumn',
      'dbExpert.trace.server',
      'dbExpert.verify',
    ]);
    assert.equal(props['dbExpert.enable'].type, 'boolean');
    assert.equal(props['dbExpert.enable'].default, true);
    assert.equal(props['dbExpert.rules'].type, 'object');
    assert.equal(props['dbExpert.tenantColumn'].type, 'string');
    assert.deepEqual(props['dbExpert.trace.server'].enum, ['off', 'messages', 'verbose']);
    const schema = JSON.parse(readFileSync('schema/db-expert.schema.json', 'utf8'));
    assert.deepEqual(props['dbExpert.rules'].additionalProperties.enum, schema.definitions.severity.enum);
    assert.deepEqual([...SEVERITIES], schema.definitions.severity.enum);
  });

  it('contributes SQL and Prisma snippets that parse, with unique prefixes', () => {
    assert.deepEqual(contributes.snippets.map((s: { language: string }) => s.language).sort(), [
      'prisma',
      'sql',
    ]);
    for (const s of contributes.snippets) {
      const snippets = Object.values(JSON.parse(readFileSync(s.path, 'utf8'))) as Record<string, unknown>[];
      assert.ok(snippets.length >= 7, `${s.path} has the seed's patterns`);
      const prefixes = snippets.map((x) => x.prefix);
      assert.equal(new Set(prefixes).size, prefixes.length, `unique prefixes in ${s.path}`);
      for (const x of snippets) {
        assert.equal(typeof x.prefix, 'string');
        assert.match(x.prefix as string, /^db_[a-z_]+$/);
        assert.equal(typeof x.description, 'string');
        assert.ok(Array.isArray(x.body) || typeof x.body === 'string');
      }
    }
  });

  it('keeps the db-expert.json schema', () => {
    assert.deepEqual(contributes.jsonValidation, [
      { fileMatch: 'db-expert.json', url: './schema/db-expert.schema.json' },
    ]);
    assert.ok(existsSync('schema/db-expert.schema.json'));
  });
});
