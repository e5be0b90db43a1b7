/**
 * The Prisma schema parser: a `.prisma` file's text becomes blocks (model, view, type, enum,
 * datasource, generator) with their fields, attributes and values, each with its UTF-16 range, and
 * syntax errors, each at the token that broke the grammar.
 *
 * The grammar is @mrleebo/prisma-ast's (a chevrotain parser, maintained, used by many Prisma
 * tools); its CST is read here with full location tracking, since its own AST keeps only the
 * positions of names. Its lexer has three gaps that are closed before it sees the text, each
 * without moving any offset: block comments (which Prisma accepts) and line comments are blanked
 * out, and the spaces before a line break are moved after it (the lexer's `\s+` would otherwise
 * swallow the line break that must follow a block's `{`).
 *
 * Recovery: the file is cut into its top-level blocks first (at braces, outside strings and
 * comments), and each block is parsed alone, so one broken block never loses the others. Inside a
 * block, the line of a syntax error is blanked and the block parsed again, so a broken field loses
 * only itself. Every error is reported once per line, at the token the grammar rejected.
 */
import type { PrismaParser } from '@mrleebo/prisma-ast';
import { pathToFileURL } from 'node:url';

type PrismaAstModule = typeof import('@mrleebo/prisma-ast');
const ESM_BUILD = '@mrleebo/prisma-ast/dist/prisma-ast.esm.js';
let prismaAst: PrismaAstModule | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the grammar once; `parsePrisma` needs it to have resolved. It is an ES module (chevrotain
 * is one), so it comes through `import()`, which works from CommonJS, tsx and the esbuild bundle.
 */
export function loadPrismaParser(): Promise<void> {
  loading ??= import('@mrleebo/prisma-ast/dist/prisma-ast.esm.js')
    // A loader that cannot resolve a bare specifier from a transpiled module (tsx under an ES
    // module entry) still resolves a file URL. (A variable, so that a bundler leaves it alone.)
    .catch(() => import(pathToFileURL(require.resolve(ESM_BUILD)).href))
    .then((m: PrismaAstModule) => {
      prismaAst = m;
    });
  return loading;
}

export interface PrismaSyntaxError {
  message: string;
  /** UTF-16 range of the offending token (empty at the end of the input). */
  start: number;
  end: number;
}

/** Every node knows its UTF-16 range in the file (`end` exclusive). */
export interface PrismaNode {
  start: number;
  end: number;
}

export type PrismaValue =
  | (PrismaNode & { kind: 'string'; value: string })
  | (PrismaNode & { kind: 'number'; value: number; raw: string })
  | (PrismaNode & { kind: 'boolean'; value: boolean })
  | (PrismaNode & { kind: 'null' })
  | (PrismaNode & { kind: 'identifier'; name: string })
  | (PrismaNode & { kind: 'function'; name: string; args: PrismaArgument[] })
  | (PrismaNode & { kind: 'array'; items: PrismaValue[] })
  | (PrismaNode & { kind: 'object'; entries: PrismaArgument[] });

/** `value` or `name: value`, in an attribute's or a function's parentheses. */
export interface PrismaArgument extends PrismaNode {
  name?: string;
  value: PrismaValue;
}

export interface PrismaAttribute extends PrismaNode {
  /** With its namespace, without the `@`s: `id`, `default`, `db.VarChar`, `index`. */
  name: string;
  /** True for a block attribute (`@@index`), false for a field attribute (`@id`). */
  block: boolean;
  args: PrismaArgument[];
}

export interface PrismaField extends PrismaNode {
  name: string;
  nameRange: PrismaNode;
  /** The type's name: `String`, `DateTime`, a model, an enum, or `Unsupported`. */
  type: string;
  /** The type name itself (without `?` or `[]`). */
  typeRange: PrismaNode;
  /** The arguments of `Unsupported("…")`. */
  typeArgs?: PrismaArgument[];
  optional: boolean;
  list: boolean;
  attributes: PrismaAttribute[];
}

