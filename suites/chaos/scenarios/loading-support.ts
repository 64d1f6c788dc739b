/**
 * Shared by the two scenarios of a master restarted while it loads a large dataset (reboot-loading: with Sentinel's
 * master-reboot-down-after-period; reboot-loading-no-period: without it): how the long load is made, the bounds it is
 * designed from, and reading its start and end out of the master's log. Not a scenario itself.
 *
 * The load: redis-0 is filled with DEBUG POPULATE (on it only: the filler stands for a large dataset and is not
 * replicated) and SAVEd to its dump.rdb, then killed -9 and started at once; every node runs with key-load-delay (a
 * hidden redis.conf setting: each key loaded sleeps that long) and loading-process-events-interval-bytes 1024 (the
 * server answers requests between every KB loaded, as a fast load of a large dataset answers between every 2 MB), so
 * the restarted master loads for as long as the scenario needs and answers -LOADING meanwhile. The replicas get
 * key-load-delay 0 at run time, so a full resync of theirs is not slowed.
 */
import { now, sleep } from '../../../lib/clock.ts';
import type { History } from '../../../lib/model.ts';
import {
  ELECTED_AFTER_ODOWN_MS,
  liveTimings,
  ODOWN_AFTER_SDOWN_MS,
  PROMOTED_AFTER_SELECTED_MS,
  SCHEDULING_SLACK_MS,
  SENTINEL_TICK_MS,
  sentinelPeriods,
  type Timings,
} from '../../../lib/scenario/bounds.ts';
import type { BoundCheck } from '../../../lib/checks/index.ts';
import { defaultChecks, reattachCheck } from '../../../lib/scenario/default-checks.ts';
import type { CheckContext, RunContext } from '../../../lib/scenario/scenario.ts';
import type { StartedSentinelTopology } from '../../../lib/topology/topology.ts';
import type { Observations } from './support.ts';

/** The down-after both scenarios are designed around (the topology default), pinned so the reboot period can follow it. */
export const DESIGN_DOWN_AFTER_MS = 1500;
/** The master name the scenarios' sentinel.conf lines name (the topology default, pinned with them). */
export const MASTER_NAME = 'mymaster';
/** key-load-delay: every key loaded from an RDB sleeps this long (µs; usleep, so at least this long). */
export const KEY_LOAD_DELAY_US = 1000;
/** Size of each filler value (bytes): DEBUG POPULATE <n> filler <size>. */
const FILLER_VALUE_BYTES = 100;

/**
 * The redis.conf lines of the long load (every node; the replicas' key-load-delay is set to 0 at run time). AOF off,
 * also under a profile that turns it on (the scenario's lines come last): with an AOF the restart would load the AOF,
 * which never saw the filler (DEBUG POPULATE is not propagated), instead of the dump.rdb the setup SAVEd.
 */
export const LOADING_REDIS_CONFIG: readonly string[] = [
  'appendonly no',
  'enable-debug-command yes',
  `key-load-delay ${KEY_LOAD_DELAY_US}`,
  'loading-process-events-interval-bytes 1024',
];

/**
 * master-reboot-down-after-period of reboot-loading: twice down-after, so a +sdown that comes from down-after (a master
 * that does not answer at all while it loads) is told apart from one that comes from the reboot period.
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
 * Latest +switch-master after the restart with a reboot period: +reboot seen, the period, then +odown, the election
 * and the promotion each within their bound, and the switch after the promoted replica's next hello (one publish period).
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
 * How long the restarted master must load at least (both scenarios alike): until the latest switch reboot-loading's
 * period allows. key-load-delay is a minimum per key, so the real load is longer still (1.2 ms a key was seen under
 * load 5-7); each scenario asserts what it needs of the real length.
 */
export function designLoadMs(t: Timings): number {
  return switchLatestAfterRestartMs(t, rebootPeriodMs(t.downAfterMs));
}

/** redis-0's log: loading its RDB began / ended (rdbLoad; loadDataFromDisk in server.c, at boot only). */
export const LOAD_BEGIN = /Loading RDB produced by/;
export const LOAD_END = /DB loaded from disk/;

