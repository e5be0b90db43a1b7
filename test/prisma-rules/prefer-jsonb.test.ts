import { preferJsonb } from '../../server/src/engine/rules/prefer-jsonb';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = (...models: string[]) => [DATASOURCE, ...models].join('\n');

prismaRuleTester(preferJsonb, {
  valid: [
    schema(`model Webhook {
  id      BigInt @id @default(autoincrement())
  payload Json
}
`),
    {
      name: '@db.JsonB says what Json means anyway',
      code: schema(`model Webhook {
  id       BigInt @id @default(autoincrement())
  payload  Json   @db.JsonB
  settings Json?  @default("{}")
}
`),
    },
  ],
  invalid: [
    {
      code: schema(`model Webhook {
  id      BigInt @id @default(autoincrement())
  url     String
  payload Json   @db.Json
}
`),
      errors: [
        { message: 'Field Webhook.payload uses json instead of jsonb (@db.Json)', text: '@db.Json', line: 8 },
      ],
      output: schema(`model Webhook {
  id      BigInt @id @default(autoincrement())
  url     String
  payload Json
}
`),
      fixes: [
        {
          title: 'Remove @db.Json from Webhook.payload (Json is jsonb)',
          output: schema(`model Webhook {
  id      BigInt @id @default(autoincrement())
  url     String
  payload Json
}
`),
        },
      ],
    },
    {
      name: 'with @map and a default, in a mapped model',
      code: schema(`model AuditEvent {
  id      BigInt @id @default(autoincrement())
  details Json?  @default("{}") @map("details") @db.Json

  @@map("audit_events")
}
`),
      errors: [{ message: 'Field AuditEvent.details uses json instead of jsonb (@db.Json)' }],
      output: schema(`model AuditEvent {
  id      BigInt @id @default(autoincrement())
  details Json?  @default("{}") @map("details")

  @@map("audit_events")
}
`),
    },
  ],
});
