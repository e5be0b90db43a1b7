/**
 * The project configuration (`db-expert.json`), resolved: every field has its value, defaults
 * filled in. The JSON Schema that validates the file is `schema/db-expert.schema.json`; loading
 * and validation live in `load.ts`.
 */
import type { SeveritySetting } from '../findings';

export type MigrationToolName =
  'supabase' | 'prisma' | 'golang-migrate' | 'dbmate' | 'flyway' | 'diesel' | 'numbered' | 'plain';

export interface MigrationFolderConfig {
  /** Folder, relative to the project root. */
  path: string;
  /** How files in it are named, ordered and run; detected when omitted. */
  tool?: MigrationToolName;
}

/** How a Prisma project is linted. */
export interface PrismaConfig {
  /**
   * Also report schema-design and multi-tenancy findings on the SQL of the Prisma migrations
   * (`prisma/migrations/<timestamp>_<name>/migration.sql`). Off by default: in a project with a
   * Prisma schema they are reported on `schema.prisma`, where they are fixed, and the migrations
   * keep the migration-safety and syntax findings.
   */
  schemaFindingsOnMigrations: boolean;
}

export interface ResolvedConfig {
  /** Severity overrides by rule id. */
  rules: Record<string, SeveritySetting>;
  tenantColumn: string;
  /** The setting a tenant policy reads, e.g. `app.tenant_id`. */
  tenantSetting: string;
  auditColumns: { created: string; updated: string };
  softDeleteColumn: string;
  /** Tables (`name` or `schema.name`) that need no audit columns. */
  auditExemptTables: string[];
  migrations: MigrationFolderConfig[];
  /** Globs (relative to the root) of files never linted. */
  ignore: string[];
  prisma: PrismaConfig;
}

export const DEFAULT_CONFIG: ResolvedConfig = {
  rules: {},
  tenantColumn: 'tenant_id',
  tenantSetting: 'app.tenant_id',
  auditColumns: { created: 'created_at', updated: 'updated_at' },
  softDeleteColumn: 'deleted_at',
  auditExemptTables: [],
  migrations: [],
  ignore: [],
  prisma: { schemaFindingsOnMigrations: false },
};
