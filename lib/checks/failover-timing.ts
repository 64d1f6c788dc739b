/**
 * Failover timing: how long after a fault each Sentinel phase was seen, per failover attempt, and
 * how long clients writing through Sentinel could not write (raw and durable).
 *
 * Phases (ms from the fault start, null when not observed): sdown → odown → try-failover →
 * elected-leader → selected-slave → promoted-slave → switch-master → failover-end. The event side
 * lives in failover-phases.ts, the client side in unavailability.ts; this file composes them and
 * judges. The top-level phase figures describe the first attempt that reached +switch-master;
 * every attempt is in `details.attempts`, and each further completed failover (a cascade) gets
 * `failover<k>.*` figures (k = 2, 3, … in switch order).
 */
import type { CheckResult, Figure, FinalState, SentinelEvent } from '../model.ts';
import { allValid, relMs } from './checker.ts';
import type { Checker } from './checker.ts';
import {
  completedFailovers,
  failoverAttempts,
  isAbort,
  isMasterSdown,
  isTilt,
  leadingAttempt,
  orderViolations,
  phasesOf,
  promotionEvidence,
  relevant,
} from './failover-phases.ts';
import type { FailoverAttempt, SentinelPhases } from './failover-phases.ts';
import { clientUnavailability, durableUnavailability } from './unavailability.ts';
import type { DurableUnavailability, Unavailability } from './unavailability.ts';

export { failoverAttempts, orderViolations, phasesFromLogs, sentinelPhases } from './failover-phases.ts';
export type { AttemptOutcome, FailoverAttempt, SentinelPhases } from './failover-phases.ts';
export { clientUnavailability, durableUnavailability } from './unavailability.ts';
export type { DurableUnavailability, Unavailability } from './unavailability.ts';

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
   * Longest acceptable client-visible write unavailability, in ms, judged on the DURABLE
   * unavailability (acknowledged writes the final read still shows).
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

export const failoverTiming: Checker<FailoverTimingOpts> = {
  name: 'failover-timing',
  keyFigures: ['sdownQuorum', 'elected', 'promoted', 'clientRecovery', 'unavailableMs', 'durableClientRecovery', 'durableUnavailableMs'],
  check(history, opts) {
    validate(opts);
    const master = opts.masterName ?? history.masterName;
    const attempts = failoverAttempts(history.events, opts.faultStart, master, opts.quorum);
    const phases = phasesOf(history.events, attempts, opts.faultStart, master, opts.quorum);
    const unavail = clientUnavailability(history.ops, opts.faultStart, opts.recoveryFactor);
    const durable = durableUnavailability(history.ops, history.final, opts.faultStart, opts.recoveryFactor);
    const budget = opts.budgetMs ?? Infinity;
    const notes: string[] = [];
    const valid = opts.expectFailover
      ? judgeFailover(phases, durable, history.final, budget, master, notes)
      : judgeNoFailover(attempts, master, notes);
    notes.push(...contextNotes(history.events, attempts, opts.faultStart, master), ...durabilityNotes(unavail, durable));
    const figures: Record<string, Figure> = {
      ...phases,
      ...unavail,
      ...durable,
      budgetMs: Number.isFinite(budget) ? budget : null,
      ...cascadeFigures(attempts),
    };
    return { valid, figures, notes, details: phaseDetails(history.events, attempts, opts.faultStart, master) };
  },
};

function validate(opts: FailoverTimingOpts): void {
  if (!Number.isFinite(opts.faultStart)) throw new Error('failover-timing: opts.faultStart must be an epoch ms number');
  if (!Number.isInteger(opts.quorum) || opts.quorum < 1) {
    throw new Error(`failover-timing: opts.quorum must be a positive integer (got ${opts.quorum})`);
  }
}

/** `failover<k>.*` for the k-th completed failover, k >= 2 (the first is the top-level figures). */
function cascadeFigures(attempts: readonly FailoverAttempt[]): Record<string, Figure> {
  const out: Record<string, Figure> = {};
  completedFailovers(attempts).forEach((a, i) => {
    if (i === 0) return;
    const p = `failover${i + 1}`;
    Object.assign(out, {
      [`${p}.tryFailover`]: a.tryFailover,
      [`${p}.elected`]: a.elected,
      [`${p}.promoted`]: a.promoted,
      [`${p}.switchFirst`]: a.switchFirst,
      [`${p}.newMaster`]: a.target,
    });
  });
  return out;
}

// ---------------------------------------------------------------- verdict

function judgeFailover(
  p: SentinelPhases,
  d: DurableUnavailability,
  final: FinalState,
  budgetMs: number,
  master: string,
  notes: string[],
): CheckResult['valid'] {
  const switched = p.switchFirst !== null;
  if (!switched) notes.push(`expected a failover, but no +switch-master for ${master} after the fault`);
  const ordered = orderViolations(p).map((v) => `phases out of order: ${v}`);
  notes.push(...ordered);
  return allValid([switched, ordered.length === 0, judgeBudget(d, final, budgetMs, notes)]);
}

