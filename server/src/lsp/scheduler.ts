/**
 * What to lint next. Edits mark files dirty; after a quiet moment (the debounce, restarted by every
 * edit) the units holding dirty files are sent to the worker, what the user is working on first.
 * One request is in flight at a time: edits that arrive meanwhile wait for it and are linted
 * together in the next, and results computed from a text that has changed since are dropped
 * (a newer lint of that file is already queued). That is how a newer edit cancels an older one.
 */
import type { Finding } from '../engine/findings';
import { internalError } from './analyze';
import type { FileUpdate, UnitResult } from './protocol';
import type { Project, Unit } from './project';
import { WorkerCrash, type WorkerHost } from './worker-host';

export interface SchedulerHooks {
  projects(): Iterable<Project>;
  /** A unit's result, with the generations its files had when it was sent. */
  onUnit(project: Project, unit: UnitResult, snapshot: ReadonlyMap<string, number>): void;
  /** Files that are no longer linted (deleted, ignored, disabled): their findings are gone. */
  onCleared(project: Project, paths: string[]): void;
  /** Nothing left to lint. */
  onIdle(): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface SchedulerOptions {
  /** Characters of text per request, beyond its first unit (keeps a request short, so edits wait little). */
  batchChars: number;
  batchUnits: number;
}

interface Candidate {
  project: Project;
  unit: Unit;
  open: boolean;
  editedAt: number;
  size: number;
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private running = false;
  private nextId = 1;
  /** Units waiting after the last pick (for progress). */
  remaining = 0;
  /** Nothing is linted while paused (until the settings are known, so no finding flashes up). */
  paused = true;

  constructor(
    private readonly host: WorkerHost,
    private readonly hooks: SchedulerHooks,
    private readonly options: SchedulerOptions,
  ) {}

  get idle(): boolean {
    return !this.running && !this.timer && !this.immediate && this.remaining === 0;
  }

