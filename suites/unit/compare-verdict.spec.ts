/**
 * The comparison verdict over repeated trials (lib/compare/trials.ts, verdict.ts): each rule with
 * the broken judgement it catches — a single outlier trial must not make a regression, a consistent
 * slowdown past the threshold must, too few trials must say so, expected loss must not be judged.
 */
import { expect } from 'chai';
import { buildComparison } from '../../lib/compare/build.ts';
import { calibrationOf } from '../../lib/compare/calibrate.ts';
import { lossExpected, trialMetrics } from '../../lib/compare/metrics.ts';
import type { ScenarioOutcome, Variant } from '../../lib/compare/model.ts';
import { imageLabel, outcomeOf, variantLabels } from '../../lib/compare/outcome.ts';
import { judgeLoss, judgePassRate, judgeTiming } from '../../lib/compare/trials.ts';
import { compareTrials, overallVerdict, scenarioVerdict } from '../../lib/compare/verdict.ts';
import type { Thresholds } from '../../lib/config.ts';
import { makeScenarioResult } from '../fixtures/make-result.ts';

const T: Thresholds = { maxSlowerPct: 25, maxSlowerMs: 500, maxNewLoss: 0 };
const M = { key: 'clientRecoveryMs', label: 'Client recovery' };
const sample = (baseline: number[], candidate: number[]) => ({ baseline, candidate, missing: [0, 0] as [number, number] });

function outcome(o: Partial<ScenarioOutcome> & { m?: Record<string, number | null>; lost?: number } = {}): ScenarioOutcome {
  const { m, lost, ...rest } = o;
  return {
    id: 'kill-master',
    title: 'kill -9 the master',
    tags: ['quick'],
    verdict: 'pass',
    error: null,
    failedAssertions: [],
    invalidChecks: [],
    serverVersion: 'redis 7.0.15',
    durationMs: 25_000,
    figures: { detectionMs: 900, electionMs: 1200, promotionMs: 2000, clientRecoveryMs: 2400, unavailableMs: 2300, durableClientRecoveryMs: 2400, durableUnavailableMs: 2300, acked: 1000, lost: lost ?? 0, recovered: 0, reattached: 2, reattachExpected: 2, reattachedMs: 9000 },
    metrics: { clientRecoveryMs: 2400, lostRate: (lost ?? 0) / 1000, ...m },
    metricSources: {},
    lossExpected: false,
    ...rest,
  };
}

const trials = (values: number[], extra: Partial<ScenarioOutcome> = {}): ScenarioOutcome[] => values.map((v) => outcome({ m: { clientRecoveryMs: v }, ...extra }));

describe('comparison verdict: timing metrics over trials', () => {
  it('the A/A case from the field: one wild trial (268 vs 1373 ms) is not a regression', () => {
    const x = judgeTiming(M, sample([268, 301, 290, 275, 310], [1373, 280, 295, 305, 270]), T, 1);
    expect(x.verdict).to.not.equal('regression');
    expect(x.test).to.equal('mann-whitney-exact');
  });

  it('a consistent slowdown beyond the threshold is a regression (all 5 trials slower by ~1 s)', () => {
    const x = judgeTiming(M, sample([2000, 2100, 1950, 2050, 2020], [3100, 3050, 3200, 2990, 3150]), T, 1);
    expect(x.verdict).to.equal('regression');
    expect(x.p).to.be.below(0.05);
    expect(x.delta).to.equal(1080);
    expect(x.reason).to.match(/^slower: Δ median \+1080 ms/);
  });

  it('the mirror image is an improvement', () => {
    expect(judgeTiming(M, sample([3100, 3050, 3200, 2990, 3150], [2000, 2100, 1950, 2050, 2020]), T, 1).verdict).to.equal('improvement');
  });

  it('a significant difference within the threshold is no change (+100 ms on 2 s, threshold 500 ms)', () => {
    const x = judgeTiming(M, sample([2000, 2010, 2020, 2030, 2040], [2100, 2110, 2120, 2130, 2140]), T, 1);
    expect(x.p).to.be.below(0.05);
    expect(x.verdict).to.equal('no-change');
  });

  it('the threshold is max(ms, % of the baseline median): +1 s on a 10 s baseline (25% = 2.5 s) is no change', () => {
    const x = judgeTiming(M, sample([10_000, 10_010, 10_020, 10_030, 10_040], [11_000, 11_010, 11_020, 11_030, 11_040]), T, 1);
    expect(x.threshold).to.equal(2505);
    expect(x.verdict).to.equal('no-change');
  });

  it('3 vs 3 trials can never reach p < 0.05: a 1 s slowdown is inconclusive, not a regression', () => {
    const x = judgeTiming(M, sample([2000, 2100, 2050], [3100, 3050, 3200]), T, 1);
    expect(x.minP).to.be.closeTo(0.1, 1e-9);
    expect(x.verdict).to.equal('inconclusive');
    expect(x.reason).to.match(/too few trials/);
  });

  it('3 vs 3 trials within the threshold are no change (the CI rules out a difference past it)', () => {
    expect(judgeTiming(M, sample([2000, 2100, 2050], [2080, 2150, 2020]), T, 1).verdict).to.equal('no-change');
  });

  it('with enough trials but a CI reaching past the threshold: inconclusive (too much spread)', () => {
    const x = judgeTiming(M, sample([2000, 2900, 2100, 3500, 2050, 2400], [2300, 3600, 2200, 4100, 2600, 2500]), T, 1);
    expect(x.verdict).to.equal('inconclusive');
    expect(x.reason).to.match(/too much spread/);
  });
});

