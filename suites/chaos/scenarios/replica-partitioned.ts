/** A replica partitioned away during a failover is reconfigured to the new master after the heal. */
import { expect } from 'chai';
import { Isolate } from '../../../lib/faults/isolate.ts';
import { Kill } from '../../../lib/faults/kill.ts';
import { inFlightLossBound, SCHEDULING_SLACK_MS, SENTINEL_PING_PERIOD_MS, SENTINEL_TICK_MS, sentinelPeriods } from '../../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, expectBoundedFailover, fault, healAfterSwitch, nodeOf } from './support.ts';

export const replicaPartitioned = (): Scenario => {
  const isolate = new Isolate('redis-2');
  const kill = new Kill('redis-0');
  return {
    id: 'replica-partitioned',
    title: 'isolate a replica, kill -9 the master, heal the replica after the failover',
    tags: ['partition', 'kill', 'failover'],
    description:
      "Isolate redis-2 (every link cut), 100 ms later kill -9 the master; restore redis-2's links 0.2 s after the " +
      'failover. The old master stays down until the final heal, so redis-2 comes back pointing at a dead master. ' +
      '(Had the old master been restarted first, redis-2 would reconnect to it — empty and still a master until ' +
      'Sentinel converts it — and wipe its own copy in a full resync: observed while developing this scenario.) ' +
      "failover-timeout is 3000 ms here: Sentinel waits that long before fixing a replica's master.",
    expectation:
      'The failover promotes the only reachable replica, redis-1 (a disconnected replica is never a candidate), and ' +
      'finishes without redis-2 (it is down, so it is not waited for). Once redis-2 is reachable again Sentinel notices ' +
      'it replicates from the wrong master and, once it has been reachable for failover-timeout, reconfigures it ' +
      '(+fix-slave-config): it ends up ' +
      'replicating from redis-1, caught up. Nothing acknowledged is lost but writes in flight at the kill.',
    schedule: [
      { at: 300, fault: isolate },
      { at: 400, fault: kill },
    ],
    topology: { failoverTimeoutMs: 3000 },
    during: healAfterSwitch(isolate),
    durationMs: 2500,
    failover: { expected: true, fromStep: 1 },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const healed = fault(r, 0).end ?? Infinity;
      e.that('redis-1, the only reachable replica, was promoted', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.equal('redis-1');
        expect(e.check('failover-timing').valid).to.equal(true);
      });
      e.that('the isolated replica was not reconfigured before the heal', () =>
        expect(r.history.polls.filter((p) => p.node === 'redis-2' && p.time < healed && p.masterOf === 'redis-1')).to.have.length(0),
      );
      expectBoundedFailover(r, e, 'closed', { faultIndex: 1 });
      // Sentinel fixes a replica's master only once it has not been down for failover-timeout, on an INFO reply (its
      // info period), after reconnecting (one ping period): caught by a Sentinel that fixes it at once, or never.
      const t = r.topology;
      const fixBy = t.failoverTimeoutMs + SENTINEL_PING_PERIOD_MS + sentinelPeriods(t).infoMs + SENTINEL_TICK_MS + SCHEDULING_SLACK_MS;
      e.that(`after the heal Sentinel reconfigured redis-2 to replicate from redis-1, ${t.failoverTimeoutMs}..${fixBy} ms after it`, () => {
        const fixed = events(r, '+fix-slave-config', { since: healed, node: 'redis-2' });
        expect(fixed, '+fix-slave-config for redis-2').to.have.length.greaterThan(0);
        expect((fixed[0]?.time ?? Infinity) - healed).to.be.within(t.failoverTimeoutMs, fixBy);
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'redis-2.ms')).to.be.a('number');
      });
      const maxLost = inFlightLossBound(DEFAULT_WORKLOAD);
      e.that(`at most the writes within the replication lag of the kill were lost (<= ${maxLost})`, () =>
        expect(e.num('write-loss', 'lost')).to.be.at.most(maxLost),
      );
      e.that('topology converged on redis-1', () => expect(e.figure('convergence', 'master')).to.equal('redis-1'));
    },
  };
};
