/**
 * Histories spooled to disk while a run goes on. A run keeps every scenario result until its report is
 * written at the end, and the raw histories (every op, poll, event and log line) are most of their size:
 * held in memory, a run's footprint grew with each trial. A HistorySpool writes each finished result's
 * history to a file in a temporary folder and keeps a light result that points at it (SpooledResult); the
 * report reads each history back (withHistory) when it needs it, one scenario at a time, and lets it go.
 *
 * The spool folder lives under os.tmpdir() and is removed when the process exits (also after a signal's
 * partial report), or by dispose().
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { History, ScenarioResult } from '../model.ts';

/** A history written to a spool file: read back on demand, never kept. */
export class SpooledHistory {
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  /** The history as recorded (each call reads the file again: nothing stays in memory). */
  load(): History {
    return JSON.parse(this.text()) as History;
  }

  /** The spool file: JSON.stringify of the history. */
  text(): string {
    try {
      return readFileSync(this.file, 'utf8');
    } catch (e) {
      throw new Error(`the spooled history ${this.file} cannot be read back (${(e as NodeJS.ErrnoException).code ?? String(e)}); was the temporary folder removed during the run?`, { cause: e });
    }
  }

  /** Serialised like the history it stands for, so a JSON copy of a spooled result equals the in-memory one. */
  toJSON(): History {
    return this.load();
  }
}

/** A result whose history is in a spool file. */
export type SpooledResult = Omit<ScenarioResult, 'history'> & { history: SpooledHistory };

/** A scenario of a run report: with its history in memory, or spooled. */
export type ReportScenario = ScenarioResult | SpooledResult;

export function isSpooled(s: ReportScenario): s is SpooledResult {
  return s.history instanceof SpooledHistory;
}

/** The scenario with its history in memory: read back if it was spooled (drop it after use to keep memory flat). */
export function withHistory(s: ReportScenario): ScenarioResult {
  return isSpooled(s) ? { ...s, history: s.history.load() } : s;
}

/** Spool folders still on disk, removed at exit by one listener (not one per spool: runs may be many). */
const live = new Set<string>();
let exitHooked = false;

function removeAtExit(dir: string): void {
  live.add(dir);
  if (exitHooked) return;
  exitHooked = true;
  // 'exit' listeners must be synchronous; rmSync is.
  process.on('exit', () => {
    for (const d of live) rmSync(d, { recursive: true, force: true });
  });
}

export class HistorySpool {
  private dir: string | undefined;
  private count = 0;
  private failed = false;
  private readonly root: string;
  private readonly warn: (line: string) => void;

  /** `root`: where the spool folder goes (os.tmpdir() unless a test says otherwise). */
  constructor(opts: { root?: string; warn?: (line: string) => void } = {}) {
    this.root = opts.root ?? os.tmpdir();
    this.warn = opts.warn ?? ((line) => void process.stderr.write(`${line}\n`));
  }

  /** The folder holding the spool files (undefined until the first history is spooled). */
  get folder(): string | undefined {
    return this.dir;
  }

  /**
   * The result to keep: a light one pointing at its spooled history, or `r` itself when it has no history
   * or the spool cannot be written (then it stays in memory, as before: nothing is lost, only memory).
   */
  put(r: ScenarioResult): ReportScenario {
    if (this.failed || !r.history || typeof r.history !== 'object') return r;
    try {
      this.dir ??= this.create();
      const file = path.join(this.dir, `${this.count++}.json`);
      writeFileSync(file, JSON.stringify(r.history));
      return { ...r, history: new SpooledHistory(file) };
    } catch (e) {
      // One warning, then every later result stays in memory too: a spool that failed once (disk full,
      // folder gone) is not retried per scenario.
      this.failed = true;
      this.warn(`sentinel-chaos: cannot spool histories to disk (${e instanceof Error ? e.message : String(e)}); keeping them in memory`);
      return r;
    }
  }

  /** Remove the spool folder: every SpooledHistory from this spool becomes unreadable. */
  dispose(): void {
    if (this.dir === undefined) return;
    rmSync(this.dir, { recursive: true, force: true });
    live.delete(this.dir);
    this.dir = undefined;
  }

  private create(): string {
    const dir = mkdtempSync(path.join(this.root, 'sentinel-chaos-histories-'));
    removeAtExit(dir);
    return dir;
  }
}
