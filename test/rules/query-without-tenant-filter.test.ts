import { queryWithoutTenantFilter } from '../../server/src/engine/rules/query-without-tenant-filter';
import { ruleTester } from '../support/rule-tester';

/** The schema, as the migrations folder creates it; the query files under test read it. */
const schema = [
  'CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), slug text NOT NULL UNIQUE, name text NOT NULL);',
  'CREATE TABLE countries (code text PRIMARY KEY, name text NOT NULL);',
  'CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), email text NOT NULL);',
  'CREATE TABLE orders (',
  '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
  '  tenant_id uuid NOT NULL REFERENCES tenants (id),',
  '  customer_id bigint NOT NULL REFERENCES customers (id),',
  '  total numeric(12,2) NOT NULL,',
  '  created_at timestamptz NOT NULL DEFAULT now()',
  ');',
  'CREATE TABLE memberships (tenant_id uuid NOT NULL REFERENCES tenants (id), user_id uuid NOT NULL, PRIMARY KEY (tenant_id, user_id));',
  'CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), amount numeric(12,2) NOT NULL);',
  'ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;',
  "CREATE POLICY tenant_isolation ON invoices USING (tenant_id = current_setting('app.tenant_id')::uuid);",
  'CREATE VIEW order_totals AS SELECT tenant_id, sum(total) AS total FROM orders GROUP BY tenant_id;',
  '',
].join('\n');
const migrations = { 'supabase/migrations/20240101000000_init.sql': schema };
/** A query file beside the migrations (sqlc's layout). */
const q = (code: string) => ({ path: 'queries/orders.sql', files: migrations, code });

