/**
 * A minimal LSP client for the tests and the benchmark: spawns the built server
 * (`node dist/cli.js server --stdio`), answers the requests a server sends its client
 * (configuration, capability registration, progress), records published diagnostics and lets a
 * test wait for the next ones that satisfy a condition.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  CodeAction,
  Diagnostic,
  Hover,
  Position,
  PublishDiagnosticsParams,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';

export const REPO = join(__dirname, '..', '..');
export const CLI = join(REPO, 'dist', 'cli.js');

/** Newest modification time under a path. */
function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((n) => newest(join(path, n))));
}

/** Builds dist/ when a bundle is missing or older than its sources. Returns the build's error, if any. */
export function buildIfStale(): string | undefined {
  const outputs = ['cli.js', 'cli-main.js', 'server.js', 'lsp-worker.js'].map((f) => join(REPO, 'dist', f));
  const sources = [
    join(REPO, 'server', 'src'),
    join(REPO, 'scripts', 'build.mjs'),
    join(REPO, 'package.json'),
  ];
  const stamp = Math.max(...sources.map(newest));
  if (outputs.every((o) => existsSync(o) && statSync(o).mtimeMs >= stamp)) return undefined;
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], {
    cwd: REPO,
    encoding: 'utf8',
  });
  return r.status === 0 ? undefined : `build failed:\n${r.stdout}\n${r.stderr}`;
}

export function uriOf(path: string): string {
  return pathToFileURL(path).href;
}

export interface StartOptions {
  /** The `dbExpert` settings the client answers workspace/configuration with. */
  settings?: Record<string, unknown>;
  initializationOptions?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Client capabilities beyond the defaults (configuration, documentChanges, create, progress). */
  documentChanges?: boolean;
}

type Listener = { uri: string; test(d: Diagnostic[]): boolean; resolve(d: Diagnostic[]): void };

