/** SENTINEL FAILOVER under load → new master; the write loss it causes is measured. */
import { expect } from 'chai';
import { ManualFailover } from '../../../lib/faults/manual-failover.ts';
import {
  convergenceBoundMs,
  demotionEarliestMs,
  ELECTED_AFTER_ODOWN_MS,
  inFlightLossBound,
  PROMOTED_AFTER_SELECTED_MS,
  rateWindowRange,
  SCHEDULING_SLACK_MS,
  SENTINEL_TICK_MS,
  sentinelPeriods,
  sentinelWriteRate,
  writerProcesses,
} from '../../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD } from '../../../lib/scenario/runner.ts';
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
      'the write rate times that window. Sentinel demotes it no sooner than 4 publish periods after the switch, later ' +
      'than the end of this workload, so here every write acknowledged after the promotion is lost: the rate times ' +
      'the time from the promotion to the end of the workload. Nothing acknowledged before the promotion is lost. ' +
      'The old master then resyncs from the new one.',
    schedule: [{ at: 300, fault: new ManualFailover('sentinel-0') }],
    durationMs: 2500,
    failover: { expected: true },
    // Loss after the promotion is the point: write-loss judges correctness only.
    allowLoss: true,
    expectedOutcomes: {
      'split-brain': { valid: false, why: 'the old master acknowledges Sentinel-routed writes after the promotion until demoted, by design' },
    },
    // The old master is demoted after 4 publish periods + an info period: the wait follows them.
    convergence: { timeoutMs: (t) => convergenceBoundMs(t) },
    expect: (r, e) => {
      const cmd = fault(r, 0);
      e.that('a replica was promoted without any failure detection', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.figure('failover-timing', 'sdownFirst')).to.equal(null);
        expect(e.figure('failover-timing', 'odown')).to.equal(null);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
      });
      const bySelect = ELECTED_AFTER_ODOWN_MS + SENTINEL_TICK_MS;
      const publish = sentinelPeriods(r.topology).publishMs;
      e.that(`forced failover: replica selected <= ${bySelect} ms after the command, promoted <= ${PROMOTED_AFTER_SELECTED_MS} ms later, switch announced <= ${publish} ms (+tick, slack) after that`, () => {
        expect(e.num('failover-timing', 'selectedReplica')).to.be.at.most(bySelect);
        expect(e.num('failover-timing', 'promoted') - e.num('failover-timing', 'selectedReplica')).to.be.at.most(PROMOTED_AFTER_SELECTED_MS);
        expect(e.num('failover-timing', 'switchFirst') - e.num('failover-timing', 'promoted')).to.be.at.most(publish + SENTINEL_TICK_MS + SCHEDULING_SLACK_MS);
      });
      // The replica is told SLAVEOF NO ONE right after +selected-slave; +promoted-slave only follows its next INFO.
      const promoting = cmd.start + (Number(e.figure('failover-timing', 'selectedReplica')) || 0);
      const end = Math.max(...r.history.ops.filter((o) => o.via === 'sentinel' && o.f !== 'read').map((o) => o.complete));
      const range = rateWindowRange(sentinelWriteRate(DEFAULT_WORKLOAD), end - promoting, writerProcesses(DEFAULT_WORKLOAD));
      const maxBefore = inFlightLossBound(DEFAULT_WORKLOAD);
      e.that(`lost: every write from the promotion to the end of the workload (${range.min}..${range.max}: rate x ${Math.round(end - promoting)} ms), <= ${maxBefore} before`, () => {
        const switched = cmd.start + e.num('failover-timing', 'switchFirst');
        expect(switched + demotionEarliestMs(r.topology), 'earliest demotion after the workload end').to.be.above(end);
        const lost = lostWrites(r);
        expect(lost.filter((o) => o.complete >= promoting).length, 'lost writes acknowledged after the promotion').to.be.within(range.min, range.max);
        expect(lost.filter((o) => o.complete < promoting - 100), 'lost writes acknowledged before the promotion').to.have.length.at.most(maxBefore);
      });
      e.that('the old master was demoted and resynced from the new one', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'redis-0.ms')).to.be.a('number');
      });
      e.that('topology converged', () => expect(e.check('convergence').valid).to.equal(true));
    },
  };
};
