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

/** The migration `prisma migrate dev` wrote for `post()`. */
const init = {
  'prisma/migrations/20250101000000_init/migration.sql': `-- CreateTable
CREATE TABLE "Post" (
    "id" BIGSERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "deletedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);
`,
};

/** The comment the fix writes above the CREATE INDEX of `model`. */
const header = (model = 'Post') =>
  `-- The partial index of ${model}'s live rows (deletedAt is null): Prisma's schema can declare it only with\n-- the partialIndexes preview feature (Prisma 7.4 and later). Written by db-expert (soft-delete-without-partial-index).\n-- CONCURRENTLY keeps the table writable while the index builds; it needs the statement to stay alone in this file.\n`;

/** The migration the fix creates for `post()`. */
const postActiveIdx = {
  'prisma/migrations/<timestamp>_post_active_idx/migration.sql': `${header()}CREATE INDEX CONCURRENTLY "Post_active_idx" ON "Post" (id) WHERE "deletedAt" IS NULL;\n`,
};

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
      name: 'the partial index in a Prisma migration counts for the model',
      code: schema(post()),
      files: {
        ...init,
        'prisma/migrations/20250102000000_post_live/migration.sql':
          'CREATE INDEX "Post_live_title_idx" ON "Post" ("title") WHERE "deletedAt" IS NULL;\n',
      },
    },
    {
      name: 'the migration the fix created, in a project without earlier migrations',
      code: schema(post()),
      files: {
        'prisma/migrations/20250102000000_post_active_idx/migration.sql': `${header()}CREATE INDEX CONCURRENTLY "Post_active_idx" ON "Post" (id) WHERE "deletedAt" IS NULL;\n`,
      },
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
      name: 'without the preview feature: a new migration folder, which runs after the others; the schema stays as it is',
      code: schema(post()),
      files: init,
      errors: [{ message: 'Model Post has deletedAt but no index where deletedAt is null' }],
      output: schema(post()),
      created: postActiveIdx,
    },
    {
      name: 'no migrations yet: the new migration alone answers the finding',
      code: schema(post()),
      errors: [{ message: 'Model Post has deletedAt but no index where deletedAt is null' }],
      output: schema(post()),
      created: postActiveIdx,
    },
    {
      name: 'a migration that indexes the deleted rows does not count',
      code: schema(post()),
      files: {
        ...init,
        'prisma/migrations/20250102000000_post_deleted/migration.sql':
          'CREATE INDEX "Post_deleted_idx" ON "Post" ("deletedAt") WHERE "deletedAt" IS NOT NULL;\n',
      },
      errors: [{ message: 'Model Post has deletedAt but no index where deletedAt is null' }],
      output: schema(post()),
      created: postActiveIdx,
    },
    {
      name: 'Prisma 6 does not know partialIndexes: a migration, with mapped names',
      code: withPartialIndexes(`model Invoice {
  id        BigInt    @id @default(autoincrement())
  deletedAt DateTime? @map("deleted_at") @db.Timestamptz(3)

  @@map("invoices")
}
`),
      files: {
        ...prisma6,
        'prisma/migrations/20250101000000_init/migration.sql': `-- CreateTable
CREATE TABLE "invoices" (
    "id" BIGSERIAL NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "invoices_pkey" PRIMARY KEY ("id")
);
`,
      },
      errors: [{ message: 'Model Invoice has deletedAt but no index where deletedAt is null' }],
      fixes: [
        {
          title:
            /^Create migration \d{14}_invoices_active_idx with a partial index on Invoice \(id\) where deletedAt is null$/,
          output: withPartialIndexes(`model Invoice {
  id        BigInt    @id @default(autoincrement())
  deletedAt DateTime? @map("deleted_at") @db.Timestamptz(3)

  @@map("invoices")
}
`),
          created: {
            'prisma/migrations/<timestamp>_invoices_active_idx/migration.sql': `${header('Invoice')}CREATE INDEX CONCURRENTLY invoices_active_idx ON invoices (id) WHERE deleted_at IS NULL;\n`,
          },
        },
      ],
    },
  ],
});
