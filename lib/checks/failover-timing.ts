/**
 * Failover timing: how long after a fault each Sentinel phase was first seen, and how long
 * clients writing through Sentinel could not write.
 *
 * Phases (ms from the fault start, null when not observed): sdown → odown → try-failover →
 * elected-leader → selected-slave → promoted-slave → switch-master → failover-end.
 */
import type { CheckResult, Figure, LogLine, Op, SentinelEvent } from '../model.ts';
import { eventMasterName, hostPort, parseSentinelEvent } from '../observe/parse-event.ts';
import { sentinelEventsFromLog } from '../observe/parse-log.ts';
import { allValid, relMs, round1 } from './checker.ts';
import type { Checker } from './checker.ts';

export interface FailoverTimingOpts {
  /** Epoch ms at which the fault was injected; every figure is relative to it. */
  faultStart: number;
  /** The sentinels' configured quorum (for `sdownQuorum` / `switchQuorum`). */
  quorum: number;
  /**
   * Master (Sentinel's monitored name) the fault is about.
   * @default history.masterName
   */
  masterName?: string;
  /**
   * Longest acceptable client-visible write unavailability, in ms.
   * @default Infinity (not judged)
   */
  budgetMs?: number;
  /** True when the fault should cause a failover; false when it must not. */
  expectFailover: boolean;
  /**
   * A post-fault gap counts as the outage when longer than this many times the median
   * inter-completion gap before the fault (see `clientRecovery`).
   * @default 10
   */
  recoveryFactor?: number;
}

/** Sentinel phase figures, ms from the fault start (null when not observed). */
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
  /** When >= quorum distinct sentinels had emitted +switch-master for the master. */
  switchQuorum: number | null;
  failoverEnd: number | null;
  /** host:port of the first +switch-master's new master. */
  newMaster: string | null;
  /** Distinct old→new switches (the same switch reported by several sentinels counts once). */
  failovers: number;
  /** +tilt events from any sentinel. */
  tilt: number;
  /** -failover-abort-* events for the master. */
  aborts: number;
}

/** Client-visible unavailability of writes through Sentinel. */
export interface Unavailability {
  /** Largest gap between consecutive ok write completions, counting the fault start as one. */
  unavailableMs: number | null;
  unavailableFrom: number | null;
  unavailableTo: number | null;
  /** End of the outage gap (see `recoveryFactor`); null if writes had not recovered by the end. */
  clientRecovery: number | null;
  /** True when the largest gap runs to the end of the history without an ok write (a lower bound). */
  unavailableOpen: boolean;
}

const DEFAULT_RECOVERY_FACTOR = 10;

/** The phases in the order Sentinel must go through them. */
const ORDER = ['sdownFirst', 'odown', 'elected', 'promoted', 'switchFirst'] as const;

type FirstPhase = 'odown' | 'tryFailover' | 'elected' | 'selectedReplica' | 'promoted' | 'failoverEnd';

/** Event type → the phase figure its first occurrence sets. */
const FIRST_OF: Record<string, FirstPhase> = {
  '+odown': 'odown',
  '+try-failover': 'tryFailover',
  '+elected-leader': 'elected',
  '+selected-slave': 'selectedReplica',
  '+promoted-slave': 'promoted',
  '+failover-end': 'failoverEnd',
};

export const failoverTiming: Checker<FailoverTimingOpts> = {
  name: 'failover-timing',
  keyFigures: ['sdownQuorum', 'elected', 'promoted', 'clientRecovery', 'unavailableMs', 'durableClientRecovery', 'durableUnavailableMs'],
  check(history, opts) {
    validate(opts);
    const master = opts.masterName ?? history.masterName;
    const phases = sentinelPhases(history.events, opts.faultStart, master, opts.quorum);
    const unavail = clientUnavailability(history.ops, opts.faultStart, opts.recoveryFactor);
    const budget = opts.budgetMs ?? Infinity;
    const notes: string[] = [];
    const valid = opts.expectFailover
      ? judgeFailover(phases, unavail, budget, master, notes)
      : judgeNoFailover(phases, master, notes);
    notes.push(...contextNotes(history.events, opts.faultStart, master));
    const figures: Record<string, Figure> = { ...phases, ...unavail, budgetMs: Number.isFinite(budget) ? budget : null };
    return { valid, figures, notes, details: phaseDetails(history.events, opts.faultStart, master) };
  },
};

function validate(opts: FailoverTimingOpts): void {
  if (!Number.isFinite(opts.faultStart)) throw new Error('failover-timing: opts.faultStart must be an epoch ms number');
  if (!Number.isInteger(opts.quorum) || opts.quorum < 1) {
    throw new Error(`failover-timing: opts.quorum must be a positive integer (got ${opts.quorum})`);
  }
}

