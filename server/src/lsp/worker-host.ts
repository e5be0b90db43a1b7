/**
 * The main thread's handle on the analysis worker: one request in flight at a time, a watchdog
 * for a lint that never ends, and a fresh worker after a crash (the caller resends the texts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromWorker, LintDone, LintRequest, ToWorker, UnitCards, UnitResult } from './protocol';

/** The worker died or was stopped while a request was in flight. */
export class WorkerCrash extends Error {}

export interface WorkerHostOptions {
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Called when a new worker replaced a crashed one: the texts it had are gone. */
  onRestart(): void;
  /** The table cards of a large unit, made after its findings (`UnitResult.tablesJson` absent). */
  onCards?(cards: UnitCards): void;
}

/** `lsp-worker.js` beside the running bundle (dist/). */
export function workerScript(): string {
  const bundled = join(__dirname, 'lsp-worker.js');
  if (existsSync(bundled)) return bundled;
  throw new Error(`the analysis worker is missing: ${bundled} (run node scripts/build.mjs)`);
}

export class WorkerHost {
  private worker: Worker | undefined;
  private pending:
    | {
        id: number;
        onUnit(unit: UnitResult): void;
        resolve(r: LintDone): void;
        reject(e: Error): void;
        timer: NodeJS.Timeout;
      }
    | undefined;
  private stopped = false;

  /** A unit's lint running longer than this ends the worker (the request then fails with WorkerCrash). */
  timeoutMs = 60_000;

  constructor(private readonly options: WorkerHostOptions) {}

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Sends a lint request; `onUnit` gets each unit's result as the worker finishes it. */
  lint(request: LintRequest, onUnit: (unit: UnitResult) => void): Promise<LintDone> {
    if (this.pending) return Promise.reject(new Error('a lint is already in flight'));
    if (this.stopped) return Promise.reject(new WorkerCrash('the server is shutting down'));
    let worker: Worker;
    try {
      worker = this.ensure();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    return new Promise<LintDone>((resolve, reject) => {
      this.pending = { id: request.id, onUnit, resolve, reject, timer: this.watchdog() };
      worker.postMessage(request);
    });
  }

  /** The timer that ends a unit's lint that runs too long; re-armed whenever a unit is done. */
  private watchdog(): NodeJS.Timeout {
    return setTimeout(() => {
      this.options.log('error', `A check took longer than ${this.timeoutMs} ms: stopping the worker.`);
      this.fail(new WorkerCrash(`the check took longer than ${Math.round(this.timeoutMs / 1000)} s`));
    }, this.timeoutMs);
  }

  /** Starts the worker now (it loads the parser meanwhile), so that the first lint need not wait for it. */
  warmUp(): void {
    if (!this.stopped) this.ensure();
  }

  send(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  /** Replaces the worker (after a WebAssembly trap): the next request starts a new one. */
  restart(): void {
    const old = this.worker;
    this.worker = undefined;
    if (old) {
      old.removeAllListeners();
      void old.terminate();
    }
    this.options.onRestart();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const w = this.worker;
    this.worker = undefined;
    if (this.pending) this.fail(new WorkerCrash('the server is shutting down'));
    if (w) {
      w.removeAllListeners();
      await w.terminate();
    }
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerScript(), {
      // Room for the parse trees of a large file; a runaway one ends the worker, not the server.
      resourceLimits: { maxOldGenerationSizeMb: 4096 },
    });
    worker.on('message', (m: FromWorker) => this.onMessage(worker, m));
    worker.on('error', (e) => {
      this.options.log('error', `The analysis worker failed: ${e.stack ?? e.message}`);
      this.lost(worker, new WorkerCrash(`the analysis crashed: ${e.message}`));
    });
    worker.on('exit', (code) => {
      this.options.log('warn', `The analysis worker exited (code ${code}).`);
      this.lost(worker, new WorkerCrash(`the analysis stopped unexpectedly (exit code ${code})`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private onMessage(worker: Worker, m: FromWorker): void {
    if (worker !== this.worker) return;
    if (m.kind === 'log') this.options.log(m.level, m.message);
    else if (m.kind === 'cards') this.options.onCards?.(m);
    else if (m.kind === 'unit') {
      const p = this.pending;
      if (p?.id !== m.id) return;
      clearTimeout(p.timer);
      p.timer = this.watchdog();
      p.onUnit(m.unit);
    } else if (m.kind === 'done') {
      const p = this.pending;
      if (!p || p.id !== m.id) return;
      clearTimeout(p.timer);
      this.pending = undefined;
      p.resolve(m);
    }
  }

  private lost(worker: Worker, error: WorkerCrash): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    worker.removeAllListeners();
    if (this.pending) {
      const p = this.pending;
      clearTimeout(p.timer);
      this.pending = undefined;
      p.reject(error);
    }
    if (!this.stopped) this.options.onRestart();
  }

  private fail(error: WorkerCrash): void {
    const w = this.worker;
    if (w) {
      this.lost(w, error);
      void w.terminate();
    } else if (this.pending) {
      const p = this.pending;
      clearTimeout(p.timer);
      this.pending = undefined;
      p.reject(error);
    }
  }
}
