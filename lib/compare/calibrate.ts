/**
 * `compare --calibrate IMAGE`: an A/A comparison (the same image on both sides) is the way to see
 * how often the verdict cries wolf on this machine. Every regression or improvement it reports is a
 * false alarm. Pure.
 */
import type { Calibration, ComparisonReport } from './model.ts';

/** The false-alarm rate the default settings aim for (and the target of `--calibrate`). */
export const MAX_FALSE_ALARM_RATE = 0.05;

export function calibrationOf(r: Pick<ComparisonReport, 'scenarios' | 'alpha'>, image: string): Calibration {
  const tests = r.scenarios.flatMap((s) => s.tests).filter((x) => x.judged);
  const falseAlarms = tests.filter((x) => x.verdict === 'regression' || x.verdict === 'improvement').length;
  const falseAlarmRate = tests.length ? falseAlarms / tests.length : 0;
  const scenarioRegressions = r.scenarios.filter((s) => s.verdict === 'regression').length;
  return {
    image,
    tests: tests.length,
    falseAlarms,
    falseAlarmRate,
    significant: tests.filter((x) => x.p !== null && x.p < r.alpha).length,
    inconclusive: tests.filter((x) => x.verdict === 'inconclusive').length,
    scenarioRegressions,
    maxRate: MAX_FALSE_ALARM_RATE,
    met: falseAlarmRate <= MAX_FALSE_ALARM_RATE && scenarioRegressions === 0,
  };
}

export function calibrationLine(c: Calibration): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  return (
    `CALIBRATION (A/A on ${c.image}): ${c.falseAlarms} false alarm(s) in ${c.tests} scenario × metric test(s) = ${pct(c.falseAlarmRate)} ` +
    `(target ≤ ${pct(c.maxRate)}); ${c.significant} with p < alpha; ${c.inconclusive} inconclusive; ${c.scenarioRegressions} scenario-level REGRESSION verdict(s) (target 0): ` +
    `${c.met ? 'targets met' : 'targets NOT met'}`
  );
}
