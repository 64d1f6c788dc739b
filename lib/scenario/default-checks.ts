/**
 * The standard checks of a scenario and its default workload, in their own file so that the judge (which
 * needs them) and the runner (which re-exports them for the scenario files) do not import each other.
 */
import { failoverTiming, reattach, replicaReads, splitBrain, withOpts, writeLoss, type BoundCheck } from '../checks/index.ts';
import { reattachBoundMs } from '../checks/reattach.ts';
import type { History } from '../model.ts';
import { eventMasterName } from '../observe/parse-event.ts';
import type { WorkloadOptions } from '../workload/workload.ts';
import type { CheckContext } from './scenario.ts';

/** Default workload: a Sentinel-routed set writer, plus a light reader on replicas (staleness sample). */
export const DEFAULT_WORKLOAD: WorkloadOptions = {
  workers: [
    { group: 0, f: 'add', processes: 2, rate: 200 },
    { group: 0, f: 'read', processes: 1, rate: 20 },
  ],
};

/** Replication bytes a replica may trail the master at the final poll and still count as caught up (see defaultChecks). */
export const REATTACH_MAX_LAG_BYTES = 1024;

/** Time of the last +switch-master for `masterName` (any sentinel), or undefined. */
export function lastSwitch(h: History): number | undefined {
  let last: number | undefined;
  for (const e of h.events) {
    if (e.type === '+switch-master' && eventMasterName(e) === h.masterName && (last === undefined || e.time > last)) last = e.time;
  }
  return last;
}

/** The standard checks: failover timing from the measured step, reattachment after heal, loss, split brain. */
export function defaultChecks(ctx: CheckContext): BoundCheck[] {
  const s = ctx.scenario;
  return [
    withOpts(failoverTiming, {
      faultStart: ctx.faultStart,
      quorum: ctx.topology.quorum,
      expectFailover: s.failover.expected,
      ...(s.failover.budgetMs !== undefined ? { budgetMs: s.failover.budgetMs } : {}),
    }),
    reattachCheck(ctx),
    withOpts(writeLoss, { allowLoss: s.allowLoss ?? false }),
    withOpts(splitBrain, {}),
    ...((s.workload ?? DEFAULT_WORKLOAD).workers.some((w) => w.f === 'read') ? [withOpts(replicaReads, {})] : []),
  ];
}

/**
 * The standard reattachment check: every redis node but the final master replicates from it, caught up, within
 * Sentinel's reattachment bound counted from the heal or the last switch, whichever came later — or from
 * `from(history)` when that is later still (a node that cannot be repointed before some event of the run, e.g. an
 * old master that refuses REPLICAOF until it has loaded its dataset).
 */
export function reattachCheck(ctx: CheckContext, from?: (h: History) => number): BoundCheck {
  const boundMs = reattachBoundMs({ failoverTimeoutMs: ctx.topology.failoverTimeoutMs, sentinelDebug: ctx.topology.sentinelDebug });
  return withOpts(reattach, (h: History) => {
    const master = h.final.node;
    const nodes = h.nodes.filter((n) => n.kind === 'redis' && n.name !== master).map((n) => n.name);
    // The final poll round reads the nodes a few ms apart while the sentinels keep PUBLISHing hello messages
    // (~190 bytes each, several a second) through the master: a replica read just before one lands "trails".
    // The bound counts from the heal, or from the last switch when that came later (a replica cannot follow
    // a master that does not exist yet).
    const since = Math.max(ctx.healAt, lastSwitch(h) ?? -Infinity, from?.(h) ?? -Infinity);
    // Runners that record healedAt also let the poller look once after convergence, before the final read.
    const seenBy = h.healedAt !== undefined ? { seenBy: h.final.time } : {};
    return { nodes, since: ctx.healAt, maxLagBytes: REATTACH_MAX_LAG_BYTES, bound: { ms: boundMs, from: since }, ...seenBy, ...(master ? { master } : {}) };
  });
}
