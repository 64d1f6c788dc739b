/** Graceful shutdown (SIGTERM) of the master → failover; nothing acknowledged is lost. */
import { expect } from 'chai';
import { Shutdown } from '../../../lib/faults/shutdown.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { expectBoundedFailover, fault, healAfterSwitch, nodeOf } from './support.ts';

export const shutdownMaster = (): Scenario => {
  const shutdown = new Shutdown('master');
  return {
    id: 'shutdown-master',
    title: 'graceful shutdown of the master (SIGTERM), restart it after the failover',
    tags: ['shutdown', 'failover'],
    requires: ['shutdown-waits-for-replicas'], // its no-loss expectation rests on the 7.0 shutdown (seen failing on 5.0.6)
    description:
      'Stop the master with SIGTERM (docker stop) under write load; start it again 0.2 s after the failover. Since Redis 7.0 a ' +
      'master shutting down on SIGTERM pauses writes and waits (shutdown-timeout, 10 s) until its replicas have ' +
      'acknowledged its whole replication stream before it exits.',
    expectation:
      'Sentinel has no notion of a planned shutdown: it detects the master as down after down-after and fails over just ' +
      'as for a crash. Because the master drained its replication stream first, no acknowledged write is lost. The ' +
      'restarted old master is converted into a replica of the new one.',
    schedule: [{ at: 300, fault: shutdown }],
    during: healAfterSwitch(shutdown),
    durationMs: 2500,
    failover: { expected: true },
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      e.that('a replica was promoted, one failover', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
      });
      // The connections close when the process exits, at the end of the (timed) docker stop.
      expectBoundedFailover(r, e, 'closed');
      e.that('the master waited for its replicas before exiting (its log says so)', () => {
        // SIGTERM goes out when the stop call is made (invokedAt); the call returns only once the process has
        // exited (`start`), after it waited for its replicas — so its log lines come before `start`.
        const f = fault(r, 0);
        const stop = f.invokedAt ?? f.start;
        const lines = r.history.logs.filter(
          (l) => l.node === 'redis-0' && l.time >= stop - 1000 && /Waiting for replicas before shutting down/.test(l.text),
        );
        expect(lines, 'redis-0 shutdown log lines').to.have.length.greaterThan(0);
      });
      e.that('no acknowledged write lost (the shutdown drained replication)', () => {
        expect(e.check('write-loss').valid).to.equal(true);
        expect(e.num('write-loss', 'lost')).to.equal(0);
      });
      e.that('the old master and the other replica replicate from the new master, caught up', () =>
        expect(e.check('reattach').valid).to.equal(true),
      );
      e.that('topology converged', () => expect(e.check('convergence').valid).to.equal(true));
    },
  };
};
