import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintProject } from '../../server/src/engine/lint';
import { foreignKeyWithoutIndex } from '../../server/src/engine/rules/foreign-key-without-index';
import { ruleTester } from '../support/rule-tester';

const customers = 'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n';

ruleTester(foreignKeyWithoutIndex, {
  valid: [
    customers +
      'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE CASCADE);\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);',
    {
      // PostgreSQL 18 plans the foreign key's check (WHERE customer_id = $1) with both.
      name: 'a partial index WHERE the FK column IS NOT NULL, and a hash index on it',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), referrer_id bigint REFERENCES customers (id));\nCREATE INDEX ON orders (customer_id) WHERE customer_id IS NOT NULL;\nCREATE INDEX ON orders USING hash (referrer_id);',
    },
    {
      name: 'a composite index that starts with the FK column serves it',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), placed_at timestamptz);\nCREATE INDEX ON orders (customer_id, placed_at);',
    },
    {
      name: 'the FK column leads the primary key (join table)',
      code:
        customers +
        'CREATE TABLE tags (id bigint PRIMARY KEY);\nCREATE TABLE customer_tags (customer_id bigint REFERENCES customers, tag_id bigint REFERENCES tags, PRIMARY KEY (customer_id, tag_id));\nCREATE INDEX ON customer_tags (tag_id);',
    },
    {
      name: 'a unique constraint on the FK column is an index',
      code:
        customers +
        'CREATE TABLE profiles (id bigint PRIMARY KEY, customer_id bigint UNIQUE REFERENCES customers (id));',
    },
    {
      name: 'composite FK covered by an index in another column order',
      code: 'CREATE TABLE a (x int, y int, PRIMARY KEY (x, y));\nCREATE TABLE b (id int PRIMARY KEY, x int, y int, FOREIGN KEY (x, y) REFERENCES a (x, y));\nCREATE INDEX ON b (y, x);',
    },
    {
      name: 'an index added in a later migration answers the FK of an earlier one',
      path: 'supabase/migrations/20240101000000_orders.sql',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));',
      files: {
        'supabase/migrations/20240201000000_index.sql':
          'CREATE INDEX orders_customer_idx ON orders (customer_id);',
      },
    },
    {
      name: 'partitions inherit the parent index',
      code:
        customers +
        "CREATE TABLE events (id bigint, customer_id bigint REFERENCES customers (id), at date) PARTITION BY RANGE (at);\nCREATE INDEX ON events (customer_id);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    },
    {
      name: 'the FK column added by ALTER TABLE with its index',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN customer_id bigint REFERENCES customers (id);\nCREATE INDEX ON orders (customer_id);',
    },
  ],
  invalid: [
    {
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE CASCADE);',
      errors: [
        {
          message: 'Foreign key orders.customer_id has no index',
          line: 2,
          text: 'REFERENCES customers (id) ON DELETE CASCADE',
        },
      ],
      output:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE CASCADE);\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);',
    },
    {
      // pg_dump sets the search_path to '': `ON child` alone would not be found.
      name: 'a pg_dump file (search_path emptied): the index names public.child in full',
      code: "SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE public.parent (id bigint PRIMARY KEY);\nCREATE TABLE public.child (id bigint PRIMARY KEY, parent_id bigint);\nALTER TABLE ONLY public.child ADD CONSTRAINT child_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.parent(id) ON DELETE CASCADE;\n",
      errors: [{ message: 'Foreign key child.parent_id has no index' }],
      output:
        "SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE public.parent (id bigint PRIMARY KEY);\nCREATE TABLE public.child (id bigint PRIMARY KEY, parent_id bigint);\nALTER TABLE ONLY public.child ADD CONSTRAINT child_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.parent(id) ON DELETE CASCADE;\nCREATE INDEX child_parent_id_idx ON public.child (parent_id);\n",
    },
    {
      // Right after the CREATE TABLE, `ON purchases` would name a table that does not exist yet.
      name: 'a table renamed after its foreign key: the index follows the rename',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE CASCADE);\nALTER TABLE orders RENAME TO purchases;\n',
      errors: [{ message: 'Foreign key purchases.customer_id has no index' }],
      output:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE CASCADE);\nALTER TABLE orders RENAME TO purchases;\nCREATE INDEX purchases_customer_id_idx ON purchases (customer_id);\n',
    },
    {
      name: 'a table moved to another schema after its foreign key: the index follows the move',
      code:
        'CREATE SCHEMA app;\n' +
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE CASCADE);\nALTER TABLE orders SET SCHEMA app;\n',
      errors: [{ message: 'Foreign key orders.customer_id has no index' }],
      output:
        'CREATE SCHEMA app;\n' +
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE CASCADE);\nALTER TABLE orders SET SCHEMA app;\nCREATE INDEX orders_customer_id_idx ON app.orders (customer_id);\n',
    },
    {
      name: 'the last statement of the file without its `;`: the fix adds it',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE CASCADE)',
      errors: [{ message: 'Foreign key orders.customer_id has no index' }],
      output:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE CASCADE);\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);',
    },
    {
      name: 'a partial index does not serve the FK; the generated name avoids a collision',
      code:
        customers +
        'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  customer_id bigint,\n  deleted_at timestamptz,\n  CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)\n);\nCREATE INDEX orders_customer_id_idx ON orders (customer_id) WHERE deleted_at IS NULL;\n',
      errors: [
        {
          line: 6,
          column: 3,
          text: 'CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)',
        },
      ],
      output:
        customers +
        'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  customer_id bigint,\n  deleted_at timestamptz,\n  CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)\n);\nCREATE INDEX orders_customer_id_idx_1 ON orders (customer_id);\nCREATE INDEX orders_customer_id_idx ON orders (customer_id) WHERE deleted_at IS NULL;\n',
    },
    {
      name: 'the FK is the second column of an index',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, placed_at date, customer_id bigint REFERENCES customers (id));\nCREATE INDEX ON orders (placed_at, customer_id);',
      errors: [{ message: 'Foreign key orders.customer_id has no index' }],
      output:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, placed_at date, customer_id bigint REFERENCES customers (id));\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\nCREATE INDEX ON orders (placed_at, customer_id);',
    },
    {
      name: 'quoted names and a non-public schema',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Users" (id bigint PRIMARY KEY);\nCREATE TABLE app."Posts" (id bigint PRIMARY KEY, "authorId" bigint REFERENCES app."Users" (id));',
      errors: [{ message: 'Foreign key Posts.authorId has no index' }],
      output:
        'CREATE SCHEMA app;\nCREATE TABLE app."Users" (id bigint PRIMARY KEY);\nCREATE TABLE app."Posts" (id bigint PRIMARY KEY, "authorId" bigint REFERENCES app."Users" (id));\nCREATE INDEX "Posts_authorId_idx" ON app."Posts" ("authorId");',
    },
    {
      name: 'in a golang-migrate file: sent as one query (one transaction), so no CONCURRENTLY',
      path: 'db/migrations/002_orders_customer.up.sql',
      files: {
        'db/migrations/001_init.up.sql':
          customers + 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);',
        'db/migrations/001_init.down.sql': 'DROP TABLE orders; DROP TABLE customers;',
        'db/migrations/002_orders_customer.down.sql':
          'ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;',
      },
      code: 'ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
      errors: [{ message: 'Foreign key orders.customer_id has no index' }],
      output:
        'ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\n',
    },
    {
      name: 'in a numbered folder (run statement by statement, no transaction) on an existing table: CONCURRENTLY',
      path: 'migrations/002_orders_customer.sql',
      files: {
        'migrations/001_init.sql':
          customers + 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);',
      },
      code: 'ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);\n',
      errors: [{ message: 'Foreign key orders.customer_id has no index' }],
      output:
        'ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n',
    },
    {
      name: 'in a numbered file with its own BEGIN … COMMIT: no CONCURRENTLY',
      path: 'migrations/002_orders_customer.sql',
      files: {
        'migrations/001_init.sql':
          customers + 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);',
      },
      code: 'BEGIN;\nALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);\nCOMMIT;\n',
      errors: [{ message: 'Foreign key orders.customer_id has no index' }],
      output:
        'BEGIN;\nALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\nCOMMIT;\n',
    },
  ],
});

// V1 has run: Flyway would refuse its new checksum, and the databases migrated never get the index.
test('foreign-key-without-index: a key in an applied Flyway migration gets its index in the newest one', async () => {
  const files = [
    {
      path: 'db/migration/V1__init.sql',
      text:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE CASCADE);\n',
    },
    { path: 'db/migration/V2__notes.sql', text: 'CREATE TABLE notes (id bigint PRIMARY KEY);\n' },
  ];
  const { findings } = await lintProject(files, { rules: [foreignKeyWithoutIndex] });
  assert.deepEqual(
    findings.map((f) => [f.file, f.message]),
    [['db/migration/V1__init.sql', 'Foreign key orders.customer_id has no index']],
  );
  assert.deepEqual(findings[0].fixes[0].edits, [
    {
      file: 'db/migration/V2__notes.sql',
      start: files[1].text.length,
      end: files[1].text.length,
      newText: 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n',
    },
  ]);
});
