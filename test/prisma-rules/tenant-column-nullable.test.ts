import { tenantColumnNullable } from '../../server/src/engine/rules/tenant-column-nullable';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

prismaRuleTester(tenantColumnNullable, {
  valid: [
    `${DATASOURCE}
model Tenant {
  id       String    @id @default(uuid()) @db.Uuid
  projects Project[]
}

model Project {
  id       BigInt @id @default(autoincrement())
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Restrict)
  tenantId String @db.Uuid

  @@index([tenantId])
}
`,
    {
      name: 'no tenants model in the schema: nothing to relate to',
      code: `${DATASOURCE}
model Project {
  id       BigInt @id @default(autoincrement())
  tenantId String @db.Uuid

  @@index([tenantId])
}
`,
    },
  ],
  invalid: [
    {
      name: 'an optional relation to the tenant',
      code: `${DATASOURCE}
model Tenant {
  id       String    @id @default(uuid()) @db.Uuid
  projects Project[]
}

model Project {
  id       BigInt  @id @default(autoincrement())
  tenant   Tenant? @relation(fields: [tenantId], references: [id], onDelete: Restrict)
  tenantId String? @db.Uuid

  @@index([tenantId])
}
`,
      errors: [{ message: 'Tenant field Project.tenantId is optional', text: 'tenantId String? @db.Uuid' }],
      output: `${DATASOURCE}
model Tenant {
  id       String    @id @default(uuid()) @db.Uuid
  projects Project[]
}

model Project {
  id       BigInt @id @default(autoincrement())
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Restrict)
  tenantId String @db.Uuid

  @@index([tenantId])
}
`,
    },
    {
      name: 'no relation to Tenant: both sides are written',
      code: `${DATASOURCE}
model Tenant {
  id       String    @id @default(uuid()) @db.Uuid
  name     String
  invoices Invoice[]
}

model Project {
  id       BigInt @id @default(autoincrement())
  tenantId String @db.Uuid
  name     String

  @@index([tenantId])
}

model Invoice {
  id       BigInt @id @default(autoincrement())
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Restrict)
  tenantId String @db.Uuid

  @@index([tenantId])
}
`,
      errors: [{ message: 'Tenant field Project.tenantId has no relation to Tenant' }],
      fixes: [
        {
          title: 'Add relation Project.tenant → Tenant (onDelete: Restrict)',
          output: `${DATASOURCE}
model Tenant {
  id       String    @id @default(uuid()) @db.Uuid
  name     String
  invoices Invoice[]
  projects Project[]
}

model Project {
  id       BigInt @id @default(autoincrement())
  tenantId String @db.Uuid
  name     String
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Restrict)

  @@index([tenantId])
}

model Invoice {
  id       BigInt @id @default(autoincrement())
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Restrict)
  tenantId String @db.Uuid

  @@index([tenantId])
}
`,
        },
        {
          title: 'Add relation Project.tenant → Tenant (onDelete: Cascade)',
          output: `${DATASOURCE}
model Tenant {
  id       String    @id @default(uuid()) @db.Uuid
  name     String
  invoices Invoice[]
  projects Project[]
}

model Project {
  id       BigInt @id @default(autoincrement())
  tenantId String @db.Uuid
  name     String
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Cascade)

  @@index([tenantId])
}

model Invoice {
  id       BigInt @id @default(autoincrement())
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Restrict)
  tenantId String @db.Uuid

  @@index([tenantId])
}
`,
        },
      ],
    },
  ],
});
