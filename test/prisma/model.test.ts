import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPrismaParser, parsePrisma } from '../../server/src/engine/parse/prisma';
import { loadSqlParser } from '../../server/src/engine/parse/sql';
import {
  buildPrismaModel,
  truncatedName,
  type PrismaBuildResult,
} from '../../server/src/engine/model/build-prisma';
import type { Column, Constraint, Index, SchemaModel, Table } from '../../server/src/engine/model/schema';
import type { SourceRange } from '../../server/src/engine/findings';

before(async () => {
  await loadPrismaParser();
  await loadSqlParser();
});

const DATASOURCE = 'datasource db {\n  provider = "postgresql"\n}\n\n';

interface Built extends PrismaBuildResult {
  text: string;
  slice(range: SourceRange): string;
}

function build(schema: string, options: { prismaMajor?: number; datasource?: string } = {}): Built {
  const text = (options.datasource ?? DATASOURCE) + schema;
  const internal: unknown[] = [];
  const result = buildPrismaModel([{ path: 'schema.prisma', text, parsed: parsePrisma(text) }], {
    ...(options.prismaMajor !== undefined ? { prismaMajor: options.prismaMajor } : {}),
    onInternalError: (e) => internal.push(e),
  });
  assert.deepEqual(internal, [], 'no internal errors');
  return {
    ...result,
    text,
    slice: (r) => {
      assert.equal(r.file, 'schema.prisma');
      return text.slice(r.start, r.end);
    },
  };
}

function table(model: SchemaModel, name: string, schema = 'public'): Table {
  const t = model.tables.get(`${schema}.${name}`);
  assert.ok(t, `table ${schema}.${name} (have ${[...model.tables.keys()].join(', ')})`);
  return t;
}

function column(t: Table, name: string): Column {
  const c = t.columns.find((x) => x.name === name);
  assert.ok(c, `column ${t.name}.${name} (have ${t.columns.map((x) => x.name).join(', ')})`);
  return c;
}

function index(model: SchemaModel, name: string, schema = 'public'): Index {
  const i = model.indexes.get(`${schema}.${name}`);
  assert.ok(i, `index ${name} (have ${[...model.indexes.keys()].join(', ')})`);
  return i;
}

function fk(t: Table, name: string): Constraint {
  const c = t.constraints.find((x) => x.kind === 'foreign key' && x.name === name);
  assert.ok(c, `foreign key ${name} (have ${t.constraints.map((x) => x.name).join(', ')})`);
  return c;
}

const BLOG = `model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  name      String?
  posts     Post[]
  createdAt DateTime @default(now()) @map("created_at")
  updatedAt DateTime @updatedAt @map("updated_at")

  @@map("users")
}

model Post {
  id       String  @id @default(cuid())
  title    String  @db.VarChar(200)
  price    Float
  total    Decimal
  exact    Decimal @db.Decimal(12, 2)
  at       DateTime @db.Timestamptz(6)
  data     Json
  blob     Bytes
  big      BigInt
  flag     Boolean @default(false)
  author   User    @relation(fields: [authorId], references: [id])
  authorId Int

  @@index([authorId])
}
`;

test('models → tables (@@map), fields → columns (@map), with origins in the schema', () => {
  const b = build(BLOG);
  const users = table(b.model, 'users');
  assert.deepEqual(users.prisma, { model: 'User' });
  assert.ok(b.slice(users.origin.range).startsWith('model User {'));
  assert.ok(b.slice(users.origin.range).endsWith('@@map("users")\n}'));
  assert.deepEqual(users.origin.statement, users.origin.range);
  assert.deepEqual(
    users.columns.map((c) => c.name),
    ['id', 'email', 'name', 'created_at', 'updated_at'],
    'relation fields are no columns; @map names the column',
  );
  const created = column(users, 'created_at');
  assert.equal(b.slice(created.origin.range), 'createdAt DateTime @default(now()) @map("created_at")');
  assert.equal(b.slice(created.nameRange), 'createdAt');
  assert.equal(b.slice(created.type.range!), 'DateTime');
  assert.deepEqual(created.prisma?.model, 'User');
  assert.deepEqual(created.prisma?.field, 'createdAt');
  assert.deepEqual(b.model.schemas, new Set(['public']));
});

