/**
 * Suppression directives in comments:
 *
 *   -- db-expert-disable-next-line rule-a, rule-b -- why
 *   -- db-expert-disable rule-a        (to the end of the file, or until an enable)
 *   -- db-expert-disable               (every rule)
 *   -- db-expert-enable [rule-a]
 *   /* db-expert-disable rule-a *\/     (SQL block comments too)
 *
 * Prisma uses `//` (and `///`); Prisma has no block comments. Ids are separated by commas and/or
 * spaces; text after `--` is a free-form reason. `disable-next-line` without ids means every rule.
 *
 * Only real comments count. Text that merely looks like a directive inside a string literal, a
 * quoted identifier or a dollar-quoted function body is not one (to PostgreSQL, a PL/pgSQL comment
 * inside a function body is part of a string). Deciding that needs the lexer state at the comment,
 * which a look at the comment's line alone cannot give (strings and bodies span lines), so the file
 * is lexed from the start (quotes, E'' escapes, $tag$ bodies, nested block comments), but only
 * when "db-expert-" occurs at all, and only up to its last occurrence: a file without directives
 * costs one indexOf, and the lexer jumps between quote and comment characters with a regex, which
 * keeps a 5 MB file with directives to a few milliseconds.
 */

export interface Directive {
  kind: 'disable-next-line' | 'disable' | 'enable';
  /** Empty: every rule. */
  ruleIds: string[];
  /** 0-based line the comment ends on; `disable-next-line` applies to the line after it. */
  line: number;
  /** UTF-16 offsets of the whole comment, markers included, line break excluded. */
  start: number;
  end: number;
}

const MARKER = 'db-expert-';
const DIRECTIVE = /db-expert-(disable-next-line|disable|enable)(?![\w-])/y;

export function parseDirectives(text: string, language: 'sql' | 'prisma'): Directive[] {
  const last = text.lastIndexOf(MARKER);
  if (last === -1) return [];
  const out: Directive[] = [];
  let line = 0;
  let counted = 0;
  const onComment = (start: number, bodyStart: number, bodyEnd: number, end: number): void => {
    let i = bodyStart;
    // Line breaks too, for a block comment that opens on a line of its own.
    for (
      let c = text.charCodeAt(i);
      i < bodyEnd && (c === 0x20 || (c >= 0x09 && c <= 0x0d));
      c = text.charCodeAt(++i)
    );
    if (!text.startsWith(MARKER, i)) return;
    DIRECTIVE.lastIndex = i;
    const m = DIRECTIVE.exec(text);
    if (!m || DIRECTIVE.lastIndex > bodyEnd) return;
    let args = text.slice(DIRECTIVE.lastIndex, bodyEnd);
    const reason = args.indexOf('--');
    if (reason !== -1) args = args.slice(0, reason);
    for (let nl = text.indexOf('\n', counted); nl !== -1 && nl < end; nl = text.indexOf('\n', nl + 1)) line++;
    counted = end;
    out.push({
      kind: m[1] as Directive['kind'],
      ruleIds: args.split(/[\s,]+/).filter((s) => s !== ''),
      line,
      start,
      end,
    });
  };
  if (language === 'sql') lexSql(text, last, onComment);
  else lexPrisma(text, last, onComment);
  return out;
}

/**
 * Whether a finding of `ruleId` starting on `findingLine` (0-based) is suppressed. `directives` in
 * text order, as `parseDirectives` returns them: a later enable ends an earlier disable.
 */
export function isSuppressed(directives: Directive[], ruleId: string, findingLine: number): boolean {
  let disabled = false;
  for (const d of directives) {
    if (d.line > findingLine) break;
    if (d.ruleIds.length > 0 && !d.ruleIds.includes(ruleId)) continue;
    if (d.kind === 'disable-next-line') {
      if (d.line + 1 === findingLine) return true;
    } else disabled = d.kind === 'disable';
  }
  return disabled;
}

