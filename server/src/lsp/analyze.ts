/**
 * The worker's side of the analysis: keeps the texts it was sent, lints units with the engine, and
 * turns each unit's schema model into table cards for hovers (the model itself never leaves the
 * worker: it is large and holds parse trees).
 *
 * Nothing here may read a lazy part of the model for every object of a large file (ranges beyond a
 * statement's start, default and predicate texts): that would tokenize every statement and double
 * the cost of a lint. Exact ranges are read only for units small enough for it not to matter.
 */
import type { Finding, RelatedInfo, SourceRange } from '../engine/findings';
import { lintProject, ParseCache, type LintOptions } from '../engine/lint';
import { rangeIfRead } from '../engine/model/ranges';
import { tableKey, type Constraint, type SchemaModel, type Table } from '../engine/model/schema';
import type { SourceFile } from '../engine/project';
import { allRules } from '../engine/rules';
import type { Rule } from '../engine/rules/rule';
import { LineIndex, partitionPoint } from '../engine/text';
import { PaddedText, paddedText } from '../engine/padded';
import { verifyProject } from '../engine/verify';
import type { SyntaxErrorInfo } from '../engine/lint';
import type { CardColumn, LintRequest, Loc, TableCard, UnitCards, UnitResult } from './protocol';

/**
 * The first unit this large that a worker lints gets warm-up lints while the worker is idle: the
 * JIT optimizes the engine over the first lints after a start, and until then a keystroke in a
 * 10,000-line file takes two or three times as long.
 */
const WARM_UP_CHARS = 100_000;
/**
 * Warm-up lints per worker (keystrokes in the unit's largest file, typed and taken back, most of
 * them patching the model as a user's would), fewer if they take longer than `WARM_UP_MS` in all (a
 * unit of megabytes: its first lint ran every function thousands of times already).
 */
export const WARM_UP_LINTS = 40;
export const WARM_UP_MS = 2_000;
/** Units up to this many characters get exact ranges (columns' constraints, FK actions) on their cards. */
const EXACT_CARD_CHARS = 1_000_000;
/**
 * Units up to this many characters get their table cards with their findings; a larger unit's
 * are made when the worker is idle (`makeCards`), so that they never delay the diagnostics of an
 * edit (on a 10,000-line file they cost a tenth of a lint).
 */
const INLINE_CARD_CHARS = 100_000;
/** What a WebAssembly trap throws (`unreachable`, out of bounds …). */
const WASM_TRAP = (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } }).WebAssembly
  .RuntimeError;
/** Longest expression text shown on a card. */
const MAX_EXPRESSION = 160;

/**
 * Test hooks, from `DB_EXPERT_LSP_FAULT` (`;`-separated): `rule:<id>:<marker>` makes rule <id>
 * throw on a unit whose text contains <marker>; `exit:<marker>` ends the worker on such a unit.
 * They prove that a crashing rule and a crashing worker stay contained.
 */
export interface Faults {
  rules: { id: string; marker: string }[];
  exits: string[];
}

export function parseFaults(spec: string | undefined): Faults {
  const faults: Faults = { rules: [], exits: [] };
  for (const item of (spec ?? '').split(';')) {
    const [kind, ...rest] = item.split(':');
    if (kind === 'rule' && rest.length >= 2)
      faults.rules.push({ id: rest[0], marker: rest.slice(1).join(':') });
    else if (kind === 'exit' && rest.length >= 1) faults.exits.push(rest.join(':'));
  }
  return faults;
}

