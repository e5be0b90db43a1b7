import { softDeleteWithoutPartialIndex } from '../../server/src/engine/rules/soft-delete-without-partial-index';
import { DATASOURCE, PARTIAL_INDEXES, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = (...models: string[]) => [DATASOURCE, ...models].join('\n');
const withPartialIndexes = (...models: string[]) => [PARTIAL_INDEXES, DATASOURCE, ...models].join('\n');

const post = (extra = '') => `model Post {
  id        BigInt    @id @default(autoincrement())
  title     String
  deletedAt DateTime? @db.Timestamptz(3)
${extra}}
`;

const prisma6 = { 'package.json': '{\n  "dependencies": {\n    "@prisma/client": "6.19.0"\n  }\n}\n' };

prismaRuleTester(softDeleteWithoutPartialIndex, {
  valid: [
    withPartialIndexes(post('\n  @@index([id], map: "Post_active_idx", where: { deletedAt: null })\n')),
    {
      name: 'a raw predicate that says the same',
      code: withPartialIndexes(post('\n  @@index([title], where: raw("\\"deletedAt\\" IS NULL"))\n')),
    },
    {
      name: 'a required deletedAt is not a soft delete',
      code: schema(`model Post {
  id        BigInt   @id @default(autoincrement())
  deletedAt DateTime @db.Timestamptz(3)
}
`),
    },
    {
      name: 'the migration the fix wrote is recorded above the field',
      code: schema(`model Post {
  id        BigInt    @id @default(autoincrement())
  title     String
  // db-expert-disable-next-line soft-delete-without-partial-index -- partial index Post_active_idx in migration 20250101000000_post_active_idx
  deletedAt DateTime? @db.Timestamptz(3)
}
`),
    },
  ],
  invalid: [
    {
      name: 'with the partialIndexes preview feature: @@index(…, where: { deletedAt: null })',
      code: withPartialIndexes(post()),
      errors: [
        {
          message: 'Model Post has deletedAt but no index where deletedAt is null',
          text: 'deletedAt DateTime? @db.Timestamptz(3)',
        },
      ],
      output: withPartialIndexes(
        post('\n  @@index([id], map: "Post_active_idx", where: { deletedAt: null })\n'),
      ),
      fixes: [
        {
          title: 'Add partial index on Post (id) where deletedAt is null',
          output: withPartialIndexes(
            post('\n  @@index([id], map: "Post_active_idx", where: { deletedAt: null })\n'),
          ),
        },
      ],
    },
    {
      name: 'without the preview feature: a new migration folder, recorded above the field',
      code: schema(post()),
      errors: [{ message: 'Model Post has deletedAt but no index where deletedAt is null' }],
      output: schema(`model Post {
  id        BigInt    @id @default(autoincrement())
  title     String
  // db-expert-disable-next-line soft-delete-without-partial-index -- partial index Post_active_idx in migration <timestamp>_post_active_idx
  deletedAt DateTime? @db.Timestamptz(3)
}
`),
      created: {
        'prisma/migrations/<timestamp>_post_active_idx/migration.sql':
          '-- The partial index of Post\'s live rows (deletedAt is null): Prisma\'s schema can declare it only with\n-- the partialIndexes preview feature (Prisma 7.4 and later). Written by db-expert (soft-delete-without-partial-index).\nCREATE INDEX "Post_active_idx" ON "Post" (id) WHERE "deletedAt" IS NULL;\n',
      },
    },
    {
      name: 'Prisma 6 does not know partialIndexes: a migration, with mapped names',
      code: withPartialIndexes(`model Invoice {
  id        BigInt    @id @default(autoincrement())
  deletedAt DateTime? @map("deleted_at") @db.Timestamptz(3)

  @@map("invoices")
}
`),
      files: prisma6,
      errors: [{ message: 'Model Invoice has deletedAt but no index where deletedAt is null' }],
      fixes: [
        {
          title:
            /^Create migration \d{14}_invoices_active_idx with a partial index on Invoice \(id\) where deletedAt is null$/,
          output: withPartialIndexes(`model Invoice {
  id        BigInt    @id @default(autoincrement())
  // db-expert-disable-next-line soft-delete-without-partial-index -- partial index invoices_active_idx in migration <timestamp>_invoices_active_idx
  deletedAt DateTime? @map("deleted_at") @db.Timestamptz(3)

  @@map("invoices")
}
`),
          created: {
            'prisma/migrations/<timestamp>_invoices_active_idx/migration.sql':
              "-- The partial index of Invoice's live rows (deletedAt is null): Prisma's schema can declare it only with\n-- the partialIndexes preview feature (Prisma 7.4 and later). Written by db-expert (soft-delete-without-partial-index).\nCREATE INDEX invoices_active_idx ON invoices (id) WHERE deleted_at IS NULL;\n",
          },
        },
      ],
    },
  ],
});
