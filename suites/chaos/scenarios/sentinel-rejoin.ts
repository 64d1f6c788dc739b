/**
 * One of three sentinels down → the failover still happens; restarted, the sentinel learns the new master
 * from the others. (One run covers both: the second is the first plus the restart.)
 */
import { expect } from 'chai';
import { now, sleep } from '../../../lib/clock.ts';
import { Kill } from '../../../lib/faults/kill.ts';
import { StopSentinels } from '../../../lib/faults/stop-sentinels.ts';
import { defaultChecks } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { pairs } from '../../../lib/topology/ready.ts';
import { events, fault, healAfterSwitch, healNow, nodeOf, Observations } from './support.ts';


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
      'to elect a leader and authorise the failover: it happens as with three, and the dead one takes no part. ' +
      "The restarted sentinel reconnects to the instances it knew, receives the other sentinels' hello messages that " +
      'announce a newer configuration epoch with the new master, adopts it (+config-update-from, +switch-master from ' +
      'its own point of view) within a few hello periods, and then agrees with the others. It must not fight the ' +
      'failover or demote the new master.',
    schedule: [
      { at: 0, fault: stopSentinel },
      { at: 300, fault: kill },
    ],
    durationMs: 2500,
    failover: { expected: true, budgetMs: 8000, fromStep: 1 },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    during: async (ctx) => {
      seen.reset();
      const t = ctx.topology;
      await healAfterSwitch(kill, { thenMs: 0 })(ctx);
      const restarted = now();
      await healNow(ctx, stopSentinel);
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
      e.that('the two live sentinels failed over within the budget', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.check('failover-timing').valid).to.equal(true);
      });
      e.that('both live sentinels switched; sentinel-2 took no part', () => {
        const switches = events(r, '+switch-master', { since: killed.start }).filter((x) => x.sentinel !== 'sentinel-2');
        expect(new Set(switches.map((x) => x.sentinel))).to.have.all.keys('sentinel-0', 'sentinel-1');
        const firstSwitch = Math.min(...switches.map((x) => x.time));
        expect(r.history.events.filter((x) => x.sentinel === 'sentinel-2' && x.time >= killed.start && x.time <= firstSwitch)).to.have.length(
          0,
        );
      });
      e.that('sentinel-2 was restarted after the switch (it missed the failover)', () => {
        const first = Math.min(
          ...events(r, '+switch-master')
            .filter((x) => x.sentinel !== 'sentinel-2')
            .map((x) => x.time),
        );
        expect(first).to.be.below(restart);
      });
      e.that('restarted, sentinel-2 adopted the new master within 5 s', () => {
        expect(e.check('observed').valid).to.equal(true);
        expect(e.figure('observed', 'rejoinedMaster')).to.equal(nodeOf(e.figure('failover-timing', 'newMaster')));
        expect(e.num('observed', 'learnedAfterRestartMs')).to.be.below(5000);
      });
      e.that('the three sentinels hold the same config epoch', () => {
        const epochs = String(e.figure('observed', 'configEpochs')).split(',');
        expect(new Set(epochs).size).to.equal(1);
      });
      e.that('no second failover (sentinel-2 did not fight the new config)', () => expect(e.num('failover-timing', 'failovers')).to.equal(1));
      e.that('topology converged, old master reattached', () => {
        expect(e.check('convergence').valid).to.equal(true);
        expect(e.check('reattach').valid).to.equal(true);
      });
    },
  };
};
