import { tenantTableWithoutRls } from '../../server/src/engine/rules/tenant-table-without-rls';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = `${DATASOURCE}
model Tenant {
  id       String    @id @default(uuid()) @db.Uuid
  name     String
  projects Project[]
}

model Project {
  id       BigInt @id @default(autoincrement())
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Cascade)
  tenantId String @db.Uuid
  name     String

  @@index([tenantId])
}
`;

/** The migration `prisma migrate dev` wrote for the schema. */
const init = {
  'prisma/migrations/20250101000000_init/migration.sql': `-- CreateTable
CREATE TABLE "Tenant" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Project" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Project_tenantId_idx" ON "Project"("tenantId");

-- AddForeignKey
ALTER TABLE "Project" ADD CONSTRAINT "Project_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
`,
};

const rls = `ALTER TABLE "Project" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Project" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Project" USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
`;

const header =
  "-- Row level security keeps each tenant to its own rows; Prisma's schema cannot declare it.\n-- Written by db-expert (tenant-table-without-rls).\n";

const twoModels = `${schema}
model Invoice {
  id       BigInt @id @default(autoincrement())
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Cascade)
  tenantId String @map("tenant_id") @db.Uuid

  @@index([tenantId])
  @@map("invoices")
}
`.replace('  projects Project[]\n', '  projects Project[]\n  invoices Invoice[]\n');

prismaRuleTester(tenantTableWithoutRls, {
  valid: [
    {
      name: 'RLS and the tenant policy in a migration',
      code: schema,
      files: { ...init, 'prisma/migrations/20250102000000_rls/migration.sql': rls },
    },
    {
      name: 'the migration the fix created, in a project without earlier migrations',
      code: schema,
      files: { 'prisma/migrations/20250102000000_enable_rls/migration.sql': `${header}${rls}` },
    },
    {
      name: 'the tenants model itself holds no tenant’s rows',
      code: `${DATASOURCE}
model Tenant {
  id       String @id @default(uuid()) @db.Uuid
  tenantId String @unique @db.Uuid
}
`,
    },
  ],
  invalid: [
    {
      name: 'no RLS: a new migration folder enables it, and runs after the others; the schema stays as it is',
      code: schema,
      files: init,
      errors: [
        { message: 'Model Project has tenantId but no row level security', text: 'tenantId String @db.Uuid' },
      ],
      output: schema,
      created: {
        'prisma/migrations/<timestamp>_enable_rls/migration.sql': `${header}${rls}`,
      },
    },
    {
      name: 'two models, no migrations yet: one migration for both',
      code: twoModels,
      errors: [
        { message: 'Model Project has tenantId but no row level security' },
        { message: 'Model Invoice has tenantId but no row level security' },
      ],
      output: twoModels,
      created: {
        'prisma/migrations/<timestamp>_enable_rls/migration.sql': `${header}${rls}ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invoices USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
`,
      },
      fixes: [
        {
          title: /^Create migration \d{14}_enable_rls enabling row level security on Project, Invoice$/,
          // One migration for both models: the other finding goes too.
          remaining: 0,
          output: twoModels,
          created: {
            'prisma/migrations/<timestamp>_enable_rls/migration.sql': `${header}${rls}ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invoices USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
`,
          },
        },
      ],
    },
    {
      name: 'Project has RLS from a migration: the new migration covers Invoice only, and runs after the others',
      code: twoModels,
      files: {
        ...init,
        'prisma/migrations/20250101000001_invoices/migration.sql': `-- CreateTable
CREATE TABLE "invoices" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,

    CONSTRAINT "invoices_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "invoices_tenant_id_idx" ON "invoices"("tenant_id");

-- AddForeignKey
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
`,
        'prisma/migrations/20250102000000_project_rls/migration.sql': rls,
      },
      errors: [{ message: 'Model Invoice has tenantId but no row level security' }],
      output: twoModels,
      created: {
        'prisma/migrations/<timestamp>_enable_rls/migration.sql': `${header}ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invoices USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
`,
      },
    },
  ],
});
