// The folder the editor opens in the e2e tests: a copy of examples/ and the fixtures, so a test
// may change files (apply a quick-fix, save) without touching the repository.
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Fills `ws` with examples/ and test/e2e/fixtures/ (at its top level). */
export function makeWorkspace(ws) {
  mkdirSync(ws, { recursive: true });
  cpSync(join(repo, 'examples'), join(ws, 'examples'), { recursive: true });
  cpSync(join(repo, 'test/e2e/fixtures'), ws, { recursive: true });
}
