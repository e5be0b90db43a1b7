/** What the engine reports: findings, with the fixes that resolve them, as plain data. */

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

/** A place in a file: `file` is the project-relative path with `/` separators. */
export interface SourceRange {
  file: string;
  /** UTF-16 offsets into the file's text. */
  start: number;
  end: number;
}

/** Replace `file[start, end)` by `newText`. */
export interface TextEdit extends SourceRange {
  newText: string;
}

export interface Fix {
  /** What the fix does, e.g. `Add index on orders (customer_id)`. */
  title: string;
  edits: TextEdit[];
  /** Files the fix creates (e.g. a down migration); never overwrites an existing file. */
  createFiles?: { file: string; text: string }[];
  /** The fix `--fix` and "fix all" apply when a finding offers several. */
  preferred?: boolean;
  /** A skeleton the user completes (e.g. a CHECK listing one value): offered, never applied unattended. */
  manual?: boolean;
}

/** The fix applied without asking (`--fix`, fix-all): the preferred one, or the only one; never a manual one. */
export function automaticFix<F extends { preferred?: boolean; manual?: boolean }>(
  fixes: readonly F[],
): F | undefined {
  const candidates = fixes.filter((f) => !f.manual);
  return candidates.find((f) => f.preferred) ?? (fixes.length === 1 ? candidates[0] : undefined);
}

export interface RelatedInfo extends SourceRange {
  message: string;
}

export interface Finding extends SourceRange {
  ruleId: string;
  severity: Severity;
  message: string;
  fixes: Fix[];
  related?: RelatedInfo[];
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file
    ? -1
    : a.file > b.file
      ? 1
      : a.start - b.start || a.end - b.end || (a.ruleId < b.ruleId ? -1 : 1);
}
