/**
 * Port of "Set parameters in normal case" (Redis's tests/sentinel/tests/03-runtime-reconf.tcl), made to bite:
 * SENTINEL SET down-after-milliseconds and quorum at run time must change what Sentinel DOES (a master pause that
 * fails over under the configured down-after no longer does), and must be in the config file Sentinel rewrote at
 * once (a sentinel killed with -9 and started again reports the new values).
 */
import { expect } from 'chai';
import { sleep } from '../../../lib/clock.ts';
import { Kill } from '../../../lib/faults/kill.ts';
import { Pause } from '../../../lib/faults/pause.ts';
import { defaultChecks } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { pairs } from '../../../lib/topology/ready.ts';
import { events, fault, healNow, injectNow, Observations } from './support.ts';
import { pauseMs, pingPeriodMs, replyText, SENTINEL_TICK_MS } from './sentinel-suite-support.ts';

/** The raised down-after: the pause plus two PING periods, so the pause can never reach it. */
export function raisedDownAfterMs(downAfterMs: number): number {
  return pauseMs(downAfterMs) + 2 * pingPeriodMs(downAfterMs);
}

export const runtimeReconf = (): Scenario => {
  const seen = new Observations();
  const restart = new Kill('sentinel-2');
  return {
    id: 'runtime-reconf',
    title: 'SENTINEL SET down-after and quorum at run time: a pause that would fail over no longer does; kept across a restart',
    tags: ['sentinel-suite', 'sentinel', 'config', 'pause', 'no-failover'],
    description:
      'Sentinels start with down-after 1500 ms and quorum 2. Through every sentinel: SENTINEL SET down-after-milliseconds ' +
      'to the pause + 2 PING periods (5000 ms) and quorum 3. Then freeze the master for down-after + 1 PING period + 0.5 s ' +
      '(3000 ms) — long enough to fail over under the original setting — and resume it. Then kill -9 sentinel-2 (no ' +
      'chance to write anything at exit) and start it again, and read SENTINEL MASTER from it.',
    expectation:
      'SENTINEL SET answers OK and SENTINEL MASTER shows the new values at once. The pause stays below the new ' +
      'down-after: no sentinel marks the master +sdown, no failover, nothing lost. Sentinel rewrites (and fsyncs) its ' +
      'config file on every SENTINEL SET, so the restarted sentinel-2 reports down-after 5000 and quorum 3.',
    schedule: [],
    durationMs: 1000,
    failover: { expected: false },
    convergence: { timeoutMs: 15_000 },
    during: async (ctx) => {
      seen.reset();
      const t = ctx.topology;
      const m = t.masterName;
      const raised = raisedDownAfterMs(t.options.downAfterMs);
      const quorum = t.options.sentinels;
      const master = async (s: string): Promise<string> => {
        const p = pairs(await t.adminCall(s, 'SENTINEL', 'MASTER', m));
        return `${p['down-after-milliseconds']}/${p['quorum']}`;
      };
      const sets = await Promise.all(
        t.sentinelNames().map(async (s) => {
          const a = await replyText(t, s, 'SENTINEL', 'SET', m, 'down-after-milliseconds', raised);
          const b = await replyText(t, s, 'SENTINEL', 'SET', m, 'quorum', quorum);
          return `${a},${b}`;
        }),
      );
      seen.set('setReplies', sets.join(' | '));
      await seen.measure('SENTINEL MASTER after SET', async () => seen.set('afterSet', (await Promise.all(t.sentinelNames().map(master))).join(' | ')));
      const pause = new Pause('redis-0');
      await injectNow(ctx, pause);
      await sleep(pauseMs(t.options.downAfterMs));
      await healNow(ctx, pause);
      // A +sdown decided during the pause would be published within a tick of the resume at the latest.
      await sleep(pingPeriodMs(t.options.downAfterMs) + SENTINEL_TICK_MS);
      await injectNow(ctx, restart);
      await healNow(ctx, restart);
      await seen.measure('SENTINEL MASTER of the restarted sentinel-2', async () => seen.set('afterRestart', await master('sentinel-2')));
    },
    checks: (c) => [...defaultChecks(c), seen.check()],
    expect: (r, e) => {
      const downAfter = r.topology.downAfterMs;
      const raised = raisedDownAfterMs(downAfter);
      const n = r.topology.sentinels;
      const want = `${raised}/${n}`;
      const pause = fault(r, 0);
      e.that('SENTINEL SET answered OK on every sentinel', () =>
        expect(e.figure('observed', 'setReplies')).to.equal(Array.from({ length: n }, () => 'OK,OK').join(' | ')),
      );
      e.that(`SENTINEL MASTER shows down-after ${raised} and quorum ${n} on every sentinel`, () =>
        expect(e.figure('observed', 'afterSet')).to.equal(Array.from({ length: n }, () => want).join(' | ')),
      );
      e.that(`the pause (${pauseMs(downAfter)} ms) outlasted the configured down-after + one PING period`, () => {
        expect((pause.end ?? 0) - pause.start).to.be.at.least(downAfter + pingPeriodMs(downAfter));
        expect((pause.end ?? Infinity) - pause.start).to.be.below(raised);
      });
      e.that('no sentinel marked the master +sdown: the raised down-after was in force', () =>
        expect(events(r, '+sdown', { node: 'redis-0' }).filter((x) => x.instance?.kind === 'master')).to.have.length(0),
      );
      e.that('no failover, nothing lost', () => {
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.figure('failover-timing', 'odown')).to.equal(null);
        expect(e.num('write-loss', 'lost')).to.equal(0);
      });
      e.that('restarted after kill -9, sentinel-2 reports the values set at run time (its rewritten config)', () =>
        expect(e.figure('observed', 'afterRestart')).to.equal(want),
      );
      e.that('the measurements ran; topology converged on redis-0', () => {
        expect(e.check('observed').valid).to.equal(true);
        expect(e.check('convergence').valid).to.equal(true);
        expect(e.figure('convergence', 'master')).to.equal('redis-0');
      });
    },
  };
};
