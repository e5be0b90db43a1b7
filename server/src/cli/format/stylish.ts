/**
 * The human format, after ESLint's "stylish": one header per file, one aligned row per finding,
 * and a summary. Colour is decided by the caller (TTY, NO_COLOR, --color); this stays pure.
 */
import type { Finding, Severity } from '../../engine/findings';
import { countFindings, locate, plural, type FormatContext } from './common';

type Paint = (s: string) => string;

function painter(enabled: boolean, open: number, close: number): Paint {
  return enabled ? (s) => `\x1b[${open}m${s}\x1b[${close}m` : (s) => s;
}

export function formatStylish(findings: readonly Finding[], context: FormatContext): string {
  if (findings.length === 0) return '';
  const on = context.color === true;
  const paint = {
    bold: painter(on, 1, 22),
    dim: painter(on, 2, 22),
    underline: painter(on, 4, 24),
    red: painter(on, 31, 39),
    yellow: painter(on, 33, 39),
    blue: painter(on, 34, 39),
    gray: painter(on, 90, 39),
  };
  const severityPaint: Record<Severity, Paint> = {
    error: paint.red,
    warning: paint.yellow,
    info: paint.blue,
    hint: paint.gray,
  };

  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }

  const out: string[] = [];
  for (const [file, list] of byFile) {
    const lines = context.lines(file);
    const rows = list.map((f) => {
      const at = locate(f, lines);
      // A row is one line: a multi-line message would break the columns.
      return { pos: `${at.line}:${at.column}`, f, message: f.message.replace(/\s*\r?\n\s*/g, ' ') };
    });
    // Padding is computed on the plain text; colour codes are added after, so columns still line up.
    const posWidth = Math.max(...rows.map((r) => r.pos.length));
    const sevWidth = Math.max(...rows.map((r) => r.f.severity.length));
    const msgWidth = Math.max(...rows.map((r) => r.message.length));
    out.push('', paint.underline(file || '(project)'));
    for (const r of rows) {
      out.push(
        '  ' +
          paint.dim(r.pos.padEnd(posWidth)) +
          '  ' +
          severityPaint[r.f.severity](r.f.severity.padEnd(sevWidth)) +
          '  ' +
          r.message.padEnd(msgWidth) +
          '  ' +
          paint.dim(r.f.ruleId),
      );
    }
  }

  const c = countFindings(findings);
  const summary =
    `✖ ${plural(findings.length, 'problem')} ` +
    `(${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.info, 'info')}, ${plural(c.hint, 'hint')})`;
  const tone = c.error > 0 ? paint.red : c.warning > 0 ? paint.yellow : paint.blue;
  out.push('', tone(paint.bold(summary)));
  if (c.fixable > 0) out.push(tone(`  ${c.fixable} fixable with --fix`));
  return out.join('\n') + '\n';
}