export class Analyzer {
  private readonly projects = new Map<string, Map<string, string>>();
  /** Each project's parses: a keystroke parses again only the statements it changed. */
  private readonly parses = new Map<string, ParseCache>();
  /** What the embedded PostgreSQL rejected, per unit, with the texts it ran (run again when they change). */
  private readonly verified = new Map<string, { texts: string; failures: readonly SyntaxErrorInfo[] }>();
  /**
   * The padded text of each file linted on its own, by project: typing in a statement then leaves
   * the others where they were, and the model is patched rather than built again (`PaddedText`).
   */
  private readonly padded = new Map<string, Map<string, PaddedText>>();
  /** Table cards of large units still to make, by project and unit (the newest last). */
  private readonly pendingCards = new Map<
    string,
    { cards: Omit<UnitCards, 'tablesJson'>; make(): TableCard[] }
  >();

  /** What the warm-up lints lint (the first large unit), how many are left, and their time so far; once per worker. */
  private warm:
    | {
        project: string;
        files: SourceFile[];
        parses: ParseCache;
        options: LintOptions;
        left: number;
        ms: number;
        /** The warm-up's own parses (a fork of the unit's) and padding, made on its first lint. */
        fork?: ParseCache;
        pad?: PaddedText;
      }
    | undefined;
  private warmedUp = false;

  constructor(
    private readonly faults: Faults = { rules: [], exits: [] },
    private readonly onExitFault: () => void = () => process.exit(70),
  ) {}

  drop(project: string): void {
    this.projects.delete(project);
    this.parses.delete(project);
    this.padded.delete(project);
    if (this.warm?.project === project) {
      // Dropped before its warm-up ended (a document's own project, once its folder is indexed):
      // the next large unit gets one.
      this.warm = undefined;
      this.warmedUp = false;
    }
    const ours = (k: string) => k.startsWith(`${project}\0`);
    // What PostgreSQL said of the project's migrations, with a copy of their texts.
    for (const k of this.verified.keys()) if (ours(k)) this.verified.delete(k);
    for (const [k, pending] of this.pendingCards) {
      if (pending.cards.project === project) this.pendingCards.delete(k);
    }
  }

  /** Whether table cards wait to be made. */
  get hasPendingCards(): boolean {
    return this.pendingCards.size > 0;
  }

  /** Makes the table cards of the most recently linted unit that waits for them. */
  makeCards(): UnitCards | undefined {
    const last = [...this.pendingCards.keys()].pop();
    if (last === undefined) return undefined;
    const pending = this.pendingCards.get(last)!;
    this.pendingCards.delete(last);
    let tables: TableCard[] = [];
    try {
      tables = pending.make();
    } catch {
      // A card is a convenience: a model the cards cannot read leaves the hover without one.
    }
    return { ...pending.cards, tablesJson: JSON.stringify(tables) };
  }

  /**
   * `dbExpert.verify`: the unit's migrations run in an embedded PostgreSQL, again only when their
   * texts changed since the last run (a run takes seconds; a keystroke elsewhere does not pay it).
   */
  private async verifyFailures(
    key: string,
    files: readonly SourceFile[],
    request: LintRequest,
  ): Promise<readonly SyntaxErrorInfo[]> {
    const sql = files.filter((f) => f.path.toLowerCase().endsWith('.sql'));
    const texts = JSON.stringify(sql.map((f) => [f.path, f.text]));
    const known = this.verified.get(key);
    if (known?.texts === texts) return known.failures;
    let failures: readonly SyntaxErrorInfo[] = [];
    try {
      failures = (await verifyProject(sql, { config: request.config })).failures;
    } catch {
      // A run that cannot start (no PGlite) reports nothing rather than break the lint.
    }
    this.verified.set(key, { texts, failures });
    return failures;
  }

