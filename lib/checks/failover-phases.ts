/**
 * The Sentinel side of failover timing: groups a sentinel event stream into failover attempts
 * and times the phases of each, so that an aborted attempt is never paired with a later
 * attempt's switch and a second failover (a cascade) gets its own timings.
 *
 * How Sentinel numbers and reports an attempt (src/sentinel.c):
 * - `sentinelStartFailover` bumps the current epoch and emits `+new-epoch <epoch>` immediately
 *   followed by `+try-failover <master>`: the epoch is the attempt's number. Neither
 *   `+new-epoch` nor `+vote-for-leader <runid> <epoch>` names the master.
 * - The same sentinel then emits `+elected-leader`, `+failover-state-select-slave`,
 *   `+selected-slave`, `+failover-state-send-slaveof-noone`, `+failover-state-wait-promotion`,
 *   `+promoted-slave`, `+failover-state-reconf-slaves`, `+failover-end` and finally its own
 *   `+switch-master`; or a `-failover-abort-*` that ends the attempt. A sentinel runs at most
 *   one attempt per master at a time.
 * - The other sentinels learn the new master from the leader's hellos and emit `+switch-master`
 *   (after `+config-update-from`) without any epoch: they are matched to the attempt that
 *   selected that replica.
 */
import type { LogLine, SentinelEvent } from '../model.ts';
import { eventMasterName, hostPort, parseSentinelEvent } from '../observe/parse-event.ts';
import { sentinelEventsFromLog } from '../observe/parse-log.ts';
import { relMs } from './checker.ts';

/**
 * Sentinel phase figures, ms from the fault start (null when not observed).
 *
 * `sdownFirst`, `sdownQuorum` and `odown` are the detection: the first after the fault, shared
 * by every attempt. `tryFailover` … `newMaster` describe ONE attempt: the first that reached
 * `+switch-master` or, when none did, the one that got furthest (see `leadingAttempt`).
 */
export interface SentinelPhases {
  sdownFirst: number | null;
  /** When >= quorum distinct sentinels had emitted +sdown for the master. */
  sdownQuorum: number | null;
  /** +sdown events about the master's replicas or sentinels (count). */
  sdownOther: number;
  odown: number | null;
  tryFailover: number | null;
  elected: number | null;
  selectedReplica: number | null;
  promoted: number | null;
  switchFirst: number | null;
  /** When >= quorum distinct sentinels had emitted +switch-master to this attempt's new master. */
  switchQuorum: number | null;
  failoverEnd: number | null;
  /** host:port this attempt switched to (null when it did not switch). */
  newMaster: string | null;
  /** Distinct new masters (the same switch reported by several sentinels counts once). */
  failovers: number;
  /** Failover attempts seen (aborted, unfinished and switched). */
  attempts: number;
  /** +tilt events from any sentinel. */
  tilt: number;
  /** -failover-abort-* events for the master. */
  aborts: number;
}

export type AttemptOutcome = 'switched' | 'aborted' | 'unfinished';

/** One failover attempt; times are ms from the fault start (null when not observed). */
export interface FailoverAttempt {
  /** Sentinel that ran it; null for a switch seen only through other sentinels' +switch-master. */
  sentinel: string | null;
  /** The epoch announced by `+new-epoch` right before its `+try-failover`. */
  epoch: number | null;
  outcome: AttemptOutcome;
  tryFailover: number | null;
  elected: number | null;
  selectedReplica: number | null;
  promoted: number | null;
  failoverEnd: number | null;
  switchFirst: number | null;
  switchQuorum: number | null;
  /** When the attempt was aborted, and which `-failover-abort-*`. */
  abortedAt: number | null;
  abort: string | null;
  /** The last `+failover-state-*` the leader reported. */
  state: string | null;
  /** host:port of the replica it selected / promoted / switched to. */
  target: string | null;
  /** `+vote-for-leader` events carrying this attempt's epoch (votes do not name the master). */
  votes: number;
  /** First +switch-master to `target` per sentinel. */
  switchBySentinel: Record<string, number>;
}

/** States from which SLAVEOF NO ONE may have reached the replica: a promotion happened or may have. */
const PROMOTING_STATES: ReadonlySet<string> = new Set([
  '+failover-state-send-slaveof-noone',
  '+failover-state-wait-promotion',
  '+failover-state-reconf-slaves',
]);

/** Events of the leader's state machine after +try-failover (besides aborts and its switch). */
const LEADER_EVENTS: ReadonlySet<string> = new Set([
  '+elected-leader',
  '+selected-slave',
  '+promoted-slave',
  '+failover-end',
  '+failover-end-for-timeout',
  '+slave-reconf-sent',
  '+slave-reconf-inprog',
  '+slave-reconf-done',
]);