export interface PrismaEnumValue extends PrismaNode {
  name: string;
  attributes: PrismaAttribute[];
}

export interface PrismaAssignment extends PrismaNode {
  key: string;
  value: PrismaValue;
}

export type PrismaBlockKind = 'model' | 'view' | 'type' | 'enum' | 'datasource' | 'generator';

export interface PrismaBlock extends PrismaNode {
  kind: PrismaBlockKind;
  name: string;
  nameRange: PrismaNode;
  /** Fields of a model, view or composite type. */
  fields: PrismaField[];
  /** Block attributes (`@@id`, `@@index`, `@@map` …). */
  attributes: PrismaAttribute[];
  /** Values of an enum. */
  values: PrismaEnumValue[];
  /** `key = value` lines of a datasource or generator. */
  assignments: PrismaAssignment[];
}

export interface PrismaAst {
  blocks: PrismaBlock[];
}

export interface ParsedPrisma {
  text: string;
  ast: PrismaAst;
  errors: PrismaSyntaxError[];
}

export const PRISMA_BLOCK_KINDS: readonly PrismaBlockKind[] = [
  'model',
  'view',
  'type',
  'enum',
  'datasource',
  'generator',
];

/**
 * Parses one `.prisma` file. Never throws for bad input: what does not parse becomes errors.
 * Needs `await loadPrismaParser()` first.
 */
export function parsePrisma(text: string): ParsedPrisma {
  const { clean, tokens, errors } = prepare(text);
  const ast: PrismaAst = { blocks: [] };
  const out = new ErrorSink(text, errors);
  for (const segment of splitBlocks(tokens, out)) {
    const block = parseBlock(clean, segment, out);
    if (block) ast.blocks.push(block);
  }
  return { text, ast, errors: out.sorted() };
}

/** Replaces `text[start, end)` by spaces, keeping line breaks (so every offset stays put). */
export function blankKeepingLines(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ') + text.slice(end);
}

// ── lexing: comments, strings, braces, invalid characters ──────────────────────────────────────

interface Token extends PrismaNode {
  kind: 'ident' | 'lbrace' | 'rbrace' | 'newline' | 'other';
  text: string;
}

const IDENT = /[a-zA-Z][\w-]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^\\"\n\r]|\\(?:[bfnrtv"\\/]|u[0-9a-fA-F]{4}))*"/y;
const PUNCTUATION = new Set(['@', '.', '?', '[', ']', '(', ')', ',', ':', '=']);

/**
 * One pass that mirrors prisma-ast's lexer: it blanks comments, finds what that lexer would skip
 * silently (an invalid character, an unterminated string or block comment) and reports it, and
 * returns the tokens that matter for cutting the file into blocks.
 */
