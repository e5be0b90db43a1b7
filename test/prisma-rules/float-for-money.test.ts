import { floatForMoney } from '../../server/src/engine/rules/float-for-money';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = (...models: string[]) => [DATASOURCE, ...models].join('\n');

prismaRuleTester(floatForMoney, {
  valid: [
    schema(`model Product {
  id        BigInt  @id @default(autoincrement())
  name      String
  unitPrice Decimal @db.Decimal(12, 2)
}
`),
    {
      name: 'a rate, a weight, a score in Float are not money',
      code: schema(`model Product {
  id          BigInt @id @default(autoincrement())
  taxRate     Float
  weightKg    Float
  reviewScore Float
  totalCount  Int
}
`),
    },
    {
      name: 'Decimal without a native type is numeric(65,30): exact, not this rule’s business',
      code: schema(`model Invoice {
  id     BigInt  @id @default(autoincrement())
  amount Decimal
}
`),
    },
    {
      name: 'a total that is not the last word is not money (total_distance)',
      code: schema(`model Trip {
  id            BigInt @id @default(autoincrement())
  totalDistance Float  @map("total_distance")

  @@map("trips")
}
`),
    },
  ],
  invalid: [
    {
      code: schema(`model Product {
  id    BigInt @id @default(autoincrement())
  name  String
  price Float  @default(0)
}
`),
      errors: [
        { message: 'Field Product.price uses Float (double precision) for money', text: 'Float', line: 8 },
      ],
      output: schema(`model Product {
  id    BigInt  @id @default(autoincrement())
  name  String
  price Decimal @default(0) @db.Decimal(12, 2)
}
`),
      fixes: [
        {
          title: 'Change Product.price to Decimal @db.Decimal(12, 2)',
          output: schema(`model Product {
  id    BigInt  @id @default(autoincrement())
  name  String
  price Decimal @default(0) @db.Decimal(12, 2)
}
`),
        },
      ],
    },
    {
      name: '@db.Real, @db.DoublePrecision and @db.Money, optional and mapped fields',
      code: schema(`model Order {
  id          BigInt  @id @default(autoincrement())
  subtotal    Float   @db.Real
  shippingFee Float?  @map("shipping_fee") @db.DoublePrecision
  orderTotal  Decimal @map("order_total") @db.Money

  @@map("orders")
}
`),
      errors: [
        { message: 'Field Order.subtotal uses @db.Real (real) for money', text: '@db.Real' },
        { message: 'Field Order.shippingFee uses @db.DoublePrecision (double precision) for money' },
        { message: 'Field Order.orderTotal uses the money type (@db.Money)' },
      ],
      output: schema(`model Order {
  id          BigInt   @id @default(autoincrement())
  subtotal    Decimal  @db.Decimal(12, 2)
  shippingFee Decimal? @map("shipping_fee") @db.Decimal(12, 2)
  orderTotal  Decimal  @map("order_total") @db.Decimal(12, 2)

  @@map("orders")
}
`),
    },
  ],
});
