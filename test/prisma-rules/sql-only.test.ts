/**
 * Rules with no Prisma meaning stay out of Prisma schemas: Prisma Client sets `@updatedAt` itself
 * (updated-at-without-trigger), and `autoincrement()` is Prisma's only way to a generated key
 * (prefer-identity).
 */
import { preferIdentity } from '../../server/src/engine/rules/prefer-identity';
import { updatedAtWithoutTrigger } from '../../server/src/engine/rules/updated-at-without-trigger';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = `${DATASOURCE}
model Order {
  id        Int      @id @default(autoincrement())
  total     Decimal  @db.Decimal(12, 2)
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)
  updatedAt DateTime @updatedAt @map("updated_at") @db.Timestamptz(3)

  @@map("orders")
}
`;

prismaRuleTester(updatedAtWithoutTrigger, {
  valid: [
    { name: '@updatedAt: Prisma Client sets it on every update', code: schema },
    {
      name: 'an updatedAt without @updatedAt is not this rule’s either',
      code: schema.replace('DateTime @updatedAt @map', 'DateTime @default(now()) @map'),
    },
  ],
  invalid: [],
});

prismaRuleTester(preferIdentity, {
  valid: [{ name: 'autoincrement() is how Prisma generates keys', code: schema }],
  invalid: [],
});
