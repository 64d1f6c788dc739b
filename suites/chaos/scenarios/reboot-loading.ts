/**
 * The master restarts and spends a long time LOADING its dataset, with Sentinel's `master-reboot-down-after-period`
 * set (Redis >= 7.0, Valkey). A loading master answers PING with -LOADING, which Sentinel counts as a valid reply
 * (sentinelPingReplyCallback), so down-after never fires: without the option such a master is not failed over however
 * long it loads. With it, a sentinel that sees the master's run id change (INFO, "+reboot") flags it SRI_MASTER_REBOOT,
 * and if no PONG clears the flag within the period, the master is +sdown (sentinelCheckSubjectivelyDown) — the failover
 * this scenario expects. Its mutant (suites/chaos/mutants.ts) runs it with the period 0: no failover, so it fails.
 */
import { expect } from 'chai';
import { Kill } from '../../../lib/faults/kill.ts';
import type { ScenarioResult } from '../../../lib/model.ts';
import {
  convergenceBoundMs,
  demotionLatestMs,
  ELECTED_AFTER_ODOWN_MS,
  inFlightLossBound,
  ODOWN_AFTER_SDOWN_MS,
  PROMOTED_AFTER_SELECTED_MS,
} from '../../../lib/scenario/bounds.ts';
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
  rebootPeriodMs,
  rebootSdownLatestMs,
  rebootSeenLatestMs,
  throughTheLoad,
} from './loading-support.ts';
import { fault, lostWrites, nodeOf, Observations, okWrites, switchedSince, withSetup } from './support.ts';

/** The replica side of a demotion: REPLICAOF accepted (replicaofCommand). */
const REPLICAOF_ON = /(REPLICAOF|SLAVE OF) \S+ enabled/;

/** Per sentinel: its own +reboot of the master (its log time) and its first master +sdown after that, both after `since`. */
function rebootToSdown(r: ScenarioResult, master: string, since: number): { sentinel: string; reboot: number; sdown?: number }[] {
  const out: { sentinel: string; reboot: number; sdown?: number }[] = [];
  for (const s of r.history.nodes.filter((n) => n.kind === 'sentinel').map((n) => n.name)) {
    const mine = r.history.logs.filter((l) => l.node === s && l.time >= since);
    const reboot = mine.find((l) => l.text.startsWith(`+reboot master ${master} `))?.time;
    if (reboot === undefined) continue;
    const sdown = mine.find((l) => l.time >= reboot && l.text.startsWith(`+sdown master ${master} `))?.time;
    out.push({ sentinel: s, reboot, ...(sdown !== undefined ? { sdown } : {}) });
  }
  return out;
}

