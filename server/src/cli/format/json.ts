/** The machine format: one JSON array of findings with 1-based positions (end exclusive). */
import type { Finding } from '../../engine/findings';
import { locate, type FormatContext } from './common';

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Finding['severity'];
  ruleId: string;
  message: string;
  fixes: { title: string }[];
}

export function toJsonFindings(findings: readonly Finding[], context: FormatContext): JsonFinding[] {
  return findings.map((f) => ({
    file: f.file,
    ...locate(f, context.lines(f.file)),
    severity: f.severity,
    ruleId: f.ruleId,
    message: f.message,
    fixes: f.fixes.map((x) => ({ title: x.title })),
  }));
}

export function formatJson(findings: readonly Finding[], context: FormatContext): string {
  return JSON.stringify(toJsonFindings(findings, context)) + '\n';
}
