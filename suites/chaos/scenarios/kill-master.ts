import { expect } from 'chai';
import { Kill } from '../../../lib/faults/kill.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { FAILOVER_DOWN_AFTER_MS, fault, healAfterSwitch, nodeOf, okWrites } from './support.ts';

const kill = new Kill('master');

/** 1. kill -9 of the master → failover within budget; the restarted old master reattaches as a replica. */
export const killMaster: Scenario = {
  id: 'kill-master',
  title: 'kill -9 the master, restart it after the failover',
  tags: ['quick', 'kill', 'failover'],
  description:
    'SIGKILL the master from outside its container under a Sentinel-routed write load (2 clients, 200 writes/s); ' +
    'start it again 0.2 s after the sentinels switched to a new master. Persistence is off, so it comes back empty ' +
    'and as a master.',
  expectation:
    'Sentinels agree the master is down (+sdown, +odown), elect a leader and promote a replica within a few seconds; ' +
    'writes resume on the new master; Sentinel converts the restarted old master into a replica of the new one and it ' +
    'resyncs. Only writes in flight at the kill can be lost (replication on a local link lags well under 100 ms).',
  topology: { downAfterMs: FAILOVER_DOWN_AFTER_MS },
  schedule: [{ at: 300, fault: kill }],
  during: healAfterSwitch(kill),
  durationMs: 2500,
  failover: { expected: true, budgetMs: 8000 },
  allowLoss: true,
  convergence: { timeoutMs: 15_000 },
  expect: (r, e) => {
    e.that('a replica was promoted', () => expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']));
    e.that('one failover, phases ordered, writes back within the budget', () => {
      expect(e.check('failover-timing').valid).to.equal(true);
      expect(e.num('failover-timing', 'failovers')).to.equal(1);
    });
    e.that('no TILT, no aborted failover', () => {
      expect(e.num('failover-timing', 'tilt')).to.equal(0);
      expect(e.num('failover-timing', 'aborts')).to.equal(0);
    });
    e.that('the old master and the other replica replicate from the new master, caught up', () => {
      expect(e.check('reattach').valid).to.equal(true);
      expect(e.figure('reattach', 'redis-0.ms')).to.be.a('number');
    });
    e.that('writes were acknowledged before the kill and again on the new master after the switch', () => {
      const killed = fault(r, 0).start;
      const switched = killed + e.num('failover-timing', 'switchFirst');
      expect(
        okWrites(r, (o) => o.complete < killed),
        'before the kill',
      ).to.have.length.greaterThan(20);
      expect(
        okWrites(r, (o) => o.invoke > switched),
        'after the switch',
      ).to.have.length.greaterThan(10);
    });
    e.that('at most the writes in flight at the kill were lost (<= 20)', () => expect(e.num('write-loss', 'lost')).to.be.at.most(20));
    e.that('no writes acknowledged on a losing side', () => expect(e.check('split-brain').valid).to.equal(true));
    e.that('topology converged on the new master', () => {
      expect(e.check('convergence').valid).to.equal(true);
      expect(e.figure('convergence', 'master')).to.equal(nodeOf(e.figure('failover-timing', 'newMaster')));
    });
  },
};
