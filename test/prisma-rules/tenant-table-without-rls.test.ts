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

/** The comment the fix writes above the tenant field of `model`. */
function commented(code: string, model = 'Project'): string {
  const at = code.indexOf(`model ${model} {`);
  const field = code.indexOf('  tenantId ', at);
  return `${code.slice(0, field)}  // db-expert-disable-next-line tenant-table-without-rls -- row level security in migration <timestamp>_enable_rls\n${code.slice(field)}`;
}

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
      name: 'no RLS: a new migration folder enables it; a comment on the field says where',
      code: schema,
      files: init,
      errors: [
        { message: 'Model Project has tenantId but no row level security', text: 'tenantId String @db.Uuid' },
      ],
      output: commented(schema),
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
      output: commented(commented(twoModels), 'Invoice'),
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
          output: commented(commented(twoModels), 'Invoice'),
          created: {
            'prisma/migrations/<timestamp>_enable_rls/migration.sql': `${header}${rls}ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invoices USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
`,
          },
        },
      ],
    },
  ],
});
