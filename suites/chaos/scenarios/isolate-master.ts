/** Master isolated (every link cut) → failover; after heal the old master reattaches. */
import { expect } from 'chai';
import { Isolate } from '../../../lib/faults/isolate.ts';
import { inFlightLossBound } from '../../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { expectBoundedFailover, fault, healAfterSwitch, injectMs, nodeOf, okWrites } from './support.ts';

export const isolateMaster = (): Scenario => {
  const isolate = new Isolate('master');
  return {
    id: 'isolate-master',
    title: 'isolate the master from everything until after the failover, then heal',
    tags: ['partition', 'isolate', 'failover'],
    description:
      'Cut every link into and out of the master (replicas, sentinels and every client group) through the toxiproxy ' +
      'sidecars, and heal 0.2 s after the sentinels switched to a new master. The master process keeps running with its data. Links are cut, not silenced: ' +
      'open connections close at once.',
    expectation:
      'The majority fails over. While isolated the old master cannot reach anyone, so it acknowledges nothing: ' +
      'there are two masters for a while but no writes on the losing side, and at most the writes within the ' +
      'replication lag of the cut are lost. After the heal Sentinel demotes the old master, which resyncs from the new one.',
    schedule: [{ at: 300, fault: isolate }],
    during: healAfterSwitch(isolate),
    durationMs: 2500,
    failover: { expected: true },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const cut = fault(r, 0);
      e.that('a replica was promoted, one failover', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
      });
      expectBoundedFailover(r, e, 'closed');
      // Until a replica is told SLAVEOF NO ONE (+selected-slave) only redis-0 can acknowledge a write, so any write
      // acknowledged between the cut taking effect and the selection was acknowledged by the isolated master: caught
      // by an isolation that leaves a client link open.
      e.that('two masters for a while, but no write acknowledged by the isolated master', () => {
        expect(e.num('split-brain', 'dualMasterMs')).to.be.greaterThan(0);
        const from = cut.start + injectMs(r, 0);
        const selected = cut.start + e.num('failover-timing', 'selectedReplica');
        expect(okWrites(r, (o) => o.invoke >= from && o.complete < selected), 'writes acknowledged while isolated').to.have.length(0);
        expect(e.check('split-brain').valid).to.equal(true);
      });
      const maxLost = inFlightLossBound(DEFAULT_WORKLOAD);
      e.that(`at most the writes within the replication lag of the cut were lost (<= ${maxLost})`, () =>
        expect(e.num('write-loss', 'lost')).to.be.at.most(maxLost),
      );
      e.that('the old master was demoted after the heal and resynced', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'redis-0.ms')).to.be.a('number');
      });
      e.that('topology converged', () => expect(e.check('convergence').valid).to.equal(true));
    },
  };
};
