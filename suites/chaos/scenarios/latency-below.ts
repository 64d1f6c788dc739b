/** Latency below down-after on every link of the master → no failover (no false positive). */
import { expect } from 'chai';
import { Toxic } from '../../../lib/faults/toxic.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { fault, okWrites } from './support.ts';

export const latencyBelow = (): Scenario => {
  return {
    id: 'latency-below',
    title: 'add 250±50 ms latency to every link of the master (down-after 1 s)',
    tags: ['quick', 'latency', 'no-failover'],
    description:
      'A toxiproxy latency toxic (250 ms ± 50 ms on the request stream: everything sent to the master arrives late) on every link into and out of redis-0 — the ' +
      "sentinels', the replicas' and every client group's — for 2.2 s. Every round trip to the master then takes " +
      "200-300 ms: under half of down-after-milliseconds (1000), which also keeps it clear of Sentinel's " +
      '"reconnect if a PING is pending longer than down-after/2" rule.',
    expectation:
      'A slow master is not a failed master: its PING replies arrive well inside down-after, so no +sdown and no ' +
      'failover. Writes keep succeeding, just slower (the 500 ms command timeout is not reached), and nothing is lost.',
    schedule: [
      {
        at: 300,
        fault: Toxic.onNode('redis-0', {
          name: 'slow-master',
          type: 'latency',
          stream: 'upstream',
          attributes: { latency: 250, jitter: 50 },
        }),
        durationMs: 2200,
      },
    ],
    durationMs: 2700,
    failover: { expected: false },
    convergence: { timeoutMs: 10_000 },
    expect: (r, e) => {
      const slow = fault(r, 0);
      e.that('no +sdown of the master, no failover', () => {
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.figure('failover-timing', 'sdownFirst')).to.equal(null);
      });
      e.that('writes kept succeeding during the latency', () =>
        expect(okWrites(r, (o) => o.invoke > slow.start + 100 && o.complete < (slow.end ?? Infinity))).to.have.length.greaterThan(5),
      );
      e.that('writes never stopped for more than a second', () => expect(e.num('failover-timing', 'unavailableMs')).to.be.below(1000));
      e.that('no acknowledged write lost', () => expect(e.num('write-loss', 'lost')).to.equal(0));
      e.that('redis-0 is still the master, replicas caught up', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'finalMaster')).to.equal('redis-0');
      });
    },
  };
};
