/**
 * Fisher's exact test on a 2×2 table of counts, one-sided: is the candidate's pass rate lower than
 * the baseline's? Exact (hypergeometric), so it is valid for the handful of trials a comparison runs
 * (scipy.stats.fisher_exact(table, alternative='less' | 'greater' | 'two-sided') gives the same p).
 */

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** P(X = a) for the table [[a, b], [c, d]] with fixed margins. */
function hypergeom(a: number, row1: number, col1: number, n: number): number {
  return Math.exp(logChoose(col1, a) + logChoose(n - col1, row1 - a) - logChoose(n, row1));
}

export type Alternative = 'less' | 'greater' | 'two-sided';

/**
 * p-value for [[a, b], [c, d]]: 'less' = the odds ratio is below 1 (a is small given the margins),
 * 'greater' = above 1, 'two-sided' = tables no more probable than the observed one.
 */
export function fisherExact(table: readonly [readonly [number, number], readonly [number, number]], alternative: Alternative = 'two-sided'): number {
  const [[a, b], [c, d]] = table;
  for (const v of [a, b, c, d]) if (!Number.isInteger(v) || v < 0) throw new Error(`fisherExact: counts must be non-negative integers, got ${JSON.stringify(table)}`);
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  const lo = Math.max(0, row1 + col1 - n);
  const hi = Math.min(row1, col1);
  let p = 0;
  if (alternative === 'less') for (let x = lo; x <= a; x++) p += hypergeom(x, row1, col1, n);
  else if (alternative === 'greater') for (let x = a; x <= hi; x++) p += hypergeom(x, row1, col1, n);
  else {
    const observed = hypergeom(a, row1, col1, n);
    for (let x = lo; x <= hi; x++) {
      const px = hypergeom(x, row1, col1, n);
      if (px <= observed * (1 + 1e-7)) p += px;
    }
  }
  return Math.min(1, p);
}