export const rebootLoading = (): Scenario => {
  const downAfter = DESIGN_DOWN_AFTER_MS;
  const period = rebootPeriodMs(downAfter);
  const seen = new Observations();
  const restart = withSetup(new Kill('redis-0'), fillAndSave(seen));
  return {
    id: 'reboot-loading',
    title: 'the master restarts and loads for longer than master-reboot-down-after-period: failover during the load',
    tags: ['persistence', 'extended', 'kill', 'reboot', 'failover'],
    description:
      `Sentinels run with \`sentinel master-reboot-down-after-period ${MASTER_NAME} ${period}\` (2 × down-after ${downAfter}). ` +
      'redis-0 (the master) is filled with a dataset (DEBUG POPULATE, on it only: it stands for a large dataset, and the ' +
      "old master's resync after the failover stays short) and SAVEd to its dump.rdb, then killed with -9 and started " +
      `at once. The master runs with key-load-delay ${KEY_LOAD_DELAY_US} µs (each key loaded sleeps that long; 0 on the replicas) and ` +
      'loading-process-events-interval-bytes 1024, so the restarted master loads for at least as long as the failover ' +
      'may take and, like a master loading a really large dataset, answers every request meanwhile — with -LOADING; and ' +
      'with min-replicas-to-write 1 (see the expectation).',
    expectation:
      'Each sentinel reconnects and its INFO shows a new run id: +reboot. The master answers PING with -LOADING, which ' +
      'Sentinel accepts as a reply, so down-after never fires; but as it does not answer PONG, each sentinel marks it ' +
      `+sdown ${period} ms (the reboot period) after its own +reboot; +odown, an election and a promotion follow while the ` +
      'old master still loads. Sentinel tries to demote it at every INFO, but REPLICAOF is refused while loading: the ' +
      'first one after the load succeeds. Writes through Sentinel fail from the kill to the switch; ioredis clients, ' +
      'whose ready check waits on the loading master without asking Sentinel again, fail until it has loaded. At most the ' +
      'writes in flight at the kill are lost. Between the end of the load and the demotion the old master is a master ' +
      'again; min-replicas-to-write 1 makes it refuse writes then (it has no replica). Without it, the clients that ' +
      'waited on it may get writes acknowledged there and lost: 78 in one run; how many depends on when their ready check ' +
      "passes and on Sentinel's next INFO (up to one info period after the load, sometimes a few ms).",
    topology: {
      masterName: MASTER_NAME,
      downAfterMs: downAfter,
      redisConfig: [
        ...LOADING_REDIS_CONFIG,
        // Without it the old master, once loaded, is a writable master until Sentinel's next INFO demotes it: clients
        // that waited on it (ioredis) get writes acknowledged there and lost (78 in one run), or none, by timing.
        'min-replicas-to-write 1',
        'min-replicas-max-lag 10',
      ],
      sentinelConfig: [`sentinel master-reboot-down-after-period ${MASTER_NAME} ${period}`],
    },
    schedule: [{ at: 300, fault: restart, durationMs: 0 }],
    // Through the switch, the end of the load (the old master's demotion) and until writes succeed again.
    during: throughTheLoad((ctx, killed) => switchedSince(ctx, killed)),
    durationMs: 1000,
    failover: { expected: true },
    allowLoss: true,
    convergence: { timeoutMs: (t) => convergenceBoundMs(t) },
    // The old master refuses REPLICAOF while it loads: Sentinel's reattachment bound counts from the end of the load.
    checks: loadingChecks(seen),
    expect: (r, e) => {
      const h = r.history;
      const k = fault(r, 0);
      const restarted = k.end ?? Infinity;
      const load = loadWindow(h);
      const begin = load.begin ?? NaN;
      const end = load.end ?? NaN;
      // Read inside each expectation: without a switch, e.num throws there, and only that expectation fails.
      const sw = (): number => k.start + e.num('failover-timing', 'switchFirst');
      // Caught by: no dataset to load (no SAVE, or a fast load): the master answers PONG before the period is over.
      e.that('the restarted master loaded its dataset from disk, and was still loading at the switch', () => {
        expect(begin, 'load begin (log)').to.be.above(k.start);
        expect(end, 'load end (log)').to.be.above(begin);
        expect(sw(), 'first +switch-master').to.be.below(end);
      });
      const seenLatest = rebootSeenLatestMs(r.topology);
      const latest = rebootSdownLatestMs(period);
      // Caught by: master-reboot-down-after-period 0 (no +sdown at all: the mutant), or a +sdown from down-after (a
      // loading master that does not answer), which comes earlier than the period after the +reboot.
      e.that(`each sentinel: +reboot <= ${seenLatest} ms after the restart, its master +sdown ${period}..${latest} ms after its +reboot`, () => {
        const per = rebootToSdown(r, MASTER_NAME, k.start);
        expect(per.filter((p) => p.sdown !== undefined).length, 'sentinels with +reboot then +sdown').to.be.at.least(r.topology.quorum);
        for (const p of per) {
          expect(p.reboot - restarted, `${p.sentinel} +reboot after the restart`).to.be.at.most(seenLatest);
          if (p.sdown !== undefined) expect(p.sdown - p.reboot, `${p.sentinel} +sdown after its +reboot`).to.be.within(period, latest);
        }
        const early = h.logs.filter((l) => l.time >= k.start && l.text.startsWith(`+sdown master ${MASTER_NAME} `) && !per.some((p) => p.sentinel === l.node && l.time >= p.reboot));
        expect(early.map((l) => `${l.node} ${Math.round(l.time - k.start)} ms`), 'master +sdown before the sentinel saw the reboot').to.deep.equal([]);
      });
      e.that(`+odown <= ${ODOWN_AFTER_SDOWN_MS} ms after +sdown, elected <= ${ELECTED_AFTER_ODOWN_MS} ms after, promoted <= ${PROMOTED_AFTER_SELECTED_MS} ms after selection`, () => {
        expect(e.num('failover-timing', 'odown') - e.num('failover-timing', 'sdownFirst'), 'odown - sdown').to.be.at.most(ODOWN_AFTER_SDOWN_MS);
        expect(e.num('failover-timing', 'elected') - e.num('failover-timing', 'odown'), 'elected - odown').to.be.at.most(ELECTED_AFTER_ODOWN_MS);
        expect(e.num('failover-timing', 'promoted') - e.num('failover-timing', 'selectedReplica'), 'promoted - selected').to.be.at.most(PROMOTED_AFTER_SELECTED_MS);
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
      });
      // Caught by: a Redis that accepts REPLICAOF while loading (demoted before the end of the load), or a Sentinel
      // that stops trying once its first SLAVEOF failed.
      e.that(`the old master was demoted only once loaded: REPLICAOF within ${demotionLatestMs(r.topology)} ms after the load, then resynced`, () => {
        const on = firstLog(h, 'redis-0', REPLICAOF_ON, k.start);
        expect(on, 'REPLICAOF on redis-0 (log)').to.be.a('number');
        expect(on as number).to.be.within(end, end + demotionLatestMs(r.topology));
        expect(e.check('reattach').valid).to.equal(true);
      });
      // Caught by: a master that serves writes while loading.
      e.that('no write was acknowledged between the kill and the switch (the loading master refuses them)', () =>
        expect(okWrites(r, (o) => o.complete > k.start && o.complete < sw())).to.have.length(0),
      );
      // ioredis's ready check holds a client on a loading server (INFO loading:1, retried after min(loading_eta, 10 s))
      // without asking Sentinel again, and ioredis's failoverDetector is off in this workload: its writes resume only
      // once the old master has loaded. Caught by: a client that follows the switch while the old master still loads.
      const ioredis = r.client?.name === 'ioredis';
      e.that(`writes through Sentinel resumed${ioredis ? ' (ioredis: only after the old master had loaded)' : ''}`, () => {
        expect(e.figure('failover-timing', 'unavailableOpen'), 'writes recovered').to.equal(false);
        const first = Math.min(...okWrites(r, (o) => o.via === 'sentinel' && o.complete > k.start).map((o) => o.complete));
        expect(first, 'a write acknowledged after the kill').to.be.below(Infinity);
        if (ioredis) expect(first, 'first acknowledged write after the kill').to.be.above(end);
      });
      const maxLost = inFlightLossBound(DEFAULT_WORKLOAD);
      e.that(`at most the writes in flight at the kill were lost (<= ${maxLost}), none acknowledged after it`, () => {
        expect(lostWrites(r)).to.have.length.at.most(maxLost);
        expect(lostWrites(r).filter((o) => o.complete > k.start)).to.have.length(0);
      });
    },
  };
};