test('scalar types → PostgreSQL types; @db.* native types win', () => {
  const b = build(BLOG);
  const post = table(b.model, 'Post');
  const types = Object.fromEntries(
    post.columns.map((c) => [c.name, `${c.type.name}(${c.type.modifiers.join(',')}) ${c.type.written}`]),
  );
  assert.deepEqual(types, {
    id: 'text() String',
    title: 'varchar(200) String @db.VarChar(200)',
    price: 'float8() Float',
    total: 'numeric(65,30) Decimal',
    exact: 'numeric(12,2) Decimal @db.Decimal(12, 2)',
    at: 'timestamptz(6) DateTime @db.Timestamptz(6)',
    data: 'jsonb() Json',
    blob: 'bytea() Bytes',
    big: 'int8() BigInt',
    flag: 'bool() Boolean',
    authorId: 'int4() Int',
  });
  assert.deepEqual(
    column(table(b.model, 'users'), 'created_at').type.modifiers,
    [3],
    'DateTime → timestamp(3)',
  );
  const title = column(post, 'title');
  assert.equal(title.prisma?.nativeType?.name, 'VarChar');
  assert.deepEqual(title.prisma?.nativeType?.args, ['200']);
  assert.equal(b.slice(title.prisma!.nativeType!.range), '@db.VarChar(200)');
});

test('NOT NULL from `?`; lists are arrays (nullable, as Prisma creates them)', () => {
  const b = build(`model A {
  id    Int      @id
  must  String
  may   String?
  tags  String[]
  nums  Int[]    @default([1, 2])
}
`);
  const a = table(b.model, 'A');
  assert.deepEqual(
    a.columns.map((c) => [c.name, c.notNull, c.type.arrayDims]),
    [
      ['id', true, 0],
      ['must', true, 0],
      ['may', false, 0],
      ['tags', false, 1],
      ['nums', false, 1],
    ],
  );
  assert.equal(column(a, 'nums').default, 'ARRAY[1, 2]::int4[]');
  assert.ok(column(a, 'nums').defaultNode?.TypeCast);
});

test('@id and @@id → primary keys named <table>_pkey, with their index', () => {
  const b = build(`model A {
  id Int @id
}

model B {
  x Int
  y String

  @@id([x, y])
}

model C {
  id Int @id(map: "c_primary")
}
`);
  const a = table(b.model, 'A');
  const pk = a.constraints.find((c) => c.kind === 'primary key')!;
  assert.equal(pk.name, 'A_pkey');
  assert.equal(pk.named, false);
  assert.deepEqual(pk.columns, ['id']);
  assert.equal(pk.inline, true);
  assert.equal(b.slice(pk.origin.range), '@id');
  assert.deepEqual(pk.prisma, { model: 'A', field: 'id' });
  assert.equal(index(b.model, 'A_pkey').constraint, 'A_pkey');

  const bpk = table(b.model, 'B').constraints.find((c) => c.kind === 'primary key')!;
  assert.equal(bpk.name, 'B_pkey');
  assert.deepEqual(bpk.columns, ['x', 'y']);
  assert.equal(bpk.inline, false);
  assert.equal(b.slice(bpk.origin.range), '@@id([x, y])');
  assert.ok(table(b.model, 'B').columns.every((c) => c.notNull));

  const cpk = table(b.model, 'C').constraints.find((c) => c.kind === 'primary key')!;
  assert.equal(cpk.name, 'c_primary');
  assert.equal(cpk.named, true);
});

test('@unique and @@unique → unique indexes named <table>_<columns>_key (Prisma creates indexes)', () => {
  const b = build(`model A {
  id    Int    @id
  email String @unique @map("e_mail")
  org   Int
  slug  String

  @@unique([org, slug])
  @@unique([slug, org], map: "a_slug_org")
}
`);
  const a = table(b.model, 'A');
  assert.deepEqual(
    a.constraints.map((c) => c.kind),
    ['primary key'],
    'no unique constraints',
  );
  const email = index(b.model, 'A_e_mail_key');
  assert.equal(email.unique, true);
  assert.deepEqual(email.elements, [{ column: 'e_mail' }]);
  assert.equal(b.slice(email.origin.range), '@unique');
  assert.deepEqual(email.prisma, { model: 'A', field: 'email' });
  const composite = index(b.model, 'A_org_slug_key');
  assert.deepEqual(composite.elements, [{ column: 'org' }, { column: 'slug' }]);
  assert.equal(b.slice(composite.origin.range), '@@unique([org, slug])');
  assert.ok(b.slice(composite.origin.statement).startsWith('model A {'));
  assert.equal(index(b.model, 'a_slug_org').unique, true);
});

