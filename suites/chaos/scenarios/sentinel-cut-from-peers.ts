/**
 * A sentinel cut off from its peers (only the sentinel↔sentinel links; it still reaches every redis node) when the
 * master dies: it cannot collect the opinions for +odown nor the votes to lead, so the majority side fails over
 * alone — and the cut-off sentinel still learns the new master from the hello messages on the redis nodes. Redis's
 * suite relies on the same rules (00-base.tcl "Failover is not possible without majority agreement").
 */
import { expect } from 'chai';
import { Kill } from '../../../lib/faults/kill.ts';
import { Partition } from '../../../lib/faults/partition.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, fault, healAfterSwitch, nodeOf } from './support.ts';

export const sentinelCutFromPeers = (): Scenario => {
  const cut = new Partition([['sentinel-0'], ['sentinel-1', 'sentinel-2']]);
  const kill = new Kill('master');
  return {
    id: 'sentinel-cut-from-peers',
    title: 'one sentinel cut off from the other sentinels, master killed: the majority fails over, the cut-off one cannot lead',
    tags: ['sentinel-suite', 'sentinel', 'partition', 'kill', 'failover'],
    description:
      'Cut every link between sentinel-0 and sentinel-1/sentinel-2, both directions (their links to the redis nodes and ' +
      "the clients' links stay up). 300 ms later kill -9 the master; start it again 0.2 s after the switch. The cut " +
      'lasts until the final heal.',
    expectation:
      'sentinel-0 marks the master +sdown like the others, but its is-master-down-by-addr questions cannot reach its ' +
      'peers: with quorum 2 it never gets the second opinion for +odown, never tries to fail over, is never asked for a ' +
      'vote and never leads. sentinel-1 and sentinel-2 are a quorum and a majority (2 of 3): one of them is elected and ' +
      'promotes a replica. sentinel-0 then reads the newer configuration epoch in the hello messages the others ' +
      'publish on the redis nodes and switches too (no second failover). The peers mark sentinel-0 +sdown.',
    schedule: [
      { at: 0, fault: cut },
      { at: 300, fault: kill },
    ],
    during: async (ctx) => {
      await healAfterSwitch(kill, { thenMs: 0 })(ctx);
      // Keep the cut until sentinel-0 has had four hello periods to read the new configuration on the redis nodes.
      const publish = ctx.topology.options.sentinelDebug['publish-period'] ?? 2000;
      const killed = ctx.faults[1]?.start ?? ctx.scheduleStart;
      await ctx.events.waitFor((x) => x.type === '+switch-master' && x.sentinel === 'sentinel-0', 4 * publish, killed);
    },
    durationMs: 2500,
    failover: { expected: true, budgetMs: 8000, fromStep: 1 },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const killed = fault(r, 1).start;
      const since = { since: killed };
      e.that('the cut bit: sentinel-1 and sentinel-2 marked sentinel-0 +sdown', () => {
        const who = events(r, '+sdown', { node: 'sentinel-0' })
          .filter((x) => x.instance?.kind === 'sentinel')
          .map((x) => x.sentinel);
        expect(new Set(who)).to.have.all.keys('sentinel-1', 'sentinel-2');
      });
      e.that('sentinel-0 saw the master +sdown but never +odown, never tried, never led', () => {
        expect(events(r, '+sdown', { ...since, sentinel: 'sentinel-0', node: 'redis-0' }).filter((x) => x.instance?.kind === 'master')).to.have.length(1);
        for (const type of ['+odown', '+try-failover', '+elected-leader', '+vote-for-leader', '+failover-state-select-slave']) {
          expect(events(r, type, { sentinel: 'sentinel-0' }), type).to.have.length(0);
        }
      });
      e.that('the leader was sentinel-1 or sentinel-2; one failover to a replica within the budget', () => {
        const leaders = events(r, '+elected-leader', since).map((x) => x.sentinel);
        expect(leaders).to.have.length(1);
        expect(leaders[0]).to.be.oneOf(['sentinel-1', 'sentinel-2']);
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
      });
      e.that('sentinel-0 learned the new master through the redis nodes (+switch-master while still cut off)', () => {
        const mine = events(r, '+switch-master', { ...since, sentinel: 'sentinel-0' });
        expect(mine).to.have.length(1);
        expect(mine[0]?.time ?? Infinity).to.be.below(fault(r, 0).end ?? Infinity);
      });
      e.that('old master reattached; at most the writes in flight lost (<= 20); no split brain; converged', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.num('write-loss', 'lost')).to.be.at.most(20);
        expect(e.check('split-brain').valid).to.equal(true);
        expect(e.check('convergence').valid).to.equal(true);
      });
    },
  };
};