/** Directives naming at least one rule id that does not exist, to report as likely typos. */
export function unknownRuleDirectives(directives: Directive[], knownRuleIds: readonly string[]): Directive[] {
  const known = new Set(knownRuleIds);
  return directives.filter((d) => d.ruleIds.some((id) => !known.has(id)));
}

// ---- Lexers -------------------------------------------------------------------------------------

type CommentHandler = (start: number, bodyStart: number, bodyEnd: number, end: number) => void;

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  if (nl === -1) return text.length;
  return text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
}

function isIdentChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x5f ||
    c === 0x24 ||
    c >= 0x80
  );
}

const SQL_SPECIAL = /--|\/\*|['"$]/g;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
const BLOCK_TOKEN = /\/\*|\*\//g;

/** PostgreSQL's lexical rules for comments and quoting, up to the comment covering offset `until`. */
function lexSql(text: string, until: number, onComment: CommentHandler): void {
  let i = 0;
  while (i <= until) {
    SQL_SPECIAL.lastIndex = i;
    const m = SQL_SPECIAL.exec(text);
    if (!m) return;
    const start = m.index;
    const c = m[0];
    if (c === '--') {
      const end = lineEnd(text, start);
      onComment(start, start + 2, end, end);
      i = end;
    } else if (c === '/*') {
      // PostgreSQL block comments nest.
      let depth = 1;
      let bodyEnd = text.length;
      BLOCK_TOKEN.lastIndex = start + 2;
      for (let t = BLOCK_TOKEN.exec(text); t; t = BLOCK_TOKEN.exec(text)) {
        depth += t[0] === '/*' ? 1 : -1;
        if (depth === 0) {
          bodyEnd = t.index;
          break;
        }
      }
      const end = bodyEnd === text.length ? bodyEnd : bodyEnd + 2;
      onComment(start, start + 2, bodyEnd, end);
      i = end;
    } else if (c === '"') {
      i = closeDoubled(text, start + 1, '"');
    } else if (c === "'") {
      const p = text.charCodeAt(start - 1);
      const escapes = (p === 0x45 || p === 0x65) && !isIdentChar(text.charCodeAt(start - 2));
      i = escapes ? closeEscaped(text, start + 1, 0x27) : closeDoubled(text, start + 1, "'");
    } else {
      // `$` inside an identifier (`a$b`) or a parameter (`$1`) starts no quote.
      DOLLAR_TAG.lastIndex = start;
      const tag = start > 0 && isIdentChar(text.charCodeAt(start - 1)) ? null : DOLLAR_TAG.exec(text);
      if (!tag) i = start + 1;
      else {
        const close = text.indexOf(tag[0], start + tag[0].length);
        i = close === -1 ? text.length : close + tag[0].length;
      }
    }
  }
}

/** Past a quoted run closed by `quote`, where a doubled quote stands for itself. */
function closeDoubled(text: string, from: number, quote: string): number {
  let i = from;
  for (;;) {
    const q = text.indexOf(quote, i);
    if (q === -1) return text.length;
    if (text[q + 1] !== quote) return q + 1;
    i = q + 2;
  }
}

/** Past a quoted run closed by `quote`, where a backslash escapes the next character. */
function closeEscaped(text: string, from: number, quote: number, stopAtNewline = false): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === quote) return i + 1;
    else if (stopAtNewline && c === 0x0a) return i;
  }
  return text.length;
}

const PRISMA_SPECIAL = /\/\/|"/g;

/** Prisma schema: `//` comments and `"` strings with backslash escapes, which end at a line break. */
function lexPrisma(text: string, until: number, onComment: CommentHandler): void {
  let i = 0;
  while (i <= until) {
    PRISMA_SPECIAL.lastIndex = i;
    const m = PRISMA_SPECIAL.exec(text);
    if (!m) return;
    const start = m.index;
    if (m[0] === '"') i = closeEscaped(text, start + 1, 0x22, true);
    else {
      const end = lineEnd(text, start);
      // `///` is a doc comment; a directive there works too.
      onComment(start, text.charCodeAt(start + 2) === 0x2f ? start + 3 : start + 2, end, end);
      i = end;
    }
  }
}
