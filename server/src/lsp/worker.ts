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

/** Quiet time after the last request before the table cards of large units are made. */
const CARDS_IDLE_MS = 50;
/** Requests received and not yet handled. */
let waiting = 0;
let cardsTimer: NodeJS.Timeout | undefined;

/**
 * Makes the waiting table cards, one unit at a time, while no request waits: an edit that comes
 * meanwhile is linted first (its unit's cards are then made from its new model).
 */
function scheduleCards(): void {
  if (cardsTimer) clearTimeout(cardsTimer);
  cardsTimer = undefined;
  if (waiting > 0 || !analyzer.hasPendingCards) return;
  cardsTimer = setTimeout(() => {
    cardsTimer = undefined;
    if (waiting > 0) return;
    const cards = analyzer.makeCards();
    if (cards) post({ kind: 'cards', ...cards });
    scheduleCards();
  }, CARDS_IDLE_MS);
}

port.on('message', (message: ToWorker) => {
  waiting++;
  if (cardsTimer) clearTimeout(cardsTimer);
  cardsTimer = undefined;
  queue = queue.then(async () => {
    try {
      await handle(message);
    } finally {
      waiting--;
      scheduleCards();
    }
  });
});

async function handle(message: ToWorker): Promise<void> {
  if (message.kind === 'drop') {
    analyzer.drop(message.project);
    return;
  }
  try {
    const { restart } = await analyzer.lint(message, (unit) => post({ kind: 'unit', id: message.id, unit }));
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
}
