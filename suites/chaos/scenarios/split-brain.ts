import { expect } from 'chai';
import { Partition } from '../../../lib/faults/partition.ts';
import { DEFAULT_WORKLOAD, defaultChecks } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { FAILOVER_DOWN_AFTER_MS, fault, healAfterSwitch, lostWrites, nodeOf, okWrites, pinnedWritesCheck } from './support.ts';

/** The Jepsen shape: the old master and one client pinned to it on the minority side. */
export const MINORITY = ['redis-0', 'client:1'];
export const MAJORITY = ['redis-1', 'redis-2', 'sentinel-0', 'sentinel-1', 'sentinel-2', 'client:0'];
/** Writes per second of the client pinned to the old master. */
export const DIRECT_RATE = 100;

/** The default Sentinel-routed load plus a writer connected straight to redis-0 through client group 1. */
export const SPLIT_BRAIN_WORKLOAD = {
  workers: [...DEFAULT_WORKLOAD.workers, { group: 1, via: { node: 'redis-0' }, f: 'add' as const, processes: 1, rate: DIRECT_RATE }],
};

const partition = new Partition([MINORITY, MAJORITY]);

/** 6a. Split brain with asynchronous replication: the minority master keeps acknowledging writes, all lost. */
export const splitBrain: Scenario = {
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
    'resyncs from the new master, every one of those writes is gone: acknowledged writes are LOST. This is Redis ' +
    'Sentinel with asynchronous replication doing what it is documented to do, not a bug.',
  topology: { downAfterMs: FAILOVER_DOWN_AFTER_MS, clientGroups: 2 },
  workload: SPLIT_BRAIN_WORKLOAD,
  schedule: [{ at: 300, fault: partition }],
  during: healAfterSwitch(partition, { afterMs: 1000 }),
  durationMs: 2500,
  failover: { expected: true },
  checks: (c) => [...defaultChecks(c), pinnedWritesCheck('redis-0')],
  allowLoss: true,
  convergence: { timeoutMs: 15_000 },
  expect: (r, e) => {
    const cut = fault(r, 0);
    e.that('the majority promoted a replica', () => {
      expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
      expect(e.check('failover-timing').valid).to.equal(true);
    });
    e.that('the old master kept acknowledging the pinned client during the partition', () =>
      expect(
        okWrites(r, (o) => o.via === 'direct:redis-0' && o.invoke > cut.start + 100 && o.complete < (cut.end ?? Infinity)),
      ).to.have.length.greaterThan(100),
    );
    e.that("acknowledged writes were LOST (count > 0), and they are the minority master's", () => {
      const lost = lostWrites(r);
      expect(e.num('write-loss', 'lost')).to.be.greaterThan(0);
      expect(lost.filter((o) => o.via === 'direct:redis-0' && o.complete > cut.start).length).to.be.at.least(lost.length - 20);
    });
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
