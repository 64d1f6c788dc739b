/**
 * Sentinel persists a failover's outcome: every sentinel rewrites (and fsyncs) its config file when it switches
 * master, so a sentinel that took part in a failover and then restarts must come back with the new master and the
 * new configuration epoch from its OWN file. (Redis's suite relies on the same rewrite in 03-runtime-reconf.tcl and
 * 12-master-reboot.tcl.) The sentinel is restarted fully isolated, so it cannot learn anything from its peers or
 * from the redis nodes' hello messages: what it reports is what it read from its file.
 */
import { expect } from 'chai';
import { Isolate } from '../../../lib/faults/isolate.ts';
import { Kill } from '../../../lib/faults/kill.ts';
import { defaultChecks } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { pairs } from '../../../lib/topology/ready.ts';
import type { StartedSentinelTopology } from '../../../lib/topology/topology.ts';
import { healNow, injectNow, nodeOf, Observations, switchedSince } from './support.ts';

/** "redis-1@3": the master a sentinel reports (SENTINEL MASTER ip) and its configuration epoch. */
async function view(t: StartedSentinelTopology, sentinel: string): Promise<string> {
  const p = pairs(await t.adminCall(sentinel, 'SENTINEL', 'MASTER', t.masterName));
  return `${p['ip'] ?? '?'}@${p['config-epoch'] ?? '?'}`;
}

export const sentinelReload = (): Scenario => {
  const seen = new Observations();
  const kill = new Kill('master');
  return {
    id: 'sentinel-reload',
    title: 'a sentinel that took part in a failover, restarted isolated, reloads the new master and epoch from its own config',
    tags: ['sentinel-suite', 'extended', 'sentinel', 'kill', 'failover', 'config'],
    description:
      'kill -9 the master; the three sentinels fail over. Once every sentinel has switched, start the old master again, ' +
      'cut every link of sentinel-0 (to and from every node and client), kill -9 sentinel-0 and start it again, still ' +
      'cut off, and read SENTINEL MASTER from it through the harness\'s direct connection. Then heal the cut.',
    expectation:
      'Every sentinel rewrote its config at +switch-master (sentinelFlushConfig), so sentinel-0 restarts already ' +
      'monitoring the new master with the new config epoch — the same view it had before the kill and the others have ' +
      '— without any message from outside. It must not come back with the old master or epoch 0. One failover only.',
    schedule: [{ at: 300, fault: kill }],
    durationMs: 2500,
    failover: { expected: true, budgetMs: 8000 },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    during: async (ctx) => {
      seen.reset();
      const t = ctx.topology;
      const killed = ctx.faults[0]?.start ?? ctx.scheduleStart;
      await switchedSince(ctx, killed);
      const all = await Promise.all(
        t.sentinelNames().map((s) => ctx.events.waitFor((x) => x.type === '+switch-master' && x.sentinel === s, 2 * t.options.failoverTimeoutMs, killed)),
      );
      seen.set('sentinelsSwitched', all.filter((x) => x !== undefined).length);
      await healNow(ctx, kill);
      await seen.measure('views before the restart', async () => seen.set('before', (await Promise.all(t.sentinelNames().map((s) => view(t, s)))).join(' | ')));
      const isolate = new Isolate('sentinel-0');
      const restart = new Kill('sentinel-0');
      await injectNow(ctx, isolate);
      await injectNow(ctx, restart);
      await healNow(ctx, restart);
      await seen.measure('sentinel-0 after its isolated restart', async () => seen.set('afterRestart', await view(t, 'sentinel-0')));
      await healNow(ctx, isolate);
    },
    checks: (c) => [...defaultChecks(c), seen.check()],
    expect: (r, e) => {
      const n = r.topology.sentinels;
      e.that('every sentinel switched before the restart', () => expect(e.figure('observed', 'sentinelsSwitched')).to.equal(n));
      e.that('before the restart all sentinels report the new master with one epoch > 0', () => {
        const views = String(e.figure('observed', 'before')).split(' | ');
        expect(new Set(views).size).to.equal(1);
        const [host, epoch] = (views[0] ?? '').split('@');
        expect(host).to.equal(nodeOf(e.figure('failover-timing', 'newMaster')));
        expect(Number(epoch)).to.be.greaterThan(0);
      });
      e.that('restarted and cut off, sentinel-0 reports the same master and epoch (read from its own config file)', () => {
        const before = String(e.figure('observed', 'before')).split(' | ')[0];
        expect(e.figure('observed', 'afterRestart')).to.equal(before);
      });
      e.that('one failover to a replica within the budget; the old master reattached', () => {
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
        expect(e.check('reattach').valid).to.equal(true);
      });
      e.that('at most the writes in flight lost (<= 20); no split brain; converged', () => {
        expect(e.num('write-loss', 'lost')).to.be.at.most(20);
        expect(e.check('split-brain').valid).to.equal(true);
        expect(e.check('convergence').valid).to.equal(true);
      });
    },
  };
};
