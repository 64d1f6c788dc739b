/** kill -9 of one replica → no failover; the restarted replica resyncs from the master. */
import { expect } from 'chai';
import { Kill } from '../../../lib/faults/kill.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, fault } from './support.ts';

/** A replica's log line for a completed partial or full resync. */
const RESYNCED = /Successful partial resynchronization with master|MASTER <-> REPLICA sync: Finished with success/;

export const killReplica = (): Scenario => {
  return {
    id: 'kill-replica',
    title: 'kill -9 one replica, restart it',
    tags: ['quick', 'kill', 'replica', 'no-failover'],
    description:
      'SIGKILL redis-2 (a replica) under write load and start it again 1.2 s later. Persistence is off (`save ""`), but ' +
      'a replica still keeps on disk the RDB of its initial sync, with the replication id and offset in it: on restart it ' +
      'loads that and asks for a partial resync from that offset, which the master can serve from its backlog (1 MB, ' +
      'far more than the few seconds of writes here). Observed: a partial resync, no full sync.',
    expectation:
      'Sentinels mark the replica +sdown and, once back, -sdown; the master is never in doubt (no +odown, no failover); ' +
      'writes through Sentinel are not interrupted and nothing is lost; the replica resyncs (partially, see the ' +
      'description; a full sync would do as well) and catches up.',
    schedule: [{ at: 300, fault: new Kill('redis-2'), durationMs: 1200 }],
    durationMs: 2200,
    failover: { expected: false },
    convergence: { timeoutMs: 10_000 },
    expect: (r, e) => {
      const kill = fault(r, 0);
      e.that('no failover, the master never went +sdown', () => {
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.figure('failover-timing', 'sdownFirst')).to.equal(null);
        expect(e.figure('failover-timing', 'odown')).to.equal(null);
      });
      e.that('Sentinel noticed the dead replica (+sdown slave redis-2)', () =>
        expect(events(r, '+sdown', { since: kill.start, node: 'redis-2' })).to.have.length.greaterThan(0),
      );
      e.that('writes were never interrupted for more than a command timeout', () =>
        expect(e.num('failover-timing', 'unavailableMs')).to.be.below(1000),
      );
      e.that('no acknowledged write lost', () => expect(e.num('write-loss', 'lost')).to.equal(0));
      e.that('the restarted replica resynced from the master (its log says so)', () => {
        const synced = r.history.logs.filter((l) => l.node === 'redis-2' && l.time >= kill.start && RESYNCED.test(l.text));
        expect(synced).to.have.length.greaterThan(0);
      });
      e.that('both replicas replicate from redis-0, caught up', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'finalMaster')).to.equal('redis-0');
      });
      e.that('topology converged on redis-0', () => expect(e.figure('convergence', 'master')).to.equal('redis-0'));
    },
  };
};
