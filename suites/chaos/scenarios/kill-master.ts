import { expect } from 'chai';
import { Kill } from '../../../lib/faults/kill.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';

/** 1. kill -9 of the master → failover within budget; the restarted old master reattaches as a replica. */
export const killMaster: Scenario = {
  id: 'kill-master',
  title: 'kill -9 the master, restart it later',
  tags: ['quick', 'kill', 'failover'],
  description: 'SIGKILL the master from outside its container under a Sentinel-routed write load; restart it 4 s later.',
  expectation: 'Sentinels fail over within the budget; phases are ordered; writes resume on the new master; every replica and the restarted old master replicate from the new master.',
  schedule: [{ at: 1000, fault: new Kill('master'), durationMs: 4000 }],
  durationMs: 8000,
  failover: { expected: true, budgetMs: 15000 },
  allowLoss: true,
  expect: (r, e) => {
    e.that('a new master was elected', () => expect(e.figure('failover-timing', 'newMaster')).to.be.a('string'));
    e.that('phases are ordered and within budget', () => expect(e.check('failover-timing').valid).to.equal(true));
    e.that('all replicas, old master included, reattached', () => expect(e.check('reattach').valid).to.equal(true));
    e.that('write loss computed from the real history', () => expect(e.num('write-loss', 'acked')).to.be.greaterThan(100));
    e.that('no writes acknowledged on a losing side', () => expect(e.check('split-brain').valid).to.equal(true));
    e.that('topology converged', () => expect(e.check('convergence').valid).to.equal(true));
  },
};
