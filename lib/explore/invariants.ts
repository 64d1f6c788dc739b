/**
 * The invariants the explore mode checks after every heal and convergence, as a pure judgement of what was
 * recorded (ops, sentinel events) and what the probe read live (probe.ts). Each invariant comes out ok, a
 * FINDING (reported, exploration goes on) or a VIOLATION (exploration stops, the schedule is shrunk).
 *
 * What the configuration allows (`AllowLoss`), for acknowledged writes that are lost and for writes acknowledged
 * by a deposed master (split brain, judged like lib/checks/split-brain.ts against the elected master):
 * - `strict`: none at all;
 * - `bounded`: what min-replicas-to-write >= 1 promises. A master cut from its replicas stops acknowledging at
 *   most min-replicas-max-lag + 2 s after its last replica ACK (the count is refreshed once a second, see
 *   suites/chaos/scenarios/split-brain-min-replicas.ts), so each unbroken stretch of lost (or deposed-master) writes
 *   served by one node may last at most that plus one command timeout; longer is a violation, shorter a finding;
 * - `async`: asynchronous replication as configured with min-replicas-to-write 0: both are findings.
 * `auto` (the default) is `bounded` when min-replicas-to-write >= 1 and `async` otherwise. Writes that should not
 * be there (a failed write present) are always violations.
 */
import { electedAt, electedTimeline } from '../checks/elected-master.ts';
import { checkSets } from '../checks/write-loss.ts';
import type { Figure, FinalState, History, Op } from '../model.ts';

export type AllowLoss = 'strict' | 'bounded' | 'async';

export interface Policy {
  allowLoss: AllowLoss;
  /** `bounded`: the longest stretch (ms) of lost or deposed-master writes one node may serve. */
  boundMs: number;
  /** Writes of one node further apart than this (one command timeout) belong to different stretches. */
  mergeGapMs: number;
}

/** Sentinel's TILT lasts 30 s (SENTINEL_TILT_PERIOD); longer, plus 5 s of timer slack, is stuck. */
export const TILT_STUCK_S = 35;

export function resolvePolicy(o: { allowLoss: AllowLoss | 'auto'; minReplicasToWrite: number; minReplicasMaxLagS: number; commandTimeoutMs: number }): Policy {
  const allowLoss = o.allowLoss === 'auto' ? (o.minReplicasToWrite >= 1 ? 'bounded' : 'async') : o.allowLoss;
  return { allowLoss, boundMs: (o.minReplicasMaxLagS + 2) * 1000 + o.commandTimeoutMs, mergeGapMs: o.commandTimeoutMs };
}

/** What the probe read after convergence. */
export interface Observation {
  time: number;
  convergeMs: number;
  master: string | undefined;
  /** What is still not converged (empty = converged). */
  pending: string[];
  /** Each sentinel's config epoch of the master (null: it did not answer). */
  epochs: Record<string, number | null>;
  /** Each sentinel's TILT state (null: it did not answer). */
  tilt: Record<string, { tilt: boolean; sinceS: number | null } | null>;
  /** The set read on the agreed master. */
  final: FinalState;
}

export type Status = 'ok' | 'finding' | 'violation';

export interface Verdict {
  invariant: 'convergence' | 'config-epoch' | 'tilt' | 'write-loss' | 'split-brain';
  status: Status;
  note: string;
  figures?: Record<string, Figure>;
}

export interface RoundInput {
  /** Window start: the previous check (or the workload start). */
  since: number;
  obs: Observation;
  prevEpochs: Record<string, number>;
  history: Pick<History, 'ops' | 'events' | 'nodes' | 'masterName'>;
  /** Values of adds already reported lost (a loss is reported once). */
  reportedLost: ReadonlySet<string>;
}

/** Judge one round; returns one verdict per invariant. */
export function judgeRound(r: RoundInput, p: Policy): Verdict[] {
  return [convergence(r.obs), epochs(r.obs, r.prevEpochs), tilt(r.obs), writeLossRound(r, p), splitBrainRound(r, p)];
}

function convergence(o: Observation): Verdict {
  if (o.pending.length > 0) return { invariant: 'convergence', status: 'violation', note: `not converged after ${o.convergeMs} ms: ${o.pending.join('; ')}` };
  return { invariant: 'convergence', status: 'ok', note: `converged on ${o.master} in ${o.convergeMs} ms, every replica attached and caught up`, figures: { convergeMs: o.convergeMs } };
}

function epochs(o: Observation, prev: Record<string, number>): Verdict {
  const fell = Object.entries(o.epochs).filter(([s, e]) => e !== null && prev[s] !== undefined && e < (prev[s] as number));
  if (fell.length) return { invariant: 'config-epoch', status: 'violation', note: `config epoch went down: ${fell.map(([s, e]) => `${s} ${prev[s]} → ${e}`).join(', ')}` };
  const known = Object.values(o.epochs).filter((e): e is number => e !== null);
  const distinct = [...new Set(known)];
  if (distinct.length > 1) return { invariant: 'config-epoch', status: 'finding', note: `sentinels disagree on the config epoch after convergence: ${JSON.stringify(o.epochs)}` };
  return { invariant: 'config-epoch', status: 'ok', note: `config epoch ${distinct[0] ?? '?'} (never lower than before)` };
}

