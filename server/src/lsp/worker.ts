/**
 * The analysis worker (bundled as `dist/lsp-worker.js`): runs the synchronous engine off the
 * language server's main thread, so that a 5 MB file or a slow rule never delays a hover or a
 * code action. Requests are handled one at a time, in the order they arrive.
 */
import { parentPort } from 'node:worker_threads';
import { loadSqlParser } from '../engine/parse/sql';
import { Analyzer, parseFaults } from './analyze';
import type { FromWorker, ToWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('lsp-worker must run as a worker thread');

const post = (message: FromWorker): void => port.postMessage(message);
const analyzer = new Analyzer(parseFaults(process.env.DB_EXPERT_LSP_FAULT));

let queue: Promise<void> = loadSqlParser().then(
  () => post({ kind: 'ready' }),
  (e: unknown) =>
    post({ kind: 'log', level: 'error', message: `Could not load the SQL parser: ${String(e)}` }),
);

port.on('message', (message: ToWorker) => {
  queue = queue.then(async () => {
    if (message.kind === 'drop') {
      analyzer.drop(message.project);
      return;
    }
    try {
      const { restart } = await analyzer.lint(message, (unit) =>
        post({ kind: 'unit', id: message.id, unit }),
      );
      post({ kind: 'done', id: message.id, ...(restart ? { restart } : {}) });
    } catch (e) {
      // Analyzer.lint contains every unit's failure; this is a bug in it, not in the input.
      post({
        kind: 'log',
        level: 'error',
        message: `Analysis failed: ${e instanceof Error ? e.stack : String(e)}`,
      });
      post({ kind: 'done', id: message.id, restart: true });
    }
  });
});
