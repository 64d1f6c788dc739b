/**
 * Calibration without containers: simulated A/A comparisons (both sides drawn from the SAME noise
 * distribution, 5 trials each, seeded) through the real verdict rules. Every regression or
 * improvement is a false alarm; the target is <= 5 %. The noise shapes imitate what real runs showed:
 * tight (kill-master's phases, ±120 ms), bimodal (client recovery 268 ms in most trials, 1373 ms in
 * some), and wide / heavy-tailed (a loaded machine). The old single-run rule (any difference past the
 * thresholds) is run on the same draws to show what the statistics buy.
 */
import { expect } from 'chai';
import { rng } from '../../lib/clock.ts';
import { judgePassRate, judgeTiming } from '../../lib/compare/trials.ts';
import type { Thresholds } from '../../lib/config.ts';

const T: Thresholds = { maxSlowerPct: 25, maxSlowerMs: 500, maxNewLoss: 0 };
const TRIALS = 5;
const PAIRS = 300;

function simulate(draw: (r: () => number) => number, seed: number, judge = true): { falseAlarms: number; oldRule: number } {
  const r = rng(seed);
  let falseAlarms = 0;
  let oldRule = 0;
  for (let i = 0; i < PAIRS; i++) {
    const a = Array.from({ length: TRIALS }, () => draw(r));
    const b = Array.from({ length: TRIALS }, () => draw(r));
    const x = judge ? judgeTiming({ key: 'm', label: 'm' }, { baseline: a, candidate: b, missing: [0, 0] }, T, i).verdict : 'no-change';
    if (x === 'regression' || x === 'improvement') falseAlarms++;
    // The single-run rule: first trial of each side, slower by more than both thresholds.
    const d = (b[0] as number) - (a[0] as number);
    if (d > T.maxSlowerMs && d > ((a[0] as number) * T.maxSlowerPct) / 100) oldRule++;
  }
  return { falseAlarms: falseAlarms / PAIRS, oldRule: oldRule / PAIRS };
}

const gauss = (r: () => number): number => Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());

describe('comparison calibration: simulated A/A, 5 vs 5 trials', function () {
  this.timeout(20_000);
  const shapes: [string, (r: () => number) => number][] = [
    ['tight (2250 ± 120 ms)', (r) => 2250 + 120 * gauss(r)],
    ['bimodal (300 ms, 1 in 5 at 1400 ms)', (r) => (r() < 0.8 ? 300 + 30 * gauss(r) : 1400 + 100 * gauss(r))],
    ['wide (2000 ± 600 ms)', (r) => 2000 + 600 * gauss(r)],
    ['heavy-tailed (lognormal, median 1500 ms)', (r) => 1500 * Math.exp(0.4 * gauss(r))],
  ];
  for (const [name, draw] of shapes) {
    it(`timing, ${name}: false alarms <= 5 %`, () => {
      const s = simulate(draw, 11);
      expect(s.falseAlarms).to.be.at.most(0.05);
    });
  }

  it('the old single-run rule cries wolf on the same bimodal and wide noise (what the field A/A showed)', () => {
    expect(simulate(shapes[1]![1], 11, false).oldRule).to.be.above(0.1);
    expect(simulate(shapes[2]![1], 11, false).oldRule).to.be.above(0.1);
  });

  it('pass rate of a scenario that flakes 1 in 20: false alarms <= 5 %', () => {
    const r = rng(5);
    let alarms = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const side = (): boolean[] => Array.from({ length: TRIALS }, () => r() >= 0.05);
      const v = judgePassRate({ baseline: side(), candidate: side() }, []).verdict;
      if (v === 'regression' || v === 'improvement') alarms++;
    }
    expect(alarms / n).to.be.at.most(0.05);
  });
});
