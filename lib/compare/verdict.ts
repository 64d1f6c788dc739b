/**
 * The regression verdict of a comparison over repeated trials. Pure functions over ScenarioOutcomes,
 * so every rule is unit-tested (suites/unit/compare-verdict.spec.ts).
 *
 * Each candidate variant is compared with the baseline (variants[0]), scenario by scenario, on
 * every trial of each side: the pass rate, each timing metric and the loss rate get one test with a
 * verdict of regression, improvement, no change or inconclusive (the rules are in trials.ts). A
 * scenario regresses when any judged test says regression; it is inconclusive when none does but
 * one could not decide (or the baseline never completed); otherwise ok.
 */
import type { Thresholds } from '../config.ts';
import type { ComparisonVerdict, Finding, FindingKind, MetricTest, ScenarioComparison, ScenarioOutcome, ScenarioVerdict, Variant } from './model.ts';
import { TRIAL_METRICS } from './metrics.ts';
import { judgeLoss, judgePassRate, judgeTiming, testSeed } from './trials.ts';

/** A trial that ran to a verdict (not an error, not a scenario the server does not support). */
const completed = (o: ScenarioOutcome): boolean => o.verdict === 'pass' || o.verdict === 'fail';

function values(trials: readonly ScenarioOutcome[], key: string): { values: number[]; missing: number } {
  const done = trials.filter(completed);
  const v = done.map((o) => o.metrics?.[key] ?? null).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return { values: v, missing: done.length - v.length };
}

function lostCounts(trials: readonly ScenarioOutcome[]): number[] {
  return trials.filter((o) => completed(o) && typeof o.figures.lost === 'number').map((o) => o.figures.lost as number);
}

const KIND: Record<MetricTest['unit'], { worse: FindingKind; better: FindingKind }> = {
  ms: { worse: 'slower', better: 'faster' },
  rate: { worse: 'new-loss', better: 'fixed' },
  pass: { worse: 'new-failure', better: 'fixed' },
};

function findingOf(x: MetricTest, variant: string, scenario: string): Finding | null {
  if (!x.judged || x.verdict === 'no-change') return null;
  const kind: FindingKind = x.verdict === 'regression' ? KIND[x.unit].worse : x.verdict === 'improvement' ? KIND[x.unit].better : 'inconclusive';
  return { kind, regression: x.verdict === 'regression', scenario, variant, metric: x.metric, baseline: x.baselineMedian, candidate: x.candidateMedian, message: `${x.label}: ${x.reason}` };
}

/** Tests and findings for one scenario: `candidate` trials (on variant `variant`) against `baseline` trials. */
export function compareTrials(
  baseline: readonly ScenarioOutcome[],
  candidate: readonly ScenarioOutcome[],
  t: Thresholds,
  variant: string,
  scenario: string,
  seed = 1,
): { tests: MetricTest[]; findings: Finding[] } {
  const f = (kind: FindingKind, message: string): Finding => ({ kind, regression: false, variant, scenario, message });
  if (baseline.length === 0) return { tests: [], findings: [f('not-comparable', `${scenario} was not run on the baseline`)] };
  if (candidate.length === 0) return { tests: [], findings: [f('not-comparable', `${scenario} was not run on ${variant}`)] };
  // A scenario the server lacks a feature for is not a failure of that server: say so, compare nothing.
  const na = (side: readonly ScenarioOutcome[], name: string): Finding | null =>
    side.every((o) => o.verdict === 'not-applicable') ? f('not-applicable', `not applicable on ${name}: ${(side[0]?.error ?? '').replace(/^not applicable: /, '')}`) : null;
  const notApplicable = na(baseline, 'the baseline') ?? na(candidate, variant);
  if (notApplicable) return { tests: [], findings: [notApplicable] };
  baseline = baseline.filter((o) => o.verdict !== 'not-applicable');
  candidate = candidate.filter((o) => o.verdict !== 'not-applicable');
  const findings: Finding[] = [];
  if (baseline.every((o) => o.verdict === 'error')) {
    findings.push(f('not-comparable', `no baseline trial completed (${baseline[0]?.error ?? 'unknown error'}); nothing to compare against`));
  }
  const seen = new Set(baseline.flatMap((o) => o.failedAssertions));
  const newly = [...new Set(candidate.flatMap((o) => o.failedAssertions).filter((a) => !seen.has(a)))];
  const errors = candidate.filter((o) => o.verdict === 'error').map((o) => o.error ?? 'unknown error');
  const tests: MetricTest[] = [judgePassRate({ baseline: baseline.map((o) => o.verdict === 'pass'), candidate: candidate.map((o) => o.verdict === 'pass') }, [...newly, ...errors.map((e) => `did not complete: ${e}`)])];
  for (const m of TRIAL_METRICS) {
    const b = values(baseline, m.key);
    const c = values(candidate, m.key);
    // A metric neither side measured (e.g. phases of a scenario without failover) is not a test.
    if (b.values.length === 0 && c.values.length === 0) continue;
    const sample = { baseline: b.values, candidate: c.values, missing: [b.missing, c.missing] as [number, number] };
    const s = testSeed(seed, scenario, variant, m.key);
    if (m.unit === 'rate') {
      const expected = baseline.some((o) => o.lossExpected) || candidate.some((o) => o.lossExpected);
      tests.push(judgeLoss(m, sample, { baseline: lostCounts(baseline), candidate: lostCounts(candidate) }, t, expected, s));
    } else tests.push(judgeTiming(m, sample, t, s));
  }
  for (const x of tests) {
    const finding = findingOf(x, variant, scenario);
    if (finding) findings.push(finding);
  }
  return { tests, findings };
}