  /** Lints the request's units in order, handing each result to `onUnit` as it is done. */
  async lint(request: LintRequest, onUnit: (unit: UnitResult) => void): Promise<{ restart: boolean }> {
    let texts = this.projects.get(request.project);
    if (!texts) this.projects.set(request.project, (texts = new Map()));
    let parses = this.parses.get(request.project);
    if (!parses) this.parses.set(request.project, (parses = new ParseCache()));
    let padded = this.padded.get(request.project);
    if (!padded) this.padded.set(request.project, (padded = new Map()));
    for (const u of request.updates) {
      if (u.text === null) {
        texts.delete(u.path);
        parses.delete(u.path);
        padded.delete(u.path);
      } else texts.set(u.path, u.text);
    }
    let restart = false;
    const project: SourceFile[] = [];
    for (const path of request.projectFiles ?? []) {
      const text = texts.get(path);
      if (text !== undefined) project.push({ path, text });
    }
    for (const unit of request.units) {
      const files: SourceFile[] = [];
      for (const path of unit.files) {
        const text = texts.get(path);
        if (text !== undefined) files.push({ path, text });
      }
      const members = new Set(unit.files);
      const t0 = performance.now();
      let pad: PaddedText | undefined;
      let findings: Finding[];
      let tablesJson: string | undefined = '[]';
      let usedOtherUnits = false;
      const pendingKey = `${request.project}\0${unit.key}`;
      this.pendingCards.delete(pendingKey);
      try {
        // A SQL file on its own that is open in the editor is linted padded, with its model kept
        // for the next keystroke; its findings are moved back to its own offsets.
        if (
          unit.open &&
          files.length === 1 &&
          unit.files.length === 1 &&
          files[0].path.toLowerCase().endsWith('.sql')
        ) {
          const path = files[0].path;
          pad = padded.get(path);
          if (!pad) padded.set(path, (pad = new PaddedText()));
          files[0] = { path, text: await paddedText(pad, path, files[0].text, parses) };
        } else {
          // Closed, or with other files: its text is linted as it is, and padded afresh when it is
          // open on its own again.
          for (const path of unit.files) padded.delete(path);
        }
        if (this.faults.exits.some((m) => files.some((f) => f.text.includes(m)))) this.onExitFault();
        const options = {
          config: request.config,
          ruleOverrides: request.overrides,
          rules: this.rulesFor(files),
          parseCache: parses,
          ...(pad ? { keepModels: true } : {}),
          ...(request.verify
            ? { verifyFailures: await this.verifyFailures(pendingKey, files, request) }
            : {}),
        };
        // The unit alone, unless its rules read the other units' models (a query file beside the
        // migrations that create its tables): then with the project's other files, for those.
        const withProject = () =>
          lintProject([...files, ...project.filter((f) => !members.has(f.path))], {
            ...options,
            onlyFiles: unit.files,
          });
        let result = unit.readsOthers ? await withProject() : await lintProject(files, options);
        if (result.usedOtherModels && !unit.readsOthers && project.length > files.length) {
          result = await withProject();
        }
        usedOtherUnits = result.usedOtherModels;
        // (The file's own size: a padded text is longer.)
        const chars = unit.files.reduce((n, path) => n + (texts.get(path)?.length ?? 0), 0);
        if (!this.warmedUp && !usedOtherUnits && chars >= WARM_UP_CHARS) {
          this.warmedUp = true;
          this.warm = { project: request.project, files, parses, options, left: WARM_UP_LINTS, ms: 0 };
        }
        findings = result.findings;
        // The unit's own models (the others' may have been built for its rules).
        const models = [...result.models].flatMap(([g, m]) =>
          g.files.some((f) => members.has(f)) || g.downFiles.some((f) => members.has(f)) ? [m] : [],
        );
        for (const model of models) addForeignKeyTargets(findings, model);
        const padding = pad;
        if (padding && !padding.plain) {
          const { path } = files[0];
          findings = findings.map((f) => padding.findingToFile(f, path));
        }
        const make = (): TableCard[] => {
          const lines = new Lines(files);
          return models.flatMap((m) => tableCards(m, lines, chars <= EXACT_CARD_CHARS));
        };
        if (chars <= INLINE_CARD_CHARS) tablesJson = JSON.stringify(make());
        else {
          tablesJson = undefined;
          const cards = { project: request.project, key: unit.key, files: unit.files };
          this.pendingCards.set(pendingKey, { cards, make });
        }
      } catch (e) {
        // lintProject contains the failures of rules and of the model; what gets here is the parser
        // itself failing, after which its WebAssembly instance cannot be trusted.
        restart ||= e instanceof WASM_TRAP;
        const message = e instanceof Error ? e.message : String(e);
        findings = unit.files.map((file) => internalError(file, message));
      }
      const ms = performance.now() - t0;
      onUnit({
        key: unit.key,
        files: unit.files,
        findings,
        ...(tablesJson === undefined ? {} : { tablesJson }),
        ms,
        ...(usedOtherUnits ? { usedOtherUnits } : {}),
      });
      if (restart) break;
    }
    return { restart };
  }

