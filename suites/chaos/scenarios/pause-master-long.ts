/** Master paused longer than down-after → failover; the resumed old master is demoted. */
import { expect } from 'chai';
import { Pause } from '../../../lib/faults/pause.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { expectBoundedFailover, expectLossAfterReturn, fault, healAfterSwitch, nodeOf } from './support.ts';

export const pauseMasterLong = (): Scenario => {
  const pause = new Pause('master');
  return {
    id: 'pause-master-long',
    title: 'pause the master until after the failover (longer than down-after), then resume it',
    tags: ['pause', 'failover'],
    description:
      'Freeze the master (docker pause: the cgroup freezer, like SIGSTOP) and resume it 0.2 s after the sentinels ' +
      'switched to a new master — so for well over down-after (about down-after + 1 to 2.5 s). A frozen process keeps its sockets: clients and ' +
      'replicas stay connected to it, nothing is closed.',
    expectation:
      'Sentinels fail over during the pause. The resumed old master still believes it is the master and keeps its data; ' +
      'Sentinel demotes it (SLAVEOF + CLIENT KILL) once it has seen it report role master for a while, and it resyncs ' +
      'from the new master. Sentinel-routed clients are still connected to it (their commands timed out during the ' +
      'freeze, and ioredis does not reconnect on a timeout), so between the resume and the demotion the old master ' +
      'acknowledges their writes again — and those are LOST when it resyncs (asynchronous replication, ' +
      'min-replicas-to-write 0). The workload runs on for 1 s after the resume and every write acknowledged in that second ' +
      'is lost (the demotion comes at the earliest 4 publish periods after the resume, so a longer run would lose ' +
      'more). Of the writes acknowledged before the freeze, at most those within the replication lag are lost.',
    schedule: [{ at: 300, fault: pause }],
    during: healAfterSwitch(pause, { thenMs: 1000 }),
    durationMs: 2500,
    failover: { expected: true },
    // Loss after the resume is the point: write-loss judges correctness only (nothing failed present or unexpected).
    allowLoss: true,
    expectedOutcomes: {
      'split-brain': { valid: false, why: 'the resumed old master acknowledges Sentinel-routed writes until it is demoted, by design' },
    },
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const frozen = fault(r, 0);
      e.that('a replica was promoted during the pause', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(frozen.start + e.num('failover-timing', 'switchFirst')).to.be.below(frozen.end ?? Infinity);
      });
      e.that('the resumed old master was demoted and resynced from the new master', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'redis-0.ms')).to.be.a('number');
      });
      // Frozen: connections stay open (silent); clients stay on the old master until it resumes, so they do not follow.
      expectBoundedFailover(r, e, 'silent', { clientsFollow: false });
      expectLossAfterReturn(r, e);
      e.that('topology converged on the new master', () =>
        expect(e.figure('convergence', 'master')).to.equal(nodeOf(e.figure('failover-timing', 'newMaster'))),
      );
    },
  };
};
