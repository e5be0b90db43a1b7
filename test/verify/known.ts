/** Known differences between the model and the catalog, for the oracle tests. */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';

/**
 * Fails on any difference not in `known` (a new engine bug, or a regression); a known difference
 * that no longer occurs (the engine was fixed) is only reported, to be removed from the list.
 */
export function assertOnlyKnown(t: TestContext, actual: readonly string[], known: readonly string[]): void {
  for (const fixed of known.filter((d) => !actual.includes(d))) {
    t.diagnostic(`no longer differs (remove from the known list): ${fixed}`);
  }
  assert.deepEqual(
    actual.filter((d) => !known.includes(d)),
    [],
    'new differences between the model and the catalog',
  );
}
