/**
 * Port of "Failover works if we configure for absolute agreement" (Redis's tests/sentinel/tests/00-base.tcl): with
 * quorum equal to the number of sentinels, a dead master is still failed over when every sentinel is up — the
 * +odown needs every sentinel's opinion. (quorum-unreachable covers the other half: one sentinel down, no failover.)
 */
import { expect } from 'chai';
import { Kill } from '../../../lib/faults/kill.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, fault, healAfterSwitch, nodeOf } from './support.ts';

export const absoluteQuorum = (): Scenario => {
  const kill = new Kill('master');
  return {
    id: 'absolute-quorum',
    title: 'quorum = number of sentinels (3 of 3), all up: kill -9 the master, failover',
    tags: ['sentinel-suite', 'quorum', 'kill', 'failover'],
    description:
      'Sentinels monitor with quorum 3 of 3. kill -9 the master under a Sentinel-routed write load; start it again 0.2 s ' +
      'after the sentinels switched.',
    expectation:
      'Every sentinel sees the master +sdown (down-after without a reply); the sentinel that turns it +odown reports ' +
      '"#quorum 3/3" — it counted its own opinion and both peers\' — so +odown comes only after all three +sdown. A ' +
      'majority (2 of 3) elects a leader, which promotes a replica; every sentinel switches; the restarted old master ' +
      'becomes a replica of the new one. Only writes in flight at the kill can be lost.',
    topology: { quorum: 3 },
    schedule: [{ at: 300, fault: kill }],
    during: healAfterSwitch(kill),
    durationMs: 2500,
    failover: { expected: true, budgetMs: 8000 },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const killed = fault(r, 0).start;
      const n = r.topology.sentinels;
      const sdowns = events(r, '+sdown', { since: killed, node: 'redis-0' }).filter((x) => x.instance?.kind === 'master');
      const odowns = events(r, '+odown', { since: killed, node: 'redis-0' });
      e.that('the quorum is every sentinel', () => expect(r.topology.quorum).to.equal(n));
      e.that('every sentinel saw the master +sdown', () => expect(new Set(sdowns.map((x) => x.sentinel)).size).to.equal(n));
      e.that(`+odown only with all ${n} opinions ("#quorum ${n}/${n}"), after every sentinel's +sdown`, () => {
        expect(odowns, '+odown events').to.have.length.greaterThan(0);
        for (const o of odowns) expect(o.payload).to.contain(`#quorum ${n}/${n}`);
        const lastSdown = Math.max(...sdowns.map((x) => x.time));
        expect(Math.min(...odowns.map((x) => x.time))).to.be.at.least(lastSdown);
      });
      e.that('one failover: a replica promoted, every sentinel switched', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
        expect(new Set(events(r, '+switch-master', { since: killed }).map((x) => x.sentinel)).size).to.equal(n);
      });
      e.that('the old master reattached; at most the writes in flight were lost (<= 20)', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.num('write-loss', 'lost')).to.be.at.most(20);
      });
      e.that('no split brain; converged on the new master', () => {
        expect(e.check('split-brain').valid).to.equal(true);
        expect(e.figure('convergence', 'master')).to.equal(nodeOf(e.figure('failover-timing', 'newMaster')));
      });
    },
  };
};