test('@@index with type:, sort:, ops:, map: and where:', () => {
  const b = build(
    `model A {
  id        Int       @id
  authorId  Int       @map("author_id")
  createdAt DateTime
  title     String
  meta      Json
  deletedAt DateTime? @map("deleted_at")
  status    String

  @@index([authorId])
  @@index([authorId, createdAt(sort: Desc)], map: "a_recent")
  @@index([title(ops: raw("gin_trgm_ops"))], type: Gin)
  @@index([meta(ops: JsonbPathOps)], type: Gin)
  @@index([status], type: Hash)
  @@unique([title], where: { deletedAt: null })
  @@index([status], where: raw("status <> 'done'"), map: "a_open")
  @@index(fields: [createdAt], where: { deletedAt: { not: null }, status: "x" }, map: "a_deleted")
}
`,
    {
      datasource: `${DATASOURCE}generator client {\n  provider = "prisma-client"\n  previewFeatures = ["partialIndexes"]\n}\n\n`,
    },
  );
  const plain = index(b.model, 'A_author_id_idx');
  assert.equal(b.slice(plain.origin.range), '@@index([authorId])');
  assert.deepEqual(plain.elements, [{ column: 'author_id' }]);
  assert.equal(plain.method, 'btree');
  assert.equal(plain.unique, false);
  assert.equal(plain.predicateNode, undefined);
  assert.deepEqual(index(b.model, 'a_recent').elements, [
    { column: 'author_id' },
    { column: 'createdAt', descending: true },
  ]);
  const trgm = index(b.model, 'A_title_idx');
  assert.equal(trgm.method, 'gin');
  assert.deepEqual(trgm.elements, [{ column: 'title', opclass: 'gin_trgm_ops' }]);
  assert.deepEqual(index(b.model, 'A_meta_idx').elements, [{ column: 'meta', opclass: 'jsonb_path_ops' }]);
  assert.equal(index(b.model, 'A_status_idx').method, 'hash');

  const partialUnique = index(b.model, 'A_title_key');
  assert.equal(partialUnique.predicateText, '"deleted_at" IS NULL');
  assert.equal(partialUnique.predicateNode?.NullTest?.nulltesttype, 'IS_NULL');
  const open = index(b.model, 'a_open');
  assert.equal(open.predicateText, "status <> 'done'");
  assert.ok(open.predicateNode?.A_Expr);
  const deleted = index(b.model, 'a_deleted');
  assert.equal(deleted.predicateText, '"deleted_at" IS NOT NULL AND "status" = \'x\'');
  assert.equal(deleted.predicateNode?.BoolExpr?.boolop, 'AND_EXPR');
  assert.deepEqual(b.info.previewFeatures, ['partialIndexes']);
});

test('@default: now() and literals become SQL defaults with PostgreSQL nodes', () => {
  const b = build(`enum Status {
  DRAFT
  LIVE  @map("live")
}

model A {
  id      Int      @id @default(autoincrement())
  at      DateTime @default(now())
  name    String   @default("it's")
  n       Int      @default(42)
  ok      Boolean  @default(true)
  status  Status   @default(LIVE)
  gen     String   @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  price   Decimal  @default(1.5)
}
`);
  const a = table(b.model, 'A');
  const defaults = Object.fromEntries(a.columns.map((c) => [c.name, c.default]));
  assert.deepEqual(defaults, {
    id: undefined,
    at: 'CURRENT_TIMESTAMP',
    name: "'it''s'",
    n: '42',
    ok: 'true',
    status: "'live'",
    gen: 'gen_random_uuid()',
    price: '1.5',
  });
  assert.equal(column(a, 'at').defaultNode?.SQLValueFunction?.op, 'SVFOP_CURRENT_TIMESTAMP');
  assert.equal(column(a, 'name').defaultNode?.A_Const?.sval?.sval, "it's");
  assert.equal(column(a, 'gen').defaultNode?.FuncCall?.funcname?.[0]?.String?.sval, 'gen_random_uuid');
  assert.equal(column(a, 'gen').type.name, 'uuid');
  const at = column(a, 'at');
  assert.deepEqual(
    { ...at.prisma!.default!, range: b.slice(at.prisma!.default!.range) },
    { expression: 'now()', function: 'now', client: false, range: '@default(now())' },
  );
  const status = column(a, 'status');
  assert.equal(status.type.name, 'Status');
  assert.equal(status.type.written, 'Status');
});

