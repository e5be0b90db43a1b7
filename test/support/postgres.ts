/**
 * A real PostgreSQL (PGlite: PostgreSQL 18 compiled to WebAssembly) for tests: proves that the SQL
 * a fix writes runs. One instance per test file; `reset()` empties it between cases.
 */
import { PGlite } from '@electric-sql/pglite';
import { loadSqlParser, parseSql } from '../../server/src/engine/parse/sql';

let instance: PGlite | undefined;

export async function postgres(): Promise<PGlite> {
  if (!instance) {
    instance = new PGlite();
    await instance.waitReady;
  }
  return instance;
}

export async function closePostgres(): Promise<void> {
  await instance?.close();
  instance = undefined;
}

/** Drops every user schema and role, leaving an empty `public`. */
export async function reset(db: PGlite): Promise<void> {
  const schemas = await db.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
  );
  for (const { nspname } of schemas.rows) await db.exec(`DROP SCHEMA "${nspname}" CASCADE`);
  await db.exec('CREATE SCHEMA public');
  const roles = await db.query<{ rolname: string }>(
    `SELECT rolname FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%' AND rolname <> current_user AND rolname <> 'postgres'`,
  );
  for (const { rolname } of roles.rows) await db.exec(`DROP OWNED BY "${rolname}"; DROP ROLE "${rolname}"`);
  await db.exec('RESET ALL');
}

/**
 * Runs a script the way psql runs a migration file: statement by statement, each in its own
 * transaction unless the script opens one, so CREATE INDEX CONCURRENTLY works where it would.
 * Throws PostgreSQL's error with the statement that failed.
 */
export async function runScript(db: PGlite, sql: string): Promise<void> {
  await loadSqlParser();
  const parsed = parseSql(sql);
  if (parsed.errors.length > 0) throw new Error(`syntax error: ${parsed.errors[0].message}`);
  for (const stmt of parsed.statements) {
    const text = parsed.sqlText.slice(stmt.start, stmt.end);
    try {
      await db.exec(text);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n  in: ${text}`);
    }
  }
}
