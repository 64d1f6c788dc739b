/** kill -9 of the master → a bounded failover; the restarted old master reattaches as a replica. */
import { expect } from 'chai';
import { Kill } from '../../../lib/faults/kill.ts';
import { DEFAULT_WORKLOAD } from '../../../lib/scenario/runner.ts';
import { convergenceBoundMs, inFlightLossBound, writerProcesses } from '../../../lib/scenario/bounds.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { expectBoundedFailover, fault, healAfterSwitch, nodeOf, okWrites } from './support.ts';

export const killMaster = (): Scenario => {
  const kill = new Kill('master');
  return {
    id: 'kill-master',
    title: 'kill -9 the master, restart it after the failover',
    tags: ['quick', 'kill', 'failover'],
    description:
      'SIGKILL the master from outside its container under a Sentinel-routed write load (2 clients, 200 writes/s); ' +
      'start it again 0.2 s after the sentinels switched to a new master. Persistence is off, so it comes back empty ' +
      'and as a master.',
    expectation:
      'Sentinels agree the master is down (+sdown, +odown), elect a leader and promote a replica, each phase within the ' +
      'Sentinel period that drives it; writes resume on the new master; Sentinel converts the restarted old master ' +
      'into a replica of the new one and it resyncs. Only writes acknowledged within the replication lag before the ' +
      'kill can be lost.',
    schedule: [{ at: 300, fault: kill }],
    during: healAfterSwitch(kill),
    durationMs: 2500,
    failover: { expected: true },
    allowLoss: true,
    // The restarted old master is converted after 4 publish periods + an info period: the wait follows them.
    convergence: { timeoutMs: (t) => convergenceBoundMs(t) },
    expect: (r, e) => {
      e.that('a replica was promoted', () => expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']));
      e.that('one failover, phases ordered', () => {
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
      });
      expectBoundedFailover(r, e, 'closed');
      e.that('no TILT, no aborted failover', () => {
        expect(e.num('failover-timing', 'tilt')).to.equal(0);
        expect(e.num('failover-timing', 'aborts')).to.equal(0);
      });
      e.that('the old master and the other replica replicate from the new master, caught up', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'redis-0.ms')).to.be.a('number');
      });
      e.that('writes were acknowledged before the kill and again on the new master after the switch', () => {
        const killed = fault(r, 0).start;
        const switched = killed + e.num('failover-timing', 'switchFirst');
        expect(okWrites(r, (o) => o.complete < killed), 'before the kill').to.have.length.greaterThan(20);
        expect(okWrites(r, (o) => o.invoke > switched), 'after the switch').to.have.length.greaterThan(10);
      });
      const maxLost = inFlightLossBound(DEFAULT_WORKLOAD);
      e.that(`at most the writes within the replication lag of the kill were lost (<= ${maxLost}: rate x lag + ${writerProcesses(DEFAULT_WORKLOAD)} processes)`, () =>
        expect(e.num('write-loss', 'lost')).to.be.at.most(maxLost),
      );
      // Caught by: a write acknowledged by a node that was not the elected master (e.g. the restarted empty redis-0).
      e.that('no write acknowledged by a deposed master', () => expect(e.check('split-brain').valid).to.equal(true));
      e.that('topology converged on the new master', () => {
        expect(e.check('convergence').valid).to.equal(true);
        expect(e.figure('convergence', 'master')).to.equal(nodeOf(e.figure('failover-timing', 'newMaster')));
      });
    },
  };
};
