import { missingDefault } from '../../server/src/engine/rules/missing-default';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = (...models: string[]) => [DATASOURCE, ...models].join('\n');

prismaRuleTester(missingDefault, {
  valid: [
    schema(`model Order {
  id        BigInt   @id @default(autoincrement())
  isPaid    Boolean  @default(false)
  createdAt DateTime @default(now()) @db.Timestamptz(3)
  updatedAt DateTime @updatedAt @db.Timestamptz(3)
}
`),
    {
      name: 'a mapped created_at with a database-generated default',
      code: schema(`model Order {
  id        BigInt   @id @default(autoincrement())
  createdAt DateTime @default(dbgenerated("now()")) @map("created_at") @db.Timestamptz(3)

  @@map("orders")
}
`),
    },
    {
      name: 'a Boolean that is part of the key is an identifier',
      code: schema(`model Toggle {
  name    String
  enabled Boolean

  @@id([name, enabled])
}
`),
    },
  ],
  invalid: [
    {
      code: schema(`model Order {
  id        BigInt   @id @default(autoincrement())
  isPaid    Boolean
  createdAt DateTime @db.Timestamptz(3)
}
`),
      errors: [
        { message: 'Field Order.isPaid is a required Boolean without a default', text: 'isPaid    Boolean' },
        { message: 'Field Order.createdAt has no default', line: 8 },
      ],
      output: schema(`model Order {
  id        BigInt   @id @default(autoincrement())
  isPaid    Boolean  @default(false)
  createdAt DateTime @default(now()) @db.Timestamptz(3)
}
`),
      fixes: [
        {
          title: 'Add @default(false) to Order.isPaid',
          output: schema(`model Order {
  id        BigInt   @id @default(autoincrement())
  isPaid    Boolean  @default(false)
  createdAt DateTime @db.Timestamptz(3)
}
`),
        },
      ],
    },
    {
      name: 'a nullable createdAt becomes required with @default(now())',
      code: schema(`model Order {
  id        BigInt    @id @default(autoincrement())
  createdAt DateTime? @map("created_at") @db.Timestamptz(3)

  @@map("orders")
}
`),
      errors: [{ message: 'Field Order.createdAt has no default' }],
      output: schema(`model Order {
  id        BigInt   @id @default(autoincrement())
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)

  @@map("orders")
}
`),
      fixes: [
        {
          title: 'Add @default(now()) to Order.createdAt and make it required',
          output: schema(`model Order {
  id        BigInt   @id @default(autoincrement())
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)

  @@map("orders")
}
`),
        },
      ],
    },
  ],
});
