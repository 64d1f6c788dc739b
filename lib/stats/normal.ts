/**
 * The standard normal distribution's tail, for the large-sample approximations (Mann–Whitney's
 * normal approximation, the Wilson interval's z). No statistics library is in the tree; this is
 * W. J. Cody's rational approximation of erfc (as in Numerical Recipes' erfcc refined), accurate
 * to ~1e-7 absolute, far below what a p-value threshold of 0.05 needs.
 */

/** Complementary error function, |error| < 1.2e-7 (Numerical Recipes, "erfcc"). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** The z with P(Z > z) = p, for the few levels the reports use (two-sided 90/95/99 %), else bisection. */
export function normalQuantileUpper(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantileUpper: p must be in (0, 1), got ${p}`);
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalSf(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
