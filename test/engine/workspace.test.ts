import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { MigrationFolderConfig, MigrationToolName } from '../../server/src/engine/config/config';
import { DEFAULT_CONFIG } from '../../server/src/engine/config/config';
import type { FileGroup } from '../../server/src/engine/project';
import {
  compareVersions,
  detectTransaction,
  groupFiles,
  hasExplicitTransaction,
  migrationSettingsPaths,
} from '../../server/src/engine/workspace/migrations';
import { CORPUS } from '../support/corpus';

type FileSpec = string | { path: string; text: string };

function group(files: FileSpec[], migrations: MigrationFolderConfig[] = []): FileGroup[] {
  return groupFiles(
    files.map((f) => (typeof f === 'string' ? { path: f, text: '' } : f)),
    { ...DEFAULT_CONFIG, migrations },
  );
}

function onlyMigrations(groups: FileGroup[]): FileGroup {
  const m = groups.filter((g) => g.kind === 'migrations');
  assert.equal(m.length, 1, `expected one migrations group, got ${m.map((g) => g.folder).join(', ')}`);
  return m[0];
}

const DBMATE_TEXT = '-- migrate:up\ncreate table t (id int);\n\n-- migrate:down\ndrop table t;\n';

test('compareVersions orders by number, not by collation', () => {
  const ascending: [string, string][] = [
    ['2', '10'],
    ['002', '10'],
    ['1.1', '1.10'],
    ['1.10', '2'],
    ['1.2', '1.2.1'],
    ['1', '1.0'],
    ['9', '20240101000000'],
    ['20230101000000', '20240101000000'],
    ['2019-02-26-002946', '2019-10-01-000000'],
    // Diesel stamps with extra precision must still sort by date.
    ['2025-09-19-132648-0000', '2025-10-01-000000'],
    ['202509191326480000', '202509191326480001'],
    ['a2', 'a10'],
    ['1', 'a'],
    ['01', '1'],
  ];
  for (const [a, b] of ascending) {
    assert.equal(compareVersions(a, b), -1, `${a} < ${b}`);
    assert.equal(compareVersions(b, a), 1, `${b} > ${a}`);
  }
  assert.equal(compareVersions('1.2', '1.2'), 0);
});

interface ToolCase {
  name: string;
  files: FileSpec[];
  tool: MigrationToolName;
  folder: string;
  up: string[];
  down?: string[];
  versions?: Record<string, string>;
  transactional: boolean;
}

