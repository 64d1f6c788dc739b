/**
 * One run of several scenarios: runs each (sequentially), keeps every result — also of scenarios that
 * crashed — and writes the report at the end. Used by the Mocha suite and by the CLI.
 */
import { resolve } from 'node:path';
import { machineInfo, type RunReport } from '../report/run-report.ts';
import { writeRunReport } from '../report/write-report.ts';
import type { ScenarioResult } from '../model.ts';
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

  constructor(settings: SuiteSettings, progress: (m: string) => void = (m) => process.stderr.write(`${m}\n`)) {
    this.settings = settings;
    this.progress = progress;
  }

  async run(s: Scenario): Promise<ScenarioResult> {
    const r = await runScenario(s, {
      runId: this.settings.runId,
      seed: this.settings.seed,
      topology: this.settings.topology,
      ...(this.settings.client ? { client: this.settings.client } : {}),
      resultsDir: resolve(this.settings.reportDir, 'results'),
      progress: this.progress,
      deferTeardown: (p) => this.teardowns.push(p),
    });
    this.results.push(r);
    return r;
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

  /** Wait for every deferred teardown (each scenario's containers are removed while the next one starts). */
  async settle(): Promise<void> {
    await Promise.all(this.teardowns.splice(0));
  }

  async writeReport(): Promise<string> {
    await this.settle();
    const out = await writeRunReport(this.report(), { dir: this.settings.reportDir });
    const where = resolve(out.dir, 'index.html');
    this.progress(`report: ${where}${out.fellBack ? ` (${out.fellBack})` : ''}`);
    return where;
  }
}
