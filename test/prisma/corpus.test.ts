/**
 * Real Prisma schemas (shared/corpus): documenso's single file and formbricks' multi-file schema
 * parse without errors and build the model their migrations describe.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPrismaParser, parsePrisma } from '../../server/src/engine/parse/prisma';
import { loadSqlParser, parseSql } from '../../server/src/engine/parse/sql';
import { buildPrismaModel, type PrismaModelFile } from '../../server/src/engine/model/build-prisma';
import { buildSqlModel } from '../../server/src/engine/model/build-sql';
import type { Column, Constraint, SchemaModel, Table } from '../../server/src/engine/model/schema';
import { groupPrismaFiles } from '../../server/src/engine/prisma/group';
import { CORPUS } from '../support/corpus';

const DOCUMENSO = join(CORPUS, 'documenso', 'packages', 'prisma');
const FORMBRICKS = join(CORPUS, 'formbricks', 'packages', 'database');
const available = existsSync(DOCUMENSO) && existsSync(FORMBRICKS);

before(async () => {
  await loadPrismaParser();
  await loadSqlParser();
});

function load(path: string, as: string): PrismaModelFile {
  const text = readFileSync(path, 'utf8');
  return { path: as, text, parsed: parsePrisma(text) };
}

function build(files: PrismaModelFile[]) {
  const internal: unknown[] = [];
  const result = buildPrismaModel(files, { onInternalError: (e) => internal.push(e) });
  assert.deepEqual(internal, []);
  return result;
}

function documenso() {
  return build([load(join(DOCUMENSO, 'schema.prisma'), 'packages/prisma/schema.prisma')]);
}

function formbricks() {
  const dir = join(FORMBRICKS, 'schema');
  return build(
    readdirSync(dir)
      .sort()
      .map((f) => load(join(dir, f), `packages/database/schema/${f}`)),
  );
}

test('documenso: parses and builds without errors', { skip: !available }, () => {
  const { model, errors, info } = documenso();
  assert.deepEqual(errors, []);
  assert.deepEqual(info, { relationMode: 'foreignKeys', previewFeatures: [], provider: 'postgresql' });
  assert.ok(model.tables.size > 40);
  const user = model.tables.get('public.User')!;
  assert.deepEqual(user.prisma, { model: 'User' });
  const id = user.columns.find((c) => c.name === 'id')!;
  assert.equal(id.identity, 'by default');
  assert.equal(id.type.name, 'int4');
  const avatar = user.constraints.find((c) => c.name === 'User_avatarImageId_fkey')!;
  assert.equal(avatar.onDelete, 'set null');
  assert.deepEqual(avatar.references, { table: { schema: 'public', name: 'AvatarImage' }, columns: ['id'] });
  assert.deepEqual(model.indexes.get('public.User_email_idx')?.elements, [{ column: 'email' }]);
  assert.equal(model.indexes.get('public.User_email_key')?.unique, true);
  const roles = user.columns.find((c) => c.name === 'roles')!;
  assert.deepEqual(
    [roles.type.name, roles.type.arrayDims, roles.default],
    ['Role', 1, `ARRAY['USER']::"Role"[]`],
  );
  assert.equal(user.columns.find((c) => c.name === 'updatedAt')?.prisma?.updatedAt, true);
  assert.deepEqual(model.enums.get('public.Role')?.values, ['ADMIN', 'USER']);
});

test('documenso: the model is what its 160 Prisma migrations created', { skip: !available }, () => {
  const fromPrisma = documenso().model;
  const dir = join(DOCUMENSO, 'migrations');
  const migrations = readdirSync(dir)
    .sort()
    .map((d) => join(dir, d, 'migration.sql'))
    .filter(existsSync);
  assert.ok(migrations.length > 150);
  const fromSql = buildSqlModel(
    migrations.map((path) => ({ path, parsed: parseSql(readFileSync(path, 'utf8')) })),
  );
  // Folder.id and Webhook.id went from serial to cuid (ALTER … TYPE text, then a new DEFAULT): the
  // SQL model no longer calls them serials either.
  assert.deepEqual(compare(fromPrisma, fromSql), []);
});

/** What differs between the Prisma model and the SQL model (names, types, keys, indexes, actions). */
function compare(prisma: SchemaModel, sql: SchemaModel): string[] {
  const out: string[] = [];
  const norm = (s: string) =>
    s
      .replace(/::[^\s,)]+/g, '')
      .replace(/"public"\./g, '')
      .replace(/ \[\]/g, '');
  for (const [k, t] of prisma.tables) {
    const u = sql.tables.get(k);
    if (!u) {
      out.push(`table ${k} missing in SQL`);
      continue;
    }
    const names = (cs: { name: string }[]) => cs.map((c) => c.name).sort();
    if (names(t.columns).join() !== names(u.columns).join()) out.push(`columns ${t.name}`);
    for (const c of t.columns) {
      const d = u.columns.find((x) => x.name === c.name);
      if (!d) continue;
      const ta = `${c.type.name}(${c.type.modifiers})${c.type.arrayDims}`;
      const tb = `${d.type.name}(${d.type.modifiers})${d.type.arrayDims}`;
      if (ta !== tb) out.push(`type ${t.name}.${c.name}: prisma ${ta} sql ${tb}`);
      if (c.notNull !== d.notNull) out.push(`not null ${t.name}.${c.name}`);
      const da = c.identity ? 'serial' : norm(c.default ?? '-');
      const db = d.serial ? 'serial' : norm(d.default ?? '-');
      if (da !== db) out.push(`default ${t.name}.${c.name}: prisma ${da} sql ${db}`);
    }
    for (const c of t.constraints) {
      const d = u.constraints.find((x) => x.name === c.name && x.kind === c.kind);
      if (!d) {
        out.push(`${c.kind} ${c.name} missing in SQL`);
        continue;
      }
      if (c.columns.join() !== d.columns.join()) out.push(`columns of ${c.name}`);
      if (c.kind === 'foreign key') {
        if ((c.onDelete ?? c.impliedOnDelete) !== d.onDelete) out.push(`on delete of ${c.name}`);
        if ((c.onUpdate ?? c.impliedOnUpdate) !== d.onUpdate) out.push(`on update of ${c.name}`);
        if (JSON.stringify(c.references) !== JSON.stringify(d.references))
          out.push(`references of ${c.name}`);
      }
    }
    if (u.constraints.length !== t.constraints.length) out.push(`constraint count of ${t.name}`);
  }
  for (const k of sql.tables.keys()) if (!prisma.tables.has(k)) out.push(`table ${k} missing in Prisma`);
  for (const [k, i] of prisma.indexes) {
    const j = sql.indexes.get(k);
    if (!j) out.push(`index ${k} missing in SQL`);
    else if (
      JSON.stringify([i.elements, i.unique, i.method]) !== JSON.stringify([j.elements, j.unique, j.method])
    ) {
      out.push(`index ${k} differs`);
    }
  }
  for (const k of sql.indexes.keys()) if (!prisma.indexes.has(k)) out.push(`index ${k} missing in Prisma`);
  // Values as sets: ALTER TYPE … ADD VALUE appends, where the schema may list a value elsewhere.
  for (const [k, e] of prisma.enums) {
    const values = (v: string[] | undefined) => JSON.stringify([...(v ?? [])].sort());
    if (values(sql.enums.get(k)?.values) !== values(e.values)) out.push(`enum ${k}`);
  }
  return out.sort();
}

