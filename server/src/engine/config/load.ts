/**
 * Loading `db-expert.json`: parse, validate against `schema/db-expert.schema.json`, resolve.
 *
 * The JSON Schema is the one source of truth for the file's shape: editors complete and check the
 * file with it, and this module validates with the same file through Ajv, so the two cannot drift.
 * The rule list is not in the schema (it changes with the engine), so rule ids are checked here.
 *
 * A bad file never stops linting: every problem becomes a `ConfigProblem` with the range of the
 * offending key or value (for a diagnostic in the config file itself), and only the bad part falls
 * back to its default.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../../../../schema/db-expert.schema.json';
import type { Severity, SeveritySetting } from '../findings';
import { LineIndex } from '../text';
import {
  DEFAULT_CONFIG,
  type MigrationFolderConfig,
  type MigrationToolName,
  type ResolvedConfig,
} from './config';

export interface ConfigProblem {
  message: string;
  /** Where in the document, e.g. `rules.foo`, `auditColumns.created`, `migrations[0].tool`; `` for the whole file. */
  path: string;
  /** UTF-16 offsets of the bad key or value in the file's text; 0, 0 when unknown. */
  start: number;
  end: number;
}

type Segment = string | number;

export function parseConfig(
  text: string,
  knownRuleIds: readonly string[],
): { config: ResolvedConfig; problems: ConfigProblem[] } {
  try {
    return parseUnchecked(text, knownRuleIds);
  } catch (e) {
    // A bug here must not take linting down with it; the defaults still lint usefully.
    return {
      config: defaults(),
      problems: [{ message: `Could not read the configuration: ${String(e)}`, path: '', start: 0, end: 0 }],
    };
  }
}

/** The candidate closest to `name` by edit distance, if close enough to be a likely typo. */
export function suggestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    if (Math.abs(c.length - name.length) >= bestDistance) continue;
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function parseUnchecked(
  text: string,
  knownRuleIds: readonly string[],
): { config: ResolvedConfig; problems: ConfigProblem[] } {
  // JSON.parse rejects a byte-order mark, which some editors on Windows still write.
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let data: unknown;
  try {
    data = JSON.parse(bom ? text.slice(1) : text);
  } catch (e) {
    return { config: defaults(), problems: [syntaxProblem(text, bom, e)] };
  }

  let locations: Map<string, Location> | undefined;
  const locate = (path: Segment[], key: boolean): { start: number; end: number } => {
    try {
      locations ??= scanJson(text, bom);
    } catch {
      locations = new Map();
    }
    const loc = locations.get(pointer(path));
    if (!loc) return { start: 0, end: 0 };
    return key && loc.keyStart >= 0
      ? { start: loc.keyStart, end: loc.keyEnd }
      : { start: loc.valueStart, end: loc.valueEnd };
  };

  const problems: ConfigProblem[] = [];
  const bad = new Set<string>();
  const report = (path: Segment[], onKey: boolean, message: string): void => {
    const p = pointer(path);
    // One problem per bad key: Ajv can raise several (say `type` and `enum`) for one value.
    if (bad.has(p)) return;
    bad.add(p);
    problems.push({ message, path: displayPath(path), ...locate(path, onKey) });
  };

  // Unknown rule ids first, so a typo in the id is reported as such and not also as a bad value.
  const known = new Set(knownRuleIds);
  if (isObject(data) && isObject(data.rules)) {
    for (const id of Object.keys(data.rules)) {
      if (known.has(id)) continue;
      const hint = suggestName(id, knownRuleIds);
      report(['rules', id], true, `Unknown rule '${id}'.${hint ? ` Did you mean '${hint}'?` : ''}`);
    }
  }

  const validate = validator();
  if (!validate(data)) {
    for (const error of validate.errors ?? []) {
      const [path, onKey] = errorTarget(error);
      if (isUnder(bad, path)) continue;
      report(path, onKey, errorMessage(error, path));
    }
  }

  problems.sort((a, b) => a.start - b.start || a.end - b.end);
  return { config: resolve(data, (path) => isUnder(bad, path)), problems };
}

function defaults(): ResolvedConfig {
  // A fresh copy: callers may mutate their config, and DEFAULT_CONFIG is shared.
  return structuredClone(DEFAULT_CONFIG);
}

