/**
 * The master stalls inside its own process (DEBUG SLEEP, as Redis's own tests stall servers) for longer than
 * down-after: next to pause-master-long (the cgroup freezer), the stall Sentinel sees most often in production — a
 * slow command, a long fork, a blocked event loop. The process keeps running and its kernel keeps accepting and
 * buffering, so requests sent during the stall are executed when it ends.
 */
import { expect } from 'chai';
import { sleep } from '../../../lib/clock.ts';
import { DebugSleep } from '../../../lib/faults/debug-sleep.ts';
import type { FaultRecord, ScenarioResult } from '../../../lib/model.ts';
import {
  demotionEarliestMs,
  demotionLatestMs,
  inFlightLossBound,
  rateWindowRange,
  SCHEDULING_SLACK_MS,
  sentinelWriteRate,
  writerProcesses,
} from '../../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, fault, lostWrites, nodeOf, okWrites } from './support.ts';

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

/**
 * When the stall certainly held, and when the master woke, from the fault's record. The record's `start` is NOT the
 * stall's start: DebugSleep.inject sends DEBUG SLEEP right after `invokedAt` and then waits 250 ms for a refusal
 * before returning, so the server fell asleep between `invokedAt` and `start`, and woke exactly `sleepMs` later
 * (nanosleep in debug.c, Redis and Valkey alike) — between `invokedAt + sleepMs` and `start + sleepMs`. Nor is the
 * record's `end` the wake: the schedule heals `sleepMs` after `start`. Judging "acknowledged during the stall" up
 * to `end` therefore counted the writes the woken master acknowledged in its first ~250 ms (about rate x injectMs,
 * ~30-50 at 200 writes/s, on Redis 7.0.15 and Valkey 9.1.2 alike) as acknowledged while asleep.
 */
export interface StallWindow {
  /** From here to `wokeEarliest` the master was certainly asleep (the injecting call had returned). */
  asleepFrom: number;
  /** Earliest possible wake: `invokedAt + sleepMs`. Nothing the master acknowledges can complete before it. */
  wokeEarliest: number;
  /** Latest possible wake: `start + sleepMs` (a loaded machine may add scheduling delay; never less). */
  wokeLatest: number;
}

export function stallWindow(f: FaultRecord): StallWindow {
  const sleepMs = Number(f.detail?.['sleepMs']);
  if (!Number.isFinite(sleepMs)) throw new Error(`fault ${f.name} records no detail.sleepMs; fix: record it in DebugSleep's detail`);
  const invokedAt = f.invokedAt ?? f.start;
  return { asleepFrom: f.start, wokeEarliest: invokedAt + sleepMs, wokeLatest: f.start + sleepMs };
}

/** End of the Sentinel-routed write workload: the last completion of a write through Sentinel. */
function workloadEnd(r: ScenarioResult): number {
  return Math.max(...r.history.ops.filter((o) => o.via === 'sentinel' && o.f !== 'read').map((o) => o.complete));
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
      'those writes are lost when it resyncs from the new master (asynchronous replication, min-replicas-to-write 0): ' +
      'the write rate x the wake-to-end window, as the run ends before Sentinel can demote it (4 publish periods after ' +
      'its role report). Nothing is acknowledged during the stall, and at most the writes in flight before it are lost.',
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
      const w = stallWindow(f);
      const t = r.topology;
      e.that('the stall bit: the harness could not poll redis-0 during it, and redis-0 acknowledged nothing', () => {
        const during = r.history.polls.filter((p) => p.node === 'redis-0' && p.time > w.asleepFrom + 1000 && p.time < w.wokeEarliest - 1000);
        expect(during.length).to.be.greaterThan(0);
        expect(during.filter((p) => p.reachable)).to.have.length(0);
        const acked = okWrites(r, (o) => o.node === 'redis-0' && o.complete >= w.asleepFrom && o.complete < w.wokeEarliest);
        expect(acked, 'writes acknowledged by the sleeping redis-0').to.have.length(0);
      });
      e.that('a replica was promoted during the stall', () => {
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(f.start + e.num('failover-timing', 'switchFirst')).to.be.below(w.wokeEarliest);
      });
      // sentinelRefreshInstanceInfo: a demoted master reporting role master is converted once its role report is
      // older than 4 publish periods (and it has not been down for as long); it reports on the next INFO period.
      const earliest = demotionEarliestMs(t);
      const latest = demotionLatestMs(t) + SCHEDULING_SLACK_MS;
      e.that(`the woken old master was demoted (+convert-to-slave) ${earliest}..${latest} ms after it woke, and resynced`, () => {
        const convert = events(r, '+convert-to-slave', { node: 'redis-0', since: w.asleepFrom });
        expect(convert.length, '+convert-to-slave of redis-0').to.be.greaterThan(0);
        const at = Math.min(...convert.map((x) => x.time));
        expect(at - w.wokeEarliest, 'demotion after the earliest wake').to.be.at.least(earliest);
        expect(at - w.wokeLatest, 'demotion after the latest wake').to.be.at.most(latest);
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'redis-0.ms')).to.be.a('number');
      });
      // Clients still connected to redis-0 write to it from the wake on; the run ends before the earliest demotion
      // (asserted), so every write of that window is acknowledged by redis-0 and lost when it resyncs.
      const wl = DEFAULT_WORKLOAD;
      const end = workloadEnd(r);
      const range = rateWindowRange(sentinelWriteRate(wl), end - w.wokeLatest, writerProcesses(wl));
      const widest = rateWindowRange(sentinelWriteRate(wl), end - w.wokeEarliest, writerProcesses(wl));
      const before = inFlightLossBound(wl);
      e.that(
        `lost: the wake-to-end window's writes (${range.min}..${widest.max}: rate x ${Math.round(end - w.wokeLatest)}..${Math.round(end - w.wokeEarliest)} ms), all by redis-0; <= ${before} before the stall, none during it`,
        () => {
          expect(w.wokeEarliest + earliest, 'earliest demotion after the workload end').to.be.above(end);
          const lost = lostWrites(r);
          expect(lost.filter((o) => o.node !== 'redis-0'), 'lost writes acknowledged by another node').to.have.length(0);
          expect(lost.filter((o) => o.complete >= w.wokeEarliest).length, 'lost writes acknowledged after the wake').to.be.within(range.min, widest.max);
          expect(lost.filter((o) => o.complete < w.asleepFrom), 'lost writes acknowledged before the stall').to.have.length.at.most(before);
          expect(lost.filter((o) => o.complete >= w.asleepFrom && o.complete < w.wokeEarliest), 'lost writes acknowledged during the stall').to.have.length(0);
        },
      );
      e.that('split brain as declared; converged on the new master', () => {
        expect(e.check('split-brain').valid).to.equal(false);
        expect(e.figure('convergence', 'master')).to.equal(nodeOf(e.figure('failover-timing', 'newMaster')));
      });
    },
  };
};
