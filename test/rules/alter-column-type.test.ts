import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DEFAULT_CONFIG } from '../../server/src/engine/config/config';
import { lintProject } from '../../server/src/engine/lint';
import { alterColumnType } from '../../server/src/engine/rules/alter-column-type';
import { closePostgres, postgres, reset, runScript } from '../support/postgres';
import { ruleTester } from '../support/rule-tester';

const init =
  'CREATE TABLE customers (id int PRIMARY KEY, email varchar(255) NOT NULL, name varchar(100), bio text, flags varbit(8), balance numeric(10,2), seen_at timestamptz(3));\n' +
  "INSERT INTO customers VALUES (1, 'a@example.com', 'Ann', 'hi', B'1', 1.50, now());\n";

const golang = (extra = '') => ({
  'db/migrations/001_init.up.sql': init + extra,
  'db/migrations/001_init.down.sql': 'DROP TABLE customers;\n',
});

const path = 'db/migrations/002_change.up.sql';

ruleTester(alterColumnType, {
  valid: [
    {
      name: 'varchar(n) to a longer varchar, to varchar, to text: no rewrite',
      path,
      files: golang(),
      code: 'ALTER TABLE customers ALTER COLUMN name TYPE varchar(200);\nALTER TABLE customers ALTER COLUMN email TYPE text, ALTER COLUMN bio TYPE varchar;\n',
    },
    {
      // PGlite: relfilenode unchanged for each (a domain that checks nothing stores its base type).
      name: 'to and from domains over binary-compatible types that check nothing',
      path,
      files: golang('CREATE DOMAIN long_text AS text;\nCREATE DOMAIN short_name AS varchar(200);\n'),
      code: 'ALTER TABLE customers ALTER COLUMN email TYPE long_text;\nALTER TABLE customers ALTER COLUMN name TYPE short_name;\nALTER TABLE customers ALTER COLUMN name TYPE text;\n',
    },
    {
      name: 'numeric with more precision and the same scale, or unconstrained',
      path,
      files: golang(),
      code: 'ALTER TABLE customers ALTER COLUMN balance TYPE numeric(14,2);\nALTER TABLE customers ALTER COLUMN balance TYPE decimal;\n',
    },
    {
      name: 'a longer varbit, a higher timestamp precision',
      path,
      files: golang(),
      code: 'ALTER TABLE customers ALTER COLUMN flags TYPE bit varying(64), ALTER COLUMN seen_at TYPE timestamp with time zone;\n',
    },
    {
      name: 'the same type, spelled another way',
      path,
      files: golang(),
      code: 'ALTER TABLE customers ALTER COLUMN id SET DATA TYPE integer;\n',
    },
    {
      name: 'the table was created in the same file',
      code: init + 'ALTER TABLE customers ALTER COLUMN id TYPE bigint;',
    },
    {
      name: 'the type as the last migration left it, not as the model ends (varchar(50) → (100) → (200))',
      path: 'db/migrations/003_longer.up.sql',
      files: {
        ...golang('CREATE TABLE tags (id int PRIMARY KEY, label varchar(50));\n'),
        'db/migrations/002_tags.up.sql': 'ALTER TABLE tags ALTER COLUMN label TYPE varchar(100);\n',
      },
      code: 'ALTER TABLE tags ALTER COLUMN label TYPE varchar(200);\n',
    },
    {
      name: 'a column renamed by an earlier migration keeps its type',
      path: 'db/migrations/003_longer.up.sql',
      files: {
        ...golang('CREATE TABLE posts (id int PRIMARY KEY, title varchar(80));\n'),
        'db/migrations/002_rename.up.sql': 'ALTER TABLE posts RENAME COLUMN title TO headline;\n',
      },
      code: 'ALTER TABLE posts ALTER COLUMN headline TYPE varchar(120) USING headline;\n',
    },
    {
      name: 'Supabase: quoted names in a non-public schema, varchar to text',
      path: 'supabase/migrations/20240201000000_names.sql',
      files: {
        'supabase/migrations/20240101000000_init.sql':
          'CREATE SCHEMA app;\nCREATE TABLE app."Users" (id uuid PRIMARY KEY, "displayName" character varying(50));\n',
      },
      code: 'ALTER TABLE app."Users" ALTER COLUMN "displayName" TYPE text;',
    },
    {
      name: 'a column added IF NOT EXISTS by a later migration than the CREATE TABLE, changed in a DO block',
      path: 'db/migrations/003_phone.up.sql',
      files: {
        ...golang('CREATE TABLE IF NOT EXISTS users (id uuid PRIMARY KEY);\n'),
        'db/migrations/002_phone.up.sql':
          'ALTER TABLE users ADD COLUMN IF NOT EXISTS phone varchar(15) NULL UNIQUE DEFAULT NULL;\n',
      },
      code: "DO $$\nBEGIN\n  ALTER TABLE users ALTER COLUMN phone TYPE text;\nEXCEPTION WHEN SQLSTATE '0A000' THEN\n  RAISE NOTICE 'phone is used by a view';\nEND $$;\n",
    },
    {
      name: 'a temporary table',
      code: 'CREATE TEMP TABLE staging (id int, amount int);\nALTER TABLE staging ALTER COLUMN amount TYPE bigint;',
    },
  ],
  invalid: [
    {
      // PostgreSQL checks every row against the domain's CHECK.
      name: 'to a domain that checks its values',
      path,
      files: golang("CREATE DOMAIN email_address AS text CHECK (VALUE LIKE '%@%');\n"),
      code: 'ALTER TABLE customers ALTER COLUMN email TYPE email_address;\n',
      errors: [{ message: /^Changing customers\.email from varchar\(255\) to email_address rewrites/ }],
    },
    {
      name: 'golang-migrate: integer to bigint',
      path,
      files: golang(),
      code: 'ALTER TABLE customers ALTER COLUMN id TYPE bigint;\n',
      errors: [
        {
          message:
            'Changing customers.id from integer to bigint rewrites customers and its indexes under an ACCESS EXCLUSIVE lock',
          line: 1,
          column: 23,
          text: 'ALTER COLUMN id TYPE bigint',
        },
      ],
      output: null,
    },
    {
      name: 'a shorter varchar, and text to varchar(n), check every row',
      path,
      files: golang(),
      code: 'ALTER TABLE customers\n  ALTER COLUMN name TYPE varchar(50),\n  ALTER COLUMN bio TYPE varchar(500);\n',
      errors: [
        {
          message: /^Changing customers.name from varchar\(100\) to varchar\(50\) rewrites customers/,
          line: 2,
          text: 'ALTER COLUMN name TYPE varchar(50)',
        },
        { message: /^Changing customers.bio from text to varchar\(500\)/, line: 3 },
      ],
      output: null,
    },
    {
      name: 'multi-command: only the change that rewrites is reported',
      path,
      files: golang(),
      code: 'ALTER TABLE customers ALTER COLUMN email TYPE text, ALTER COLUMN balance TYPE numeric(12,4);\n',
      errors: [
        {
          message: /^Changing customers.balance from numeric\(10, 2\) to numeric\(12, 4\) rewrites/,
          text: 'ALTER COLUMN balance TYPE numeric(12,4)',
        },
      ],
      output: null,
    },
    {
      name: 'a USING expression computes new values',
      path,
      files: golang(),
      code: 'ALTER TABLE customers ALTER COLUMN email TYPE text USING lower(email);\n',
      errors: [{ message: /^Changing customers.email from varchar\(255\) to text rewrites/ }],
      output: null,
    },
    {
      name: 'the type before this step, although a later migration changes it again',
      path: 'db/migrations/002_code.up.sql',
      files: {
        ...golang('CREATE TABLE coupons (id int PRIMARY KEY, code varchar(10));\n'),
        'db/migrations/003_code.up.sql': 'ALTER TABLE coupons ALTER COLUMN code TYPE bigint;\n',
      },
      code: 'ALTER TABLE coupons ALTER COLUMN code TYPE integer USING code::integer;\n',
      errors: [{ message: /^Changing coupons.code from varchar\(10\) to integer rewrites coupons/ }],
      output: null,
    },
    {
      name: 'timestamp to timestamptz: free only in a session whose TimeZone is UTC',
      path,
      files: golang('CREATE TABLE events (id serial PRIMARY KEY, at timestamp NOT NULL, seen timestamp);\n'),
      code: "ALTER TABLE events ALTER COLUMN at TYPE timestamptz;\nSET TimeZone = 'UTC';\nALTER TABLE events ALTER COLUMN seen TYPE timestamptz;\nALTER TABLE events ALTER COLUMN id TYPE bigint;\n",
      errors: [
        {
          message:
            "Changing events.at from timestamp to timestamptz rewrites events and its indexes under an ACCESS EXCLUSIVE lock unless the session's TimeZone is UTC",
          line: 1,
        },
        {
          message:
            'Changing events.id from integer to bigint rewrites events and its indexes under an ACCESS EXCLUSIVE lock',
          line: 4,
        },
      ],
      output: null,
    },
    {
      name: 'a stand-alone file altering a table it does not create: the old type is unknown',
      code: 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);\n',
      errors: [
        {
          message:
            'Changing the type of orders.total to numeric(14, 2) may rewrite orders and its indexes under an ACCESS EXCLUSIVE lock',
        },
      ],
      output: null,
    },
    {
      name: 'Prisma migrations: SET DATA TYPE on quoted names',
      path: 'prisma/migrations/20240201000000_age/migration.sql',
      files: {
        'prisma/migrations/20240101000000_init/migration.sql':
          'CREATE TABLE "User" ("id" SERIAL NOT NULL, "age" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n',
      },
      code: '-- AlterTable\nALTER TABLE "User" ALTER COLUMN "age" SET DATA TYPE BIGINT;\n',
      errors: [{ message: /^Changing User.age from integer to bigint rewrites User/, line: 2 }],
      output: null,
    },
    {
      name: 'a DO block in a non-public schema',
      path,
      files: golang(
        'CREATE SCHEMA billing;\nCREATE TABLE billing.invoices (id int PRIMARY KEY, amount real);\n',
      ),
      code: "DO $$\nBEGIN\n  IF (SELECT data_type FROM information_schema.columns WHERE table_name = 'invoices' AND column_name = 'amount') = 'real' THEN\n    ALTER TABLE billing.invoices ALTER COLUMN amount TYPE numeric(12,2);\n  END IF;\nEND $$;\n",
      errors: [
        {
          message: /^Changing invoices.amount from real to numeric\(12, 2\) rewrites invoices/,
          line: 4,
          text: 'ALTER COLUMN amount TYPE numeric(12,2)',
        },
      ],
      output: null,
    },
  ],
});

