/**
 * GitHub Actions workflow commands: one `::error …::message` line per finding, which the runner
 * turns into annotations on the pull request's diff.
 */
import type { Finding, Severity } from '../../engine/findings';
import { locate, type FormatContext } from './common';

const COMMAND: Record<Severity, string> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
  hint: 'notice',
};

/** The escaping the runner undoes in a command's message. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Properties also end at `,` and the message starts at `::`, so those are escaped too. */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(findings: readonly Finding[], context: FormatContext): string {
  const lines = findings.map((f) => {
    const at = locate(f, context.lines(f.file));
    const file = context.displayPath ? context.displayPath(f.file) : f.file;
    const props = [
      `file=${escapeProperty(file)}`,
      `line=${at.line}`,
      `col=${at.column}`,
      `endLine=${at.endLine}`,
      `endColumn=${at.endColumn}`,
      `title=${escapeProperty(f.ruleId)}`,
    ];
    return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(f.message)}`;
  });
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
