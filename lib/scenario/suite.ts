/**
 * Settings for a run of the catalogue. The Mocha suite (`npm run chaos`) and the CLI read the same
 * configuration (lib/config.ts: command line > SC_* environment > SC_CONFIG file > provisioning file >
 * defaults), e.g. SC_SCENARIOS (ids or tags), SC_SEED, SC_REPORT_DIR, SC_SENTINEL_DEBUG=off,
 * SC_DOWN_AFTER_MS / SC_FAILOVER_TIMEOUT_MS (for scenarios that do not set their own), SC_REDIS_IMAGE ...
 */
import { ConfigError, loadConfig, type HarnessConfig, type Images } from '../config.ts';
import { PROFILES } from '../profiles.ts';
import type { TopologyOptions } from '../topology/options.ts';
import { userConfigOf } from '../topology/user-config.ts';
import type { Scenario } from './scenario.ts';

export const DEFAULT_SENTINEL_DEBUG = { 'info-period': 1000, 'publish-period': 500 };

export interface SuiteSettings {
  runId: string;
  seed: number;
  reportDir: string;
  topology: Partial<TopologyOptions>;
  selection: string[];
  /** The workload's client library ("ioredis", "redis-py", "cmd:<adapter>"). @default "ioredis" */
  client?: string;
}

export function newRunId(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
}

/**
 * The topology options a configuration implies for every scenario (a scenario's own settings win). A profile's
 * timings are already in `c` (loadConfig applies them where nothing explicit was set); its redis.conf lines and
 * its name (for the report's notes) are added here.
 */
export function topologyFrom(c: HarnessConfig, images: Images = c.images): Partial<TopologyOptions> {
  return {
    images: { ...images },
    sentinelDebug: c.sentinelDebug ? { ...DEFAULT_SENTINEL_DEBUG } : {},
    ...(c.downAfterMs !== undefined ? { downAfterMs: c.downAfterMs } : {}),
    ...(c.failoverTimeoutMs !== undefined ? { failoverTimeoutMs: c.failoverTimeoutMs } : {}),
    ...(c.profile !== undefined ? { profile: c.profile, redisConfig: [...PROFILES[c.profile].redisConfig] } : {}),
    ...userConfigOf(c),
  };
}

/** Suite settings from the environment (and SC_CONFIG file); throws a one-line ConfigError on bad input. */
export function suiteSettings(env: NodeJS.ProcessEnv = process.env): SuiteSettings {
  const c = loadConfig({ env });
  const runId = env['SC_RUN_ID'] || newRunId();
  return {
    runId,
    seed: c.seed ?? Math.floor(Math.random() * 2 ** 31),
    reportDir: c.reportDir ?? `reports/${runId}`,
    topology: topologyFrom(c),
    selection: c.scenarios,
    client: onlyClient(c),
  };
}

/** The one client a run uses (compare runs one per variant). */
export function onlyClient(c: HarnessConfig): string {
  if (c.clients.length > 1) {
    throw new ConfigError(`a run uses one client, got ${c.clients.join(', ')}. Fix: give --client once (compare takes several)`);
  }
  return c.clients[0] ?? 'ioredis';
}

/** Tag of the scenarios left out of the default selection (longer runs); select them with "extended" or "all". */
export const EXTENDED_TAG = 'extended';
/** Selection word for every scenario, `extended` ones included. */
export const ALL_SCENARIOS = 'all';

/**
 * Scenarios whose id or one of whose tags is in the selection. No selection means every scenario WITHOUT the
 * `extended` tag (the default catalogue must stay within minutes); "all" means every scenario. Unknown names
 * are an error.
 */
export function selectScenarios(all: Scenario[], selection: string[]): Scenario[] {
  if (selection.length === 0) return all.filter((s) => !s.tags.includes(EXTENDED_TAG));
  if (selection.includes(ALL_SCENARIOS)) return all;
  const known = new Set(all.flatMap((s) => [s.id, ...s.tags]));
  const unknown = selection.filter((x) => !known.has(x));
  if (unknown.length) {
    throw new ConfigError(`unknown scenario or tag: ${unknown.join(', ')}. Known: ${[ALL_SCENARIOS, ...known].sort().join(', ')}`);
  }
  return all.filter((s) => selection.includes(s.id) || s.tags.some((t) => selection.includes(t)));
}
