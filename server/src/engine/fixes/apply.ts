/** Applying text edits: the one place where fixes touch text. */
import type { TextEdit } from '../findings';

/**
 * Applies edits to one file's text. Edits are applied from the end backwards so that offsets stay
 * valid; an edit that overlaps one already taken is skipped (and returned), never merged.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): { text: string; skipped: TextEdit[] } {
  // Later edits first; of two inserts at one offset, the one listed first must end up first.
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.start - a.e.start || b.e.end - a.e.end || b.i - a.i)
    .map((x) => x.e);
  const skipped: TextEdit[] = [];
  let out = text;
  let floor = Infinity;
  for (const e of sorted) {
    if (e.end > floor) {
      skipped.push(e);
      continue;
    }
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    floor = e.start;
  }
  return { text: out, skipped };
}
