/**
 * Bounds for scenario expectations, derived from the configuration a run actually used (its ScenarioResult's
 * topology: down-after, failover-timeout, SENTINEL DEBUG periods) and from Sentinel's own periods, instead of
 * generous constants. Each helper names the mechanism in Redis's src/sentinel.c (7.x) that sets the bound, so a
 * scenario can assert "this phase took no longer than the mechanism allows": a Sentinel that is slower than that
 * — or a run whose real down-after differs from the configured one — fails.
 */
import { reattachBoundMs } from '../checks/reattach.ts';
import type { ScenarioResult } from '../model.ts';
import type { TopologyOptions } from '../topology/options.ts';
import type { WorkerSpec, WorkloadOptions } from '../workload/workload.ts';

/** The topology facts a result records (what the bounds are computed from). */
export type TopologyFacts = ScenarioResult['topology'];

/**
 * What the bounds read from a topology: a result's recorded facts, or the options of a topology that is running
 * (`liveTimings`, for a `during` hook that must wait as long as the configuration allows).
 */
export type Timings = Pick<TopologyFacts, 'downAfterMs' | 'failoverTimeoutMs' | 'notes' | 'sentinelDebug'>;

/** The timings of a running topology's options (a RunContext's `topology.options`), as a result would record them. */
export function liveTimings(o: Pick<TopologyOptions, 'downAfterMs' | 'failoverTimeoutMs' | 'sentinelDebug'>): Timings {
  return { downAfterMs: o.downAfterMs, failoverTimeoutMs: o.failoverTimeoutMs, notes: [], sentinelDebug: { ...o.sentinelDebug } };
}

/**
 * SENTINEL_PING_PERIOD: a sentinel PINGs an instance when its last PONG is older than min(down-after, 1000 ms). The
 * "pending since" time that +sdown is measured from is therefore up to one ping period after a silent fault.
 */
export const SENTINEL_PING_PERIOD_MS = 1000;
/** sentinel_ask_period: while a master is +sdown a sentinel re-asks the others (is-master-down-by-addr) every 1 s. */
export const SENTINEL_ASK_PERIOD_MS = 1000;
/** While the master is +odown or a failover is in progress, replicas get INFO every 1 s (not every info-period). */
export const SENTINEL_FAILOVER_INFO_PERIOD_MS = 1000;
/** sentinel_info_period default (SENTINEL DEBUG info-period changes it). */
export const SENTINEL_DEFAULT_INFO_PERIOD_MS = 10_000;
/** sentinel_publish_period default: hello messages, through which sentinels learn a new configuration. */
export const SENTINEL_DEFAULT_PUBLISH_PERIOD_MS = 2000;
/**
 * SENTINEL_MAX_DESYNC: random 0-1 s added to a failover's start time when a sentinel votes for another one (it then
 * waits 2 x failover-timeout from there before trying itself) — the delay of a retried election.
 */
export const SENTINEL_MAX_DESYNC_MS = 1000;
/**
 * sentinelTimer runs at hz 10-19 (CONFIG_DEFAULT_HZ + rand() % CONFIG_DEFAULT_HZ): every state check (sdown, odown,
 * leader, failover state machine) happens at most 100 ms after its condition became true.
 */
export const SENTINEL_TICK_MS = 100;
/**
 * replicationCron runs once a second (server.c: run_with_period(1000)) and sends the replica's REPLCONF ACK. After a
 * diskless full sync the master streams commands to the replica only from its first ACK on
 * (repl_start_cmd_stream_on_ack: "Waiting for REPLCONF ACK from slave to enable streaming"); when the replica's
 * immediate ACK races the master's end-of-transfer check, the next one comes with this cron, so a just-synced replica
 * may receive up to one period of the stream (writes, PUBLISHed hellos) at once.
 */
export const REPLICATION_CRON_MS = 1000;
/**
 * Replication lag budget on these links (loopback through a toxiproxy sidecar): how long an acknowledged write may
 * exist only on the master. Writes acknowledged this long before an abrupt fault may be lost.
 */
export const REPLICATION_LAG_BUDGET_MS = 50;
/**
 * Allowance for scheduling on the loaded 2-core machines these runs share: a sentinel process or the harness's
 * event recorder may run this much late. Added once to every "latest" bound below, never to an "earliest" one.
 */
export const SCHEDULING_SLACK_MS = 200;

/**
 * sentinel_ping_period (SENTINEL DEBUG ping-period, default SENTINEL_PING_PERIOD): sentinelReconnectInstance retries
 * a disconnected link at most once per this period (link->last_reconn_time), whatever down-after is.
 */
export function reconnectPeriodMs(t: Pick<Timings, 'notes' | 'sentinelDebug'>): number {
  return sentinelDebugOf(t)['ping-period'] ?? SENTINEL_PING_PERIOD_MS;
}

