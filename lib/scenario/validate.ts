/**
 * Up-front validation of a scenario (before any container starts): one ConfigError that names the
 * field and the fix. Topology options are validated by the topology itself (options.ts).
 */
import { ConfigError } from '../config.ts';
import type { TopologyOptions } from '../topology/options.ts';
import type { WorkerSpec } from '../workload/workload.ts';
import type { Scenario } from './scenario.ts';

function fail(s: Scenario, field: string, value: unknown, want: string): never {
  throw new ConfigError(`invalid scenario ${s.id}: ${field}=${JSON.stringify(value)}: must be ${want}`);
}

function nonNegative(s: Scenario, field: string, v: number | undefined, optional = true): void {
  if (v === undefined && optional) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(s, field, v, 'a number >= 0 (ms)');
}

function positiveInt(s: Scenario, field: string, v: number | undefined): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < 1) fail(s, field, v, 'an integer >= 1');
}

function worker(s: Scenario, i: number, w: WorkerSpec, clientGroups: number): void {
  const at = `workload.workers[${i}]`;
  positiveInt(s, `${at}.processes`, w.processes);
  if (w.rate !== undefined && (!Number.isFinite(w.rate) || w.rate <= 0)) fail(s, `${at}.rate`, w.rate, 'a number > 0 (ops/s)');
  const g = w.group ?? 0;
  if (!Number.isInteger(g) || g < 0 || g >= clientGroups) fail(s, `${at}.group`, g, `an integer from 0 to ${clientGroups - 1} (topology clientGroups=${clientGroups})`);
  if (w.wait) {
    if (!Number.isInteger(w.wait.replicas) || w.wait.replicas < 0) fail(s, `${at}.wait.replicas`, w.wait.replicas, 'an integer >= 0');
    nonNegative(s, `${at}.wait.timeoutMs`, w.wait.timeoutMs, false);
  }
}

export function validateScenario(s: Scenario, topology: Pick<TopologyOptions, 'clientGroups'>): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(s.id)) throw new ConfigError(`invalid scenario id ${JSON.stringify(s.id)}: use letters, digits, _ . - (it names files and labels)`);
  nonNegative(s, 'durationMs', s.durationMs, false);
  s.schedule.forEach((step, i) => {
    nonNegative(s, `schedule[${i}].at`, step.at, false);
    nonNegative(s, `schedule[${i}].durationMs`, step.durationMs);
    nonNegative(s, `schedule[${i}].jitterMs`, step.jitterMs);
  });
  if (s.failover.budgetMs !== undefined && !(s.failover.budgetMs > 0)) fail(s, 'failover.budgetMs', s.failover.budgetMs, 'a number > 0 (ms)');
  const from = s.failover.fromStep;
  if (from !== undefined && (!Number.isInteger(from) || from < 0 || from >= Math.max(1, s.schedule.length))) {
    fail(s, 'failover.fromStep', from, `a step index from 0 to ${Math.max(0, s.schedule.length - 1)}`);
  }
  const wait = s.convergence?.timeoutMs;
  if (typeof wait !== 'function') nonNegative(s, 'convergence.timeoutMs', wait);
  for (const [name, d] of Object.entries(s.expectedOutcomes ?? {})) {
    if (d.valid !== false && d.valid !== 'unknown') fail(s, `expectedOutcomes.${name}.valid`, d.valid, "false or 'unknown' (a check expected valid is simply not listed)");
    if (typeof d.why !== 'string' || d.why.trim() === '') fail(s, `expectedOutcomes.${name}.why`, d.why, 'a non-empty reason (shown in the report)');
  }
  const w = s.workload;
  if (!w) return;
  if (w.workers.length === 0) fail(s, 'workload.workers', [], 'at least one worker');
  w.workers.forEach((x, i) => worker(s, i, x, topology.clientGroups));
  positiveInt(s, 'workload.commandTimeoutMs', w.commandTimeoutMs);
  positiveInt(s, 'workload.maxDurationMs', w.maxDurationMs);
  positiveInt(s, 'workload.maxOps', w.maxOps);
}
