/**
 * Settings for a run of the catalogue, from the environment (the CLI sets the same variables):
 *   SC_SCENARIOS   comma-separated scenario ids or tags to run (default: all)
 *   SC_SEED        seed for fault schedules (default: random, recorded in the report)
 *   SC_REPORT_DIR  report folder (default: reports/<run id>)
 *   SC_SENTINEL_DEBUG  "off" to keep Sentinel's default internal periods (default: info-period 1000, publish-period 500)
 *   SC_DOWN_AFTER_MS / SC_FAILOVER_TIMEOUT_MS  override the timings of every scenario
 */
import { ConfigError } from '../config.ts';
import type { TopologyOptions } from '../topology/options.ts';
import type { Scenario } from './scenario.ts';

export const DEFAULT_SENTINEL_DEBUG = { 'info-period': 1000, 'publish-period': 500 };

export interface SuiteSettings {
  runId: string;
  seed: number;
  reportDir: string;
  topology: Partial<TopologyOptions>;
  selection: string[];
}

export function newRunId(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
}

function intEnv(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`invalid ${name}=${raw}: must be an integer >= ${min}`);
  return n;
}

export function suiteSettings(env: NodeJS.ProcessEnv = process.env): SuiteSettings {
  const runId = env['SC_RUN_ID'] || newRunId();
  const seed = intEnv(env, 'SC_SEED', 0) ?? Math.floor(Math.random() * 2 ** 31);
  const debug = env['SC_SENTINEL_DEBUG'] === 'off' ? {} : DEFAULT_SENTINEL_DEBUG;
  const downAfterMs = intEnv(env, 'SC_DOWN_AFTER_MS', 100);
  const failoverTimeoutMs = intEnv(env, 'SC_FAILOVER_TIMEOUT_MS', 100);
  return {
    runId,
    seed,
    reportDir: env['SC_REPORT_DIR'] || `reports/${runId}`,
    topology: {
      sentinelDebug: debug,
      ...(downAfterMs !== undefined ? { downAfterMs } : {}),
      ...(failoverTimeoutMs !== undefined ? { failoverTimeoutMs } : {}),
    },
    selection: (env['SC_SCENARIOS'] ?? '').split(',').map((x) => x.trim()).filter(Boolean),
  };
}

/** Scenarios whose id or one of whose tags is in the selection (all when it is empty). Unknown names are an error. */
export function selectScenarios(all: Scenario[], selection: string[]): Scenario[] {
  if (selection.length === 0) return all;
  const known = new Set(all.flatMap((s) => [s.id, ...s.tags]));
  const unknown = selection.filter((x) => !known.has(x));
  if (unknown.length) {
    throw new ConfigError(`unknown scenario or tag: ${unknown.join(', ')}. Known: ${[...known].sort().join(', ')}`);
  }
  return all.filter((s) => selection.includes(s.id) || s.tags.some((t) => selection.includes(t)));
}