describe('comparison verdict: loss rate and pass rate', () => {
  const L = { key: 'lostRate', label: 'Loss rate' };
  it('per-trial loss rates consistently higher with more lost writes: regression', () => {
    const x = judgeLoss(L, sample([0, 0, 0, 0, 0], [0.01, 0.02, 0.015, 0.01, 0.03]), { baseline: [0, 0, 0, 0, 0], candidate: [10, 20, 15, 10, 30] }, T, false, 1);
    expect(x.verdict).to.equal('regression');
  });
  it('the field case (405 vs 401 lost of similar totals) is not a regression', () => {
    const acked = [1490, 1502, 1475, 1510, 1488];
    const b = [401, 390, 410, 400, 395];
    const c = [405, 399, 392, 411, 402];
    const x = judgeLoss(L, sample(b.map((v, i) => v / (acked[i] ?? 1)), c.map((v, i) => v / (acked[4 - i] ?? 1))), { baseline: b, candidate: c }, T, false, 1);
    expect(x.verdict).to.equal('no-change');
  });
  it('a significant rise within --max-new-loss is no change, and says so', () => {
    const x = judgeLoss(L, sample([0, 0, 0, 0, 0], [0.001, 0.002, 0.001, 0.001, 0.002]), { baseline: [0, 0, 0, 0, 0], candidate: [1, 2, 1, 1, 2] }, { maxNewLoss: 2 }, false, 1);
    expect(x.p).to.be.below(0.05);
    expect(x.verdict).to.equal('no-change');
    expect(x.reason).to.match(/^differs, but by no more than 2 lost write/);
  });
  it('a scenario that loses writes by design is shown, not judged', () => {
    const x = judgeLoss(L, sample([0, 0, 0, 0, 0], [0.01, 0.02, 0.015, 0.01, 0.03]), { baseline: [0, 0, 0, 0, 0], candidate: [10, 20, 15, 10, 30] }, T, true, 1);
    expect(x.judged).to.equal(false);
    expect(x.verdict).to.not.equal('regression');
  });
  it('pass rate 5/5 → 3/5 is a regression (Fisher p = 0.22 alone would not say so: the clean-baseline rule does)', () => {
    const x = judgePassRate({ baseline: [true, true, true, true, true], candidate: [true, false, true, false, true] }, ['recovery within budget']);
    expect(x.verdict).to.equal('regression');
    expect(x.p).to.be.closeTo(0.2222, 1e-3);
    expect(x.reason).to.include('newly failed: recovery within budget');
  });
  it('pass rate 5/5 → 4/5 is inconclusive; 4/5 → 3/5 is no change; 10/10 → 5/10 is a regression by Fisher', () => {
    expect(judgePassRate({ baseline: [true, true, true, true, true], candidate: [true, true, false, true, true] }, []).verdict).to.equal('inconclusive');
    expect(judgePassRate({ baseline: [true, true, false, true, true], candidate: [true, false, false, true, true] }, []).verdict).to.equal('no-change');
    const f = judgePassRate({ baseline: Array(10).fill(true), candidate: [...Array(5).fill(true), ...Array(5).fill(false)] }, []);
    expect(f.verdict).to.equal('regression');
    expect(f.p).to.be.closeTo(0.01625, 1e-4);
  });
});