export class LspClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** Every publishDiagnostics, in order, with the time it arrived. */
  readonly published: { uri: string; at: number; diagnostics: Diagnostic[] }[] = [];
  readonly progress: unknown[] = [];
  readonly logs: string[] = [];
  settings: Record<string, unknown>;
  private readonly listeners: Listener[] = [];
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  private exited = false;

  private constructor(
    readonly proc: ChildProcess,
    readonly connection: MessageConnection,
    options: StartOptions,
  ) {
    this.settings = options.settings ?? {};
    proc.on('exit', () => (this.exited = true));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.published.push({ uri: p.uri, at: performance.now(), diagnostics: p.diagnostics });
      for (const l of [...this.listeners]) {
        if (l.uri === p.uri && l.test(p.diagnostics)) {
          this.listeners.splice(this.listeners.indexOf(l), 1);
          l.resolve(p.diagnostics);
        }
      }
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    connection.onNotification('$/progress', (p: unknown) => {
      this.progress.push(p);
    });
    connection.onRequest('workspace/configuration', (p: { items: unknown[] }) =>
      p.items.map(() => this.settings),
    );
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
  }

  static async start(root: string, options: StartOptions = {}): Promise<LspClient> {
    const proc = spawn(process.execPath, [CLI, 'server', '--stdio'], {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    proc.stderr?.resume();
    if (!proc.stdout || !proc.stdin) throw new Error('no stdio');
    const connection = createMessageConnection(
      new StreamMessageReader(proc.stdout),
      new StreamMessageWriter(proc.stdin),
    );
    const client = new LspClient(proc, connection, options);
    connection.listen();
    const documentChanges = options.documentChanges ?? true;
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uriOf(root),
      workspaceFolders: [{ uri: uriOf(root), name: 'test' }],
      initializationOptions: options.initializationOptions ?? {},
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeWatchedFiles: { dynamicRegistration: true },
          didChangeConfiguration: { dynamicRegistration: true },
          workspaceEdit: documentChanges
            ? { documentChanges: true, resourceOperations: ['create'] }
            : { documentChanges: false },
        },
        window: { workDoneProgress: true },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          codeAction: { isPreferredSupport: true },
        },
      },
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  get alive(): boolean {
    return !this.exited;
  }

  open(path: string, text: string, languageId = 'sql'): string {
    return this.openUri(uriOf(path), text, languageId);
  }

  openUri(uri: string, text: string, languageId = 'sql'): string {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    void this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId, version: 1, text },
    });
    return uri;
  }

  /** Replaces the whole text of an open document. */
  change(uri: string, text: string): void {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    void this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  /** An incremental edit: inserts `text` at a position. */
  insert(uri: string, position: Position, text: string): void {
    this.replace(uri, { start: position, end: position }, text);
  }

  /** An incremental edit: replaces a range (the text kept by `change` is not updated). */
  replace(uri: string, range: { start: Position; end: Position }, text: string): void {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    void this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
  }

  close(uri: string): void {
    this.versions.delete(uri);
    this.texts.delete(uri);
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  textOf(uri: string): string {
    const t = this.texts.get(uri);
    if (t === undefined) throw new Error(`not open: ${uri}`);
    return t;
  }

  filesChanged(changes: { uri: string; type: 1 | 2 | 3 }[]): void {
    void this.connection.sendNotification('workspace/didChangeWatchedFiles', { changes });
  }

  configurationChanged(settings: Record<string, unknown>): void {
    this.settings = settings;
    void this.connection.sendNotification('workspace/didChangeConfiguration', {
      settings: { dbExpert: settings },
    });
  }

  /** The next published diagnostics of `uri` that pass `test` (or the current ones, if they do). */
  waitFor(uri: string, test: (d: Diagnostic[]) => boolean, timeoutMs = 60_000): Promise<Diagnostic[]> {
    const current = this.diagnostics.get(uri);
    if (current && test(current)) return Promise.resolve(current);
    return this.nextFor(uri, test, timeoutMs);
  }

  /** The next published diagnostics of `uri` that pass `test`, ignoring the current ones. */
  nextFor(
    uri: string,
    test: (d: Diagnostic[]) => boolean = () => true,
    timeoutMs = 60_000,
  ): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const listener: Listener = {
        uri,
        test,
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
      };
      const timer = setTimeout(() => {
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        const last = JSON.stringify(this.diagnostics.get(uri) ?? null, null, 1).slice(0, 3000);
        reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${last}`));
      }, timeoutMs);
      this.listeners.push(listener);
    });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
  }

  codeActions(
    uri: string,
    range: Diagnostic['range'],
    diagnostics: Diagnostic[],
    only?: string[],
  ): Promise<CodeAction[]> {
    return this.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range,
      context: { diagnostics, ...(only ? { only } : {}) },
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      await Promise.race([
        this.connection.sendRequest('shutdown'),
        new Promise((r) => setTimeout(r, 5000).unref()),
      ]);
      void this.connection.sendNotification('exit');
    } catch {
      // Already gone.
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.proc.kill();
        resolve();
      }, 5000);
      this.proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      if (this.exited) resolve();
    });
    this.connection.dispose();
  }
}

/** Position → offset in a text (UTF-16, lines split at \n). */
export function offsetAt(text: string, p: Position): number {
  let offset = 0;
  for (let line = 0; line < p.line; line++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  const end = text.indexOf('\n', offset);
  return Math.min(offset + p.character, end === -1 ? text.length : end);
}

/** The edits a WorkspaceEdit makes to one document. */
export function editsFor(edit: WorkspaceEdit, uri: string): TextEdit[] {
  const out: TextEdit[] = [...(edit.changes?.[uri] ?? [])];
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri)
      out.push(...change.edits.map((e) => e as TextEdit));
  }
  return out;
}

/** Applies a WorkspaceEdit's edits of one document to its text (edits do not overlap). */
export function applyEdit(text: string, edit: WorkspaceEdit, uri: string): string {
  const edits = editsFor(edit, uri)
    .map((e, i) => ({
      start: offsetAt(text, e.range.start),
      end: offsetAt(text, e.range.end),
      text: e.newText,
      i,
    }))
    .sort((a, b) => b.start - a.start || b.i - a.i);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