/**
 * Latest time, after a restarted peer (sentinel or redis node) answers again, at which a sentinel counts it usable
 * (no longer +sdown; SENTINEL CKQUORUM counts it): its next reconnection attempt (one reconnect period), the PING sent
 * on connecting ("Send a PING ASAP when reconnecting"), whose reply clears the pending PING, then the next timer tick
 * that clears S_DOWN (sentinelCheckSubjectivelyDown), plus the scheduling slack for the connect and the reply through
 * the proxies on a loaded machine.
 */
export function peerRecountLatestMs(t: Pick<Timings, 'notes' | 'sentinelDebug'>): number {
  return reconnectPeriodMs(t) + SENTINEL_TICK_MS + SCHEDULING_SLACK_MS;
}

export interface SentinelPeriods {
  pingMs: number;
  infoMs: number;
  publishMs: number;
}

/**
 * The SENTINEL DEBUG settings a run used: the recorded `sentinelDebug`, else (older results) the
 * `SENTINEL DEBUG <name> <ms> ...` note the runner writes ("SENTINEL DEBUG info-period 1000 publish-period 500 (...)").
 */
export function sentinelDebugOf(t: Pick<Timings, 'notes' | 'sentinelDebug'>): Record<string, number> {
  if (t.sentinelDebug) return { ...t.sentinelDebug };
  const debug: Record<string, number> = {};
  for (const note of t.notes) {
    const m = /^SENTINEL DEBUG ((?:[a-z-]+ \d+ ?)+)/.exec(note);
    const words = m?.[1]?.trim().split(/\s+/) ?? [];
    for (let i = 0; i + 1 < words.length; i += 2) debug[words[i] as string] = Number(words[i + 1]);
  }
  return debug;
}

/** The periods the sentinels ran with: Sentinel's defaults, overridden by the run's SENTINEL DEBUG settings. */
export function sentinelPeriods(t: Pick<Timings, 'downAfterMs' | 'notes' | 'sentinelDebug'>): SentinelPeriods {
  const debug = sentinelDebugOf(t);
  return {
    pingMs: Math.min(t.downAfterMs, debug['ping-period'] ?? SENTINEL_PING_PERIOD_MS),
    infoMs: debug['info-period'] ?? SENTINEL_DEFAULT_INFO_PERIOD_MS,
    publishMs: debug['publish-period'] ?? SENTINEL_DEFAULT_PUBLISH_PERIOD_MS,
  };
}

/**
 * How the master's failure looks to the sentinels. `closed`: its connections close (kill -9, exit, links cut):
 * a sentinel reconnects at once (through its proxy) and sends a PING "ASAP when reconnecting", so the unanswered
 * PING is pending from the fault on. `silent`: connections stay open and nothing answers (pause, dropped packets,
 * latency): the first unanswered PING is sent up to one ping period after the fault.
 */
export type Failure = 'closed' | 'silent';

/**
 * Earliest first +sdown of the master after the fault (ms). `silent`: down-after, counted from the first PING left
 * unanswered, sent at or after the fault. `closed`: the link drops with no PING pending, and
 * sentinelCheckSubjectivelyDown counts a disconnected link from last_avail_time — the last PONG, up to one ping
 * period before the fault — until a reconnection's PING is pending (sentinelReconnectInstance is throttled to one
 * attempt per ping period by last_reconn_time): down-after minus one ping period. Both minus `injectMs`: phases are
 * measured from the fault's `start`, taken when the injecting call returned, and the fault may have acted as early
 * as its `invokedAt` (a docker pause under load returned 413 ms after it froze the master: +sdown 1380 ms after
 * `start` at down-after 1500).
 */
export function sdownEarliestMs(t: Timings, how: Failure = 'silent', injectMs = 0): number {
  // Not clamped after subtracting injectMs: relative to `start`, a fault that acted early is seen "before" it.
  return Math.max(0, how === 'closed' ? t.downAfterMs - sentinelPeriods(t).pingMs : t.downAfterMs) - injectMs;
}

/**
 * Latest first +sdown of the master after the fault (ms): down-after past the first unanswered PING, plus a timer
 * tick and the scheduling slack, plus `injectMs` (the time the fault itself took to take effect: a docker call under load).
 */
export function sdownLatestMs(t: Timings, how: Failure, injectMs = 0): number {
  const pending = how === 'closed' ? SENTINEL_TICK_MS : sentinelPeriods(t).pingMs;
  return t.downAfterMs + pending + SENTINEL_TICK_MS + SCHEDULING_SLACK_MS + injectMs;
}

/**
 * Latest +odown after the first +sdown: the other sentinels' opinions arrive at once if they are already +sdown,
 * else at the next ask, one ask period later; plus a tick and the scheduling slack.
 */
export const ODOWN_AFTER_SDOWN_MS = SENTINEL_ASK_PERIOD_MS + SENTINEL_TICK_MS + SCHEDULING_SLACK_MS;
/**
 * Latest +elected-leader after +odown: the vote request goes out on the failover's first tick, the tally on a later
 * one (3 ticks), plus the scheduling slack.
 */
