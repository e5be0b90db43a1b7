import { missingNotNull } from '../../server/src/engine/rules/missing-not-null';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const user = `model User {
  id        BigInt     @id @default(autoincrement())
  email     String     @unique
  apiTokens ApiToken[]
}
`;

const schema = (...models: string[]) => [DATASOURCE, user, ...models].join('\n');

prismaRuleTester(missingNotNull, {
  valid: [
    schema(`model ApiToken {
  id     BigInt @id @default(autoincrement())
  token  String @unique
  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)
  userId BigInt

  @@index([userId])
}
`),
    {
      name: 'an optional relation that sets NULL is meant to outlive its parent',
      code: schema(`model ApiToken {
  id     BigInt  @id @default(autoincrement())
  user   User?   @relation(fields: [userId], references: [id], onDelete: SetNull)
  userId BigInt?

  @@index([userId])
}
`),
    },
    {
      name: 'a tree: the root has no parent',
      code: [
        DATASOURCE,
        `model Category {
  id       BigInt     @id @default(autoincrement())
  parent   Category?  @relation("Tree", fields: [parentId], references: [id], onDelete: Cascade)
  parentId BigInt?
  children Category[] @relation("Tree")

  @@index([parentId])
}
`,
      ].join('\n'),
    },
    {
      name: 'an exclusive arc: a comment belongs to a post or to a photo',
      code: [
        DATASOURCE,
        `model Post {
  id       BigInt    @id @default(autoincrement())
  comments Comment[]
}

model Photo {
  id       BigInt    @id @default(autoincrement())
  comments Comment[]
}

model Comment {
  id      BigInt  @id @default(autoincrement())
  post    Post?   @relation(fields: [postId], references: [id], onDelete: Cascade)
  postId  BigInt?
  photo   Photo?  @relation(fields: [photoId], references: [id], onDelete: Cascade)
  photoId BigInt?
}
`,
      ].join('\n'),
    },
  ],
  invalid: [
    {
      code: schema(`model ApiToken {
  id     BigInt  @id @default(autoincrement())
  token  String  @unique
  user   User?   @relation(fields: [userId], references: [id], onDelete: Cascade)
  userId BigInt?

  @@index([userId])
}
`),
      errors: [
        {
          message: 'Field ApiToken.userId is optional, but its rows belong to User (onDelete: Cascade)',
          text: 'userId BigInt?',
        },
      ],
      output: schema(`model ApiToken {
  id     BigInt @id @default(autoincrement())
  token  String @unique
  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)
  userId BigInt

  @@index([userId])
}
`),
      fixes: [
        {
          title: 'Make ApiToken.userId required (and ApiToken.user)',
          output: schema(`model ApiToken {
  id     BigInt @id @default(autoincrement())
  token  String @unique
  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)
  userId BigInt

  @@index([userId])
}
`),
        },
      ],
    },
    {
      name: 'audit fields with a default but optional',
      code: schema(`model ApiToken {
  id        BigInt    @id @default(autoincrement())
  token     String    @unique
  user      User      @relation(fields: [userId], references: [id], onDelete: Cascade)
  userId    BigInt
  createdAt DateTime? @default(now()) @map("created_at") @db.Timestamptz(3)

  @@index([userId])
}
`),
      errors: [{ message: 'Audit field ApiToken.createdAt is optional' }],
      output: schema(`model ApiToken {
  id        BigInt   @id @default(autoincrement())
  token     String   @unique
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)
  userId    BigInt
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)

  @@index([userId])
}
`),
    },
  ],
});
