import { primaryKeyType } from '../../server/src/engine/rules/primary-key-type';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = (...models: string[]) => [DATASOURCE, ...models].join('\n');

prismaRuleTester(primaryKeyType, {
  valid: [
    schema(`model User {
  id    BigInt @id @default(autoincrement())
  email String @unique
}
`),
    {
      name: 'uuid keys in a uuid column; cuid keys are not UUIDs',
      code: schema(`model Team {
  id   String @id @default(uuid()) @db.Uuid
  name String
}

model Document {
  id    String @id @default(cuid())
  title String
}
`),
    },
    {
      name: 'a hand-numbered SmallInt code table, a compound key',
      code: schema(`model Country {
  code Int    @id @db.SmallInt
  name String
}

model OrderLine {
  orderId BigInt
  lineNo  Int

  @@id([orderId, lineNo])
}
`),
    },
  ],
  invalid: [
    {
      code: schema(
        `model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  posts Post[]
}
`,
        `model Post {
  id       BigInt @id @default(autoincrement())
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId Int    @map("author_id")
  title    String

  @@index([authorId])
}
`,
      ),
      errors: [
        { message: 'Primary key User.id uses Int, which runs out at 2,147,483,647', text: 'Int', line: 6 },
      ],
      output: schema(
        `model User {
  id    BigInt @id @default(autoincrement())
  email String @unique
  posts Post[]
}
`,
        `model Post {
  id       BigInt @id @default(autoincrement())
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt @map("author_id")
  title    String

  @@index([authorId])
}
`,
      ),
      fixes: [
        {
          title: 'Change User.id to BigInt (and 1 referencing field)',
          output: schema(
            `model User {
  id    BigInt @id @default(autoincrement())
  email String @unique
  posts Post[]
}
`,
            `model Post {
  id       BigInt @id @default(autoincrement())
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt @map("author_id")
  title    String

  @@index([authorId])
}
`,
          ),
        },
      ],
    },
    {
      name: 'UUIDs kept in text: the key and the fields that reference it get @db.Uuid',
      code: schema(
        `model Team {
  id      String   @id @default(uuid())
  name    String
  members Member[]
}
`,
        `model Member {
  id     BigInt @id @default(autoincrement())
  team   Team   @relation(fields: [teamId], references: [id], onDelete: Cascade)
  teamId String @db.VarChar(36)

  @@index([teamId])
}
`,
      ),
      errors: [{ message: 'Primary key Team.id stores UUIDs as String' }],
      output: schema(
        `model Team {
  id      String   @id @default(uuid()) @db.Uuid
  name    String
  members Member[]
}
`,
        `model Member {
  id     BigInt @id @default(autoincrement())
  team   Team   @relation(fields: [teamId], references: [id], onDelete: Cascade)
  teamId String @db.Uuid

  @@index([teamId])
}
`,
      ),
    },
    {
      name: 'an implicit many-to-many follows the key by itself',
      code: schema(`model Post {
  id   Int   @id @default(autoincrement())
  tags Tag[]
}

model Tag {
  id    BigInt @id @default(autoincrement())
  posts Post[]
}
`),
      errors: [{ message: 'Primary key Post.id uses Int, which runs out at 2,147,483,647' }],
      output: schema(`model Post {
  id   BigInt @id @default(autoincrement())
  tags Tag[]
}

model Tag {
  id    BigInt @id @default(autoincrement())
  posts Post[]
}
`),
    },
  ],
});
