/**
 * One of three sentinels down → the failover still happens; restarted, the sentinel learns the new master
 * from the others. (One run covers both: the second is the first plus the restart.)
 */
import { expect } from 'chai';
import { now, sleep } from '../../../lib/clock.ts';
import { Kill } from '../../../lib/faults/kill.ts';
import { StopSentinels } from '../../../lib/faults/stop-sentinels.ts';
import {
  inFlightLossBound,
  SCHEDULING_SLACK_MS,
  SENTINEL_PING_PERIOD_MS,
  SENTINEL_TICK_MS,
  sentinelPeriods,
} from '../../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD, defaultChecks } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { pairs } from '../../../lib/topology/ready.ts';
import { events, expectBoundedFailover, fault, faultFrom, healAfterSwitch, healNow, nodeOf, Observations } from './support.ts';

/** Time from the container start returning to the restarted sentinel serving commands (process start, config load). */
const SENTINEL_BOOT_MS = 500;

export const sentinelRejoin = (): Scenario => {
  const seen = new Observations();
  const stopSentinel = StopSentinels.last(1);
  const kill = new Kill('redis-0');
  return {
    id: 'sentinel-rejoin',
    title: 'one of three sentinels dead during a failover, then restarted: it learns the new master',
    tags: ['sentinel', 'kill', 'failover'],
    description:
      'kill -9 sentinel-2; 300 ms later kill -9 the master; the two live sentinels fail over. 0.2 s after the switch ' +
      'the old master is started again, then sentinel-2, with the configuration it had: the old master, config epoch 0. ' +
      'The harness then polls it for the master address (bounded, 10 s).',
    expectation:
      'Two live sentinels are both the quorum (2) needed for +odown and a majority (2 of 3) of all sentinels, needed ' +
      'to elect a leader and authorise the failover: it happens as with three, within the same bounds. ' +
      "The restarted sentinel reconnects to the instances it knew, receives the other sentinels' hello messages that " +
      'announce a newer configuration epoch with the new master, adopts it (+config-update-from, +switch-master from ' +
      'its own point of view) within a hello period of reconnecting, and then agrees with the others. It must not fight the ' +
      'failover or demote the new master.',
    schedule: [
      { at: 0, fault: stopSentinel },
      { at: 300, fault: kill },
    ],
    durationMs: 2500,
    failover: { expected: true, fromStep: 1 },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    during: async (ctx) => {
      const t = ctx.topology;
      await healAfterSwitch(kill, { thenMs: 0 })(ctx);
      await healNow(ctx, stopSentinel);
      // From the container running again (the docker start call is not Sentinel's time).
      const restarted = now();
      await seen.measure('what sentinel-2 reports after its restart', async () => {
        const deadline = now() + 10_000;
        for (;;) {
          const { master, answers } = await t.sentinelsMaster();
          const mine = answers[t.sentinelNames().indexOf('sentinel-2')];
          if (master !== undefined && mine === master && master !== 'redis-0') {
            seen.set('rejoinedMaster', mine);
            seen.set('learnedAfterRestartMs', Math.round(now() - restarted));
            const epochs = await Promise.all(
              t.sentinelNames().map(async (s) => Number(pairs(await t.adminCall(s, 'SENTINEL', 'MASTER', t.masterName))['config-epoch'])),
            );
            seen.set('configEpochs', epochs.join(','));
            return;
          }
          if (now() > deadline) throw new Error(`sentinel-2 still reports ${mine ?? 'nothing'} (others: ${master ?? '?'})`);
          await sleep(50);
        }
      });
    },
    checks: (c) => [...defaultChecks(c), seen.check()],
    expect: (r, e) => {
      const restart = fault(r, 0).end ?? Infinity;
      const killed = fault(r, 1);
      e.that('the two live sentinels failed over', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.check('failover-timing').valid).to.equal(true);
      });
      // Caught by: a Sentinel that needs votes from more than the live majority (it would abort not elected).
      expectBoundedFailover(r, e, 'closed', { faultIndex: 1 });
      e.that('both live sentinels switched', () => {
        // The leader switches at the end of its failover, which may come after sentinel-2's restart.
        const switches = events(r, '+switch-master', { since: faultFrom(killed) }).filter((x) => x.sentinel !== 'sentinel-2');
        expect(new Set(switches.map((x) => x.sentinel))).to.have.all.keys('sentinel-0', 'sentinel-1');
      });
      e.that('sentinel-2 was restarted after the switch (it missed the failover)', () => {
        const first = Math.min(...events(r, '+switch-master', { since: faultFrom(killed) }).map((x) => x.time));
        expect(first).to.be.below(restart);
      });
      // It boots, connects to the instances and sentinels it knows (one ping period at most for a retry) and adopts the
      // newer configuration from the next hello of the others (one publish period).
      const learnBy = SENTINEL_PING_PERIOD_MS + sentinelPeriods(r.topology).publishMs + SENTINEL_TICK_MS + SCHEDULING_SLACK_MS + SENTINEL_BOOT_MS;
      e.that(`restarted, sentinel-2 adopted the new master within ${learnBy} ms`, () => {
        expect(e.check('observed').valid).to.equal(true);
        expect(e.figure('observed', 'rejoinedMaster')).to.equal(nodeOf(e.figure('failover-timing', 'newMaster')));
        expect(e.num('observed', 'learnedAfterRestartMs')).to.be.at.most(learnBy);
      });
      // Caught by: a restarted sentinel that adopts the master but keeps its old epoch (it would vote in stale epochs).
      e.that('the three sentinels hold the same, newer config epoch', () => {
        const epochs = String(e.figure('observed', 'configEpochs')).split(',').map(Number);
        expect(epochs).to.have.length(3);
        expect(new Set(epochs).size).to.equal(1);
        expect(epochs[0]).to.be.above(0);
      });
      e.that('no second failover (sentinel-2 did not fight the new config)', () => expect(e.num('failover-timing', 'failovers')).to.equal(1));
      const maxLost = inFlightLossBound(DEFAULT_WORKLOAD);
      e.that(`at most the writes within the replication lag of the kill were lost (<= ${maxLost})`, () =>
        expect(e.num('write-loss', 'lost')).to.be.at.most(maxLost),
      );
      e.that('topology converged, old master reattached', () => {
        expect(e.check('convergence').valid).to.equal(true);
        expect(e.check('reattach').valid).to.equal(true);
      });
    },
  };
};