ruleTester(queryWithoutTenantFilter, {
  valid: [
    {
      name: 'filtered by tenant',
      ...q('-- name: GetOrder :one\nSELECT * FROM orders WHERE id = $1 AND tenant_id = $2;'),
    },
    {
      name: 'a row of the tenant and a key against a list of rows',
      ...q(
        'SELECT * FROM orders WHERE (tenant_id, id) IN (($1, $2), ($1, $3));\nDELETE FROM orders WHERE (tenant_id, id) IN (($1, $2));',
      ),
    },
    {
      name: 'MERGE whose ON keeps the target to the tenant',
      ...q(
        'MERGE INTO orders o USING (VALUES ($2::bigint, 0)) AS s (id, total) ON o.id = s.id AND o.tenant_id = $1\nWHEN MATCHED THEN UPDATE SET total = s.total;',
      ),
    },
    {
      name: 'an alias-qualified predicate',
      ...q('SELECT o.id, o.total FROM orders AS o WHERE o.id = $1 AND o.tenant_id = $2;'),
    },
    {
      name: 'IN, = ANY, the session setting, sqlc.arg and IS NOT DISTINCT FROM',
      ...q(
        "SELECT * FROM orders WHERE tenant_id IN ($1, $2);\nSELECT * FROM orders WHERE tenant_id = ANY ($1::uuid[]);\nSELECT * FROM orders WHERE tenant_id = current_setting('app.tenant_id')::uuid;\nSELECT * FROM orders WHERE tenant_id = sqlc.arg(tenant_id);\nSELECT * FROM orders WHERE tenant_id IS NOT DISTINCT FROM $1;",
      ),
    },
    {
      name: 'a join on the tenant column with a table filtered by tenant',
      ...q(
        'SELECT o.* FROM orders o JOIN customers c ON c.id = o.customer_id AND c.tenant_id = o.tenant_id WHERE c.tenant_id = $1 AND c.email = $2;',
      ),
    },
    {
      name: 'JOIN … USING (tenant_id) and an unqualified filter',
      ...q(
        'SELECT * FROM orders JOIN customers USING (tenant_id) WHERE tenant_id = $1 AND customers.id = orders.customer_id;',
      ),
    },
    {
      name: "a join on the tenant column with a function's result or a view: a value, as without the alias",
      ...q(
        'SELECT o.* FROM orders o JOIN current_user_tenants() f ON f.tenant_id = o.tenant_id;\nSELECT o.* FROM orders o JOIN order_totals v ON v.tenant_id = o.tenant_id;',
      ),
    },
    {
      name: 'the tenant looked up in a CTE or a subquery of the tenants table, then joined on',
      ...q(
        'WITH t AS (SELECT id FROM tenants WHERE slug = $1)\nSELECT o.* FROM orders o JOIN t ON t.id = o.tenant_id;\nSELECT o.* FROM orders o JOIN (SELECT id AS tid FROM tenants WHERE slug = $1) t ON o.tenant_id = t.tid;',
      ),
    },
    {
      name: "a temporary table of the file's own is what its name stands for afterwards",
      ...q('CREATE TEMP TABLE orders AS SELECT * FROM orders WHERE tenant_id = $1;\nSELECT * FROM orders;'),
    },
    {
      name: 'UPDATE … WHERE CURRENT OF: the row the (filtered) cursor is on',
      ...q(
        'DECLARE c CURSOR FOR SELECT * FROM orders WHERE tenant_id = $1 FOR UPDATE;\nUPDATE orders SET total = 0 WHERE CURRENT OF c;',
      ),
    },
    {
      name: 'the tenant picked through the tenants table',
      ...q('SELECT o.* FROM orders o JOIN tenants t ON t.id = o.tenant_id WHERE t.slug = $1;'),
    },
    {
      name: 'a tenant looked up by subquery (the lookup reads memberships by user)',
      ...q(
        'SELECT * FROM orders WHERE tenant_id IN (SELECT m.tenant_id FROM memberships m WHERE m.user_id = $1);',
      ),
    },
    {
      name: 'a correlated subquery joined on the tenant to a filtered row',
      ...q(
        'SELECT * FROM customers c WHERE c.tenant_id = $1 AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.tenant_id = c.tenant_id);',
      ),
    },
    {
      name: 'a CTE filtered where it is read',
      ...q(
        "WITH recent AS (SELECT * FROM orders WHERE created_at > now() - interval '7 days') SELECT * FROM recent WHERE tenant_id = $1;",
      ),
    },
    {
      name: 'a subquery in FROM filtered inside',
      ...q(
        'SELECT x.* FROM (SELECT id, tenant_id FROM orders WHERE tenant_id = $1) x JOIN customers c ON c.tenant_id = x.tenant_id;',
      ),
    },
    {
      name: 'UPDATE, DELETE, INSERT … SELECT with the tenant',
      ...q(
        'UPDATE orders SET total = $3 WHERE id = $1 AND tenant_id = $2;\nDELETE FROM orders WHERE id = $1 AND tenant_id = $2 RETURNING id;\nINSERT INTO orders (tenant_id, customer_id, total) SELECT tenant_id, id, 0 FROM customers WHERE tenant_id = $1;',
      ),
    },
    {
      name: 'an INSERT … VALUES reads nothing',
      ...q('INSERT INTO orders (tenant_id, customer_id, total) VALUES ($1, $2, $3) RETURNING id;'),
    },
    {
      name: 'an OR whose every branch filters by tenant',
      ...q(
        'SELECT * FROM orders WHERE (tenant_id = $1 AND total > 100) OR (tenant_id = $1 AND customer_id = $2);',
      ),
    },
    {
      name: "WHERE filters an outer join's nullable side: it acts as an inner join",
      ...q(
        'SELECT * FROM orders o RIGHT JOIN customers c ON c.id = o.customer_id AND c.tenant_id = o.tenant_id WHERE o.tenant_id = $1;\nSELECT * FROM orders o LEFT JOIN customers c ON c.id = o.customer_id AND c.tenant_id = o.tenant_id WHERE o.tenant_id = $1;',
      ),
    },
    {
      name: 'a recursive CTE that starts from one tenant and follows the tenant column',
      ...q(
        'WITH RECURSIVE chain AS (\n  SELECT id, tenant_id FROM orders WHERE tenant_id = $1 AND id = $2\n  UNION ALL\n  SELECT o.id, o.tenant_id FROM orders o JOIN chain ON o.id = chain.id + 1 AND o.tenant_id = chain.tenant_id\n)\nSELECT * FROM chain;',
      ),
    },
    {
      name: 'a DO block is a one-off script',
      path: 'scripts/fix.sql',
      files: migrations,
      code: 'DO $$\nBEGIN\n  UPDATE orders SET total = 0 WHERE total < 0;\nEND\n$$;',
    },
    {
      name: 'a table with a row level security tenant policy',
      ...q('SELECT * FROM invoices WHERE id = $1;\nUPDATE invoices SET amount = 0 WHERE id = $1;'),
    },
    {
      name: 'a table without the tenant column, and the tenants table itself',
      ...q(
        'SELECT * FROM countries;\nSELECT count(*) FROM tenants;\nUPDATE tenants SET name = $2 WHERE id = $1;',
      ),
    },
    {
      name: 'a view and a table nobody defines',
      ...q('SELECT * FROM order_totals;\nSELECT * FROM audit_log;'),
    },
    {
      name: 'a backfill in a migration spans tenants on purpose',
      path: 'supabase/migrations/20240201000000_backfill.sql',
      files: migrations,
      code: "UPDATE orders SET total = 0 WHERE total < 0;\nDELETE FROM customers WHERE email = '';",
    },
    {
      name: 'a function body and a view definition are not executions',
      code:
        schema +
        'CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM orders $$;\nCREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 1000;',
    },
    {
      name: 'a deliberate cross-tenant report, suppressed',
      path: 'reports/admin.sql',
      files: migrations,
      code: '-- db-expert-disable-next-line query-without-tenant-filter -- platform-wide revenue, admin role only\nSELECT count(*), sum(total) FROM orders;',
    },
    {
      // PostgreSQL also applies the SELECT policies to a DELETE that reads the rows (its WHERE):
      // another tenant's id deletes nothing.
      name: 'a DELETE with a WHERE on a table whose SELECT policy keeps to the tenant',
      path: 'queries/notes.sql',
      files: {
        'supabase/migrations/20240101000000_init.sql':
          schema +
          "CREATE TABLE notes (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id));\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY notes_read ON notes FOR SELECT USING (tenant_id = current_setting('app.tenant_id')::uuid);\nCREATE POLICY notes_delete ON notes FOR DELETE USING (true);\n",
      },
      code: 'DELETE FROM notes WHERE id = $1;\nDELETE FROM notes WHERE id = $1 RETURNING id;',
    },
    {
      name: 'a non-public schema through the search_path; quoted camelCase names (Prisma)',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app.tenants (id bigint PRIMARY KEY);\nCREATE TABLE app."Order" (id bigint PRIMARY KEY, "tenantId" bigint NOT NULL REFERENCES app.tenants (id));\nSET search_path = app;\nSELECT * FROM "Order" WHERE "tenantId" = $1;',
    },
  ],
  invalid: [
    {
      name: 'a DELETE without WHERE: only the DELETE policy applies, and it lets every row through',
      path: 'queries/notes.sql',
      files: {
        'supabase/migrations/20240101000000_init.sql':
          schema +
          "CREATE TABLE notes (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id));\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY notes_read ON notes FOR SELECT USING (tenant_id = current_setting('app.tenant_id')::uuid);\nCREATE POLICY notes_delete ON notes FOR DELETE USING (true);\n",
      },
      code: 'DELETE FROM notes;',
      errors: [{ message: /^Query deletes from notes without a tenant filter/ }],
      output: null,
    },
    {
      name: 'MERGE matched on the key alone: it updates every tenant’s rows',
      ...q(
        'MERGE INTO orders o USING (VALUES ($1::bigint, 0)) AS s (id, total) ON o.id = s.id\nWHEN MATCHED THEN UPDATE SET total = s.total;',
      ),
      errors: [{ message: /^Query updates orders without a tenant filter/, line: 1, text: 'orders' }],
      output: null,
    },
    {
      name: 'COPY of a whole tenant table',
      ...q('COPY orders TO STDOUT;'),
      errors: [{ message: /^Query reads orders without a tenant filter/, text: 'orders' }],
      output: null,
    },
    {
      name: 'no WHERE',
      ...q('-- name: ListOrders :many\nSELECT * FROM orders;'),
      errors: [
        {
          message:
            'Query reads orders without a tenant filter (orders.tenant_id), and orders has no row level security',
          line: 2,
          column: 15,
          text: 'orders',
        },
      ],
      output: null,
    },
    {
      name: 'a CTE of every tenant joined on is no filter',
      ...q('WITH t AS (SELECT id FROM tenants)\nSELECT o.* FROM orders o JOIN t ON t.id = o.tenant_id;'),
      errors: [{ line: 2, column: 17, text: 'orders' }],
      output: null,
    },
    {
      name: 'WHERE on the id only',
      ...q('-- name: GetOrder :one\nSELECT id, total\nFROM public.orders o\nWHERE o.id = $1;'),
      errors: [{ line: 3, column: 6, text: 'public.orders' }],
      output: null,
    },
    {
      name: 'UPDATE and DELETE write without the tenant',
      ...q('UPDATE orders SET total = $2 WHERE id = $1;\nDELETE FROM orders WHERE id = $1;'),
      errors: [
        {
          message:
            'Query updates orders without a tenant filter (orders.tenant_id), and orders has no row level security',
          line: 1,
          text: 'orders',
        },
        {
          message:
            'Query deletes from orders without a tenant filter (orders.tenant_id), and orders has no row level security',
          line: 2,
          text: 'orders',
        },
      ],
      output: null,
    },
    {
      name: 'a CTE read without the tenant',
      ...q('WITH big AS (SELECT * FROM orders WHERE total > 1000)\nSELECT count(*) FROM big;'),
      errors: [{ line: 1, column: 28, text: 'orders' }],
      output: null,
    },
    {
      name: 'a join where only one side is filtered',
      ...q(
        'SELECT o.*, c.email\nFROM orders o\nJOIN customers c ON c.id = o.customer_id\nWHERE o.tenant_id = $1;',
      ),
      errors: [
        {
          message: /^Query reads customers without a tenant filter \(customers\.tenant_id\)/,
          line: 3,
          text: 'customers',
        },
      ],
      output: null,
    },
    {
      name: "an outer join's ON does not filter its preserved side",
      ...q('SELECT * FROM orders o LEFT JOIN customers c ON c.id = o.customer_id AND c.tenant_id = $1;'),
      errors: [{ message: /^Query reads orders /, text: 'orders' }],
      output: null,
    },
    {
      name: 'an OR with a branch that does not filter by tenant',
      ...q('SELECT * FROM orders WHERE tenant_id = $1 OR total > 1000;'),
      errors: [{ text: 'orders' }],
      output: null,
    },
    {
      name: 'a subquery in WHERE that reads another tenant table',
      ...q(
        'SELECT * FROM customers WHERE tenant_id = $1 AND id IN (SELECT customer_id FROM orders WHERE total > 1000);',
      ),
      errors: [{ message: /^Query reads orders /, text: 'orders' }],
      output: null,
    },
    {
      name: 'INSERT … SELECT reads without the tenant',
      ...q('INSERT INTO customers (tenant_id, email) SELECT tenant_id, $2 FROM orders WHERE id = $1;'),
      errors: [{ message: /^Query reads orders /, text: 'orders' }],
      output: null,
    },
    {
      name: 'a recursive CTE whose step joins by id only',
      ...q(
        'WITH RECURSIVE chain AS (\n  SELECT id, tenant_id FROM orders WHERE tenant_id = $1 AND id = $2\n  UNION ALL\n  SELECT o.id, o.tenant_id FROM orders o JOIN chain ON o.id = chain.id + 1\n)\nSELECT * FROM chain;',
      ),
      errors: [{ line: 4, column: 33, text: 'orders' }],
      output: null,
    },
    {
      name: 'EXPLAIN ANALYZE and PREPARE run the query',
      ...q(
        'EXPLAIN ANALYZE SELECT * FROM orders;\nPREPARE get_order (bigint) AS SELECT * FROM orders WHERE id = $1;',
      ),
      errors: [
        { line: 1, text: 'orders' },
        { line: 2, text: 'orders' },
      ],
      output: null,
    },
    {
      name: 'a schema file with its own queries (quoted name, non-public schema)',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app.tenants (id bigint PRIMARY KEY);\nCREATE TABLE app."Order" (id bigint PRIMARY KEY, "tenantId" bigint NOT NULL REFERENCES app.tenants (id));\nSELECT * FROM app."Order" WHERE id = $1;',
      errors: [
        {
          message:
            'Query reads Order without a tenant filter (Order.tenantId), and Order has no row level security',
          line: 4,
          text: 'app."Order"',
        },
      ],
      output: null,
    },
    {
      name: 'a count over every tenant in an admin report',
      path: 'reports/admin.sql',
      files: migrations,
      code: 'SELECT count(*) FROM orders;',
      errors: [{ text: 'orders' }],
      output: null,
    },
    {
      name: 'a policy that opens SELECT to every tenant',
      code: 'CREATE TABLE tenants (id uuid PRIMARY KEY);\nCREATE TABLE documents (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id));\nALTER TABLE documents ENABLE ROW LEVEL SECURITY;\nCREATE POLICY public_read ON documents FOR SELECT USING (true);\nSELECT * FROM documents WHERE id = $1;',
      errors: [
        {
          message:
            'Query reads documents without a tenant filter (documents.tenant_id), and policy public_read lets SELECT on documents through without tenant_id',
          line: 5,
          text: 'documents',
        },
      ],
      output: null,
    },
    {
      name: 'a configured tenant column (organization_id), tables in a non-public schema',
      path: 'queries/projects.sql',
      config: { tenantColumn: 'organization_id' },
      files: {
        'db/migrations/001_init.up.sql':
          'CREATE SCHEMA app;\nCREATE TABLE app.organizations (id bigint PRIMARY KEY);\nCREATE TABLE app.projects (id bigint PRIMARY KEY, organization_id bigint NOT NULL REFERENCES app.organizations (id), name text NOT NULL);\n',
        'db/migrations/001_init.down.sql': 'DROP SCHEMA app CASCADE;\n',
      },
      code: 'SELECT * FROM app.projects WHERE tenant_id = $1;\nSELECT * FROM app.projects WHERE organization_id = $1;',
      errors: [
        {
          message:
            'Query reads projects without a tenant filter (projects.organization_id), and projects has no row level security',
          line: 1,
          text: 'app.projects',
        },
      ],
      output: null,
    },
  ],
});
