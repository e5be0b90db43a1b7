import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { DEFAULT_CONFIG } from '../../server/src/engine/config/config';
import { parseConfig, suggestName, type ConfigProblem } from '../../server/src/engine/config/load';

const RULES = [
  'table-without-primary-key',
  'foreign-key-without-index',
  'prefer-identity',
  'primary-key-type',
];

const FULL = {
  $schema: './schema/db-expert.schema.json',
  rules: { 'prefer-identity': 'off', 'foreign-key-without-index': 'error', 'primary-key-type': 'warn' },
  tenantColumn: 'org_id',
  tenantSetting: 'app.current_org',
  auditColumns: { created: 'inserted_at', updated: 'modified_at' },
  softDeleteColumn: 'archived_at',
  auditExemptTables: ['schema_migrations', 'audit.log'],
  migrations: [{ path: 'db/migrations', tool: 'dbmate' }, { path: 'prisma/migrations' }],
  ignore: ['vendor/**', '**/*.generated.sql'],
  prisma: { schemaFindingsOnMigrations: true },
};

/** The text each problem's range covers, for asserting ranges exactly. */
function covered(text: string, problems: ConfigProblem[]): string[] {
  return problems.map((p) => text.slice(p.start, p.end));
}

test('no keys: the defaults, no problems', () => {
  const { config, problems } = parseConfig('{}', RULES);
  assert.deepEqual(problems, []);
  assert.deepEqual(config, DEFAULT_CONFIG);
  assert.notEqual(config, DEFAULT_CONFIG);
  config.ignore.push('x');
  assert.deepEqual(DEFAULT_CONFIG.ignore, [], 'the shared defaults are never handed out');
});

test('every key is read; warn means warning', () => {
  const { config, problems } = parseConfig(JSON.stringify(FULL, null, 2), RULES);
  assert.deepEqual(problems, []);
  assert.deepEqual(config, {
    rules: { 'prefer-identity': 'off', 'foreign-key-without-index': 'error', 'primary-key-type': 'warning' },
    tenantColumn: 'org_id',
    tenantSetting: 'app.current_org',
    auditColumns: { created: 'inserted_at', updated: 'modified_at' },
    softDeleteColumn: 'archived_at',
    auditExemptTables: ['schema_migrations', 'audit.log'],
    migrations: [{ path: 'db/migrations', tool: 'dbmate' }, { path: 'prisma/migrations' }],
    ignore: ['vendor/**', '**/*.generated.sql'],
    prisma: { schemaFindingsOnMigrations: true },
  });
});

test('a partial auditColumns keeps the other default', () => {
  const { config, problems } = parseConfig('{"auditColumns": {"updated": "changed_at"}}', RULES);
  assert.deepEqual(problems, []);
  assert.deepEqual(config.auditColumns, { created: 'created_at', updated: 'changed_at' });
});

test('invalid JSON: one problem at the error position, and the defaults', () => {
  const text = '{\n  "tenantColumn": "org_id"\n  "ignore": []\n}';
  const { config, problems } = parseConfig(text, RULES);
  assert.equal(problems.length, 1);
  const [p] = problems;
  assert.match(p.message, /^Invalid JSON: Expected ',' or '}' after property value\.$/);
  assert.equal(p.path, '');
  assert.equal(p.start, text.indexOf('"ignore"'));
  assert.equal(text.slice(p.start, p.end), '"');
  assert.deepEqual(config, DEFAULT_CONFIG);
});

test('invalid JSON without a position in the message is still located', () => {
  // V8: `Unexpected token ']', "{"ignore": [1,]}" is not valid JSON`: no position, the text quoted.
  const text = '{"ignore": ["a",]}';
  const [p] = parseConfig(text, RULES).problems;
  assert.equal(p.message, "Invalid JSON: Unexpected token ']'.");
  assert.equal(p.start, text.indexOf(']'));
  assert.equal(text.slice(p.start, p.end), ']');

  const bad = '{"tenantColumn": tru}';
  const [q] = parseConfig(bad, RULES).problems;
  assert.equal(bad.slice(q.start, q.end), '}');
});

