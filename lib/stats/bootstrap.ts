/**
 * A seeded percentile-bootstrap confidence interval for the difference of medians (candidate minus
 * baseline): resample each side with replacement, take the difference of the resampled medians,
 * and read the interval off the sorted differences. Seeded, so a report re-rendered from the same
 * trials shows the same interval. With few trials the interval is coarse (it can only be built from
 * the observed values) — which is what it should show.
 */
import { rng } from '../clock.ts';

export interface BootstrapCi {
  /** median(candidate) − median(baseline). */
  estimate: number;
  lo: number;
  hi: number;
  level: number;
  resamples: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The q-quantile of sorted values (linear interpolation, numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (i - lo);
}

/** Median of a resample of `xs` drawn into `buf` (a reused typed array: its sort is numeric and fast). */
function resampleMedian(xs: readonly number[], buf: Float64Array, random: () => number): number {
  for (let i = 0; i < xs.length; i++) buf[i] = xs[Math.floor(random() * xs.length)] as number;
  buf.sort();
  const mid = buf.length >> 1;
  return buf.length % 2 ? (buf[mid] as number) : ((buf[mid - 1] as number) + (buf[mid] as number)) / 2;
}

export function bootstrapMedianDiff(
  baseline: readonly number[],
  candidate: readonly number[],
  opts: { seed?: number; resamples?: number; level?: number } = {},
): BootstrapCi {
  const resamples = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  if (baseline.length === 0 || candidate.length === 0) throw new Error('bootstrapMedianDiff: both samples need at least one value');
  const random = rng(opts.seed ?? 1);
  const bufC = new Float64Array(candidate.length);
  const bufB = new Float64Array(baseline.length);
  const diffs = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) diffs[i] = resampleMedian(candidate, bufC, random) - resampleMedian(baseline, bufB, random);
  diffs.sort();
  const tail = (1 - level) / 2;
  return { estimate: median(candidate) - median(baseline), lo: quantileSorted(diffs, tail), hi: quantileSorted(diffs, 1 - tail), level, resamples };
}