export function scenarioVerdict(findings: readonly Finding[], tests = 1): ScenarioVerdict {
  if (findings.some((x) => x.regression)) return 'regression';
  if (tests === 0 && findings.length > 0 && findings.every((x) => x.kind === 'not-applicable')) return 'not-applicable';
  if (findings.some((x) => x.kind === 'not-comparable' || x.kind === 'inconclusive')) return 'inconclusive';
  return 'ok';
}

/** Compare every scenario of every candidate variant with the baseline (trials[variant] = that variant's trials). */
export function compareScenarios(
  variants: readonly Pick<Variant, 'label'>[],
  scenarios: readonly { id: string; title: string; tags: string[]; trials: ScenarioOutcome[][] }[],
  t: Thresholds,
  seed = 1,
): ScenarioComparison[] {
  return scenarios.map((s) => {
    const tests: ScenarioComparison['tests'] = [];
    const findings: Finding[] = [];
    variants.slice(1).forEach((v, i) => {
      const r = compareTrials(s.trials[0] ?? [], s.trials[i + 1] ?? [], t, v.label, s.id, seed);
      tests.push(...r.tests.map((x) => ({ ...x, variant: v.label })));
      findings.push(...r.findings);
    });
    const outcomes = variants.map((_, i) => s.trials[i]?.[0] ?? null);
    return { id: s.id, title: s.title, tags: s.tags, outcomes, trials: variants.map((_, i) => s.trials[i] ?? []), tests, findings, verdict: scenarioVerdict(findings, tests.length) };
  });
}

export function overallVerdict(all: readonly ScenarioComparison[]): ComparisonVerdict {
  // Scenarios that apply to no compared pair say nothing either way.
  const scenarios = all.filter((s) => s.verdict !== 'not-applicable');
  if (scenarios.length === 0) return 'inconclusive';
  if (scenarios.some((s) => s.verdict === 'regression')) return 'regression';
  if (scenarios.some((s) => s.verdict === 'inconclusive')) return 'inconclusive';
  return 'no-regression';
}

/** One line for people and for the end of the CLI's output. */
export function summaryLine(verdict: ComparisonVerdict, scenarios: readonly ScenarioComparison[]): string {
  const n = scenarios.length;
  const regressed = scenarios.filter((s) => s.verdict === 'regression');
  const head =
    verdict === 'regression'
      ? `REGRESSION in ${regressed.length} of ${n} scenario(s)`
      : verdict === 'inconclusive'
        ? `INCONCLUSIVE: ${scenarios.filter((s) => s.verdict === 'inconclusive').length} of ${n} scenario(s) could not be decided`
        : `NO REGRESSION in ${n} scenario(s)`;
  const first = regressed.flatMap((s) => s.findings.filter((x) => x.regression)).slice(0, 3);
  const more = regressed.flatMap((s) => s.findings.filter((x) => x.regression)).length - first.length;
  const detail = first.map((x) => `${x.variant} ${x.scenario}: ${x.message}`).join('; ');
  return detail ? `${head} — ${detail}${more > 0 ? `; and ${more} more` : ''}` : head;
}

/** One line per test for the CLI: "kill-master  Client recovery  ~  ...". */
export function verdictLines(scenarios: readonly ScenarioComparison[]): string[] {
  const mark: Record<MetricTest['verdict'], string> = { regression: 'REGRESSION', improvement: 'improvement', 'no-change': '~', inconclusive: 'inconclusive' };
  return scenarios.flatMap((s) => [
    `${s.verdict.toUpperCase()} ${s.id}`,
    ...s.tests.map((x) => `  ${x.variant} ${x.label}: ${x.judged ? mark[x.verdict] : 'not judged'} — ${x.reason}`),
    ...s.findings.filter((x) => x.kind === 'not-comparable' || x.kind === 'not-applicable').map((x) => `  ${x.variant}: ${x.message}`),
  ]);
}
