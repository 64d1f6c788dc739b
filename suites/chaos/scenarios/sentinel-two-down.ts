/** Two of three sentinels down: +odown (quorum 1) but no failover (no majority); restarted, they agree. */
import { expect } from 'chai';
import { Pause } from '../../../lib/faults/pause.ts';
import { StopSentinels } from '../../../lib/faults/stop-sentinels.ts';
import { pairs } from '../../../lib/topology/ready.ts';
import { defaultChecks } from '../../../lib/scenario/runner.ts';
import {
  SCHEDULING_SLACK_MS,
  sdownEarliestMs,
  sdownLatestMs,
  SENTINEL_MAX_DESYNC_MS,
  SENTINEL_TICK_MS,
} from '../../../lib/scenario/bounds.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, fault, injectMs, Observations } from './support.ts';

export const sentinelTwoDown = (): Scenario => {
  const seen = new Observations();
  return {
    id: 'sentinel-two-down',
    title: 'two of three sentinels dead, master frozen for 5 s (quorum 1)',
    tags: ['sentinel', 'pause', 'no-failover'],
    description:
      'kill -9 sentinel-1 and sentinel-2; 300 ms later freeze the master for 5 s, then resume it; the two sentinels ' +
      'are started again 5.5 s after they died. The window is longer than a failover takes here: a frozen master is ' +
      '+sdown within down-after plus at most one 1 s PING period (2.5 s at the default 1.5 s) and a failover switches ' +
      'about 1 s later. Quorum is 1, so ' +
      'the lone sentinel can reach +odown by itself. (With quorum 2 a lone sentinel cannot even reach +odown: only +sdown.) ' +
      'The master is frozen rather than killed so that it comes back with its data when nothing fails over. ' +
      'failover-timeout is 1000 ms here: a sentinel waits 2 x failover-timeout after a failover attempt (its own or ' +
      'one it voted for) before it tries again, and the topology bring-up can leave exactly such an attempt behind ' +
      '(with quorum 1, a sentinel whose links are still held closed at boot declares the master +odown and tries); ' +
      'at the default 6000 the lone sentinel could not try at all inside the window. It also bounds each election: ' +
      'a sentinel not elected within failover-timeout aborts (-failover-abort-not-elected) and retries 2 s later.',
    expectation:
      'Quorum only decides when the master is objectively down; to fail over, a sentinel must be elected leader by a ' +
      'majority of ALL sentinels (2 of 3). The lone sentinel sees +sdown and +odown and starts trying (+try-failover) ' +
      'but can never be elected: no +elected-leader, no promotion, the master address stays the same over the whole ' +
      'window. When the other two come back the three agree on the same master.',
    topology: { quorum: 1, failoverTimeoutMs: 1000 },
    schedule: [
      { at: 0, fault: StopSentinels.last(2), durationMs: 5500 },
      { at: 300, fault: new Pause('redis-0'), durationMs: 5000 },
    ],
    durationMs: 6000,
    failover: { expected: false, fromStep: 1 },
    convergence: { timeoutMs: 15_000 },
    during: async (ctx) => {
      await seen.measure('sentinel views after the restart', async () => {
        const t = ctx.topology;
        for (const s of t.sentinelNames()) {
          const m = pairs(await t.adminCall(s, 'SENTINEL', 'MASTER', t.masterName));
          seen.set(`${s}.master`, t.nameOf(m['ip'] ?? '', m['port'] ?? '') ?? `${m['ip']}:${m['port']}`);
          seen.set(`${s}.configEpoch`, Number(m['config-epoch']));
        }
      });
    },
    checks: (c) => [...defaultChecks(c), seen.check()],
    expect: (r, e) => {
      const pause = fault(r, 1);
      const t = r.topology;
      const sdownBy = sdownLatestMs(t, 'silent', injectMs(r, 1));
      e.that(`the lone sentinel reached +sdown (by ${sdownBy} ms) and at once +odown (quorum 1)`, () => {
        expect(e.num('failover-timing', 'sdownFirst')).to.be.within(sdownEarliestMs(t, 'silent', injectMs(r, 1)), sdownBy);
        expect(e.num('failover-timing', 'odown') - e.num('failover-timing', 'sdownFirst')).to.be.at.most(SENTINEL_TICK_MS + SCHEDULING_SLACK_MS);
      });
      // The election timeout is min(10 s, failover-timeout), counted from the attempt's start time, which is the
      // +try-failover time plus up to SENTINEL_MAX_DESYNC: caught by a Sentinel that waits longer, or does not wait.
      const abortMin = t.failoverTimeoutMs;
      const abortMax = t.failoverTimeoutMs + SENTINEL_MAX_DESYNC_MS + SENTINEL_TICK_MS + SCHEDULING_SLACK_MS;
      e.that(`it tried to fail over and aborted not elected ${abortMin}..${abortMax} ms later: no leader, no promotion`, () => {
        const tried = e.num('failover-timing', 'tryFailover');
        const aborts = events(r, '-failover-abort-not-elected', { since: pause.start + tried });
        expect(aborts, '-failover-abort-not-elected').to.have.length.greaterThan(0);
        expect((aborts[0]?.time ?? Infinity) - (pause.start + tried)).to.be.within(abortMin, abortMax);
        expect(e.figure('failover-timing', 'elected')).to.equal(null);
        expect(e.figure('failover-timing', 'promoted')).to.equal(null);
        expect(e.check('failover-timing').valid).to.equal(true);
      });
      // Caught by: a sentinel that fails over with a quorum of opinions but no majority of votes.
      e.that('the master address never changed while the two sentinels were down', () => {
        const switched = r.history.events.filter((x) => x.type === '+switch-master' && x.time >= pause.start);
        expect(switched).to.have.length(0);
      });
      e.that('restarted, the three sentinels agree on redis-0', () => {
        expect(e.check('observed').valid).to.equal(true);
        for (const s of ['sentinel-0', 'sentinel-1', 'sentinel-2']) expect(e.figure('observed', `${s}.master`), s).to.equal('redis-0');
        expect(e.num('convergence', 'sentinelsAgree')).to.equal(3);
      });
      e.that('nothing was lost: the resumed master kept its data and its replicas', () => {
        expect(e.num('write-loss', 'lost')).to.equal(0);
        expect(e.check('reattach').valid).to.equal(true);
      });
    },
  };
};