  /** Whether warm-up lints are left to run. */
  get wantsWarmUp(): boolean {
    return this.warm !== undefined;
  }

  /**
   * Runs one warm-up lint: the unit's largest file as typed in near its middle (a letter typed and
   * deleted, a line break typed and deleted, in two statements, padded as the unit's own lints
   * are), on a fork of the unit's parses (which stay as they were), the result dropped. A
   * statement's first keystroke builds the model, the next ones patch it, so both ways get warm.
   * Nothing the server reports depends on it; it only makes the next lints faster. After the last
   * one, says what they were.
   */
  async warmUp(): Promise<{ file: string; lints: number; ms: number } | undefined> {
    const warm = this.warm;
    if (!warm) return undefined;
    const t0 = performance.now();
    warm.left--;
    const big = warm.files.reduce((a, b) => (b.text.length > a.text.length ? b : a));
    const step = WARM_UP_LINTS - warm.left;
    // Odd steps type (a letter, then a line break, in turn), even steps take it back.
    const typed = step % 2 === 1 ? typedNearMiddle(big.text, (step - 1) / 2) : big.text;
    warm.fork ??= warm.parses.fork();
    warm.pad ??= new PaddedText();
    // Padded, with its model kept, as an open file is linted, whether the unit is open or not: the
    // warm-up is for the keystrokes to come.
    const sql = big.path.toLowerCase().endsWith('.sql');
    try {
      const edited = sql ? await paddedText(warm.pad, big.path, typed, warm.fork) : typed;
      await lintProject(
        warm.files.map((f) => (f === big ? { path: f.path, text: edited } : f)),
        { ...warm.options, parseCache: warm.fork, keepModels: sql },
      );
    } catch {
      // What a real lint of the unit would report; the warm-up has nothing to report.
    }
    warm.ms += performance.now() - t0;
    if (warm.left > 0 && warm.ms < WARM_UP_MS) return undefined;
    this.warm = undefined;
    return { file: big.path, lints: WARM_UP_LINTS - warm.left, ms: warm.ms };
  }

  private rulesFor(files: readonly SourceFile[]): readonly Rule[] | undefined {
    const faulty = this.faults.rules.filter((f) => files.some((file) => file.text.includes(f.marker)));
    if (faulty.length === 0) return undefined;
    return allRules.map((rule) =>
      faulty.some((f) => f.id === rule.meta.id)
        ? {
            meta: rule.meta,
            check() {
              throw new Error('injected fault (DB_EXPERT_LSP_FAULT)');
            },
          }
        : rule,
    );
  }
}

/**
 * `text` with a keystroke typed a little after its middle: a line break when `n` is even, otherwise
 * a letter at the end of a word (which changes a statement). The same two places for every `n`:
 * where a user types most, the name at the start of an indented line (a column's), when there is
 * one in the next lines.
 */
