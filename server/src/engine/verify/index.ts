/**
 * `--verify`: does the migration history actually run? Each group of files is applied, in the
 * tool's order, to an embedded PostgreSQL 18 (PGlite), and every statement PostgreSQL rejects
 * becomes a `migration-fails` finding at that statement, with PostgreSQL's message. The catalog
 * left behind is the oracle the tests hold the engine's model against (`compare.ts`).
 *
 * Which groups run: every migrations folder, and each stand-alone file that defines a schema of its
 * own (creates a table, type or schema). A stand-alone file of queries or seed data runs against
 * tables created elsewhere, so on its own it could only fail; it is left out.
 */
import { DEFAULT_CONFIG, type ResolvedConfig } from '../config/config';
import { loadSqlParser, parseSql, type ParsedSql } from '../parse/sql';
import type { FileGroup, SourceFile } from '../project';
import { groupFiles } from '../workspace/migrations';
import { verifyGroup, type VerifyFailure, type VerifyGroupResult, type VerifyNote } from './run';

export { catalogSnapshot, type CatalogSnapshot } from './catalog';
export { compareWithModel } from './compare';
export {
  clearVerifyCache,
  verifyGroup,
  type VerifyFailure,
  type VerifyFile,
  type VerifyGroupResult,
  type VerifyNote,
  type VerifyOptions,
} from './run';

export const MIGRATION_FAILS = 'migration-fails';

export interface VerifyProjectOptions {
  config?: ResolvedConfig;
  /** The lint's groups and parses, to reuse (computed here when absent). */
  groups?: readonly FileGroup[];
  parsed?: ReadonlyMap<string, ParsedSql>;
}

export interface VerifyProjectResult {
  groups: { group: FileGroup; result: VerifyGroupResult }[];
  failures: VerifyFailure[];
  notes: VerifyNote[];
}

/** Statements that make a stand-alone file a schema of its own. */
const DEFINES_SCHEMA = new Set([
  'CreateStmt',
  'CreateSchemaStmt',
  'CreateEnumStmt',
  'CreateDomainStmt',
  'CompositeTypeStmt',
  'CreateTableAsStmt',
]);

/** Whether `--verify` runs the group (see the module comment). */
export function isVerifiable(group: FileGroup, parsed: ReadonlyMap<string, ParsedSql>): boolean {
  if (group.kind === 'migrations') return true;
  return group.files.some((f) => parsed.get(f)?.statements.some((s) => DEFINES_SCHEMA.has(s.kind)));
}

/** Runs every verifiable group of the project, one after the other, each in a new database. */
export async function verifyProject(
  files: readonly SourceFile[],
  options: VerifyProjectOptions = {},
): Promise<VerifyProjectResult> {
  await loadSqlParser();
  const sqlFiles = files.filter((f) => f.path.toLowerCase().endsWith('.sql'));
  const parsed = new Map(options.parsed ?? []);
  for (const f of sqlFiles) if (!parsed.has(f.path)) parsed.set(f.path, parseSql(f.text));
  const groups = options.groups ?? groupFiles([...files], options.config ?? DEFAULT_CONFIG);
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const out: VerifyProjectResult = { groups: [], failures: [], notes: [] };
  for (const group of groups) {
    if (!isVerifiable(group, parsed)) continue;
    const result = await verifyGroup(
      group.files.map((path) => ({ path, text: texts.get(path) ?? '' })),
      parsed,
      { tool: group.tool, migrations: group.migrations, snapshot: false },
    );
    out.groups.push({ group, result });
    out.failures.push(...result.failures);
    out.notes.push(...result.notes);
  }
  return out;
}
