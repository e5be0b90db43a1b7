import { duplicateIndex } from '../../server/src/engine/rules/duplicate-index';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = (...models: string[]) => [DATASOURCE, ...models].join('\n');

const user = `model User {
  id     BigInt  @id @default(autoincrement())
  email  String  @unique
  orders Order[]
}
`;

prismaRuleTester(duplicateIndex, {
  valid: [
    schema(`model Order {
  id         BigInt   @id @default(autoincrement())
  customerId BigInt
  placedAt   DateTime @db.Timestamptz(3)
  status     String

  @@index([customerId, placedAt])
  @@index([status])
}
`),
    {
      name: 'the same fields in another order, or sorted the other way, serve other lookups',
      code: schema(`model Order {
  id         BigInt   @id @default(autoincrement())
  customerId BigInt
  placedAt   DateTime @db.Timestamptz(3)

  @@index([customerId, placedAt])
  @@index([placedAt, customerId])
  @@index([customerId, placedAt(sort: Desc)], map: "Order_recent_idx")
}
`),
    },
    {
      name: 'a hash index does not serve what a B-tree does',
      code: schema(`model Session {
  id    BigInt @id @default(autoincrement())
  token String

  @@index([token, id])
  @@index([token], type: Hash)
}
`),
    },
    {
      name: 'a unique key that a relation references stays',
      code: schema(
        user.replace('  email  String  @unique\n', '  email  String  @unique\n  code   String  @unique\n'),
        `model Order {
  id       BigInt @id @default(autoincrement())
  user     User   @relation(fields: [userCode], references: [code], onDelete: Cascade)
  userCode String

  @@index([userCode])
}
`,
      ),
    },
  ],
  invalid: [
    {
      code: schema(
        user,
        `model Order {
  id       BigInt   @id @default(autoincrement())
  user     User     @relation(fields: [userId], references: [id], onDelete: Cascade)
  userId   BigInt
  placedAt DateTime @db.Timestamptz(3)

  @@index([userId])
  @@index([userId, placedAt])
}
`,
      ),
      errors: [
        {
          message: '@@index([userId]) on Order duplicates @@index([userId, placedAt]) on Order',
          text: '@@index([userId])',
        },
      ],
      output: schema(
        user,
        `model Order {
  id       BigInt   @id @default(autoincrement())
  user     User     @relation(fields: [userId], references: [id], onDelete: Cascade)
  userId   BigInt
  placedAt DateTime @db.Timestamptz(3)

  @@index([userId, placedAt])
}
`,
      ),
      fixes: [
        {
          title: 'Remove the redundant @@index([userId]) on Order',
          output: schema(
            user,
            `model Order {
  id       BigInt   @id @default(autoincrement())
  user     User     @relation(fields: [userId], references: [id], onDelete: Cascade)
  userId   BigInt
  placedAt DateTime @db.Timestamptz(3)

  @@index([userId, placedAt])
}
`,
          ),
        },
      ],
    },
    {
      name: 'an @@index on a @unique field (documenso’s User.email); the last block attribute takes its blank line along',
      code: schema(`model Account {
  id    BigInt @id @default(autoincrement())
  email String @unique

  @@index([email])
}
`),
      errors: [{ message: '@@index([email]) on Account duplicates @unique on Account.email' }],
      output: schema(`model Account {
  id    BigInt @id @default(autoincrement())
  email String @unique
}
`),
    },
    {
      name: 'a @unique that repeats @id, and an @@unique that repeats a @unique',
      code: schema(`model Device {
  id     String @id @unique
  serial String @unique

  @@unique([serial], map: "devices_serial_unique")
  @@map("devices")
}
`),
      errors: [
        { message: '@unique on Device.id duplicates @id on Device.id', text: '@unique' },
        {
          message:
            '@@unique([serial], map: "devices_serial_unique") on Device duplicates @unique on Device.serial',
        },
      ],
      output: schema(`model Device {
  id     String @id
  serial String @unique

  @@map("devices")
}
`),
    },
  ],
});
