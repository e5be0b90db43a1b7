import { tenantIndexNotLeading } from '../../server/src/engine/rules/tenant-index-not-leading';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const tenant = `model Tenant {
  id     String  @id @default(uuid()) @db.Uuid
  orders Order[]
}
`;

const schema = (indexes: string) => `${DATASOURCE}
${tenant}
model Order {
  id        BigInt   @id @default(autoincrement())
  tenant    Tenant   @relation(fields: [tenantId], references: [id], onDelete: Cascade)
  tenantId  String   @db.Uuid
  number    Int
  createdAt DateTime @default(now()) @db.Timestamptz(3)

${indexes}
}
`;

prismaRuleTester(tenantIndexNotLeading, {
  valid: [
    schema('  @@index([tenantId, createdAt(sort: Desc)])'),
    {
      name: 'a one-field index has no order to get wrong',
      code: schema('  @@index([tenantId])\n  @@index([createdAt], type: Brin)'),
    },
  ],
  invalid: [
    {
      code: schema('  @@index([createdAt(sort: Desc), tenantId])'),
      errors: [
        {
          message: '@@index([createdAt(sort: Desc), tenantId]) on Order does not start with tenantId',
          text: '@@index([createdAt(sort: Desc), tenantId])',
        },
      ],
      output: schema('  @@index([tenantId, createdAt(sort: Desc)])'),
      fixes: [
        {
          title: 'Move tenantId first: [tenantId, createdAt]',
          output: schema('  @@index([tenantId, createdAt(sort: Desc)])'),
        },
      ],
    },
    {
      name: 'an @@unique, with the tenant field last of three',
      code: schema('  @@unique([number, createdAt, tenantId])\n  @@index([tenantId])'),
      errors: [{ message: '@@unique([number, createdAt, tenantId]) on Order does not start with tenantId' }],
      output: schema('  @@unique([tenantId, number, createdAt])\n  @@index([tenantId])'),
    },
  ],
});
