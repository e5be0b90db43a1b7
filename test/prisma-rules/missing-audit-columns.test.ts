import { missingAuditColumns } from '../../server/src/engine/rules/missing-audit-columns';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = (...models: string[]) => [DATASOURCE, ...models].join('\n');

prismaRuleTester(missingAuditColumns, {
  valid: [
    schema(`model Order {
  id        BigInt   @id @default(autoincrement())
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt
}
`),
    {
      name: 'mapped to created_at / updated_at',
      code: schema(`model Order {
  id        BigInt   @id @default(autoincrement())
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)
  updatedAt DateTime @updatedAt @map("updated_at") @db.Timestamptz(3)

  @@map("orders")
}
`),
    },
    {
      name: 'an explicit join model needs no timestamps',
      code: schema(`model Post {
  id        BigInt    @id @default(autoincrement())
  tags      PostTag[]
  createdAt DateTime  @default(now())
  updatedAt DateTime  @updatedAt
}

model Tag {
  id        BigInt    @id @default(autoincrement())
  posts     PostTag[]
  createdAt DateTime  @default(now())
  updatedAt DateTime  @updatedAt
}

model PostTag {
  post   Post   @relation(fields: [postId], references: [id], onDelete: Cascade)
  postId BigInt
  tag    Tag    @relation(fields: [tagId], references: [id], onDelete: Cascade)
  tagId  BigInt

  @@id([postId, tagId])
}
`),
    },
    {
      name: 'a model listed in auditExemptTables by its name',
      config: { auditExemptTables: ['Country'] },
      code: schema(`model Country {
  code String @id @db.Char(2)
  name String
}
`),
    },
  ],
  invalid: [
    {
      code: schema(`model Order {
  id    BigInt  @id @default(autoincrement())
  total Decimal @db.Decimal(12, 2)
}
`),
      errors: [{ message: 'Model Order has no createdAt and updatedAt fields', line: 5, column: 1 }],
      output: schema(`model Order {
  id        BigInt   @id @default(autoincrement())
  total     Decimal  @db.Decimal(12, 2)
  createdAt DateTime @default(now()) @db.Timestamptz(3)
  updatedAt DateTime @default(now()) @updatedAt @db.Timestamptz(3)
}
`),
      fixes: [
        {
          title: 'Add createdAt and updatedAt fields to Order',
          output: schema(`model Order {
  id        BigInt   @id @default(autoincrement())
  total     Decimal  @db.Decimal(12, 2)
  createdAt DateTime @default(now()) @db.Timestamptz(3)
  updatedAt DateTime @default(now()) @updatedAt @db.Timestamptz(3)
}
`),
        },
      ],
    },
    {
      name: 'a model mapped to snake_case gets @map; only the missing field is added',
      code: schema(`model LineItem {
  id        BigInt   @id @default(autoincrement())
  orderId   BigInt   @map("order_id")
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)

  productName String @map("product_name")

  @@index([orderId])
  @@map("line_items")
}
`),
      errors: [{ message: 'Model LineItem has no updatedAt field' }],
      output: schema(`model LineItem {
  id        BigInt   @id @default(autoincrement())
  orderId   BigInt   @map("order_id")
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)

  productName String   @map("product_name")
  updatedAt   DateTime @default(now()) @updatedAt @map("updated_at") @db.Timestamptz(3)

  @@index([orderId])
  @@map("line_items")
}
`),
    },
    {
      name: 'configured names (inserted_at / modified_at) in camelCase',
      config: { auditColumns: { created: 'inserted_at', updated: 'modified_at' } },
      code: schema(`model Order {
  id        BigInt   @id @default(autoincrement())
  createdAt DateTime @default(now())
}
`),
      errors: [{ message: 'Model Order has no insertedAt and modifiedAt fields' }],
      output: schema(`model Order {
  id         BigInt   @id @default(autoincrement())
  createdAt  DateTime @default(now())
  insertedAt DateTime @default(now()) @db.Timestamptz(3)
  modifiedAt DateTime @default(now()) @updatedAt @db.Timestamptz(3)
}
`),
    },
  ],
});