export const ELECTED_AFTER_ODOWN_MS = 3 * SENTINEL_TICK_MS + SCHEDULING_SLACK_MS;
/**
 * Latest +promoted-slave after +selected-slave: SLAVEOF NO ONE at once, the role change seen by the next 1 s INFO
 * (measured 1080 ms once under load 11), plus a tick and the scheduling slack.
 */
export const PROMOTED_AFTER_SELECTED_MS = SENTINEL_FAILOVER_INFO_PERIOD_MS + SENTINEL_TICK_MS + SCHEDULING_SLACK_MS;

/**
 * Latest time (ms after the fault) at which clients writing through Sentinel can write again: the master is +sdown
 * (`sdownLatestMs`), +odown, a leader elected, the replica promoted (each bound above), and then the sentinel a
 * client asks knows the new master — the leader at once, the others from its next hello (one publish period) — plus
 * a tick and the client's 50 ms retry.
 */
export function failoverBudgetMs(t: Timings, how: Failure, injectMs = 0): number {
  return (
    sdownLatestMs(t, how, injectMs) +
    ODOWN_AFTER_SDOWN_MS +
    ELECTED_AFTER_ODOWN_MS +
    PROMOTED_AFTER_SELECTED_MS +
    sentinelPeriods(t).publishMs +
    SENTINEL_TICK_MS +
    50
  );
}

/**
 * Latest time after a switch at which Sentinel demotes a returning old master (SLAVEOF + CLIENT KILL): it must see
 * it report role master in INFO (info period) and then wait 4 publish periods (sentinelRefreshInstanceInfo's
 * "wait_time = sentinel_publish_period*4" before converting it), plus a tick.
 */
export function demotionLatestMs(t: Timings): number {
  const p = sentinelPeriods(t);
  return p.infoMs + 4 * p.publishMs + SENTINEL_TICK_MS;
}

/**
 * Earliest demotion of a returning old master after it answers again: Sentinel converts it only once it has not
 * been down for 4 publish periods (sentinelRedisInstanceNoDownFor(ri, wait_time) in the same code).
 */
export function demotionEarliestMs(t: Timings): number {
  return 4 * sentinelPeriods(t).publishMs;
}

/**
 * How long the runner may wait for convergence after the final heal: the reattachment bound (reattachBoundMs:
 * Sentinel repoints every node within 2 ping + 2 info periods + max(4 publish periods, failover-timeout)), plus
 * one publish period for every sentinel to hear the final configuration, plus the scheduling slack. A scenario
 * passes this as `convergence.timeoutMs` so the wait follows the configuration (10.7 s with the suite's
 * settings, 84.2 s with --profile production, where failover-timeout 60000 dominates).
 */
export function convergenceBoundMs(t: Timings): number {
  return reattachBoundMs({ failoverTimeoutMs: t.failoverTimeoutMs, sentinelDebug: sentinelDebugOf(t) }) + sentinelPeriods(t).publishMs + SCHEDULING_SLACK_MS;
}

/** Writers (add/incr) of a workload, optionally only those matching `pred`. */
function writers(w: WorkloadOptions, pred: (x: WorkerSpec) => boolean): WorkerSpec[] {
  return w.workers.filter((x) => (x.f ?? 'add') !== 'read' && pred(x));
}

/** Write operations per second of the workload's Sentinel-routed writers (their configured rate). */
export function sentinelWriteRate(w: WorkloadOptions): number {
  return writers(w, (x) => (x.via ?? 'sentinel') === 'sentinel').reduce((n, x) => n + (x.rate ?? 100), 0);
}

/** Write processes of the workload (each has at most one write in flight). */
export function writerProcesses(w: WorkloadOptions, pred: (x: WorkerSpec) => boolean = () => true): number {
  return writers(w, pred).reduce((n, x) => n + (x.processes ?? 1), 0);
}

/**
 * Most acknowledged writes an abrupt fault of the master can lose: those still only on the master, i.e.
 * acknowledged within the replication lag budget before it (rate x lag), plus one per writer process
 * (a write acknowledged in the same instant).
 */
export function inFlightLossBound(w: WorkloadOptions): number {
  return Math.ceil((sentinelWriteRate(w) * REPLICATION_LAG_BUDGET_MS) / 1000) + writerProcesses(w);
}

/**
 * The range of a count of writes at `ratePerS` over `windowMs`, for "every write in this window is lost": at least
 * half the nominal count (a loaded machine may not keep up the rate), at most 1.5 x (so doubling fails), each side
 * widened by the writer processes in flight at the window's edges.
 */
export function rateWindowRange(ratePerS: number, windowMs: number, processes: number): { min: number; max: number; expected: number } {
  const expected = (ratePerS * Math.max(0, windowMs)) / 1000;
  return { expected, min: Math.max(1, Math.floor(expected * 0.5) - processes), max: Math.ceil(expected * 1.5) + processes };
}
