/**
 * `--fix`: apply the fix each finding would get from "fix all", re-lint, and repeat until nothing
 * more applies. Fixes are chosen on the findings of one lint and applied together; a fix that
 * collides with one already chosen waits for the next pass, when it is recomputed on the new text.
 * Nothing touches the disk until the loop is done (see `writeFixes`).
 */
import { existsSync, mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Finding, Fix, TextEdit } from '../engine/findings';
import { applyEdits } from '../engine/fixes/apply';
import { endsStatement } from '../engine/fixes/sql';
import type { SourceFile } from '../engine/project';
import { autoFix } from './format/common';

export const MAX_FIX_PASSES = 10;

export interface FixLoopOptions {
  files: readonly SourceFile[];
  /** `created`: the files fixes of this run created so far. */
  lint(files: readonly SourceFile[], created: ReadonlySet<string>): Promise<Finding[]>;
  /** Whether a root-relative path exists on disk (a fix never overwrites a file by creating it). */
  exists(path: string): boolean;
  /** Whether a file may be edited (a file that is not valid UTF-8 may not); all by default. */
  editable?(path: string): boolean;
  maxPasses?: number;
}

export interface FixOutcome {
  /** The project after the fixes, created files included. */
  files: SourceFile[];
  /** Titles of the fixes applied to each changed file, in order. */
  changed: Map<string, string[]>;
  /** Files created, with the title of the fix that created each. */
  created: Map<string, string>;
  /** The findings of the last lint: what is left. */
  findings: Finding[];
  passes: number;
  /** Files that had fixes to apply but may not be edited. */
  blocked: Set<string>;
}

/**
 * Whether an edit collides with one already taken in the same file. Two inserts at one point both
 * apply where the point lies between statements (nothing but white space and comments after the
 * last `;`: each fix for a table puts its statement after it), unless they insert the same text:
 * two findings asking for the same statement get it once.
 * Inside a statement, the order of two inserts at one point decides the SQL (` ON DELETE …` after
 * a foreign key, `, created_at …` after the last column): the second waits for the next pass.
 */
function collides(e: TextEdit, taken: readonly TextEdit[], text: string | undefined): boolean {
  return taken.some((t) => {
    if (t.file !== e.file) return false;
    const eEmpty = e.start === e.end;
    const tEmpty = t.start === t.end;
    if (eEmpty && tEmpty) {
      if (e.start !== t.start) return false;
      return e.newText === t.newText || text === undefined || !endsStatement(text, e.start);
    }
    if (eEmpty) return t.start < e.start && e.start < t.end;
    if (tEmpty) return e.start < t.start && t.start < e.end;
    return e.start < t.end && t.start < e.end;
  });
}

/**
 * The fixes of one pass: each finding's preferred (or only) fix, in finding order, skipping any that
 * collides with one already chosen, edits a file it may not, or would create a file that exists.
 */
export function chooseFixes(
  findings: readonly Finding[],
  texts: ReadonlyMap<string, string>,
  options: Pick<FixLoopOptions, 'exists' | 'editable'>,
  blocked?: Set<string>,
): Fix[] {
  const chosen: Fix[] = [];
  const taken: TextEdit[] = [];
  const creating = new Set<string>();
  for (const finding of findings) {
    const fix = autoFix(finding.fixes);
    if (!fix) continue;
    const creates = fix.createFiles ?? [];
    if (fix.edits.length === 0 && creates.length === 0) continue;
    const usable = fix.edits.every((e) => {
      const text = texts.get(e.file);
      return text !== undefined && 0 <= e.start && e.start <= e.end && e.end <= text.length;
    });
    if (!usable) continue;
    const locked = fix.edits.find((e) => options.editable && !options.editable(e.file));
    if (locked) {
      blocked?.add(locked.file);
      continue;
    }
    if (creates.some((c) => texts.has(c.file) || creating.has(c.file) || options.exists(c.file))) continue;
    if (fix.edits.some((e) => collides(e, taken, texts.get(e.file)))) continue;
    chosen.push(fix);
    taken.push(...fix.edits);
    for (const c of creates) creating.add(c.file);
  }
  return chosen;
}

/** Keeps a file's line endings: a fix's `\n` becomes `\r\n` in a file written with CRLF. */
function lineEndingsOf(text: string): (newText: string) => string {
  return text.includes('\r\n') ? (newText) => newText.replace(/\r?\n/g, '\r\n') : (newText) => newText;
}

