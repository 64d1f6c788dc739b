/**
 * Time buckets: the operations of a history binned on one clock — throughput, failed/unknown counts and
 * latency percentiles — with a bucket width chosen so that no chart has more than a few hundred points.
 */
import type { History } from '../../model.ts';
import { finite } from './common.ts';

/** Bucket widths the timeline may use, smallest first; all divide a second or a minute evenly. */
const BUCKET_STEPS_MS = [100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 15_000, 30_000, 60_000];

export const DEFAULT_MAX_BUCKETS = 600;
export const DEFAULT_MIN_BUCKET_MS = 100;

/**
 * The bucket width for a time span: the smallest "round" width ≥ minMs that keeps the number
 * of buckets ≤ maxBuckets (one extra bucket is allowed for for a start that is not aligned).
 */
export function chooseBucketMs(
  spanMs: number,
  maxBuckets = DEFAULT_MAX_BUCKETS,
  minMs = DEFAULT_MIN_BUCKET_MS,
): number {
  const span = Number.isFinite(spanMs) && spanMs > 0 ? spanMs : 0;
  const fits = (step: number): boolean => Math.ceil(span / step) + 1 <= maxBuckets;
  for (const step of BUCKET_STEPS_MS) {
    if (step >= minMs && fits(step)) return step;
  }
  const minutes = Math.ceil(span / Math.max(1, maxBuckets - 1) / 60_000);
  return Math.max(minMs, minutes * 60_000);
}

export interface Timeline {
  bucketMs: number;
  /** Start of the first bucket and end of the last, ms relative to t0. */
  startMs: number;
  endMs: number;
  /** Bucket centres, ms relative to t0. */
  tMs: number[];
  /** ok operations completed per second in each bucket. */
  okPerSec: number[];
  /** Count of ok operations completed in the bucket. */
  ok: number[];
  /** Count of failed operations completed in the bucket. */
  failed: number[];
  /** Count of unknown (indeterminate) operations completed (given up on) in the bucket. */
  unknown: number[];
  /** Latency (complete − invoke, ms) of the ok operations completed in the bucket; null when none. */
  p50: (number | null)[];
  p99: (number | null)[];
  max: (number | null)[];
}

/** Nearest-rank percentile of an ascending array; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? null;
}


/** [min, max] of the times in the history, relative to t0; null if there is nothing timed. */
export function historyExtentMs(history: Partial<History>): [number, number] | null {
  const t0 = finite(history.t0) ? history.t0 : 0;
  let lo = Infinity;
  let hi = -Infinity;
  const see = (t: unknown): void => {
    if (!finite(t)) return;
    const r = t - t0;
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  };
  for (const op of history.ops ?? []) {
    see(op.invoke);
    see(op.complete);
  }
  for (const p of history.polls ?? []) see(p.time);
  for (const e of history.events ?? []) see(e.time);
  for (const f of history.faults ?? []) {
    see(f.start);
    see(f.end);
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * Bucket the operations: throughput of ok ops, counts of failed / unknown ops (by completion
 * time), and latency percentiles of ok ops. The range covers the whole history (ops, polls,
 * events, faults) so every chart shares one x range. Returns null when nothing is timed.
 */
export function bucketOps(
  history: Partial<History>,
  opts: { maxBuckets?: number; minBucketMs?: number } = {},
): Timeline | null {
  const extent = historyExtentMs(history);
  if (!extent) return null;
  const t0 = finite(history.t0) ? history.t0 : 0;
  const [lo, hi] = extent;
  const from = Math.min(0, lo);
  const bucketMs = chooseBucketMs(hi - from, opts.maxBuckets, opts.minBucketMs);
  const startMs = Math.floor(from / bucketMs) * bucketMs;
  const n = Math.max(1, Math.ceil((hi - startMs) / bucketMs) + (hi === startMs ? 1 : 0));
  const count = (): number[] => new Array<number>(n).fill(0);
  const ok = count();
  const failed = count();
  const unknown = count();
  const latencies: number[][] = Array.from({ length: n }, () => []);
  const index = (rel: number): number => Math.min(n - 1, Math.max(0, Math.floor((rel - startMs) / bucketMs)));

  for (const op of history.ops ?? []) {
    if (!finite(op.complete)) continue;
    const i = index(op.complete - t0);
    if (op.outcome === 'ok') {
      ok[i] = (ok[i] ?? 0) + 1;
      if (finite(op.invoke) && op.complete >= op.invoke) latencies[i]?.push(op.complete - op.invoke);
    } else if (op.outcome === 'failed') {
      failed[i] = (failed[i] ?? 0) + 1;
    } else {
      unknown[i] = (unknown[i] ?? 0) + 1;
    }
  }
  const p50: (number | null)[] = [];
  const p99: (number | null)[] = [];
  const max: (number | null)[] = [];
  for (const l of latencies) {
    l.sort((a, b) => a - b);
    p50.push(percentile(l, 50));
    p99.push(percentile(l, 99));
    max.push(l.length ? (l[l.length - 1] ?? null) : null);
  }
  return {
    bucketMs,
    startMs,
    endMs: startMs + n * bucketMs,
    tMs: Array.from({ length: n }, (_, i) => startMs + (i + 0.5) * bucketMs),
    okPerSec: ok.map((c) => (c * 1000) / bucketMs),
    ok,
    failed,
    unknown,
    p50,
    p99,
    max,
  };
}
