/**
 * Wilson score interval for a proportion (e.g. a scenario's pass rate over repeated trials). Unlike
 * the textbook p ± z·sqrt(p(1−p)/n) it stays inside [0, 1] and is not zero-width at 5/5: passing 5
 * of 5 trials says the pass rate is above ~57 % (95 %), not that it is 100 %.
 */
import { normalQuantileUpper } from './normal.ts';

export interface WilsonInterval {
  successes: number;
  trials: number;
  rate: number;
  lo: number;
  hi: number;
  level: number;
}

export function wilson(successes: number, trials: number, level = 0.95): WilsonInterval {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || trials < 0 || successes < 0 || successes > trials) {
    throw new Error(`wilson: need integers 0 <= successes <= trials, got ${successes}/${trials}`);
  }
  if (trials === 0) return { successes, trials, rate: NaN, lo: 0, hi: 1, level };
  const z = normalQuantileUpper((1 - level) / 2);
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  return { successes, trials, rate: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half), level };
}
