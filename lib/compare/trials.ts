/**
 * The statistical verdict of one metric over repeated trials, candidate against baseline. Pure.
 *
 * Timing metrics (ms): a two-sided Mann–Whitney U test (exact for small samples) says whether the
 * trials differ at all; the difference of medians with a seeded bootstrap 95 % CI says by how much.
 * The effect threshold is T = max(--max-slower-ms, --max-slower-pct % of the baseline median):
 *
 *   - p < alpha and |Δ median| > T   → regression (slower) or improvement (faster);
 *   - p < alpha and |Δ median| <= T  → no change (`~`): a real but small difference;
 *   - p >= alpha and the CI within ±T → no change (`~`): any difference is below the threshold;
 *   - p >= alpha otherwise            → inconclusive: too few trials to ever reach p < alpha
 *     (minP >= alpha, e.g. 3 vs 3), or too much spread (the CI reaches past the threshold).
 *
 * Loss rate: Mann–Whitney on the per-trial rates (lost / acked). Not a pooled two-proportion test:
 * writes of one trial are not independent — a failover loses a contiguous burst — so the trial is
 * the unit of replication, and pooling thousands of writes would make any burst "significant".
 * The threshold is --max-new-loss on the median lost count; with no margin to be equivalent
 * within, a test that could have reached significance and did not is no change (benchstat's `~`).
 * A scenario that loses writes by design shows its loss rate but it is not judged.
 *
 * Pass rate: one-sided Fisher's exact test on the pass counts, OR the rule "every baseline trial
 * passed and the candidate failed at least twice". Fisher alone cannot flag 5/5 vs 3/5 (p = 0.22):
 * the scenarios' expectations are built to hold on a correct server, so a baseline that never failed
 * and a candidate that failed repeatedly is a new failure mode, not chance. A single candidate
 * failure against a clean baseline is inconclusive: re-run with more trials.
 */
import type { Thresholds } from '../config.ts';
import { bootstrapMedianDiff, median } from '../stats/bootstrap.ts';
import { fisherExact } from '../stats/fisher.ts';
import { mannWhitneyU } from '../stats/mann-whitney.ts';
import type { MetricSpec } from './metrics.ts';

export const ALPHA = 0.05;

export type TestVerdict = 'regression' | 'improvement' | 'no-change' | 'inconclusive';

export interface MetricTest {
  metric: string;
  label: string;
  unit: 'ms' | 'rate' | 'pass';
  /** The trials' values (trials without the figure left out; for pass: 1 = passed, 0 = not). */
  baseline: number[];
  candidate: number[];
  /** Trials of each side that had no value. */
  missing: [number, number];
  baselineMedian: number | null;
  candidateMedian: number | null;
  /** candidate − baseline (medians; for pass: pass rates). */
  delta: number | null;
  /** 95 % bootstrap CI of `delta`. */
  ci: [number, number] | null;
  /** Effect threshold in the metric's unit. */
  threshold: number | null;
  test: 'mann-whitney-exact' | 'mann-whitney-normal' | 'fisher-exact' | 'none';
  p: number | null;
  /** Smallest p these trials could give (Mann–Whitney). */
  minP: number | null;
  verdict: TestVerdict;
  /** False: shown, not part of the verdict (loss of a scenario that loses writes by design). */
  judged: boolean;
  reason: string;
}

/** A stable seed per (comparison seed, scenario, metric), so re-rendering gives the same intervals. */
export function testSeed(seed: number, ...parts: string[]): number {
  let h = (seed >>> 0) ^ 0x9e3779b9;
  for (const c of parts.join('\u0000')) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h >>> 0;
}

function fmtValue(v: number, unit: MetricTest['unit']): string {
  if (unit === 'ms') return `${Math.round(v)} ms`;
  if (unit === 'rate') return `${(v * 100).toFixed(2)}%`;
  return `${Math.round(v * 100)}%`;
}

function signed(v: number, unit: MetricTest['unit']): string {
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${fmtValue(Math.abs(v), unit)}`;
}

function pText(p: number): string {
  return p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`;
}

interface Sample {
  baseline: number[];
  candidate: number[];
  missing: [number, number];
}

