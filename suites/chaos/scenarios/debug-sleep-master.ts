/**
 * The master stalls inside its own process (DEBUG SLEEP, as Redis's own tests stall servers) for longer than
 * down-after: next to pause-master-long (the cgroup freezer), the stall Sentinel sees most often in production — a
 * slow command, a long fork, a blocked event loop. The process keeps running and its kernel keeps accepting and
 * buffering, so requests sent during the stall are executed when it ends.
 */
import { expect } from 'chai';
import { sleep } from '../../../lib/clock.ts';
import { DebugSleep } from '../../../lib/faults/debug-sleep.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { fault, lostWrites, nodeOf } from './support.ts';

/** The down-after this scenario is designed around (the topology default). */
const DESIGN_DOWN_AFTER_MS = 1500;

/**
 * Stall length: three times down-after — the sentinels need down-after plus at most one PING period to mark the
 * master +sdown, then an election and a promotion; a further down-after of margin lets the switch land inside the
 * stall on a loaded machine.
 */
export function stallMs(downAfterMs: number): number {
  return 3 * downAfterMs;
}

export const debugSleepMaster = (): Scenario => {
  // Pinned (and set on the topology below): the fault's length is derived from it when the scenario is built.
  const downAfter = DESIGN_DOWN_AFTER_MS;
  const stall = new DebugSleep('master', stallMs(downAfter));
  return {
    id: 'debug-sleep-master',
    title: 'the master stalls in-process (DEBUG SLEEP) longer than down-after: failover, the woken old master is demoted',
    tags: ['sentinel-suite', 'extended', 'pause', 'failover', 'loss'],
    description:
      `DEBUG SLEEP ${stallMs(downAfter) / 1000} on the master (3 × down-after) under a Sentinel-routed write load, sent ` +
      'on a connection of its own; the run goes on 1 s after it wakes. The redis nodes run with enable-debug-command yes.',
    expectation:
      'To Sentinel a stalled master is a silent one: +sdown after down-after, +odown, a replica promoted — all during ' +
      'the stall. On waking the old master executes what was buffered and, still believing it is the master, ' +
      'acknowledges the writes of the clients still connected to it until Sentinel demotes it (SLAVEOF + CLIENT KILL); ' +
      'those writes are lost when it resyncs from the new master (asynchronous replication, min-replicas-to-write 0). ' +
      'Nothing acknowledged during the stall, and at most the writes in flight before it, are lost.',
    topology: { downAfterMs: downAfter, redisConfig: ['enable-debug-command yes'] },
    schedule: [{ at: 300, fault: stall, durationMs: stallMs(downAfter) }],
    during: async () => {
      // The schedule returns once the step's heal has (the sleep is over); run on 1 s after it, as pause-master-long does.
      await sleep(1000);
    },
    durationMs: 300,
    failover: { expected: true },
    allowLoss: true,
    expectedOutcomes: {
      'split-brain': {
        valid: false,
        why: 'the woken old master acknowledges writes of clients still connected to it until Sentinel demotes it',
      },
    },
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const f = fault(r, 0);
      const woke = f.end ?? Infinity;
      e.that('the stall bit: the harness could not poll redis-0 during it', () => {
        const during = r.history.polls.filter((p) => p.node === 'redis-0' && p.time > f.start + 1000 && p.time < woke - 1000);
        expect(during.length).to.be.greaterThan(0);
        expect(during.filter((p) => p.reachable)).to.have.length(0);
      });
      e.that('a replica was promoted during the stall', () => {
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(f.start + e.num('failover-timing', 'switchFirst')).to.be.below(woke);
      });
      e.that('the woken old master was demoted and resynced from the new master', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'redis-0.ms')).to.be.a('number');
      });
      e.that('lost writes: some, all acknowledged by the old master after it woke', () => {
        const lost = lostWrites(r);
        expect(lost.length, 'lost writes').to.be.greaterThan(0);
        expect(lost.filter((o) => o.complete < f.start + 100), 'acknowledged before the stall').to.have.length.at.most(20);
        expect(lost.filter((o) => o.complete >= f.start + 100 && o.complete < woke - 100), 'acknowledged during the stall').to.have.length(0);
      });
      e.that('split brain as declared; converged on the new master', () => {
        expect(e.check('split-brain').valid).to.equal(false);
        expect(e.figure('convergence', 'master')).to.equal(nodeOf(e.figure('failover-timing', 'newMaster')));
      });
    },
  };
};