/**
 * Leader events that follow the promotion; Sentinel emits them before its own +switch-master,
 * but one seen after it (clock or delivery order) still belongs to the attempt that switched.
 */
const POST_PROMOTION: ReadonlySet<string> = new Set([
  '+failover-state-reconf-slaves',
  '+failover-end',
  '+failover-end-for-timeout',
  '+slave-reconf-sent',
  '+slave-reconf-inprog',
  '+slave-reconf-done',
]);

type AttemptTime = 'tryFailover' | 'elected' | 'selectedReplica' | 'promoted' | 'failoverEnd';

/** Event type → the attempt time its first occurrence sets. */
const TIME_OF: Record<string, AttemptTime> = {
  '+try-failover': 'tryFailover',
  '+elected-leader': 'elected',
  '+selected-slave': 'selectedReplica',
  '+promoted-slave': 'promoted',
  '+failover-end': 'failoverEnd',
};

/** An attempt being built: absolute times, its switches. */
interface Draft {
  sentinel: string | null;
  epoch: number | null;
  outcome: AttemptOutcome;
  at: Partial<Record<AttemptTime | 'aborted', number>>;
  abort: string | null;
  state: string | null;
  target: string | null;
  switches: SentinelEvent[];
}

export function isTilt(e: SentinelEvent): boolean {
  return e.type === '+tilt';
}

export function isAbort(e: SentinelEvent): boolean {
  return e.type.startsWith('-failover-abort');
}

export function isMasterSdown(e: SentinelEvent, masterName: string): boolean {
  return e.type === '+sdown' && e.instance?.kind === 'master' && e.instance.name === masterName;
}

/** Events at/after `faultStart`, by time (stable: a sentinel's events keep their order). */
function afterFault(events: readonly SentinelEvent[], faultStart: number): SentinelEvent[] {
  return events.filter((e) => e.time >= faultStart).sort((a, b) => a.time - b.time);
}

/** Events about `masterName` (plus TILT, which names no master) at/after `faultStart`, by time. */
export function relevant(events: readonly SentinelEvent[], faultStart: number, masterName: string): SentinelEvent[] {
  return afterFault(events, faultStart).filter((e) => isTilt(e) || eventMasterName(e) === masterName);
}

/**
 * Groups the events about `masterName` after `faultStart` into failover attempts, in the order
 * they started.
 * @param quorum when absent, each attempt's `switchQuorum` is null.
 */
export function failoverAttempts(
  events: readonly SentinelEvent[],
  faultStart: number,
  masterName: string,
  quorum?: number,
): FailoverAttempt[] {
  const all = afterFault(events, faultStart);
  const drafts: Draft[] = [];
  const open = new Map<string, Draft>();
  const ended = new Map<string, Draft>();
  const last = new Map<string, SentinelEvent>();
  for (const e of all) {
    const previous = last.get(e.sentinel);
    last.set(e.sentinel, e);
    if (eventMasterName(e) !== masterName) continue;
    if (e.type === '+try-failover') {
      // A sentinel runs one attempt at a time: an attempt still open here ended unseen (stays unfinished).
      open.delete(e.sentinel);
      ended.delete(e.sentinel);
      const epoch = previous?.type === '+new-epoch' ? (previous.epoch ?? null) : null;
      open.set(e.sentinel, push(drafts, newDraft(e.sentinel, epoch)));
    }
    if (e.type === '+switch-master') onSwitch(drafts, open, ended, e);
    else if (isAbort(e) || LEADER_EVENTS.has(e.type) || e.type === '+try-failover' || e.type.startsWith('+failover-state-')) {
      onLeaderEvent(drafts, open, ended, e);
    }
  }
  const votes = all.filter((e) => e.type === '+vote-for-leader');
  return drafts.map((d) => finish(d, votes, faultStart, quorum));
}

function newDraft(sentinel: string | null, epoch: number | null): Draft {
  return { sentinel, epoch, outcome: 'unfinished', at: {}, abort: null, state: null, target: null, switches: [] };
}

function push(drafts: Draft[], d: Draft): Draft {
  drafts.push(d);
  return d;
}