function prepare(text: string): { clean: string; tokens: Token[]; errors: PrismaSyntaxError[] } {
  const errors: PrismaSyntaxError[] = [];
  const tokens: Token[] = [];
  const blanks: PrismaNode[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      tokens.push({ kind: 'newline', text: c, start: i, end: i + 1 });
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\uFEFF') {
      if (c === '\uFEFF') blanks.push({ start: i, end: i + 1 });
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = lineEnd(text, i);
      blanks.push({ start: i, end });
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close === -1 ? n : close + 2;
      if (close === -1)
        errors.push({ message: 'Unterminated block comment: `*/` is missing', start: i, end: i + 2 });
      blanks.push({ start: i, end });
      i = end;
    } else if (c === '"') {
      STRING.lastIndex = i;
      const m = STRING.exec(text);
      if (m) {
        tokens.push({ kind: 'other', text: m[0], start: i, end: i + m[0].length });
        i += m[0].length;
      } else {
        const end = lineEnd(text, i);
        errors.push({ message: 'Unterminated string: the closing `"` is missing', start: i, end });
        blanks.push({ start: i, end });
        i = end;
      }
    } else if (c === '{' || c === '}') {
      tokens.push({ kind: c === '{' ? 'lbrace' : 'rbrace', text: c, start: i, end: i + 1 });
      i++;
    } else if (PUNCTUATION.has(c)) {
      tokens.push({ kind: 'other', text: c, start: i, end: i + 1 });
      i++;
    } else {
      IDENT.lastIndex = i;
      NUMBER.lastIndex = i;
      const m = IDENT.exec(text) ?? NUMBER.exec(text);
      if (m) {
        tokens.push({
          kind: /[a-zA-Z]/.test(c) ? 'ident' : 'other',
          text: m[0],
          start: i,
          end: i + m[0].length,
        });
        i += m[0].length;
      } else {
        const width = text.codePointAt(i)! > 0xffff ? 2 : 1;
        errors.push({
          message: `Unexpected character '${text.slice(i, i + width)}'`,
          start: i,
          end: i + width,
        });
        blanks.push({ start: i, end: i + width });
        i += width;
      }
    }
  }
  let clean = text;
  if (blanks.length > 0) {
    const parts: string[] = [];
    let at = 0;
    for (const b of blanks) {
      parts.push(text.slice(at, b.start), text.slice(b.start, b.end).replace(/[^\r\n]/g, ' '));
      at = b.end;
    }
    parts.push(text.slice(at));
    clean = parts.join('');
  }
  // prisma-ast's `\s+` token would take a line break that follows spaces, and a block's `{` must be
  // followed by one: spaces before a line break go after it instead (same length, same offsets).
  clean = clean.replace(/([ \t\f\v]+)(\r?\n)/g, (_m, ws: string, nl: string) => nl + ws);
  return { clean, tokens, errors };
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  const end = nl === -1 ? text.length : nl;
  return end > from && text[end - 1] === '\r' ? end - 1 : end;
}

// ── cutting the file into blocks ───────────────────────────────────────────────────────────────

interface Segment {
  keyword: Token;
  name: Token;
  /** The block's text: from its keyword through its `}` (or its last line when unclosed). */
  start: number;
  end: number;
  /** The `{` that opens the body. */
  open: number;
  closed: boolean;
}

function isBlockHeader(tokens: Token[], i: number): boolean {
  return tokens[i]?.kind === 'ident' && tokens[i + 1]?.kind === 'ident' && tokens[i + 2]?.kind === 'lbrace';
}

function splitBlocks(tokens: Token[], out: ErrorSink): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    if (t.kind === 'newline') {
      i++;
      continue;
    }
    if (!isBlockHeader(tokens, i)) {
      // Not a block: report the line, and skip a body that may follow it.
      let j = i;
      while (j < tokens.length && tokens[j].kind !== 'newline' && tokens[j].kind !== 'lbrace') j++;
      const last = tokens[Math.max(i, j - 1)];
      const message =
        t.kind === 'rbrace'
          ? 'Unexpected `}`: no block is open here'
          : 'This line is not a valid definition: expected a block (model, enum, view, type, datasource or generator)';
      out.add({ message, start: t.start, end: t.kind === 'rbrace' ? t.end : last.end });
      i = tokens[j]?.kind === 'lbrace' ? skipBody(tokens, j).next : j;
      continue;
    }
    const keyword = tokens[i];
    const name = tokens[i + 1];
    const open = tokens[i + 2];
    const body = skipBody(tokens, i + 2);
    const closed = body.close !== undefined;
    const end = closed ? body.close!.end : tokens[body.next - 1].end;
    if (!closed) {
      out.add({
        message: `The ${keyword.text} \`${name.text}\` is missing its closing \`}\``,
        start: keyword.start,
        end: open.end,
      });
    }
    segments.push({ keyword, name, start: keyword.start, end, open: open.start, closed });
    i = body.next;
  }
  return segments;
}