test('empty file and trailing garbage', () => {
  const empty = parseConfig('', RULES);
  assert.equal(empty.problems.length, 1);
  assert.deepEqual([empty.problems[0].start, empty.problems[0].end], [0, 0]);
  assert.deepEqual(empty.config, DEFAULT_CONFIG);

  const text = '{} x';
  const [p] = parseConfig(text, RULES).problems;
  assert.equal(text.slice(p.start, p.end), 'x');
});

test('a byte-order mark is accepted and offsets still count it', () => {
  const text = '\uFEFF{"tenantColumn": 5}';
  const { problems } = parseConfig(text, RULES);
  assert.deepEqual(covered(text, problems), ['5']);
  assert.equal(parseConfig('\uFEFF{"tenantColumn": "t"}', RULES).config.tenantColumn, 't');
});

test('a top-level non-object: one problem over the whole value, the defaults', () => {
  const text = '[1, 2]';
  const { config, problems } = parseConfig(text, RULES);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].path, '');
  assert.deepEqual(covered(text, problems), ['[1, 2]']);
  assert.deepEqual(config, DEFAULT_CONFIG);
});

test('wrong type per key: path, exact range, and that key alone falls back', () => {
  const cases: { key: string; value: string; path: string; range: string; message: RegExp }[] = [
    {
      key: 'rules',
      value: '[]',
      path: 'rules',
      range: '[]',
      message: /'rules' must be an object, not an array/,
    },
    {
      key: 'tenantColumn',
      value: '5',
      path: 'tenantColumn',
      range: '5',
      message: /must be a string, not a number/,
    },
    {
      key: 'tenantSetting',
      value: 'null',
      path: 'tenantSetting',
      range: 'null',
      message: /must be a string, not null/,
    },
    { key: 'tenantSetting', value: '""', path: 'tenantSetting', range: '""', message: /must not be empty/ },
    { key: 'auditColumns', value: '"x"', path: 'auditColumns', range: '"x"', message: /must be an object/ },
    {
      key: 'auditColumns',
      value: '{"created": 1, "updated": "changed"}',
      path: 'auditColumns.created',
      range: '1',
      message: /'auditColumns\.created' must be a string/,
    },
    {
      key: 'auditColumns',
      value: '{"creatd": "c"}',
      path: 'auditColumns.creatd',
      range: '"creatd"',
      message: /Unknown setting 'auditColumns\.creatd'\. Did you mean 'created'\?/,
    },
    {
      key: 'softDeleteColumn',
      value: 'true',
      path: 'softDeleteColumn',
      range: 'true',
      message: /must be a string/,
    },
    {
      key: 'auditExemptTables',
      value: '"t"',
      path: 'auditExemptTables',
      range: '"t"',
      message: /must be an array/,
    },
    {
      key: 'auditExemptTables',
      value: '["a", 2]',
      path: 'auditExemptTables[1]',
      range: '2',
      message: /string/,
    },
    { key: 'migrations', value: '{}', path: 'migrations', range: '{}', message: /must be an array/ },
    {
      key: 'migrations',
      value: '[{"tool": "flyway"}]',
      path: 'migrations[0]',
      range: '{"tool": "flyway"}',
      message: /'migrations\[0\]' needs a 'path'/,
    },
    {
      key: 'migrations',
      value: '[{"path": "m", "tool": "flyaway"}]',
      path: 'migrations[0].tool',
      range: '"flyaway"',
      message:
        /Unknown value for 'migrations\[0\]\.tool': "flyaway"\. Did you mean 'flyway'\? Use one of: supabase,/,
    },
    {
      key: 'migrations',
      value: '[{"path": "m", "dir": "x"}]',
      path: 'migrations[0].dir',
      range: '"dir"',
      message: /Unknown setting/,
    },
    { key: 'ignore', value: '"**/x"', path: 'ignore', range: '"**/x"', message: /must be an array/ },
    { key: 'ignore', value: '[""]', path: 'ignore[0]', range: '""', message: /must not be empty/ },
    { key: 'prisma', value: 'true', path: 'prisma', range: 'true', message: /'prisma' must be an object/ },
    {
      key: 'prisma',
      value: '{"schemaFindingsOnMigrations": "yes"}',
      path: 'prisma.schemaFindingsOnMigrations',
      range: '"yes"',
      message: /^'prisma\.schemaFindingsOnMigrations' must be a boolean, not a string\.$/,
    },
    {
      key: 'prisma',
      value: '{"schemaFindingOnMigrations": true}',
      path: 'prisma.schemaFindingOnMigrations',
      range: '"schemaFindingOnMigrations"',
      message:
        /^Unknown setting 'prisma\.schemaFindingOnMigrations'\. Did you mean 'schemaFindingsOnMigrations'\?$/,
    },
  ];
  for (const c of cases) {
    const text = `{\n  "tenantColumn": "org_id",\n  "${c.key}": ${c.value}\n}`;
    const { config, problems } = parseConfig(text, RULES);
    assert.equal(problems.length, 1, `${c.key}: ${c.value}: ${JSON.stringify(problems)}`);
    assert.equal(problems[0].path, c.path);
    assert.deepEqual(covered(text, problems), [c.range], c.path);
    assert.match(problems[0].message, c.message);
    // The rest of the file still applies.
    if (c.key !== 'tenantColumn') assert.equal(config.tenantColumn, 'org_id');
    else assert.equal(config.tenantColumn, DEFAULT_CONFIG.tenantColumn);
  }
});