/**
 * PostgreSQL is the oracle: a rewrite gives the table a new file (pg_class.relfilenode). Every
 * change the rule stays silent on keeps the file, every change it reports replaces it.
 */
describe('alter-column-type: what PostgreSQL rewrites', () => {
  after(closePostgres);
  const changes: [from: string, to: string, prefix?: string][] = [
    ['varchar(100)', 'varchar(200)'],
    ['varchar(100)', 'varchar'],
    ['varchar(100)', 'text'],
    ['text', 'varchar'],
    ['text', 'varchar(500)'],
    ['varchar(100)', 'varchar(50)'],
    ['numeric(10,2)', 'numeric(14,2)'],
    ['numeric(10,2)', 'numeric'],
    ['numeric(10,2)', 'numeric(12,4)'],
    ['numeric', 'numeric(12,2)'],
    ['varbit(8)', 'varbit(64)'],
    ['timestamptz(3)', 'timestamptz'],
    ['timestamptz(3)', 'timestamptz(2)'],
    ['time(2)', 'time(4)'],
    ['cidr', 'inet'],
    ['int', 'bigint'],
    ['int', 'integer'],
    ['text[]', 'varchar[]'],
    ['char(5)', 'char(10)'],
    ['timestamp', 'timestamptz', "SET TimeZone = 'UTC';\n"],
    ['timestamptz(3)', 'timestamp', 'SET TIME ZONE 0;\n'],
    ['timestamp(3)', 'timestamptz(0)', "SET TimeZone = 'UTC';\n"],
    ['timestamp', 'timestamptz', "SET TimeZone = 'Europe/Paris';\n"],
    ['serial', 'bigint'],
    ['interval(3)', 'interval'],
    ['interval(3)', 'interval(6)'],
    ['interval(6)', 'interval(3)'],
    ['interval', 'interval(3)'],
    ['interval', 'interval(6)'],
    ['interval day', 'interval'],
    ['interval', 'interval day'],
    ['interval hour', 'interval day'],
    ['interval hour', 'interval minute'],
    ['interval day to second(3)', 'interval day to second'],
    ['interval day to second(3)', 'interval day to second(1)'],
    ['interval hour to minute', 'interval hour to second(0)'],
  ];
  for (const [from, to, prefix = ''] of changes) {
    it(`${prefix.trim()} ${from} → ${to}`.trim(), async () => {
      const files = {
        'db/migrations/001_t.up.sql': `CREATE TABLE t (id int PRIMARY KEY, c ${from});\nCREATE INDEX t_c_idx ON t (c);\n`,
        'db/migrations/002_c.up.sql': `${prefix}ALTER TABLE t ALTER COLUMN c TYPE ${to};\n`,
      };
      const { findings } = await lintProject(
        Object.entries(files).map(([path, text]) => ({ path, text })),
        { config: DEFAULT_CONFIG, rules: [alterColumnType] },
      );
      const db = await postgres();
      await reset(db);
      await runScript(db, files['db/migrations/001_t.up.sql']);
      const file = async () =>
        (await db.query<{ relfilenode: number }>(`SELECT relfilenode FROM pg_class WHERE relname = 't'`))
          .rows[0].relfilenode;
      const before = await file();
      await runScript(db, files['db/migrations/002_c.up.sql']);
      assert.equal(
        findings.length > 0,
        (await file()) !== before,
        JSON.stringify(findings.map((f) => f.message)),
      );
    });
  }
});
