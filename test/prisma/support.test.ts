import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPrismaParser, parsePrisma } from '../../server/src/engine/parse/prisma';
import { loadSqlParser } from '../../server/src/engine/parse/sql';
import { buildPrismaModel } from '../../server/src/engine/model/build-prisma';
import { applyEdits as apply } from '../../server/src/engine/fixes/apply';
import type { TextEdit } from '../../server/src/engine/findings';
import { groupPrismaFiles } from '../../server/src/engine/prisma/group';
import {
  acceptsDatasourceUrl,
  datasourceUrlWritten,
  dependsOnPrisma,
  packageJsonsAbove,
  prismaMajorFromPackageJson,
  prismaPackageJsons,
} from '../../server/src/engine/prisma/version';
import {
  fieldAttributeRange,
  modelEditor,
  prismaFieldNames,
  prismaIndexAttribute,
  setAttributeArgument,
} from '../../server/src/engine/prisma/fixes';
import { PrismaModelEditor } from '../../server/src/engine/prisma/layout';

before(async () => {
  await loadPrismaParser();
  await loadSqlParser();
});

function applyEdits(text: string, edits: TextEdit[]): string {
  const result = apply(text, edits);
  assert.deepEqual(result.skipped, []);
  return result.text;
}

const DS = 'datasource db {\n  provider = "postgresql"\n}\n';

test('groupPrismaFiles: a schema folder (subfolders too) is one group; separate schemas stay apart', () => {
  const files = [
    { path: 'apps/web/prisma/schema/schema.prisma', text: DS },
    { path: 'apps/web/prisma/schema/user.prisma', text: 'model User {\n  id Int @id\n}\n' },
    { path: 'apps/web/prisma/schema/billing/invoice.prisma', text: 'model Invoice {\n  id Int @id\n}\n' },
    { path: 'apps/api/prisma/schema.prisma', text: `// datasource old {\n${DS}` },
    { path: 'packages/loose/a.prisma', text: 'model A {\n  id Int @id\n}\n' },
    { path: 'packages/loose/b.prisma', text: 'model B {\n  id Int @id\n}\n' },
    { path: 'fixtures/one.prisma', text: DS },
    { path: 'fixtures/two.prisma', text: DS },
    { path: 'schema.sql', text: '' },
  ];
  assert.deepEqual(
    groupPrismaFiles(files).map((g) => [g.folder, g.files]),
    [
      ['apps/api/prisma', ['apps/api/prisma/schema.prisma']],
      [
        'apps/web/prisma/schema',
        [
          'apps/web/prisma/schema/billing/invoice.prisma',
          'apps/web/prisma/schema/schema.prisma',
          'apps/web/prisma/schema/user.prisma',
        ],
      ],
      ['fixtures', ['fixtures/one.prisma']],
      ['fixtures', ['fixtures/two.prisma']],
      ['packages/loose', ['packages/loose/a.prisma', 'packages/loose/b.prisma']],
    ],
  );
  const [group] = groupPrismaFiles([{ path: 'schema.prisma', text: DS }]);
  assert.deepEqual(group, {
    kind: 'standalone',
    files: ['schema.prisma'],
    downFiles: [],
    folder: '',
    migrations: new Map(),
  });
});

