/** From the validated configuration to the topology options and suite settings a ChaosRun takes. */
import type { HarnessConfig, Images } from '../config.ts';
import { onlyClient, topologyFrom, type SuiteSettings } from '../scenario/suite.ts';

export { topologyFrom };

export function suiteSettingsFrom(c: HarnessConfig, o: { runId: string; seed: number; reportDir: string; images?: Images; client?: string }): SuiteSettings {
  return { runId: o.runId, seed: o.seed, reportDir: o.reportDir, topology: topologyFrom(c, o.images), selection: c.scenarios, client: o.client ?? onlyClient(c) };
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