test('autoincrement() is an identity-like key; uuid()/cuid() are Prisma Client defaults', () => {
  const b = build(`model A {
  id    Int    @id @default(autoincrement())
  big   BigInt @default(autoincrement())
}

model B {
  id   String @id @default(uuid())
  cid  String @default(cuid(2))
  nano String @default(nanoid(10))
}
`);
  const a = table(b.model, 'A');
  assert.equal(column(a, 'id').identity, 'by default');
  assert.equal(column(a, 'id').default, undefined);
  assert.equal(column(a, 'id').prisma?.default?.function, 'autoincrement');
  assert.equal(column(a, 'big').identity, 'by default');
  const bt = table(b.model, 'B');
  for (const [name, fn, expression] of [
    ['id', 'uuid', 'uuid()'],
    ['cid', 'cuid', 'cuid(2)'],
    ['nano', 'nanoid', 'nanoid(10)'],
  ]) {
    const c = column(bt, name);
    assert.equal(c.default, undefined, `${name}: no database default`);
    assert.equal(c.defaultNode, undefined);
    assert.equal(c.prisma?.default?.client, true);
    assert.equal(c.prisma?.default?.function, fn);
    assert.equal(c.prisma?.default?.expression, expression);
  }
});

test('@updatedAt is recorded on the column', () => {
  const b = build(BLOG);
  const users = table(b.model, 'users');
  assert.equal(column(users, 'updated_at').prisma?.updatedAt, true);
  assert.equal(column(users, 'created_at').prisma?.updatedAt, undefined);
});

test('enums → enum types (@@map, @map on values, @@schema)', () => {
  const b = build(
    `enum Role {
  ADMIN @map("admin")
  USER

  @@map("role")
  @@schema("auth")
}

model A {
  id   Int  @id
  role Role @default(USER)

  @@schema("auth")
}
`,
    { datasource: 'datasource db {\n  provider = "postgresql"\n  schemas  = ["public", "auth"]\n}\n\n' },
  );
  const role = b.model.enums.get('auth.role');
  assert.ok(role);
  assert.deepEqual(role.values, ['admin', 'USER']);
  assert.deepEqual(role.prisma, { model: 'Role' });
  assert.ok(b.slice(role.origin.range).startsWith('enum Role {'));
  const a = table(b.model, 'A', 'auth');
  const c = column(a, 'role');
  assert.deepEqual([c.type.name, c.type.schema], ['role', 'auth']);
  assert.equal(c.default, "'USER'");
  assert.equal(index(b.model, 'A_pkey', 'auth').table.schema, 'auth');
  assert.deepEqual(b.model.schemas, new Set(['public', 'auth']));
});

test('relations → foreign keys, onDelete as written, the implied action apart', () => {
  const b = build(`model User {
  id       Int     @id
  posts    Post[]
  profile  Profile?
}

model Post {
  id       Int   @id
  author   User  @relation(fields: [authorId], references: [id])
  authorId Int   @map("author_id")
  editor   User? @relation("edits", fields: [editorId], references: [id], onDelete: Cascade, onUpdate: NoAction)
  editorId Int?
}

model Profile {
  id     Int  @id
  user   User @relation(fields: [userId], references: [id], map: "profile_user")
  userId Int  @unique
}
`);
  const post = table(b.model, 'Post');
  const author = fk(post, 'Post_author_id_fkey');
  assert.deepEqual(author.columns, ['author_id']);
  assert.deepEqual(author.references, { table: { schema: 'public', name: 'User' }, columns: ['id'] });
  assert.equal(author.onDelete, undefined, 'not written');
  assert.equal(author.onUpdate, undefined);
  assert.equal(author.impliedOnDelete, 'restrict', 'required relation: Restrict');
  assert.equal(author.impliedOnUpdate, 'cascade');
  assert.equal(author.notEnforced, undefined);
  assert.equal(
    b.slice(author.origin.range),
    'author   User  @relation(fields: [authorId], references: [id])',
  );
  assert.ok(b.slice(author.origin.statement).startsWith('model Post {'));
  assert.deepEqual(author.prisma, { model: 'Post', field: 'author' });

  const editor = fk(post, 'Post_editorId_fkey');
  assert.equal(editor.onDelete, 'cascade');
  assert.equal(editor.onUpdate, 'no action');
  assert.equal(editor.impliedOnDelete, 'set null', 'optional relation: SetNull');

  const profile = fk(table(b.model, 'Profile'), 'profile_user');
  assert.equal(profile.named, true);
  assert.equal(index(b.model, 'Profile_userId_key').unique, true, 'the one-to-one side is unique');
  assert.deepEqual(
    table(b.model, 'User').constraints.map((c) => c.kind),
    ['primary key'],
    'the back-relation side has no key',
  );
});