test('prismaMajorFromPackageJson reads prisma, else @prisma/client', () => {
  const pkg = (deps: Record<string, string>, field = 'devDependencies') => JSON.stringify({ [field]: deps });
  assert.equal(prismaMajorFromPackageJson(pkg({ prisma: '^6.1.0' })), 6);
  assert.equal(prismaMajorFromPackageJson(pkg({ prisma: '~5.22.0' })), 5);
  assert.equal(prismaMajorFromPackageJson(pkg({ prisma: '7.0.1' }, 'dependencies')), 7);
  assert.equal(prismaMajorFromPackageJson(pkg({ prisma: '>=4.16 <6' })), 4);
  assert.equal(prismaMajorFromPackageJson(pkg({ prisma: '6.x' })), 6);
  assert.equal(prismaMajorFromPackageJson(pkg({ prisma: 'npm:prisma@5.1.0' })), 5);
  assert.equal(prismaMajorFromPackageJson(pkg({ '@prisma/client': '^6.2.0' }, 'dependencies')), 6);
  assert.equal(prismaMajorFromPackageJson(pkg({ prisma: 'catalog:', '@prisma/client': '5.0.0' })), 5);
  assert.equal(prismaMajorFromPackageJson(pkg({ prisma: 'latest' })), undefined);
  assert.equal(prismaMajorFromPackageJson(pkg({ prisma: 'workspace:*' })), undefined);
  assert.equal(prismaMajorFromPackageJson(pkg({ react: '^18.0.0' })), undefined);
  assert.equal(prismaMajorFromPackageJson('{ not json'), undefined);
});

test('whether the datasource url is the user’s to write', () => {
  const withUrl = parsePrisma('datasource db {\n  provider = "postgresql"\n  url      = env("X")\n}\n');
  const without = parsePrisma(DS);
  assert.equal(datasourceUrlWritten([withUrl]), true);
  assert.equal(datasourceUrlWritten([without]), false);
  assert.equal(acceptsDatasourceUrl(undefined, [withUrl]), true);
  assert.equal(acceptsDatasourceUrl(6, [without]), true);
  assert.equal(acceptsDatasourceUrl(7, [withUrl]), false);
});

const SCHEMA = `${DS}
model User {
  id    Int    @id
  posts Post[]
}

model Post {
  id       Int    @id
  title    String
  author   User   @relation(fields: [authorId], references: [id])
  authorId Int
}
`;

function model(text: string) {
  return buildPrismaModel([{ path: 'schema.prisma', text, parsed: parsePrisma(text) }]).model;
}

test('the model editor adds @@index as the model’s last line; the fixed schema has the index', () => {
  const post = model(SCHEMA).tables.get('public.Post')!;
  const edits = modelEditor(() => SCHEMA, post)
    .addBlockAttribute(prismaIndexAttribute(['authorId']))
    .edits();
  const fixed = applyEdits(SCHEMA, edits!);
  assert.ok(fixed.includes('  authorId Int\n\n  @@index([authorId])\n}\n'), fixed);
  assert.deepEqual(parsePrisma(fixed).errors, []);
  assert.deepEqual(model(fixed).indexes.get('public.Post_authorId_idx')?.elements, [{ column: 'authorId' }]);

  // After another block attribute: no blank line; CRLF kept; a tab indent kept.
  const crlf = 'model A {\r\n\tid Int @id\r\n\tb  Int\r\n\r\n\t@@index([b])\r\n}\r\n';
  const a = parsePrisma(crlf).ast.blocks[0];
  const again = applyEdits(
    crlf,
    new PrismaModelEditor(crlf, { file: 'f', start: a.start, end: a.end })
      .addBlockAttribute(prismaIndexAttribute(['id', 'b'], { map: 'a_ib' }))
      .edits()!,
  );
  assert.equal(
    again,
    'model A {\r\n\tid Int @id\r\n\tb  Int\r\n\r\n\t@@index([b])\r\n\t@@index([id, b], map: "a_ib")\r\n}\r\n',
  );
});

test('the model editor adds a field attribute in Prisma’s order, keeping the model aligned', () => {
  const post = model(SCHEMA).tables.get('public.Post')!;
  const fixed = applyEdits(
    SCHEMA,
    modelEditor(() => SCHEMA, post)
      .addAttribute('title', '@default("")')
      .edits()!,
  );
  assert.ok(fixed.includes('  title    String @default("")\n'), fixed);
  assert.equal(
    model(fixed)
      .tables.get('public.Post')!
      .columns.find((c) => c.name === 'title')?.default,
    "''",
  );
});