const TOOL_CASES: ToolCase[] = [
  {
    name: 'supabase',
    files: ['supabase/migrations/20240102000000_b.sql', 'supabase/migrations/20240101000000_a.sql'],
    tool: 'supabase',
    folder: 'supabase/migrations',
    up: ['supabase/migrations/20240101000000_a.sql', 'supabase/migrations/20240102000000_b.sql'],
    versions: { 'supabase/migrations/20240101000000_a.sql': '20240101000000' },
    transactional: true,
  },
  {
    name: 'prisma (lock file and README ignored)',
    files: [
      'prisma/migrations/20240202000000_add/migration.sql',
      'prisma/migrations/20240101000000_init/migration.sql',
      'prisma/migrations/migration_lock.toml',
      'prisma/migrations/README.md',
    ],
    tool: 'prisma',
    folder: 'prisma/migrations',
    up: [
      'prisma/migrations/20240101000000_init/migration.sql',
      'prisma/migrations/20240202000000_add/migration.sql',
    ],
    versions: { 'prisma/migrations/20240101000000_init/migration.sql': '20240101000000' },
    transactional: true,
  },
  {
    name: 'diesel with up/down pairs',
    files: [
      'migrations/2024-01-01-000000_b/up.sql',
      'migrations/2024-01-01-000000_b/down.sql',
      'migrations/2023-12-31-235959_a/up.sql',
      'migrations/2023-12-31-235959_a/down.sql',
    ],
    tool: 'diesel',
    folder: 'migrations',
    up: ['migrations/2023-12-31-235959_a/up.sql', 'migrations/2024-01-01-000000_b/up.sql'],
    down: ['migrations/2023-12-31-235959_a/down.sql', 'migrations/2024-01-01-000000_b/down.sql'],
    versions: {
      'migrations/2023-12-31-235959_a/up.sql': '20231231235959',
      'migrations/2023-12-31-235959_a/down.sql': '20231231235959',
    },
    transactional: true,
  },
  {
    name: 'golang-migrate with up/down pairs, 2 before 10',
    files: [
      'db/migrations/10_c.up.sql',
      'db/migrations/2_b.down.sql',
      'db/migrations/2_b.up.sql',
      'db/migrations/1_a.up.sql',
      'db/migrations/1_a.down.sql',
      'db/migrations/10_c.down.sql',
    ],
    tool: 'golang-migrate',
    folder: 'db/migrations',
    up: ['db/migrations/1_a.up.sql', 'db/migrations/2_b.up.sql', 'db/migrations/10_c.up.sql'],
    down: ['db/migrations/1_a.down.sql', 'db/migrations/2_b.down.sql', 'db/migrations/10_c.down.sql'],
    versions: { 'db/migrations/10_c.up.sql': '10', 'db/migrations/10_c.down.sql': '10' },
    transactional: false,
  },
  {
    name: 'dbmate (down part in the same file)',
    files: [
      { path: 'db/migrations/20240201000000_b.sql', text: DBMATE_TEXT },
      { path: 'db/migrations/20240101000000_a.sql', text: DBMATE_TEXT },
    ],
    tool: 'dbmate',
    folder: 'db/migrations',
    up: ['db/migrations/20240101000000_a.sql', 'db/migrations/20240201000000_b.sql'],
    down: [],
    transactional: true,
  },
  {
    name: 'flyway: V1_1 before V1_10 before V2, undo is down, repeatables last by name',
    files: [
      'db/migration/V2__c.sql',
      'db/migration/R__views.sql',
      'db/migration/V1_10__b.sql',
      'db/migration/U2__c.sql',
      'db/migration/V1__init.sql',
      'db/migration/R__a_functions.sql',
      'db/migration/V1_1__a.sql',
    ],
    tool: 'flyway',
    folder: 'db/migration',
    up: [
      'db/migration/V1__init.sql',
      'db/migration/V1_1__a.sql',
      'db/migration/V1_10__b.sql',
      'db/migration/V2__c.sql',
      'db/migration/R__a_functions.sql',
      'db/migration/R__views.sql',
    ],
    down: ['db/migration/U2__c.sql'],
    versions: {
      'db/migration/V1_1__a.sql': '1.1',
      'db/migration/V1_10__b.sql': '1.10',
      'db/migration/U2__c.sql': '2',
    },
    transactional: true,
  },
  {
    name: 'flyway scans subfolders of its location',
    files: ['db/migration/V1__init.sql', 'db/migration/2024/V3__c.sql', 'db/migration/V2__b.sql'],
    tool: 'flyway',
    folder: 'db/migration',
    up: ['db/migration/V1__init.sql', 'db/migration/V2__b.sql', 'db/migration/2024/V3__c.sql'],
    transactional: true,
  },
  {
    name: 'numbered: underscores and dashes, 2 before 10',
    files: ['sql/10_c.sql', 'sql/0002-b.sql', 'sql/001_a.sql'],
    tool: 'numbered',
    folder: 'sql',
    up: ['sql/001_a.sql', 'sql/0002-b.sql', 'sql/10_c.sql'],
    versions: { 'sql/0002-b.sql': '0002' },
    transactional: false,
  },
  {
    name: 'numbered at the project root',
    files: ['2_b.sql', '1_a.sql'],
    tool: 'numbered',
    folder: '',
    up: ['1_a.sql', '2_b.sql'],
    transactional: false,
  },
  {
    name: 'versioned folders: by version folder, then file name',
    files: [
      'schema/versioned/v1.10/a.sql',
      'schema/versioned/v1.2/b.sql',
      'schema/versioned/v1.2/a.sql',
      'schema/versioned/v1.0/schema.sql',
    ],
    tool: 'numbered',
    folder: 'schema/versioned',
    up: [
      'schema/versioned/v1.0/schema.sql',
      'schema/versioned/v1.2/a.sql',
      'schema/versioned/v1.2/b.sql',
      'schema/versioned/v1.10/a.sql',
    ],
    versions: { 'schema/versioned/v1.10/a.sql': '1.10' },
    transactional: false,
  },
];

