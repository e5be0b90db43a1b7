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