  /** Lints what is dirty after `delayMs` (restarting the wait), or at once for 0. */
  schedule(delayMs: number): void {
    if (delayMs > 0) {
      if (this.immediate) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, delayMs);
      return;
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.immediate ??= setImmediate(() => {
      this.immediate = undefined;
      this.flush();
    });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private flush(): void {
    if (this.running || this.timer || this.immediate || this.paused) return;
    const batch = this.pick();
    if (batch.length === 0) {
      this.hooks.onIdle();
      return;
    }
    const project = batch[0].project;
    const updates: FileUpdate[] = [];
    const snapshot = new Map<string, number>();
    for (const { unit } of batch) {
      for (const path of unit.files) {
        const file = project.files.get(path);
        if (file) snapshot.set(path, file.gen);
      }
    }
    // Every file of the project goes to the worker: a unit's rules may read the others' models.
    const projectFiles = project.units().flatMap((u) => u.files);
    for (const path of projectFiles) {
      const file = project.files.get(path);
      if (!file || file.sentGen === file.gen) continue;
      updates.push({ path, text: project.textOf(file) ?? null });
      file.sentGen = file.gen;
    }
    for (const path of project.gone) updates.push({ path, text: null });
    project.gone.clear();
    const id = this.nextId++;
    const done = new Set<string>();
    this.running = true;
    this.host
      .lint(
        {
          kind: 'lint',
          id,
          project: project.id,
          config: project.config,
          overrides: project.settings.rules,
          ...(project.settings.verify ? { verify: true } : {}),
          updates,
          projectFiles,
          units: batch.map(({ unit, open }) => ({
            ...unit,
            ...(project.readsOthers.has(unit.key) ? { readsOthers: true } : {}),
            ...(open ? { open: true } : {}),
          })),
        },
        (result) => {
          done.add(result.key);
          // A unit that read the other units' models is linted again when any of them changes.
          if (result.usedOtherUnits) project.readsOthers.add(result.key);
          else project.readsOthers.delete(result.key);
          this.hooks.onUnit(project, result, snapshot);
        },
      )
      .then(
        (end) => {
          if (end.restart) this.host.restart();
        },
        (e: unknown) => this.crashed(project, batch, done, snapshot, e),
      )
      .finally(() => {
        this.running = false;
        this.flush();
      });
  }

  /** The worker died during a request: find the unit that did it, and let the others through. */
  private crashed(
    project: Project,
    batch: Candidate[],
    done: Set<string>,
    snapshot: ReadonlyMap<string, number>,
    e: unknown,
  ): void {
    const reason = e instanceof WorkerCrash ? e.message : e instanceof Error ? e.message : String(e);
    const unfinished = batch.filter((c) => !done.has(c.unit.key));
    if (unfinished.length === 1) {
      // Alone, or the first of its request still running: this one is the culprit. It stays
      // marked until one of its files changes, so it does not crash the worker in a loop.
      const { unit } = unfinished[0];
      project.solo.delete(unit.key);
      this.hooks.log('error', `Checking ${unit.files.join(', ')} crashed the analysis: ${reason}`);
      const findings: Finding[] = unit.files.map((f) =>
        internalError(f, `${reason}. The file is checked again when it changes.`),
      );
      this.hooks.onUnit(
        project,
        { key: unit.key, files: unit.files, findings, tablesJson: '[]', ms: 0 },
        snapshot,
      );
      return;
    }
    // Several suspects: each goes again in a request of its own.
    for (const { unit } of unfinished) {
      project.solo.add(unit.key);
      for (const p of unit.files) project.dirty.add(p);
    }
    project.needsCheck = true;
  }

  /** The next request: units of one project, those with open files first. */
  private pick(): Candidate[] {
    const candidates: Candidate[] = [];
    for (const project of this.hooks.projects()) {
      if (!project.indexed || !project.needsCheck) continue;
      if (!project.settings.enable) {
        const cleared = [...project.results.keys()];
        project.results.clear();
        project.linted.clear();
        project.dirty.clear();
        project.needsCheck = false;
        if (cleared.length > 0) this.hooks.onCleared(project, cleared);
        continue;
      }
      candidates.push(...this.candidatesOf(project));
    }
    candidates.sort(
      (a, b) =>
        Number(b.open) - Number(a.open) ||
        b.editedAt - a.editedAt ||
        a.size - b.size ||
        (a.unit.key < b.unit.key ? -1 : 1),
    );
    const batch: Candidate[] = [];
    let chars = 0;
    for (const c of candidates) {
      if (batch.length > 0) {
        if (c.project !== batch[0].project || c.project.solo.has(c.unit.key)) continue;
        if (chars + c.size > this.options.batchChars || batch.length >= this.options.batchUnits) continue;
      }
      batch.push(c);
      chars += c.size;
      if (c.project.solo.has(c.unit.key)) break;
    }
    for (const c of batch) for (const p of c.unit.files) c.project.dirty.delete(p);
    // A project whose candidates were all taken has nothing more to check until the next change.
    for (const project of new Set(candidates.map((c) => c.project))) {
      project.needsCheck = candidates.some((c) => c.project === project && !batch.includes(c));
    }
    this.remaining = candidates.length - batch.length;
    return batch;
  }

  private candidatesOf(project: Project): Candidate[] {
    const units = project.units();
    const out: Candidate[] = [];
    const linted = new Set<string>();
    for (const unit of units) {
      for (const p of unit.files) linted.add(p);
      const before = project.linted.get(unit.key);
      const needed =
        !before ||
        before.files.length !== unit.files.length ||
        before.files.some((p, i) => p !== unit.files[i]) ||
        unit.files.some((p) => project.dirty.has(p));
      if (!needed) continue;
      let open = false;
      let editedAt = 0;
      let size = 0;
      for (const p of unit.files) {
        const file = project.files.get(p);
        if (!file) continue;
        open ||= file.openUri !== undefined;
        editedAt = Math.max(editedAt, file.editedAt);
        size += project.textOf(file)?.length ?? 0;
      }
      out.push({ project, unit, open, editedAt, size });
    }
    const current = new Set(units.map((u) => u.key));
    for (const key of [...project.linted.keys()]) if (!current.has(key)) project.linted.delete(key);
    const cleared = [...project.results.keys()].filter((p) => !linted.has(p));
    for (const p of cleared) project.results.delete(p);
    for (const p of [...project.dirty]) if (!linted.has(p)) project.dirty.delete(p);
    project.needsCheck = out.length > 0;
    if (cleared.length > 0) this.hooks.onCleared(project, cleared);
    return out;
  }
}
