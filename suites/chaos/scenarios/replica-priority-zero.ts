/** replica-priority 0 on one replica → it is never promoted. */
import { expect } from 'chai';
import { Kill } from '../../../lib/faults/kill.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, fault, healAfterSwitch, nodeOf } from './support.ts';


export const replicaPriorityZero = (): Scenario => {
  const kill = new Kill('redis-0');
  return {
    id: 'replica-priority-zero',
    title: 'replica-priority 0 on redis-1, kill -9 the master',
    tags: ['kill', 'failover', 'priority'],
    description:
      'redis-1 runs with `replica-priority 0`, redis-2 with the default 100. kill -9 the master (redis-0), restart it ' +
      '0.2 s after the failover. Between equal priorities Sentinel prefers the larger replication offset, then the ' +
      'lexicographically smaller run id — a coin toss here — so without the setting redis-1 would win about half the time.',
    expectation:
      'Priority 0 means "never promote": Sentinel does not even consider redis-1 (no +selected-slave or ' +
      '+promoted-slave for it) and promotes redis-2. redis-1 is reconfigured to replicate from redis-2 like any replica.',
    topology: { replicaPriority: [0, 100] },
    schedule: [{ at: 300, fault: kill }],
    during: healAfterSwitch(kill),
    durationMs: 2500,
    failover: { expected: true, budgetMs: 8000 },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const since = fault(r, 0).start;
      e.that('redis-2 (priority 100) was promoted', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.equal('redis-2');
        expect(e.check('failover-timing').valid).to.equal(true);
      });
      e.that('redis-1 (priority 0) was never selected nor promoted', () => {
        expect(events(r, '+selected-slave', { since, node: 'redis-1' })).to.have.length(0);
        expect(events(r, '+promoted-slave', { since, node: 'redis-1' })).to.have.length(0);
        expect(r.history.polls.filter((p) => p.node === 'redis-1' && p.time > since && p.role === 'master')).to.have.length(0);
      });
      e.that('redis-1 and the old master replicate from redis-2, caught up', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'finalMaster')).to.equal('redis-2');
      });
      e.that('at most the writes in flight at the kill were lost (<= 20)', () => expect(e.num('write-loss', 'lost')).to.be.at.most(20));
    },
  };
};
