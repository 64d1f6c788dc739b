/**
 * fast-reboot with AOF persistence: the same kill -9 and immediate restart, but with `appendonly yes` and
 * `appendfsync everysec`, as the Redis persistence docs recommend. Where fast-reboot loses every acknowledged
 * write (the master comes back empty and the replicas copy it), the master here reloads its AOF, so at most the
 * writes of the last fsync period can go — and since kill -9 kills the process, not the machine, the kernel still
 * holds what Redis had written, so usually none.
 */
import { expect } from 'chai';
import { Kill } from '../../../lib/faults/kill.ts';
import { convergenceBoundMs, sentinelWriteRate, writerProcesses } from '../../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, fault, faultFrom, lostWrites, okWrites } from './support.ts';

/** appendfsync everysec: the AOF is fsynced once a second (redis.conf). */
const AOF_FSYNC_PERIOD_MS = 1000;
/** serverCron at the default hz 10: the everysec fsync is started from the event loop, up to one cron tick late. */
const REDIS_CRON_TICK_MS = 100;
/** The window before the kill whose acknowledged writes AOF everysec may lose. */
const AOF_LOSS_WINDOW_MS = AOF_FSYNC_PERIOD_MS + REDIS_CRON_TICK_MS;
/** Kill this long into the schedule, so that well over a loss window of writes precedes it. */
const KILL_AT_MS = 2000;
/** The master's log line when it loaded its dataset from the AOF on start (server.c, loadDataFromDisk). */
const AOF_LOADED = /DB loaded from append only file/;

export const fastRebootAof = (): Scenario => {
  return {
    id: 'fast-reboot-aof',
    title: 'kill -9 the master and start it again at once (AOF, appendfsync everysec)',
    tags: ['persistence', 'extended', 'kill', 'reboot', 'no-failover', 'loss'],
    description:
      'As fast-reboot — kill -9 the master and start it again at once, with down-after-milliseconds 2000 so the reboot is ' +
      'faster than failure detection (asserted) — but every redis node runs with `appendonly yes` and `appendfsync everysec`. ' +
      `The master is killed ${KILL_AT_MS} ms into a 200 writes/s workload.`,
    expectation:
      'No +sdown, no failover; Sentinel notices the reboot (+reboot). The master reloads its dataset from the AOF (its log ' +
      'says so), and the replicas, which resync from it, get that dataset back instead of an empty one. The AOF is ' +
      `fsynced every second, so at most the writes acknowledged in the last ${AOF_LOSS_WINDOW_MS} ms (1 s fsync period + a ` +
      '100 ms cron tick) before the kill may be lost — the write rate times that window — and every write acknowledged ' +
      'earlier survives. (A kill -9 leaves what Redis already wrote in the kernel, so usually nothing is lost; an ' +
      'operating-system crash is what the fsync period protects against.)',
    topology: { downAfterMs: 2000, redisConfig: ['appendonly yes', 'appendfsync everysec'] },
    schedule: [{ at: KILL_AT_MS, fault: new Kill('redis-0'), durationMs: 0 }],
    durationMs: KILL_AT_MS + 2500,
    failover: { expected: false },
    allowLoss: true,
    convergence: { timeoutMs: (t) => convergenceBoundMs(t) },
    expect: (r, e) => {
      const k = fault(r, 0);
      const back = k.end ?? Infinity;
      e.that('the reboot (as injected) was shorter than down-after (else this is kill-master)', () =>
        expect(back - k.start).to.be.below(r.topology.downAfterMs),
      );
      e.that('no failure detection and no failover: the master was back before down-after', () => {
        expect(e.figure('failover-timing', 'sdownFirst')).to.equal(null);
        expect(e.figure('failover-timing', 'switchFirst')).to.equal(null);
        expect(e.figure('reattach', 'finalMaster')).to.equal('redis-0');
      });
      e.that('Sentinel noticed the reboot (+reboot with a new run id)', () =>
        expect(events(r, '+reboot', { since: faultFrom(k), node: 'redis-0' })).to.have.length.greaterThan(0),
      );
      // Caught by: persistence not applied (the master starts empty and logs no AOF load).
      e.that('the restarted master loaded its dataset from the AOF (its log says so)', () =>
        expect(r.history.logs.filter((l) => l.node === 'redis-0' && l.time >= k.start && AOF_LOADED.test(l.text))).to.have.length.greaterThan(0),
      );
      const rate = sentinelWriteRate(DEFAULT_WORKLOAD);
      const maxLost = Math.ceil((rate * AOF_LOSS_WINDOW_MS) / 1000) + writerProcesses(DEFAULT_WORKLOAD);
      e.that(`at most the writes of one fsync period were lost (<= ${maxLost}: ${rate}/s x ${AOF_LOSS_WINDOW_MS} ms + processes in flight)`, () =>
        expect(lostWrites(r)).to.have.length.at.most(maxLost),
      );
      // fast-reboot loses all of these: caught by persistence off, or an AOF the master does not reload.
      const minEarly = Math.floor((rate * (KILL_AT_MS - AOF_LOSS_WINDOW_MS)) / 1000 / 2);
      e.that(`every write acknowledged more than ${AOF_LOSS_WINDOW_MS} ms before the kill survived (at least ${minEarly} of them)`, () => {
        const early = okWrites(r, (o) => o.f === 'add' && o.complete < k.start - AOF_LOSS_WINDOW_MS);
        expect(early.length, 'acknowledged early').to.be.at.least(minEarly);
        expect(lostWrites(r).filter((o) => o.complete < k.start - AOF_LOSS_WINDOW_MS), 'lost of them').to.have.length(0);
      });
      e.that('writes acknowledged after the restart are all kept', () => expect(lostWrites(r).filter((o) => o.invoke > back)).to.have.length(0));
      e.that('replicas attached to the restarted master, caught up', () => expect(e.check('reattach').valid).to.equal(true));
    },
  };
};