export function typedNearMiddle(text: string, n: number): string {
  const from = text.indexOf('\n', Math.floor(text.length / 2)) + 1;
  const indented = /\n([ \t]+)([A-Za-z_][A-Za-z0-9_]*)[ \t]/g;
  indented.lastIndex = Math.max(0, from - 1);
  const column = indented.exec(text);
  const near = column && column.index - from < 20_000 ? column : null;
  const line = near ? near.index + 1 : text.indexOf('\n', from + 101 * (n % 2)) + 1;
  if (n % 2 === 0) return `${text.slice(0, line)}\n${text.slice(line)}`;
  let at: number;
  if (near) at = near.index + 1 + near[1].length + near[2].length;
  else {
    const word = /[A-Za-z_]+\b/g;
    word.lastIndex = line;
    const m = word.exec(text);
    if (!m) return `${text.slice(0, line)}\n${text.slice(line)}`;
    at = m.index + m[0].length;
  }
  return `${text.slice(0, at)}x${text.slice(at)}`;
}

export function internalError(file: string, message: string): Finding {
  return {
    ruleId: 'internal-error',
    severity: 'error',
    message: `Internal error while checking this file: ${message}`,
    file,
    start: 0,
    end: 0,
    fixes: [],
  };
}

/** Line numbers of offsets, one index per file, built on first use. */
class Lines {
  private readonly texts: Map<string, string>;
  private readonly indexes = new Map<string, LineIndex>();
  constructor(files: readonly SourceFile[]) {
    this.texts = new Map(files.map((f) => [f.path, f.text]));
  }
  loc(range: SourceRange): Loc {
    let index = this.indexes.get(range.file);
    if (!index) {
      index = new LineIndex(this.texts.get(range.file) ?? '');
      this.indexes.set(range.file, index);
    }
    return { file: range.file, line: index.position(range.start).line };
  }
}

/**
 * A finding about a foreign key (its range is exactly the constraint's) without related places
 * gets one: where the referenced table is defined. Only constraints in the finding's own statement
 * are looked at, so this reads an exact range for a handful of constraints, never for all.
 */
function addForeignKeyTargets(findings: Finding[], model: SchemaModel): void {
  /** Each file's foreign keys, by the start of the statement that wrote them (in model order within one). */
  let byFile: Map<string, { fk: Constraint; statement: SourceRange }[]> | undefined;
  for (const f of findings) {
    if (f.related && f.related.length > 0) continue;
    if (!byFile) {
      byFile = new Map();
      for (const table of model.tables.values()) {
        for (const c of table.constraints) {
          if (c.kind !== 'foreign key' || !c.references) continue;
          const statement = c.origin.statement;
          const list = byFile.get(statement.file) ?? [];
          list.push({ fk: c, statement });
          byFile.set(statement.file, list);
        }
      }
      for (const list of byFile.values()) list.sort((a, b) => a.statement.start - b.statement.start);
    }
    const list = byFile.get(f.file);
    if (!list) continue;
    // The statement holding the finding's start: the last one starting at or before it.
    const lo = partitionPoint(list, (x) => x.statement.start <= f.start);
    if (lo === 0) continue;
    const start = list[lo - 1].statement.start;
    let first = lo - 1;
    while (first > 0 && list[first - 1].statement.start === start) first--;
    for (let i = first; i < lo; i++) {
      const { fk, statement } = list[i];
      if (f.start > statement.end) continue;
      // A finding on the constraint itself was reported with its range, which was read then.
      const range = rangeIfRead(fk.origin);
      if (!range || range.start !== f.start || range.end !== f.end || !fk.references) continue;
      const target = model.tables.get(tableKey(fk.references.table));
      if (!target) break;
      const related: RelatedInfo = {
        ...target.origin.range,
        message: `${qualified(target)} is defined here`,
      };
      f.related = [related];
      break;
    }
  }
}

function qualified(t: { schema: string; name: string }): string {
  return t.schema === 'public' ? t.name : `${t.schema}.${t.name}`;
}

/** A property's value unless reading it would compute a lazy range (on large units). */
function cheap<T extends object, K extends keyof T>(obj: T, key: K, exact: boolean): T[K] | undefined {
  if (exact) return obj[key];
  const d = Object.getOwnPropertyDescriptor(obj, key);
  return d && !d.get ? (d.value as T[K]) : undefined;
}

