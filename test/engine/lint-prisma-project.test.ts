/** A Prisma project: the schema and the SQL of its migrations are read together. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, type ResolvedConfig } from '../../server/src/engine/config/config';
import { lintProject } from '../../server/src/engine/lint';

const schema = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Tenant {
  id        String    @id @default(uuid()) @db.Uuid
  name      String
  projects  Project[]
  createdAt DateTime  @default(now()) @db.Timestamptz(3)
  updatedAt DateTime  @updatedAt @db.Timestamptz(3)
}

model Project {
  id        String   @id @default(uuid()) @db.Uuid
  tenantId  String   @db.Uuid
  tenant    Tenant   @relation(fields: [tenantId], references: [id], onDelete: Cascade)
  name      String
  createdAt DateTime @default(now()) @db.Timestamptz(3)
  updatedAt DateTime @updatedAt @db.Timestamptz(3)

  @@index([tenantId])
}
`;

const init = `CREATE TABLE "Tenant" ("id" UUID NOT NULL, "name" TEXT NOT NULL, "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMPTZ(3) NOT NULL, CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Project" ("id" UUID NOT NULL, "tenantId" UUID NOT NULL, "name" TEXT NOT NULL, "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMPTZ(3) NOT NULL, CONSTRAINT "Project_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Project_tenantId_idx" ON "Project"("tenantId");
ALTER TABLE "Project" ADD CONSTRAINT "Project_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
`;

const rls = `ALTER TABLE "Project" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Project" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Project" USING ("tenantId" = current_setting('app.tenant_id')::uuid);
`;

async function findingsOn(
  files: Record<string, string>,
  path: string,
  config: ResolvedConfig = DEFAULT_CONFIG,
): Promise<string[]> {
  const { findings } = await lintProject(
    Object.entries(files).map(([p, text]) => ({ path: p, text })),
    { config },
  );
  return findings.filter((f) => f.file === path).map((f) => `${f.ruleId}: ${f.message}`);
}

/** The config with `prisma.schemaFindingsOnMigrations` set. */
const onMigrations = (on: boolean): ResolvedConfig => ({
  ...DEFAULT_CONFIG,
  prisma: { schemaFindingsOnMigrations: on },
});

test('RLS enabled by a Prisma migration counts for the schema.prisma model', async () => {
  const without = await findingsOn(
    { 'prisma/schema.prisma': schema, 'prisma/migrations/20240101000000_init/migration.sql': init },
    'prisma/schema.prisma',
  );
  assert.ok(
    without.some((f) => f.startsWith('tenant-table-without-rls')),
    `expected the tenant finding: ${without.join('\n')}`,
  );
  const withRls = await findingsOn(
    {
      'prisma/schema.prisma': schema,
      'prisma/migrations/20240101000000_init/migration.sql': init,
      'prisma/migrations/20240102000000_enable_rls/migration.sql': rls,
    },
    'prisma/schema.prisma',
  );
  assert.deepEqual(withRls, []);
});

/** Project's audit fields without @db.Timestamptz, and the migration Prisma wrote for them. */
const timestamps = {
  'prisma/schema.prisma': schema.replace(
    '@db.Timestamptz(3)\n  updatedAt DateTime @updatedAt @db.Timestamptz(3)\n\n',
    '\n  updatedAt DateTime @updatedAt\n\n',
  ),
  'prisma/migrations/20240101000000_init/migration.sql': init.replace(/TIMESTAMPTZ/g, 'TIMESTAMP'),
};

test('schema-design findings stay on schema.prisma, not on the migrations Prisma generated', async () => {
  for (const config of [DEFAULT_CONFIG, onMigrations(false)]) {
    const migration = await findingsOn(
      timestamps,
      'prisma/migrations/20240101000000_init/migration.sql',
      config,
    );
    assert.deepEqual(
      migration.filter((f) => f.startsWith('timestamp-without-time-zone')),
      [],
    );
    const prisma = await findingsOn(timestamps, 'prisma/schema.prisma', config);
    assert.ok(
      prisma.some((f) => f.startsWith('timestamp-without-time-zone')),
      prisma.join('\n'),
    );
  }
});

test('prisma.schemaFindingsOnMigrations: the migrations get the schema findings too', async () => {
  const migration = await findingsOn(
    timestamps,
    'prisma/migrations/20240101000000_init/migration.sql',
    onMigrations(true),
  );
  assert.deepEqual(
    migration.filter((f) => f.startsWith('timestamp-without-time-zone')),
    [
      'timestamp-without-time-zone: Column Tenant.createdAt uses timestamp without time zone',
      'timestamp-without-time-zone: Column Tenant.updatedAt uses timestamp without time zone',
      'timestamp-without-time-zone: Column Project.createdAt uses timestamp without time zone',
      'timestamp-without-time-zone: Column Project.updatedAt uses timestamp without time zone',
    ],
  );
  const prisma = await findingsOn(timestamps, 'prisma/schema.prisma', onMigrations(true));
  assert.ok(
    prisma.some((f) => f.startsWith('timestamp-without-time-zone')),
    prisma.join('\n'),
  );
});

test('a finding on a policy the migrations wrote is reported once, whatever the setting', async () => {
  const files = {
    'prisma/schema.prisma': schema,
    'prisma/migrations/20240101000000_init/migration.sql': init,
    'prisma/migrations/20240102000000_enable_rls/migration.sql': `${rls}CREATE POLICY open_insert ON "Project" FOR INSERT WITH CHECK (true);\n`,
  };
  for (const on of [false, true]) {
    const { findings } = await lintProject(
      Object.entries(files).map(([path, text]) => ({ path, text })),
      { config: onMigrations(on) },
    );
    const open = findings.filter((f) => f.ruleId === 'tenant-table-without-rls');
    assert.deepEqual(
      open.map((f) => `${f.file}: ${f.message}`),
      [
        'prisma/migrations/20240102000000_enable_rls/migration.sql: Policy open_insert lets INSERT on Project through without tenantId',
      ],
      `schemaFindingsOnMigrations: ${on}`,
    );
  }
});