function onLeaderEvent(drafts: Draft[], open: Map<string, Draft>, ended: Map<string, Draft>, e: SentinelEvent): void {
  let d = open.get(e.sentinel) ?? (POST_PROMOTION.has(e.type) ? ended.get(e.sentinel) : undefined);
  if (d === undefined) {
    // Its +try-failover was before the fault or not seen: an attempt with unknown start and epoch.
    d = push(drafts, newDraft(e.sentinel, null));
    open.set(e.sentinel, d);
  }
  const key = TIME_OF[e.type];
  if (key !== undefined) d.at[key] ??= e.time;
  if (e.type.startsWith('+failover-state-')) d.state = e.type;
  if (e.instance?.kind === 'slave' && (e.type === '+selected-slave' || e.type === '+promoted-slave' || PROMOTING_STATES.has(e.type))) {
    d.target ??= hostPort(e.instance);
  }
  if (isAbort(e)) {
    d.outcome = 'aborted';
    d.abort = e.type;
    d.at.aborted = e.time;
    open.delete(e.sentinel);
  }
}

/**
 * The leader's own switch closes its attempt; any other +switch-master is a config update and
 * belongs to the latest attempt that targeted that replica and was not aborted before it (and
 * that this sentinel has not already switched for); failing that, to a new attempt known only
 * from its switches.
 */
function onSwitch(drafts: Draft[], open: Map<string, Draft>, ended: Map<string, Draft>, e: SentinelEvent): void {
  const to = e.switchMaster ? hostPort(e.switchMaster.to) : e.payload;
  const mine = open.get(e.sentinel);
  open.delete(e.sentinel); // own switch ends the attempt; a config update resets the master's failover state
  if (mine !== undefined && (mine.target === to || (mine.target === null && mine.at.elected !== undefined))) {
    mine.target ??= to;
    record(mine, e);
    ended.set(e.sentinel, mine);
    return;
  }
  const fits = (d: Draft): boolean =>
    d.target === to && !(d.at.aborted !== undefined && d.at.aborted <= e.time) && !d.switches.some((s) => s.sentinel === e.sentinel);
  const d = [...drafts].reverse().find(fits) ?? push(drafts, { ...newDraft(null, null), target: to });
  record(d, e);
}

function record(d: Draft, e: SentinelEvent): void {
  d.switches.push(e);
  if (d.outcome !== 'aborted') d.outcome = 'switched';
}

function finish(d: Draft, votes: readonly SentinelEvent[], faultStart: number, quorum: number | undefined): FailoverAttempt {
  const at = (t: number | undefined): number | null => (t === undefined ? null : relMs(t, faultStart));
  const switchBySentinel: Record<string, number> = {};
  for (const s of d.switches) if (!(s.sentinel in switchBySentinel)) switchBySentinel[s.sentinel] = relMs(s.time, faultStart);
  return {
    sentinel: d.sentinel,
    epoch: d.epoch,
    outcome: d.outcome,
    tryFailover: at(d.at.tryFailover),
    elected: at(d.at.elected),
    selectedReplica: at(d.at.selectedReplica),
    promoted: at(d.at.promoted),
    failoverEnd: at(d.at.failoverEnd),
    switchFirst: at(d.switches[0]?.time),
    switchQuorum: at(quorumTime(d.switches, quorum)),
    abortedAt: at(d.at.aborted),
    abort: d.abort,
    state: d.state,
    target: d.target,
    votes: d.epoch === null ? 0 : votes.filter((v) => v.epoch === d.epoch).length,
    switchBySentinel,
  };
}

/** Time at which `quorum` distinct sentinels had emitted one of `evs` (sorted by time). */
export function quorumTime(evs: readonly SentinelEvent[], quorum: number | undefined): number | undefined {
  if (quorum === undefined) return undefined;
  const seen = new Set<string>();
  for (const e of evs) {
    seen.add(e.sentinel);
    if (seen.size >= quorum) return e.time;
  }
  return undefined;
}

/** Attempts that reached +switch-master, by their first switch: the completed failovers. */
export function completedFailovers(attempts: readonly FailoverAttempt[]): FailoverAttempt[] {
  return attempts.filter((a) => a.switchFirst !== null).sort((a, b) => (a.switchFirst as number) - (b.switchFirst as number));
}

/** How far an attempt got (for choosing one to report when none switched). */
function progress(a: FailoverAttempt): number {
  if (a.promoted !== null) return 4;
  if (a.selectedReplica !== null) return 3;
  if (a.elected !== null) return 2;
  return a.tryFailover !== null ? 1 : 0;
}

/** The attempt the top-level figures describe: the first to switch, else the earliest of those that got furthest. */
export function leadingAttempt(attempts: readonly FailoverAttempt[]): FailoverAttempt | undefined {
  const done = completedFailovers(attempts)[0];
  if (done !== undefined) return done;
  let best: FailoverAttempt | undefined;
  for (const a of attempts) if (best === undefined || progress(a) > progress(best)) best = a;
  return best;
}

