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
import {
  convergenceBoundMs,
  demotionLatestMs,
  ELECTED_AFTER_ODOWN_MS,
  inFlightLossBound,
  liveTimings,
  ODOWN_AFTER_SDOWN_MS,
  PROMOTED_AFTER_SELECTED_MS,
  SCHEDULING_SLACK_MS,
  SENTINEL_TICK_MS,
  sentinelPeriods,
  type Timings,
} from '../../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD, defaultChecks } from '../../../lib/scenario/runner.ts';
import type { RunContext, Scenario } from '../../../lib/scenario/scenario.ts';
import type { History, ScenarioResult } from '../../../lib/model.ts';
import { fault, lostWrites, nodeOf, Observations, okWrites, switchedSince, withSetup } from './support.ts';
import { now, sleep } from '../../../lib/clock.ts';
import { reattachCheck } from '../../../lib/scenario/default-checks.ts';

/** The down-after this scenario is designed around (the topology default), pinned so the reboot period can follow it. */
const DESIGN_DOWN_AFTER_MS = 1500;
/** The master name the sentinel.conf line below names (the topology default, pinned with it). */
const MASTER_NAME = 'mymaster';
/** key-load-delay (a hidden, debug-only redis.conf setting): every key loaded from the RDB sleeps this long (µs). */
const KEY_LOAD_DELAY_US = 1000;
/** Size of each filler value (bytes): DEBUG POPULATE <n> filler <size>. */
const FILLER_VALUE_BYTES = 100;

/**
 * master-reboot-down-after-period: twice down-after, so a +sdown that comes from down-after (a master that does not
 * answer at all while it loads) is told apart from one that comes from the reboot period.
 */
export function rebootPeriodMs(downAfterMs: number): number {
  return 2 * downAfterMs;
}

/**
 * Latest +reboot after the restarted master accepts connections: the sentinel's link was closed by the kill and is
 * retried once per ping period (sentinelReconnectInstance), then the next INFO (one info period) shows the new
 * run_id; plus a tick and the scheduling slack.
 */
export function rebootSeenLatestMs(t: Timings): number {
  const p = sentinelPeriods(t);
  return p.pingMs + p.infoMs + SENTINEL_TICK_MS + SCHEDULING_SLACK_MS;
}

/** Latest +sdown after a sentinel's own +reboot: the period, then the next timer tick, plus the scheduling slack. */
export function rebootSdownLatestMs(periodMs: number): number {
  return periodMs + SENTINEL_TICK_MS + SCHEDULING_SLACK_MS;
}

/**
 * Latest +switch-master after the restart: +reboot seen, the reboot period, then +odown, the election and the
 * promotion each within their bound, and the switch after the promoted replica's next hello (one publish period).
 */
export function switchLatestAfterRestartMs(t: Timings, periodMs: number): number {
  return (
    rebootSeenLatestMs(t) +
    rebootSdownLatestMs(periodMs) +
    ODOWN_AFTER_SDOWN_MS +
    ELECTED_AFTER_ODOWN_MS +
    PROMOTED_AFTER_SELECTED_MS +
    sentinelPeriods(t).publishMs
  );
}

/**
 * How long the restarted master must load at least: until the latest switch. key-load-delay is a minimum per key
 * (usleep), so the real load is longer still (1.2 ms a key was seen under load 5-7); asserted: the load outlasted
 * the switch.
 */
export function designLoadMs(t: Timings, periodMs: number): number {
  return switchLatestAfterRestartMs(t, periodMs);
}

/** A redis log line: loading the RDB began / ended (rdbLoad and loadDataFromDisk in server.c). */
const LOAD_BEGIN = /Loading RDB produced by/;
const LOAD_END = /DB loaded from disk/;
/** The replica side of a demotion: REPLICAOF accepted (replicaofCommand). */
const REPLICAOF_ON = /(REPLICAOF|SLAVE OF) \S+ enabled/;

/** How long the hook waits for the end of the load at most, in multiples of the design load (usleep runs long under load). */
const LOAD_WAIT_FACTOR = 3;
/**
 * How long the hook waits after the load for writes through Sentinel to succeed again: ioredis's ready check, which
 * holds a client on a loading server, re-checks after min(loading_eta_seconds, maxLoadingRetryTime = 10 s), plus 1 s.
 */
const CLIENT_WAIT_MS = 11_000;

/** The first log line of `node` at/after `since` matching `re`, or undefined. */
function firstLog(h: History, node: string, re: RegExp, since: number): number | undefined {
  return h.logs.find((l) => l.node === node && l.time >= since && re.test(l.text))?.time;
}

/** When redis-0 finished loading its dataset after the restart (its log), or undefined. */
function loadEnd(h: History): number | undefined {
  const k = h.faults[0];
  return k ? firstLog(h, 'redis-0', LOAD_END, k.start) : undefined;
}

