/** The master is restarted immediately after kill -9 (fast reboot), persistence off → replicas wiped. */
import { expect } from 'chai';
import { Kill } from '../../../lib/faults/kill.ts';
import { sentinelWriteRate } from '../../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, fault, faultFrom, lostWrites, okWrites } from './support.ts';

/** A replica's log line for a full resync (it flushes its dataset and loads the master's). */
const FULL_SYNC = /Full resync from master/;

export const fastReboot = (): Scenario => {
  return {
    id: 'fast-reboot',
    title: 'kill -9 the master and start it again at once (persistence off)',
    tags: ['kill', 'reboot', 'no-failover', 'loss'],
    description:
      'kill -9 the master and immediately start it again (as a supervisor with auto-restart would), with persistence ' +
      'off. It is back within well under a second; down-after-milliseconds is 2000 here so that the reboot is always ' +
      'faster than failure detection, even on a slow machine (asserted). Sentinel option `master-reboot-down-after-period` is 0 ' +
      '(the default): a reboot alone is not treated as a failure.',
    expectation:
      'What Sentinel does: nothing. The master never looks down for down-after, so no +sdown/+odown and no failover; ' +
      'Sentinel only notices the new run id (+reboot). Meanwhile the replicas reconnect to the restarted, EMPTY master: ' +
      'its replication id is new, so they do a full resync and flush their own copy of the data. Every write ' +
      'acknowledged before the kill is LOST on all nodes; writes after the restart are kept. This is the data-loss ' +
      'hazard the Redis replication docs warn about (persistence off + automatic restart).',
    topology: { downAfterMs: 2000 },
    schedule: [{ at: 300, fault: new Kill('redis-0'), durationMs: 0 }],
    durationMs: 3000,
    failover: { expected: false },
    allowLoss: true,
    convergence: { timeoutMs: 10_000 },
    expect: (r, e) => {
      const k = fault(r, 0);
      const back = k.end ?? Infinity;
      e.that('the reboot (as injected) was shorter than down-after (else this is kill-master)', () =>
        expect(back - k.start).to.be.below(r.topology.downAfterMs),
      );
      // Caught by: a Sentinel that treats a reboot as a failure (master-reboot-down-after-period set) or a slow restart.
      e.that('no failure detection and no failover: the master was back before down-after', () => {
        expect(e.figure('failover-timing', 'sdownFirst')).to.equal(null);
        expect(e.figure('failover-timing', 'switchFirst')).to.equal(null);
        expect(e.figure('reattach', 'finalMaster')).to.equal('redis-0');
      });
      e.that('Sentinel noticed the reboot (+reboot with a new run id)', () =>
        expect(events(r, '+reboot', { since: faultFrom(k), node: 'redis-0' })).to.have.length.greaterThan(0),
      );
      e.that('both replicas did a full resync from the empty master', () => {
        for (const n of ['redis-1', 'redis-2']) {
          expect(
            r.history.logs.filter((l) => l.node === n && l.time >= k.start && FULL_SYNC.test(l.text)),
            n,
          ).to.have.length.greaterThan(0);
        }
      });
      // The replicas flush their copy in the full resync, so nothing from before survives: caught by persistence
      // left on, or replicas that kept their data.
      const minBefore = Math.floor((sentinelWriteRate(DEFAULT_WORKLOAD) * 300) / 1000 / 2);
      e.that(`every write acknowledged before the kill is lost (all of them, at least ${minBefore} written)`, () => {
        const before = okWrites(r, (o) => o.f === 'add' && o.complete < k.start);
        const lostBefore = lostWrites(r).filter((o) => o.complete < k.start);
        expect(before.length).to.be.at.least(minBefore);
        expect(lostBefore.length).to.equal(before.length);
      });
      e.that('writes acknowledged after the restart are all kept', () => expect(lostWrites(r).filter((o) => o.invoke > back)).to.have.length(0));
      e.that('replicas attached to the restarted master, caught up', () => expect(e.check('reattach').valid).to.equal(true));
    },
  };
};
