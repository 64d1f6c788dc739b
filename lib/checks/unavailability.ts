/**
 * The client side of failover timing: how long clients writing through Sentinel could not write.
 *
 * Two series: the raw one counts every acknowledgement; the durable one counts only
 * acknowledgements the final read shows were kept. They differ when a master that is about to be
 * demoted keeps acknowledging writes that are then thrown away (a manual failover, a partitioned
 * old master): those acks look like availability but were not.
 */
import type { FinalState, Op } from '../model.ts';
import { relMs, round1 } from './checker.ts';

/** Client-visible unavailability of writes through Sentinel, counting every acknowledgement. */
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

/**
 * The same figures over durable acknowledgements only: Sentinel-routed writes acknowledged AND
 * present in the final read. Every figure is null when the final read failed.
 *
 * `add`: present = the element is in `final.sets[key]`. `incr`: only a loss is decidable (the
 * returned value is above the final counter: that increment's history was discarded); an
 * increment whose value is at or below the final counter counts as durable even if the counter
 * re-reached that value after a loss, so for counters the durable figures are a lower bound.
 */
export interface DurableUnavailability {
  durableUnavailableMs: number | null;
  durableUnavailableFrom: number | null;
  durableUnavailableTo: number | null;
  durableClientRecovery: number | null;
  durableUnavailableOpen: boolean | null;
  /** Acknowledged Sentinel writes completed after the fault that are in the final read. */
  durableAcks: number | null;
  /** Acknowledged Sentinel writes completed after the fault that the final read shows were lost. */
  vanishedAcks: number | null;
}

export const DEFAULT_RECOVERY_FACTOR = 10;

function isSentinelWrite(op: Op): boolean {
  return (op.f === 'add' || op.f === 'incr') && op.via === 'sentinel';
}

const isOk = (op: Op): boolean => op.outcome === 'ok';

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
  return gapFigures(ops.filter(isSentinelWrite), isOk, faultStart, recoveryFactor);
}

/**
 * `clientUnavailability` over durable acknowledgements only: an ok write that the final read
 * does not show is treated like a write that never completed (it may close an open gap, never
 * end one).
 */
export function durableUnavailability(
  ops: readonly Op[],
  final: FinalState,
  faultStart: number,
  recoveryFactor: number = DEFAULT_RECOVERY_FACTOR,
): DurableUnavailability {
  if (final.error !== undefined) {
    return {
      durableUnavailableMs: null, durableUnavailableFrom: null, durableUnavailableTo: null, durableClientRecovery: null,
      durableUnavailableOpen: null, durableAcks: null, vanishedAcks: null,
    };
  }
  const writes = ops.filter(isSentinelWrite);
  const kept = durablePredicate(final);
  const durable = (o: Op): boolean => isOk(o) && kept(o);
  const u = gapFigures(writes, durable, faultStart, recoveryFactor);
  const acked = writes.filter((o) => isOk(o) && o.complete > faultStart);
  const durableAcks = acked.filter(kept).length;
  return {
    durableUnavailableMs: u.unavailableMs,
    durableUnavailableFrom: u.unavailableFrom,
    durableUnavailableTo: u.unavailableTo,
    durableClientRecovery: u.clientRecovery,
    durableUnavailableOpen: u.unavailableOpen,
    durableAcks,
    vanishedAcks: acked.length - durableAcks,
  };
}

/** Whether an acknowledged write is in the final read (see `DurableUnavailability` for `incr`). */
export function durablePredicate(final: FinalState): (op: Op) => boolean {
  const sets = new Map<string, Set<string>>();
  for (const [k, members] of Object.entries(final.sets ?? {})) sets.set(k, new Set(members.map(String)));
  return (op) => {
    if (op.f === 'add') return sets.get(op.key)?.has(String(op.value)) ?? false;
    if (op.f !== 'incr') return false;
    const v = Number(op.value);
    return Number.isFinite(v) && v <= (final.counters?.[op.key] ?? 0);
  };
}

/** Gap figures over `writes` where `boundary` says which completions end a gap. */
function gapFigures(writes: readonly Op[], boundary: (o: Op) => boolean, faultStart: number, recoveryFactor: number): Unavailability {
  const gaps = postFaultGaps(writes, boundary, faultStart);
  const largest = maxGap(gaps);
  if (largest === undefined) {
    return { unavailableMs: null, unavailableFrom: null, unavailableTo: null, clientRecovery: null, unavailableOpen: false };
  }
  const threshold = recoveryFactor * median(preFaultGaps(writes, boundary, faultStart));
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

function postFaultGaps(writes: readonly Op[], boundary: (o: Op) => boolean, faultStart: number): Gap[] {
  const okEnds = writes.filter((o) => boundary(o) && o.complete > faultStart).map((o) => o.complete);
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

function preFaultGaps(writes: readonly Op[], boundary: (o: Op) => boolean, faultStart: number): number[] {
  const ends = writes.filter((o) => boundary(o) && o.complete < faultStart).map((o) => o.complete);
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
