import { timestampWithoutTimeZone } from '../../server/src/engine/rules/timestamp-without-time-zone';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = (...models: string[]) => [DATASOURCE, ...models].join('\n');

prismaRuleTester(timestampWithoutTimeZone, {
  valid: [
    schema(`model Event {
  id         BigInt   @id @default(autoincrement())
  happenedAt DateTime @db.Timestamptz(3)
  createdAt  DateTime @default(now()) @db.Timestamptz(6)
  updatedAt  DateTime @updatedAt @db.Timestamptz
}
`),
    {
      name: 'a date is not a timestamp',
      code: schema(`model Person {
  id        BigInt   @id @default(autoincrement())
  birthDate DateTime @db.Date
  wakesAt   DateTime @db.Time(0)
}
`),
    },
    {
      name: 'an array of timestamps is deliberate',
      code: schema(`model Schedule {
  id    BigInt     @id @default(autoincrement())
  slots DateTime[] @db.Timestamp(0)
}
`),
    },
    {
      name: 'mapped columns with timestamptz',
      code: schema(`model Invoice {
  id       BigInt    @id @default(autoincrement())
  issuedAt DateTime  @map("issued_at") @db.Timestamptz(3)
  paidAt   DateTime? @map("paid_at") @db.Timestamptz(3)

  @@map("invoices")
}
`),
    },
  ],
  invalid: [
    {
      code: schema(`model Event {
  id         BigInt   @id @default(autoincrement())
  name       String
  happenedAt DateTime
  createdAt  DateTime @default(now())
}
`),
      errors: [
        {
          message:
            'Field Event.happenedAt uses timestamp without time zone (Prisma maps DateTime to timestamp(3))',
          text: 'DateTime',
          line: 8,
        },
        {
          message:
            'Field Event.createdAt uses timestamp without time zone (Prisma maps DateTime to timestamp(3))',
        },
      ],
      output: schema(`model Event {
  id         BigInt   @id @default(autoincrement())
  name       String
  happenedAt DateTime @db.Timestamptz(3)
  createdAt  DateTime @default(now()) @db.Timestamptz(3)
}
`),
      fixes: [
        {
          title: 'Add @db.Timestamptz(3) to Event.happenedAt',
          output: schema(`model Event {
  id         BigInt   @id @default(autoincrement())
  name       String
  happenedAt DateTime @db.Timestamptz(3)
  createdAt  DateTime @default(now())
}
`),
        },
      ],
    },
    {
      name: '@db.Timestamp(6) becomes @db.Timestamptz(6), after @map and @updatedAt',
      code: schema(`model Invoice {
  id        BigInt    @id @default(autoincrement())
  paidAt    DateTime? @map("paid_at") @db.Timestamp(6) // when the money came in
  updatedAt DateTime  @updatedAt @map("updated_at")

  @@map("invoices")
}
`),
      errors: [
        {
          message: 'Field Invoice.paidAt uses timestamp without time zone (@db.Timestamp(6))',
          text: '@db.Timestamp(6)',
        },
        {
          message:
            'Field Invoice.updatedAt uses timestamp without time zone (Prisma maps DateTime to timestamp(3))',
        },
      ],
      output: schema(`model Invoice {
  id        BigInt    @id @default(autoincrement())
  paidAt    DateTime? @map("paid_at") @db.Timestamptz(6) // when the money came in
  updatedAt DateTime  @updatedAt @map("updated_at") @db.Timestamptz(3)

  @@map("invoices")
}
`),
      fixes: [
        {
          title: 'Change Invoice.paidAt to @db.Timestamptz(6)',
          output: schema(`model Invoice {
  id        BigInt    @id @default(autoincrement())
  paidAt    DateTime? @map("paid_at") @db.Timestamptz(6) // when the money came in
  updatedAt DateTime  @updatedAt @map("updated_at")

  @@map("invoices")
}
`),
        },
      ],
    },
    {
      name: 'a model in a multi-file schema',
      path: 'prisma/schema/billing.prisma',
      files: { 'prisma/schema/schema.prisma': DATASOURCE },
      code: `model Payment {
  id     BigInt   @id @default(autoincrement())
  paidAt DateTime
}
`,
      errors: [
        {
          message:
            'Field Payment.paidAt uses timestamp without time zone (Prisma maps DateTime to timestamp(3))',
        },
      ],
      output: `model Payment {
  id     BigInt   @id @default(autoincrement())
  paidAt DateTime @db.Timestamptz(3)
}
`,
    },
  ],
});