/** The budget is judged on durable unavailability: an acknowledgement that was thrown away is no availability. */
function judgeBudget(d: DurableUnavailability, final: FinalState, budgetMs: number, notes: string[]): boolean | 'unknown' {
  if (!Number.isFinite(budgetMs)) return true;
  if (final.error !== undefined) {
    notes.push(`final read failed (${final.error}): durable unavailability not measured, budget ${budgetMs}ms not judged`);
    return 'unknown';
  }
  if (d.durableUnavailableMs === null) {
    notes.push('no writes through Sentinel after the fault: client unavailability not measured');
    return 'unknown';
  }
  if (d.durableUnavailableMs > budgetMs) {
    const still = d.durableUnavailableOpen ? ' (writes had not recovered by the end)' : '';
    notes.push(`writes durably unavailable for ${d.durableUnavailableMs}ms > budget ${budgetMs}ms${still}`);
    return false;
  }
  if (d.durableUnavailableOpen) {
    notes.push(`durable writes had not recovered by the end of the history (${d.durableUnavailableMs}ms so far, budget ${budgetMs}ms)`);
    return 'unknown';
  }
  return true;
}

/** Any sign that a replica was (or may have been) promoted is a failover, switched or not. */
function judgeNoFailover(attempts: readonly FailoverAttempt[], master: string, notes: string[]): boolean {
  let valid = true;
  for (const a of attempts) {
    const evidence = promotionEvidence(a);
    if (evidence === null) continue;
    valid = false;
    notes.push(
      a.switchFirst !== null
        ? `unexpected failover of ${master} to ${a.target ?? '?'} at +${a.switchFirst}ms`
        : `unexpected failover of ${master}: ${evidence}`,
    );
  }
  return valid;
}

/** Notes that explain a failed or odd failover: TILT, aborts, several attempts. */
function contextNotes(events: readonly SentinelEvent[], attempts: readonly FailoverAttempt[], faultStart: number, master: string): string[] {
  const evs = relevant(events, faultStart, master);
  const notes: string[] = [];
  const tilts = evs.filter(isTilt);
  if (tilts.length > 0) {
    const who = [...new Set(tilts.map((e) => e.sentinel))].join(', ');
    notes.push(`TILT mode entered ${tilts.length}x (${who}): sentinels in TILT do not act on failures`);
  }
  const aborts = evs.filter(isAbort);
  if (aborts.length > 0) notes.push(`failover aborted: ${[...new Set(aborts.map((e) => e.type))].join(', ')}`);
  if (attempts.length > 1) notes.push(`${attempts.length} failover attempts: ${attempts.map(describeAttempt).join('; ')}`);
  return notes;
}

/** Says when acknowledgements were thrown away, so the raw and durable figures differ. */
function durabilityNotes(u: Unavailability, d: DurableUnavailability): string[] {
  if (d.vanishedAcks === null || d.vanishedAcks === 0) return [];
  const open = d.durableUnavailableOpen ? ', not recovered by the end' : '';
  return [
    `${d.vanishedAcks} of ${d.vanishedAcks + (d.durableAcks ?? 0)} writes acknowledged through Sentinel after the fault are missing ` +
      `from the final read: durable unavailability ${d.durableUnavailableMs}ms${open} (${u.unavailableMs}ms counting every ack)`,
  ];
}

/** e.g. "sentinel-0 epoch 3 aborted (-failover-abort-not-elected at +15000ms)". */
function describeAttempt(a: FailoverAttempt): string {
  const who = `${a.sentinel ?? 'unseen leader'}${a.epoch === null ? '' : ` epoch ${a.epoch}`}`;
  if (a.outcome === 'aborted') return `${who} aborted (${a.abort ?? '?'} at +${a.abortedAt ?? '?'}ms)`;
  if (a.outcome === 'switched') return `${who} switched to ${a.target ?? '?'} at +${a.switchFirst ?? '?'}ms`;
  return `${who} unfinished${a.state === null ? '' : ` (last ${a.state})`}`;
}

function phaseDetails(
  events: readonly SentinelEvent[],
  attempts: readonly FailoverAttempt[],
  faultStart: number,
  master: string,
): Record<string, unknown> {
  const sdowns = relevant(events, faultStart, master).filter((e) => isMasterSdown(e, master));
  const sdownBySentinel: Record<string, number> = {};
  for (const e of sdowns) if (!(e.sentinel in sdownBySentinel)) sdownBySentinel[e.sentinel] = relMs(e.time, faultStart);
  return { sdownBySentinel, switchBySentinel: leadingAttempt(attempts)?.switchBySentinel ?? {}, attempts };
}
