/** The client's plain-data parts: settings, document selector, request helpers, model URIs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODEL_SCHEME, modelPath, modelUriParts } from '../../client/src/model-uri';
import { LINT_WORKSPACE, SCHEMA_MODEL, lintSummary } from '../../client/src/protocol';
import { documentSelector, readSettings, settingsSection } from '../../client/src/settings';

const getter = (values: Record<string, unknown>) => (key: string) => values[key];

describe('readSettings', () => {
  it('defaults: enabled, no overrides, trace off', () => {
    assert.deepEqual(readSettings(getter({})), { enable: true, rules: {}, trace: 'off' });
  });

  it('passes valid values through', () => {
    assert.deepEqual(
      readSettings(
        getter({
          enable: false,
          rules: { 'prefer-identity': 'off', 'foreign-key-without-index': 'error' },
          tenantColumn: ' organization_id ',
          'trace.server': 'verbose',
        }),
      ),
      {
        enable: false,
        rules: { 'prefer-identity': 'off', 'foreign-key-without-index': 'error' },
        tenantColumn: 'organization_id',
        trace: 'verbose',
      },
    );
  });

  it('drops what the server could not use', () => {
    assert.deepEqual(
      readSettings(
        getter({
          enable: 'yes',
          rules: { a: 'loud', b: 2, c: 'warn' },
          tenantColumn: '   ',
          'trace.server': 'all',
        }),
      ),
      { enable: true, rules: { c: 'warn' }, trace: 'off' },
    );
    assert.deepEqual(readSettings(getter({ rules: ['a'] })).rules, {});
  });
});

describe('settingsSection', () => {
  it('is shaped like the dbExpert configuration section', () => {
    assert.deepEqual(
      settingsSection(readSettings(getter({ tenantColumn: 'org_id', 'trace.server': 'messages' }))),
      {
        enable: true,
        rules: {},
        tenantColumn: 'org_id',
        trace: { server: 'messages' },
      },
    );
    assert.deepEqual(settingsSection(readSettings(getter({}))), {
      enable: true,
      rules: {},
      trace: { server: 'off' },
    });
  });
});

describe('documentSelector', () => {
  it('file documents of every language, and db-expert.json', () => {
    assert.deepEqual(documentSelector(), [
      { scheme: 'file', language: 'sql' },
      { scheme: 'file', language: 'prisma' },
      { scheme: 'file', language: 'postgres' },
      { scheme: 'file', language: 'pgsql' },
      { scheme: 'file', pattern: '**/db-expert.json' },
    ]);
  });
});

describe('protocol', () => {
  it('uses the method names the server implements', () => {
    assert.equal(LINT_WORKSPACE, 'dbExpert/lintWorkspace');
    assert.equal(SCHEMA_MODEL, 'dbExpert/schemaModel');
  });

  it('summarizes a lint-workspace answer', () => {
    assert.equal(lintSummary({ files: 3, findings: 1 }), 'linted 3 files, 1 finding');
    assert.equal(lintSummary({ files: 1, findings: 0 }), 'linted 1 file, 0 findings');
    assert.equal(lintSummary({ findings: 2 }), 'linted 2 findings');
    assert.equal(lintSummary(null), undefined);
    assert.equal(lintSummary({}), undefined);
    assert.equal(lintSummary('done'), undefined);
  });
});

describe('model URIs', () => {
  it('name the tab after the source file', () => {
    assert.equal(modelPath('/work/db/schema.sql'), '/schema.sql (schema model)');
    assert.equal(modelPath(''), '/untitled (schema model)');
    assert.deepEqual(modelUriParts('file:///work/db/schema.sql', '/work/db/schema.sql'), {
      scheme: MODEL_SCHEME,
      path: '/schema.sql (schema model)',
      query: 'file:///work/db/schema.sql',
    });
  });
});
