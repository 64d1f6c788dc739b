/** Master isolated (every link cut) → failover; after heal the old master reattaches. */
import { expect } from 'chai';
import { Isolate } from '../../../lib/faults/isolate.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { healAfterSwitch, nodeOf } from './support.ts';


export const isolateMaster = (): Scenario => {
  const isolate = new Isolate('master');
  return {
    id: 'isolate-master',
    title: 'isolate the master from everything until after the failover, then heal',
    tags: ['partition', 'isolate', 'failover'],
    description:
      'Cut every link into and out of the master (replicas, sentinels and every client group) through the toxiproxy ' +
      'sidecars, and heal 0.2 s after the sentinels switched to a new master. The master process keeps running with its data. Links are cut, not silenced: ' +
      'open connections close at once.',
    expectation:
      'The majority fails over. While isolated the old master cannot reach anyone, so it acknowledges nothing: ' +
      'there are two masters for a while but no writes on the losing side, and at most writes in flight at the cut are ' +
      'lost. After the heal Sentinel demotes the old master, which resyncs from the new one.',
    schedule: [{ at: 300, fault: isolate }],
    during: healAfterSwitch(isolate),
    durationMs: 2500,
    failover: { expected: true, budgetMs: 8000 },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    expect: (_r, e) => {
      e.that('a replica was promoted within the budget', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
      });
      e.that('two masters for a while, but no write acknowledged on the losing side', () => {
        expect(e.num('split-brain', 'dualMasterMs')).to.be.greaterThan(0);
        expect(e.num('split-brain', 'losingSideWrites')).to.equal(0);
      });
      e.that('at most the writes in flight at the cut were lost (<= 20)', () => expect(e.num('write-loss', 'lost')).to.be.at.most(20));
      e.that('the old master was demoted after the heal and resynced', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'redis-0.ms')).to.be.a('number');
      });
      e.that('topology converged', () => expect(e.check('convergence').valid).to.equal(true));
    },
  };
};