test('a self relation and a relation to a mapped, compound key', () => {
  const b = build(`model Node {
  id       Int    @id
  parentId Int?
  parent   Node?  @relation("tree", fields: [parentId], references: [id])
  children Node[] @relation("tree")
}

model Tenant {
  org  Int
  slug String @map("tenant_slug")
  docs Doc[]

  @@id([org, slug])
  @@map("tenants")
}

model Doc {
  id     Int    @id
  org    Int
  slug   String
  tenant Tenant @relation(fields: [org, slug], references: [org, slug], onDelete: Restrict)
}
`);
  const node = table(b.model, 'Node');
  const parent = fk(node, 'Node_parentId_fkey');
  assert.deepEqual(parent.references, { table: { schema: 'public', name: 'Node' }, columns: ['id'] });
  const tenant = fk(table(b.model, 'Doc'), 'Doc_org_slug_fkey');
  assert.deepEqual(tenant.references, {
    table: { schema: 'public', name: 'tenants' },
    columns: ['org', 'tenant_slug'],
  });
  assert.equal(tenant.onDelete, 'restrict');
  assert.equal(index(b.model, 'tenants_pkey').constraint, 'tenants_pkey');
});

test('implicit many-to-many → the _AToB join table as Prisma 6+ creates it', () => {
  const b = build(`model Post {
  id         Int        @id
  categories Category[]
}

model Category {
  id    String @id @db.Uuid
  posts Post[]
}
`);
  const join = table(b.model, '_CategoryToPost');
  assert.deepEqual(
    join.columns.map((c) => `${c.name} ${c.type.name} ${c.notNull}`),
    ['A uuid true', 'B int4 true'],
    'A is the model that sorts first (Category), B the other',
  );
  assert.deepEqual(join.prisma, { model: 'Category', field: 'posts', implicitManyToMany: true });
  assert.equal(b.slice(join.origin.range), 'posts Post[]');
  const a = fk(join, '_CategoryToPost_A_fkey');
  assert.deepEqual(a.references, { table: { schema: 'public', name: 'Category' }, columns: ['id'] });
  assert.equal(a.onDelete, 'cascade');
  assert.equal(a.onUpdate, 'cascade');
  const bKey = fk(join, '_CategoryToPost_B_fkey');
  assert.deepEqual(bKey.references, { table: { schema: 'public', name: 'Post' }, columns: ['id'] });
  assert.equal(b.slice(bKey.origin.range), 'categories Category[]');
  const pk = join.constraints.find((c) => c.kind === 'primary key')!;
  assert.equal(pk.name, '_CategoryToPost_AB_pkey');
  assert.deepEqual(pk.columns, ['A', 'B']);
  assert.deepEqual(index(b.model, '_CategoryToPost_B_index').elements, [{ column: 'B' }]);
  assert.equal(b.model.indexes.has('public._CategoryToPost_AB_unique'), false);
});

test('implicit many-to-many under Prisma 5: a unique index on (A, B) instead of a key', () => {
  const b = build(
    `model Post {
  id   Int   @id
  tags Tag[] @relation("PostTags")
}

model Tag {
  id    Int    @id
  posts Post[] @relation("PostTags")
}
`,
    { prismaMajor: 5 },
  );
  const join = table(b.model, '_PostTags');
  assert.deepEqual(
    join.constraints.map((c) => c.kind),
    ['foreign key', 'foreign key'],
  );
  const unique = index(b.model, '_PostTags_AB_unique');
  assert.equal(unique.unique, true);
  assert.deepEqual(unique.elements, [{ column: 'A' }, { column: 'B' }]);
  assert.ok(index(b.model, '_PostTags_B_index'));
  assert.equal(b.info.prismaMajor, 5);
});