describe('comparison verdict: scenarios and overall', () => {
  it('compareTrials tests the pass rate and every measured metric; unmeasured metrics are no test', () => {
    const r = compareTrials(trials([2000, 2100, 1950, 2050, 2020]), trials([3100, 3050, 3200, 2990, 3150]), T, 'cand', 'kill-master');
    expect(r.tests.map((x) => x.metric)).to.deep.equal(['passRate', 'clientRecoveryMs', 'lostRate']);
    expect(scenarioVerdict(r.findings)).to.equal('regression');
    expect(r.findings.find((f) => f.regression)).to.include({ kind: 'slower', metric: 'clientRecoveryMs' });
  });

  it('a baseline that never completed makes the scenario inconclusive, not a regression', () => {
    const r = compareTrials(trials([2000, 2000], { verdict: 'error', error: 'boom' }), trials([2000, 2000]), T, 'cand', 'kill-master');
    expect(scenarioVerdict(r.findings)).to.equal('inconclusive');
  });

  it('trials with the same id are grouped; the first trial stays as `outcomes`; regression wins over inconclusive', () => {
    const v = (label: string): Variant => ({ label, redisImage: label, sentinelImage: label, toxiproxyImage: 't', serverVersion: null, report: null, runId: label });
    const slow = trials([3100, 3050, 3200, 2990, 3150]);
    const other = trials([1, 2, 3], { id: 'partition', title: 'partition' });
    const r = buildComparison({ id: 'x', startedAt: 'a', finishedAt: 'b', seed: 1, machine: null, thresholds: T, variants: [v('a'), v('b')], outcomes: [[...trials([2000, 2100, 1950, 2050, 2020]), ...other], [...slow, ...other]] });
    expect(r.scenarios.map((s) => [s.id, s.trials.map((t) => t.length)])).to.deep.equal([['kill-master', [5, 5]], ['partition', [3, 3]]]);
    expect(r.scenarios[0]?.outcomes[1]).to.equal(slow[0]);
    expect(r.repeat).to.equal(5);
    expect(r.schemaVersion).to.equal(2);
    expect(overallVerdict(r.scenarios)).to.equal('regression');
    expect(r.summary).to.match(/^REGRESSION in 1 of 2 scenario\(s\) — b kill-master: Client recovery: slower/);
  });

  it('calibration counts regressions and improvements of an A/A comparison as false alarms', () => {
    const v = (label: string): Variant => ({ label, redisImage: 'img', sentinelImage: 'img', toxiproxyImage: 't', serverVersion: null, report: null, runId: label });
    const r = buildComparison({ id: 'x', startedAt: 'a', finishedAt: 'b', seed: 1, machine: null, thresholds: T, variants: [v('a'), v('a-2')], outcomes: [trials([2000, 2100, 1950, 2050, 2020]), trials([3100, 3050, 3200, 2990, 3150])] });
    const c = calibrationOf(r, 'img');
    expect(c).to.include({ tests: 3, falseAlarms: 1, scenarioRegressions: 1, met: false });
    expect(c.falseAlarmRate).to.be.closeTo(1 / 3, 1e-9);
  });
});

