import { tenantUniqueWithoutTenant } from '../../server/src/engine/rules/tenant-unique-without-tenant';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const tenant = `model Tenant {
  id        String     @id @default(uuid()) @db.Uuid
  name      String
  customers Customer[]
}
`;

const schema = (customer: string) => [DATASOURCE, tenant, customer].join('\n');

prismaRuleTester(tenantUniqueWithoutTenant, {
  valid: [
    schema(`model Customer {
  id       BigInt @id @default(autoincrement())
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Cascade)
  tenantId String @db.Uuid
  email    String

  @@unique([tenantId, email])
}
`),
    {
      name: 'keys Prisma Client makes random (cuid) or that are global by nature (a token)',
      code: schema(`model Customer {
  id          BigInt @id @default(autoincrement())
  tenant      Tenant @relation(fields: [tenantId], references: [id], onDelete: Cascade)
  tenantId    String @db.Uuid
  publicId    String @unique @default(cuid())
  accessToken String @unique

  @@index([tenantId])
}
`),
    },
  ],
  invalid: [
    {
      code: schema(`model Customer {
  id       BigInt @id @default(autoincrement())
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Cascade)
  tenantId String @db.Uuid
  email    String @unique

  @@index([tenantId])
}
`),
      errors: [
        {
          message: "@unique on Customer.email does not include tenantId: one tenant's row blocks another's",
          text: '@unique',
        },
      ],
      output: schema(`model Customer {
  id       BigInt @id @default(autoincrement())
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Cascade)
  tenantId String @db.Uuid
  email    String

  @@unique([tenantId, email])
  @@index([tenantId])
}
`),
    },
    {
      name: 'a compound @@unique gets the tenant field first',
      code: schema(`model Customer {
  id       BigInt @id @default(autoincrement())
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Cascade)
  tenantId String @db.Uuid
  code     String
  region   String

  @@unique([code, region], map: "customer_code")
  @@index([tenantId])
}
`),
      errors: [
        {
          message:
            '@@unique([code, region], map: "customer_code") on Customer does not include tenantId: one tenant\'s row blocks another\'s',
        },
      ],
      output: schema(`model Customer {
  id       BigInt @id @default(autoincrement())
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Cascade)
  tenantId String @db.Uuid
  code     String
  region   String

  @@unique([tenantId, code, region], map: "customer_code")
  @@index([tenantId])
}
`),
    },
  ],
});
