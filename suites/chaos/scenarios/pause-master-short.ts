/** Master paused shorter than down-after → no failover (no false positive). */
import { expect } from 'chai';
import { Pause } from '../../../lib/faults/pause.ts';
import { now, sleep } from '../../../lib/clock.ts';
import { convergenceBoundMs, liveTimings, SCHEDULING_SLACK_MS, sdownLatestMs } from '../../../lib/scenario/bounds.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { fault, injectMs } from './support.ts';

/** The freeze: well under down-after (a slow Docker unpause must not stretch it past down-after). */
const PAUSE_MS = 400;
/** The workload's command timeout (WorkloadOptions.commandTimeoutMs default). */
const COMMAND_TIMEOUT_MS = 500;

export const pauseMasterShort = (): Scenario => {
  return {
    id: 'pause-master-short',
    title: `pause the master shorter than down-after (${PAUSE_MS} ms)`,
    tags: ['quick', 'pause', 'no-failover'],
    description:
      `Freeze the master for ${PAUSE_MS} ms — under a third of the default down-after-milliseconds (1500), so that a slow ` +
      'Docker unpause cannot stretch the freeze past it — and keep watching for longer than detection plus an ' +
      'election would take. Commands sent meanwhile wait in the socket buffers and run on resume.',
    expectation:
      'A stall shorter than down-after is not a failure: no +sdown for the master, no failover. Writes stall for the ' +
      'pause (some time out on the client and are recorded unknown — they were still applied) and nothing is lost.',
    schedule: [{ at: 300, fault: new Pause('redis-0'), durationMs: PAUSE_MS }],
    // Watch past the latest time a +sdown could come for a failure at the pause (asserted), whatever down-after
    // and ping period the run uses: about 3 s after it with the suite's settings, 6.3 s with down-after 5000.
    during: async (ctx) => {
      const p = ctx.faults[0];
      const inj = typeof p?.detail?.['injectMs'] === 'number' ? p.detail['injectMs'] : 0;
      const until = (p?.start ?? ctx.scheduleStart) + sdownLatestMs(liveTimings(ctx.topology.options), 'silent', inj);
      await sleep(Math.max(0, until - now()));
    },
    durationMs: 3500,
    failover: { expected: false },
    convergence: { timeoutMs: (t) => convergenceBoundMs(t) },
    expect: (r, e) => {
      const pause = fault(r, 0);
      const t = r.topology;
      e.that('the freeze (as injected) was shorter than down-after, and the run watched past the latest +sdown time', () => {
        expect((pause.end ?? Infinity) - pause.start, 'freeze').to.be.below(t.downAfterMs);
        expect(r.history.final.time - pause.start, 'watched').to.be.at.least(sdownLatestMs(t, 'silent', injectMs(r, 0)));
      });
      // Caught by: a sentinel whose effective down-after is shorter than configured (or a freeze longer than asked).
      e.that('no +sdown of the master, no failover', () => {
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.figure('failover-timing', 'sdownFirst')).to.equal(null);
        expect(e.figure('failover-timing', 'switchFirst')).to.equal(null);
      });
      const stallBy = PAUSE_MS + COMMAND_TIMEOUT_MS + SCHEDULING_SLACK_MS;
      e.that(`writes stalled no longer than the pause plus a command timeout (${stallBy} ms)`, () =>
        expect(e.num('failover-timing', 'unavailableMs')).to.be.at.most(stallBy),
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