test('bad entries fall back one by one', () => {
  const text = JSON.stringify({
    auditColumns: { created: 1, updated: 'changed_at' },
    auditExemptTables: ['a', 2, 'b'],
    migrations: [{ path: 'a', tool: 'nope' }, { tool: 'prisma' }, { path: 'c', tool: 'diesel' }],
    rules: { 'prefer-identity': 'loud', 'primary-key-type': 'hint' },
  });
  const { config, problems } = parseConfig(text, RULES);
  assert.deepEqual(
    problems.map((p) => p.path),
    [
      'auditColumns.created',
      'auditExemptTables[1]',
      'migrations[0].tool',
      'migrations[1]',
      'rules.prefer-identity',
    ],
  );
  assert.deepEqual(config.auditColumns, { created: 'created_at', updated: 'changed_at' });
  assert.deepEqual(config.auditExemptTables, ['a', 'b']);
  assert.deepEqual(config.migrations, [{ path: 'a' }, { path: 'c', tool: 'diesel' }]);
  assert.deepEqual(config.rules, { 'primary-key-type': 'hint' });
});

test('unknown top-level key, with a suggestion', () => {
  const text = '{"tenantColum": "org_id", "softDeleteColumn": "gone_at"}';
  const { config, problems } = parseConfig(text, RULES);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].path, 'tenantColum');
  assert.equal(problems[0].message, "Unknown setting 'tenantColum'. Did you mean 'tenantColumn'?");
  assert.deepEqual(covered(text, problems), ['"tenantColum"']);
  assert.equal(config.softDeleteColumn, 'gone_at');
  assert.equal(config.tenantColumn, 'tenant_id');
});

test('unknown rule id: key range, suggestion when close, none when not', () => {
  const text =
    '{\n  "rules": {\n    "foreign-key-without-indx": "error",\n    "no-such-thing": "off",\n    "prefer-identity": "warn"\n  }\n}';
  const { config, problems } = parseConfig(text, RULES);
  assert.deepEqual(
    problems.map((p) => [p.path, p.message]),
    [
      [
        'rules.foreign-key-without-indx',
        "Unknown rule 'foreign-key-without-indx'. Did you mean 'foreign-key-without-index'?",
      ],
      ['rules.no-such-thing', "Unknown rule 'no-such-thing'."],
    ],
  );
  assert.deepEqual(covered(text, problems), ['"foreign-key-without-indx"', '"no-such-thing"']);
  assert.deepEqual(config.rules, { 'prefer-identity': 'warning' });
});

test('an unknown rule with a bad severity is one problem, about the id', () => {
  const { problems } = parseConfig('{"rules": {"prefer-identiy": "loud"}}', RULES);
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /Unknown rule 'prefer-identiy'\. Did you mean 'prefer-identity'\?/);
});

