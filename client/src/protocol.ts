/**
 * The requests the extension sends to the language server beyond LSP itself. The server
 * (server/src/lsp/) implements them under exactly these method names.
 */

/** Lint every SQL/Prisma file of the workspace and publish the diagnostics (they show in Problems). */
export const LINT_WORKSPACE = 'dbExpert/lintWorkspace';
export type LintWorkspaceParams = Record<string, never>;
/** What the server may answer; any other answer (null included) is fine and shows no count. */
export interface LintWorkspaceResult {
  files?: number;
  findings?: number;
}

/** The schema model of the file group the document belongs to, as readable text. */
export const SCHEMA_MODEL = 'dbExpert/schemaModel';
export interface SchemaModelParams {
  /** The document's URI as the client sends it in textDocument/* notifications. */
  uri: string;
}
export type SchemaModelResult = string;

/** A one-line summary of a lint-workspace answer, or undefined when it carries no counts. */
export function lintSummary(result: unknown): string | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const { files, findings } = result as LintWorkspaceResult;
  const parts: string[] = [];
  if (typeof files === 'number') parts.push(`${files} ${files === 1 ? 'file' : 'files'}`);
  if (typeof findings === 'number') parts.push(`${findings} ${findings === 1 ? 'finding' : 'findings'}`);
  return parts.length > 0 ? `linted ${parts.join(', ')}` : undefined;
}
