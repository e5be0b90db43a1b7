import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { DEFAULT_CONFIG } from '../../server/src/engine/config/config';
import { applyEdits } from '../../server/src/engine/fixes/apply';
import { lintProject } from '../../server/src/engine/lint';
import { tenantTableWithoutRls } from '../../server/src/engine/rules/tenant-table-without-rls';
import { closePostgres, postgres, reset, runScript } from '../support/postgres';
import { ruleTester } from '../support/rule-tester';

const tenants = 'CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);\n';
const projects =
  'CREATE TABLE projects (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  tenant_id uuid NOT NULL REFERENCES tenants (id),\n  name text NOT NULL\n);\n';
const rls =
  'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nALTER TABLE projects FORCE ROW LEVEL SECURITY;\n';
/** Who belongs to which tenant (set up beside the file, not part of it). */
const members = 'CREATE TABLE members (user_id uuid NOT NULL, tenant_id uuid NOT NULL);\n';
/** Supabase's auth schema, as far as the policies below need it. */
const supabaseAuth =
  "CREATE SCHEMA auth;\nCREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;\n";

ruleTester(tenantTableWithoutRls, {
  valid: [
    tenants +
      projects +
      rls +
      "CREATE POLICY tenant_isolation ON projects USING (tenant_id = current_setting('app.tenant_id')::uuid);",
    {
      name: 'Supabase: the tenant from the JWT, wrapped in a SELECT',
      code:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY "Tenant members" ON projects TO authenticated USING (tenant_id = (select auth.jwt() ->> \'tenant_id\')::uuid);',
    },
    {
      name: 'Supabase: a membership subquery with auth.uid()',
      code:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY members ON projects USING (tenant_id IN (SELECT m.tenant_id FROM private.memberships m WHERE m.user_id = (select auth.uid())));',
    },
    {
      name: 'an EXISTS membership lookup correlated on the tenant column',
      code:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY members ON projects USING (EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = projects.tenant_id AND m.user_id = auth.uid()));',
    },
    {
      name: 'a predicate function given the tenant column',
      code:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY members ON projects USING ((select private.is_member_of(tenant_id)));',
    },
    {
      name: 'Supabase: the user looked up among the tenant’s members (IN and = ANY)',
      code:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n' +
        'CREATE POLICY members_read ON projects FOR SELECT TO authenticated USING ((select auth.uid()) IN (SELECT m.user_id FROM members m WHERE m.tenant_id = projects.tenant_id));\n' +
        'CREATE POLICY members_write ON projects FOR UPDATE TO authenticated USING ((select auth.uid()) = ANY (SELECT m.user_id FROM members m WHERE m.tenant_id = projects.tenant_id));',
    },
    {
      name: 'a predicate function given the tenant column by name',
      code:
        tenants +
        projects +
        "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY members ON projects USING (private.has_role(tenant => tenant_id, role => 'member'));",
    },
    {
      name: 'a restrictive tenant policy for the same roles as the open one',
      code:
        tenants +
        projects +
        "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY read_all ON projects FOR SELECT TO authenticated USING (true);\nCREATE POLICY tenant_only ON projects AS RESTRICTIVE TO authenticated USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
    },
    {
      name: 'the tenants table itself (keyed by tenant_id) is not a tenant table',
      code: "CREATE TABLE tenants (tenant_id text PRIMARY KEY, name text NOT NULL);\nCREATE TABLE projects (id bigint PRIMARY KEY, tenant_id text NOT NULL REFERENCES tenants (tenant_id));\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = current_setting('app.tenant_id'));",
    },
    {
      name: 'policies without RLS are policy-without-rls’s finding',
      code:
        tenants +
        projects +
        "CREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
    },
    {
      name: 'RLS without a policy is rls-enabled-without-policy’s finding',
      code: tenants + projects + 'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;',
    },
    {
      name: 'a tenant policy FOR SELECT only: the other commands have no policy, so RLS denies them',
      code:
        tenants +
        projects +
        "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_read ON projects FOR SELECT USING (tenant_id = current_setting('app.tenant_id', true)::uuid);",
    },
    {
      name: 'a restrictive tenant policy narrows a permissive USING (true)',
      code:
        tenants +
        projects +
        "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY everyone ON projects USING (true);\nCREATE POLICY tenant_isolation ON projects AS RESTRICTIVE USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);",
    },
    {
      name: 'a service_role policy opens nothing (the role bypasses RLS anyway)',
      code:
        tenants +
        projects +
        "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY service ON projects TO service_role USING (true);\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
    },
    {
      name: 'a configured tenant column (organization_id), camelCase in a non-public schema',
      config: { tenantColumn: 'organization_id' },
      code: 'CREATE SCHEMA crm;\nCREATE TABLE crm.organizations (id bigint PRIMARY KEY);\nCREATE TABLE crm."Deals" (id bigint PRIMARY KEY, "organizationId" bigint NOT NULL REFERENCES crm.organizations (id), tenant_id bigint);\nALTER TABLE crm."Deals" ENABLE ROW LEVEL SECURITY;\nCREATE POLICY org ON crm."Deals" USING ("organizationId" = current_setting(\'app.org_id\')::bigint);',
    },
    {
      name: 'RLS and the policy in a later migration',
      path: 'supabase/migrations/20240101000000_projects.sql',
      code: tenants + projects,
      files: {
        'supabase/migrations/20240201000000_rls.sql':
          "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
      },
    },
    {
      name: 'a partition is covered by its parent',
      code:
        tenants +
        "CREATE TABLE events (tenant_id uuid NOT NULL REFERENCES tenants (id), at date NOT NULL) PARTITION BY RANGE (at);\nALTER TABLE events ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON events USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    },
  ],
  invalid: [
    {
      code: tenants + projects,
      errors: [
        {
          message: 'Table projects has tenant_id but no row level security',
          line: 4,
          column: 3,
          text: 'tenant_id uuid NOT NULL REFERENCES tenants (id)',
        },
      ],
      fixes: [
        {
          title: 'Enable row level security on projects with a tenant_isolation policy',
          output:
            tenants +
            projects.trimEnd() +
            "\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nALTER TABLE projects FORCE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);\n",
        },
      ],
    },
    {
      name: 'placed after the table’s last statement; bigint tenant in a quoted, non-public table',
      code: 'CREATE SCHEMA app;\nCREATE TABLE app.tenants (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\nCREATE TABLE app."Invoices" (id bigint PRIMARY KEY, "tenantId" bigint NOT NULL REFERENCES app.tenants (id), total numeric(12, 2) NOT NULL);\nCREATE INDEX "Invoices_tenantId_idx" ON app."Invoices" ("tenantId");\nCREATE TABLE app.notes (id bigint PRIMARY KEY);',
      errors: [
        {
          message: 'Table Invoices has tenantId but no row level security',
          text: '"tenantId" bigint NOT NULL REFERENCES app.tenants (id)',
        },
      ],
      output:
        'CREATE SCHEMA app;\nCREATE TABLE app.tenants (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\nCREATE TABLE app."Invoices" (id bigint PRIMARY KEY, "tenantId" bigint NOT NULL REFERENCES app.tenants (id), total numeric(12, 2) NOT NULL);\nCREATE INDEX "Invoices_tenantId_idx" ON app."Invoices" ("tenantId");\nALTER TABLE app."Invoices" ENABLE ROW LEVEL SECURITY;\nALTER TABLE app."Invoices" FORCE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON app."Invoices" USING ("tenantId" = NULLIF(current_setting(\'app.tenant_id\', true), \'\')::bigint);\nCREATE TABLE app.notes (id bigint PRIMARY KEY);',
    },
    {
      name: 'a configured column and setting',
      config: { tenantColumn: 'workspace_id', tenantSetting: 'app.workspace' },
      code: 'CREATE TABLE workspaces (id text PRIMARY KEY);\nCREATE TABLE docs (id bigint PRIMARY KEY, workspace_id varchar(32) NOT NULL REFERENCES workspaces (id));',
      errors: [{ message: 'Table docs has workspace_id but no row level security' }],
      output:
        "CREATE TABLE workspaces (id text PRIMARY KEY);\nCREATE TABLE docs (id bigint PRIMARY KEY, workspace_id varchar(32) NOT NULL REFERENCES workspaces (id));\nALTER TABLE docs ENABLE ROW LEVEL SECURITY;\nALTER TABLE docs FORCE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON docs USING (workspace_id = NULLIF(current_setting('app.workspace', true), '')::varchar(32));",
    },
    {
      name: 'no policy uses the tenant column: a restrictive one narrows them',
      setup: supabaseAuth,
      code:
        tenants +
        'CREATE TABLE notes (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), author_id uuid NOT NULL);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY own_notes ON notes USING (author_id = auth.uid());',
      errors: [
        {
          message:
            "No policy of notes uses tenant_id: SELECT, INSERT, UPDATE, DELETE reach every tenant's rows",
          text: 'CREATE POLICY own_notes ON notes USING (author_id = auth.uid());',
        },
      ],
      output:
        tenants +
        "CREATE TABLE notes (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), author_id uuid NOT NULL);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY own_notes ON notes USING (author_id = auth.uid());\nCREATE POLICY tenant_isolation ON notes AS RESTRICTIVE USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
    },
    {
      name: 'a tenant policy FOR SELECT only, and an INSERT policy open to every tenant: says so',
      code:
        tenants +
        projects +
        "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects FOR SELECT USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);\nCREATE POLICY anyone_creates ON projects FOR INSERT WITH CHECK (true);",
      errors: [
        {
          message:
            'Policy anyone_creates lets INSERT on projects through without tenant_id (the tenant policies cover only SELECT)',
          line: 9,
        },
      ],
      output:
        tenants +
        projects +
        "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects FOR SELECT USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);\nCREATE POLICY anyone_creates ON projects FOR INSERT WITH CHECK (true);\nCREATE POLICY tenant_isolation_1 ON projects AS RESTRICTIVE USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
    },
    {
      // PostgreSQL returns every tenant's rows to anon: the restrictive policy is for authenticated only.
      name: 'a restrictive tenant policy for one role leaves another role the open policy grants',
      code:
        tenants +
        projects +
        "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY public_read ON projects FOR SELECT TO anon, authenticated USING (true);\nCREATE POLICY tenant_only ON projects AS RESTRICTIVE TO authenticated USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
      errors: [{ message: 'Policy public_read lets SELECT on projects through without tenant_id' }],
    },
    {
      name: 'an OR with a branch that does not compare the tenant',
      code:
        tenants +
        projects +
        "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = current_setting('app.tenant_id')::uuid OR true);",
      errors: [
        {
          message:
            "No policy of projects uses tenant_id: SELECT, INSERT, UPDATE, DELETE reach every tenant's rows",
        },
      ],
    },
    {
      name: 'coalesce falling back to the column itself: every row when the setting is empty',
      code:
        tenants +
        projects +
        "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = coalesce(NULLIF(current_setting('app.tenant_id', true), '')::uuid, tenant_id));",
      errors: [
        {
          message:
            "No policy of projects uses tenant_id: SELECT, INSERT, UPDATE, DELETE reach every tenant's rows",
        },
      ],
    },
    {
      name: 'a tenant list that does not depend on the session: every tenant',
      code:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id IN (SELECT id FROM tenants));',
      errors: [
        {
          message:
            "No policy of projects uses tenant_id: SELECT, INSERT, UPDATE, DELETE reach every tenant's rows",
        },
      ],
    },
    {
      name: 'an EXISTS over the tenant’s members that never asks who the user is',
      setup: members,
      code:
        tenants +
        projects +
        'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY members ON projects USING (EXISTS (SELECT 1 FROM members m WHERE m.tenant_id = projects.tenant_id));',
      errors: [
        {
          message:
            "No policy of projects uses tenant_id: SELECT, INSERT, UPDATE, DELETE reach every tenant's rows",
        },
      ],
    },
    {
      // The statements go after the move: written before it, app.projects does not exist yet.
      name: 'a table moved to another schema: the fix follows the move',
      code:
        'CREATE SCHEMA app;\n' +
        tenants +
        'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id));\nALTER TABLE projects SET SCHEMA app;\n',
      errors: [{ message: 'Table projects has tenant_id but no row level security' }],
      output:
        'CREATE SCHEMA app;\n' +
        tenants +
        "CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id));\nALTER TABLE projects SET SCHEMA app;\nALTER TABLE app.projects ENABLE ROW LEVEL SECURITY;\nALTER TABLE app.projects FORCE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON app.projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);\n",
    },
    {
      name: 'a public-read policy beside the tenant policy',
      code:
        tenants +
        'CREATE TABLE projects (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), is_public boolean NOT NULL DEFAULT false);\n' +
        "ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);\nCREATE POLICY public_read ON projects FOR SELECT USING (is_public);",
      errors: [{ message: 'Policy public_read lets SELECT on projects through without tenant_id' }],
    },
    {
      name: 'a column added in the newest migration: the fix goes after it',
      path: 'supabase/migrations/20240201000000_tenant.sql',
      files: {
        'supabase/migrations/20240101000000_init.sql':
          tenants + 'CREATE TABLE projects (id bigint PRIMARY KEY, name text NOT NULL);',
      },
      code: 'ALTER TABLE projects ADD COLUMN tenant_id uuid NOT NULL REFERENCES tenants (id);\n',
      errors: [{ message: 'Table projects has tenant_id but no row level security', line: 1, column: 33 }],
      output:
        "ALTER TABLE projects ADD COLUMN tenant_id uuid NOT NULL REFERENCES tenants (id);\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nALTER TABLE projects FORCE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);\n",
    },
  ],
});

describe('tenant-table-without-rls: the fix in an applied migration', () => {
  it('goes at the end of the newest migration, never into the applied one', async () => {
    const files = [
      { path: 'supabase/migrations/20240101000000_init.sql', text: tenants + projects },
      {
        path: 'supabase/migrations/20240201000000_tasks.sql',
        text: 'CREATE TABLE tasks (id bigint PRIMARY KEY);',
      },
    ];
    const { findings } = await lintProject(files, { rules: [tenantTableWithoutRls] });
    assert.equal(findings.length, 1);
    assert.equal(findings[0].file, files[0].path);
    const edits = findings[0].fixes[0].edits;
    assert.deepEqual(
      edits.map((e) => e.file),
      [files[1].path],
    );
    assert.equal(
      applyEdits(files[1].text, edits).text,
      "CREATE TABLE tasks (id bigint PRIMARY KEY);\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nALTER TABLE projects FORCE ROW LEVEL SECURITY;\nCREATE POLICY tenant_isolation ON projects USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);\n",
    );
  });
});

/**
 * The fix's policy, run for real: two tenants, two application roles and a non-superuser owner;
 * each role sees, changes and creates only its own tenant's rows.
 */
describe('tenant-table-without-rls: the fixed table isolates tenants in PostgreSQL', () => {
  after(closePostgres);
  const A = '00000000-0000-0000-0000-00000000000a';
  const B = '00000000-0000-0000-0000-00000000000b';

  async function fixedSchema(): Promise<string> {
    const code = tenants + projects;
    const { findings } = await lintProject([{ path: 'schema.sql', text: code }], {
      config: DEFAULT_CONFIG,
      rules: [tenantTableWithoutRls],
    });
    assert.equal(findings.length, 1);
    return applyEdits(code, findings[0].fixes[0].edits).text;
  }

  async function as(db: PGlite, role: string, tenant: string): Promise<void> {
    await db.exec(`RESET ROLE; SET ROLE ${role}; SET app.tenant_id = '${tenant}'`);
  }

  async function rejects(db: PGlite, sql: string, message: RegExp): Promise<void> {
    await assert.rejects(db.exec(sql), message);
  }

  it('each tenant reads and writes only its own rows', async () => {
    const db = await postgres();
    await reset(db);
    await runScript(db, await fixedSchema());
    try {
      await isolation(db);
    } finally {
      await db.exec('RESET ROLE');
    }
  });

  async function isolation(db: PGlite): Promise<void> {
    await db.exec(`
      CREATE ROLE app_owner NOLOGIN;
      CREATE ROLE tenant_a NOLOGIN;
      CREATE ROLE tenant_b NOLOGIN;
      GRANT USAGE ON SCHEMA public TO app_owner, tenant_a, tenant_b;
      ALTER TABLE projects OWNER TO app_owner;
      GRANT SELECT, INSERT, UPDATE, DELETE ON projects TO tenant_a, tenant_b;
      INSERT INTO tenants (id, name) VALUES ('${A}', 'A'), ('${B}', 'B');
    `);
    // FORCE: the owner is bound by the policy too, so it sets the tenant of each row it writes.
    await as(db, 'app_owner', A);
    await db.exec(`INSERT INTO projects (tenant_id, name) VALUES ('${A}', 'a1'), ('${A}', 'a2')`);
    await rejects(db, `INSERT INTO projects (tenant_id, name) VALUES ('${B}', 'b1')`, /row-level security/);
    await as(db, 'app_owner', B);
    await db.exec(`INSERT INTO projects (tenant_id, name) VALUES ('${B}', 'b1')`);

    for (const [role, mine, theirs, names] of [
      ['tenant_a', A, B, ['a1', 'a2']],
      ['tenant_b', B, A, ['b1']],
    ] as const) {
      await as(db, role, mine);
      const seen = await db.query<{ name: string; tenant_id: string }>(
        'SELECT name, tenant_id FROM projects ORDER BY name',
      );
      assert.deepEqual(
        seen.rows.map((r) => r.name),
        names,
        `${role} sees only its rows`,
      );
      assert.ok(seen.rows.every((r) => r.tenant_id === mine));
      const updated = await db.query(`UPDATE projects SET name = 'stolen' WHERE tenant_id = '${theirs}'`);
      assert.equal(updated.affectedRows, 0, `${role} cannot update the other tenant's rows`);
      const deleted = await db.query(`DELETE FROM projects WHERE tenant_id = '${theirs}'`);
      assert.equal(deleted.affectedRows, 0, `${role} cannot delete the other tenant's rows`);
      await rejects(
        db,
        `INSERT INTO projects (tenant_id, name) VALUES ('${theirs}', 'planted')`,
        /new row violates row-level security policy for table "projects"/,
      );
      // Moving an own row to the other tenant is a write for the other tenant, too.
      await rejects(
        db,
        `UPDATE projects SET tenant_id = '${theirs}' WHERE tenant_id = '${mine}'`,
        /new row violates row-level security policy for table "projects"/,
      );
    }
    await db.exec('RESET ROLE');
    const all = await db.query<{ name: string }>('SELECT name FROM projects ORDER BY name');
    assert.deepEqual(
      all.rows.map((r) => r.name),
      ['a1', 'a2', 'b1'],
      'nothing was changed across tenants',
    );
  }

  it('a session without a tenant reads nothing and writes nothing', async () => {
    const db = await postgres();
    await reset(db);
    await runScript(db, await fixedSchema());
    await db.exec(`
      CREATE ROLE tenant_a NOLOGIN;
      GRANT USAGE ON SCHEMA public TO tenant_a;
      GRANT SELECT, INSERT ON projects TO tenant_a;
      INSERT INTO tenants (id, name) VALUES ('${A}', 'A');
      INSERT INTO projects (tenant_id, name) VALUES ('${A}', 'a1');
    `);
    try {
      // Without a tenant the setting reads NULL (never set in the session) or '' (reset after a SET).
      for (const before of ['RESET app.tenant_id', `SET app.tenant_id = '${A}'; RESET app.tenant_id`]) {
        await db.exec(`RESET ROLE; ${before}; SET ROLE tenant_a`);
        const seen = await db.query('SELECT * FROM projects');
        assert.equal(seen.rows.length, 0, `${before}: no rows`);
        await rejects(
          db,
          `INSERT INTO projects (tenant_id, name) VALUES ('${A}', 'x')`,
          /row-level security/,
        );
      }
    } finally {
      await db.exec('RESET ROLE');
    }
  });
});
