/** Latency above down-after on every link of the master → failover. */
import { expect } from 'chai';
import { Toxic } from '../../../lib/faults/toxic.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { expectBoundedFailover, expectLossAfterReturn, healAfterSwitch, nodeOf } from './support.ts';

/** Twice the default down-after (asserted to exceed the run's). */
const LATENCY_MS = 3000;

export const latencyAbove = (): Scenario => {
  const slow = Toxic.onNode('redis-0', { name: 'very-slow-master', type: 'latency', stream: 'upstream', attributes: { latency: LATENCY_MS } });
  return {
    id: 'latency-above',
    title: 'add 3 s latency to every link of the master (twice the default down-after)',
    tags: ['latency', 'failover'],
    description:
      'A toxiproxy latency toxic of 3000 ms on the request stream (everything sent to the master arrives 3 s late) of every link into and out of redis-0, removed 0.2 s ' +
      'after the failover. The master is alive and answers everything — twice the default down-after-milliseconds late. ' +
      'Clients time out (500 ms) on it; ioredis does not reconnect on command timeouts, so Sentinel-routed clients stay ' +
      'on the slow old master until Sentinel demotes it (and kills its client connections) after the latency is gone.',
    expectation:
      "To Sentinel a master that answers PING later than down-after is down: +sdown, +odown (the sentinels' links to " +
      'each other are not slowed) and a failover to a replica. The old master is demoted once it answers in time ' +
      'again, and resyncs. Writes the slow master applied during the latency were acknowledged after the client gave up: ' +
      'unknown, not lost. But once the latency is gone the clients still connected to it get fast acknowledgements from ' +
      'it until Sentinel demotes it — those writes are LOST, as after a long pause (pause-master-long).',
    schedule: [{ at: 300, fault: slow }],
    during: healAfterSwitch(slow, { thenMs: 1000 }),
    durationMs: 2500,
    failover: { expected: true },
    // Loss after the latency is gone is the point: write-loss judges correctness only.
    allowLoss: true,
    expectedOutcomes: {
      'split-brain': { valid: false, why: 'once the latency is gone the deposed master acknowledges Sentinel-routed writes until demoted, by design' },
    },
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      e.that('the latency exceeds down-after (else this is latency-below)', () => expect(LATENCY_MS).to.be.above(r.topology.downAfterMs));
      e.that('Sentinel declared the slow master down and promoted a replica', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.check('failover-timing').valid).to.equal(true);
      });
      // Slow, not closed: the PINGs go unanswered on open connections; clients time out and stay on the slow master.
      expectBoundedFailover(r, e, 'silent', { clientsFollow: false });
      expectLossAfterReturn(r, e);
      e.that('the old master was demoted once its latency was gone, and resynced', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'finalMaster')).to.not.equal('redis-0');
      });
      e.that('topology converged', () => expect(e.check('convergence').valid).to.equal(true));
    },
  };
};
