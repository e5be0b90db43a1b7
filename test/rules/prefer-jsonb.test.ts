import { preferJsonb } from '../../server/src/engine/rules/prefer-jsonb';
import { ruleTester } from '../support/rule-tester';

ruleTester(preferJsonb, {
  valid: [
    'CREATE TABLE webhooks (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  payload jsonb NOT NULL\n);',
    {
      name: 'jsonb arrays',
      code: "CREATE TABLE batches (id bigint PRIMARY KEY, items jsonb[] NOT NULL DEFAULT '{}');",
    },
    {
      name: 'json in a view or a function is not a column',
      code: 'CREATE TABLE settings (id bigint PRIMARY KEY, data jsonb NOT NULL);\nCREATE VIEW settings_text AS SELECT id, data::json AS raw FROM settings;\nCREATE FUNCTION to_doc(x jsonb) RETURNS json LANGUAGE sql AS $$ SELECT x::json $$;',
    },
    {
      name: 'a domain over json is a deliberate choice (the exact text is kept)',
      code: 'CREATE DOMAIN raw_json AS json;\nCREATE TABLE webhook_deliveries (id bigint PRIMARY KEY, body raw_json NOT NULL);',
    },
    {
      name: 'quoted names in a non-public schema',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Settings" ("Id" bigint PRIMARY KEY, "Value" jsonb);',
    },
    {
      name: 'a later migration changes the column to jsonb',
      path: 'supabase/migrations/20240101000000_webhooks.sql',
      code: 'CREATE TABLE webhooks (id bigint PRIMARY KEY, payload json NOT NULL);',
      files: {
        'supabase/migrations/20240301000000_jsonb.sql':
          'ALTER TABLE webhooks ALTER COLUMN payload TYPE jsonb;',
      },
    },
    {
      name: 'a later ALTER TABLE drops the column',
      code: 'CREATE TABLE webhooks (id bigint PRIMARY KEY, legacy json);\nALTER TABLE webhooks DROP COLUMN legacy;',
    },
  ],
  invalid: [
    {
      name: 'what -> gives, selected under a name, then given to a json function by a view over it: no fix',
      code: "CREATE TABLE docs (id bigint PRIMARY KEY, payload json);\nCREATE VIEW doc_meta AS SELECT id, payload -> 'meta' AS meta FROM docs;\nCREATE VIEW doc_meta_kinds AS SELECT id, json_typeof(meta) AS k FROM doc_meta;",
      errors: [{ message: 'Column docs.payload uses json instead of jsonb' }],
      output: null,
    },
    {
      name: 'paths of -> ending in ->>, a selected ->, a subquery or CTE passing it on: the fix stays',
      code: "CREATE TABLE orders (id bigint PRIMARY KEY, payload json NOT NULL);\nCREATE INDEX orders_city_idx ON orders (((payload -> 'shipping'::text) ->> 'city'::text));\nCREATE VIEW order_shipping AS SELECT id, payload -> 'shipping' AS shipping FROM orders;\nCREATE VIEW latest_orders AS SELECT s.payload FROM (SELECT id, payload FROM orders) s;\nCREATE VIEW order_docs AS WITH o AS (SELECT id, payload FROM orders) SELECT id, payload FROM o;",
      errors: [{ message: 'Column orders.payload uses json instead of jsonb' }],
      output:
        "CREATE TABLE orders (id bigint PRIMARY KEY, payload jsonb NOT NULL);\nCREATE INDEX orders_city_idx ON orders (((payload -> 'shipping'::text) ->> 'city'::text));\nCREATE VIEW order_shipping AS SELECT id, payload -> 'shipping' AS shipping FROM orders;\nCREATE VIEW latest_orders AS SELECT s.payload FROM (SELECT id, payload FROM orders) s;\nCREATE VIEW order_docs AS WITH o AS (SELECT id, payload FROM orders) SELECT id, payload FROM o;",
    },
    {
      name: "a view's column list renames it, and a view over that one gives it to a json function: no fix",
      code: 'CREATE TABLE events (id bigint PRIMARY KEY, payload json NOT NULL);\nCREATE VIEW event_data (i, data) AS SELECT id, payload FROM events;\nCREATE VIEW event_kinds AS SELECT json_typeof(data) AS kind FROM event_data;',
      errors: [{ message: 'Column events.payload uses json instead of jsonb' }],
      output: null,
    },
    {
      name: 'what -> gives is json too: into a function, no fix; casts and ->> work on jsonb: the fix stays',
      code: "CREATE TABLE orders (id bigint PRIMARY KEY, payload json NOT NULL);\nCREATE VIEW order_items AS SELECT o.id, i.value ->> 'sku' AS sku FROM orders o, json_array_elements(o.payload -> 'items') AS i;\nCREATE TABLE events (id bigint PRIMARY KEY, payload json NOT NULL);\nCREATE INDEX ON events USING gin ((payload::jsonb));\nCREATE INDEX ON events ((payload ->> 'kind'));\nCREATE VIEW event_texts AS SELECT id, payload::text AS body, json_build_object('p', payload) AS wrapped FROM events;",
      errors: [
        { message: 'Column orders.payload uses json instead of jsonb' },
        { message: 'Column events.payload uses json instead of jsonb' },
      ],
      output:
        "CREATE TABLE orders (id bigint PRIMARY KEY, payload json NOT NULL);\nCREATE VIEW order_items AS SELECT o.id, i.value ->> 'sku' AS sku FROM orders o, json_array_elements(o.payload -> 'items') AS i;\nCREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);\nCREATE INDEX ON events USING gin ((payload::jsonb));\nCREATE INDEX ON events ((payload ->> 'kind'));\nCREATE VIEW event_texts AS SELECT id, payload::text AS body, json_build_object('p', payload) AS wrapped FROM events;",
    },
    {
      name: 'a full-text index over the json, or a UNION with json: no fix',
      code: "CREATE TABLE articles (id bigint PRIMARY KEY, payload json);\nCREATE INDEX ON articles USING gin (json_to_tsvector('english', payload, '[\"string\"]'));\nCREATE TABLE drafts (id bigint PRIMARY KEY, payload json);\nCREATE TABLE archive (id bigint PRIMARY KEY, payload json);\nCREATE VIEW all_payloads AS SELECT payload FROM drafts UNION ALL SELECT payload FROM archive;",
      errors: [
        { message: 'Column articles.payload uses json instead of jsonb' },
        { message: 'Column drafts.payload uses json instead of jsonb' },
        { message: 'Column archive.payload uses json instead of jsonb' },
      ],
      output: null,
    },
    {
      name: 'a view giving the column to a function, or to COALESCE with json: no fix; ->> and a plain select work on jsonb: the fix stays',
      code: "CREATE TABLE forms (id bigint PRIMARY KEY, answers json NOT NULL);\nCREATE VIEW form_sizes AS SELECT id, json_array_length(answers) AS n FROM forms;\nCREATE TABLE surveys (id bigint PRIMARY KEY, settings json);\nCREATE VIEW survey_settings AS SELECT id, COALESCE(settings, '{}'::json) AS settings FROM surveys;\nCREATE TABLE notes (id bigint PRIMARY KEY, body json NOT NULL CHECK ((body ->> 'b') IS NOT NULL));\nCREATE VIEW note_bodies AS SELECT id, body FROM notes;",
      errors: [
        { message: 'Column forms.answers uses json instead of jsonb' },
        { message: 'Column surveys.settings uses json instead of jsonb' },
        { message: 'Column notes.body uses json instead of jsonb' },
      ],
      output:
        "CREATE TABLE forms (id bigint PRIMARY KEY, answers json NOT NULL);\nCREATE VIEW form_sizes AS SELECT id, json_array_length(answers) AS n FROM forms;\nCREATE TABLE surveys (id bigint PRIMARY KEY, settings json);\nCREATE VIEW survey_settings AS SELECT id, COALESCE(settings, '{}'::json) AS settings FROM surveys;\nCREATE TABLE notes (id bigint PRIMARY KEY, body jsonb NOT NULL CHECK ((body ->> 'b') IS NOT NULL));\nCREATE VIEW note_bodies AS SELECT id, body FROM notes;",
    },
    {
      name: 'a CHECK or a generated column calling json functions, which take no jsonb: no fix',
      code: "CREATE TABLE forms (\n  id bigint PRIMARY KEY,\n  schema json NOT NULL CHECK (json_typeof(schema) = 'object'),\n  answers json NOT NULL,\n  answer_count int GENERATED ALWAYS AS (json_array_length(answers)) STORED\n);",
      errors: [
        { message: 'Column forms.schema uses json instead of jsonb' },
        { message: 'Column forms.answers uses json instead of jsonb' },
      ],
      output: null,
    },
    {
      code: 'CREATE TABLE webhooks (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  payload json NOT NULL\n);',
      errors: [
        { message: 'Column webhooks.payload uses json instead of jsonb', line: 3, column: 11, text: 'json' },
      ],
      output:
        'CREATE TABLE webhooks (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  payload jsonb NOT NULL\n);',
    },
    {
      name: 'json arrays become jsonb arrays',
      code: "CREATE TABLE batches (id bigint PRIMARY KEY, items json[] NOT NULL DEFAULT '{}');",
      errors: [{ message: 'Column batches.items uses json instead of jsonb', text: 'json[]' }],
      fixes: [
        {
          title: 'Change batches.items to jsonb[]',
          output: "CREATE TABLE batches (id bigint PRIMARY KEY, items jsonb[] NOT NULL DEFAULT '{}');",
        },
      ],
    },
    {
      name: 'a json-typed default and an expression index keep working on jsonb',
      code: "CREATE TABLE events (\n  id bigint PRIMARY KEY,\n  metadata json NOT NULL DEFAULT '{}'::json\n);\nCREATE INDEX events_kind_idx ON events ((metadata ->> 'kind'));",
      errors: [{ message: 'Column events.metadata uses json instead of jsonb', line: 3 }],
      output:
        "CREATE TABLE events (\n  id bigint PRIMARY KEY,\n  metadata jsonb NOT NULL DEFAULT '{}'::json\n);\nCREATE INDEX events_kind_idx ON events ((metadata ->> 'kind'));",
    },
    {
      name: 'a column added by ALTER TABLE, quoted, in a non-public schema',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Orders" ("Id" bigint PRIMARY KEY);\nALTER TABLE app."Orders" ADD COLUMN "Extra" JSON;',
      errors: [{ message: 'Column Orders.Extra uses json instead of jsonb', line: 3, text: 'JSON' }],
      output:
        'CREATE SCHEMA app;\nCREATE TABLE app."Orders" ("Id" bigint PRIMARY KEY);\nALTER TABLE app."Orders" ADD COLUMN "Extra" jsonb;',
    },
    {
      name: 'in the newest migration of a folder',
      path: 'supabase/migrations/20240201000000_payload.sql',
      files: {
        'supabase/migrations/20240101000000_init.sql': 'CREATE TABLE webhooks (id bigint PRIMARY KEY);',
      },
      code: 'ALTER TABLE webhooks ADD COLUMN payload json;',
      errors: [{ message: 'Column webhooks.payload uses json instead of jsonb' }],
      output: 'ALTER TABLE webhooks ADD COLUMN payload jsonb;',
    },
    {
      name: 'an earlier migration cannot be edited in place: reported without a fix',
      path: 'supabase/migrations/20240101000000_webhooks.sql',
      code: 'CREATE TABLE webhooks (id bigint PRIMARY KEY, payload json NOT NULL);',
      files: {
        'supabase/migrations/20240201000000_more.sql': 'ALTER TABLE webhooks ADD COLUMN note text;',
      },
      errors: [{ message: 'Column webhooks.payload uses json instead of jsonb' }],
      output: null,
    },
  ],
});
