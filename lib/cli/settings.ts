/** From the validated configuration to the topology options and suite settings a ChaosRun takes. */
import type { HarnessConfig, Images } from '../config.ts';
import { DEFAULT_SENTINEL_DEBUG, type SuiteSettings } from '../scenario/suite.ts';
import type { TopologyOptions } from '../topology/options.ts';

export function topologyFrom(c: HarnessConfig, images: Images = c.images): Partial<TopologyOptions> {
  return {
    images: { ...images },
    sentinelDebug: c.sentinelDebug ? { ...DEFAULT_SENTINEL_DEBUG } : {},
    ...(c.downAfterMs !== undefined ? { downAfterMs: c.downAfterMs } : {}),
    ...(c.failoverTimeoutMs !== undefined ? { failoverTimeoutMs: c.failoverTimeoutMs } : {}),
  };
}

export function suiteSettingsFrom(c: HarnessConfig, o: { runId: string; seed: number; reportDir: string; images?: Images }): SuiteSettings {
  return { runId: o.runId, seed: o.seed, reportDir: o.reportDir, topology: topologyFrom(c, o.images), selection: c.scenarios };
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
