import { booleanNullable } from '../../server/src/engine/rules/boolean-nullable';
import { ruleTester } from '../support/rule-tester';

ruleTester(booleanNullable, {
  valid: [
    'CREATE TABLE users (id bigint PRIMARY KEY, is_admin boolean NOT NULL DEFAULT false);',
    {
      name: 'NOT NULL without a default is missing-default’s finding',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, is_admin boolean NOT NULL);',
    },
    {
      name: 'made NOT NULL by a later ALTER TABLE',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, is_admin boolean DEFAULT false);\nALTER TABLE users ALTER COLUMN is_admin SET NOT NULL;',
    },
    {
      name: 'a validated CHECK (… IS NOT NULL) guards it',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, is_admin boolean DEFAULT false, CONSTRAINT users_is_admin_not_null CHECK (is_admin IS NOT NULL));',
    },
    {
      name: 'a NOT NULL domain over boolean',
      code: 'CREATE DOMAIN flag AS boolean NOT NULL DEFAULT false;\nCREATE TABLE users (id bigint PRIMARY KEY, is_admin flag);',
    },
    {
      name: 'a generated boolean follows its expression',
      code: 'CREATE TABLE people (id bigint PRIMARY KEY, age integer, is_adult boolean GENERATED ALWAYS AS (age >= 18) STORED);',
    },
    {
      name: 'arrays of booleans are not flags',
      code: 'CREATE TABLE surveys (id bigint PRIMARY KEY, answers boolean[]);',
    },
    {
      name: 'partitions are reported on their parent only',
      code: "CREATE TABLE events (id bigint, at date NOT NULL, is_public boolean NOT NULL DEFAULT false) PARTITION BY RANGE (at);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    },
    {
      name: 'a later migration makes it NOT NULL',
      path: 'supabase/migrations/20240101000000_users.sql',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, is_admin boolean DEFAULT false);',
      files: {
        'supabase/migrations/20240201000000_admin_not_null.sql':
          'ALTER TABLE users ALTER COLUMN is_admin SET NOT NULL;',
      },
    },
  ],
  invalid: [
    {
      code: 'CREATE TABLE users (\n  id bigint PRIMARY KEY,\n  is_admin boolean,\n  email text NOT NULL\n);',
      errors: [
        {
          message: 'Column users.is_admin is a nullable boolean',
          line: 3,
          column: 3,
          text: 'is_admin boolean',
        },
      ],
      fixes: [
        {
          title: 'Make users.is_admin NOT NULL DEFAULT false',
          output:
            'CREATE TABLE users (\n  id bigint PRIMARY KEY,\n  is_admin boolean NOT NULL DEFAULT false,\n  email text NOT NULL\n);',
        },
      ],
    },
    {
      name: 'an existing default is kept: only NOT NULL is added',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, is_active bool DEFAULT true);',
      errors: [
        { message: 'Column users.is_active is a nullable boolean', text: 'is_active bool DEFAULT true' },
      ],
      output: 'CREATE TABLE users (id bigint PRIMARY KEY, is_active bool DEFAULT true NOT NULL);',
    },
    {
      name: 'an explicit NULL becomes NOT NULL',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, is_admin boolean NULL);',
      errors: [{ message: 'Column users.is_admin is a nullable boolean' }],
      output: 'CREATE TABLE users (id bigint PRIMARY KEY, is_admin boolean NOT NULL DEFAULT false);',
    },
    {
      name: 'quoted names in a non-public schema, added by ALTER TABLE',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Users" (id bigint PRIMARY KEY);\nALTER TABLE app."Users" ADD COLUMN "isAdmin" boolean;',
      errors: [{ message: 'Column Users.isAdmin is a nullable boolean', line: 3, text: '"isAdmin" boolean' }],
      output:
        'CREATE SCHEMA app;\nCREATE TABLE app."Users" (id bigint PRIMARY KEY);\nALTER TABLE app."Users" ADD COLUMN "isAdmin" boolean NOT NULL DEFAULT false;',
    },
    {
      name: 'DEFAULT NULL is no default; the definition is not rewritten (no fix)',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, is_admin boolean DEFAULT NULL);',
      errors: [{ message: 'Column users.is_admin is a nullable boolean' }],
      output: null,
    },
    {
      name: 'in an applied migration: reported, not rewritten',
      path: 'supabase/migrations/20240101000000_users.sql',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, is_admin boolean);',
      files: {
        'supabase/migrations/20240201000000_posts.sql': 'CREATE TABLE posts (id bigint PRIMARY KEY);',
      },
      errors: [{ message: 'Column users.is_admin is a nullable boolean' }],
      output: null,
    },
    {
      name: 'a NOT NULL dropped by a later statement: the definition already says NOT NULL (no fix)',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, is_admin boolean NOT NULL DEFAULT false);\nALTER TABLE users ALTER COLUMN is_admin DROP NOT NULL;',
      errors: [{ message: 'Column users.is_admin is a nullable boolean', line: 1 }],
      output: null,
    },
  ],
});