test('a self many-to-many relation', () => {
  const b = build(`model User {
  id        Int    @id
  followers User[] @relation("follows")
  following User[] @relation("follows")
}
`);
  const join = table(b.model, '_follows');
  assert.deepEqual(
    join.constraints
      .filter((c) => c.kind === 'foreign key')
      .map((c) => `${c.columns[0]} → ${c.references!.table.name}`),
    ['A → User', 'B → User'],
  );
});

test('relationMode = "prisma": the foreign keys stay in the model, marked not enforced', () => {
  const b = build(
    `model User {
  id    Int    @id
  posts Post[]
}

model Post {
  id       Int  @id
  author   User @relation(fields: [authorId], references: [id])
  authorId Int
}
`,
    { datasource: 'datasource db {\n  provider     = "postgresql"\n  relationMode = "prisma"\n}\n\n' },
  );
  assert.equal(b.info.relationMode, 'prisma');
  assert.equal(b.model.prisma?.relationMode, 'prisma');
  const author = fk(table(b.model, 'Post'), 'Post_authorId_fkey');
  assert.equal(author.notEnforced, true);
  assert.equal(author.impliedOnDelete, 'restrict');
});

test('Unsupported types are read by PostgreSQL’s parser; views and extensions', () => {
  const b = build(
    `model Doc {
  id     Int                       @id
  search Unsupported("tsvector")?
  embed  Unsupported("vector(3)")
  tags   Unsupported("character varying(20)")[]
}

view Summary {
  id    Int @unique
  count Int
}
`,
    {
      datasource:
        'datasource db {\n  provider   = "postgresql"\n  extensions = [vector, uuid_ossp(map: "uuid-ossp")]\n}\n\n',
    },
  );
  const doc = table(b.model, 'Doc');
  assert.deepEqual(
    doc.columns.map((c) => `${c.name} ${c.type.name}(${c.type.modifiers}) ${c.type.arrayDims} ${c.notNull}`),
    ['id int4() 0 true', 'search tsvector() 0 false', 'embed vector(3) 0 true', 'tags varchar(20) 1 false'],
  );
  assert.ok(b.model.views.has('public.Summary'));
  assert.equal(b.model.tables.has('public.Summary'), false);
  assert.deepEqual(b.model.extensions, new Set(['vector', 'uuid-ossp']));
});

test('Prisma’s default names fit in 63 bytes the way Prisma cuts them', () => {
  assert.equal(truncatedName('Post', '_pkey'), 'Post_pkey');
  const long = `${'VeryLongModelName'.repeat(3)}_someColumnName_otherColumn`;
  const name = truncatedName(long, '_fkey');
  assert.equal(name.length, 63);
  assert.ok(name.endsWith('_fkey'));
  assert.equal(name, `${long.slice(0, 58)}_fkey`);
});

test('a multi-file schema is one model; syntax errors come back with their file', () => {
  const main = `${DATASOURCE}model User {\n  id    Int    @id\n  posts Post[]\n}\n`;
  const posts =
    'model Post {\n  id       Int  @id\n  author   User @relation(fields: [authorId], references: [id])\n  authorId Int\n  broken   Int @@\n}\n';
  const result = buildPrismaModel([
    { path: 'prisma/schema/main.prisma', text: main, parsed: parsePrisma(main) },
    { path: 'prisma/schema/posts.prisma', text: posts, parsed: parsePrisma(posts) },
  ]);
  const post = table(result.model, 'Post');
  const author = fk(post, 'Post_authorId_fkey');
  assert.equal(author.origin.range.file, 'prisma/schema/posts.prisma');
  assert.equal(table(result.model, 'User').origin.range.file, 'prisma/schema/main.prisma');
  assert.deepEqual(
    result.errors.map((e) => [e.file, posts.slice(e.start, e.end)]),
    [['prisma/schema/posts.prisma', '@@']],
  );
  assert.deepEqual(
    post.columns.map((c) => c.name),
    ['id', 'authorId'],
  );
});

test('what cannot be resolved is skipped quietly', () => {
  const b = build(`model A {
  id    Int     @id
  other Missing
  ref   Gone    @relation(fields: [refId], references: [id])
  refId Int
  @@index([nothere])
}
`);
  const a = table(b.model, 'A');
  assert.deepEqual(
    a.columns.map((c) => c.name),
    ['id', 'refId'],
  );
  assert.deepEqual(
    a.constraints.map((c) => c.kind),
    ['primary key'],
  );
  assert.deepEqual([...b.model.indexes.keys()], ['public.A_pkey'], 'no index on a field that is not there');
});
