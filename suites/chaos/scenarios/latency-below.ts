/** Latency below down-after on every link of the master → no failover (no false positive). */
import { expect } from 'chai';
import { Toxic } from '../../../lib/faults/toxic.ts';
import { convergenceBoundMs, SCHEDULING_SLACK_MS, writerProcesses } from '../../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { fault, okWrites } from './support.ts';

/** Latency and jitter of the toxic (ms): the worst round trip, latency + jitter, must stay under down-after / 2. */
const LATENCY_MS = 250;
const JITTER_MS = 50;
const WINDOW_MS = 2200;

export const latencyBelow = (): Scenario => {
  return {
    id: 'latency-below',
    title: `add ${LATENCY_MS}±${JITTER_MS} ms latency to every link of the master (under half of down-after)`,
    tags: ['quick', 'latency', 'no-failover'],
    description:
      'A toxiproxy latency toxic (250 ms ± 50 ms on the request stream: everything sent to the master arrives late) on every link into and out of redis-0 — the ' +
      "sentinels', the replicas' and every client group's — for 2.2 s. Every round trip to the master then takes " +
      "200-300 ms: under half of down-after-milliseconds (asserted), which keeps it clear of Sentinel's " +
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
          attributes: { latency: LATENCY_MS, jitter: JITTER_MS },
        }),
        durationMs: WINDOW_MS,
      },
    ],
    durationMs: 2700,
    failover: { expected: false },
    convergence: { timeoutMs: (t) => convergenceBoundMs(t) },
    expect: (r, e) => {
      const slow = fault(r, 0);
      e.that('the slowest round trip stays under half of down-after (else this is latency-above)', () =>
        expect(LATENCY_MS + JITTER_MS).to.be.below(r.topology.downAfterMs / 2),
      );
      // Caught by: a Sentinel that declares a slow but answering master down (a false positive).
      e.that('no +sdown of the master, no failover', () => {
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.figure('failover-timing', 'sdownFirst')).to.equal(null);
      });
      // Each writer process completes one write per round trip at worst: half of that over the window.
      const minOk = Math.floor((writerProcesses(DEFAULT_WORKLOAD) * ((slow.end ?? slow.start) - slow.start - 100)) / (LATENCY_MS + JITTER_MS) / 2);
      e.that(`writes kept succeeding during the latency (>= ${minOk}: processes x window / round trip / 2)`, () =>
        expect(okWrites(r, (o) => o.invoke > slow.start + 100 && o.complete < (slow.end ?? Infinity))).to.have.length.at.least(Math.max(1, minOk)),
      );
      const stallBy = 2 * (LATENCY_MS + JITTER_MS) + SCHEDULING_SLACK_MS;
      e.that(`writes never stopped for more than two round trips (${stallBy} ms)`, () =>
        expect(e.num('failover-timing', 'unavailableMs')).to.be.at.most(stallBy),
      );
      e.that('no acknowledged write lost', () => expect(e.num('write-loss', 'lost')).to.equal(0));
      e.that('redis-0 is still the master, replicas caught up', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'finalMaster')).to.equal('redis-0');
      });
    },
  };
};
