/**
 * Engine data → LSP data: findings become diagnostics, fixes become workspace edits. Engine
 * offsets are UTF-16, which is LSP's default position encoding, so only offset → line/character
 * happens here.
 */
import {
  CreateFile,
  DiagnosticSeverity,
  TextDocumentEdit,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Finding, Fix, Severity } from '../engine/findings';
import { ruleById } from '../engine/rules';
import { docsUrl } from '../engine/rules/rule';
import type { LineIndex } from '../engine/text';

export const SOURCE = 'db-expert';

/** A project file as the editor sees it now. */
export interface FileView {
  uri: string;
  text: string;
  lines: LineIndex;
  /** The open document's version; null for a file that is only on disk. */
  version: number | null;
}

export interface Files {
  view(path: string): FileView | undefined;
  /** The URI of a project path, whether or not the file exists. */
  uriOf(path: string): string;
  /** Whether a path exists (in the editor or on disk): a fix never creates over it. */
  exists(path: string): boolean;
}

export interface EditCapabilities {
  documentChanges: boolean;
  createFiles: boolean;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toRange(lines: LineIndex, start: number, end: number): Range {
  return { start: lines.position(start), end: lines.position(Math.max(start, end)) };
}

export function toDiagnostic(f: Finding, lines: LineIndex, files: Files): Diagnostic {
  const d: Diagnostic = {
    range: toRange(lines, f.start, f.end),
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    source: SOURCE,
    message: f.message,
  };
  if (ruleById(f.ruleId)) d.codeDescription = { href: docsUrl(f.ruleId) };
  const related: DiagnosticRelatedInformation[] = [];
  for (const r of f.related ?? []) {
    const view = files.view(r.file);
    if (!view) continue;
    related.push({
      location: { uri: view.uri, range: toRange(view.lines, r.start, r.end) },
      message: r.message,
    });
  }
  if (related.length > 0) d.relatedInformation = related;
  return d;
}

/** Keeps a file's line endings: a fix's `\n` becomes `\r\n` in a file written with CRLF. */
function eol(text: string): (s: string) => string {
  return text.includes('\r\n') ? (s) => s.replace(/\r?\n/g, '\r\n') : (s) => s;
}

/** Whether every edit of the fix is in range of the current text and its new files can be made. */
export function applicable(fix: Fix, files: Files, caps: EditCapabilities): boolean {
  for (const e of fix.edits) {
    const view = files.view(e.file);
    if (!view || e.start < 0 || e.start > e.end || e.end > view.text.length) return false;
  }
  const creates = fix.createFiles ?? [];
  if (creates.length > 0 && !(caps.documentChanges && caps.createFiles)) return false;
  return creates.every((c) => !files.exists(c.file));
}

/** One workspace edit for fixes whose edits do not overlap (chooseFixes makes sure of that). */
export function toWorkspaceEdit(fixes: readonly Fix[], files: Files, caps: EditCapabilities): WorkspaceEdit {
  const byFile = new Map<string, TextEdit[]>();
  for (const fix of fixes) {
    for (const e of fix.edits) {
      const view = files.view(e.file);
      if (!view) continue;
      const list = byFile.get(e.file) ?? [];
      list.push({ range: toRange(view.lines, e.start, e.end), newText: eol(view.text)(e.newText) });
      byFile.set(e.file, list);
    }
  }
  const creates = fixes.flatMap((f) => f.createFiles ?? []);
  if (!caps.documentChanges) {
    const changes: Record<string, TextEdit[]> = {};
    for (const [path, edits] of byFile) changes[files.uriOf(path)] = edits;
    return { changes };
  }
  const documentChanges: WorkspaceEdit['documentChanges'] = [];
  for (const [path, edits] of byFile) {
    const view = files.view(path);
    if (!view) continue;
    documentChanges.push(TextDocumentEdit.create({ uri: view.uri, version: view.version }, edits));
  }
  for (const c of creates) {
    const uri = files.uriOf(c.file);
    documentChanges.push(CreateFile.create(uri, { overwrite: false, ignoreIfExists: false }));
    documentChanges.push(
      TextDocumentEdit.create({ uri, version: null }, [
        { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: c.text },
      ]),
    );
  }
  return { documentChanges };
}

/**
 * Whether two JSON values are equal (objects key by key, in any order): what comparing their JSON
 * texts says, without writing them out (the JSON-RPC layer writes the diagnostics it sends).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    n++;
    if (!sameJson(x[k], y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) n--;
  return n === 0;
}
