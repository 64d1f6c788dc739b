/**
 * Mutants: a catalogue scenario run against a deliberately broken or mis-described configuration, which must make
 * it FAIL — the evidence that its assertions can fail. Each patch is applied to the freshly built scenario's own
 * topology options (they win over the run's), so the scenario's expectations still use the configuration the
 * result records, or the scenario's own design, while the servers run with the patch.
 */
import type { Scenario } from '../../lib/scenario/scenario.ts';
import type { TopologyOptions } from '../../lib/topology/options.ts';
import { freshScenario } from './catalogue.ts';

export interface Mutant {
  id: string;
  scenario: string;
  /** What is broken, and which expectation must catch it. */
  why: string;
  /** Applied on top of the scenario's own topology options. */
  patch: (s: Scenario) => Partial<TopologyOptions>;
}

/** A sentinel.conf line appended after the harness's own, so it wins while the result still records the configured value. */
function sentinelLine(s: Scenario, line: string): Partial<TopologyOptions> {
  return { sentinelConfig: [...(s.topology?.sentinelConfig ?? []), line] };
}

export const mutants: readonly Mutant[] = [
  {
    id: 'kill-master/down-after-x1.5',
    scenario: 'kill-master',
    why: 'the sentinels really use 1.5 x the recorded down-after: the +sdown bound (down-after + 2 ticks + slack) fails',
    patch: (s) => sentinelLine(s, 'sentinel down-after-milliseconds mymaster 2250'),
  },
  {
    id: 'pause-master-long/down-after-x2',
    scenario: 'pause-master-long',
    // Silent detection carries one ping period (1 s) of phase uncertainty plus the time the docker pause call took, so
    // this is caught only when that call was fast: it passed once under load with a 422 ms pause call.
    why: 'the sentinels really use twice the recorded down-after: the +sdown bound fails (unless the pause call was slow)',
    patch: (s) => sentinelLine(s, 'sentinel down-after-milliseconds mymaster 3000'),
  },
  {
    id: 'replica-priority-zero/priority-ignored',
    scenario: 'replica-priority-zero',
    why: 'redis-1 loses its priority 0 (both replicas 100), as if Sentinel ignored it: redis-1 is promoted at once',
    patch: () => ({ replicaPriority: [100, 100] }),
  },
  {
    id: 'split-brain-min-replicas/no-min-replicas',
    scenario: 'split-brain-min-replicas',
    why: 'min-replicas-to-write removed: the deposed master acknowledges the pinned writer for the whole partition',
    patch: () => ({ redisConfig: [] }),
  },
  {
    id: 'split-brain/min-replicas',
    scenario: 'split-brain',
    why: 'min-replicas-to-write 1 added: the cut-off master refuses the pinned writer at once, nothing is lost',
    patch: () => ({ redisConfig: ['min-replicas-to-write 1', 'min-replicas-max-lag 1'] }),
  },
];

/** The mutant's scenario, built fresh, with the patch applied to its topology. */
export function mutantScenario(m: Mutant): Scenario {
  const s = freshScenario(m.scenario);
  return { ...s, topology: { ...s.topology, ...m.patch(s) } };
}
