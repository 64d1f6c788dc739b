/**
 * Replica reads: how stale reads on replicas were. A read (SCARD of the set on a replica) that began at
 * time t should see at least every add acknowledged before t if replication kept up; the shortfall is
 * its staleness in elements. Asynchronous replication makes some staleness normal, so this checker
 * reports figures and is valid unless a read saw MORE elements than were ever attempted (impossible).
 */
import type { CheckResult, History, Op } from '../model.ts';
import type { Checker } from './checker.ts';

export interface ReplicaReadsOpts {
  /** Reads staler than this many elements count as `staleReads`. @default 0 */
  toleranceElements?: number;
}

export const replicaReads: Checker<ReplicaReadsOpts> = {
  name: 'replica-reads',
  keyFigures: ['reads', 'staleReads', 'maxStaleness', 'impossibleReads'],
  check(history: History, opts: ReplicaReadsOpts): CheckResult {
    const tolerance = opts.toleranceElements ?? 0;
    const reads = history.ops.filter((o) => o.f === 'read' && o.outcome === 'ok' && typeof o.result === 'number');
    const adds = history.ops.filter((o) => o.f === 'add');
    const ackedAt = adds.filter((o) => o.outcome === 'ok').map((o) => o.complete).sort((a, b) => a - b);
    const attemptedAt = adds.map((o) => o.invoke).sort((a, b) => a - b);
    const staleness: number[] = [];
    let impossible = 0;
    for (const r of reads) {
      const mustSee = countAtOrBefore(ackedAt, r.invoke);
      const couldSee = countAtOrBefore(attemptedAt, r.complete);
      const seen = r.result as number;
      if (seen > couldSee) impossible++;
      staleness.push(Math.max(0, mustSee - seen));
    }
    const sorted = [...staleness].sort((a, b) => a - b);
    const stale = staleness.filter((s) => s > tolerance).length;
    const notes = impossible > 0 ? [`${impossible} read(s) saw more elements than had been attempted`] : [];
    return {
      valid: reads.length === 0 ? 'unknown' : impossible === 0,
      figures: {
        reads: reads.length,
        failedReads: history.ops.filter((o: Op) => o.f === 'read' && o.outcome !== 'ok').length,
        staleReads: stale,
        staleRate: reads.length ? Math.round((1000 * stale) / reads.length) / 1000 : null,
        maxStaleness: sorted.length ? (sorted[sorted.length - 1] ?? 0) : null,
        p50Staleness: sorted.length ? (sorted[Math.floor((sorted.length - 1) / 2)] ?? 0) : null,
        impossibleReads: impossible,
      },
      notes: reads.length === 0 ? ['no successful replica reads recorded', ...notes] : notes,
    };
  },
};

/** Number of sorted times <= t (binary search). */
function countAtOrBefore(sorted: number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? Infinity) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
