import { tableWithoutPrimaryKey } from '../../server/src/engine/rules/table-without-primary-key';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = (...models: string[]) => [DATASOURCE, ...models].join('\n');

const postAndTag = (join: 'Tag[]' | 'PostTag[]') =>
  join === 'Tag[]'
    ? `model Post {
  id   BigInt @id @default(autoincrement())
  tags Tag[]
}

model Tag {
  id    BigInt @id @default(autoincrement())
  posts Post[]
}
`
    : `model Post {
  id   BigInt    @id @default(autoincrement())
  tags PostTag[]
}

model Tag {
  id    BigInt    @id @default(autoincrement())
  posts PostTag[]
}
`;

const prisma5 = { 'package.json': '{\n  "devDependencies": {\n    "prisma": "^5.22.0"\n  }\n}\n' };

prismaRuleTester(tableWithoutPrimaryKey, {
  valid: [
    schema(`model User {
  id    BigInt @id @default(autoincrement())
  email String @unique
}
`),
    {
      name: 'a compound @@id',
      code: schema(
        postAndTag('PostTag[]'),
        `model PostTag {
  post   Post   @relation(fields: [postId], references: [id], onDelete: Cascade)
  postId BigInt
  tag    Tag    @relation(fields: [tagId], references: [id], onDelete: Cascade)
  tagId  BigInt

  @@id([postId, tagId])
  @@index([tagId])
}
`,
      ),
    },
    {
      name: 'a natural key under another name',
      code: schema(`model Currency {
  code String @id @db.Char(3)
  name String
}
`),
    },
    {
      name: 'an implicit many-to-many on Prisma 6: (A, B) is the key of _PostToTag',
      code: schema(postAndTag('Tag[]')),
      files: { 'package.json': '{ "dependencies": { "@prisma/client": "^6.1.0" } }' },
    },
  ],
  invalid: [
    {
      code: schema(`model AuditLog {
  action String
  at     DateTime @db.Timestamptz(3)
  key    String   @unique
}
`),
      errors: [{ message: 'Model AuditLog has no primary key (@id or @@id)', line: 5, column: 1 }],
      output: schema(`model AuditLog {
  id     BigInt   @id @default(autoincrement())
  action String
  at     DateTime @db.Timestamptz(3)
  key    String   @unique
}
`),
      fixes: [
        {
          title: 'Add field AuditLog.id BigInt @id @default(autoincrement())',
          output: schema(`model AuditLog {
  id     BigInt   @id @default(autoincrement())
  action String
  at     DateTime @db.Timestamptz(3)
  key    String   @unique
}
`),
        },
      ],
    },
    {
      name: 'a join model: its @@unique becomes the @@id',
      code: schema(
        postAndTag('PostTag[]'),
        `model PostTag {
  post   Post   @relation(fields: [postId], references: [id], onDelete: Cascade)
  postId BigInt
  tag    Tag    @relation(fields: [tagId], references: [id], onDelete: Cascade)
  tagId  BigInt

  @@unique([postId, tagId])
  @@index([tagId])
}
`,
      ),
      errors: [{ message: 'Model PostTag has no primary key (@id or @@id)' }],
      output: schema(
        postAndTag('PostTag[]'),
        `model PostTag {
  post   Post   @relation(fields: [postId], references: [id], onDelete: Cascade)
  postId BigInt
  tag    Tag    @relation(fields: [tagId], references: [id], onDelete: Cascade)
  tagId  BigInt

  @@id([postId, tagId])
  @@index([tagId])
}
`,
      ),
    },
    {
      name: 'an id field that is only @unique is promoted',
      code: schema(`model Device {
  id     String @unique @map("device_id")
  serial String

  @@map("devices")
}
`),
      errors: [{ message: 'Model Device has no primary key (@id or @@id)' }],
      output: schema(`model Device {
  id     String @id @map("device_id")
  serial String

  @@map("devices")
}
`),
    },
    {
      name: 'an implicit many-to-many on Prisma 5: a unique index, no key; no fix in the schema',
      code: schema(postAndTag('Tag[]')),
      files: prisma5,
      errors: [
        {
          message:
            'Table _PostToTag of the implicit many-to-many relation Post.tags has no primary key: Prisma 5 keys it with a unique index only (Prisma 6 and later make (A, B) its primary key)',
          text: 'tags Tag[]',
        },
      ],
      output: null,
    },
  ],
});
