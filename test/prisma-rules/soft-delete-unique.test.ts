import { softDeleteUnique } from '../../server/src/engine/rules/soft-delete-unique';
import { DATASOURCE, PARTIAL_INDEXES, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = (...models: string[]) => [DATASOURCE, ...models].join('\n');
const withPartialIndexes = (...models: string[]) => [PARTIAL_INDEXES, DATASOURCE, ...models].join('\n');

prismaRuleTester(softDeleteUnique, {
  valid: [
    withPartialIndexes(`model User {
  id        BigInt    @id @default(autoincrement())
  email     String
  deletedAt DateTime? @db.Timestamptz(3)

  @@unique([email], where: { deletedAt: null })
}
`),
    {
      name: 'a key every row gets fresh (a cuid, a token) cannot be taken by a deleted row',
      code: schema(`model ApiKey {
  id        String    @id @default(cuid())
  publicId  String    @unique @default(cuid())
  token     String    @unique
  deletedAt DateTime? @db.Timestamptz(3)
}
`),
    },
    {
      name: 'no soft delete: a plain unique is right',
      code: schema(`model User {
  id    BigInt @id @default(autoincrement())
  email String @unique
}
`),
    },
  ],
  invalid: [
    {
      code: withPartialIndexes(`model User {
  id        BigInt    @id @default(autoincrement())
  email     String    @unique
  deletedAt DateTime? @db.Timestamptz(3)
}
`),
      errors: [{ message: '@unique on User.email lets deleted rows block new ones', text: '@unique' }],
      output: withPartialIndexes(`model User {
  id        BigInt    @id @default(autoincrement())
  email     String
  deletedAt DateTime? @db.Timestamptz(3)

  @@unique([email], where: { deletedAt: null })
}
`),
      fixes: [
        {
          title: 'Make @unique on User.email partial: where: { deletedAt: null }',
          output: withPartialIndexes(`model User {
  id        BigInt    @id @default(autoincrement())
  email     String
  deletedAt DateTime? @db.Timestamptz(3)

  @@unique([email], where: { deletedAt: null })
}
`),
        },
      ],
    },
    {
      name: 'a compound @@unique gets the where argument',
      code: withPartialIndexes(`model Project {
  id        BigInt    @id @default(autoincrement())
  teamId    BigInt
  slug      String
  deletedAt DateTime? @map("deleted_at") @db.Timestamptz(3)

  @@unique([teamId, slug])
  @@map("projects")
}
`),
      errors: [{ message: '@@unique([teamId, slug]) on Project lets deleted rows block new ones' }],
      output: withPartialIndexes(`model Project {
  id        BigInt    @id @default(autoincrement())
  teamId    BigInt
  slug      String
  deletedAt DateTime? @map("deleted_at") @db.Timestamptz(3)

  @@unique([teamId, slug], where: { deletedAt: null })
  @@map("projects")
}
`),
    },
    {
      name: 'without partialIndexes the schema cannot say it: no fix',
      code: schema(`model User {
  id        BigInt    @id @default(autoincrement())
  email     String    @unique
  deletedAt DateTime? @db.Timestamptz(3)
}
`),
      errors: [{ message: '@unique on User.email lets deleted rows block new ones' }],
      output: null,
    },
  ],
});