function clip(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > MAX_EXPRESSION ? `${one.slice(0, MAX_EXPRESSION - 1)}…` : one;
}

export function tableCards(
  model: SchemaModel,
  lines: { loc(r: SourceRange): Loc },
  exact: boolean,
): TableCard[] {
  const cards: TableCard[] = [];
  const indexesByTable = new Map<string, TableCard['indexes']>();
  for (const index of model.indexes.values()) {
    const k = tableKey(index.table);
    const list = indexesByTable.get(k) ?? [];
    list.push({
      name: index.name,
      elements: index.elements.map((el) => el.column ?? clip(el.expression) ?? '?'),
      unique: index.unique,
      method: index.method,
      ...(index.predicateNode ? { where: clip(index.predicateText) } : {}),
      ...(index.constraint ? { constraint: index.constraint } : {}),
      loc: lines.loc(index.origin.statement),
    });
    indexesByTable.set(k, list);
  }
  const policiesByTable = new Map<string, TableCard['policies']>();
  for (const p of model.policies) {
    const k = tableKey(p.table);
    const list = policiesByTable.get(k) ?? [];
    list.push({
      name: p.name,
      command: p.command,
      permissive: p.permissive,
      roles: p.roles,
      ...(p.usingNode ? { using: clip(p.usingText) } : {}),
      ...(p.withCheckNode ? { withCheck: clip(p.withCheckText) } : {}),
      loc: lines.loc(p.origin.statement),
    });
    policiesByTable.set(k, list);
  }
  for (const table of model.tables.values()) {
    const k = tableKey(table);
    cards.push({
      schema: table.schema,
      name: table.name,
      kind: table.kind,
      loc: lines.loc(table.origin.statement),
      altered: table.statements
        .filter((s) => s.start !== table.origin.statement.start || s.file !== table.origin.statement.file)
        .slice(0, 20)
        .map((s) => lines.loc(s)),
      columns: table.columns.map((c): CardColumn => {
        const def = cheap(c, 'default', exact);
        return {
          name: c.name,
          type: c.type.written,
          notNull: c.notNull,
          ...(c.identity ? { identity: c.identity } : {}),
          ...(def !== undefined ? { default: clip(def) } : {}),
          loc: lines.loc(c.nameRange),
        };
      }),
      constraints: table.constraints.map((c) => constraintCard(table, c, lines, exact)),
      indexes: indexesByTable.get(k) ?? [],
      rls: {
        enabled: table.rls.enabled,
        forced: table.rls.forced,
        ...(table.rls.enabledAt ? { loc: lines.loc(table.rls.enabledAt.statement) } : {}),
      },
      policies: policiesByTable.get(k) ?? [],
      ...(table.partitionOf ? { partitionOf: qualified(table.partitionOf) } : {}),
      ...(table.comment ? { comment: clip(table.comment) } : {}),
    });
  }
  return cards;
}

function constraintCard(
  table: Table,
  c: Constraint,
  lines: { loc(r: SourceRange): Loc },
  exact: boolean,
): TableCard['constraints'][number] {
  // An inline constraint is on its column's line; a table constraint's own line needs its exact
  // range, else the statement's.
  const column = c.inline ? table.columns.find((col) => col.name === c.columns[0]) : undefined;
  const at = column ? column.nameRange : exact ? c.origin.range : c.origin.statement;
  const onDelete = c.kind === 'foreign key' ? cheap(c, 'onDelete', exact) : undefined;
  return {
    kind: c.kind,
    name: c.name,
    columns: c.columns,
    ...(c.references
      ? {
          references: {
            schema: c.references.table.schema,
            name: c.references.table.name,
            columns: c.references.columns,
          },
        }
      : {}),
    ...(onDelete ? { onDelete } : {}),
    loc: lines.loc(at),
  };
}
