/** Master paused longer than down-after → failover; the resumed old master is demoted. */
import { expect } from 'chai';
import { Pause } from '../../../lib/faults/pause.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { fault, healAfterSwitch, lostWrites, nodeOf } from './support.ts';


export const pauseMasterLong = (): Scenario => {
  const pause = new Pause('master');
  return {
    id: 'pause-master-long',
    title: 'pause the master until after the failover (longer than down-after), then resume it',
    tags: ['pause', 'failover'],
    description:
      'Freeze the master (docker pause: the cgroup freezer, like SIGSTOP) and resume it 0.2 s after the sentinels ' +
      'switched to a new master — so for well over down-after (1500 ms), 2.5 to 4 s. A frozen process keeps its sockets: clients and ' +
      'replicas stay connected to it, nothing is closed.',
    expectation:
      'Sentinels fail over during the pause. The resumed old master still believes it is the master and keeps its data; ' +
      'Sentinel demotes it (SLAVEOF + CLIENT KILL) once it has seen it report role master for a while, and it resyncs ' +
      'from the new master. Sentinel-routed clients are still connected to it (their commands timed out during the ' +
      'freeze, and ioredis does not reconnect on a timeout), so between the resume and the demotion the old master ' +
      'acknowledges their writes again — and those are LOST when it resyncs (asynchronous replication, ' +
      'min-replicas-to-write 0). The workload runs on for 1 s after the resume and every write acknowledged in that second ' +
      'is lost (the demotion comes 2-3 s after the resume, so a longer run would lose more). Of the writes acknowledged ' +
      'before the freeze, at most those in flight are lost.',
    schedule: [{ at: 300, fault: pause }],
    during: healAfterSwitch(pause, { thenMs: 1000 }),
    durationMs: 2500,
    failover: { expected: true },
    allowLoss: true,
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
      e.that('writes were lost, all acknowledged by the old master between its resume and its demotion', () => {
        const lost = lostWrites(r);
        const resumed = frozen.end ?? Infinity;
        expect(lost.length, 'lost writes').to.be.greaterThan(0);
        expect(
          lost.filter((o) => o.complete < frozen.start + 100),
          'lost writes acknowledged before the freeze',
        ).to.have.length.at.most(20);
        expect(
          lost.filter((o) => o.complete >= frozen.start + 100 && o.complete < resumed - 100),
          'lost writes acknowledged while frozen',
        ).to.have.length(0);
        expect(lost.length, 'bounded by ~10 s of writes').to.be.at.most(2000);
      });
      e.that('topology converged on the new master', () =>
        expect(e.figure('convergence', 'master')).to.equal(nodeOf(e.figure('failover-timing', 'newMaster'))),
      );
    },
  };
};