/** The config from validated-but-possibly-bad data: anything at or under a bad path is skipped. */
function resolve(data: unknown, isBad: (path: Segment[]) => boolean): ResolvedConfig {
  const config = defaults();
  if (!isObject(data) || isBad([])) return config;
  const take = (key: string): unknown => (Object.hasOwn(data, key) && !isBad([key]) ? data[key] : undefined);
  const strings = (key: string): string[] | undefined => {
    const v = take(key);
    // Bad entries of a list are dropped one by one: the rest of the list is still what the user meant.
    return Array.isArray(v) ? v.filter((s, i): s is string => !isBad([key, i])) : undefined;
  };

  const rules = take('rules');
  if (isObject(rules)) {
    for (const [id, severity] of Object.entries(rules)) {
      if (!isBad(['rules', id])) config.rules[id] = normalizeSeverity(severity as SeveritySetting | 'warn');
    }
  }
  for (const key of ['tenantColumn', 'tenantSetting', 'softDeleteColumn'] as const) {
    const v = take(key);
    if (typeof v === 'string') config[key] = v;
  }
  const audit = take('auditColumns');
  if (isObject(audit)) {
    for (const key of ['created', 'updated'] as const) {
      const v = audit[key];
      if (typeof v === 'string' && !isBad(['auditColumns', key])) config.auditColumns[key] = v;
    }
  }
  config.auditExemptTables = strings('auditExemptTables') ?? config.auditExemptTables;
  config.ignore = strings('ignore') ?? config.ignore;
  const prisma = take('prisma');
  if (isObject(prisma)) {
    const v = prisma.schemaFindingsOnMigrations;
    if (typeof v === 'boolean' && !isBad(['prisma', 'schemaFindingsOnMigrations'])) {
      config.prisma.schemaFindingsOnMigrations = v;
    }
  }
  const migrations = take('migrations');
  if (Array.isArray(migrations)) {
    config.migrations = [];
    migrations.forEach((m: { path: string; tool?: MigrationToolName }, i) => {
      if (isBad(['migrations', i])) return;
      const folder: MigrationFolderConfig = { path: m.path };
      // A bad tool falls back to detection, as if it were not given.
      if (m.tool !== undefined && !isBad(['migrations', i, 'tool'])) folder.tool = m.tool;
      config.migrations.push(folder);
    });
  }
  return config;
}

function normalizeSeverity(s: SeveritySetting | 'warn'): SeveritySetting {
  return s === 'warn' ? ('warning' satisfies Severity) : s;
}

// ---- Validation ---------------------------------------------------------------------------------

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  // Compiled once per process, on first use: compilation costs a few milliseconds.
  // `verbose` keeps the parent schema on each error, for "did you mean" among the allowed keys.
  compiled ??= new Ajv({ allErrors: true, verbose: true }).compile(schema);
  return compiled;
}

/** The path a schema error is about, and whether its key (rather than its value) is the culprit. */
function errorTarget(error: ErrorObject): [Segment[], boolean] {
  const path = parsePointer(error.instancePath);
  if (error.keyword === 'additionalProperties') {
    return [[...path, (error.params as { additionalProperty: string }).additionalProperty], true];
  }
  return [path, false];
}

function errorMessage(error: ErrorObject, path: Segment[]): string {
  const where = displayPath(path);
  const last = path[path.length - 1];
  const isRule = path.length === 2 && path[0] === 'rules';
  switch (error.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys(
        (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
      );
      const hint = suggestName(String(last), allowed);
      return `Unknown setting '${where}'.${hint ? ` Did you mean '${hint}'?` : ''}`;
    }
    case 'type':
    case 'enum': {
      if (isRule || error.keyword === 'enum') {
        const allowed = allowedValues(error);
        const hint = typeof error.data === 'string' ? suggestName(error.data, allowed) : undefined;
        const what = isRule ? `severity for rule '${String(last)}'` : `value for '${where}'`;
        return (
          `Unknown ${what}: ${JSON.stringify(error.data)}.${hint ? ` Did you mean '${hint}'?` : ''}` +
          ` Use one of: ${allowed.join(', ')}.`
        );
      }
      const expected = (error.params as { type: string }).type;
      return `'${where}' must be ${article(expected)} ${expected}, not ${jsonType(error.data)}.`;
    }
    case 'minLength':
      return `'${where}' must not be empty.`;
    case 'required':
      return `'${where}' needs a '${(error.params as { missingProperty: string }).missingProperty}'.`;
    default:
      return `'${where}' ${error.message ?? 'is invalid'}.`;
  }
}

