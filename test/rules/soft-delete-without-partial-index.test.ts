import { softDeleteWithoutPartialIndex } from '../../server/src/engine/rules/soft-delete-without-partial-index';
import { ruleTester } from '../support/rule-tester';

const orders =
  'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  status text NOT NULL,\n  deleted_at timestamptz\n);\n';

ruleTester(softDeleteWithoutPartialIndex, {
  valid: [
    orders + 'CREATE INDEX orders_active_idx ON orders (id) WHERE deleted_at IS NULL;',
    {
      name: 'a partial index whose predicate ANDs deleted_at IS NULL with more',
      code:
        orders +
        "CREATE INDEX orders_open_idx ON orders (status) WHERE status = 'open' AND deleted_at IS NULL;",
    },
    {
      name: 'a partial unique index counts',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, deleted_at timestamptz);\nCREATE UNIQUE INDEX users_email_key ON users (email) WHERE deleted_at IS NULL;',
    },
    {
      name: 'no soft-delete column',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, archived_at timestamptz);',
    },
    {
      name: 'a NOT NULL deleted_at is not a NULL-means-live soft delete',
      code: "CREATE TABLE orders (id bigint PRIMARY KEY, deleted_at timestamptz NOT NULL DEFAULT 'infinity');",
    },
    {
      name: 'the configured column is another one',
      config: { softDeleteColumn: 'archived_at' },
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, deleted_at timestamptz, archived_at timestamptz);\nCREATE INDEX ON orders (id) WHERE archived_at IS NULL;',
    },
    {
      name: 'a partition gets the index of its parent',
      code: "CREATE TABLE events (id bigint, at date, deleted_at timestamptz, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);\nCREATE INDEX events_active_idx ON events (id, at) WHERE deleted_at IS NULL;\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    },
    {
      name: 'quoted names in a non-public schema',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Members" ("orgId" bigint, "userId" bigint, deleted_at timestamptz, PRIMARY KEY ("orgId", "userId"));\nCREATE INDEX "Members_active" ON app."Members" ("orgId") WHERE (deleted_at IS NULL);',
    },
    {
      name: 'deleted_at added by ALTER TABLE, with its index',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN deleted_at timestamptz;\nCREATE INDEX CONCURRENTLY orders_live_idx ON orders (id) WHERE deleted_at IS NULL;',
    },
    {
      name: 'a later migration adds the partial index',
      path: 'supabase/migrations/20240101000000_orders.sql',
      code: orders,
      files: {
        'supabase/migrations/20240301000000_orders_active.sql':
          'CREATE INDEX orders_active_idx ON orders (id) WHERE deleted_at IS NULL;',
      },
    },
  ],
  invalid: [
    {
      code: orders,
      errors: [
        {
          message: 'Table orders has deleted_at but no index WHERE deleted_at IS NULL',
          line: 4,
          column: 3,
          text: 'deleted_at timestamptz',
        },
      ],
      output: orders.replace(
        /;\n$/,
        ';\nCREATE INDEX orders_active_idx ON orders (id) WHERE deleted_at IS NULL;\n',
      ),
    },
    {
      name: 'other predicates do not count; the generated name avoids a collision',
      code:
        orders +
        "CREATE INDEX orders_active_idx ON orders (status) WHERE status <> 'cancelled';\nCREATE INDEX orders_deleted_idx ON orders (deleted_at) WHERE deleted_at IS NOT NULL;\nCREATE INDEX orders_either_idx ON orders (id) WHERE deleted_at IS NULL OR status = 'open';\nCREATE INDEX ON orders (deleted_at);",
      errors: [{ message: 'Table orders has deleted_at but no index WHERE deleted_at IS NULL' }],
      fixes: [
        {
          title: 'Add partial index on orders (id) WHERE deleted_at IS NULL',
          output:
            orders.replace(
              /;\n$/,
              ';\nCREATE INDEX orders_active_idx_1 ON orders (id) WHERE deleted_at IS NULL;\n',
            ) +
            "CREATE INDEX orders_active_idx ON orders (status) WHERE status <> 'cancelled';\nCREATE INDEX orders_deleted_idx ON orders (deleted_at) WHERE deleted_at IS NOT NULL;\nCREATE INDEX orders_either_idx ON orders (id) WHERE deleted_at IS NULL OR status = 'open';\nCREATE INDEX ON orders (deleted_at);",
        },
      ],
    },
    {
      name: 'quoted names, a non-public schema and a composite primary key',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Members" ("orgId" bigint, "userId" bigint, deleted_at timestamptz, PRIMARY KEY ("orgId", "userId"));',
      errors: [{ message: 'Table Members has deleted_at but no index WHERE deleted_at IS NULL' }],
      output:
        'CREATE SCHEMA app;\nCREATE TABLE app."Members" ("orgId" bigint, "userId" bigint, deleted_at timestamptz, PRIMARY KEY ("orgId", "userId"));\nCREATE INDEX "Members_active_idx" ON app."Members" ("orgId", "userId") WHERE deleted_at IS NULL;',
    },
    {
      name: 'deleted_at added by ALTER TABLE: the index goes after it',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN deleted_at timestamptz;\nCOMMENT ON TABLE orders IS $$Orders; soft-deleted$$;',
      errors: [{ line: 2, column: 31, text: 'deleted_at timestamptz' }],
      output:
        'CREATE TABLE orders (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN deleted_at timestamptz;\nCREATE INDEX orders_active_idx ON orders (id) WHERE deleted_at IS NULL;\nCOMMENT ON TABLE orders IS $$Orders; soft-deleted$$;',
    },
    {
      name: 'in the newest migration of a folder',
      path: 'db/migrations/002_soft_delete.up.sql',
      files: {
        'db/migrations/001_init.up.sql': 'CREATE TABLE invoices (id uuid PRIMARY KEY, total numeric(12,2));',
        'db/migrations/001_init.down.sql': 'DROP TABLE invoices;',
        'db/migrations/002_soft_delete.down.sql': 'ALTER TABLE invoices DROP COLUMN deleted_at;',
      },
      code: 'ALTER TABLE invoices ADD COLUMN deleted_at timestamptz;\n',
      errors: [{ message: 'Table invoices has deleted_at but no index WHERE deleted_at IS NULL' }],
      output:
        'ALTER TABLE invoices ADD COLUMN deleted_at timestamptz;\nCREATE INDEX invoices_active_idx ON invoices (id) WHERE deleted_at IS NULL;\n',
    },
    {
      name: 'the configured soft-delete column',
      config: { softDeleteColumn: 'archived_at' },
      code: 'CREATE TABLE projects (id bigint PRIMARY KEY, archived_at timestamptz);',
      errors: [{ message: 'Table projects has archived_at but no index WHERE archived_at IS NULL' }],
      output:
        'CREATE TABLE projects (id bigint PRIMARY KEY, archived_at timestamptz);\nCREATE INDEX projects_active_idx ON projects (id) WHERE archived_at IS NULL;',
    },
    {
      name: 'neither a primary key nor an id column: reported without a fix',
      code: 'CREATE TABLE audit_log (happened_at timestamptz NOT NULL, entry jsonb, deleted_at timestamptz);',
      errors: [{ message: 'Table audit_log has deleted_at but no index WHERE deleted_at IS NULL' }],
      output: null,
    },
  ],
});
