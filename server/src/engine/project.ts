/** The files the engine is given, and what it learns about each before building models. */
import type { MigrationToolName } from './config/config';

export type Language = 'sql' | 'prisma';

export interface SourceFile {
  /** Project-relative path with `/` separators (what findings name). */
  path: string;
  text: string;
}

export interface MigrationInfo {
  tool: MigrationToolName;
  /** The migrations folder, project-relative. */
  folder: string;
  /** The version the tool orders by (`20240101120000`, `0001`, `1.2.3`), as text. */
  version: string;
  /** Up (applied) or down (rollback) script. */
  direction: 'up' | 'down';
  /** True when the tool runs this file inside a transaction. */
  transactional: boolean;
}

/**
 * Files whose statements are applied to one schema model, in order: the up-migrations of one
 * migrations folder, or a single stand-alone file such as `schema.sql`.
 */
export interface FileGroup {
  kind: 'migrations' | 'standalone';
  /** What the files are written in (SQL when absent). */
  language?: Language;
  /** Up scripts in the order the tool applies them. */
  files: string[];
  /** Down scripts of the folder (never applied to the model). */
  downFiles: string[];
  tool?: MigrationToolName;
  folder?: string;
  /** Migration facts by file path. */
  migrations: Map<string, MigrationInfo>;
  /** Files that fixes of the running `--fix` created (not yet applied anywhere, like the newest). */
  createdByFixes?: ReadonlySet<string>;
}
