/**
 * Mann–Whitney U test (Wilcoxon rank-sum), two-sided: do two samples of trial figures (e.g. client
 * recovery in ms on the baseline and on the candidate) come from the same distribution? Rank-based,
 * so one wild trial (a 1.4 s recovery among 0.3 s ones) moves the result by one rank, not by its size.
 *
 * - Exact for small samples (n1 + n2 <= EXACT_MAX_N): the permutation distribution of U over the
 *   pooled midranks, counted by dynamic programming, so ties are handled exactly (scipy's
 *   `mannwhitneyu(method=PermutationMethod())` gives the same p; without ties also `method='exact'`).
 * - Otherwise the normal approximation with tie correction and continuity correction (scipy's
 *   `method='asymptotic'`, the default `use_continuity=True`).
 *
 * `minP` is the smallest p-value any arrangement of these pooled values could give: when it is not
 * below alpha, the test can never reach significance with this many trials (3 vs 3: minP = 0.1).
 */
import { normalSf } from './normal.ts';

export const EXACT_MAX_N = 30;

export interface MannWhitneyResult {
  /** U of the first sample: pairs (x, y) with x > y, ties counting 1/2. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  /** Smallest two-sided p-value attainable with these pooled values and sample sizes. */
  minP: number;
  method: 'exact' | 'asymptotic';
}

/** Midranks (1-based) of `values`, and the tie group sizes. */
export function midranks(values: readonly number[]): { ranks: number[]; ties: number[] } {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length).fill(0);
  const ties: number[] = [];
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && (order[j + 1] as { v: number }).v === (order[i] as { v: number }).v) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[(order[k] as { i: number }).i] = rank;
    ties.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, ties };
}

/**
 * Number of ways to choose n1 of the pooled items with each doubled-rank sum: counts[s] over s = 2 × rank sum.
 * Doubled midranks are integers, so the distribution is exact with ties.
 */
function rankSumCounts(doubled: readonly number[], n1: number): Map<number, number>[] {
  // dp[k]: map from doubled rank sum to the number of k-subsets with that sum.
  let dp: Map<number, number>[] = Array.from({ length: n1 + 1 }, (_, k) => new Map(k === 0 ? [[0, 1]] : []));
  for (const w of doubled) {
    const next = dp.map((m) => new Map(m));
    for (let k = 1; k <= n1; k++) {
      for (const [s, c] of dp[k - 1] as Map<number, number>) {
        const row = next[k] as Map<number, number>;
        row.set(s + w, (row.get(s + w) ?? 0) + c);
      }
    }
    dp = next;
  }
  return dp;
}

function exact(ranksX: readonly number[], all: readonly number[], n1: number): { p: number; minP: number } {
  const dist = rankSumCounts(all.map((r) => Math.round(r * 2)), n1)[n1] as Map<number, number>;
  const total = [...dist.values()].reduce((a, b) => a + b, 0);
  const toU = (doubledSum: number): number => doubledSum / 2 - (n1 * (n1 + 1)) / 2;
  const uObs = ranksX.reduce((a, b) => a + b, 0) - (n1 * (n1 + 1)) / 2;
  let le = 0;
  let ge = 0;
  let uMin = Infinity;
  for (const [s, c] of dist) {
    const u = toU(s);
    if (u <= uObs + 1e-9) le += c;
    if (u >= uObs - 1e-9) ge += c;
    uMin = Math.min(uMin, u);
  }
  const atMin = [...dist].filter(([s]) => toU(s) <= uMin + 1e-9).reduce((a, [, c]) => a + c, 0);
  return { p: Math.min(1, (2 * Math.min(le, ge)) / total), minP: Math.min(1, (2 * atMin) / total) };
}

function asymptotic(u: number, n1: number, n2: number, ties: readonly number[]): number {
  const n = n1 + n2;
  const tieTerm = ties.reduce((a, t) => a + (t ** 3 - t), 0) / (n * (n - 1));
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm);
  if (variance <= 0) return 1;
  const mu = (n1 * n2) / 2;
  const big = Math.max(u, n1 * n2 - u);
  const z = (big - mu - 0.5) / Math.sqrt(variance);
  return Math.min(1, 2 * normalSf(z));
}

export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new Error(`mannWhitneyU: both samples need at least one value (got ${n1} and ${n2})`);
  if ([...x, ...y].some((v) => !Number.isFinite(v))) throw new Error('mannWhitneyU: every value must be a finite number');
  const { ranks, ties } = midranks([...x, ...y]);
  const ranksX = ranks.slice(0, n1);
  const u = ranksX.reduce((a, b) => a + b, 0) - (n1 * (n1 + 1)) / 2;
  if (n1 + n2 <= EXACT_MAX_N) return { u, ...exact(ranksX, ranks, n1), method: 'exact' };
  return { u, p: asymptotic(u, n1, n2, ties), minP: asymptotic(0, n1, n2, ties), method: 'asymptotic' };
}
