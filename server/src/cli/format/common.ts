/**
 * What every output format shares: the context a formatter is given, and where a finding is in
 * line/column terms. Formatters are pure functions of (findings, context) → text, so they can be
 * tested without files or a terminal.
 */
import { automaticFix, type Finding, type Severity } from '../../engine/findings';
import type { RuleMeta } from '../../engine/rules/rule';
import { LineIndex } from '../../engine/text';

export interface FormatContext {
  /** The line index of a file findings name (root-relative path); an empty text when unknown. */
  lines(file: string): LineIndex;
  /** Every rule's metadata, for SARIF's rule table and help links. */
  rules: readonly RuleMeta[];
  /** ANSI colours (stylish only). */
  color?: boolean;
  /**
   * How CI systems must name a file (github, sarif). Their annotations attach to paths relative to
   * the checkout, which is not always the project root; identity when not given.
   */
  displayPath?(file: string): string;
  /** Absolute folder that `displayPath` is relative to, for SARIF's `%SRCROOT%`. */
  baseDir?: string;
  toolVersion?: string;
}

export type FormatName = 'stylish' | 'json' | 'sarif' | 'github';
export const FORMAT_NAMES: readonly FormatName[] = ['stylish', 'json', 'sarif', 'github'];

/** 1-based line and column (UTF-16 units) of a finding; the end is exclusive, as ESLint's is. */
export interface Location {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function locate(finding: Pick<Finding, 'file' | 'start' | 'end'>, lines: LineIndex): Location {
  const start = lines.position(finding.start);
  const end = lines.position(Math.max(finding.start, finding.end));
  return {
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
  };
}

/** A `lines()` over a fixed set of texts, building each index once, on first use. */
export function lineIndexes(texts: ReadonlyMap<string, string>): (file: string) => LineIndex {
  const cache = new Map<string, LineIndex>();
  return (file) => {
    let index = cache.get(file);
    if (!index) {
      index = new LineIndex(texts.get(file) ?? '');
      cache.set(file, index);
    }
    return index;
  };
}

/** The fix `--fix` applies for a finding (see automaticFix). */
export const autoFix = automaticFix;

export interface Counts {
  error: number;
  warning: number;
  info: number;
  hint: number;
  fixable: number;
}

export function countFindings(findings: readonly Finding[]): Counts {
  const counts: Counts = { error: 0, warning: 0, info: 0, hint: 0, fixable: 0 };
  for (const f of findings) {
    counts[f.severity satisfies Severity]++;
    if (autoFix(f.fixes)) counts.fixable++;
  }
  return counts;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