// ---------------------------------------------------------------- sentinel phases

/** Events about `masterName` (plus TILT, which names no master) at/after `faultStart`, by time. */
function relevant(events: readonly SentinelEvent[], faultStart: number, masterName: string): SentinelEvent[] {
  return events
    .filter((e) => e.time >= faultStart && (isTilt(e) || eventMasterName(e) === masterName))
    .sort((a, b) => a.time - b.time);
}

function isTilt(e: SentinelEvent): boolean {
  return e.type === '+tilt';
}

function isMasterSdown(e: SentinelEvent, masterName: string): boolean {
  return e.type === '+sdown' && e.instance?.kind === 'master' && e.instance.name === masterName;
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
  const evs = relevant(events, faultStart, masterName);
  const sdowns = evs.filter((e) => isMasterSdown(e, masterName));
  const switches = evs.filter((e) => e.type === '+switch-master');
  const at = (t: number | undefined): number | null => (t === undefined ? null : relMs(t, faultStart));
  const phases: SentinelPhases = {
    sdownFirst: at(sdowns[0]?.time),
    sdownQuorum: at(quorumTime(sdowns, quorum)),
    sdownOther: evs.filter((e) => e.type === '+sdown' && !isMasterSdown(e, masterName)).length,
    odown: null, tryFailover: null, elected: null, selectedReplica: null, promoted: null,
    switchFirst: at(switches[0]?.time),
    switchQuorum: at(quorumTime(switches, quorum)),
    failoverEnd: null,
    newMaster: switches[0]?.switchMaster ? hostPort(switches[0].switchMaster.to) : null,
    failovers: distinctSwitches(switches),
    tilt: evs.filter(isTilt).length,
    aborts: evs.filter(isAbort).length,
  };
  for (const e of evs) setFirst(phases, e, faultStart);
  return phases;
}

function setFirst(phases: SentinelPhases, e: SentinelEvent, faultStart: number): void {
  const key = FIRST_OF[e.type];
  if (key !== undefined && phases[key] === null) phases[key] = relMs(e.time, faultStart);
}

function isAbort(e: SentinelEvent): boolean {
  return e.type.startsWith('-failover-abort');
}

/** Time at which `quorum` distinct sentinels had emitted one of `evs` (sorted by time). */
function quorumTime(evs: readonly SentinelEvent[], quorum: number | undefined): number | undefined {
  if (quorum === undefined) return undefined;
  const seen = new Set<string>();
  for (const e of evs) {
    seen.add(e.sentinel);
    if (seen.size >= quorum) return e.time;
  }
  return undefined;
}

/**
 * Failovers = distinct new masters. Counting old→new pairs over-counts: a sentinel that missed the first
 * switch of a cascade reports old→newest directly (redis-0→redis-2 beside redis-0→redis-1, redis-1→redis-2).
 */