/**
 * Evidence that an attempt promoted (or may have promoted) a replica, e.g. "+promoted-slave at
 * +5200ms"; null when it never got past the election.
 */
export function promotionEvidence(a: FailoverAttempt): string | null {
  if (a.switchFirst !== null) return `+switch-master to ${a.target ?? '?'} at +${a.switchFirst}ms`;
  if (a.promoted !== null) return `+promoted-slave ${a.target ?? '?'} at +${a.promoted}ms (no +switch-master seen)`;
  if (a.failoverEnd !== null) return `+failover-end at +${a.failoverEnd}ms (no +switch-master seen)`;
  if (a.state !== null && PROMOTING_STATES.has(a.state)) return `${a.state} ${a.target ?? '?'} reached (SLAVEOF NO ONE may have been sent)`;
  return null;
}

/**
 * Computes the phase figures from a sentinel event stream.
 * @param quorum when absent, `sdownQuorum` and `switchQuorum` are null.
 */
export function sentinelPhases(
  events: readonly SentinelEvent[],
  faultStart: number,
  masterName: string,
  quorum?: number,
): SentinelPhases {
  return phasesOf(events, failoverAttempts(events, faultStart, masterName, quorum), faultStart, masterName, quorum);
}

/** The phase figures, given the attempts already grouped from the same events. */
export function phasesOf(
  events: readonly SentinelEvent[],
  attempts: readonly FailoverAttempt[],
  faultStart: number,
  masterName: string,
  quorum?: number,
): SentinelPhases {
  const evs = relevant(events, faultStart, masterName);
  const sdowns = evs.filter((e) => isMasterSdown(e, masterName));
  const at = (t: number | undefined): number | null => (t === undefined ? null : relMs(t, faultStart));
  const lead = leadingAttempt(attempts);
  return {
    sdownFirst: at(sdowns[0]?.time),
    sdownQuorum: at(quorumTime(sdowns, quorum)),
    sdownOther: evs.filter((e) => e.type === '+sdown' && !isMasterSdown(e, masterName)).length,
    odown: at(evs.find((e) => e.type === '+odown')?.time),
    tryFailover: lead?.tryFailover ?? null,
    elected: lead?.elected ?? null,
    selectedReplica: lead?.selectedReplica ?? null,
    promoted: lead?.promoted ?? null,
    switchFirst: lead?.switchFirst ?? null,
    switchQuorum: lead?.switchQuorum ?? null,
    failoverEnd: lead?.failoverEnd ?? null,
    newMaster: lead !== undefined && lead.switchFirst !== null ? lead.target : null,
    failovers: distinctNewMasters(evs.filter((e) => e.type === '+switch-master')),
    attempts: attempts.length,
    tilt: evs.filter(isTilt).length,
    aborts: evs.filter(isAbort).length,
  };
}

/**
 * Failovers = distinct new masters. Counting old→new pairs over-counts: a sentinel that missed the first
 * switch of a cascade reports old→newest directly (redis-0→redis-2 beside redis-0→redis-1, redis-1→redis-2).
 */
function distinctNewMasters(switches: readonly SentinelEvent[]): number {
  const keys = new Set<string>();
  for (const e of switches) {
    const s = e.switchMaster;
    keys.add(s ? hostPort(s.to) : e.payload);
  }
  return keys.size;
}

/**
 * The same phases computed from the sentinels' own log lines (server timestamps), to
 * cross-check the event-stream timings. Each line's `node` is taken as the sentinel name.
 */
export function phasesFromLogs(
  lines: readonly LogLine[],
  faultStart: number,
  masterName: string,
  quorum?: number,
): SentinelPhases {
  const events = sentinelEventsFromLog(lines).map((e) => parseSentinelEvent(e.node, e.type, e.payload, e.time));
  return sentinelPhases(events, faultStart, masterName, quorum);
}

/** The phases in the order Sentinel must go through them. */
const ORDER = ['sdownFirst', 'odown', 'elected', 'promoted', 'switchFirst'] as const;

/** Adjacent observed phases that are out of order, e.g. "odown (+30ms) before sdownFirst (+50ms)". */
export function orderViolations(p: SentinelPhases): string[] {
  const seen = ORDER.filter((k) => p[k] !== null).map((k) => ({ k, t: p[k] as number }));
  const out: string[] = [];
  for (let i = 1; i < seen.length; i++) {
    const a = seen[i - 1]!;
    const b = seen[i]!;
    if (b.t < a.t) out.push(`${b.k} (+${b.t}ms) before ${a.k} (+${a.t}ms)`);
  }
  return out;
}