test('setAttributeArgument adds or replaces onDelete in @relation(…)', () => {
  const post = model(SCHEMA).tables.get('public.Post')!;
  const fk = post.constraints.find((c) => c.kind === 'foreign key')!;
  const relation = fieldAttributeRange(SCHEMA, fk.origin.range, 'relation')!;
  assert.equal(SCHEMA.slice(relation.start, relation.end), '@relation(fields: [authorId], references: [id])');
  const added = applyEdits(SCHEMA, [setAttributeArgument(SCHEMA, relation, 'onDelete', 'Cascade')]);
  assert.ok(added.includes('@relation(fields: [authorId], references: [id], onDelete: Cascade)'));
  const addedFk = model(added)
    .tables.get('public.Post')!
    .constraints.find((c) => c.kind === 'foreign key')!;
  assert.equal(addedFk.onDelete, 'cascade');

  const relation2 = fieldAttributeRange(added, addedFk.origin.range, 'relation')!;
  const replaced = applyEdits(added, [setAttributeArgument(added, relation2, 'onDelete', 'SetNull')]);
  assert.ok(replaced.includes('references: [id], onDelete: SetNull)'));

  const bare = 'x @relation';
  assert.deepEqual(
    setAttributeArgument(bare, { file: 'f', start: 2, end: 11 }, 'onDelete', 'Cascade').newText,
    '(onDelete: Cascade)',
  );
  const empty = 'x @relation()';
  assert.equal(
    applyEdits(empty, [setAttributeArgument(empty, { file: 'f', start: 2, end: 13 }, 'name', '"a"')]),
    'x @relation(name: "a")',
  );
  assert.equal(
    fieldAttributeRange('a Int @default("@relation")', { file: 'f', start: 0, end: 27 }, 'relation'),
    undefined,
  );
});

test('prismaFieldNames maps columns back to the fields that wrote them', () => {
  const text = `${DS}\nmodel Post {\n  id       Int @id\n  authorId Int @map("author_id")\n  tags     Tag[]\n}\n\nmodel Tag {\n  id    Int    @id\n  posts Post[]\n}\n`;
  const m = model(text);
  const post = m.tables.get('public.Post')!;
  assert.deepEqual(prismaFieldNames(post, ['author_id', 'id']), ['authorId', 'id']);
  assert.equal(prismaFieldNames(post, ['nope']), undefined);
  assert.equal(prismaFieldNames(m.tables.get('public._PostToTag')!, ['A']), undefined);
});

test('the package.json of a schema: the nearest one at or above its folder that depends on Prisma', () => {
  assert.deepEqual(packageJsonsAbove('apps/api/prisma'), [
    'apps/api/prisma/package.json',
    'apps/api/package.json',
    'apps/package.json',
    'package.json',
  ]);
  assert.deepEqual(packageJsonsAbove(''), ['package.json']);
  assert.equal(dependsOnPrisma('{ "devDependencies": { "prisma": "latest" } }'), true);
  assert.equal(dependsOnPrisma('{ "dependencies": { "next": "15.0.0" } }'), false);
  assert.equal(dependsOnPrisma('not json'), false);
  const disk: Record<string, string> = {
    'package.json': '{ "devDependencies": { "prisma": "^6.19.0" } }',
    'apps/api/package.json': '{ "dependencies": { "@prisma/client": "5.22.0" } }',
    'apps/web/package.json': '{ "dependencies": { "next": "15.0.0" } }',
  };
  const asked: string[] = [];
  const found = prismaPackageJsons(
    [
      'apps/api/prisma/schema.prisma',
      'apps/api/prisma/migrations/20250101000000_init/migration.sql',
      'apps/web/prisma/schema/user.prisma',
      'apps/web/prisma/schema/post.prisma',
    ],
    (path) => {
      asked.push(path);
      return disk[path];
    },
  );
  assert.deepEqual(
    found.map((f) => f.path),
    ['apps/api/package.json', 'package.json'],
  );
  assert.equal(new Set(asked).size, asked.length, 'each candidate is read once');
});
