import { timestampWithoutTimeZone } from '../../server/src/engine/rules/timestamp-without-time-zone';
import { ruleTester } from '../support/rule-tester';

ruleTester(timestampWithoutTimeZone, {
  valid: [
    {
      name: "a foreign table: its columns are the remote table's",
      code: 'CREATE FOREIGN TABLE legacy_orders (id bigint NOT NULL, placed_at timestamp NOT NULL) SERVER legacy;',
    },
    'CREATE TABLE events (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  happened_at timestamptz NOT NULL DEFAULT now()\n);',
    {
      name: 'spelled out with time zone, and with a precision',
      code: 'CREATE TABLE events (\n  id bigint PRIMARY KEY,\n  happened_at timestamp with time zone NOT NULL,\n  recorded_at timestamptz(3)\n);',
    },
    {
      name: 'date and time columns are not timestamps',
      code: 'CREATE TABLE shifts (id bigint PRIMARY KEY, day date NOT NULL, starts time NOT NULL, ends time with time zone);',
    },
    {
      name: 'an array of timestamps is left alone',
      code: 'CREATE TABLE schedules (id bigint PRIMARY KEY, slots timestamp[] NOT NULL);',
    },
    {
      name: 'a domain over timestamp is a deliberate choice',
      code: 'CREATE DOMAIN local_time_of_day AS timestamp;\nCREATE TABLE alarms (id bigint PRIMARY KEY, rings_at local_time_of_day NOT NULL);',
    },
    {
      name: 'quoted names in a non-public schema',
      code: 'CREATE SCHEMA audit;\nCREATE TABLE audit."Log" ("Id" bigint PRIMARY KEY, "createdAt" timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP);',
    },
    {
      name: 'a later migration changes the column to timestamptz',
      path: 'supabase/migrations/20240101000000_events.sql',
      code: 'CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp NOT NULL);',
      files: {
        'supabase/migrations/20240301000000_events_tz.sql':
          "ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz USING happened_at AT TIME ZONE 'UTC';",
      },
    },
    {
      name: 'a later ALTER TABLE drops the column',
      code: 'CREATE TABLE events (id bigint PRIMARY KEY, legacy_at timestamp);\nALTER TABLE events DROP COLUMN legacy_at;',
    },
  ],
  invalid: [
    {
      name: 'tsrange of the column in a view: no fix (it takes no timestamptz)',
      code: 'CREATE TABLE stays (id bigint PRIMARY KEY, starts_at timestamp NOT NULL, ends_at timestamp NOT NULL);\nCREATE VIEW stay_periods AS SELECT id, tsrange(starts_at, ends_at) AS period FROM stays;',
      errors: [
        { message: 'Column stays.starts_at uses timestamp without time zone' },
        { message: 'Column stays.ends_at uses timestamp without time zone' },
      ],
      output: null,
    },
    {
      name: 'a materialized view with an expression index on another column: the fix stays',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, created_at timestamp NOT NULL);\nCREATE MATERIALIZED VIEW user_search AS SELECT id, email, created_at FROM users;\nCREATE INDEX ON user_search (lower(email));',
      errors: [{ message: 'Column users.created_at uses timestamp without time zone' }],
      output:
        'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL);\nCREATE MATERIALIZED VIEW user_search AS SELECT id, email, created_at FROM users;\nCREATE INDEX ON user_search (lower(email));',
    },
    {
      name: 'predicates comparing with plain literals (BETWEEN, IN, IS DISTINCT FROM): the fixes stay',
      code: "CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamp NOT NULL, closed_at timestamp);\nCREATE INDEX events_2024_idx ON events (id) WHERE created_at BETWEEN '2024-01-01' AND '2025-01-01';\nCREATE INDEX events_open_idx ON events (id) WHERE closed_at IS DISTINCT FROM '2000-01-01' AND closed_at NOT IN ('1999-01-01', '1999-06-01');",
      errors: [
        { message: 'Column events.created_at uses timestamp without time zone' },
        { message: 'Column events.closed_at uses timestamp without time zone' },
      ],
      output:
        "CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, closed_at timestamptz);\nCREATE INDEX events_2024_idx ON events (id) WHERE created_at BETWEEN '2024-01-01' AND '2025-01-01';\nCREATE INDEX events_open_idx ON events (id) WHERE closed_at IS DISTINCT FROM '2000-01-01' AND closed_at NOT IN ('1999-01-01', '1999-06-01');",
    },
    {
      name: 'a predicate comparing with a typed value or another column, or a materialized view index: no fix',
      code: "CREATE TABLE sessions (id bigint PRIMARY KEY, created_at timestamp(6) without time zone NOT NULL);\nCREATE INDEX index_sessions_recent ON sessions USING btree (id) WHERE (created_at > '2024-01-01 00:00:00'::timestamp without time zone);\nCREATE TABLE shifts (id bigint PRIMARY KEY, starts_at timestamp NOT NULL, ends_at timestamp);\nCREATE INDEX shifts_open_idx ON shifts (id) WHERE ends_at IS NULL OR ends_at > starts_at;\nCREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp NOT NULL);\nCREATE MATERIALIZED VIEW event_days AS SELECT id, happened_at FROM events;\nCREATE INDEX ON event_days (date_trunc('day', happened_at));",
      errors: [
        { message: 'Column sessions.created_at uses timestamp without time zone' },
        { message: 'Column shifts.starts_at uses timestamp without time zone' },
        { message: 'Column shifts.ends_at uses timestamp without time zone' },
        { message: 'Column events.happened_at uses timestamp without time zone' },
      ],
      output: null,
    },
    {
      name: 'an exclusion constraint over a range of the column: no fix (tsrange takes no timestamptz)',
      code: 'CREATE TABLE bookings (\n  id bigint PRIMARY KEY,\n  starts_at timestamp NOT NULL,\n  ends_at timestamp NOT NULL,\n  EXCLUDE USING gist (tsrange(starts_at, ends_at) WITH &&)\n);',
      errors: [
        { message: 'Column bookings.starts_at uses timestamp without time zone' },
        { message: 'Column bookings.ends_at uses timestamp without time zone' },
      ],
      output: null,
    },
    {
      name: 'a foreign key between timestamps, and a predicate comparing the column: the fixes stay',
      code: "CREATE TABLE slots (starts_at timestamp PRIMARY KEY);\nCREATE TABLE visits (id bigint PRIMARY KEY, slot_at timestamp NOT NULL REFERENCES slots (starts_at));\nCREATE INDEX visits_recent_idx ON visits (id) WHERE slot_at > '2024-01-01' AND slot_at IS NOT NULL;",
      errors: [
        { message: 'Column slots.starts_at uses timestamp without time zone' },
        { message: 'Column visits.slot_at uses timestamp without time zone' },
      ],
      output:
        "CREATE TABLE slots (starts_at timestamptz PRIMARY KEY);\nCREATE TABLE visits (id bigint PRIMARY KEY, slot_at timestamptz NOT NULL REFERENCES slots (starts_at));\nCREATE INDEX visits_recent_idx ON visits (id) WHERE slot_at > '2024-01-01' AND slot_at IS NOT NULL;",
    },
    {
      name: 'a partition key expression, and a generated column over a renamed column: no fix',
      code: "CREATE TABLE hits (id bigint NOT NULL, hit_at timestamp NOT NULL) PARTITION BY RANGE (date_trunc('day', hit_at));\nCREATE TABLE stays (id bigint PRIMARY KEY, arrived timestamp NOT NULL, night date GENERATED ALWAYS AS (arrived::date) STORED);\nALTER TABLE stays RENAME COLUMN arrived TO arrived_at;",
      errors: [
        { message: 'Column hits.hit_at uses timestamp without time zone' },
        { message: 'Column stays.arrived_at uses timestamp without time zone' },
      ],
      output: null,
    },
    {
      name: 'an index expression or generated column that timestamptz would make not immutable: no fix',
      code: "CREATE TABLE events (\n  id bigint PRIMARY KEY,\n  happened_at timestamp NOT NULL,\n  day date GENERATED ALWAYS AS (happened_at::date) STORED\n);\nCREATE TABLE visits (id bigint PRIMARY KEY, seen_at timestamp NOT NULL);\nCREATE INDEX visits_day_idx ON visits (date_trunc('day', seen_at));",
      errors: [
        { message: 'Column events.happened_at uses timestamp without time zone' },
        { message: 'Column visits.seen_at uses timestamp without time zone' },
      ],
      output: null,
    },
    {
      name: 'an operator class of timestamp, and a partition attached with its own columns: no fix',
      code: 'CREATE TABLE logs (id bigint NOT NULL, logged_at timestamp NOT NULL) PARTITION BY LIST (id);\nCREATE TABLE logs_1 (id bigint NOT NULL, logged_at timestamp NOT NULL);\nALTER TABLE logs ATTACH PARTITION logs_1 FOR VALUES IN (1);\nCREATE TABLE readings (id bigint PRIMARY KEY, taken_at timestamp NOT NULL);\nCREATE INDEX ON readings USING brin (taken_at timestamp_minmax_ops);',
      errors: [
        { message: 'Column logs.logged_at uses timestamp without time zone' },
        { message: 'Column logs_1.logged_at uses timestamp without time zone' },
        { message: 'Column readings.taken_at uses timestamp without time zone' },
      ],
      output: null,
    },
    {
      name: 'a partial index that only tests the column for NULL keeps the fix',
      code: 'CREATE TABLE posts (id bigint PRIMARY KEY, deleted_at timestamp);\nCREATE INDEX posts_live_idx ON posts (id) WHERE deleted_at IS NULL;',
      errors: [{ message: 'Column posts.deleted_at uses timestamp without time zone' }],
      output:
        'CREATE TABLE posts (id bigint PRIMARY KEY, deleted_at timestamptz);\nCREATE INDEX posts_live_idx ON posts (id) WHERE deleted_at IS NULL;',
    },
    {
      code: 'CREATE TABLE events (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  happened_at timestamp NOT NULL DEFAULT now()\n);',
      errors: [
        {
          message: 'Column events.happened_at uses timestamp without time zone',
          line: 3,
          column: 15,
          text: 'timestamp',
        },
      ],
      output:
        'CREATE TABLE events (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  happened_at timestamptz NOT NULL DEFAULT now()\n);',
    },
    {
      name: 'a Prisma migration: the precision is kept',
      path: 'prisma/migrations/20240101000000_init/migration.sql',
      code: 'CREATE TABLE "User" (\n    "id" TEXT NOT NULL,\n    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    "deletedAt" timestamp(6) without time zone,\n\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\n',
      errors: [
        { message: 'Column User.createdAt uses timestamp without time zone', text: 'TIMESTAMP(3)' },
        {
          message: 'Column User.deletedAt uses timestamp without time zone',
          text: 'timestamp(6) without time zone',
        },
      ],
      fixes: [
        {
          title: 'Change User.createdAt to timestamptz(3)',
          output:
            'CREATE TABLE "User" (\n    "id" TEXT NOT NULL,\n    "createdAt" timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    "deletedAt" timestamp(6) without time zone,\n\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\n',
        },
      ],
      output:
        'CREATE TABLE "User" (\n    "id" TEXT NOT NULL,\n    "createdAt" timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    "deletedAt" timestamptz(6),\n\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\n',
    },
    {
      name: 'a column added by ALTER TABLE in a non-public schema',
      code: 'CREATE SCHEMA billing;\nCREATE TABLE billing.invoices (id bigint PRIMARY KEY);\nALTER TABLE billing.invoices ADD COLUMN paid_at timestamp;',
      errors: [{ message: 'Column invoices.paid_at uses timestamp without time zone', line: 3 }],
      output:
        'CREATE SCHEMA billing;\nCREATE TABLE billing.invoices (id bigint PRIMARY KEY);\nALTER TABLE billing.invoices ADD COLUMN paid_at timestamptz;',
    },
    {
      name: 'ALTER COLUMN … TYPE timestamp: the fix changes the type where it was last written',
      code: 'CREATE TABLE events (id bigint PRIMARY KEY, happened_at text);\nALTER TABLE events ALTER COLUMN happened_at TYPE timestamp USING happened_at::timestamp;',
      errors: [{ line: 2, text: 'timestamp' }],
      output:
        'CREATE TABLE events (id bigint PRIMARY KEY, happened_at text);\nALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz USING happened_at::timestamp;',
    },
    {
      name: 'a partitioned table: one finding on the parent, not one per partition',
      code: "CREATE TABLE measurements (sensor_id bigint NOT NULL, taken_at timestamp NOT NULL, value numeric) PARTITION BY RANGE (taken_at);\nCREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
      errors: [{ message: 'Column measurements.taken_at uses timestamp without time zone' }],
      output:
        "CREATE TABLE measurements (sensor_id bigint NOT NULL, taken_at timestamptz NOT NULL, value numeric) PARTITION BY RANGE (taken_at);\nCREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    },
    {
      name: 'an earlier migration cannot be edited in place: reported without a fix',
      path: 'supabase/migrations/20240101000000_events.sql',
      code: 'CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp NOT NULL);',
      files: {
        'supabase/migrations/20240201000000_more.sql': 'ALTER TABLE events ADD COLUMN note text;',
      },
      errors: [{ message: 'Column events.happened_at uses timestamp without time zone' }],
      output: null,
    },
  ],
});
