/**
 * One run of several scenarios: runs each (sequentially), keeps every result — also of scenarios that
 * crashed — and writes the report at the end. Used by the Mocha suite and by the CLI.
 * Interrupted (SIGINT / SIGTERM) it writes a partial report instead: see interrupted().
 */
import { resolve } from 'node:path';
import { machineInfo, type RunReport } from '../report/run-report.ts';
import { writeRunReport } from '../report/write-report.ts';
import type { ScenarioResult } from '../model.ts';
import { onInterrupt, signalReceived } from '../topology/registry.ts';
import { freshSidecars, SidecarPool } from '../topology/sidecar-pool.ts';
import { runScenario } from './runner.ts';
import { redactSecrets } from './redact.ts';
import type { Scenario } from './scenario.ts';
import type { SuiteSettings } from './suite.ts';

export class ChaosRun {
  readonly results: ScenarioResult[] = [];
  readonly startedAt = new Date();
  readonly settings: SuiteSettings;
  private readonly progress: (m: string) => void;
  private readonly teardowns: Promise<void>[] = [];
  /** Sidecars lent from one scenario's topology to the next (sidecar-pool.ts); none with SC_FRESH_SIDECARS=1. */
  private readonly sidecars: SidecarPool | null;
  /** The result of the scenario running now (filled in as it runs). */
  private current: ScenarioResult | undefined;
  /** The interrupt hook put the running scenario (as interrupted) into the partial report. */
  private currentTaken = false;
  private watching = false;
  /** The scenario a signal cut short, once recorded. */
  private cut: string | undefined;

  constructor(settings: SuiteSettings, progress: (m: string) => void = (m) => process.stderr.write(`${m}\n`), sidecars: SidecarPool | null = freshSidecars() ? null : new SidecarPool()) {
    this.settings = settings;
    this.progress = progress;
    this.sidecars = sidecars;
  }

  async run(s: Scenario): Promise<ScenarioResult> {
    // After a signal nothing new starts: the registry is tearing down, the interrupt hook below writes the
    // partial report and the process exits. A caller that does not check interrupted() between scenarios
    // (Mocha's `it`s) waits here until that exit instead of starting a topology.
    if (signalReceived()) return new Promise<never>(() => {});
    if (!this.watching) {
      this.watching = true;
      onInterrupt((signal) => this.interrupted(signal));
    }
    this.currentTaken = false;
    const r = await runScenario(s, {
      runId: this.settings.runId,
      seed: this.settings.seed,
      topology: this.settings.topology,
      ...(this.settings.client ? { client: this.settings.client } : {}),
      resultsDir: resolve(this.settings.reportDir, 'results'),
      progress: this.progress,
      deferTeardown: (p) => this.teardowns.push(p),
      ...(this.sidecars ? { sidecarPool: this.sidecars } : {}),
      onStart: (result) => (this.current = result),
    });
    const signal = signalReceived();
    // Already in the partial report if the interrupt hook took it while it ran (the judge returns a new
    // result object, so identity with `current` says nothing).
    const taken = this.currentTaken;
    this.current = undefined;
    if (!signal) {
      this.results.push(r);
      return r;
    }
    // Cut short by the signal (its topology was removed under it): recorded as interrupted, and, like a
    // scenario that has not started, it never returns, so no caller goes on to a report of its own.
    if (!taken && r.verdict === 'pass') this.results.push(r);
    else if (!taken) {
      this.results.push(markInterrupted(r, signal));
      this.cut = r.scenario.id;
    }
    return new Promise<never>(() => {});
  }

  /**
   * After a signal removed every topology (lib/topology/registry.ts): the report of the finished scenarios
   * plus the one that was running, marked interrupted; its path on the progress output.
   */
  private async interrupted(signal: NodeJS.Signals): Promise<void> {
    const running = this.current;
    this.current = undefined;
    if (running) {
      this.currentTaken = true;
      this.results.push(markInterrupted({ ...running, durationMs: Math.round(Date.now() - Date.parse(running.startedAt)) }, signal));
      this.cut = running.scenario.id;
    }
    const report = this.report();
    report.config = { ...report.config, interrupted: signal };
    const out = await writeRunReport(report, { dir: this.settings.reportDir });
    this.progress(`${signal}: partial report (${this.results.length} scenario(s)${this.cut ? `, ${this.cut} interrupted` : ''}): ${resolve(out.dir, 'index.html')}`);
  }

  report(): RunReport {
    return {
      schemaVersion: 1,
      runId: this.settings.runId,
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      seed: this.settings.seed,
      machine: machineInfo(),
      // Run-level options may carry auth: the report shows the configuration with secrets redacted.
      config: redactSecrets({ topology: this.settings.topology, selection: this.settings.selection, reportDir: this.settings.reportDir }),
      scenarios: this.results,
    };
  }

  /**
   * Wait for every deferred teardown (each scenario's containers are removed while the next one starts), then
   * remove the sidecars kept for a next scenario. The run can go on afterwards (with new sidecars).
   */
  async settle(): Promise<void> {
    await Promise.all(this.teardowns.splice(0));
    await this.sidecars?.stop();
  }

  async writeReport(): Promise<string> {
    await this.settle();
    const out = await writeRunReport(this.report(), { dir: this.settings.reportDir });
    const where = resolve(out.dir, 'index.html');
    this.progress(`report: ${where}${out.fellBack ? ` (${out.fellBack})` : ''}`);
    return where;
  }
}

/** A result cut short by a signal: verdict error, and the error says so (whatever it was going to be). */
export function markInterrupted(r: ScenarioResult, signal: NodeJS.Signals): ScenarioResult {
  return { ...r, verdict: 'error', error: `interrupted by ${signal}${r.error ? ` (${r.error})` : ''}` };
}