for (const c of TOOL_CASES) {
  test(`recognises ${c.name}`, () => {
    const g = onlyMigrations(group(c.files));
    assert.equal(g.tool, c.tool);
    assert.equal(g.folder, c.folder);
    assert.deepEqual(g.files, c.up);
    assert.deepEqual(g.downFiles, c.down ?? []);
    assert.equal(g.migrations.size, c.up.length + (c.down?.length ?? 0));
    for (const path of [...c.up, ...(c.down ?? [])]) {
      const info = g.migrations.get(path);
      assert.ok(info, path);
      assert.equal(info.tool, c.tool);
      assert.equal(info.folder, c.folder);
      assert.equal(info.direction, c.down?.includes(path) ? 'down' : 'up', path);
      assert.equal(info.transactional, c.transactional, path);
    }
    for (const [path, version] of Object.entries(c.versions ?? {})) {
      assert.equal(g.migrations.get(path)?.version, version, path);
    }
    // Input order never matters.
    assert.deepEqual(group([...c.files].reverse()), group(c.files));
  });
}

test('flyway repeatables have no version', () => {
  const g = onlyMigrations(group(['db/V1__a.sql', 'db/R__b.sql']));
  assert.equal(g.migrations.get('db/R__b.sql')?.version, '');
});

test('ties on version are broken by path', () => {
  const g = onlyMigrations(group(['m/1_b.sql', 'm/1_a.sql', 'm/01_c.sql']));
  assert.deepEqual(g.files, ['m/01_c.sql', 'm/1_a.sql', 'm/1_b.sql']);
});

test('what is not a migrations folder stays standalone', () => {
  const cases: { files: FileSpec[]; standalone: string[] }[] = [
    {
      files: ['schema.sql', 'seed.sql', 'queries/x.sql'],
      standalone: ['queries/x.sql', 'schema.sql', 'seed.sql'],
    },
    // One numbered file is not a convention.
    { files: ['sql/001_init.sql', 'sql/views.sql'], standalone: ['sql/001_init.sql', 'sql/views.sql'] },
    // Without the marker, timestamped files outside supabase/ are numbered, not dbmate; one alone is nothing.
    { files: ['db/20240101000000_a.sql'], standalone: ['db/20240101000000_a.sql'] },
    // One version folder is not a versioned layout.
    { files: ['schema/v1/a.sql'], standalone: ['schema/v1/a.sql'] },
    // Only .sql files are grouped.
    { files: ['README.md', 'prisma/schema.prisma', 'x.SQL'], standalone: ['x.SQL'] },
  ];
  for (const c of cases) {
    const groups = group(c.files);
    assert.ok(
      groups.every(
        (g) => g.kind === 'standalone' && g.files.length === 1 && g.migrations.size === 0 && !g.tool,
      ),
    );
    assert.deepEqual(
      groups.map((g) => g.files[0]),
      c.standalone,
    );
  }
});

test('files a detected tool would skip stay standalone', () => {
  const groups = group([
    'supabase/migrations/20240101000000_a.sql',
    'supabase/migrations/notes.sql',
    'supabase/seed.sql',
    'db/migrations/1_a.up.sql',
    'db/migrations/helpers.sql',
  ]);
  assert.deepEqual(
    groups.map((g) => [g.kind, g.folder ?? g.files[0]]),
    [
      ['migrations', 'db/migrations'],
      ['standalone', 'db/migrations/helpers.sql'],
      ['migrations', 'supabase/migrations'],
      ['standalone', 'supabase/migrations/notes.sql'],
      ['standalone', 'supabase/seed.sql'],
    ],
  );
});

