/**
 * The per-trial figures a comparison tests, read straight from a scenario's check results (so a
 * results.json record and a live result give the same numbers): the durable availability figures
 * of failover-timing (computed only from acknowledged writes present in the final read; the plain
 * ones are the fallback for results written before they existed), the Sentinel failover phases, and
 * the write-loss rate (lost per acknowledged write).
 */
import type { CheckResult, ScenarioResult } from '../model.ts';

export type MetricUnit = 'ms' | 'rate';

export interface MetricSpec {
  key: string;
  label: string;
  hint: string;
  unit: MetricUnit;
  check: string;
  /** Figure names in order of preference: the first present wins. */
  names: readonly string[];
}

export const TRIAL_METRICS: readonly MetricSpec[] = [
  { key: 'unavailableMs', label: 'Unavailable', hint: 'longest time without a durable acknowledged write (failover-timing durableUnavailableMs, else unavailableMs)', unit: 'ms', check: 'failover-timing', names: ['durableUnavailableMs', 'unavailableMs'] },
  { key: 'clientRecoveryMs', label: 'Client recovery', hint: 'fault → durable writes through Sentinel succeed again (durableClientRecovery, else clientRecovery)', unit: 'ms', check: 'failover-timing', names: ['durableClientRecovery', 'clientRecovery'] },
  { key: 'odownMs', label: 'Odown', hint: 'fault → +odown, ms', unit: 'ms', check: 'failover-timing', names: ['odown'] },
  { key: 'electedMs', label: 'Leader elected', hint: 'fault → +elected-leader, ms', unit: 'ms', check: 'failover-timing', names: ['elected'] },
  { key: 'promotedMs', label: 'Promoted', hint: 'fault → +promoted-slave, ms', unit: 'ms', check: 'failover-timing', names: ['promoted'] },
  { key: 'switchFirstMs', label: 'First switch-master', hint: 'fault → first +switch-master, ms', unit: 'ms', check: 'failover-timing', names: ['switchFirst'] },
  { key: 'lostRate', label: 'Loss rate', hint: 'acknowledged writes lost per acknowledged write (write-loss lostRate)', unit: 'rate', check: 'write-loss', names: ['lostRate'] },
];

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Each metric's value in one trial (null: not measured), and which figure name it came from. */
export function trialMetrics(checks: Record<string, CheckResult> | undefined): { values: Record<string, number | null>; sources: Record<string, string> } {
  const values: Record<string, number | null> = {};
  const sources: Record<string, string> = {};
  for (const m of TRIAL_METRICS) {
    const figures = checks?.[m.check]?.figures ?? {};
    const name = m.names.find((n) => num(figures[n]) !== null);
    values[m.key] = name === undefined ? null : num(figures[name]);
    if (name !== undefined) sources[m.key] = `${m.check}.${name}`;
  }
  // Reports written before lostRate existed: lost / acked.
  if (values['lostRate'] === null) {
    const f = checks?.['write-loss']?.figures ?? {};
    const lost = num(f['lost']);
    const acked = num(f['acked']);
    if (lost !== null && acked !== null && acked > 0) {
      values['lostRate'] = lost / acked;
      sources['lostRate'] = 'write-loss.lost/acked';
    }
  }
  return { values, sources };
}

/**
 * Whether the scenario loses acknowledged writes by design: it allows loss, or declares the
 * write-loss check in its expectedOutcomes. A live Scenario is asked directly; a results.json
 * record carries the scenario's declaration when the runner wrote it, else the write-loss check
 * tells: it noted "(loss allowed)".
 */
export function lossExpected(
  scenario: { allowLoss?: boolean; expectedOutcomes?: Record<string, unknown> } | undefined,
  checks?: Pick<ScenarioResult, 'checks'>['checks'],
): boolean {
  if (scenario?.allowLoss === true) return true;
  if (scenario?.expectedOutcomes && Object.hasOwn(scenario.expectedOutcomes, 'write-loss')) return true;
  return (checks?.['write-loss']?.notes ?? []).some((n) => n.includes('(loss allowed)'));
}