test('formbricks: the multi-file schema is one group and one model', { skip: !available }, () => {
  const dir = join(FORMBRICKS, 'schema');
  const files = readdirSync(dir).map((f) => ({
    path: `packages/database/schema/${f}`,
    text: readFileSync(join(dir, f), 'utf8'),
  }));
  const groups = groupPrismaFiles(files);
  assert.deepEqual(
    groups.map((g) => g.files),
    [['packages/database/schema/main.prisma', 'packages/database/schema/workflows.prisma']],
  );
  const { model, errors, info } = formbricks();
  assert.deepEqual(errors, []);
  assert.deepEqual(info, {
    relationMode: 'foreignKeys',
    previewFeatures: ['postgresqlExtensions'],
    provider: 'postgresql',
  });
  assert.deepEqual(model.extensions, new Set(['vector']));
  // A model of workflows.prisma that points at one of main.prisma.
  const workflow = [...model.tables.values()].find((t) => t.prisma?.model === 'Workflow')!;
  assert.equal(workflow.origin.range.file, 'packages/database/schema/workflows.prisma');
  assert.deepEqual(
    workflow.columns.slice(0, 3).map((c) => c.name),
    ['id', 'created_at', 'updated_at'],
    '@map(name: …)',
  );
  const created = workflow.columns.find((c) => c.name === 'created_at')!;
  assert.equal(created.prisma?.field, 'createdAt');
  const workspace = workflow.constraints.find(
    (c) => c.kind === 'foreign key' && c.columns[0] === 'workspaceId',
  )!;
  assert.equal(workspace.name, 'Workflow_workspaceId_fkey');
  assert.equal(workspace.onDelete, 'cascade');
  assert.equal(
    model.tables.get(`public.${workspace.references!.table.name}`)?.origin.range.file,
    'packages/database/schema/main.prisma',
  );
  assert.equal(model.enums.get('public.WorkflowStatus')?.values.join(), 'draft,enabled,disabled,archived');
  // Prisma's cut of a long default name, as its migration created it.
  assert.ok(model.indexes.has('public.FeedbackSourceFormbricksMapping_workspaceId_feedback_source_key'));
});

test(
  'formbricks: every table, column and foreign key of the schema is in its migrations',
  { skip: !available },
  () => {
    const fromPrisma = formbricks().model;
    const dir = join(FORMBRICKS, 'migration');
    const migrations = readdirSync(dir)
      .sort()
      .map((d) => join(dir, d, 'migration.sql'))
      .filter(existsSync);
    const fromSql = buildSqlModel(
      migrations.map((path) => ({ path, parsed: parseSql(readFileSync(path, 'utf8')) })),
    );
    let fks = 0;
    for (const [k, t] of fromPrisma.tables) {
      const u: Table | undefined = fromSql.tables.get(k);
      if (!u) assert.fail(`${k} missing in SQL`);
      for (const c of t.columns) {
        const d: Column | undefined = u.columns.find((x) => x.name === c.name);
        if (!d) assert.fail(`${k}.${c.name} missing in SQL`);
        assert.equal(
          `${c.type.name}(${c.type.modifiers})`,
          `${d.type.name}(${d.type.modifiers})`,
          `${k}.${c.name}`,
        );
      }
      for (const c of t.constraints.filter((x) => x.kind === 'foreign key')) {
        // Foreign keys are matched by columns: a few were renamed by hand-written migrations.
        const d: Constraint | undefined = u.constraints.find(
          (x) => x.kind === 'foreign key' && x.columns.join() === c.columns.join(),
        );
        if (!d) continue;
        fks++;
        assert.equal(c.onDelete ?? c.impliedOnDelete, d.onDelete, c.name);
      }
    }
    assert.ok(fks > 80, `${fks} foreign keys compared`);
  },
);
