/**
 * What each step of a multi-step procedure cost the clients: for every recorded fault (a rolling upgrade's
 * node replacements, its failover), the acknowledged writes lost and the longest time without a durable
 * write, within the step's window — from the step's injecting call to the next step's (the last step runs
 * to the end of the workload). A single figure over the whole run cannot say WHICH step lost the writes.
 * Budgets per step are the scenario's (from its configuration); a step without one is measured, not judged.
 */
import type { CheckResult, FaultRecord, Figure, History, Op } from '../model.ts';
import type { Checker } from './checker.ts';
import { round1 } from './checker.ts';
import { durablePredicate } from './unavailability.ts';

export interface StepBudget {
  /** Acknowledged writes of the step's window that may be missing from the final read. */
  maxLost?: number;
  /** Longest time (ms) within the window with no Sentinel-routed write acknowledged and kept. */
  maxUnavailableMs?: number;
  /** Why this budget (shown in the notes when it is exceeded). */
  why?: string;
}

export interface StepImpactOpts {
  /** The budget of step `i` (its fault record), or undefined to measure it only. */
  budget?: (record: FaultRecord, i: number) => StepBudget | undefined;
}

export interface StepFigures {
  label: string;
  from: number;
  to: number;
  acked: number;
  lost: number;
  unavailableMs: number;
}

const isWrite = (o: Op): boolean => o.f === 'add' || o.f === 'incr';

/** The per-step figures (pure): windows from each fault's invocation to the next one's. */
export function stepFigures(history: History): StepFigures[] {
  const writes = history.ops.filter(isWrite);
  const kept = durablePredicate(history.final);
  const lastAttempt = writes.reduce((m, o) => Math.max(m, o.complete), -Infinity);
  const starts = history.faults.map((f) => f.invokedAt ?? f.start);
  return history.faults.map((f, i) => {
    const from = starts[i] as number;
    const to = Math.max(from, starts[i + 1] ?? lastAttempt);
    const inWindow = writes.filter((o) => o.outcome === 'ok' && o.invoke >= from && o.invoke < to);
    const durableEnds = writes
      .filter((o) => o.via === 'sentinel' && o.outcome === 'ok' && kept(o) && o.complete > from && o.complete < to)
      .map((o) => o.complete)
      .sort((a, b) => a - b);
    const bounds = [from, ...durableEnds, Math.min(to, lastAttempt)];
    let gap = 0;
    for (let k = 1; k < bounds.length; k++) gap = Math.max(gap, (bounds[k] as number) - (bounds[k - 1] as number));
    return { label: f.name, from, to, acked: inWindow.length, lost: inWindow.filter((o) => !kept(o)).length, unavailableMs: round1(gap) };
  });
}

export const stepImpact: Checker<StepImpactOpts> = {
  name: 'step-impact',
  keyFigures: ['steps', 'lost', 'worstUnavailableMs'],
  check(history: History, opts: StepImpactOpts): CheckResult {
    if (history.final.error !== undefined) {
      return { valid: 'unknown', figures: {}, notes: [`no final read (${history.final.error}): loss per step is unknown`] };
    }
    const steps = stepFigures(history);
    const figures: Record<string, Figure> = {
      steps: steps.length,
      lost: steps.reduce((n, s) => n + s.lost, 0),
      worstUnavailableMs: steps.reduce((m, s) => Math.max(m, s.unavailableMs), 0),
    };
    const notes: string[] = [];
    steps.forEach((s, i) => {
      const k = `step${i + 1}`;
      Object.assign(figures, { [`${k}.label`]: s.label, [`${k}.acked`]: s.acked, [`${k}.lost`]: s.lost, [`${k}.unavailableMs`]: s.unavailableMs });
      const b = opts.budget?.(history.faults[i] as FaultRecord, i);
      if (b?.maxLost !== undefined && s.lost > b.maxLost) notes.push(`${s.label}: ${s.lost} acknowledged writes lost > ${b.maxLost}${b.why ? ` (${b.why})` : ''}`);
      if (b?.maxUnavailableMs !== undefined && s.unavailableMs > b.maxUnavailableMs) {
        notes.push(`${s.label}: no durable write for ${s.unavailableMs} ms > ${b.maxUnavailableMs} ms${b.why ? ` (${b.why})` : ''}`);
      }
    });
    return { valid: notes.length === 0, figures, notes: notes.length ? notes : [`${steps.length} step(s) within their budgets`], details: { steps } };
  },
};
