/**
 * The catalog as the oracle for the engine's model, on real projects: each project of the shared
 * corpus is linted (the model) and its migrations are run in PGlite (the catalog); the two must
 * agree. Each difference found so far is listed with its cause; a new one fails the test.
 *
 * The corpus lives outside the repository ($DB_EXPERT_CORPUS, else ../shared/corpus); without it
 * these tests are skipped.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, test } from 'node:test';
import { lintProject } from '../../server/src/engine/lint';
import type { SourceFile } from '../../server/src/engine/project';
import { compareWithModel, isVerifiable, verifyGroup } from '../../server/src/engine/verify';
import { assertOnlyKnown } from './known';
import { CORPUS } from '../support/corpus';

function readProject(root: string): SourceFile[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : /\.(sql|toml)$/i.test(name) ? [p] : [];
    });
  return walk(root)
    .sort()
    .map((abs) => {
      const rel = relative(root, abs);
      return { path: sep === '/' ? rel : rel.split(sep).join('/'), text: readFileSync(abs, 'utf8') };
    });
}

interface Case {
  project: string;
  /** How many groups run (migrations folders and schema files). */
  groups: number;
  /** What the deployment provides before the migrations run. */
  preamble?: string;
  /** Notes expected (what PGlite cannot check), as `file: message` prefixes. */
  notes?: string[];
  /** Differences known today, grouped by cause. */
  known: string[];
}

const CASES: Case[] = [
  {
    project: 'supabase-auth',
    groups: 1,
    // The migrations assume their namespace exists: the first creates `auth.users` without
    // creating `auth` (its Go template `{{ index .Options "Namespace" }}`, rendered as `auth`).
    preamble: 'CREATE SCHEMA auth',
    known: [
      // DEFAULT NULL is no default: PostgreSQL stores none (e.g. 20210710035447_alter_users:
      // `ADD COLUMN IF NOT EXISTS phone_confirmed_at timestamptz NULL DEFAULT NULL`); the model keeps `NULL`.
      'column auth.mfa_factors.phone default: model null, catalog none',
      'column auth.mfa_factors.last_challenged_at default: model null, catalog none',
      'column auth.saml_relay_states.flow_state_id default: model null, catalog none',
      'column auth.users.phone_confirmed_at default: model NULL, catalog none',
      'column auth.users.phone_change_sent_at default: model NULL, catalog none',
      'column auth.users.reauthentication_sent_at default: model null, catalog none',
      // Renamed by `EXECUTE 'alter index … rename to …'` in a DO block (20240806073726):
      // dynamic SQL, which the model does not run (by design).
      'index auth.unique_phone_factor_per_user on auth.mfa_factors: in the catalog, not in the model',
      'index auth.unique_verified_phone_factor on auth.mfa_factors: in the model, not in the catalog',
      // 00_init_auth_schema: `id uuid NOT NULL UNIQUE` and `CONSTRAINT users_pkey PRIMARY KEY (id)`
      // in one CREATE TABLE: PostgreSQL drops the UNIQUE that duplicates the key; the model keeps it.
      'index auth.users_id_key on auth.users: in the model, not in the catalog',
      'constraint auth.users.users_id_key (unique): in the model, not in the catalog',
    ],
  },
  {
    project: 'lemmy',
    groups: 1,
    known: [
      // Unnamed CHECKs (`ALTER TABLE modlog ADD CHECK ((kind = 'AdminAdd' AND num_nonnulls (…)) OR …)`):
      // PostgreSQL names a CHECK `<table>_<column>_check` only when it reads exactly one column,
      // else `<table>_check`; the model takes the first column, so a later
      // `DROP CONSTRAINT IF EXISTS modlog_check` misses and the model keeps piling up checks.
      'constraint public.modlog.modlog_check (check): in the catalog, not in the model',
      'constraint public.modlog.modlog_kind_check (check): in the model, not in the catalog',
      'constraint public.modlog.modlog_kind_check1 (check): in the model, not in the catalog',
      'constraint public.modlog.modlog_kind_check2 (check): in the model, not in the catalog',
      'constraint public.notification.notification_check (check): in the catalog, not in the model',
      'constraint public.notification.notification_kind_check (check): in the model, not in the catalog',
      'constraint public.report_combined.report_combined_check (check): in the catalog, not in the model',
      'constraint public.report_combined.report_combined_post_report_id_check (check): in the model, not in the catalog',
      'constraint public.report_combined.report_combined_post_report_id_check1 (check): in the model, not in the catalog',
      // `ALTER TABLE … ALTER CONSTRAINT … NOT DEFERRABLE` (2025-08-01-000023, -000051): not applied by the model.
      'constraint public.local_image.local_image_person_id_fkey DEFERRABLE: model true, catalog false',
      'constraint public.local_image.local_image_thumbnail_for_post_id_fkey DEFERRABLE: model true, catalog false',
      'constraint public.report_combined.report_combined_comment_report_id_fkey DEFERRABLE: model true, catalog false',
      'constraint public.report_combined.report_combined_post_report_id_fkey DEFERRABLE: model true, catalog false',
      'constraint public.report_combined.report_combined_private_message_report_id_fkey DEFERRABLE: model true, catalog false',
      // 2024-02-24-034523_replaceable-schema: `DROP FUNCTION comment_aggregates_comment, … CASCADE`
      // drops the triggers that execute those functions; the model keeps them.
      'trigger public.comment.comment_aggregates_comment: in the model, not in the catalog',
      'trigger public.comment.community_aggregates_comment_count: in the model, not in the catalog',
      'trigger public.comment.person_aggregates_comment_count: in the model, not in the catalog',
      'trigger public.comment.post_aggregates_comment_count: in the model, not in the catalog',
      'trigger public.comment.site_aggregates_comment_delete: in the model, not in the catalog',
      'trigger public.comment.site_aggregates_comment_insert: in the model, not in the catalog',
      'trigger public.community.community_aggregates_community: in the model, not in the catalog',
      'trigger public.community.site_aggregates_community_delete: in the model, not in the catalog',
      'trigger public.community.site_aggregates_community_insert: in the model, not in the catalog',
      'trigger public.person.delete_follow_before_person: in the model, not in the catalog',
      'trigger public.person.person_aggregates_person: in the model, not in the catalog',
      'trigger public.person.site_aggregates_person_delete: in the model, not in the catalog',
      'trigger public.person.site_aggregates_person_insert: in the model, not in the catalog',
      'trigger public.post.community_aggregates_post_count: in the model, not in the catalog',
      'trigger public.post.community_aggregates_post_count_insert: in the model, not in the catalog',
      'trigger public.post.person_aggregates_post_count: in the model, not in the catalog',
      'trigger public.post.person_aggregates_post_insert: in the model, not in the catalog',
      'trigger public.post.post_aggregates_featured_community: in the model, not in the catalog',
      'trigger public.post.post_aggregates_featured_local: in the model, not in the catalog',
      'trigger public.post.post_aggregates_post: in the model, not in the catalog',
      'trigger public.post.site_aggregates_post_delete: in the model, not in the catalog',
      'trigger public.post.site_aggregates_post_insert: in the model, not in the catalog',
      'trigger public.post.site_aggregates_post_update: in the model, not in the catalog',
      'trigger public.site.site_aggregates_site: in the model, not in the catalog',
    ],
  },
  {
    project: 'documenso',
    groups: 1,
    known: [
      // A serial `id` whose default is dropped (`ALTER COLUMN "id" DROP DEFAULT, ALTER COLUMN "id"
      // SET DATA TYPE TEXT`, 20240227003622 and 20250324135010): the model keeps `serial`.
      'column public.Folder.id default: model serial, catalog none',
      'column public.Webhook.id default: model serial, catalog none',
    ],
  },
  {
    project: 'formbricks',
    groups: 1,
    // pgvector is not bundled with PGlite: the tables that use it are skipped (and dropped later).
    notes: [
      'packages/database/migration/20241017124431_add_documents_and_insights/migration.sql: Not checked: extension "vector"',
      'packages/database/migration/20241017124431_add_documents_and_insights/migration.sql: Not checked: type "vector"',
      'packages/database/migration/20241017124431_add_documents_and_insights/migration.sql: Not checked: type "vector"',
    ],
    known: [
      // Renamed by `EXECUTE 'ALTER TABLE … RENAME CONSTRAINT …'` / `'ALTER INDEX … RENAME …'` in a DO block
      // (20260528120000_rename_connector_to_feedback_source): dynamic SQL, not run by the model (by design).
      'index public.Connector_feedbackDirectoryId_idx on public.FeedbackSource: in the model, not in the catalog',
      'constraint public.FeedbackSource.Connector_feedbackDirectoryId_fkey (foreign key): in the model, not in the catalog',
      'constraint public.FeedbackSource.FeedbackSource_feedbackDirectoryId_fkey (foreign key): in the catalog, not in the model',
    ],
  },
  { project: 'temporal', groups: 4, known: [] },
];

