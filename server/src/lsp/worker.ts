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

/** Quiet time after the last request before idle work (table cards of large units, warm-up lints). */
const IDLE_MS = 50;
/** Requests received and not yet handled. */
let waiting = 0;
let idleTimer: NodeJS.Timeout | undefined;

/**
 * Does idle work, one piece at a time, while no request waits: the waiting table cards, one unit
 * at a time, then the warm-up lints. An edit that comes meanwhile is linted first (its unit's cards
 * are then made from its new model); one that comes during a piece waits for that piece only. The
 * quiet time is waited for before the first piece after a request; the next pieces follow at once
 * (a message that came meanwhile is taken first), so the warm-up is over before typing starts.
 */
function scheduleIdle(next = false): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  if (waiting > 0 || !(analyzer.hasPendingCards || analyzer.wantsWarmUp)) return;
  idleTimer = setTimeout(
    () => {
      idleTimer = undefined;
      if (waiting > 0) return;
      if (analyzer.hasPendingCards) {
        const cards = analyzer.makeCards();
        if (cards) post({ kind: 'cards', ...cards });
        scheduleIdle(true);
        return;
      }
      // On the request queue, so that a request that comes meanwhile waits for it to end.
      queue = queue
        .then(() => analyzer.warmUp())
        .then((done) => {
          if (done) {
            const message = `Warmed up the engine on ${done.file}: ${done.lints} lints in ${Math.round(done.ms)} ms.`;
            post({ kind: 'log', level: 'info', message });
          }
          scheduleIdle(true);
        });
    },
    next ? 0 : IDLE_MS,
  );
}

port.on('message', (message: ToWorker) => {
  waiting++;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  queue = queue.then(async () => {
    try {
      await handle(message);
    } finally {
      waiting--;
      scheduleIdle();
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
