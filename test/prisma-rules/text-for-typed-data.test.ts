import { textForTypedData } from '../../server/src/engine/rules/text-for-typed-data';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = (...models: string[]) => [DATASOURCE, ...models].join('\n');

prismaRuleTester(textForTypedData, {
  valid: [
    schema(`model User {
  id          BigInt    @id @default(autoincrement())
  isActive    Boolean   @default(true)
  lastLoginAt DateTime? @db.Timestamptz(3)
  loginCount  Int       @default(0)
  ipAddress   String?   @db.Inet
  metadata    Json?
}
`),
    {
      name: 'ambiguous names stay text: status, format, data, at',
      code: schema(`model Report {
  id     BigInt @id @default(autoincrement())
  status String
  format String
  data   String
  at     String
}
`),
    },
    {
      name: 'a relation field is foreign-key-type-mismatch’s business',
      code: schema(`model Customer {
  id     String  @id @default(uuid()) @db.Uuid
  orders Order[]
}

model Order {
  id         BigInt   @id @default(autoincrement())
  customer   Customer @relation(fields: [customerId], references: [id], onDelete: Cascade)
  customerId String   @db.Uuid

  @@index([customerId])
}
`),
    },
  ],
  invalid: [
    {
      code: schema(`model User {
  id          BigInt  @id @default(autoincrement())
  email       String  @unique
  isActive    String
  lastLoginAt String? @db.VarChar(30)
  loginCount  String
  ipAddress   String?
  metadata    String?
  birthDate   String? @map("birth_date")
}
`),
      errors: [
        { message: 'Field User.isActive uses String for a flag', text: 'String', line: 8 },
        { message: 'Field User.lastLoginAt uses String @db.VarChar(30) for a timestamp' },
        { message: 'Field User.loginCount uses String for a count' },
        { message: 'Field User.ipAddress uses String for an IP address' },
        { message: 'Field User.metadata uses String for JSON' },
        { message: 'Field User.birthDate uses String for a date' },
      ],
      output: schema(`model User {
  id          BigInt    @id @default(autoincrement())
  email       String    @unique
  isActive    Boolean
  lastLoginAt DateTime? @db.Timestamptz(3)
  loginCount  Int
  ipAddress   String?   @db.Inet
  metadata    Json?
  birthDate   DateTime? @map("birth_date") @db.Date
}
`),
      fixes: [
        {
          title: 'Change User.isActive to Boolean',
          output: schema(`model User {
  id          BigInt  @id @default(autoincrement())
  email       String  @unique
  isActive    Boolean
  lastLoginAt String? @db.VarChar(30)
  loginCount  String
  ipAddress   String?
  metadata    String?
  birthDate   String? @map("birth_date")
}
`),
        },
      ],
    },
    {
      name: 'a key of another model kept in a String: its type; a string default blocks the fix',
      code: schema(`model Customer {
  id BigInt @id @default(autoincrement())
}

model Visit {
  id         BigInt @id @default(autoincrement())
  customerId String
  isMobile   String @default("no")
}
`),
      errors: [
        { message: 'Field Visit.customerId uses String for a reference to Customer.id (bigint)' },
        { message: 'Field Visit.isMobile uses String for a flag' },
      ],
      output: schema(`model Customer {
  id BigInt @id @default(autoincrement())
}

model Visit {
  id         BigInt @id @default(autoincrement())
  customerId BigInt
  isMobile   String @default("no")
}
`),
    },
  ],
});
