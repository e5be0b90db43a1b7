/**
 * Code actions: each fix of a finding as a quick fix, "fix all of a rule in this file",
 * `source.fixAll.db-expert` (for editor.codeActionsOnSave), and the two suppression comments.
 */
import {
  CodeActionKind,
  type CodeAction,
  type Diagnostic,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Finding, Fix } from '../engine/findings';
import { ruleById } from '../engine/rules';
import { parseDirectives, type Directive } from '../engine/suppress';
import { chooseFixes } from '../cli/fix';
import { autoFix } from '../cli/format/common';
import {
  applicable,
  SOURCE,
  toRange,
  toWorkspaceEdit,
  type EditCapabilities,
  type FileView,
  type Files,
} from './convert';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.${SOURCE}`;

export interface ActionContext {
  path: string;
  view: FileView;
  /** Findings of the file, current with its text. */
  findings: readonly Finding[];
  files: Files;
  caps: EditCapabilities;
  /** Whether a fix's edited files are all unchanged since the lint. */
  current(fix: Fix): boolean;
  /** The diagnostic a finding was published as. */
  diagnostic(f: Finding): Diagnostic;
}

/** Whether an action of `kind` is wanted, given the client's `only` filter. */
export function wanted(kind: string, only: readonly string[] | undefined): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

export function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  return (
    a.code === b.code &&
    a.message === b.message &&
    a.range.start.line === b.range.start.line &&
    a.range.start.character === b.range.start.character &&
    a.range.end.line === b.range.end.line &&
    a.range.end.character === b.range.end.character
  );
}

export function codeActions(
  ctx: ActionContext,
  diagnostics: readonly Diagnostic[],
  only: readonly string[] | undefined,
): CodeAction[] {
  const actions: CodeAction[] = [];
  if (wanted(CodeActionKind.QuickFix, only)) {
    const fixAllDone = new Set<string>();
    const disableDone = new Set<string>();
    const disableFileDone = new Set<string>();
    for (const d of diagnostics) {
      if (d.source !== SOURCE) continue;
      const finding = ctx.findings.find((f) => sameDiagnostic(ctx.diagnostic(f), d));
      if (!finding) continue;
      const preferred = autoFix(finding.fixes);
      for (const fix of finding.fixes) {
        if (!usable(ctx, fix)) continue;
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          ...(fix === preferred ? { isPreferred: true } : {}),
          edit: toWorkspaceEdit([fix], ctx.files, ctx.caps),
        });
      }
      const id = finding.ruleId;
      if (!fixAllDone.has(id)) {
        fixAllDone.add(id);
        const same = ctx.findings.filter((f) => f.ruleId === id);
        const edit = fixAll(ctx, same);
        if (edit && edit.count >= 2) {
          actions.push({
            title: `Fix all ${id} problems in this file`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            edit: edit.edit,
          });
        }
      }
      if (!ruleById(id)) continue;
      const line = ctx.view.lines.position(finding.start).line;
      if (!disableDone.has(`${id}:${line}`)) {
        disableDone.add(`${id}:${line}`);
        actions.push({
          title: `Disable ${id} for this line`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          edit: textEdit(ctx, disableLine(ctx.view, ctx.path, id, line)),
        });
      }
      if (!disableFileDone.has(id)) {
        disableFileDone.add(id);
        actions.push({
          title: `Disable ${id} for this file`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          edit: textEdit(ctx, disableFile(ctx.view, ctx.path, id)),
        });
      }
    }
  }
  // Source actions come only when asked for (the Source Action menu, codeActionsOnSave).
  if (only && wanted(FIX_ALL_KIND, only)) {
    const edit = fixAll(ctx, ctx.findings);
    if (edit)
      actions.push({ title: 'Fix all auto-fixable db-expert problems', kind: FIX_ALL_KIND, edit: edit.edit });
  }
  return actions;
}

function usable(ctx: ActionContext, fix: Fix): boolean {
  return ctx.current(fix) && applicable(fix, ctx.files, ctx.caps);
}

/** The preferred fix of each finding, skipping those that collide with one already taken. */
function fixAll(
  ctx: ActionContext,
  findings: readonly Finding[],
): { edit: WorkspaceEdit; count: number } | undefined {
  const candidates = findings.filter((f) => {
    const fix = autoFix(f.fixes);
    return fix !== undefined && usable(ctx, fix);
  });
  if (candidates.length === 0) return undefined;
  const texts = new Map<string, string>();
  for (const f of candidates) {
    for (const e of autoFix(f.fixes)?.edits ?? []) {
      const view = ctx.files.view(e.file);
      if (view) texts.set(e.file, view.text);
    }
  }
  const chosen = chooseFixes(candidates, texts, { exists: (p) => ctx.files.exists(p) });
  if (chosen.length === 0) return undefined;
  return { edit: toWorkspaceEdit(chosen, ctx.files, ctx.caps), count: chosen.length };
}

function textEdit(ctx: ActionContext, edit: LspTextEdit): WorkspaceEdit {
  if (ctx.caps.documentChanges) {
    return {
      documentChanges: [{ textDocument: { uri: ctx.view.uri, version: ctx.view.version }, edits: [edit] }],
    };
  }
  return { changes: { [ctx.view.uri]: [edit] } };
}

function commentMarker(path: string): string {
  return /\.prisma$/i.test(path) ? '//' : '--';
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** A line comment directive that lists rule ids: new ids can be appended to it. */
function appendable(text: string, d: Directive, marker: string): number | undefined {
  if (d.ruleIds.length === 0 || !text.startsWith(marker, d.start)) return undefined;
  const comment = text.slice(d.start, d.end);
  const name = `db-expert-${d.kind}`;
  const at = comment.indexOf(name);
  if (at < 0) return undefined;
  const argsStart = at + name.length;
  const reason = comment.indexOf('--', argsStart);
  let end = reason < 0 ? comment.length : reason;
  while (end > argsStart && /\s/.test(comment[end - 1])) end--;
  return d.start + end;
}

/** `-- db-expert-disable-next-line <id>` above the line (or the id added to one already there). */
export function disableLine(view: FileView, path: string, ruleId: string, line: number): LspTextEdit {
  const marker = commentMarker(path);
  const language = marker === '//' ? 'prisma' : 'sql';
  const text = view.text;
  const existing = parseDirectives(text, language).find(
    (d) => d.kind === 'disable-next-line' && d.line === line - 1,
  );
  const at = existing ? appendable(text, existing, marker) : undefined;
  if (at !== undefined) {
    const pos = view.lines.position(at);
    return { range: { start: pos, end: pos }, newText: `, ${ruleId}` };
  }
  const start = view.lines.lineStart(line);
  const indent = /^[ \t]*/.exec(text.slice(start, view.lines.lineEnd(line)))?.[0] ?? '';
  const pos = view.lines.position(start);
  return {
    range: { start: pos, end: pos },
    newText: `${indent}${marker} db-expert-disable-next-line ${ruleId}${eolOf(text)}`,
  };
}

/** `-- db-expert-disable <id>` at the top of the file (or the id added to one already there). */
export function disableFile(view: FileView, path: string, ruleId: string): LspTextEdit {
  const marker = commentMarker(path);
  const language = marker === '//' ? 'prisma' : 'sql';
  const text = view.text;
  const existing = parseDirectives(text, language).find((d) => d.kind === 'disable' && d.line === 0);
  const at = existing ? appendable(text, existing, marker) : undefined;
  if (at !== undefined) {
    const pos = view.lines.position(at);
    return { range: { start: pos, end: pos }, newText: `, ${ruleId}` };
  }
  return { range: toRange(view.lines, 0, 0), newText: `${marker} db-expert-disable ${ruleId}${eolOf(text)}` };
}