function shared(spec: Pick<MetricSpec, 'key' | 'label'>, unit: MetricTest['unit'], s: Sample): Omit<MetricTest, 'verdict' | 'reason' | 'test' | 'p' | 'minP' | 'delta' | 'ci' | 'threshold' | 'judged'> {
  return {
    metric: spec.key,
    label: spec.label,
    unit,
    baseline: s.baseline,
    candidate: s.candidate,
    missing: s.missing,
    baselineMedian: s.baseline.length ? median(s.baseline) : null,
    candidateMedian: s.candidate.length ? median(s.candidate) : null,
  };
}

function notEnough(base: ReturnType<typeof shared>, why: string, judged: boolean): MetricTest {
  return { ...base, delta: null, ci: null, threshold: null, test: 'none', p: null, minP: null, verdict: 'inconclusive', judged, reason: why };
}

/** A timing metric (ms). */
export function judgeTiming(spec: Pick<MetricSpec, 'key' | 'label'>, s: Sample, t: Pick<Thresholds, 'maxSlowerPct' | 'maxSlowerMs'>, seed: number): MetricTest {
  const base = shared(spec, 'ms', s);
  if (s.baseline.length === 0 || s.candidate.length === 0) return notEnough(base, `not measured on ${s.baseline.length ? 'the candidate' : 'the baseline'}`, true);
  const mw = mannWhitneyU(s.baseline, s.candidate);
  const ci = bootstrapMedianDiff(s.baseline, s.candidate, { seed });
  const threshold = Math.max(t.maxSlowerMs, ((base.baselineMedian ?? 0) * t.maxSlowerPct) / 100);
  const delta = ci.estimate;
  const common = { ...base, delta, ci: [ci.lo, ci.hi] as [number, number], threshold, test: mw.method === 'exact' ? ('mann-whitney-exact' as const) : ('mann-whitney-normal' as const), p: mw.p, minP: mw.minP, judged: true };
  const d = `Δ median ${signed(delta, 'ms')} (95% CI ${signed(ci.lo, 'ms')} … ${signed(ci.hi, 'ms')}), ${pText(mw.p)}, threshold ±${fmtValue(threshold, 'ms')}`;
  const lostTrials = s.missing[1] > s.missing[0] ? `; not reached in ${s.missing[1]} candidate trial(s) vs ${s.missing[0]} baseline` : '';
  if (mw.p < ALPHA && Math.abs(delta) > threshold) {
    return { ...common, verdict: delta > 0 ? 'regression' : 'improvement', reason: `${delta > 0 ? 'slower' : 'faster'}: ${d}${lostTrials}` };
  }
  if (mw.p < ALPHA) return { ...common, verdict: 'no-change', reason: `differs, but within the threshold: ${d}${lostTrials}` };
  if (ci.lo >= -threshold && ci.hi <= threshold) return { ...common, verdict: 'no-change', reason: `within the threshold: ${d}${lostTrials}` };
  if (mw.minP >= ALPHA) {
    return { ...common, verdict: 'inconclusive', reason: `too few trials (${s.baseline.length} vs ${s.candidate.length}: p can never go below ${mw.minP.toFixed(3)}): ${d}${lostTrials}` };
  }
  return { ...common, verdict: 'inconclusive', reason: `too much spread to decide: ${d}${lostTrials}` };
}

