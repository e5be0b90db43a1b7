import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { lintProject } from '../../server/src/engine/lint';
import { tableWithoutPrimaryKey } from '../../server/src/engine/rules/table-without-primary-key';
import { ruleTester } from '../support/rule-tester';

const customers = 'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n';
const tags = 'CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n';

ruleTester(tableWithoutPrimaryKey, {
  valid: [
    'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);',
    {
      name: 'a table-level composite primary key',
      code:
        customers +
        tags +
        'CREATE TABLE customer_tags (\n  customer_id bigint NOT NULL REFERENCES customers (id),\n  tag_id bigint NOT NULL REFERENCES tags (id),\n  PRIMARY KEY (customer_id, tag_id)\n);',
    },
    {
      name: 'a primary key added later by ALTER TABLE',
      code: 'CREATE TABLE events (id bigint NOT NULL, payload jsonb);\nALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id);',
    },
    {
      name: 'a primary key added by a later migration',
      path: 'supabase/migrations/20240101000000_events.sql',
      code: 'CREATE TABLE events (id bigint NOT NULL, payload jsonb);',
      files: {
        'supabase/migrations/20240301000000_events_pk.sql': 'ALTER TABLE events ADD PRIMARY KEY (id);',
      },
    },
    {
      name: 'partitions get the key of their parent',
      code: "CREATE TABLE measurements (id bigint NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);\nCREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    },
    {
      name: 'LIKE … INCLUDING ALL copies the key',
      code: 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric(12,2));\nCREATE TABLE orders_archive (LIKE orders INCLUDING ALL);',
    },
    {
      name: 'temporary tables are scratch space',
      code: 'CREATE TEMPORARY TABLE import_rows (line text);',
    },
    {
      name: 'quoted names in a non-public schema',
      code: 'CREATE SCHEMA billing;\nCREATE TABLE billing."Invoice" ("invoiceId" uuid PRIMARY KEY DEFAULT gen_random_uuid());',
    },
  ],
  invalid: [
    {
      name: 'no id column: add an identity key as the first column',
      code:
        customers +
        'CREATE TABLE orders (\n  customer_id bigint NOT NULL REFERENCES customers (id),\n  placed_at timestamptz NOT NULL\n);',
      errors: [{ message: 'Table orders has no primary key', line: 2, column: 1 }],
      output:
        customers +
        'CREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id),\n  placed_at timestamptz NOT NULL\n);',
    },
    {
      name: 'an id column without a key is promoted',
      code: 'CREATE TABLE audit_log (id bigint NOT NULL, message text);',
      errors: [{ message: 'Table audit_log has no primary key' }],
      fixes: [
        {
          title: 'Add primary key audit_log (id)',
          output: 'CREATE TABLE audit_log (id bigint NOT NULL PRIMARY KEY, message text);',
        },
      ],
    },
    {
      name: 'a join table gets the composite key of its foreign keys',
      code:
        customers +
        tags +
        'CREATE TABLE customer_tags (\n  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,\n  tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,\n  created_at timestamptz NOT NULL DEFAULT now()\n);',
      errors: [{ message: 'Table customer_tags has no primary key', line: 3 }],
      output:
        customers +
        tags +
        'CREATE TABLE customer_tags (\n  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,\n  tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,\n  created_at timestamptz NOT NULL DEFAULT now(),\n  PRIMARY KEY (customer_id, tag_id)\n);',
    },
    {
      name: 'a join table with a surrogate id offers both keys',
      code:
        customers +
        tags +
        'CREATE TABLE customer_tags (id bigint NOT NULL, customer_id bigint REFERENCES customers, tag_id bigint REFERENCES tags);',
      errors: [{ message: 'Table customer_tags has no primary key' }],
      fixes: [
        {
          title: 'Add primary key customer_tags (customer_id, tag_id)',
          output:
            customers +
            tags +
            'CREATE TABLE customer_tags (id bigint NOT NULL, customer_id bigint REFERENCES customers, tag_id bigint REFERENCES tags, PRIMARY KEY (customer_id, tag_id));',
        },
        {
          title: 'Add primary key customer_tags (id)',
          output:
            customers +
            tags +
            'CREATE TABLE customer_tags (id bigint NOT NULL PRIMARY KEY, customer_id bigint REFERENCES customers, tag_id bigint REFERENCES tags);',
        },
      ],
    },
    {
      name: 'a partitioned table: the key holds the partition key',
      code: 'CREATE TABLE page_views (\n  path text NOT NULL,\n  viewed_at timestamptz NOT NULL\n) PARTITION BY RANGE (viewed_at);',
      errors: [{ message: 'Table page_views has no primary key' }],
      output:
        'CREATE TABLE page_views (\n  id bigint GENERATED ALWAYS AS IDENTITY,\n  path text NOT NULL,\n  viewed_at timestamptz NOT NULL,\n  PRIMARY KEY (id, viewed_at)\n) PARTITION BY RANGE (viewed_at);',
    },
    {
      name: 'quoted names in a non-public schema; the id added later by ALTER is promoted by ALTER',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."LoginAttempt" ("userName" text, "at" timestamptz);\nALTER TABLE app."LoginAttempt" ADD COLUMN id bigint NOT NULL;\n',
      errors: [{ message: 'Table LoginAttempt has no primary key', line: 2 }],
      output:
        'CREATE SCHEMA app;\nCREATE TABLE app."LoginAttempt" ("userName" text, "at" timestamptz);\nALTER TABLE app."LoginAttempt" ADD COLUMN id bigint NOT NULL;\nALTER TABLE app."LoginAttempt" ADD PRIMARY KEY (id);\n',
    },
    {
      name: 'an INHERITS child does not inherit the key: its inherited id is promoted',
      code: 'CREATE TABLE vehicles (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);\nCREATE TABLE trucks (payload_kg integer) INHERITS (vehicles);',
      errors: [{ message: 'Table trucks has no primary key', line: 2 }],
      output:
        'CREATE TABLE vehicles (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);\nCREATE TABLE trucks (payload_kg integer) INHERITS (vehicles);\nALTER TABLE trucks ADD PRIMARY KEY (id);',
    },
    {
      name: 'the newest migration creates the table: fixed in place',
      path: 'supabase/migrations/20240201000000_sessions.sql',
      files: { 'supabase/migrations/20240101000000_init.sql': customers },
      code: 'CREATE TABLE sessions (customer_id bigint REFERENCES customers (id), token text NOT NULL);\n',
      errors: [{ message: 'Table sessions has no primary key' }],
      output:
        'CREATE TABLE sessions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint REFERENCES customers (id), token text NOT NULL);\n',
    },
  ],
});

