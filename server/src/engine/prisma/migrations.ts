/**
 * New migrations for what a Prisma schema cannot say (a partial index without the
 * `partialIndexes` preview feature, row-level security): a folder
 * `<migrations>/<timestamp>_<name>/migration.sql`, named as `prisma migrate dev --create-only`
 * names it, so that `prisma migrate` applies it after the others.
 */
import type { FileGroup } from '../project';

/**
 * Where `prisma migrate` keeps the migrations of a schema: `migrations` beside the file that holds
 * the datasource (the group's folder).
 */
export function prismaMigrationsFolder(group: FileGroup): string {
  return group.folder ? `${group.folder}/migrations` : 'migrations';
}

/** `20250102030405`: the UTC time, as Prisma writes it before a migration's name. */
export function migrationTimestamp(now: Date = new Date()): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    pad(now.getUTCFullYear(), 4) +
    pad(now.getUTCMonth() + 1) +
    pad(now.getUTCDate()) +
    pad(now.getUTCHours()) +
    pad(now.getUTCMinutes()) +
    pad(now.getUTCSeconds())
  );
}

/** A migration's name as Prisma makes it from what the user typed: lower case, `_` between words. */
export function migrationName(name: string): string {
  return (
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'migration'
  );
}

export interface NewMigration {
  /** `20250102030405_post_active_idx`. */
  folder: string;
  /** `prisma/migrations/20250102030405_post_active_idx/migration.sql`. */
  file: string;
  text: string;
}

/** A new migration folder of the schema's project holding `sql` (statements, each with its `;`). */
export function newPrismaMigration(group: FileGroup, name: string, sql: string, now?: Date): NewMigration {
  const folder = `${migrationTimestamp(now)}_${migrationName(name)}`;
  return {
    folder,
    file: `${prismaMigrationsFolder(group)}/${folder}/migration.sql`,
    text: sql.endsWith('\n') ? sql : `${sql}\n`,
  };
}