function distinctSwitches(switches: readonly SentinelEvent[]): number {
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

// ---------------------------------------------------------------- client unavailability

function isSentinelWrite(op: Op): boolean {
  return (op.f === 'add' || op.f === 'incr') && op.via === 'sentinel';
}

interface Gap {
  from: number;
  to: number;
  /** The gap ends at the history's last failed/unknown attempt, not at an ok write. */
  open: boolean;
}

/**
 * Client-visible write unavailability after `faultStart`, from writes (add/incr) through
 * Sentinel. Boundaries are the fault start and every later ok completion; if attempts went on
 * failing after the last ok completion, the last attempt's completion closes an open gap.
 */
export function clientUnavailability(
  ops: readonly Op[],
  faultStart: number,
  recoveryFactor: number = DEFAULT_RECOVERY_FACTOR,
): Unavailability {
  const writes = ops.filter(isSentinelWrite);
  const gaps = postFaultGaps(writes, faultStart);
  const largest = maxGap(gaps);
  if (largest === undefined) {
    return { unavailableMs: null, unavailableFrom: null, unavailableTo: null, clientRecovery: null, unavailableOpen: false };
  }
  const threshold = recoveryFactor * median(preFaultGaps(writes, faultStart));
  // The first gap that is both unusual (> factor x the usual gap) and comparable to the largest one
  // (>= half of it): a short hiccup at the fault does not count as the outage, a second similar
  // outage (a cascade) does not hide the first recovery.
  const floor = Math.max(threshold, (largest.to - largest.from) / 2);
  const outage = (threshold > 0 ? gaps.find((g) => g.to - g.from >= floor) : undefined) ?? largest;
  return {
    unavailableMs: round1(largest.to - largest.from),
    unavailableFrom: relMs(largest.from, faultStart),
    unavailableTo: relMs(largest.to, faultStart),
    clientRecovery: outage.open ? null : relMs(outage.to, faultStart),
    unavailableOpen: largest.open,
  };
}

function postFaultGaps(writes: readonly Op[], faultStart: number): Gap[] {
  const okEnds = writes.filter((o) => o.outcome === 'ok' && o.complete > faultStart).map((o) => o.complete);
  const bounds = [faultStart, ...okEnds.sort((a, b) => a - b)];
  const gaps: Gap[] = [];
  for (let i = 1; i < bounds.length; i++) gaps.push({ from: bounds[i - 1] as number, to: bounds[i] as number, open: false });
  const lastOk = bounds[bounds.length - 1] as number;
  const lastAttempt = writes.reduce((m, o) => Math.max(m, o.complete), -Infinity);
  if (lastAttempt > lastOk) gaps.push({ from: lastOk, to: lastAttempt, open: true });
  return gaps;
}

function maxGap(gaps: readonly Gap[]): Gap | undefined {
  let best: Gap | undefined;
  for (const g of gaps) if (best === undefined || g.to - g.from > best.to - best.from) best = g;
  return best;
}

function preFaultGaps(writes: readonly Op[], faultStart: number): number[] {
  const ends = writes.filter((o) => o.outcome === 'ok' && o.complete < faultStart).map((o) => o.complete);
  ends.sort((a, b) => a - b);
  return ends.slice(1).map((t, i) => t - (ends[i] as number));
}

/** Median, or NaN for an empty list. */
function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

// ---------------------------------------------------------------- verdict

function judgeFailover(
  p: SentinelPhases,
  u: Unavailability,
  budgetMs: number,
  master: string,
  notes: string[],
): CheckResult['valid'] {
  const switched = p.switchFirst !== null;
  if (!switched) notes.push(`expected a failover, but no +switch-master for ${master} after the fault`);
  const ordered = orderViolations(p).map((v) => `phases out of order: ${v}`);
  notes.push(...ordered);
  return allValid([switched, ordered.length === 0, judgeBudget(u, budgetMs, notes)]);
}

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

function judgeBudget(u: Unavailability, budgetMs: number, notes: string[]): boolean | 'unknown' {
  if (!Number.isFinite(budgetMs)) return true;
  if (u.unavailableMs === null) {
    notes.push('no writes through Sentinel after the fault: client unavailability not measured');
    return 'unknown';
  }
  if (u.unavailableMs > budgetMs) {
    const still = u.unavailableOpen ? ' (writes had not recovered by the end)' : '';
    notes.push(`writes unavailable for ${u.unavailableMs}ms > budget ${budgetMs}ms${still}`);
    return false;
  }
  if (u.unavailableOpen) {
    notes.push(`writes had not recovered by the end of the history (${u.unavailableMs}ms so far, budget ${budgetMs}ms)`);
    return 'unknown';
  }
  return true;
}

function judgeNoFailover(p: SentinelPhases, master: string, notes: string[]): boolean {
  if (p.switchFirst === null) return true;
  notes.push(`unexpected failover of ${master} to ${p.newMaster ?? '?'} at +${p.switchFirst}ms`);
  return false;
}

/** Notes that explain a failed or odd failover: TILT and aborts. */
function contextNotes(events: readonly SentinelEvent[], faultStart: number, master: string): string[] {
  const evs = relevant(events, faultStart, master);
  const notes: string[] = [];
  const tilts = evs.filter(isTilt);
  if (tilts.length > 0) {
    const who = [...new Set(tilts.map((e) => e.sentinel))].join(', ');
    notes.push(`TILT mode entered ${tilts.length}x (${who}): sentinels in TILT do not act on failures`);
  }
  const aborts = evs.filter(isAbort);
  if (aborts.length > 0) notes.push(`failover aborted: ${[...new Set(aborts.map((e) => e.type))].join(', ')}`);
  return notes;
}

function phaseDetails(events: readonly SentinelEvent[], faultStart: number, master: string): Record<string, unknown> {
  const evs = relevant(events, faultStart, master);
  return {
    sdownBySentinel: firstBySentinel(evs.filter((e) => isMasterSdown(e, master)), faultStart),
    switchBySentinel: firstBySentinel(evs.filter((e) => e.type === '+switch-master'), faultStart),
  };
}

function firstBySentinel(evs: readonly SentinelEvent[], faultStart: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of evs) if (!(e.sentinel in out)) out[e.sentinel] = relMs(e.time, faultStart);
  return out;
}
