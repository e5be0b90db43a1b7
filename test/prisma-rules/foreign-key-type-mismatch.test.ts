import { foreignKeyTypeMismatch } from '../../server/src/engine/rules/foreign-key-type-mismatch';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = (...models: string[]) => [DATASOURCE, ...models].join('\n');

const team = `model Team {
  id      String   @id @default(uuid()) @db.Uuid
  code    String   @unique @db.VarChar(20)
  members Member[]
}
`;

const member = (teamId: string, relation = 'fields: [teamId], references: [id]') => `model Member {
  id     BigInt @id @default(autoincrement())
  team   Team   @relation(${relation}, onDelete: Cascade)
  teamId ${teamId}

  @@index([teamId])
}
`;

prismaRuleTester(foreignKeyTypeMismatch, {
  valid: [
    schema(team, member('String @db.Uuid')),
    {
      name: 'a wider varchar holds every key of a narrower one; text holds them all',
      code: schema(team, member('String @db.VarChar(50)', 'fields: [teamId], references: [code]')),
    },
    {
      name: 'text referencing a varchar key',
      code: schema(team, member('String', 'fields: [teamId], references: [code]')),
    },
  ],
  invalid: [
    {
      code: schema(team, member('String')),
      errors: [
        {
          message: 'Foreign key field Member.teamId is String (text) but Team.id is String @db.Uuid (uuid)',
          text: 'String',
          line: 14,
        },
      ],
      output: schema(team, member('String @db.Uuid')),
      fixes: [
        { title: 'Change Member.teamId to String @db.Uuid', output: schema(team, member('String @db.Uuid')) },
      ],
    },
    {
      name: 'a narrower varchar cannot hold the longer keys',
      code: schema(team, member('String @db.VarChar(10)', 'fields: [teamId], references: [code]')),
      errors: [
        {
          message:
            'Foreign key field Member.teamId is String @db.VarChar(10) (varchar(10)) but Team.code is String @db.VarChar(20) (varchar(20))',
        },
      ],
      output: schema(team, member('String @db.VarChar(20)', 'fields: [teamId], references: [code]')),
    },
  ],
});
