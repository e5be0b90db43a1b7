/**
 * Reading a piece of Prisma text the way Prisma's grammar nests it: string literals (`"…"`, with
 * `\` escapes) are opaque, and `(…)`, `[…]` and `{…}` nest. What fixes and the model editor use to
 * find where an attribute, an argument or a list element ends without a parser.
 */

const OPEN = '([{';
const CLOSE = ')]}';

/**
 * The offset of the first character from `from` on that stands outside string literals and outside
 * every bracket opened after `from`, and that `stop` accepts or that closes a bracket opened before
 * `from`; undefined when there is none.
 */
export function topLevelStop(source: string, from: number, stop: (c: string) => boolean): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (depth === 0 && (stop(c) || CLOSE.includes(c))) return i;
    else if (c === '"') inString = true;
    else if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c)) depth--;
  }
  return undefined;
}

/** The offset after the bracket that closes the one at `open`. */
export function balancedEnd(source: string, open: number): number | undefined {
  const close = topLevelStop(source, open + 1, () => false);
  return close === undefined ? undefined : close + 1;
}
