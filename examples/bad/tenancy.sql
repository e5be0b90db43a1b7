-- A multi-tenant project tracker, written in a hurry. Every tenancy mistake the architect would
-- send back: one tenant could read, block or change another tenant's rows.

CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL
);

-- No row-level security at all, and an email can exist in one tenant only.
CREATE TABLE members (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  email text NOT NULL UNIQUE,
  role text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'member'))
);
CREATE INDEX members_tenant_id_idx ON members (tenant_id);

-- RLS enabled, but no policy: the application sees no project at all.
CREATE TABLE projects (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL
);
CREATE INDEX projects_tenant_id_idx ON projects (tenant_id);
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;

-- A policy, but RLS never enabled: the policy does nothing.
CREATE TABLE tasks (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  title text NOT NULL
);
CREATE INDEX tasks_tenant_id_idx ON tasks (tenant_id);
CREATE INDEX tasks_project_id_idx ON tasks (project_id);
CREATE POLICY tenant_isolation ON tasks USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- RLS and a policy, not forced (the owner bypasses it), and an index the tenant filter cannot use.
CREATE TABLE comments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_task_id_idx ON comments (task_id);
CREATE INDEX comments_created_at_tenant_id_idx ON comments (created_at, tenant_id);
ALTER TABLE comments ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON comments USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- Isolated by RLS, but an invoice may belong to no tenant at all.
CREATE TABLE invoices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid REFERENCES tenants (id) ON DELETE RESTRICT,
  total numeric(12, 2) NOT NULL CHECK (total >= 0)
);
CREATE INDEX invoices_tenant_id_idx ON invoices (tenant_id);
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invoices USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