test('the tool that explains most files of a folder wins', () => {
  // golang-migrate files also look numbered; a stray numbered file does not turn the folder numbered.
  const golang = group(['m/1_a.up.sql', 'm/1_a.down.sql', 'm/2_b.up.sql', 'm/0_seed.sql']);
  assert.equal(golang.find((g) => g.kind === 'migrations')?.tool, 'golang-migrate');
  assert.ok(golang.some((g) => g.kind === 'standalone' && g.files[0] === 'm/0_seed.sql'));
  // dbmate's marker on some files makes the whole numbered folder dbmate.
  const dbmate = onlyMigrations(
    group([{ path: 'm/1_a.sql', text: DBMATE_TEXT }, 'm/2_b.sql', { path: 'm/3_c.sql', text: DBMATE_TEXT }]),
  );
  assert.equal(dbmate.tool, 'dbmate');
  assert.deepEqual(dbmate.files, ['m/1_a.sql', 'm/2_b.sql', 'm/3_c.sql']);
  // Timestamped files under supabase/migrations are Supabase even with dbmate markers.
  assert.equal(
    onlyMigrations(group([{ path: 'supabase/migrations/1_a.sql', text: DBMATE_TEXT }])).tool,
    'supabase',
  );
});

test('transactional follows each tool', () => {
  const cases: [MigrationToolName, string, string | undefined, boolean][] = [
    ['prisma', '', undefined, true],
    ['supabase', '', undefined, true],
    ['flyway', '', undefined, true],
    [
      'flyway',
      '-- flyway:executeInTransaction=false\ncreate index concurrently i on t (a);',
      undefined,
      false,
    ],
    ['diesel', '', undefined, true],
    ['diesel', '', 'run_in_transaction = true\n', true],
    ['diesel', '', '# metadata\nrun_in_transaction = false\n', false],
    ['golang-migrate', '', undefined, false],
    ['dbmate', DBMATE_TEXT, undefined, true],
    ['dbmate', '-- migrate:up transaction:false\ncreate index concurrently i on t (a);\n', undefined, false],
    ['numbered', '', undefined, false],
    ['plain', '', undefined, false],
    // The user's own BEGIN/COMMIT never changes what the tool does.
    ['numbered', 'BEGIN;\ncreate table t (id int);\nCOMMIT;\n', undefined, false],
  ];
  for (const [tool, text, metadata, expected] of cases) {
    assert.equal(
      detectTransaction(tool, text, metadata),
      expected,
      `${tool} ${JSON.stringify(text)} ${metadata}`,
    );
  }
});

test("dbmate transaction:false, diesel's metadata.toml and Flyway's .sql.conf reach MigrationInfo", () => {
  const dbmate = onlyMigrations(
    group([
      { path: 'db/migrations/1_a.sql', text: DBMATE_TEXT },
      {
        path: 'db/migrations/2_b.sql',
        text: '-- migrate:up transaction:false\ncreate index concurrently i on t (a);',
      },
    ]),
  );
  assert.equal(dbmate.migrations.get('db/migrations/1_a.sql')?.transactional, true);
  assert.equal(dbmate.migrations.get('db/migrations/2_b.sql')?.transactional, false);
  assert.equal(dbmate.migrations.get('db/migrations/2_b.sql')?.direction, 'up');

  const diesel = onlyMigrations(
    group([
      'migrations/2024-01-01-000000_a/up.sql',
      'migrations/2024-01-01-000000_a/down.sql',
      'migrations/2024-01-02-000000_b/up.sql',
      'migrations/2024-01-02-000000_b/down.sql',
      { path: 'migrations/2024-01-02-000000_b/metadata.toml', text: 'run_in_transaction = false\n' },
    ]),
  );
  assert.equal(diesel.migrations.get('migrations/2024-01-01-000000_a/up.sql')?.transactional, true);
  assert.equal(diesel.migrations.get('migrations/2024-01-02-000000_b/up.sql')?.transactional, false);
  assert.equal(diesel.migrations.get('migrations/2024-01-02-000000_b/down.sql')?.transactional, false);

  const flyway = onlyMigrations(
    group([
      'db/migration/V1__a.sql',
      'db/migration/V2__b.sql',
      'db/migration/V3__c.sql',
      {
        path: 'db/migration/V2__b.sql.conf',
        text: '# Flyway script configuration\nexecuteInTransaction = false\n',
      },
      { path: 'db/migration/V3__c.sql.conf', text: 'executeInTransaction=true\n' },
    ]),
  );
  assert.equal(flyway.migrations.get('db/migration/V1__a.sql')?.transactional, true);
  assert.equal(flyway.migrations.get('db/migration/V2__b.sql')?.transactional, false);
  assert.equal(flyway.migrations.get('db/migration/V3__c.sql')?.transactional, true);
  assert.deepEqual(migrationSettingsPaths('migrations/2024-01-02-000000_b/up.sql'), [
    'migrations/2024-01-02-000000_b/up.sql.conf',
    'migrations/2024-01-02-000000_b/metadata.toml',
  ]);
});

