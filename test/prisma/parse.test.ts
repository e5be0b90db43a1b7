import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPrismaParser, parsePrisma, type PrismaBlock } from '../../server/src/engine/parse/prisma';

before(() => loadPrismaParser());

function block(text: string, name: string): PrismaBlock {
  const b = parsePrisma(text).ast.blocks.find((x) => x.name === name);
  assert.ok(b, `block ${name}`);
  return b;
}

const SCHEMA = `datasource db {
  provider = "postgresql"
}

/// A post.
model Post {
  id       Int      @id @default(autoincrement())
  title    String   @db.VarChar(200) // trailing comment
  author   User?    @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId Int?
  tags     String[]
  vector   Unsupported("vector(3)")?

  @@index([authorId, title(sort: Desc)], type: BTree, map: "post_author")
  @@map("posts")
}

enum Role {
  ADMIN @map("admin")
  USER
}
`;

test('blocks, fields, attributes and values, each with its range', () => {
  const { ast, errors } = parsePrisma(SCHEMA);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    ast.blocks.map((b) => `${b.kind} ${b.name}`),
    ['datasource db', 'model Post', 'enum Role'],
  );
  const post = block(SCHEMA, 'Post');
  assert.ok(SCHEMA.slice(post.start, post.end).startsWith('model Post {'));
  assert.ok(SCHEMA.slice(post.start, post.end).endsWith('@@map("posts")\n}'));
  assert.equal(SCHEMA.slice(post.nameRange.start, post.nameRange.end), 'Post');

  const [id, title, author, authorId, tags, vector] = post.fields;
  assert.equal(SCHEMA.slice(id.start, id.end), 'id       Int      @id @default(autoincrement())');
  assert.equal(
    SCHEMA.slice(title.start, title.end),
    'title    String   @db.VarChar(200)',
    'no trailing comment',
  );
  assert.equal(SCHEMA.slice(title.typeRange.start, title.typeRange.end), 'String');
  assert.deepEqual(
    title.attributes.map((a) => [a.name, SCHEMA.slice(a.start, a.end)]),
    [['db.VarChar', '@db.VarChar(200)']],
  );
  assert.equal(author.type, 'User');
  assert.equal(author.optional, true);
  const relation = author.attributes[0];
  assert.deepEqual(
    relation.args.map((a) => [a.name, SCHEMA.slice(a.value.start, a.value.end)]),
    [
      ['fields', '[authorId]'],
      ['references', '[id]'],
      ['onDelete', 'Cascade'],
    ],
  );
  assert.equal(authorId.optional, true);
  assert.equal(tags.list, true);
  assert.equal(SCHEMA.slice(tags.start, tags.end), 'tags     String[]');
  assert.equal(vector.type, 'Unsupported');
  assert.deepEqual(
    vector.typeArgs?.map((a) => a.value),
    [
      {
        kind: 'string',
        value: 'vector(3)',
        start: SCHEMA.indexOf('"vector(3)"'),
        end: SCHEMA.indexOf('"vector(3)"') + 11,
      },
    ],
  );
  assert.equal(SCHEMA.slice(vector.start, vector.end), 'vector   Unsupported("vector(3)")?');

  const [index, map] = post.attributes;
  assert.equal(index.block, true);
  assert.equal(
    SCHEMA.slice(index.start, index.end),
    '@@index([authorId, title(sort: Desc)], type: BTree, map: "post_author")',
  );
  const fields = index.args[0].value;
  assert.equal(fields.kind, 'array');
  if (fields.kind === 'array') {
    assert.deepEqual(
      fields.items.map((i) =>
        i.kind === 'function' ? `${i.name}(${i.args.map((a) => a.name).join()})` : i.kind,
      ),
      ['identifier', 'title(sort)'],
    );
  }
  assert.equal(map.name, 'map');

  const role = block(SCHEMA, 'Role');
  assert.deepEqual(
    role.values.map((v) => SCHEMA.slice(v.start, v.end)),
    ['ADMIN @map("admin")', 'USER'],
  );
  const db = block(SCHEMA, 'db');
  assert.deepEqual(
    db.assignments.map((a) => [a.key, SCHEMA.slice(a.start, a.end)]),
    [['provider', 'provider = "postgresql"']],
  );
});

test('block comments (which Prisma accepts) are blanked with every offset kept', () => {
  const text = `/* a schema
   with { braces } in a comment */
model A { /* inline */
  id   Int    @id /* between */ @default(1)
  /* a whole
     line */
  name String // "unterminated in a comment
}
`;
  const { ast, errors } = parsePrisma(text);
  assert.deepEqual(errors, []);
  const a = ast.blocks[0];
  assert.deepEqual(
    a.fields.map((f) => text.slice(f.start, f.end)),
    ['id   Int    @id /* between */ @default(1)', 'name String'],
  );
  assert.deepEqual(
    a.fields[0].attributes.map((x) => text.slice(x.start, x.end)),
    ['@id', '@default(1)'],
  );
});