function tilt(o: Observation): Verdict {
  const tilted = Object.entries(o.tilt).filter(([, t]) => t?.tilt);
  const stuck = tilted.filter(([, t]) => (t?.sinceS ?? 0) > TILT_STUCK_S);
  const list = (xs: typeof tilted): string => xs.map(([s, t]) => `${s} (${t?.sinceS ?? '?'} s)`).join(', ');
  if (stuck.length) return { invariant: 'tilt', status: 'violation', note: `stuck in TILT longer than ${TILT_STUCK_S} s: ${list(stuck)}` };
  if (tilted.length) return { invariant: 'tilt', status: 'finding', note: `in TILT (within its 30 s period): ${list(tilted)}` };
  return { invariant: 'tilt', status: 'ok', note: 'no sentinel in TILT' };
}

/**
 * Per serving node: how many writes, and the longest episode — writes whose invocations follow each other within
 * `mergeGapMs`, from the first invoke to the last completion. Separate episodes are not added up: an isolated
 * master loses the few writes acknowledged just before the cut and, after the heal, those it acknowledges until
 * it is demoted; the guarantee bounds each stretch of acknowledging without replicas, not the time between them.
 */
export function episodesByNode(ops: readonly Op[], mergeGapMs: number): Record<string, { count: number; spanMs: number }> {
  const byNode = new Map<string, Op[]>();
  for (const o of ops) byNode.set(o.node ?? 'unknown node', [...(byNode.get(o.node ?? 'unknown node') ?? []), o]);
  const out: Record<string, { count: number; spanMs: number }> = {};
  for (const [node, list] of byNode) {
    list.sort((a, b) => a.invoke - b.invoke);
    let longest = 0;
    let stretch: { from: number; to: number } | undefined;
    for (const o of list) {
      if (stretch === undefined || o.invoke - stretch.to > mergeGapMs) stretch = { from: o.invoke, to: o.complete };
      else stretch.to = Math.max(stretch.to, o.complete);
      longest = Math.max(longest, stretch.to - stretch.from);
    }
    out[node] = { count: list.length, spanMs: Math.round(longest) };
  }
  return out;
}

/** Judge writes the configuration may or may not allow to be lost or deposed, by the policy. */
function allowance(ops: readonly Op[], p: Policy, what: string): { status: Status; note: string } {
  const spans = episodesByNode(ops, p.mergeGapMs);
  const list = Object.entries(spans).map(([n, s]) => `${s.count} served by ${n}, longest stretch ${s.spanMs} ms`).join(', ');
  if (ops.length === 0) return { status: 'ok', note: `no ${what}` };
  if (p.allowLoss === 'strict') return { status: 'violation', note: `${what}: ${list} (strict: none allowed)` };
  if (p.allowLoss === 'async') return { status: 'finding', note: `${what}: ${list} (asynchronous replication allows it)` };
  const over = Object.values(spans).some((s) => s.spanMs > p.boundMs);
  return { status: over ? 'violation' : 'finding', note: `${what}: ${list} (bounded: at most ${p.boundMs} ms per node${over ? ', EXCEEDED' : ''})` };
}

function writeLossRound(r: RoundInput, p: Policy): Verdict {
  const f = r.obs.final;
  if (f.error !== undefined) return { invariant: 'write-loss', status: 'finding', note: `not judged: ${f.error}` };
  const ops = r.history.ops.filter((o) => o.f === 'add' && o.complete <= f.time);
  const sets = checkSets(ops, f);
  const lost = lostOps(ops, f).filter((o) => !r.reportedLost.has(String(o.value)));
  // Elements nobody wrote are not judged here: an add still in flight at the read is not in the history yet
  // (the workload records an op when it completes). The whole run's write-loss check judges them at the end.
  const figures: Record<string, Figure> = { acked: sets.figures['acked'] ?? null, newlyLost: lost.length, failedPresent: sets.figures['failedPresent'] ?? null };
  if (Number(sets.figures['failedPresent']) > 0) {
    return { invariant: 'write-loss', status: 'violation', note: `${sets.figures['failedPresent']} failed adds are present (failed must mean not applied)`, figures };
  }
  const a = allowance(lost, p, 'acknowledged writes lost');
  return { invariant: 'write-loss', status: a.status, note: a.note, figures };
}

/** Acknowledged adds completed before the read that the read does not hold. */
function lostOps(ops: readonly Op[], f: FinalState): Op[] {
  const present = new Set(Object.values(f.sets).flat());
  return ops.filter((o) => o.f === 'add' && o.outcome === 'ok' && o.complete <= f.time && !present.has(String(o.value)));
}

/** The values of the adds a read shows lost (none when the read failed). */
export function lostValues(ops: readonly Op[], f: FinalState): string[] {
  return f.error === undefined ? lostOps(ops, f).map((o) => String(o.value)) : [];
}

function splitBrainRound(r: RoundInput, p: Policy): Verdict {
  const elected = electedTimeline(r.history);
  const writes = r.history.ops.filter((o) => o.outcome === 'ok' && (o.f === 'add' || o.f === 'incr') && o.invoke >= r.since && o.complete <= r.obs.time);
  if (elected.length === 0) return { invariant: 'split-brain', status: 'finding', note: 'not judged: initial master unknown' };
  const deposed = writes.filter((o) => o.node !== undefined && o.node !== electedAt(elected, o.invoke));
  const a = allowance(deposed, p, 'writes acknowledged by a deposed master');
  return { invariant: 'split-brain', status: a.status, note: a.note, figures: { writes: writes.length, deposedWrites: deposed.length, elections: elected.length - 1 } };
}

/** The worst status of a round. */
export function worst(vs: readonly Verdict[]): Status {
  return vs.some((v) => v.status === 'violation') ? 'violation' : vs.some((v) => v.status === 'finding') ? 'finding' : 'ok';
}