test('hasExplicitTransaction sees only top-level BEGIN … COMMIT', () => {
  const cases: [string, boolean][] = [
    ['BEGIN;\ncreate table t (id int);\nCOMMIT;\n', true],
    ['begin;\ncreate table t (id int);\nend;\n', true],
    ['START TRANSACTION;\nalter table t add column a int;\nCOMMIT;', true],
    ['BEGIN ISOLATION LEVEL SERIALIZABLE;\nupdate t set a = 1;\nCOMMIT WORK;', true],
    ['BEGIN; create table t (id int); COMMIT;', true],
    ['BEGIN;\ncreate table t (id int);\n', false],
    ['create table t (id int);\nCOMMIT;\nBEGIN;\n', false],
    ['-- BEGIN;\ncreate table t (id int);\n-- COMMIT;\n', false],
    ['/* BEGIN; */ create table t (id int); /* COMMIT; */', false],
    ["select 'BEGIN;'; select 'COMMIT;';", false],
    ['create function f() returns trigger language plpgsql as $$\nBEGIN\n  return new;\nEND;\n$$;\n', false],
    ['DO $body$ BEGIN perform 1; END $body$;', false],
    ['create procedure p() language plpgsql as $$ begin; commit; end $$;', false],
    ['', false],
  ];
  for (const [text, expected] of cases) {
    assert.equal(hasExplicitTransaction(text), expected, JSON.stringify(text));
  }
});

test('configured folders', () => {
  // Unknown naming: plain, natural name order, nested files included.
  const plain = onlyMigrations(
    group(
      ['db/changes/a10.sql', 'db/changes/a2.sql', 'db/changes/sub/b.sql', 'other.sql'],
      [{ path: 'db/changes/' }],
    ),
  );
  assert.equal(plain.tool, 'plain');
  assert.equal(plain.folder, 'db/changes');
  assert.deepEqual(plain.files, ['db/changes/a2.sql', 'db/changes/a10.sql', 'db/changes/sub/b.sql']);
  assert.equal(plain.migrations.get('db/changes/a2.sql')?.transactional, false);

  // Detected inside a configured folder, even where convention needs more files.
  const single = onlyMigrations(group(['sql/001_init.sql'], [{ path: './sql' }]));
  assert.equal(single.tool, 'numbered');

  // A forced tool overrides detection; files it would skip stay standalone.
  const forced = group(
    [
      { path: 'sql/001_a.sql', text: '' },
      { path: 'sql/002_b.sql', text: '' },
      { path: 'sql/views.sql', text: '' },
    ],
    [{ path: 'sql', tool: 'dbmate' }],
  );
  const g = onlyMigrations(forced);
  assert.equal(g.tool, 'dbmate');
  assert.deepEqual(g.files, ['sql/001_a.sql', 'sql/002_b.sql']);
  assert.equal(g.migrations.get('sql/001_a.sql')?.transactional, true);
  assert.ok(forced.some((x) => x.kind === 'standalone' && x.files[0] === 'sql/views.sql'));

  // Forced tool on a folder that convention would read differently.
  assert.equal(
    onlyMigrations(group(['supabase/migrations/1_a.sql'], [{ path: 'supabase/migrations', tool: 'plain' }]))
      .tool,
    'plain',
  );

  // Forced numbered also covers version folders.
  const versioned = onlyMigrations(group(['s/v2/a.sql', 's/v10/a.sql'], [{ path: 's', tool: 'numbered' }]));
  assert.deepEqual(versioned.files, ['s/v2/a.sql', 's/v10/a.sql']);

  // A folder configured inside another keeps its own files.
  const nested = group(
    ['db/a.sql', 'db/inner/1_x.sql'],
    [{ path: 'db' }, { path: 'db/inner', tool: 'numbered' }],
  );
  assert.deepEqual(
    nested.map((x) => [x.folder, x.tool, x.files]),
    [
      ['db', 'plain', ['db/a.sql']],
      ['db/inner', 'numbered', ['db/inner/1_x.sql']],
    ],
  );
});