export async function runFixLoop(options: FixLoopOptions): Promise<FixOutcome> {
  const maxPasses = options.maxPasses ?? MAX_FIX_PASSES;
  const texts = new Map(options.files.map((f) => [f.path, f.text]));
  const changed = new Map<string, string[]>();
  const created = new Map<string, string>();
  const blocked = new Set<string>();
  const current = (): SourceFile[] => [...texts].map(([path, text]) => ({ path, text }));

  let findings = await options.lint(current(), new Set(created.keys()));
  let passes = 0;
  while (passes < maxPasses) {
    const fixes = chooseFixes(findings, texts, options, blocked);
    if (fixes.length === 0) break;
    passes++;

    const editsByFile = new Map<string, TextEdit[]>();
    for (const fix of fixes) {
      for (const e of fix.edits) {
        const list = editsByFile.get(e.file) ?? [];
        list.push(e);
        editsByFile.set(e.file, list);
      }
    }
    let progressed = false;
    for (const [file, edits] of editsByFile) {
      const before = texts.get(file)!;
      const endings = lineEndingsOf(before);
      const after = applyEdits(
        before,
        edits.map((e) => ({ ...e, newText: endings(e.newText) })),
      ).text;
      if (after !== before) {
        texts.set(file, after);
        progressed = true;
      }
    }
    for (const fix of fixes) {
      for (const file of new Set(fix.edits.map((e) => e.file))) {
        const titles = changed.get(file) ?? [];
        titles.push(fix.title);
        changed.set(file, titles);
      }
      for (const c of fix.createFiles ?? []) {
        // Created files join the project: the next lint must see them, or the finding that asked
        // for them would come back and its edits would be applied a second time.
        texts.set(c.file, c.text);
        created.set(c.file, fix.title);
        progressed = true;
      }
    }
    findings = await options.lint(current(), new Set(created.keys()));
    // Fixes whose edits change nothing would be chosen again forever.
    if (!progressed) break;
  }
  return { files: current(), changed, created, findings, passes, blocked };
}

/** Writes through a temporary file in the same folder and a rename, so a reader never sees half a file. */
export function writeFileAtomic(absolute: string, text: string): void {
  const dir = dirname(absolute);
  mkdirSync(dir, { recursive: true });
  const mode = existsSync(absolute) ? statSync(absolute).mode : undefined;
  const temp = join(dir, `.${basename(absolute)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    writeFileSync(temp, text, mode === undefined ? undefined : { mode });
    renameSync(temp, absolute);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // The temporary file was never created.
    }
    throw e;
  }
}

export interface WriteTarget {
  absolute: string;
  /** Put a UTF-8 byte-order mark back (the file had one). */
  bom: boolean;
}

/**
 * Writes the outcome of the loop: changed files in place (where they were read from), created files
 * only inside the root and only where nothing exists. Returns the lines to tell the user, and the
 * files that could not be written.
 */
export function writeFixes(
  outcome: FixOutcome,
  root: string,
  existing: ReadonlyMap<string, WriteTarget>,
): { messages: string[]; failures: string[] } {
  const messages: string[] = [];
  const failures: string[] = [];
  const texts = new Map(outcome.files.map((f) => [f.path, f.text]));
  const write = (path: string, target: WriteTarget): boolean => {
    try {
      writeFileAtomic(target.absolute, (target.bom ? '\ufeff' : '') + (texts.get(path) ?? ''));
      return true;
    } catch (e) {
      failures.push(`${path}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  };
  for (const [path, titles] of outcome.changed) {
    const target = existing.get(path);
    if (!target || outcome.created.has(path)) continue;
    if (write(path, target)) {
      messages.push(
        `fixed: ${path} (${titles.length} ${titles.length === 1 ? 'fix' : 'fixes'}: ${titles.join('; ')})`,
      );
    }
  }
  for (const [path, title] of outcome.created) {
    // The path comes from a rule, not from the user: keep it inside the project.
    const absolute = resolve(root, path);
    const rel = relative(root, absolute);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      failures.push(`${path}: outside the project root; not created`);
      continue;
    }
    if (existsSync(absolute)) continue;
    if (write(path, { absolute, bom: false })) messages.push(`created: ${path} (${title})`);
  }
  return { messages, failures };
}