test('bad severity: value range, suggestion, the allowed values', () => {
  const text = '{"rules": {"prefer-identity": "warnign", "primary-key-type": 3}}';
  const { problems } = parseConfig(text, RULES);
  assert.deepEqual(covered(text, problems), ['"warnign"', '3']);
  assert.equal(
    problems[0].message,
    `Unknown severity for rule 'prefer-identity': "warnign". Did you mean 'warning'? Use one of: off, hint, info, warn, warning, error.`,
  );
  assert.match(problems[1].message, /^Unknown severity for rule 'primary-key-type': 3\. Use one of: off, /);
});

test('duplicate keys: the last one wins, and is the one located', () => {
  const text = '{"tenantColumn": "a", "tenantColumn": 7}';
  const { problems } = parseConfig(text, RULES);
  assert.equal(problems[0].start, text.lastIndexOf('7'));
});

test('keys with escapes, slashes and tildes are located', () => {
  const text = '{"rules": {"a/b~c": "off", "\\u0070refer-identity": "nope"}}';
  const { problems } = parseConfig(text, RULES);
  assert.deepEqual(covered(text, problems), ['"a/b~c"', '"nope"']);
  assert.equal(problems[0].path, 'rules.a/b~c');
});

test('offsets are UTF-16 offsets', () => {
  const text = '{"ignore": ["😀/**"], "tenantColumn": 1}';
  const { problems } = parseConfig(text, RULES);
  assert.deepEqual(covered(text, problems), ['1']);
});

test('suggestName', () => {
  assert.equal(suggestName('warnign', ['warn', 'warning', 'error']), 'warning');
  assert.equal(suggestName('xyz', ['warn', 'warning', 'error']), undefined);
});

test('the JSON Schema accepts a full example and rejects bad ones', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '../../schema/db-expert.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  assert.equal(validate(FULL), true, JSON.stringify(validate.errors));
  assert.equal(validate({}), true);
  for (const bad of [
    { tenantColumn: 1 },
    { rules: { x: 'loud' } },
    { migrations: [{ tool: 'flyway' }] },
    { migrations: [{ path: 'm', tool: 'liquibase' }] },
    { auditColumns: { created: 'c', extra: 'e' } },
    { prisma: { schemaFindingsOnMigrations: 'no' } },
    { prisma: { other: true } },
    { somethingElse: true },
  ]) {
    assert.equal(validate(bad), false, JSON.stringify(bad));
  }
});

test('the JSON Schema documents every property with a description', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '../../schema/db-expert.schema.json'), 'utf8'));
  const missing: string[] = [];
  const walk = (
    props: Record<string, { description?: string; properties?: object; items?: object }>,
    at: string,
  ) => {
    for (const [k, v] of Object.entries(props)) {
      if (!v.description) missing.push(at + k);
      if (v.properties) walk(v.properties as typeof props, `${at}${k}.`);
      const items = v.items as { properties?: object } | undefined;
      if (items?.properties) walk(items.properties as typeof props, `${at}${k}[].`);
    }
  };
  walk(schema.properties, '');
  assert.deepEqual(missing, []);
  // Defaults in the schema are the engine's defaults, so editors complete with what applies.
  for (const key of Object.keys(DEFAULT_CONFIG) as (keyof typeof DEFAULT_CONFIG)[]) {
    assert.deepEqual(schema.properties[key].default, DEFAULT_CONFIG[key], key);
  }
});

test('prisma.schemaFindingsOnMigrations: off by default, read when a boolean, kept at its default when bad', () => {
  assert.equal(parseConfig('{}', RULES).config.prisma.schemaFindingsOnMigrations, false);
  assert.equal(
    parseConfig('{"prisma": {"schemaFindingsOnMigrations": true}}', RULES).config.prisma
      .schemaFindingsOnMigrations,
    true,
  );
  assert.equal(parseConfig('{"prisma": {}}', RULES).config.prisma.schemaFindingsOnMigrations, false);
  const bad = parseConfig('{"prisma": {"schemaFindingsOnMigrations": 1}, "tenantColumn": "org_id"}', RULES);
  assert.equal(bad.config.prisma.schemaFindingsOnMigrations, false);
  assert.equal(bad.config.tenantColumn, 'org_id');
  assert.deepEqual(
    bad.problems.map((p) => p.path),
    ['prisma.schemaFindingsOnMigrations'],
  );
});
