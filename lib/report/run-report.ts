/**
 * The run-level report: one run of the chaos suite, holding every scenario result.
 *
 * It is what every reporter (HTML, JSON, JUnit, Markdown) renders. See reports/README.md for the
 * files written from it.
 */
import os from 'node:os';
import type { ScenarioResult } from '../model.ts';

/** The machine the run happened on; timing figures only compare across similar machines. */
export interface MachineInfo {
  hostname: string;
  cpus: number;
  /** Total memory in GiB (1 decimal). */
  memGiB: number;
  /** Node version, e.g. "v24.21.0". */
  node: string;
  /** e.g. "linux x64". */
  platform: string;
}

export interface RunReport {
  schemaVersion: 1;
  runId: string;
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601. */
  finishedAt: string;
  /** The run's seed (each scenario also records its own). */
  seed: number;
  machine: MachineInfo;
  /** The run configuration as given (images, timings, filters...). Rendered as JSON. */
  config: Record<string, unknown>;
  scenarios: ScenarioResult[];
}

/** Describe the current machine. */
export function machineInfo(): MachineInfo {
  return {
    hostname: os.hostname(),
    cpus: os.availableParallelism(),
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}
