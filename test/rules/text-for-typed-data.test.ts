import { textForTypedData } from '../../server/src/engine/rules/text-for-typed-data';
import { ruleTester } from '../support/rule-tester';

const customers =
  'CREATE TABLE customers (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);\n';

ruleTester(textForTypedData, {
  valid: [
    {
      name: "a foreign table: its columns are the remote table's",
      code: 'CREATE FOREIGN TABLE legacy_orders (id bigint NOT NULL, ip_address text, birth_date text) SERVER legacy;',
    },
    'CREATE TABLE users (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  is_active boolean NOT NULL DEFAULT true,\n  last_login_at timestamptz,\n  birth_date date,\n  login_count integer NOT NULL DEFAULT 0,\n  ip_address inet,\n  settings_json jsonb\n);',
    {
      name: 'ambiguous names stay silent',
      code: 'CREATE TABLE documents (\n  id bigint PRIMARY KEY,\n  format text NOT NULL,\n  data text,\n  at text,\n  date text,\n  status text,\n  description text,\n  external_id text\n);',
    },
    {
      name: 'an id from another system: no table of that name',
      code:
        customers +
        'CREATE TABLE payments (id bigint PRIMARY KEY, stripe_customer_id text NOT NULL, payer_id text);',
    },
    {
      name: 'a column in a foreign key belongs to foreign-key-type-mismatch',
      code: 'CREATE TABLE countries (id uuid PRIMARY KEY, code text NOT NULL UNIQUE);\nCREATE TABLE addresses (id bigint PRIMARY KEY, country_id text NOT NULL REFERENCES countries (code) ON DELETE RESTRICT);',
    },
    {
      name: 'the referenced table has a text key',
      code: 'CREATE TABLE currencies (id text PRIMARY KEY);\nCREATE TABLE prices (id bigint PRIMARY KEY, currency_id text NOT NULL);',
    },
    {
      name: 'a column of the primary key is left to the key rules',
      code: customers + 'CREATE TABLE customer_profiles (customer_id text PRIMARY KEY, bio text);',
    },
    {
      name: 'a domain over text is a deliberate type',
      code: "CREATE DOMAIN iso_date AS text CHECK (VALUE ~ '^\\d{4}-\\d{2}-\\d{2}$');\nCREATE TABLE people (id bigint PRIMARY KEY, birth_date iso_date);",
    },
    {
      name: 'quoted names in a non-public schema, correctly typed',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Visit" ("id" bigint PRIMARY KEY, "visitorIp" inet, "createdAt" timestamptz NOT NULL DEFAULT now(), "isBot" boolean NOT NULL DEFAULT false);',
    },
    {
      name: 'a later migration changes the type',
      path: 'supabase/migrations/20240101000000_users.sql',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, last_login_at text);',
      files: {
        'supabase/migrations/20240301000000_login_at.sql':
          'ALTER TABLE users ALTER COLUMN last_login_at TYPE timestamptz USING last_login_at::timestamptz;',
      },
    },
    {
      name: 'text arrays are not judged',
      code: 'CREATE TABLE posts (id bigint PRIMARY KEY, published_date text[], tag_ids text[]);',
    },
  ],
  invalid: [
    {
      name: 'pg_dump casts that the new type has too (::text of a flag, ::jsonb of JSON text): the fixes stay',
      code: "CREATE TABLE public.users (id bigint NOT NULL, is_admin character varying, metadata text);\nCREATE INDEX index_users_on_admins ON public.users USING btree (id) WHERE ((is_admin)::text = 'true'::text);\nCREATE INDEX index_users_on_kind ON public.users USING btree ((((metadata)::jsonb ->> 'kind'::text)));",
      errors: [
        { message: 'Column users.is_admin uses varchar for a flag' },
        { message: 'Column users.metadata uses text for JSON' },
      ],
      output:
        "CREATE TABLE public.users (id bigint NOT NULL, is_admin boolean, metadata jsonb);\nCREATE INDEX index_users_on_admins ON public.users USING btree (id) WHERE ((is_admin)::text = 'true'::text);\nCREATE INDEX index_users_on_kind ON public.users USING btree ((((metadata)::jsonb ->> 'kind'::text)));",
    },
    {
      name: 'renamed by a view column list over *, or by a subquery alias list: no fix',
      code: "CREATE TABLE accounts (id bigint PRIMARY KEY, is_active text);\nCREATE VIEW account_list (id, is_active) AS SELECT * FROM accounts;\nCREATE VIEW active_accounts AS SELECT id FROM account_list WHERE lower(is_active) = 'yes';\nCREATE TABLE devices (id bigint PRIMARY KEY, is_enabled text);\nCREATE VIEW device_flags AS SELECT lower(flag) AS f FROM (SELECT is_enabled FROM devices) s(flag);",
      errors: [
        { message: 'Column accounts.is_active uses text for a flag' },
        { message: 'Column devices.is_enabled uses text for a flag' },
      ],
      output: null,
    },
    {
      name: 'pg_dump casts to text in an index, a cast to numeric in a view, a materialized view index: no fix',
      code: "CREATE TABLE public.users (id bigint NOT NULL, expires_at character varying, birth_date character varying);\nCREATE INDEX index_users_on_expiring ON public.users USING btree (id) WHERE ((expires_at)::text <> ''::text);\nCREATE INDEX index_users_on_birth ON public.users USING btree (lower((birth_date)::text));\nCREATE TABLE public.members (id bigint NOT NULL, is_active text NOT NULL, ip_address text);\nCREATE VIEW public.active_counts AS SELECT id, is_active::numeric AS n FROM public.members;\nCREATE MATERIALIZED VIEW public.member_ips AS SELECT id, ip_address FROM public.members;\nCREATE INDEX ON public.member_ips (ip_address text_pattern_ops);",
      errors: [
        { message: 'Column users.expires_at uses varchar for a timestamp' },
        { message: 'Column users.birth_date uses varchar for a date' },
        { message: 'Column members.is_active uses text for a flag' },
        { message: 'Column members.ip_address uses text for an IP address' },
      ],
      output: null,
    },
    {
      name: 'selected in a subquery, renamed by a view, joined USING, read by a policy of another table: no fix',
      code: "CREATE TABLE teams (id uuid PRIMARY KEY);\nCREATE TABLE memberships (id bigint PRIMARY KEY, team_id text NOT NULL, member text NOT NULL);\nCREATE TABLE documents (id bigint PRIMARY KEY, owner_team text NOT NULL);\nCREATE VIEW member_docs AS SELECT d.id FROM documents d WHERE d.owner_team IN (SELECT team_id FROM memberships);\nCREATE TABLE visits (id bigint PRIMARY KEY, last_seen_at text);\nCREATE VIEW visits_seen AS SELECT id, last_seen_at AS seen FROM visits;\nCREATE VIEW visits_2024 AS SELECT id FROM visits_seen WHERE seen LIKE '2024%';\nCREATE TABLE customers (id uuid PRIMARY KEY);\nCREATE TABLE orders (order_id bigint PRIMARY KEY, customer_id text NOT NULL);\nCREATE TABLE invoices (invoice_id bigint PRIMARY KEY, customer_id text NOT NULL);\nCREATE VIEW billed AS SELECT order_id, invoice_id FROM orders JOIN invoices USING (customer_id);\nCREATE TABLE projects (id bigint PRIMARY KEY, owner_team text NOT NULL);\nCREATE TABLE crew (id bigint PRIMARY KEY, team_id text NOT NULL, member text NOT NULL);\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY members_read ON projects FOR SELECT USING (owner_team IN (SELECT c.team_id FROM crew c WHERE c.member = current_user));",
      errors: [
        { message: 'Column memberships.team_id uses text for a reference to teams.id (uuid)' },
        { message: 'Column visits.last_seen_at uses text for a timestamp' },
        { message: 'Column orders.customer_id uses text for a reference to customers.id (uuid)' },
        { message: 'Column invoices.customer_id uses text for a reference to customers.id (uuid)' },
        { message: 'Column crew.team_id uses text for a reference to teams.id (uuid)' },
      ],
      output: null,
    },
    {
      name: 'views that only select the column pass it on: the fix stays',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, last_login_at text, is_admin text NOT NULL);\nCREATE VIEW user_summary AS SELECT id, last_login_at FROM users;\nCREATE SCHEMA app;\nCREATE TABLE app.users (id bigint PRIMARY KEY, is_admin boolean NOT NULL);\nCREATE VIEW app.admins AS SELECT id FROM app.users WHERE is_admin;',
      errors: [
        { message: 'Column users.last_login_at uses text for a timestamp' },
        { message: 'Column users.is_admin uses text for a flag' },
      ],
      output:
        'CREATE TABLE users (id bigint PRIMARY KEY, last_login_at timestamptz, is_admin boolean NOT NULL);\nCREATE VIEW user_summary AS SELECT id, last_login_at FROM users;\nCREATE SCHEMA app;\nCREATE TABLE app.users (id bigint PRIMARY KEY, is_admin boolean NOT NULL);\nCREATE VIEW app.admins AS SELECT id FROM app.users WHERE is_admin;',
    },
    {
      name: 'a view over a view that passes the column on: no fix',
      code: "CREATE TABLE members (id bigint PRIMARY KEY, is_admin text NOT NULL);\nCREATE VIEW all_members AS SELECT * FROM members;\nCREATE VIEW admins AS SELECT id FROM all_members WHERE lower(is_admin) = 'yes';",
      errors: [{ message: 'Column members.is_admin uses text for a flag' }],
      output: null,
    },
    {
      name: 'an index COLLATE, a view, a partition index or rows under an earlier name: no fix',
      code: 'CREATE TABLE tenants (id uuid PRIMARY KEY);\nCREATE TABLE projects (id bigint PRIMARY KEY, tenant_id text NOT NULL);\nCREATE INDEX ON projects (tenant_id COLLATE "C");\nCREATE TABLE teams (id bigint PRIMARY KEY, tenant_id text NOT NULL);\nCREATE VIEW team_tenants AS SELECT lower(tenant_id) AS tenant FROM teams;\nCREATE TABLE hits (id bigint NOT NULL, client_ip text NOT NULL) PARTITION BY HASH (id);\nCREATE TABLE hits_0 PARTITION OF hits FOR VALUES WITH (MODULUS 1, REMAINDER 0);\nCREATE INDEX ON hits_0 (client_ip text_pattern_ops);\nCREATE TABLE flags_old (id bigint PRIMARY KEY, is_enabled text NOT NULL);\nINSERT INTO flags_old VALUES (1, \'maybe\');\nALTER TABLE flags_old RENAME TO flags;',
      errors: [
        { message: 'Column projects.tenant_id uses text for a reference to tenants.id (uuid)' },
        { message: 'Column teams.tenant_id uses text for a reference to tenants.id (uuid)' },
        { message: 'Column hits.client_ip uses text for an IP address' },
        { message: 'Column flags.is_enabled uses text for a flag' },
      ],
      output: null,
    },
    {
      name: 'a policy comparing the column with text, or an index with a text operator class: no fix',
      code: "CREATE TABLE tenants (id uuid PRIMARY KEY);\nCREATE TABLE projects (id bigint PRIMARY KEY, tenant_id text NOT NULL);\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = current_setting('app.tenant_id'));\nCREATE TABLE hits (id bigint PRIMARY KEY, client_ip text NOT NULL);\nCREATE INDEX hits_ip_idx ON hits (client_ip text_pattern_ops);",
      errors: [
        { message: 'Column projects.tenant_id uses text for a reference to tenants.id (uuid)' },
        { message: 'Column hits.client_ip uses text for an IP address' },
      ],
      output: null,
    },
    {
      name: 'rows the migrations write into the table, which the new type may refuse: no fix',
      code: "CREATE TABLE flags (id bigint PRIMARY KEY, is_enabled text NOT NULL);\nINSERT INTO flags VALUES (1, 'maybe');",
      errors: [{ message: 'Column flags.is_enabled uses text for a flag' }],
      output: null,
    },
    {
      code: "CREATE TABLE users (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  is_active text NOT NULL DEFAULT 'true',\n  last_login_at varchar(30),\n  login_count text NOT NULL DEFAULT '0',\n  ip_address character varying(45),\n  settings_json text NOT NULL DEFAULT '{}'\n);",
      errors: [
        { message: 'Column users.is_active uses text for a flag', line: 3, column: 13, text: 'text' },
        { message: 'Column users.last_login_at uses varchar(30) for a timestamp', text: 'varchar(30)' },
        { message: 'Column users.login_count uses text for a count' },
        {
          message: 'Column users.ip_address uses varchar(45) for an IP address',
          text: 'character varying(45)',
        },
        { message: 'Column users.settings_json uses text for JSON' },
      ],
      output:
        "CREATE TABLE users (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  is_active boolean NOT NULL DEFAULT 'true',\n  last_login_at timestamptz,\n  login_count integer NOT NULL DEFAULT '0',\n  ip_address inet,\n  settings_json jsonb NOT NULL DEFAULT '{}'\n);",
    },
    {
      name: 'a *_id holding the uuid key of a table of that name',
      code:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id text NOT NULL, category_id varchar(20));\nCREATE TABLE categories (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);',
      errors: [
        { message: 'Column orders.customer_id uses text for a reference to customers.id (uuid)' },
        { message: 'Column orders.category_id uses varchar(20) for a reference to categories.id (bigint)' },
      ],
      output:
        customers +
        'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id uuid NOT NULL, category_id bigint);\nCREATE TABLE categories (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);',
    },
    {
      name: 'defaults that keep working: now(), CURRENT_DATE, a valid literal',
      code: 'CREATE TABLE audits (id bigint PRIMARY KEY, created_at text NOT NULL DEFAULT now(), audit_date text DEFAULT CURRENT_DATE, has_errors text DEFAULT false);',
      errors: [
        { message: 'Column audits.created_at uses text for a timestamp' },
        { message: 'Column audits.audit_date uses text for a date' },
        { message: 'Column audits.has_errors uses text for a flag' },
      ],
      output:
        'CREATE TABLE audits (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), audit_date date DEFAULT CURRENT_DATE, has_errors boolean DEFAULT false);',
    },
    {
      name: 'a default the new type cannot read, or a CHECK on the text: reported without a fix',
      code: "CREATE TABLE products (\n  id bigint PRIMARY KEY,\n  metadata text NOT NULL DEFAULT '',\n  is_featured char(1) NOT NULL CHECK (is_featured IN ('Y', 'N'))\n);",
      errors: [
        { message: 'Column products.metadata uses text for JSON' },
        { message: 'Column products.is_featured uses char(1) for a flag' },
      ],
      output: null,
    },
    {
      name: 'a camelCase column added by ALTER TABLE in a non-public schema',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app."Visit" ("id" bigint PRIMARY KEY);\nALTER TABLE app."Visit" ADD COLUMN "visitorIp" varchar(45), ADD COLUMN "payload" text;',
      errors: [
        { message: 'Column Visit.visitorIp uses varchar(45) for an IP address', line: 3 },
        { message: 'Column Visit.payload uses text for JSON' },
      ],
      output:
        'CREATE SCHEMA app;\nCREATE TABLE app."Visit" ("id" bigint PRIMARY KEY);\nALTER TABLE app."Visit" ADD COLUMN "visitorIp" inet, ADD COLUMN "payload" jsonb;',
    },
    {
      name: 'ALTER COLUMN … TYPE text: converting data needs USING, so no fix',
      code: 'CREATE TABLE orders (id bigint PRIMARY KEY, shipped_at timestamptz);\nALTER TABLE orders ALTER COLUMN shipped_at TYPE text;',
      errors: [{ message: 'Column orders.shipped_at uses text for a timestamp', line: 2, text: 'text' }],
      output: null,
    },
    {
      name: 'an earlier migration cannot be edited in place: reported without a fix',
      path: 'supabase/migrations/20240101000000_users.sql',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, is_admin text NOT NULL);',
      files: {
        'supabase/migrations/20240201000000_more.sql': 'ALTER TABLE users ADD COLUMN note text;',
      },
      errors: [{ message: 'Column users.is_admin uses text for a flag' }],
      output: null,
    },
    {
      name: 'the newest migration of a folder',
      path: 'supabase/migrations/20240201000000_flags.sql',
      files: {
        'supabase/migrations/20240101000000_init.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);',
      },
      code: "ALTER TABLE users ADD COLUMN is_admin text NOT NULL DEFAULT 'f';",
      errors: [{ message: 'Column users.is_admin uses text for a flag' }],
      output: "ALTER TABLE users ADD COLUMN is_admin boolean NOT NULL DEFAULT 'f';",
    },
  ],
});
