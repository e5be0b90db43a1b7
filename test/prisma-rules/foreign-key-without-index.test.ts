import { foreignKeyWithoutIndex } from '../../server/src/engine/rules/foreign-key-without-index';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const user = `model User {
  id    BigInt @id @default(autoincrement())
  email String @unique
  posts Post[]
}
`;

const schema = (...models: string[]) => [DATASOURCE, user, ...models].join('\n');

prismaRuleTester(foreignKeyWithoutIndex, {
  valid: [
    schema(`model Post {
  id       BigInt @id @default(autoincrement())
  title    String
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt

  @@index([authorId])
}
`),
    {
      name: 'a composite @@index that starts with the relation field serves it',
      code: schema(`model Post {
  id          BigInt   @id @default(autoincrement())
  author      User     @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId    BigInt
  publishedAt DateTime @db.Timestamptz(3)

  @@index([authorId, publishedAt(sort: Desc)])
}
`),
    },
    {
      name: 'the relation field leads the @@id of a join model',
      code: schema(`model Tag {
  id    BigInt    @id @default(autoincrement())
  posts PostTag[]
}

model Post {
  id   BigInt    @id @default(autoincrement())
  user User      @relation(fields: [userId], references: [id], onDelete: Cascade)
  tags PostTag[]

  userId BigInt @unique
}

model PostTag {
  post   Post   @relation(fields: [postId], references: [id], onDelete: Cascade)
  postId BigInt
  tag    Tag    @relation(fields: [tagId], references: [id], onDelete: Cascade)
  tagId  BigInt

  @@id([postId, tagId])
  @@index([tagId])
}
`),
    },
    {
      name: 'a one-to-one relation: @unique on the relation field is its index',
      code: schema(`model Post {
  id       BigInt @id @default(autoincrement())
  author   User   @relation(fields: [authorId], references: [id])
  authorId BigInt @unique
}
`),
    },
    {
      name: 'implicit many-to-many: Prisma indexes both columns of _PostToTag',
      code: [
        DATASOURCE,
        `model Post {
  id   BigInt @id @default(autoincrement())
  tags Tag[]
}
`,
        `model Tag {
  id    BigInt @id @default(autoincrement())
  posts Post[]
}
`,
      ].join('\n'),
    },
    {
      name: 'relationMode = "prisma" with the index Prisma asks for',
      code: [
        'datasource db {\n  provider     = "postgresql"\n  relationMode = "prisma"\n}\n',
        user,
        `model Post {
  id       BigInt @id @default(autoincrement())
  author   User   @relation(fields: [authorId], references: [id])
  authorId BigInt

  @@index([authorId])
}
`,
      ].join('\n'),
    },
  ],
  invalid: [
    {
      // Prisma refuses two indexes named Post_authorId_idx: the new one gets a name of its own.
      name: 'the default index name is taken by another index: the new one gets map: with a free name',
      code: schema(`model Post {
  id       BigInt @id @default(autoincrement())
  title    String
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt

  @@index([title, authorId], map: "Post_authorId_idx")
}
`),
      errors: [{ message: 'Foreign key Post.authorId has no index' }],
      output: schema(`model Post {
  id       BigInt @id @default(autoincrement())
  title    String
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt

  @@index([title, authorId], map: "Post_authorId_idx")
  @@index([authorId], map: "Post_authorId_idx_1")
}
`),
    },
    {
      code: schema(`model Post {
  id       BigInt @id @default(autoincrement())
  title    String
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt
}
`),
      errors: [
        {
          message: 'Foreign key Post.authorId has no index',
          text: 'author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)',
        },
      ],
      output: schema(`model Post {
  id       BigInt @id @default(autoincrement())
  title    String
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt

  @@index([authorId])
}
`),
      fixes: [
        {
          title: 'Add @@index([authorId]) to Post',
          output: schema(`model Post {
  id       BigInt @id @default(autoincrement())
  title    String
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt

  @@index([authorId])
}
`),
        },
      ],
    },
    {
      name: 'Prisma names in the message; the index goes between @@unique and @@map, in Prisma’s order',
      code: schema(`model Post {
  id       BigInt @id @default(autoincrement())
  slug     String
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt @map("author_id")

  @@unique([slug, authorId])
  @@map("posts")
}
`),
      errors: [{ message: 'Foreign key Post.authorId has no index', line: 14, column: 3 }],
      output: schema(`model Post {
  id       BigInt @id @default(autoincrement())
  slug     String
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt @map("author_id")

  @@unique([slug, authorId])
  @@index([authorId])
  @@map("posts")
}
`),
    },
    {
      name: 'two relations of one model: both indexes, in one run of --fix',
      code: schema(`model Comment {
  id       BigInt @id @default(autoincrement())
  body     String
  post     Post   @relation(fields: [postId], references: [id], onDelete: Cascade)
  postId   BigInt @map("post_id")
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt @map("author_id")

  @@map("comments")
}

model Post {
  id       BigInt    @id @default(autoincrement())
  author   User      @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt
  comments Comment[]

  @@index([authorId])
}
`)
        .replace('  posts Post[]\n', '  posts    Post[]\n  comments Comment[]\n')
        .replace('  id    BigInt @id', '  id       BigInt    @id')
        .replace('  email String @unique', '  email    String    @unique'),
      errors: [
        { message: 'Foreign key Comment.postId has no index' },
        { message: 'Foreign key Comment.authorId has no index' },
      ],
      output: schema(`model Comment {
  id       BigInt @id @default(autoincrement())
  body     String
  post     Post   @relation(fields: [postId], references: [id], onDelete: Cascade)
  postId   BigInt @map("post_id")
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt @map("author_id")

  @@index([postId])
  @@index([authorId])
  @@map("comments")
}

model Post {
  id       BigInt    @id @default(autoincrement())
  author   User      @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId BigInt
  comments Comment[]

  @@index([authorId])
}
`)
        .replace('  posts Post[]\n', '  posts    Post[]\n  comments Comment[]\n')
        .replace('  id    BigInt @id', '  id       BigInt    @id')
        .replace('  email String @unique', '  email    String    @unique'),
    },
    {
      name: 'relationMode = "prisma": the message says why the index matters more',
      code: [
        'datasource db {\n  provider     = "postgresql"\n  relationMode = "prisma"\n}\n',
        user,
        `model Post {
  id       BigInt @id @default(autoincrement())
  author   User   @relation(fields: [authorId], references: [id])
  authorId BigInt
}
`,
      ].join('\n'),
      errors: [
        {
          message:
            'Foreign key Post.authorId has no index; with relationMode = "prisma" there is no foreign key in the database and Prisma Client emulates it with queries on these fields: every relation query and every delete or update of User scans Post',
        },
      ],
      output: [
        'datasource db {\n  provider     = "postgresql"\n  relationMode = "prisma"\n}\n',
        user,
        `model Post {
  id       BigInt @id @default(autoincrement())
  author   User   @relation(fields: [authorId], references: [id])
  authorId BigInt

  @@index([authorId])
}
`,
      ].join('\n'),
    },
  ],
});