test('trailing spaces, a comment after `{`, CRLF line ends', () => {
  const text = 'model A {   // the first model\r\n  id Int @id  \r\n  b  String? \r\n}\r\n';
  const { ast, errors } = parsePrisma(text);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    ast.blocks[0].fields.map((f) => text.slice(f.start, f.end)),
    ['id Int @id', 'b  String?'],
  );
});

test('offsets are UTF-16 offsets of the text', () => {
  const text =
    '// é€😀\nmodel Unicode {\n  id Int @id @default(0) /* 😀 */\n  name String @default("😀é")\n}\n';
  const { ast, errors } = parsePrisma(text);
  assert.deepEqual(errors, []);
  const [id, name] = ast.blocks[0].fields;
  assert.equal(text.slice(id.start, id.end), 'id Int @id @default(0)');
  assert.equal(text.slice(name.start, name.end), 'name String @default("😀é")');
  const def = name.attributes[0].args[0].value;
  assert.deepEqual(def.kind === 'string' && def.value, '😀é');
});

test('a syntax error is reported at its token, and the rest of the block still counts', () => {
  const text = `model A {
  id    Int    @id
  title String @default("x"
  body  String
  bad   Int    @@@
  ok    Boolean
}
`;
  const { ast, errors } = parsePrisma(text);
  assert.deepEqual(
    errors.map((e) => [e.message, text.slice(e.start, e.end)]),
    [
      ['Syntax error: expected `)`, found the end of the line', '"x"'],
      ['Syntax error: unexpected `@`', '@'],
    ],
  );
  assert.equal(errors[1].start, text.indexOf('@@@') + 2);
  assert.deepEqual(
    ast.blocks[0].fields.map((f) => f.name),
    ['id', 'body', 'ok'],
  );
});

test('one broken block does not lose the others', () => {
  const text = `model A {
  id Int @id
}

modle B {
  id Int @id
}

model C {
  id Int @id $
  name String
}

stray line here

model D {
  id Int @id
  s  String @default("unterminated)
  t  Int
}
}
`;
  const { ast, errors } = parsePrisma(text);
  assert.deepEqual(
    errors.map((e) => [e.message, text.slice(e.start, e.end)]),
    [
      ['Unknown block type `modle`: expected model, enum, view, type, datasource or generator', 'modle'],
      ["Unexpected character '$'", '$'],
      [
        'This line is not a valid definition: expected a block (model, enum, view, type, datasource or generator)',
        'stray line here',
      ],
      ['Unterminated string: the closing `"` is missing', '"unterminated)'],
      ['Unexpected `}`: no block is open here', '}'],
    ],
  );
  assert.deepEqual(
    ast.blocks.map((b) => `${b.name}: ${b.fields.map((f) => f.name).join(', ')}`),
    ['A: id', 'C: id, name', 'D: id, t'],
  );
});

test('a block without its closing brace ends where the next block starts', () => {
  const text = 'model A {\n  id Int @id\n  name String\n\nmodel B {\n  id Int @id\n}\n\nenum E {\n  X\n';
  const { ast, errors } = parsePrisma(text);
  assert.deepEqual(
    errors.map((e) => [e.message, text.slice(e.start, e.end)]),
    [
      ['The model `A` is missing its closing `}`', 'model A {'],
      ['The enum `E` is missing its closing `}`', 'enum E {'],
    ],
  );
  assert.deepEqual(
    ast.blocks.map((b) => `${b.name}: ${[...b.fields, ...b.values].map((f) => f.name).join(', ')}`),
    ['A: id, name', 'B: id', 'E: X'],
  );
});

test('an unterminated block comment is an error at its start', () => {
  const text = 'model A {\n  id Int @id\n}\n/* never closed\nmodel B {\n  id Int @id\n}\n';
  const { ast, errors } = parsePrisma(text);
  assert.deepEqual(
    errors.map((e) => [e.message, text.slice(e.start, e.end)]),
    [['Unterminated block comment: `*/` is missing', '/*']],
  );
  assert.deepEqual(
    ast.blocks.map((b) => b.name),
    ['A'],
  );
});

test('a name that is not ASCII is an error, as in Prisma', () => {
  const text = 'model Ünïcode {\n  id Int @id\n}\n';
  const { errors } = parsePrisma(text);
  assert.deepEqual(
    errors.map((e) => [e.message, text.slice(e.start, e.end)]),
    [["Unexpected character 'Ü'", 'Ü']],
  );
});

test('an empty file and a file of comments parse to nothing', () => {
  assert.deepEqual(parsePrisma('').ast.blocks, []);
  assert.deepEqual(parsePrisma('// nothing\n/* here */\n').errors, []);
});