/**
 * From a `{`, the matching `}`. A block whose `}` is missing ends before the next line that starts
 * a block of its own (`model X {` at the start of a line, at the body's own depth), or at the end.
 */
function skipBody(tokens: Token[], open: number): { close?: Token; next: number } {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const t = tokens[j];
    if (t.kind === 'lbrace') {
      if (depth === 1 && tokens[j - 3]?.kind === 'newline' && isBlockHeader(tokens, j - 2)) {
        if (PRISMA_BLOCK_KINDS.includes(tokens[j - 2].text as PrismaBlockKind)) return { next: j - 2 };
      }
      depth++;
    } else if (t.kind === 'rbrace') {
      depth--;
      if (depth === 0) return { close: t, next: j + 1 };
    }
  }
  return { next: tokens.length };
}

// ── parsing one block ──────────────────────────────────────────────────────────────────────────

/** A chevrotain CST node or token, as much of them as is read here. */
interface CstNode {
  name: string;
  children: Record<string, CstElement[] | undefined>;
  location?: { startOffset: number; endOffset: number };
}
interface CstToken {
  image: string;
  startOffset: number;
  endOffset: number;
  tokenType: { name: string };
}
type CstElement = CstNode | CstToken;

interface ParseException {
  message: string;
  token?: CstToken;
  previousToken?: CstToken;
}

let parser: PrismaParser | undefined;
/** prisma-ast's getSchema returns what its visitor returns: this one hands back the CST itself. */
const cstVisitor = { visit: (node: unknown) => node, validateVisitor: () => undefined };

function parseBlock(clean: string, seg: Segment, out: ErrorSink): PrismaBlock | undefined {
  const kind = seg.keyword.text as PrismaBlockKind;
  if (!PRISMA_BLOCK_KINDS.includes(kind)) {
    out.add({
      message: `Unknown block type \`${seg.keyword.text}\`: expected model, enum, view, type, datasource or generator`,
      start: seg.keyword.start,
      end: seg.keyword.end,
    });
    return undefined;
  }
  if (!prismaAst) throw new Error('parsePrisma: call `await loadPrismaParser()` first');
  parser ??= new prismaAst.PrismaParser({ nodeLocationTracking: 'full' });
  const base = seg.start;
  // An unclosed block gets its `}` after its text (past every offset that matters).
  let src = clean.slice(seg.start, seg.end) + (seg.closed ? '' : '\n}');
  const headerEnd = seg.open - base;
  // The line of the closing `}` (for an unclosed block, the `}` added here).
  const lastLineStart = src.lastIndexOf('\n', src.length - 1);
  for (let attempt = 0; attempt < 1000; attempt++) {
    try {
      const cst = prismaAst.getSchema(src, { parser, visitor: cstVisitor as never }) as unknown as CstNode;
      const component = (cst.children.list ?? []).find(
        (c): c is CstNode => 'name' in c && c.name === 'component',
      );
      return component ? toBlock(component, base) : undefined;
    } catch (e) {
      const ex = e as ParseException;
      if (!ex || typeof ex !== 'object' || !('token' in ex)) throw e;
      const at = reportParseError(ex, src, base, out);
      // The line of the error goes, and the block is parsed again without it; an error in the
      // block's first or last line leaves nothing to parse.
      const from = src.lastIndexOf('\n', at - 1) + 1;
      const nl = src.indexOf('\n', at);
      const to = nl === -1 ? src.length : nl;
      if (from <= headerEnd || to > lastLineStart || src.slice(from, to).trim() === '') return undefined;
      src = blankKeepingLines(src, from, to);
    }
  }
  return undefined;
}

