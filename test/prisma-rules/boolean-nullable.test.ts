import { booleanNullable } from '../../server/src/engine/rules/boolean-nullable';
import { DATASOURCE, prismaRuleTester } from '../support/prisma-rule-tester';

const schema = (...models: string[]) => [DATASOURCE, ...models].join('\n');

prismaRuleTester(booleanNullable, {
  valid: [
    schema(`model User {
  id       BigInt  @id @default(autoincrement())
  isAdmin  Boolean @default(false)
  verified Boolean
}
`),
    {
      name: 'a list of flags is something else',
      code: schema(`model Survey {
  id      BigInt    @id @default(autoincrement())
  answers Boolean[]
}
`),
    },
    {
      name: 'a mapped required flag',
      code: schema(`model Post {
  id        BigInt  @id @default(autoincrement())
  published Boolean @default(false) @map("is_published")

  @@map("posts")
}
`),
    },
  ],
  invalid: [
    {
      code: schema(`model User {
  id      BigInt   @id @default(autoincrement())
  email   String   @unique
  isAdmin Boolean?
}
`),
      errors: [{ message: 'Field User.isAdmin is a nullable Boolean', text: 'isAdmin Boolean?', line: 8 }],
      output: schema(`model User {
  id      BigInt  @id @default(autoincrement())
  email   String  @unique
  isAdmin Boolean @default(false)
}
`),
      fixes: [
        {
          title: 'Make User.isAdmin Boolean @default(false)',
          output: schema(`model User {
  id      BigInt  @id @default(autoincrement())
  email   String  @unique
  isAdmin Boolean @default(false)
}
`),
        },
      ],
    },
    {
      name: 'a nullable flag with a default only loses its ?',
      code: schema(`model Post {
  id        BigInt   @id @default(autoincrement())
  published Boolean? @default(true) @map("is_published") // shown on the front page

  @@map("posts")
}
`),
      errors: [{ message: 'Field Post.published is a nullable Boolean' }],
      output: schema(`model Post {
  id        BigInt  @id @default(autoincrement())
  published Boolean @default(true) @map("is_published") // shown on the front page

  @@map("posts")
}
`),
      fixes: [
        {
          title: 'Make Post.published required',
          output: schema(`model Post {
  id        BigInt  @id @default(autoincrement())
  published Boolean @default(true) @map("is_published") // shown on the front page

  @@map("posts")
}
`),
        },
      ],
    },
  ],
});
