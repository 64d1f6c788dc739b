/**
 * A fault (Jepsen's nemesis): inject and heal. `heal` is idempotent and safe when nothing was injected.
 * Faults are small and know nothing about schedules or recording: lib/scenario/plan.ts plans when they
 * run and lib/scenario/runner.ts injects, heals and records them.
 */
import { withTimeout } from '../clock.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';

export interface Fault {
  /** Display name, e.g. "kill -9 redis-0". */
  readonly name: string;
  /** Kind, used for colour and grouping in reports: kill, shutdown, pause, partition, latency, ... */
  readonly kind: string;
  /** Colour of the fault's window in reports, "#rrggbb": each fault file picks its own (as Jepsen's nemesis packages do). */
  readonly colour: string;
  /** Node names the fault acts on. */
  readonly targets: string[];
  /**
   * Resolve role targets ("master") to node names, and `name`/`targets` with them, without acting yet. The
   * recorder (lib/scenario/record-fault.ts) calls it before it takes the fault's start time, so the time the
   * sentinels take to answer is not counted as part of the fault. `inject` resolves by itself when it was
   * not called first; each `prepare` holds for the next `inject` only.
   */
  prepare?(t: StartedSentinelTopology): Promise<void>;
  inject(t: StartedSentinelTopology): Promise<void>;
  heal(t: StartedSentinelTopology): Promise<void>;
  /** Parameters worth recording (never secrets). */
  readonly detail?: Record<string, unknown>;
}

/** A node name, or a role resolved when the fault is injected ("master" = the master the sentinels report). */
export type Target = string | 'master' | 'replica';

/** How long a sentinel may take to answer when a target is resolved; a dead one must not delay the fault. */
const RESOLVE_TIMEOUT_MS = 500;

/**
 * Resolve a target to a node name at injection time. "master" is the address most live sentinels report;
 * sentinels that do not answer within 500 ms (e.g. killed by an earlier step) are left out rather than
 * waited for.
 */
export async function resolveTarget(t: StartedSentinelTopology, target: Target): Promise<string> {
  if (target !== 'master' && target !== 'replica') {
    t.spec(target);
    return target;
  }
  const master = await reportedMaster(t);
  if (!master) throw new Error('no master agreed by the sentinels');
  if (target === 'master') return master;
  const replica = t.redisNames().find((n) => n !== master);
  if (!replica) throw new Error('no replica');
  return replica;
}

async function reportedMaster(t: StartedSentinelTopology): Promise<string | undefined> {
  const answers = await Promise.all(
    t.sentinelNames().map(async (s) => {
      try {
        const call = t.adminCall<[string, string] | null>(s, 'SENTINEL', 'get-master-addr-by-name', t.masterName);
        const r = await withTimeout(call, RESOLVE_TIMEOUT_MS, `${s} to answer`);
        return r ? t.nameOf(r[0], r[1]) : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  const counts = new Map<string, number>();
  for (const a of answers) if (a) counts.set(a, (counts.get(a) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}
