/** SENTINEL FAILOVER under load → new master; the write loss it causes is measured. */
import { expect } from 'chai';
import { ManualFailover } from '../../../lib/faults/manual-failover.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { fault, lostWrites, nodeOf } from './support.ts';

export const manualFailover = (): Scenario => {
  return {
    id: 'manual-failover',
    title: 'SENTINEL FAILOVER under write load',
    tags: ['quick', 'manual', 'failover', 'loss'],
    description:
      'Send `SENTINEL FAILOVER mymaster` to sentinel-0 while clients write through Sentinel at 200/s. Nothing is broken. ' +
      "Sentinel's manual failover is not a coordinated handover (unlike the Redis 6.2+ FAILOVER command, which pauses " +
      'writes and waits for a replica to catch up): it promotes a replica with SLAVEOF NO ONE while the old master is ' +
      'still up and accepting writes, announces the switch, and only converts the old master into a replica some seconds ' +
      'later (SLAVEOF + CLIENT KILL, once it has seen it keep reporting role master). Clients connected to the old master ' +
      'keep writing to it until then. Every write it acknowledges after the promotion is on a branch that is thrown away ' +
      'when it resyncs from the new master.',
    expectation:
      'No failure detection is needed (no +sdown, no +odown): the forced failover promotes a replica immediately. ' +
      'Acknowledged writes ARE lost: those the old master accepted between the promotion and its demotion — about ' +
      'the write rate times that window. The demotion comes 2-3 s after the switch, later than the 2.2 s this workload ' +
      'runs after the command, so here every write acknowledged after the promotion is lost (observed: 430-490 at ' +
      '200/s); nothing acknowledged before the promotion is lost. The old master then resyncs from the new one.',
    schedule: [{ at: 300, fault: new ManualFailover('sentinel-0') }],
    durationMs: 2500,
    failover: { expected: true },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const cmd = fault(r, 0);
      e.that('a replica was promoted without any failure detection', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.figure('failover-timing', 'sdownFirst')).to.equal(null);
        expect(e.figure('failover-timing', 'odown')).to.equal(null);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
      });
      e.that('writes acknowledged after the promotion, before the demotion, were lost (> 0, < 10 s worth)', () => {
        const lost = lostWrites(r);
        // The replica is told SLAVEOF NO ONE right after +selected-slave; +promoted-slave only follows its next INFO.
        const promoting = cmd.start + e.num('failover-timing', 'selectedReplica');
        expect(lost.length).to.be.greaterThan(0);
        expect(lost.length).to.be.below(2000);
        expect(
          lost.filter((o) => o.complete < promoting - 100),
          'lost writes acknowledged before the promotion',
        ).to.have.length.at.most(20);
      });
      e.that('the old master was demoted and resynced from the new one', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'redis-0.ms')).to.be.a('number');
      });
      e.that('topology converged', () => expect(e.check('convergence').valid).to.equal(true));
    },
  };
};