test('a mixed tree: every .sql file in exactly one group, groups ordered by folder/path', () => {
  const files: FileSpec[] = [
    'schema.sql',
    'seed.sql',
    'queries/report.sql',
    'prisma/schema.prisma',
    'prisma/migrations/migration_lock.toml',
    'prisma/migrations/20240101000000_init/migration.sql',
    'prisma/migrations/20240201000000_add/migration.sql',
    'supabase/migrations/20240101000000_a.sql',
    'supabase/seed.sql',
    'services/auth/migrations/1_users.up.sql',
    'services/auth/migrations/1_users.down.sql',
    'services/auth/migrations/2_roles.up.sql',
    'services/billing/db/V1__init.sql',
    'services/billing/db/V1_1__more.sql',
    { path: 'services/mail/db/migrations/20240101000000_a.sql', text: DBMATE_TEXT },
    'legacy/001_a.sql',
    'legacy/002_b.sql',
    'legacy/v1/readme.sql',
    'schema/versioned/v1.0/a.sql',
    'schema/versioned/v1.1/b.sql',
    'schema/schema.sql',
  ];
  const groups = group(files);
  assert.deepEqual(
    groups.map((g) => [g.kind, g.tool ?? null, g.folder ?? g.files[0], g.files.length, g.downFiles.length]),
    [
      ['migrations', 'numbered', 'legacy', 2, 0],
      ['standalone', null, 'legacy/v1/readme.sql', 1, 0],
      ['migrations', 'prisma', 'prisma/migrations', 2, 0],
      ['standalone', null, 'queries/report.sql', 1, 0],
      ['standalone', null, 'schema.sql', 1, 0],
      ['standalone', null, 'schema/schema.sql', 1, 0],
      ['migrations', 'numbered', 'schema/versioned', 2, 0],
      ['standalone', null, 'seed.sql', 1, 0],
      ['migrations', 'golang-migrate', 'services/auth/migrations', 2, 1],
      ['migrations', 'flyway', 'services/billing/db', 2, 0],
      ['migrations', 'dbmate', 'services/mail/db/migrations', 1, 0],
      ['migrations', 'supabase', 'supabase/migrations', 1, 0],
      ['standalone', null, 'supabase/seed.sql', 1, 0],
    ],
  );
  const seen = groups.flatMap((g) => [...g.files, ...g.downFiles]).sort();
  const sqlFiles = files.map((f) => (typeof f === 'string' ? f : f.path)).filter((p) => p.endsWith('.sql'));
  assert.deepEqual(seen, [...sqlFiles].sort());
});

// The real corpus: only the file lists matter here (text '' is enough for these layouts).
function corpusFiles(project: string): { path: string; text: string }[] {
  const root = join(CORPUS, project);
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => ({
      path: `${project}/${relative(root, join(d.parentPath, d.name)).split(sep).join('/')}`,
      text: '',
    }));
}

interface CorpusCase {
  project: string;
  folder: string;
  tool: MigrationToolName;
  count: number;
  first: string;
  last: string;
  /** Whether the tool's order is also plain name order for this corpus (true for timestamped names). */
  nameOrder: boolean;
}

