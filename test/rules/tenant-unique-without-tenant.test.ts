import { tenantUniqueWithoutTenant } from '../../server/src/engine/rules/tenant-unique-without-tenant';
import { ruleTester } from '../support/rule-tester';

const tenants =
  'CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), slug text NOT NULL UNIQUE);\n';

ruleTester(tenantUniqueWithoutTenant, {
  valid: [
    tenants +
      'CREATE TABLE customers (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), email text NOT NULL, UNIQUE (tenant_id, email));',
    {
      name: 'the tenants table’s own unique slug',
      code:
        tenants +
        'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id));',
    },
    {
      name: 'a unique index with the tenant column after an expression',
      code:
        tenants +
        'CREATE TABLE customers (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), email text NOT NULL);\nCREATE UNIQUE INDEX customers_email_key ON customers (lower(email), tenant_id);',
    },
    {
      name: 'a column the database generates is unique across tenants anyway',
      code:
        tenants +
        'CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), public_id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE, seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE);',
    },
    {
      name: 'values that identify a tenant from outside: API key hash, custom domain, invite token',
      code:
        tenants +
        'CREATE TABLE api_keys (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), api_key_hash bytea NOT NULL UNIQUE);\nCREATE TABLE domains (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), hostname text NOT NULL UNIQUE);\nCREATE TABLE invitations (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), token text NOT NULL, CONSTRAINT invitations_token_key UNIQUE (token));',
    },
    {
      name: 'a one-to-one relation: the referenced row has its tenant',
      code:
        tenants +
        'CREATE TABLE users (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id));\nCREATE TABLE profiles (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), user_id bigint NOT NULL UNIQUE REFERENCES users (id));',
    },
    {
      name: 'a partial unique index scoped by the tenant column',
      code:
        tenants +
        'CREATE TABLE settings (id bigint PRIMARY KEY, tenant_id uuid REFERENCES tenants (id), key text NOT NULL);\nCREATE UNIQUE INDEX settings_global_key ON settings (key) WHERE tenant_id IS NULL;',
    },
    {
      name: 'a table without the tenant column',
      code: 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);',
    },
    {
      name: 'fixed by a later migration',
      path: 'supabase/migrations/20240101000000_customers.sql',
      code:
        tenants +
        'CREATE TABLE customers (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), email text NOT NULL UNIQUE);',
      files: {
        'supabase/migrations/20240201000000_per_tenant.sql':
          'ALTER TABLE customers DROP CONSTRAINT customers_email_key, ADD CONSTRAINT customers_tenant_id_email_key UNIQUE (tenant_id, email);',
      },
    },
    {
      name: 'a camelCase tenant column (Prisma naming) in a quoted table',
      code: 'CREATE TABLE "Tenant" (id text PRIMARY KEY);\nCREATE TABLE "Customer" (id text PRIMARY KEY, "tenantId" text NOT NULL REFERENCES "Tenant" (id), email text NOT NULL);\nCREATE UNIQUE INDEX "Customer_tenantId_email_key" ON "Customer" ("tenantId", email);',
    },
  ],
  invalid: [
    {
      // With (tenant_id, code), invoices' REFERENCES customers (code) has no unique key to point at.
      name: 'a key another table references: reported, no fix',
      code:
        tenants +
        'CREATE TABLE customers (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), code text NOT NULL UNIQUE);\nCREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), customer_code text REFERENCES customers (code));',
      errors: [{ message: /^Unique customers_code_key on customers \(code\) does not include tenant_id/ }],
      output: null,
    },
    {
      // countries is shared by every tenant: one tenant's (FR, 123) blocks every other tenant's.
      name: 'a key that includes a foreign key to a table every tenant shares',
      code:
        tenants +
        'CREATE TABLE countries (code char(2) PRIMARY KEY);\nCREATE TABLE companies (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), country char(2) NOT NULL REFERENCES countries (code), tax_no text NOT NULL, UNIQUE (country, tax_no));',
      errors: [
        {
          message:
            /^Unique companies_country_tax_no_key on companies \(country, tax_no\) does not include tenant_id/,
        },
      ],
    },
    {
      code:
        tenants +
        'CREATE TABLE customers (\n  id bigint PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id),\n  email text UNIQUE NOT NULL\n);',
      errors: [
        {
          message:
            "Unique customers_email_key on customers (email) does not include tenant_id: one tenant's row blocks another's",
          line: 5,
          column: 14,
          text: 'UNIQUE',
        },
      ],
      fixes: [
        {
          title: 'Make customers_email_key unique per tenant: (tenant_id, email)',
          output:
            tenants +
            'CREATE TABLE customers (\n  id bigint PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id),\n  email text NOT NULL\n);\nALTER TABLE customers ADD UNIQUE (tenant_id, email);',
        },
      ],
    },
    {
      name: 'a table constraint',
      code:
        tenants +
        'CREATE TABLE products (\n  id bigint PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id),\n  sku text NOT NULL,\n  CONSTRAINT products_sku_key UNIQUE (sku)\n);',
      errors: [{ text: 'CONSTRAINT products_sku_key UNIQUE (sku)' }],
      output:
        tenants +
        'CREATE TABLE products (\n  id bigint PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id),\n  sku text NOT NULL,\n  CONSTRAINT products_sku_key UNIQUE (tenant_id, sku)\n);',
    },
    {
      name: 'a named inline constraint keeps its name',
      code:
        tenants +
        'CREATE TABLE products (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), sku text NOT NULL CONSTRAINT products_sku_uq UNIQUE);',
      errors: [{ message: /^Unique products_sku_uq on products \(sku\)/ }],
      output:
        tenants +
        'CREATE TABLE products (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), sku text NOT NULL);\nALTER TABLE products ADD CONSTRAINT products_sku_uq UNIQUE (tenant_id, sku);',
    },
    {
      name: 'a unique expression index, partial, in a non-public schema with quoted names',
      code: 'CREATE SCHEMA crm;\nCREATE TABLE crm.tenants (id bigint PRIMARY KEY);\nCREATE TABLE crm."Contacts" (id bigint PRIMARY KEY, "tenantId" bigint NOT NULL REFERENCES crm.tenants (id), email text NOT NULL, deleted_at timestamptz);\nCREATE UNIQUE INDEX "Contacts_email_key" ON crm."Contacts" USING btree ( lower(email) ) WHERE deleted_at IS NULL;',
      errors: [
        { message: /^Unique Contacts_email_key on Contacts \(lower\(email\)\) does not include tenantId/ },
      ],
      output:
        'CREATE SCHEMA crm;\nCREATE TABLE crm.tenants (id bigint PRIMARY KEY);\nCREATE TABLE crm."Contacts" (id bigint PRIMARY KEY, "tenantId" bigint NOT NULL REFERENCES crm.tenants (id), email text NOT NULL, deleted_at timestamptz);\nCREATE UNIQUE INDEX "Contacts_email_key" ON crm."Contacts" USING btree ( "tenantId", lower(email) ) WHERE deleted_at IS NULL;',
    },
    {
      name: 'ALTER TABLE … ADD UNIQUE, with a configured tenant column',
      config: { tenantColumn: 'organization_id' },
      code: 'CREATE TABLE organizations (id bigint PRIMARY KEY);\nCREATE TABLE invoices (id bigint PRIMARY KEY, organization_id bigint NOT NULL REFERENCES organizations (id), number integer NOT NULL);\nALTER TABLE invoices ADD UNIQUE (number);',
      errors: [{ text: 'UNIQUE (number)' }],
      output:
        'CREATE TABLE organizations (id bigint PRIMARY KEY);\nCREATE TABLE invoices (id bigint PRIMARY KEY, organization_id bigint NOT NULL REFERENCES organizations (id), number integer NOT NULL);\nALTER TABLE invoices ADD UNIQUE (organization_id, number);',
    },
    {
      name: 'in an applied migration: reported, not rewritten',
      path: 'supabase/migrations/20240101000000_customers.sql',
      code:
        tenants +
        'CREATE TABLE customers (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), email text NOT NULL UNIQUE);',
      files: {
        'supabase/migrations/20240201000000_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY);',
      },
      errors: [{ message: /^Unique customers_email_key/ }],
      output: null,
    },
  ],
});