/** Reports a chevrotain exception; returns the offset in `src` of the line to drop. */
function reportParseError(ex: ParseException, src: string, base: number, out: ErrorSink): number {
  const token = ex.token;
  const prev = ex.previousToken;
  const atEnd = !token || token.tokenType.name === 'EOF' || !Number.isFinite(token.startOffset);
  const atLineBreak = !atEnd && token.tokenType.name === 'LineBreak';
  const found = atEnd ? 'the end of the block' : atLineBreak ? 'the end of the line' : `\`${token.image}\``;
  const expected = /^Expecting (?:token of type )?--> (.*?) <--/.exec(ex.message)?.[1];
  const message = expected
    ? `Syntax error: expected ${expected.replace(/^'(.*)'$/, '`$1`')}, found ${found}`
    : `Syntax error: unexpected ${found}`;
  if ((atEnd || atLineBreak) && prev && Number.isFinite(prev.startOffset)) {
    out.add({ message, start: base + prev.startOffset, end: base + prev.endOffset + 1 });
    return atEnd ? prev.startOffset : token!.startOffset;
  }
  if (atEnd) {
    out.add({ message, start: base + src.length, end: base + src.length });
    return src.length - 1;
  }
  out.add({ message, start: base + token.startOffset, end: base + token.endOffset + 1 });
  return token.startOffset;
}

// ── CST → AST ──────────────────────────────────────────────────────────────────────────────────

function isToken(e: CstElement | undefined): e is CstToken {
  return e !== undefined && 'image' in e;
}
function nodes(parent: CstNode, label: string): CstNode[] {
  return (parent.children[label] ?? []).filter((e): e is CstNode => !isToken(e));
}
function token(parent: CstNode, label: string, index = 0): CstToken | undefined {
  const e = parent.children[label]?.[index];
  return isToken(e) ? e : undefined;
}
function tokenRange(t: CstToken, base: number): PrismaNode {
  return { start: base + t.startOffset, end: base + t.endOffset + 1 };
}
function nodeRange(n: CstNode, base: number): PrismaNode {
  const loc = n.location!;
  return { start: base + loc.startOffset, end: base + loc.endOffset + 1 };
}

function toBlock(component: CstNode, base: number): PrismaBlock | undefined {
  const keyword = token(component, 'type')!;
  const name = token(component, 'componentName')!;
  const body = nodes(component, 'block')[0];
  const block: PrismaBlock = {
    kind: keyword.image as PrismaBlockKind,
    name: name.image,
    nameRange: tokenRange(name, base),
    start: base + keyword.startOffset,
    end: base + (body?.location?.endOffset ?? name.endOffset) + 1,
    fields: [],
    attributes: [],
    values: [],
    assignments: [],
  };
  for (const item of body ? nodes(body, 'list') : []) {
    switch (item.name) {
      case 'field':
        block.fields.push(toField(item, base));
        break;
      case 'blockAttribute':
        block.attributes.push(toAttribute(item, base, true));
        break;
      case 'enum': {
        const n = token(item, 'enumName')!;
        const attributes = nodes(item, 'attributeList').map((a) => toAttribute(a, base, false));
        const end = Math.max(n.endOffset + 1 + base, ...attributes.map((a) => a.end));
        block.values.push({ name: n.image, attributes, start: base + n.startOffset, end });
        break;
      }
      case 'assignment': {
        const key = token(item, 'assignmentName')!;
        const value = toValue(nodes(item, 'assignmentValue')[0], base);
        block.assignments.push({ key: key.image, value, start: base + key.startOffset, end: value.end });
        break;
      }
      default:
        break;
    }
  }
  return block;
}

function toField(node: CstNode, base: number): PrismaField {
  const name = token(node, 'fieldName')!;
  const typeValue = toValue(nodes(node, 'fieldType')[0], base);
  const attributes = nodes(node, 'attributeList').map((a) => toAttribute(a, base, false));
  const marks = [token(node, 'optional'), token(node, 'array', 1)].filter((t): t is CstToken => !!t);
  const typeRange = { start: typeValue.start, end: typeValue.end };
  const end = Math.max(
    typeValue.end,
    ...marks.map((t) => base + t.endOffset + 1),
    ...attributes.map((a) => a.end),
  );
  return {
    name: name.image,
    nameRange: tokenRange(name, base),
    type:
      typeValue.kind === 'identifier' ? typeValue.name : typeValue.kind === 'function' ? typeValue.name : '',
    typeRange,
    ...(typeValue.kind === 'function' ? { typeArgs: typeValue.args } : {}),
    optional: token(node, 'optional') !== undefined,
    list: token(node, 'array') !== undefined,
    attributes,
    start: base + name.startOffset,
    end,
  };
}