describe('comparison: outcomes, metrics and labels', () => {
  it('takes the metrics from the checks, preferring the durable figures and falling back to the plain ones', () => {
    const figures = (f: Record<string, number>) => ({ 'failover-timing': { valid: true as const, figures: f } });
    expect(trialMetrics(figures({ clientRecovery: 900, durableClientRecovery: 1200 })).values['clientRecoveryMs']).to.equal(1200);
    const plain = trialMetrics(figures({ clientRecovery: 900 }));
    expect(plain.values['clientRecoveryMs']).to.equal(900);
    expect(plain.sources['clientRecoveryMs']).to.equal('failover-timing.clientRecovery');
    expect(trialMetrics({ 'write-loss': { valid: true, figures: { lost: 5, acked: 1000 } } }).values['lostRate']).to.equal(0.005);
  });

  it('loss is expected by design from allowLoss, expectedOutcomes or the write-loss note', () => {
    expect(lossExpected({ allowLoss: true })).to.equal(true);
    expect(lossExpected({ expectedOutcomes: { 'write-loss': { valid: false, why: 'async' } } })).to.equal(true);
    expect(lossExpected({ expectedOutcomes: { 'split-brain': {} } })).to.equal(false);
    expect(lossExpected(undefined, { 'write-loss': { valid: true, figures: {}, notes: ['3 of 9 acknowledged adds lost (loss allowed)'] } })).to.equal(true);
  });

  it('a results.json record says loss is expected through its top-level expectedOutcomes', () => {
    const r = { ...makeScenarioResult({ verdict: 'pass' }), expectedOutcomes: { 'write-loss': { valid: false as const, why: 'asynchronous replication' } } };
    expect(outcomeOf(r).lossExpected).to.equal(true);
    expect(outcomeOf(makeScenarioResult({ verdict: 'pass' })).lossExpected).to.equal(false);
  });

  it('takes the key figures, failed expectations and server version from a result', () => {
    const o = outcomeOf(makeScenarioResult({ verdict: 'fail' }));
    expect(o.verdict).to.equal('fail');
    expect(o.failedAssertions.length).to.be.greaterThan(0);
    expect(o.figures.promotionMs).to.be.a('number');
    expect(o.metrics['promotedMs']).to.be.a('number');
  });

  it('labels variants by image, unique, marking mixed sentinels', () => {
    expect(imageLabel('sentinel-chaos/redis:7.0.15-debian')).to.equal('redis-7.0.15-debian');
    expect(imageLabel('valkey/valkey:9.0')).to.equal('valkey-9.0');
    expect(imageLabel('ghcr.io/x/redis@sha256:abc')).to.equal('redis');
    expect(
      variantLabels([
        { redisImage: 'redis:7.0.15', sentinelImage: 'redis:7.0.15' },
        { redisImage: 'redis:7.0.15', sentinelImage: 'redis:7.0.15' },
        { redisImage: 'redis:7.0.15', sentinelImage: 'valkey/valkey:9.0' },
      ]),
    ).to.deep.equal(['redis-7.0.15', 'redis-7.0.15-2', 'redis-7.0.15_sentinel-valkey-9.0']);
  });
});

describe('compare: a scenario that does not apply to a server', () => {
  const na = (): ScenarioOutcome => outcome({ verdict: 'not-applicable', error: 'not applicable: ACL users needs Redis >= 6.0; this is redis 5.0.6' });
  const five = (make: () => ScenarioOutcome): ScenarioOutcome[] => Array.from({ length: 5 }, make);

  it('is neither a failure nor a regression of that server: no test, one not-applicable finding naming the reason', () => {
    const r = compareTrials(five(() => outcome()), five(na), T, 'redis-5.0.6', 'auth-acl');
    expect(r.tests).to.deep.equal([]);
    expect(r.findings).to.have.length(1);
    expect(r.findings[0]).to.include({ kind: 'not-applicable', regression: false });
    expect(r.findings[0]?.message).to.match(/not applicable on redis-5\.0\.6: ACL users needs Redis >= 6\.0/);
    expect(scenarioVerdict(r.findings, r.tests.length)).to.equal('not-applicable');
  });

  it('the same when the baseline is the old server', () => {
    const r = compareTrials(five(na), five(() => outcome()), T, 'redis-7.0.15', 'auth-acl');
    expect(r.findings[0]?.message).to.match(/^not applicable on the baseline/);
  });

  it('is left out of the overall verdict; alone it decides nothing', () => {
    const applies = { id: 'a', title: 'a', tags: [], outcomes: [], trials: [], tests: [], findings: [], verdict: 'ok' as const };
    const notApplies = { ...applies, id: 'b', verdict: 'not-applicable' as const };
    expect(overallVerdict([applies, notApplies])).to.equal('no-regression');
    expect(overallVerdict([notApplies])).to.equal('inconclusive');
  });

  it('a pass-rate test still counts a trial that errored (it is not a not-applicable one)', () => {
    const r = compareTrials(five(() => outcome()), five(() => outcome({ verdict: 'error', error: 'boom' })), T, 'x', 'kill-master');
    expect(r.tests.length).to.be.greaterThan(0);
    expect(r.findings.some((f) => f.kind === 'not-applicable')).to.equal(false);
  });
});