/** Poll redis-0 (INFO persistence, answered while loading) until it has loaded; the time, or undefined at `deadline`. */
async function loadedBy(ctx: RunContext, deadline: number): Promise<number | undefined> {
  while (now() < deadline) {
    const info = await ctx.topology.adminCall<string>('redis-0', 'INFO', 'persistence').catch(() => '');
    if (/^loading:0/m.test(info)) return now();
    await sleep(100);
  }
  return undefined;
}

/** Wait until a write through Sentinel is acknowledged after now, or until `deadline`. */
async function writesBackBy(ctx: RunContext, deadline: number): Promise<void> {
  const from = now();
  while (now() < deadline && !ctx.workload.ops.some((o) => o.via === 'sentinel' && o.f !== 'read' && o.outcome === 'ok' && o.complete >= from)) await sleep(100);
}

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
  const restart = withSetup(new Kill('redis-0'), async (t) => {
    seen.reset();
    // The dataset: on redis-0 only (DEBUG POPULATE is not replicated), so the old master's resync from the new
    // master after the failover loads only the workload's keys; saved to dump.rdb, which the restart loads.
    const keys = Math.ceil((designLoadMs(liveTimings(t.options), period) * 1000) / KEY_LOAD_DELAY_US);
    await t.adminCall('redis-0', 'DEBUG', 'POPULATE', keys, 'filler', FILLER_VALUE_BYTES);
    await t.adminCall('redis-0', 'SAVE');
    seen.set('fillerKeys', keys);
    seen.set('dbsize', Number(await t.adminCall('redis-0', 'DBSIZE')));
  });
  return {
    id: 'reboot-loading',
    title: 'the master restarts and loads for longer than master-reboot-down-after-period: failover during the load',
    tags: ['persistence', 'extended', 'kill', 'reboot', 'failover'],
    description:
      `Sentinels run with \`sentinel master-reboot-down-after-period ${MASTER_NAME} ${period}\` (2 × down-after ${downAfter}). ` +
      'redis-0 (the master) is filled with a dataset (DEBUG POPULATE, on it only: it stands for a large dataset, and the ' +
      "old master's resync after the failover stays short) and SAVEd to its dump.rdb, then killed with -9 and started " +
      `at once. Every node runs with key-load-delay ${KEY_LOAD_DELAY_US} µs (each key loaded sleeps that long) and ` +
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
      'waited on it may get writes acknowledged there and lost — how many depends on timing (78 in one run, none in another).',
    topology: {
      masterName: MASTER_NAME,
      downAfterMs: downAfter,
      redisConfig: [
        'enable-debug-command yes',
        `key-load-delay ${KEY_LOAD_DELAY_US}`,
        'loading-process-events-interval-bytes 1024',
        // Without it the old master, once loaded, is a writable master until Sentinel's next INFO demotes it: clients
        // that waited on it (ioredis) get writes acknowledged there and lost (78 in one run), or none, by timing.
        'min-replicas-to-write 1',
        'min-replicas-max-lag 10',
      ],
      sentinelConfig: [`sentinel master-reboot-down-after-period ${MASTER_NAME} ${period}`],
    },
    schedule: [{ at: 300, fault: restart, durationMs: 0 }],
    during: async (ctx) => {
      // Keep the workload running through the switch, the end of the load (the old master's demotion) and until
      // writes through Sentinel succeed again, so that what clients see is recorded whatever the client library.
      const killed = ctx.faults[0]?.start ?? ctx.scheduleStart;
      const t = liveTimings(ctx.topology.options);
      await switchedSince(ctx, killed);
      const loaded = await loadedBy(ctx, killed + LOAD_WAIT_FACTOR * designLoadMs(t, period) + demotionLatestMs(t));
      if (loaded === undefined) ctx.progress('redis-0 still loading at the end of the wait');
      await writesBackBy(ctx, now() + CLIENT_WAIT_MS);
      await sleep(300);
    },
    durationMs: 1000,
    failover: { expected: true },
    allowLoss: true,
    convergence: { timeoutMs: (t) => convergenceBoundMs(t) },
    // The old master refuses REPLICAOF while it loads: Sentinel's reattachment bound counts from the end of the load.
    checks: (c) => [...defaultChecks(c).filter((x) => x.name !== 'reattach'), reattachCheck(c, (h) => loadEnd(h) ?? -Infinity), seen.check()],
    expect: (r, e) => {
      const h = r.history;
      const k = fault(r, 0);
      const restarted = k.end ?? Infinity;
      const begin = firstLog(h, 'redis-0', LOAD_BEGIN, k.start) ?? NaN;
      const end = loadEnd(h) ?? NaN;
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
