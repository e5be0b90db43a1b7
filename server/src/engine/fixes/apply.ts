/** Applying text edits: the one place where fixes touch text. */
import type { TextEdit } from '../findings';

/**
 * Applies edits to one file's text in one pass. An edit that overlaps one already taken (in the
 * order given) is skipped and returned, never merged; inserts at the same offset keep their order.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): { text: string; skipped: TextEdit[] } {
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i);
  const taken: { e: TextEdit; i: number }[] = [];
  const skipped: TextEdit[] = [];
  // Earlier-listed edits win an overlap: decide in list order, then apply in text order.
  const byIndex = [...sorted].sort((a, b) => a.i - b.i);
  for (const x of byIndex) {
    const overlaps = taken.some(
      (t) => x.e.start < t.e.end && t.e.start < x.e.end && !(x.e.start === x.e.end && t.e.start === t.e.end),
    );
    if (overlaps) skipped.push(x.e);
    else taken.push(x);
  }
  taken.sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i);
  const parts: string[] = [];
  let last = 0;
  for (const { e } of taken) {
    parts.push(text.slice(last, e.start), e.newText);
    last = e.end;
  }
  parts.push(text.slice(last));
  return { text: parts.join(''), skipped };
}
