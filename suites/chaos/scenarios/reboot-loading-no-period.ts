/**
 * The control of reboot-loading: the same master restarted while it loads a large dataset, with Sentinel's
 * master-reboot-down-after-period left at 0 (the default, and the only behaviour before Redis 7.0). A loading master
 * answers PING with -LOADING, which Sentinel counts as a reply (sentinelPingReplyCallback): however long the load, it is
 * never +sdown and never failed over, and nobody can write until it has loaded. Its dataset is the RDB of its last
 * SAVE, and its replicas resync from it in full: the writes acknowledged after that SAVE are lost.
 */
import { expect } from 'chai';
import { Kill } from '../../../lib/faults/kill.ts';
import { convergenceBoundMs, rateWindowRange, sdownLatestMs, sentinelWriteRate, writerProcesses } from '../../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import {
  DESIGN_DOWN_AFTER_MS,
  fillAndSave,
  firstLog,
  KEY_LOAD_DELAY_US,
  LOADING_REDIS_CONFIG,
  loadingChecks,
  loadWindow,
  MASTER_NAME,
  rebootSeenLatestMs,
  throughTheLoad,
} from './loading-support.ts';
import { events, fault, faultFrom, lostWrites, Observations, okWrites, withSetup } from './support.ts';

/** A replica's log line for a full resync (it flushes its dataset and loads the master's). */
const FULL_SYNC = /Full resync from (master|primary)/;

export const rebootLoadingNoPeriod = (): Scenario => {
  const seen = new Observations();
  const restart = withSetup(new Kill('redis-0'), fillAndSave(seen));
  return {
    id: 'reboot-loading-no-period',
    title: 'the master restarts and loads for long, master-reboot-down-after-period 0: no failover, no writes until loaded',
    tags: ['persistence', 'extended', 'kill', 'reboot', 'no-failover', 'loss'],
    description:
      `As reboot-loading, with \`sentinel master-reboot-down-after-period ${MASTER_NAME} 0\` (the default) and down-after ` +
      `${DESIGN_DOWN_AFTER_MS}: redis-0 is filled (DEBUG POPULATE, on it only), SAVEd, killed with -9 and started at once, ` +
      `and loads its dump.rdb slowly (key-load-delay ${KEY_LOAD_DELAY_US} µs a key; 0 on the replicas) — far longer ` +
      'than down-after — answering -LOADING meanwhile.',
    expectation:
      'Each sentinel sees the new run id (+reboot), and nothing more: -LOADING counts as a reply to PING, so down-after ' +
      'never fires — no +sdown, no failover for the whole load. No write succeeds from the kill until the master has ' +
      'loaded. It comes back with the dataset of its last SAVE and a new replication id, so its replicas resync in ' +
      'full and drop what they had: every write acknowledged between the SAVE and the kill is lost, none before it.',
    topology: {
      masterName: MASTER_NAME,
      downAfterMs: DESIGN_DOWN_AFTER_MS,
      redisConfig: [...LOADING_REDIS_CONFIG],
      sentinelConfig: [`sentinel master-reboot-down-after-period ${MASTER_NAME} 0`],
    },
    schedule: [{ at: 300, fault: restart, durationMs: 0 }],
    // Through the end of the load and until writes succeed again.
    during: throughTheLoad(async () => {}),
    durationMs: 1000,
    failover: { expected: false },
    allowLoss: true,
    convergence: { timeoutMs: (t) => convergenceBoundMs(t) },
    // The replicas cannot resync before the master has loaded: Sentinel's reattachment bound counts from the end of the load.
    checks: loadingChecks(seen),
    expect: (r, e) => {
      const h = r.history;
      const k = fault(r, 0);
      const restarted = k.end ?? Infinity;
      const { begin = NaN, end = NaN } = loadWindow(h);
      const silentSdown = sdownLatestMs(r.topology, 'silent');
      // Caught by: no dataset to load, or a fast load: the master answers PONG before down-after could have fired.
      e.that(`the restarted master loaded its dataset from disk for longer than a silent master takes to be +sdown (${silentSdown} ms)`, () => {
        expect(begin, 'load begin (log)').to.be.above(k.start);
        expect(end - restarted, 'load end after the restart').to.be.above(silentSdown);
      });
      const seenLatest = rebootSeenLatestMs(r.topology);
      e.that(`every sentinel saw the reboot (+reboot <= ${seenLatest} ms after the restart)`, () => {
        for (const s of h.nodes.filter((n) => n.kind === 'sentinel').map((n) => n.name)) {
          const reboot = events(r, '+reboot', { since: faultFrom(k), sentinel: s, node: 'redis-0' })[0];
          expect(reboot, `${s} +reboot`).to.not.equal(undefined);
          expect((reboot?.time ?? Infinity) - restarted, `${s} +reboot after the restart`).to.be.at.most(seenLatest);
        }
      });
      // Caught by: a Sentinel that does not count -LOADING as a reply (down-after fires), or a reboot period set.
      e.that('no +sdown and no failover during the whole load: the master answering -LOADING counts as up', () => {
        expect(e.figure('failover-timing', 'sdownFirst'), 'first +sdown').to.equal(null);
        expect(e.figure('failover-timing', 'switchFirst'), 'first switch').to.equal(null);
        expect(e.figure('reattach', 'finalMaster')).to.equal('redis-0');
      });
      // Caught by: a master that serves writes while loading, or a failover.
      e.that('no write was acknowledged from the kill until the master had loaded; writes resumed after it', () => {
        expect(okWrites(r, (o) => o.complete > k.start && o.complete < end)).to.have.length(0);
        expect(e.figure('failover-timing', 'unavailableOpen'), 'writes recovered').to.equal(false);
      });
      // Caught by: a restarted master that keeps its replication id (its replicas would resync partially).
      e.that('both replicas resynced in full from the restarted master after its load', () => {
        for (const n of ['redis-1', 'redis-2']) expect(firstLog(h, n, FULL_SYNC, end), n).to.be.a('number');
      });
      const rate = sentinelWriteRate(DEFAULT_WORKLOAD);
      e.that('lost: exactly the writes acknowledged between the SAVE and the kill (rate x window), none before it or after the load', () => {
        const sent = e.num('observed', 'saveSentAt');
        const returned = e.num('observed', 'saveReturnedAt');
        const killSent = k.invokedAt ?? k.start;
        const lost = lostWrites(r);
        const between = okWrites(r, (o) => o.f === 'add' && o.invoke > returned && o.complete < killSent);
        // Writes sent while the SAVE ran are executed after it: the window is at least SAVE returned → kill sent, at most
        // SAVE sent → kill landed.
        const processes = writerProcesses(DEFAULT_WORKLOAD);
        const range = { min: rateWindowRange(rate, killSent - returned, processes).min, max: rateWindowRange(rate, k.start - sent, processes).max };
        expect(lost.filter((o) => o.complete < sent), 'lost of those acknowledged before the SAVE').to.have.length(0);
        expect(lost.filter((o) => o.invoke > end), 'lost of those sent after the load').to.have.length(0);
        expect(between.filter((o) => !lost.includes(o)), 'kept of those acknowledged between the SAVE and the kill').to.have.length(0);
        expect(lost.length, `lost (${range.min}..${range.max}: ${rate}/s x ${Math.round(killSent - returned)}..${Math.round(k.start - sent)} ms)`).to.be.within(range.min, range.max);
      });
    },
  };
};
