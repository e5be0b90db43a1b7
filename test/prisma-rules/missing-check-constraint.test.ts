import { missingCheckConstraint } from '../../server/src/engine/rules/missing-check-constraint';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = (...models: string[]) => [DATASOURCE, ...models].join('\n');

prismaRuleTester(missingCheckConstraint, {
  valid: [
    schema(`enum OrderStatus {
  pending
  paid
  shipped
}

model Order {
  id     BigInt      @id @default(autoincrement())
  status OrderStatus @default(pending)
}
`),
    {
      name: 'open sets: a MIME type, an OAuth token type',
      code: schema(`model Upload {
  id          BigInt @id @default(autoincrement())
  contentType String
  tokenType   String
}
`),
    },
    {
      name: 'a lookup model’s own unique status',
      code: schema(`model Status {
  id     BigInt @id @default(autoincrement())
  status String @unique
}
`),
    },
    {
      name: 'CHECK constraints added in a Prisma migration count for the model',
      code: schema(`model Order {
  id     BigInt  @id @default(autoincrement())
  status String  @default("pending")
  amount Decimal @db.Decimal(12, 2)
}
`),
      files: {
        'prisma/migrations/20250101000000_init/migration.sql': `-- CreateTable
CREATE TABLE "Order" (
    "id" BIGSERIAL NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "amount" DECIMAL(12,2) NOT NULL,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);
`,
        'prisma/migrations/20250102000000_order_checks/migration.sql': `ALTER TABLE "Order" ADD CONSTRAINT "Order_status_check" CHECK ("status" IN ('pending', 'paid', 'shipped'));
ALTER TABLE "Order" ADD CONSTRAINT "Order_amount_check" CHECK ("amount" >= 0);
`,
      },
    },
  ],
  invalid: [
    {
      code: schema(`model Order {
  id     BigInt  @id @default(autoincrement())
  status String  @default("pending")
  amount Decimal @db.Decimal(12, 2)
}
`),
      errors: [
        {
          message: 'Field Order.status accepts any text: no enum or relation limits it',
          text: 'status',
          line: 7,
        },
        {
          message:
            'Field Order.amount has no CHECK against negative values (Prisma cannot declare one: add it in a migration)',
          text: 'amount',
        },
      ],
      output: null,
    },
  ],
});
