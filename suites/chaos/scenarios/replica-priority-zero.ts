/**
 * replica-priority 0 on one replica → it is never promoted, even when it is the only candidate: the failover
 * aborts until another replica is back.
 */
import { expect } from 'chai';
import { now, sleep } from '../../../lib/clock.ts';
import { CutLinks } from '../../../lib/faults/cut-links.ts';
import { Kill } from '../../../lib/faults/kill.ts';
import {
  ELECTED_AFTER_ODOWN_MS,
  inFlightLossBound,
  ODOWN_AFTER_SDOWN_MS,
  PROMOTED_AFTER_SELECTED_MS,
  SCHEDULING_SLACK_MS,
  sdownLatestMs,
  SENTINEL_MAX_DESYNC_MS,
  SENTINEL_TICK_MS,
  sentinelPeriods,
} from '../../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, fault, faultFrom, healNow, injectMs, nodeOf, switchedSince } from './support.ts';

const ABORT = '-failover-abort-no-good-slave';

export const replicaPriorityZero = (): Scenario => {
  // Only the sentinels lose redis-2: it keeps replicating from redis-0 until the kill, so it has every write.
  const hide = new CutLinks(
    ['sentinel-0', 'sentinel-1', 'sentinel-2'].map((s) => ({ from: s, to: 'redis-2' })),
    { name: 'hide redis-2 from the sentinels' },
  );
  const kill = new Kill('redis-0');
  return {
    id: 'replica-priority-zero',
    title: 'replica-priority 0 on redis-1, the only replica the sentinels can reach when the master is killed',
    tags: ['kill', 'failover', 'priority'],
    description:
      'redis-1 runs with `replica-priority 0`, redis-2 with the default 100. Cut the links from every sentinel to ' +
      'redis-2 (it still replicates from the master), 100 ms later kill -9 the master (redis-0): the only replica the ' +
      "sentinels can reach is redis-1. Restore the sentinels' links to redis-2 as soon as a failover attempt has ended " +
      '(aborted or switched), restart redis-0 0.2 s after the switch. failover-timeout is 1500 ms here, so a retry ' +
      'comes 3-4 s after the first attempt (2 x failover-timeout plus up to 1 s of random desync).',
    expectation:
      'Priority 0 means "never promote": with redis-1 the only reachable replica the elected leader finds no good ' +
      `replica and aborts (${ABORT}); redis-1 is never selected, promoted nor a master. Once redis-2 is reachable ` +
      'again the retried failover promotes it, and redis-1 and the restarted redis-0 replicate from it. A Sentinel ' +
      'that ignored the setting would promote redis-1 at the first attempt, every time.',
    topology: { replicaPriority: [0, 100], failoverTimeoutMs: 1500 },
    schedule: [
      { at: 300, fault: hide },
      { at: 400, fault: kill },
    ],
    during: async (ctx) => {
      const killed = ctx.faults[1]?.start ?? ctx.scheduleStart;
      const first = await ctx.events.waitFor((e) => e.type === ABORT || e.type === '+switch-master', 15_000, killed);
      if (!first) ctx.progress('no failover attempt ended within 15 s; showing redis-2 to the sentinels anyway');
      await healNow(ctx, hide);
      const at = await switchedSince(ctx, killed);
      if (at === undefined) ctx.progress('no +switch-master within 15 s; restarting redis-0 anyway');
      await sleep(Math.max(0, (at ?? now()) + 200 - now()));
      await healNow(ctx, kill);
      await sleep(300);
    },
    durationMs: 2500,
    failover: { expected: true, fromStep: 1 },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const killed = fault(r, 1);
      const shown = fault(r, 0).end ?? Infinity;
      const t = r.topology;
      // Caught by: a Sentinel that treats priority 0 as an ordinary (lowest) priority — it selects redis-1.
      e.that('redis-1 (priority 0) was never selected, promoted, nor a master', () => {
        expect(events(r, '+selected-slave', { since: faultFrom(killed), node: 'redis-1' }), '+selected-slave redis-1').to.have.length(0);
        expect(events(r, '+promoted-slave', { since: faultFrom(killed), node: 'redis-1' }), '+promoted-slave redis-1').to.have.length(0);
        expect(r.history.polls.filter((p) => p.node === 'redis-1' && p.time > killed.start && p.role === 'master')).to.have.length(0);
      });
      const abortBy = sdownLatestMs(t, 'closed', injectMs(r, 1)) + ODOWN_AFTER_SDOWN_MS + ELECTED_AFTER_ODOWN_MS + SENTINEL_TICK_MS;
      // Caught by: the same broken Sentinel (it never aborts here), or one that does not fail over at all.
      e.that(`with only redis-1 reachable the leader aborted (${ABORT}) within ${abortBy} ms of the kill`, () => {
        const aborts = events(r, ABORT, { since: faultFrom(killed), until: shown });
        expect(aborts, ABORT).to.have.length.greaterThan(0);
        expect((aborts[0]?.time ?? Infinity) - killed.start).to.be.at.most(abortBy);
      });
      // The retry: 2 x failover-timeout after the first attempt (+ up to SENTINEL_MAX_DESYNC), then election and promotion.
      const retryBy =
        2 * t.failoverTimeoutMs + SENTINEL_MAX_DESYNC_MS + ELECTED_AFTER_ODOWN_MS + PROMOTED_AFTER_SELECTED_MS + sentinelPeriods(t).publishMs + SCHEDULING_SLACK_MS;
      e.that(`once redis-2 was reachable again the retried failover promoted it, within ${retryBy} ms of the first attempt`, () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.equal('redis-2');
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
        expect(e.num('failover-timing', 'switchFirst') - e.num('failover-timing', 'tryFailover')).to.be.at.most(retryBy);
      });
      e.that('redis-1 and the old master replicate from redis-2, caught up', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'finalMaster')).to.equal('redis-2');
      });
      const maxLost = inFlightLossBound(DEFAULT_WORKLOAD);
      e.that(`at most the writes within the replication lag of the kill were lost (<= ${maxLost})`, () =>
        expect(e.num('write-loss', 'lost')).to.be.at.most(maxLost),
      );
      e.that('no write acknowledged by a deposed master; topology converged', () => {
        expect(e.check('split-brain').valid).to.equal(true);
        expect(e.check('convergence').valid).to.equal(true);
      });
    },
  };
};
