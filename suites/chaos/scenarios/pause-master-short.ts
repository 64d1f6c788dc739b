/** Master paused shorter than down-after → no failover (no false positive). */
import { expect } from 'chai';
import { Pause } from '../../../lib/faults/pause.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';

export const pauseMasterShort = (): Scenario => {
  return {
    id: 'pause-master-short',
    title: 'pause the master shorter than down-after (400 ms vs 1.5 s)',
    tags: ['quick', 'pause', 'no-failover'],
    description:
      'Freeze the master for 400 ms — under a third of down-after-milliseconds, set to 1500 here so that a slow Docker ' +
      'unpause cannot stretch the freeze past it — and watch for 2.3 s more, longer than detection (1.5 s) plus an ' +
      'election would take. Commands sent meanwhile wait in the socket buffers and run on resume.',
    expectation:
      'A stall shorter than down-after is not a failure: no +sdown for the master, no failover. Writes stall for the ' +
      'pause (some time out on the client and are recorded unknown — they were still applied) and nothing is lost.',
    topology: { downAfterMs: 1500 },
    schedule: [{ at: 300, fault: new Pause('redis-0'), durationMs: 400 }],
    durationMs: 3000,
    failover: { expected: false },
    convergence: { timeoutMs: 10_000 },
    expect: (_r, e) => {
      e.that('no +sdown of the master, no failover', () => {
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.figure('failover-timing', 'sdownFirst')).to.equal(null);
        expect(e.figure('failover-timing', 'switchFirst')).to.equal(null);
      });
      e.that('writes stalled no longer than the pause plus a command timeout', () =>
        expect(e.num('failover-timing', 'unavailableMs')).to.be.below(1500),
      );
      e.that('no acknowledged write lost', () => {
        expect(e.check('write-loss').valid).to.equal(true);
        expect(e.num('write-loss', 'lost')).to.equal(0);
      });
      e.that('replicas still replicate from redis-0, caught up', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'finalMaster')).to.equal('redis-0');
      });
    },
  };
};
