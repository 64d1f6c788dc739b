/** Split brain with asynchronous replication: the minority master keeps acknowledging writes, all lost. */
import { expect } from 'chai';
import { Partition } from '../../../lib/faults/partition.ts';
import { inFlightLossBound, rateWindowRange } from '../../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD, defaultChecks } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import type { WorkloadOptions } from '../../../lib/workload/workload.ts';
import { expectBoundedFailover, fault, healAfterSwitch, lostWrites, nodeOf, pinnedWritesCheck } from './support.ts';

/** The Jepsen shape: the old master and one client pinned to it on the minority side. */
export const minority = (): string[] => ['redis-0', 'client:1'];
export const majority = (): string[] => ['redis-1', 'redis-2', 'sentinel-0', 'sentinel-1', 'sentinel-2', 'client:0'];
/** Writes per second of the client pinned to the old master. */
export const DIRECT_RATE = 100;
/** Sentinel-routed writes of the split-brain workloads (the default load's writers). */
export const SENTINEL_WRITERS: WorkloadOptions = DEFAULT_WORKLOAD;

/** The default Sentinel-routed load plus a writer connected straight to redis-0 through client group 1. */
export function splitBrainWorkload(): WorkloadOptions {
  return {
    workers: [
      ...DEFAULT_WORKLOAD.workers.map((w) => ({ ...w })),
      { group: 1, via: { node: 'redis-0' }, f: 'add' as const, processes: 1, rate: DIRECT_RATE },
    ],
  };
}

const direct = (o: { via: string }): boolean => o.via === 'direct:redis-0';

export const splitBrain = (): Scenario => {
  const partition = new Partition([minority(), majority()]);
  return {
    id: 'split-brain',
    title: 'partition the master and one pinned writer from the majority (min-replicas-to-write 0)',
    tags: ['partition', 'split-brain', 'failover', 'loss'],
    description:
      'Partition [redis-0 + client group 1] | [redis-1 redis-2, all sentinels, client group 0] (links cut) and heal ' +
      `1 s after the majority has failed over. Client group 0 writes through Sentinel; client group 1 writes straight to redis-0 (${DIRECT_RATE}/s), ` +
      'as a client with a cached master address or a misconfigured pool would. min-replicas-to-write is 0 (the default).',
    expectation:
      'The majority side fails over. redis-0 does not know it was deposed: with min-replicas-to-write 0 it keeps ' +
      'acknowledging the pinned client for the whole partition and until Sentinel demotes it after the heal. When it ' +
      'resyncs from the new master, every one of those writes is gone: acknowledged writes are LOST, about the pinned ' +
      'rate times the time from the cut to the end of the workload. This is Redis Sentinel with asynchronous ' +
      'replication doing what it is documented to do, not a bug.',
    topology: { clientGroups: 2 },
    workload: splitBrainWorkload(),
    schedule: [{ at: 300, fault: partition }],
    during: healAfterSwitch(partition, { afterMs: 1000 }),
    durationMs: 2500,
    failover: { expected: true },
    // Caught by pinned-writes: a master that stops acknowledging its pinned writer while cut off (e.g. min-replicas set).
    checks: (c) => [...defaultChecks(c), pinnedWritesCheck('redis-0', { acknowledgesAtPerS: DIRECT_RATE })],
    // Loss is this scenario's point: write-loss judges correctness only (nothing failed present, nothing unexpected).
    allowLoss: true,
    expectedOutcomes: {
      'split-brain': { valid: false, why: 'the pinned writer is acknowledged by the deposed redis-0 for the whole partition, by design' },
    },
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const cut = fault(r, 0);
      e.that('the majority promoted a replica', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.check('failover-timing').valid).to.equal(true);
      });
      expectBoundedFailover(r, e, 'closed');
      e.that('the old master kept acknowledging the pinned client during the partition (pinned-writes check)', () =>
        expect(e.check('pinned-writes').valid).to.equal(true),
      );
      // Every pinned write acknowledged from the cut to the end of the workload is lost: the demotion comes at least
      // 4 publish periods after the heal, later than the workload's end.
      const end = Math.max(...r.history.ops.filter(direct).map((o) => o.complete));
      const range = rateWindowRange(DIRECT_RATE, end - cut.start, 1);
      e.that(`the pinned writes of the partition were LOST: ${DIRECT_RATE}/s x the time from the cut to the end of the workload (${range.min}..${range.max})`, () => {
        const lost = lostWrites(r).filter((o) => direct(o) && o.complete > cut.start);
        expect(lost.length).to.be.within(range.min, range.max);
      });
      const maxOther = inFlightLossBound(SENTINEL_WRITERS);
      e.that(`writes through Sentinel lost: at most those within the replication lag of the cut (<= ${maxOther})`, () =>
        expect(lostWrites(r).filter((o) => !direct(o))).to.have.length.at.most(maxOther),
      );
      e.that('the split-brain check flags writes acknowledged on the losing side', () => {
        expect(e.check('split-brain').valid).to.equal(false);
        expect(e.num('split-brain', 'losingSideWrites')).to.be.greaterThan(0);
      });
      e.that('after the heal the old master was demoted and resynced from the new master', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'finalMaster')).to.not.equal('redis-0');
      });
      e.that('topology converged', () => expect(e.check('convergence').valid).to.equal(true));
    },
  };
};