/** How long a hook waits for the end of the load at most, in multiples of the design load (usleep runs long under load). */
const LOAD_WAIT_FACTOR = 3;
/**
 * How long a hook waits after the load for writes through Sentinel to succeed again: ioredis's ready check, which
 * holds a client on a loading server, re-checks after min(loading_eta_seconds, maxLoadingRetryTime = 10 s), plus 1 s.
 */
const CLIENT_WAIT_MS = 11_000;

/** The first log line of `node` at/after `since` matching `re`, or undefined. */
export function firstLog(h: History, node: string, re: RegExp, since: number): number | undefined {
  return h.logs.find((l) => l.node === node && l.time >= since && re.test(l.text))?.time;
}

/** When redis-0 began / finished loading its dataset after the restart (fault #0), from its log; undefined if not seen. */
export function loadWindow(h: History): { begin?: number; end?: number } {
  const k = h.faults[0];
  if (!k) return {};
  const begin = firstLog(h, 'redis-0', LOAD_BEGIN, k.start);
  const end = firstLog(h, 'redis-0', LOAD_END, k.start);
  return { ...(begin !== undefined ? { begin } : {}), ...(end !== undefined ? { end } : {}) };
}

/**
 * The setup of the restart step (support.ts withSetup): fill redis-0 with enough keys for the design load, SAVE, and
 * turn key-load-delay off on the replicas. Records the key count and when the SAVE call was sent and returned.
 */
export function fillAndSave(seen: Observations): (t: StartedSentinelTopology) => Promise<void> {
  return async (t) => {
    seen.reset();
    const keys = Math.ceil((designLoadMs(liveTimings(t.options)) * 1000) / KEY_LOAD_DELAY_US);
    await t.adminCall('redis-0', 'DEBUG', 'POPULATE', keys, 'filler', FILLER_VALUE_BYTES);
    for (const r of t.redisNames().filter((n) => n !== 'redis-0')) await t.adminCall(r, 'CONFIG', 'SET', 'key-load-delay', 0);
    seen.set('saveSentAt', now());
    await t.adminCall('redis-0', 'SAVE');
    seen.set('saveReturnedAt', now());
    seen.set('fillerKeys', keys);
    seen.set('dbsize', Number(await t.adminCall('redis-0', 'DBSIZE')));
  };
}

/**
 * A `during` hook that keeps the workload running through the load: until `first` resolves (e.g. the switch), then
 * until redis-0 has loaded (INFO persistence, answered while loading), then until a write through Sentinel succeeds
 * again — so what clients see is recorded whatever the client library — and 300 ms more.
 */
export function throughTheLoad(first: (ctx: RunContext, killed: number) => Promise<unknown>): (ctx: RunContext) => Promise<void> {
  return async (ctx) => {
    const killed = ctx.faults[0]?.start ?? ctx.scheduleStart;
    await first(ctx, killed);
    const deadline = killed + LOAD_WAIT_FACTOR * designLoadMs(liveTimings(ctx.topology.options));
    let loaded = false;
    while (!loaded && now() < deadline) {
      const info = await ctx.topology.adminCall<string>('redis-0', 'INFO', 'persistence').catch(() => '');
      loaded = /^loading:0/m.test(info);
      if (!loaded) await sleep(100);
    }
    if (!loaded) ctx.progress('redis-0 still loading at the end of the wait');
    const from = now();
    const back = (): boolean => ctx.workload.ops.some((o) => o.via === 'sentinel' && o.f !== 'read' && o.outcome === 'ok' && o.complete >= from);
    while (!back() && now() < from + CLIENT_WAIT_MS) await sleep(100);
    await sleep(300);
  };
}

/**
 * The checks of both loading scenarios: the standard ones, with reattachment bounded from the end of the load (a
 * loading server neither accepts REPLICAOF nor serves a resync before it has loaded), and the hook's observations.
 */
export function loadingChecks(seen: Observations): (c: CheckContext) => BoundCheck[] {
  return (c) => [...defaultChecks(c).filter((x) => x.name !== 'reattach'), reattachCheck(c, (h) => loadWindow(h).end ?? -Infinity), seen.check()];
}
