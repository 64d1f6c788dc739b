/**
 * A fault (Jepsen's nemesis): inject and heal. `heal` is idempotent and safe when nothing was injected.
 * Faults are small and know nothing about schedules or recording: see schedule.ts and nemesis.ts.
 */
import type { StartedSentinelTopology } from '../topology/topology.ts';

export interface Fault {
  /** Display name, e.g. "kill -9 redis-0". */
  readonly name: string;
  /** Kind, used for colour and grouping in reports: kill, shutdown, pause, partition, latency, ... */
  readonly kind: string;
  /** Node names the fault acts on. */
  readonly targets: string[];
  inject(t: StartedSentinelTopology): Promise<void>;
  heal(t: StartedSentinelTopology): Promise<void>;
  /** Parameters worth recording (never secrets). */
  readonly detail?: Record<string, unknown>;
}

/** A node name, or a role resolved when the fault is injected ("master" = the master the sentinels report). */
export type Target = string | 'master' | 'replica';

/** Resolve a target to a node name at injection time. */
export async function resolveTarget(t: StartedSentinelTopology, target: Target): Promise<string> {
  if (target !== 'master' && target !== 'replica') {
    t.spec(target);
    return target;
  }
  const { master } = await t.sentinelsMaster();
  if (!master) throw new Error('no master agreed by the sentinels');
  if (target === 'master') return master;
  const replica = t.redisNames().find((n) => n !== master);
  if (!replica) throw new Error('no replica');
  return replica;
}
