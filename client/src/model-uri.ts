/**
 * Addresses of the read-only "schema model" documents: `db-expert-model:/<file> (schema model)`
 * with the source document's URI in the query, so the tab reads `schema.sql (schema model)`.
 */
export const MODEL_SCHEME = 'db-expert-model';

export function modelPath(sourcePath: string): string {
  const name = sourcePath.slice(sourcePath.lastIndexOf('/') + 1) || 'untitled';
  return `/${name} (schema model)`;
}

/** The parts of the model URI for a source URI string: `{ scheme, path, query }`. */
export function modelUriParts(
  source: string,
  sourcePath: string,
): { scheme: string; path: string; query: string } {
  return { scheme: MODEL_SCHEME, path: modelPath(sourcePath), query: source };
}