/** The loss rate (lost per acknowledged write), per trial; `lostCounts` are the trials' lost writes for the threshold. */
export function judgeLoss(
  spec: Pick<MetricSpec, 'key' | 'label'>,
  s: Sample,
  lostCounts: { baseline: number[]; candidate: number[] },
  t: Pick<Thresholds, 'maxNewLoss'>,
  expected: boolean,
  seed: number,
): MetricTest {
  const base = shared(spec, 'rate', s);
  if (s.baseline.length === 0 || s.candidate.length === 0) return notEnough(base, `loss not measured on ${s.baseline.length ? 'the candidate' : 'the baseline'}`, !expected);
  const mw = mannWhitneyU(s.baseline, s.candidate);
  const ci = bootstrapMedianDiff(s.baseline, s.candidate, { seed });
  const newLoss = median(lostCounts.candidate) - median(lostCounts.baseline);
  const common = { ...base, delta: ci.estimate, ci: [ci.lo, ci.hi] as [number, number], threshold: t.maxNewLoss, test: mw.method === 'exact' ? ('mann-whitney-exact' as const) : ('mann-whitney-normal' as const), p: mw.p, minP: mw.minP, judged: !expected };
  const d = `median ${fmtValue(base.candidateMedian ?? 0, 'rate')} vs ${fmtValue(base.baselineMedian ?? 0, 'rate')} (median lost ${median(lostCounts.candidate)} vs ${median(lostCounts.baseline)}), ${pText(mw.p)}`;
  if (expected) return { ...common, verdict: 'no-change', reason: `loss expected by design (allowLoss / expectedOutcomes): shown, not judged; ${d}` };
  if (mw.p < ALPHA && ci.estimate > 0 && newLoss > t.maxNewLoss) return { ...common, verdict: 'regression', reason: `more loss: ${d}; more than ${t.maxNewLoss} more lost` };
  if (mw.p < ALPHA && ci.estimate < 0 && -newLoss > t.maxNewLoss) return { ...common, verdict: 'improvement', reason: `less loss: ${d}` };
  if (mw.p < ALPHA) return { ...common, verdict: 'no-change', reason: `differs, but by no more than ${t.maxNewLoss} lost write(s): ${d}` };
  if (ci.lo === 0 && ci.hi === 0) return { ...common, verdict: 'no-change', reason: `no significant difference: ${d}` };
  if (mw.minP >= ALPHA) return { ...common, verdict: 'inconclusive', reason: `too few trials (${s.baseline.length} vs ${s.candidate.length}: p can never go below ${mw.minP.toFixed(3)}): ${d}` };
  return { ...common, verdict: 'no-change', reason: `no significant difference: ${d}` };
}

/** Pass rate: passes out of trials on each side (a trial that did not complete counts as not passed). */
export function judgePassRate(passes: { baseline: boolean[]; candidate: boolean[] }, newlyFailed: readonly string[]): MetricTest {
  const b = passes.baseline.map(Number);
  const c = passes.candidate.map(Number);
  const base = shared({ key: 'passRate', label: 'Pass rate' }, 'pass', { baseline: b, candidate: c, missing: [0, 0] });
  if (b.length === 0 || c.length === 0) return notEnough(base, `no trials on ${b.length ? 'the candidate' : 'the baseline'}`, true);
  const bp = b.filter((x) => x === 1).length;
  const cp = c.filter((x) => x === 1).length;
  const bf = b.length - bp;
  const cf = c.length - cp;
  const worse = fisherExact([[cp, cf], [bp, bf]], 'less');
  const better = fisherExact([[cp, cf], [bp, bf]], 'greater');
  const rate = (p: number, n: number): string => `${p}/${n}`;
  const common = { ...base, baselineMedian: bp / b.length, candidateMedian: cp / c.length, delta: cp / c.length - bp / b.length, ci: null, threshold: null, test: 'fisher-exact' as const, minP: null, judged: true };
  const line = `passed ${rate(cp, c.length)} on the candidate vs ${rate(bp, b.length)} on the baseline`;
  const newly = newlyFailed.length ? `; newly failed: ${newlyFailed.join('; ')}` : '';
  if (worse < ALPHA || (bf === 0 && cf >= 2)) return { ...common, p: worse, verdict: 'regression', reason: `${line} (Fisher one-sided ${pText(worse)}${worse < ALPHA ? '' : '; every baseline trial passed, the candidate failed repeatedly'})${newly}` };
  if (better < ALPHA || (cf === 0 && bf >= 2)) return { ...common, p: better, verdict: 'improvement', reason: `${line} (Fisher one-sided ${pText(better)})` };
  if (bf === 0 && cf === 1) return { ...common, p: worse, verdict: 'inconclusive', reason: `${line}: one failure against a clean baseline; re-run with more trials${newly}` };
  return { ...common, p: worse, verdict: 'no-change', reason: `no significant difference: ${line}` };
}