function toAttribute(node: CstNode, base: number, block: boolean): PrismaAttribute {
  const at = token(node, block ? 'blockAttribute' : 'fieldAttribute')!;
  const group = token(node, 'groupName')?.image;
  const name = token(node, 'attributeName')!;
  const close = token(node, 'RRound');
  return {
    name: group ? `${group}.${name.image}` : name.image,
    block,
    args: nodes(node, 'attributeArg').map((a) => toArgument(nodes(a, 'value')[0], base)),
    start: base + at.startOffset,
    end: base + (close ?? name).endOffset + 1,
  };
}

/** A `keyedArg` (`name: value`) or a plain `value` node. */
function toArgument(node: CstNode, base: number): PrismaArgument {
  if (node.name === 'keyedArg') {
    const key = token(node, 'keyName')!;
    const value = toValue(nodes(node, 'value')[0], base);
    return { name: key.image, value, start: base + key.startOffset, end: value.end };
  }
  const value = toValue(node, base);
  return { value, start: value.start, end: value.end };
}

function toValue(node: CstNode, base: number): PrismaValue {
  const inner = node.children.value?.[0];
  if (isToken(inner)) {
    const r = tokenRange(inner, base);
    switch (inner.tokenType.name) {
      case 'StringLiteral':
        return { kind: 'string', value: unquote(inner.image), ...r };
      case 'NumberLiteral':
        return { kind: 'number', value: Number(inner.image), raw: inner.image, ...r };
      case 'True':
        return { kind: 'boolean', value: true, ...r };
      case 'False':
        return { kind: 'boolean', value: false, ...r };
      case 'Null':
        return { kind: 'null', ...r };
      default:
        return { kind: 'identifier', name: inner.image, ...r };
    }
  }
  const n = inner as CstNode;
  const r = nodeRange(n, base);
  switch (n.name) {
    case 'array':
      return { kind: 'array', items: nodes(n, 'value').map((v) => toValue(v, base)), ...r };
    case 'object':
      return { kind: 'object', entries: nodes(n, 'keyedArg').map((k) => toArgument(k, base)), ...r };
    default: {
      // func: positional values and keyed arguments, in the order written.
      const args = [...nodes(n, 'value'), ...nodes(n, 'keyedArg')]
        .sort((a, b) => a.location!.startOffset - b.location!.startOffset)
        .map((a) => toArgument(a, base));
      return { kind: 'function', name: token(n, 'funcName')!.image, args, ...r };
    }
  }
}

function unquote(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

// ── errors ─────────────────────────────────────────────────────────────────────────────────────

/** Collects errors, one per line: the first one found on a line explains the others. */
class ErrorSink {
  private readonly errors: PrismaSyntaxError[] = [];
  private readonly lines = new Set<number>();
  private lineStarts?: number[];
  constructor(
    private readonly text: string,
    initial: PrismaSyntaxError[],
  ) {
    for (const e of initial) this.add(e);
  }
  add(e: PrismaSyntaxError): void {
    const line = this.lineOf(e.start);
    if (this.lines.has(line)) return;
    this.lines.add(line);
    this.errors.push(e);
  }
  sorted(): PrismaSyntaxError[] {
    return this.errors.sort((a, b) => a.start - b.start || a.end - b.end);
  }
  private lineOf(offset: number): number {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1))
        this.lineStarts.push(i + 1);
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
