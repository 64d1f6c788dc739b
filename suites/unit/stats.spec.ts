/**
 * The statistics behind `compare` and `run --repeat`, against published reference values: scipy 1.17.1
 * (stats.mannwhitneyu exact / PermutationMethod / asymptotic, stats.fisher_exact,
 * stats.binomtest(...).proportion_ci(method='wilson'), stats.norm.sf), computed once and pasted here.
 */
import { expect } from 'chai';
import { bootstrapMedianDiff, median } from '../../lib/stats/bootstrap.ts';
import { fisherExact } from '../../lib/stats/fisher.ts';
import { mannWhitneyU, midranks } from '../../lib/stats/mann-whitney.ts';
import { normalSf } from '../../lib/stats/normal.ts';
import { wilson } from '../../lib/stats/wilson.ts';

const close = (actual: number, expected: number, tol = 1e-6): void => {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).to.be.below(tol);
};

describe('stats: normal tail', () => {
  it('matches scipy.stats.norm.sf', () => {
    close(normalSf(1.959963984540054), 0.025, 2e-7);
    close(normalSf(0.5), 0.3085375387259869, 2e-7);
    close(normalSf(-1.2), 0.8849303297782918, 2e-7);
    close(normalSf(3.1), 0.0009676032132183563, 2e-7);
  });
});

describe('stats: Mann–Whitney U', () => {
  it('midranks average tied values', () => {
    expect(midranks([10, 20, 10, 30]).ranks).to.deep.equal([1.5, 3, 1.5, 4]);
    expect(midranks([10, 20, 10, 30]).ties).to.deep.equal([2, 1, 1]);
  });

  it('exact p without ties matches scipy method="exact"', () => {
    const a = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expect(a).to.include({ u: 0, method: 'exact' });
    close(a.p, 0.1);
    const b = mannWhitneyU([268, 301, 290, 275, 1373], [310, 330, 298, 402, 350]);
    expect(b.u).to.equal(6);
    close(b.p, 0.2222222222222222);
    const c = mannWhitneyU([1.1, 2.3, 0.7, 5.2], [3.3, 4.1, 6.0, 2.9, 7.7, 0.2]);
    expect(c.u).to.equal(7);
    close(c.p, 0.35238095238095235);
  });

  it('exact p with ties matches scipy PermutationMethod (scipy method="exact" ignores ties: 0.3095)', () => {
    const r = mannWhitneyU([0, 0, 0, 1, 2], [0, 1, 1, 2, 3]);
    expect(r.u).to.equal(7);
    close(r.p, 1 / 3);
  });

  it('identical samples give p = 1 and can never be significant', () => {
    const r = mannWhitneyU([0, 0, 0], [0, 0, 0]);
    expect(r.p).to.equal(1);
    expect(r.minP).to.equal(1);
  });

  it('minP says how small p can get: 3 vs 3 never below 0.1, 5 vs 5 down to 2/252', () => {
    close(mannWhitneyU([5, 1, 3], [2, 4, 6]).minP, 0.1);
    close(mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).minP, 2 / 252);
    close(mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).p, 2 / 252);
  });

  it('the normal approximation (n1 + n2 > 30) matches scipy method="asymptotic", with and without ties', () => {
    const x = Array.from({ length: 20 }, (_, i) => i + 1);
    const a = mannWhitneyU(x, x.map((v) => v + 3.5));
    expect(a).to.include({ u: 136, method: 'asymptotic' });
    close(a.p, 0.08585487995041037);
    const b = mannWhitneyU([1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8, 9, 9], [2, 3, 4, 4, 5, 5, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11]);
    expect(b.u).to.equal(76.5);
    close(b.p, 0.0533280814828202);
  });

  it('is symmetric in its samples and rejects empty or non-finite input', () => {
    close(mannWhitneyU([4, 5, 6], [1, 2, 3]).p, mannWhitneyU([1, 2, 3], [4, 5, 6]).p);
    expect(() => mannWhitneyU([], [1])).to.throw(/at least one value/);
    expect(() => mannWhitneyU([1, NaN], [1])).to.throw(/finite/);
  });
});

describe("stats: Fisher's exact test", () => {
  it('matches scipy.stats.fisher_exact', () => {
    // 3 of 5 passes on the candidate vs 5 of 5 on the baseline: not significant on its own.
    close(fisherExact([[3, 2], [5, 0]], 'less'), 0.22222222222222224);
    close(fisherExact([[5, 5], [10, 0]], 'less'), 0.016253869969040248);
    close(fisherExact([[1, 9], [11, 3]], 'two-sided'), 0.0027594561852200836);
    close(fisherExact([[8, 2], [1, 5]], 'greater'), 0.024475524475524483);
  });
  it('rejects non-integer counts', () => {
    expect(() => fisherExact([[1.5, 0], [0, 1]])).to.throw(/non-negative integers/);
  });
});

describe('stats: Wilson interval', () => {
  it('matches scipy binomtest(...).proportion_ci(method="wilson")', () => {
    const cases: [number, number, number, number][] = [
      [0, 5, 0, 0.43448246478317476],
      [5, 5, 0.5655175352168251, 1],
      [3, 5, 0.23072428127601297, 0.8823792257673521],
      [8, 10, 0.4901624715366418, 0.9433178485456248],
      [1, 20, 0.008881448800795402, 0.23613119344674205],
    ];
    for (const [k, n, lo, hi] of cases) {
      const w = wilson(k, n);
      close(w.lo, lo, 1e-6);
      close(w.hi, hi, 1e-6);
      expect(w.rate).to.equal(k / n);
    }
  });
  it('says nothing for zero trials and rejects impossible counts', () => {
    expect(wilson(0, 0)).to.include({ lo: 0, hi: 1 });
    expect(() => wilson(6, 5)).to.throw(/successes <= trials/);
  });
});

describe('stats: bootstrap CI of the median difference', () => {
  it('median of odd and even samples', () => {
    expect(median([3, 1, 2])).to.equal(2);
    expect(median([4, 1, 2, 3])).to.equal(2.5);
  });
  it('is reproducible for a seed and differs for another seed', () => {
    const b = [300, 310, 290, 305, 1300];
    const c = [400, 420, 395, 405, 410];
    const one = bootstrapMedianDiff(b, c, { seed: 7 });
    expect(bootstrapMedianDiff(b, c, { seed: 7 })).to.deep.equal(one);
    expect(one.estimate).to.equal(100);
    expect(one.lo).to.be.at.most(one.estimate);
    expect(one.hi).to.be.at.least(one.estimate);
    const wide = Array.from({ length: 25 }, (_, i) => (i * 37) % 101);
    const many = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => bootstrapMedianDiff(wide, c, { seed, resamples: 200 }).lo);
    expect(new Set(many).size).to.be.above(1);
  });
  it('is a point for constant samples and excludes 0 for separated samples', () => {
    expect(bootstrapMedianDiff([5, 5, 5], [7, 7, 7])).to.include({ estimate: 2, lo: 2, hi: 2 });
    const ci = bootstrapMedianDiff([100, 101, 102, 103, 104], [200, 201, 202, 203, 204]);
    expect(ci.lo).to.be.above(0);
    // The resampled medians can only be observed values: the interval lies within the extreme differences.
    expect(ci.lo).to.be.at.least(200 - 104);
    expect(ci.hi).to.be.at.most(204 - 100);
  });
});