describe('the model agrees with PostgreSQL’s catalog on real projects', { skip: !existsSync(CORPUS) }, () => {
  for (const c of CASES) {
    test(c.project, async (t) => {
      const files = readProject(join(CORPUS, c.project));
      const lint = await lintProject(files);
      const texts = new Map(files.map((f) => [f.path, f.text]));
      const groups = lint.groups.filter((g) => isVerifiable(g, lint.parsed));
      assert.equal(groups.length, c.groups);
      const failures: string[] = [];
      const notes: string[] = [];
      const differences: string[] = [];
      for (const group of groups) {
        const result = await verifyGroup(
          group.files.map((path) => ({ path, text: texts.get(path) ?? '' })),
          lint.parsed,
          { tool: group.tool, migrations: group.migrations, ...(c.preamble ? { preamble: c.preamble } : {}) },
        );
        failures.push(...result.failures.map((f) => `${f.file}: ${f.message}`));
        notes.push(...result.notes.map((n) => `${n.file}: ${n.message}`));
        differences.push(...compareWithModel(lint.models.get(group)!, result.catalog));
      }
      assert.deepEqual(failures, [], 'the migrations run');
      assert.equal(notes.length, (c.notes ?? []).length, notes.join('\n'));
      notes.forEach((n, i) => assert.ok(n.startsWith(c.notes![i]), n));
      assertOnlyKnown(t, differences, c.known);
    });
  }
});
