import { foreignKeyWithoutOnDelete } from '../../server/src/engine/rules/foreign-key-without-on-delete';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const user = `model User {
  id       BigInt    @id @default(autoincrement())
  email    String    @unique
  posts    Post[]
  comments Comment[]
}
`;

const comment = `model Comment {
  id       BigInt @id @default(autoincrement())
  body     String
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt
  post     Post   @relation(fields: [postId], references: [id], onDelete: Cascade)
  postId   BigInt

  @@index([authorId])
  @@index([postId])
}
`;

const schema = (post: string) => [DATASOURCE, user, post, comment].join('\n');

const post = (relation: string, authorId = 'BigInt') => `model Post {
  id       BigInt    @id @default(autoincrement())
  title    String
  author   ${relation}
  authorId ${authorId}
  comments Comment[]

  @@index([authorId])
}
`;

prismaRuleTester(foreignKeyWithoutOnDelete, {
  valid: [
    schema(post('User      @relation(fields: [authorId], references: [id], onDelete: Cascade)')),
    {
      name: 'onDelete: Restrict written down',
      code: schema(post('User      @relation(fields: [authorId], references: [id], onDelete: Restrict)')),
    },
    {
      name: 'an optional relation with onDelete: SetNull',
      code: schema(
        post('User?     @relation(fields: [authorId], references: [id], onDelete: SetNull)', 'BigInt?'),
      ),
    },
    {
      name: 'onDelete: NoAction is a decision too',
      code: schema(
        post(
          'User      @relation(fields: [authorId], references: [id], onDelete: NoAction, onUpdate: NoAction)',
        ),
      ),
    },
    {
      name: 'implicit many-to-many: Prisma cascades both sides of _PostToTag',
      code: [
        DATASOURCE,
        'model Post {\n  id   BigInt @id @default(autoincrement())\n  tags Tag[]\n}\n',
        'model Tag {\n  id    BigInt @id @default(autoincrement())\n  posts Post[]\n}\n',
      ].join('\n'),
    },
  ],
  invalid: [
    {
      code: schema(post('User      @relation(fields: [authorId], references: [id])')),
      errors: [
        {
          message:
            'Relation Post.author has no onDelete: Prisma creates ON DELETE RESTRICT ON UPDATE CASCADE',
          text: 'author   User      @relation(fields: [authorId], references: [id])',
        },
      ],
      output: schema(post('User      @relation(fields: [authorId], references: [id], onDelete: Restrict)')),
      fixes: [
        {
          title: 'Add onDelete: Cascade to Post.author',
          output: schema(
            post('User      @relation(fields: [authorId], references: [id], onDelete: Cascade)'),
          ),
        },
        {
          title: 'Add onDelete: Restrict to Post.author',
          output: schema(
            post('User      @relation(fields: [authorId], references: [id], onDelete: Restrict)'),
          ),
        },
      ],
    },
    {
      name: 'an optional relation: Prisma sets NULL; SetNull is offered and preferred',
      code: schema(post('User?     @relation(fields: [authorId], references: [id])', 'BigInt?')),
      errors: [
        {
          message:
            'Relation Post.author has no onDelete: Prisma creates ON DELETE SET NULL ON UPDATE CASCADE',
        },
      ],
      output: schema(
        post('User?     @relation(fields: [authorId], references: [id], onDelete: SetNull)', 'BigInt?'),
      ),
      fixes: [
        {
          title: 'Add onDelete: Cascade to Post.author',
          output: schema(
            post('User?     @relation(fields: [authorId], references: [id], onDelete: Cascade)', 'BigInt?'),
          ),
        },
        {
          title: 'Add onDelete: SetNull to Post.author',
          output: schema(
            post('User?     @relation(fields: [authorId], references: [id], onDelete: SetNull)', 'BigInt?'),
          ),
        },
      ],
    },
    {
      name: 'onUpdate written, onDelete not: the message says the onUpdate that applies',
      code: schema(post('User      @relation(fields: [authorId], references: [id], onUpdate: Restrict)')),
      errors: [
        {
          message:
            'Relation Post.author has no onDelete: Prisma creates ON DELETE RESTRICT ON UPDATE RESTRICT',
        },
      ],
      output: schema(
        post(
          'User      @relation(fields: [authorId], references: [id], onUpdate: Restrict, onDelete: Restrict)',
        ),
      ),
    },
    {
      name: 'relationMode = "prisma": Prisma Client emulates the action',
      code: [
        'datasource db {\n  provider     = "postgresql"\n  relationMode = "prisma"\n}\n',
        user,
        post('User      @relation(fields: [authorId], references: [id])'),
        comment,
      ].join('\n'),
      errors: [
        {
          message:
            'Relation Post.author has no onDelete: Prisma Client emulates Restrict (relationMode = "prisma")',
        },
      ],
      output: [
        'datasource db {\n  provider     = "postgresql"\n  relationMode = "prisma"\n}\n',
        user,
        post('User      @relation(fields: [authorId], references: [id], onDelete: Restrict)'),
        comment,
      ].join('\n'),
    },
  ],
});