function allowedValues(error: ErrorObject): string[] {
  if (error.keyword === 'enum') return (error.params as { allowedValues: string[] }).allowedValues;
  // A `type` error on an enum-typed value: the enum sits beside the type in the same schema.
  const sibling = (error.parentSchema as { enum?: string[] } | undefined)?.enum;
  return sibling ?? [];
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${article(typeof v)} ${typeof v}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether `path` or one of its ancestors is in `bad`. */
function isUnder(bad: Set<string>, path: Segment[]): boolean {
  if (bad.size === 0) return false;
  for (let n = 0; n <= path.length; n++) if (bad.has(pointer(path.slice(0, n)))) return true;
  return false;
}

// ---- Paths --------------------------------------------------------------------------------------

/** RFC 6901 JSON pointer: the key Ajv reports paths with, and the key of the location map. */
function pointer(path: Segment[]): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

function parsePointer(p: string): Segment[] {
  if (p === '') return [];
  return p
    .slice(1)
    .split('/')
    .map((s) => {
      const key = s.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^(0|[1-9]\d*)$/.test(key) ? Number(key) : key;
    });
}

function displayPath(path: Segment[]): string {
  let out = '';
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

// ---- Syntax errors ------------------------------------------------------------------------------

function syntaxProblem(text: string, bom: number, e: unknown): ConfigProblem {
  const raw = e instanceof Error ? e.message : String(e);
  let offset: number | undefined;
  const position = /at position (\d+)/.exec(raw);
  const lineColumn = /line (\d+) column (\d+)/.exec(raw);
  if (position) offset = Number(position[1]) + bom;
  else if (lineColumn) {
    offset = new LineIndex(text).offset({
      line: Number(lineColumn[1]) - 1,
      character: Number(lineColumn[2]) - 1,
    });
  } else {
    // V8 gives no position for some errors ("Unexpected token 'x', "…" is not valid JSON");
    // the scanner finds the same spot.
    try {
      scanJson(text, bom);
    } catch (s) {
      if (s instanceof JsonScanError) offset = s.offset;
    }
  }
  offset = Math.min(offset ?? text.length, text.length);
  // The message's position is redundant with the range, and V8 quotes the whole text in some messages.
  const message = raw
    .replace(/, "[\s\S]*" is not valid JSON$/, '')
    .replace(/ in JSON at position \d+( \(line \d+ column \d+\))?$/, '');
  return {
    message: `Invalid JSON: ${message}.`,
    path: '',
    start: offset,
    end: Math.min(offset + 1, text.length),
  };
}

// ---- Locating keys and values -------------------------------------------------------------------

interface Location {
  /** -1 for array elements and the root. */
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

class JsonScanError extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at ${offset}`);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Every key and value of a JSON text, by JSON pointer, with UTF-16 offsets. A strict
 * recursive-descent scanner, so it also finds where invalid JSON goes wrong. Of duplicate keys the
 * last one wins, as with JSON.parse.
 */
function scanJson(text: string, from: number): Map<string, Location> {
  const out = new Map<string, Location>();
  let i = from;
  const fail = (): never => {
    throw new JsonScanError(i);
  };
  const ws = (): void => {
    for (
      let c = text.charCodeAt(i);
      c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
      c = text.charCodeAt(++i)
    );
  };
  const expect = (ch: string): void => {
    if (text[i] !== ch) fail();
    i++;
  };
  const string = (): void => {
    expect('"');
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c) || c < 0x20) fail();
      i++;
      if (c === 0x22) return;
      if (c !== 0x5c) continue;
      const esc = text[i];
      if (esc === 'u') {
        i++;
        for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail();
      } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) i++;
      else fail();
    }
  };
  const literal = (word: string): void => {
    for (const ch of word) expect(ch);
  };
  const value = (pointerKey: string, keyStart: number, keyEnd: number): void => {
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') i++;
      else
        for (;;) {
          ws();
          const ks = i;
          string();
          const ke = i;
          const key = JSON.parse(text.slice(ks, ke)) as string;
          ws();
          expect(':');
          ws();
          value(pointerKey + '/' + key.replace(/~/g, '~0').replace(/\//g, '~1'), ks, ke);
          ws();
          if (text[i] === ',') i++;
          else {
            expect('}');
            break;
          }
        }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') i++;
      else
        for (let n = 0; ; n++) {
          ws();
          value(`${pointerKey}/${n}`, -1, -1);
          ws();
          if (text[i] === ',') i++;
          else {
            expect(']');
            break;
          }
        }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) fail();
      i = NUMBER.lastIndex;
    }
    out.set(pointerKey, { keyStart, keyEnd, valueStart: start, valueEnd: i });
  };
  ws();
  value('', -1, -1);
  ws();
  if (i < text.length) fail();
  return out;
}

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("warnign"). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let x = 0; x <= a.length; x++) {
    rows.push([x]);
    for (let y = 1; y <= b.length; y++) {
      if (x === 0) {
        rows[0].push(y);
        continue;
      }
      const cost = a[x - 1] === b[y - 1] ? 0 : 1;
      let d = Math.min(rows[x - 1][y] + 1, rows[x][y - 1] + 1, rows[x - 1][y - 1] + cost);
      if (x > 1 && y > 1 && a[x - 1] === b[y - 2] && a[x - 2] === b[y - 1])
        d = Math.min(d, rows[x - 2][y - 2] + 1);
      rows[x].push(d);
    }
  }
  return rows[a.length][b.length];
}