const CORPUS_CASES: CorpusCase[] = [
  {
    project: 'lemmy',
    folder: 'lemmy/migrations',
    tool: 'diesel',
    count: 342,
    first: 'lemmy/migrations/00000000000000_diesel_initial_setup/up.sql',
    last: 'lemmy/migrations/2026-07-27-143313-0000_rename_resolve_reason_to_conclusion/up.sql',
    nameOrder: true,
  },
  {
    project: 'supabase-auth',
    folder: 'supabase-auth/migrations',
    tool: 'golang-migrate',
    count: 70,
    first: 'supabase-auth/migrations/00_init_auth_schema.up.sql',
    last: 'supabase-auth/migrations/20260625000000_add_custom_claims_allowlist.up.sql',
    nameOrder: true,
  },
  {
    project: 'documenso',
    folder: 'documenso/packages/prisma/migrations',
    tool: 'prisma',
    count: 163,
    first: 'documenso/packages/prisma/migrations/20230404095503_initial_migration/migration.sql',
    last: 'documenso/packages/prisma/migrations/20260622120000_add_recipient_reminder_count/migration.sql',
    nameOrder: true,
  },
  {
    // Formbricks keeps Prisma migrations in `migration/`, singular: the per-migration folder is what counts.
    project: 'formbricks',
    folder: 'formbricks/packages/database/migration',
    tool: 'prisma',
    count: 167,
    first: 'formbricks/packages/database/migration/20230329205933_init/migration.sql',
    last: 'formbricks/packages/database/migration/20260821000000_add_response_survey_finished_index/migration.sql',
    nameOrder: true,
  },
  {
    project: 'temporal',
    folder: 'temporal/schema/postgresql/v12/temporal/versioned',
    tool: 'numbered',
    count: 25,
    first: 'temporal/schema/postgresql/v12/temporal/versioned/v1.0/schema.sql',
    last: 'temporal/schema/postgresql/v12/temporal/versioned/v1.19/current_chasm_executions.sql',
    nameOrder: false,
  },
  {
    project: 'temporal',
    folder: 'temporal/schema/postgresql/v12/visibility/versioned',
    tool: 'numbered',
    count: 19,
    first: 'temporal/schema/postgresql/v12/visibility/versioned/v1.0/schema.sql',
    last: 'temporal/schema/postgresql/v12/visibility/versioned/v1.14/add_external_payload_size_and_count_search_attributes.sql',
    nameOrder: false,
  },
];

const corpusGroups = new Map<string, FileGroup[]>();
function corpusGroupsOf(project: string): FileGroup[] {
  let groups = corpusGroups.get(project);
  if (!groups) {
    groups = groupFiles(corpusFiles(project), DEFAULT_CONFIG);
    corpusGroups.set(project, groups);
  }
  return groups;
}

for (const c of CORPUS_CASES) {
  test(`corpus: ${c.folder}`, () => {
    const g = corpusGroupsOf(c.project).find((x) => x.kind === 'migrations' && x.folder === c.folder);
    assert.ok(g, `no migrations group for ${c.folder}`);
    assert.equal(g.tool, c.tool);
    assert.equal(g.files.length, c.count);
    assert.equal(g.files[0], c.first);
    assert.equal(g.files.at(-1), c.last);
    assert.deepEqual(g.downFiles, []);
    if (c.nameOrder) assert.deepEqual(g.files, [...g.files].sort());
  });
}

test('corpus: every project has only the expected groups', () => {
  const expected: Record<string, [number, number]> = {
    // [migrations groups, standalone groups]
    lemmy: [1, 0],
    'supabase-auth': [1, 0],
    documenso: [1, 0],
    formbricks: [1, 0],
    temporal: [2, 4],
  };
  for (const [project, [migrations, standalone]] of Object.entries(expected)) {
    const groups = corpusGroupsOf(project);
    assert.equal(groups.filter((g) => g.kind === 'migrations').length, migrations, project);
    assert.equal(groups.filter((g) => g.kind === 'standalone').length, standalone, project);
  }
  const temporal = corpusGroupsOf('temporal').filter((g) => g.kind === 'standalone');
  assert.deepEqual(
    temporal.map((g) => g.files[0]),
    [
      'temporal/schema/postgresql/v12/temporal/database.sql',
      'temporal/schema/postgresql/v12/temporal/schema.sql',
      'temporal/schema/postgresql/v12/visibility/database.sql',
      'temporal/schema/postgresql/v12/visibility/schema.sql',
    ],
  );
  // Version folders by number: v1.2 after v1.1 and before v1.10.
  const versioned = corpusGroupsOf('temporal').find((g) => g.folder?.endsWith('temporal/versioned'));
  const folders = [...new Set(versioned?.files.map((f) => f.split('/').at(-2)))];
  assert.deepEqual(folders.slice(0, 4), ['v1.0', 'v1.1', 'v1.2', 'v1.3']);
  assert.deepEqual(folders.slice(-2), ['v1.18', 'v1.19']);
});

test('corpus: the regression suite is all standalone files', () => {
  const groups = groupFiles(corpusFiles('postgres-regress'), DEFAULT_CONFIG);
  assert.ok(groups.length > 0);
  assert.ok(groups.every((g) => g.kind === 'standalone'));
});