describe('table-without-primary-key in an applied migration', () => {
  it('adds the key in the newest migration, not in the applied one', async () => {
    const first = 'supabase/migrations/20240101000000_init.sql';
    const second = 'supabase/migrations/20240201000000_more.sql';
    const { findings } = await lintProject(
      [
        { path: first, text: 'CREATE TABLE sessions (token text NOT NULL);\n' },
        { path: second, text: 'CREATE TABLE notes (id bigint PRIMARY KEY);' },
      ],
      { rules: [tableWithoutPrimaryKey] },
    );
    assert.equal(findings.length, 1);
    assert.equal(findings[0].file, first);
    assert.deepEqual(
      findings[0].fixes.map((f) => f.edits),
      [
        [
          {
            file: second,
            start: 43,
            end: 43,
            newText:
              '\nALTER TABLE sessions ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;\n',
          },
        ],
      ],
    );
  });
});

// Its columns are the query's: a fix that writes a column definition would land in the SELECT list.
test('a table made by CREATE TABLE … AS SELECT: reported, no fix writes into its query', async () => {
  const text =
    'CREATE TABLE src (id bigint PRIMARY KEY, amount numeric(12,2) NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\n' +
    'CREATE TABLE daily AS SELECT id, amount > 100 AS is_big, amount AS total FROM src;\n' +
    'SELECT id, created_at INTO snapshot FROM src;\n';
  const { findings } = await lintProject([{ path: 'schema.sql', text }]);
  const onQueries = findings.filter((f) => f.start >= text.indexOf('CREATE TABLE daily'));
  assert.deepEqual([...new Set(onQueries.map((f) => f.ruleId))].sort(), [
    'boolean-nullable',
    'missing-audit-columns',
    'missing-default',
    'table-without-primary-key',
  ]);
  assert.deepEqual(
    onQueries.filter((f) => f.fixes.length > 0).map((f) => `${f.ruleId}: ${f.fixes[0].title}`),
    [],
  );
});
