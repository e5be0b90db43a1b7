/**
 * The VS Code extension: starts the bundled language server (dist/server.js, over Node IPC) for
 * SQL and Prisma documents, and adds three commands (lint the workspace, restart the server, show
 * the schema model of the current file). Everything it shows comes from the server; the client
 * itself never parses SQL.
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { MODEL_SCHEME, modelUriParts } from './model-uri';
import { LINT_WORKSPACE, SCHEMA_MODEL, lintSummary, type SchemaModelParams } from './protocol';
import { LANGUAGE_IDS, documentSelector, readSettings, settingsSection } from './settings';

/** What `activate` returns: for the extension-host tests, and for other extensions. */
export interface DbExpertApi {
  /** The running client, once started (undefined when disabled or failed). */
  readonly client: LanguageClient | undefined;
  /** Resolves when the pending start or stop is done. */
  settled(): Promise<void>;
}

let client: LanguageClient | undefined;
/** Starts and stops run one after another, never interleaved. */
let queue: Promise<unknown> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): DbExpertApi {
  const output = vscode.window.createOutputChannel('Database Expert', { log: true });
  const trace = vscode.window.createOutputChannel('Database Expert Trace', { log: true });
  context.subscriptions.push(output, trace);
  const serverModule = context.asAbsolutePath('dist/server.js');
  const settings = () => readSettings((key) => vscode.workspace.getConfiguration('dbExpert').get(key));

  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const start = () =>
    serialized(async (): Promise<LanguageClient | undefined> => {
      if (client) return client;
      if (!settings().enable) return undefined;
      if (!existsSync(serverModule)) {
        output.error(`The language server is missing: ${serverModule} (run npm run build).`);
        void vscode.window.showErrorMessage(
          'Database Expert: the language server (dist/server.js) is missing.',
        );
        return undefined;
      }
      const serverOptions: ServerOptions = {
        run: { module: serverModule, transport: TransportKind.ipc },
        debug: {
          module: serverModule,
          transport: TransportKind.ipc,
          options: { execArgv: ['--nolazy', '--inspect=6009'] },
        },
      };
      const clientOptions: LanguageClientOptions = {
        documentSelector: documentSelector(),
        diagnosticCollectionName: 'db-expert',
        outputChannel: output,
        traceOutputChannel: trace,
        // The server pulls `dbExpert` per folder (workspace/configuration) and registers its own
        // watchers and configuration notifications; these are the settings it starts with.
        initializationOptions: () => ({ settings: settingsSection(settings()) }),
      };
      // The id `dbExpert` makes the client read the `dbExpert.trace.server` setting.
      const c = new LanguageClient('dbExpert', 'Database Expert', serverOptions, clientOptions);
      try {
        await c.start();
        client = c;
        output.info(`Language server started (${serverModule}).`);
        models.refreshAll();
        return c;
      } catch (e) {
        output.error(`The language server did not start: ${errorText(e)}`);
        await c.dispose().catch(() => undefined);
        void vscode.window
          .showErrorMessage(
            `Database Expert: the language server did not start: ${errorText(e)}`,
            'Show Output',
          )
          .then((choice) => choice && output.show());
        return undefined;
      }
    });

  const stop = () =>
    serialized(async () => {
      const c = client;
      client = undefined;
      if (c) await c.dispose().catch((e) => output.warn(`Stopping the server: ${errorText(e)}`));
    });

  /** The client, started if it can be; tells the user why not otherwise. */
  const running = async (): Promise<LanguageClient | undefined> => {
    const c = client ?? (await start());
    if (!c && !settings().enable) {
      void vscode.window.showInformationMessage('Database Expert is turned off (setting dbExpert.enable).');
    }
    return c;
  };

  const models = new SchemaModelProvider(async (source, token) => {
    const c = client ?? (await start());
    if (!c)
      return 'Database Expert is not running (setting dbExpert.enable is off, or the server did not start).';
    const params: SchemaModelParams = { uri: c.code2ProtocolConverter.asUri(source) };
    try {
      const text = await c.sendRequest<unknown>(SCHEMA_MODEL, params, token);
      return typeof text === 'string' ? text : JSON.stringify(text, null, 2);
    } catch (e) {
      return `Database Expert could not build the schema model of ${source.fsPath}:\n${errorText(e)}`;
    }
  });

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(MODEL_SCHEME, models),
    models,
    vscode.commands.registerCommand('dbExpert.lintWorkspace', async () => {
      const c = await running();
      if (!c) return undefined;
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Database Expert: linting the workspace' },
        () => c.sendRequest<unknown>(LINT_WORKSPACE, {}),
      );
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      const summary = lintSummary(result);
      if (summary) vscode.window.setStatusBarMessage(`Database Expert: ${summary}`, 5000);
      return result;
    }),
    vscode.commands.registerCommand('dbExpert.restartServer', async () => {
      await stop();
      const c = await running();
      if (c) vscode.window.setStatusBarMessage('Database Expert: server restarted', 3000);
      return c !== undefined;
    }),
    vscode.commands.registerCommand('dbExpert.showSchemaModel', async (arg?: vscode.Uri) => {
      const source = arg instanceof vscode.Uri ? arg : sourceOfEditor(vscode.window.activeTextEditor);
      if (!source) {
        void vscode.window.showInformationMessage(
          'Database Expert: open a SQL or Prisma file to see its schema model.',
        );
        return undefined;
      }
      const uri = vscode.Uri.from(modelUriParts(source.toString(), source.path));
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
      return uri;
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('dbExpert.enable')) return;
      void (settings().enable ? start() : stop());
    }),
    { dispose: () => void stop() },
  );

  void start();
  return {
    get client() {
      return client;
    },
    settled: async () => {
      await queue;
    },
  };
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  await c?.dispose();
}

/** The SQL/Prisma document behind an editor (through a model document, to its source). */
function sourceOfEditor(editor: vscode.TextEditor | undefined): vscode.Uri | undefined {
  const doc = editor?.document;
  if (!doc) return undefined;
  if (doc.uri.scheme === MODEL_SCHEME) return vscode.Uri.parse(doc.uri.query);
  return (LANGUAGE_IDS as readonly string[]).includes(doc.languageId) ? doc.uri : undefined;
}

/**
 * Serves `db-expert-model:` documents (read-only: VS Code offers no save for them) and refreshes
 * the open ones shortly after any SQL/Prisma document changes or is saved, since the model of one
 * file depends on the other files of its migrations folder.
 */
class SchemaModelProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners: vscode.Disposable[];

  constructor(
    private readonly fetch: (source: vscode.Uri, token: vscode.CancellationToken) => Promise<string>,
  ) {
    const relevant = (doc: vscode.TextDocument) =>
      doc.uri.scheme === 'file' && (LANGUAGE_IDS as readonly string[]).includes(doc.languageId);
    this.listeners = [
      vscode.workspace.onDidChangeTextDocument((e) => relevant(e.document) && this.refreshSoon()),
      vscode.workspace.onDidSaveTextDocument((doc) => relevant(doc) && this.refreshSoon()),
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    return this.fetch(vscode.Uri.parse(uri.query), token);
  }

  refreshAll(): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === MODEL_SCHEME) this.changed.fire(doc.uri);
    }
  }

  private refreshSoon(): void {
    if (!vscode.workspace.textDocuments.some((d) => d.uri.scheme === MODEL_SCHEME)) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refreshAll(), 500);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const l of this.listeners) l.dispose();
    this.changed.dispose();
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
