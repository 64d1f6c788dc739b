import { expect } from 'chai';
import { buildComparison } from '../../lib/compare/build.ts';
import type { ScenarioOutcome, Variant } from '../../lib/compare/model.ts';
import { imageLabel, outcomeOf, variantLabels } from '../../lib/compare/outcome.ts';
import { compareOutcome, isSlower, overallVerdict, scenarioVerdict } from '../../lib/compare/verdict.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../lib/config.ts';
import type { KeyFigures } from '../../lib/report/json.ts';
import { makeScenarioResult } from '../fixtures/make-result.ts';

const T: Thresholds = { maxSlowerPct: 25, maxSlowerMs: 500, maxNewLoss: 0 };

function figures(o: Partial<KeyFigures> = {}): KeyFigures {
  return {
    detectionMs: 900,
    electionMs: 1200,
    promotionMs: 2000,
    clientRecoveryMs: 2400,
    unavailableMs: 2300,
    acked: 1500,
    lost: 0,
    recovered: 1,
    reattached: 2,
    reattachExpected: 2,
    reattachedMs: 9000,
    ...o,
  };
}

function outcome(o: Partial<Omit<ScenarioOutcome, 'figures'>> & { figures?: Partial<KeyFigures> } = {}): ScenarioOutcome {
  const { figures: f, ...rest } = o;
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
    ...rest,
    figures: figures(f),
  };
}

const judge = (b: ScenarioOutcome | null, c: ScenarioOutcome | null, t: Thresholds = T) => compareOutcome(b, c, t, 'cand', 'kill-master');
const kinds = (fs: ReturnType<typeof judge>): string[] => fs.map((f) => `${f.kind}${f.regression ? '!' : ''}`);

describe('comparison verdict: thresholds', () => {
  it('slower means more than X% AND more than Y ms', () => {
    expect(isSlower(2000, 2600, T), '+600 ms, +30%').to.equal(true);
    expect(isSlower(2000, 2400, T), '+400 ms, +20%: neither').to.equal(false);
    expect(isSlower(1000, 1400, T), '+400 ms, +40%: only the percentage').to.equal(false);
    expect(isSlower(10_000, 11_000, T), '+1000 ms, +10%: only the ms').to.equal(false);
    expect(isSlower(2000, 2500, T), 'exactly +500 ms is not more than 500').to.equal(false);
    expect(isSlower(0, 600, T), 'from 0 any ms beyond the limit').to.equal(true);
  });

  const cases: { name: string; b: Partial<KeyFigures>; c: Partial<KeyFigures>; t?: Thresholds; want: string[] }[] = [
    { name: 'equal figures: nothing', b: {}, c: {}, want: [] },
    { name: 'noise within thresholds: nothing', b: {}, c: { promotionMs: 2300, clientRecoveryMs: 2800 }, want: [] },
    { name: 'promotion slower beyond both', b: {}, c: { promotionMs: 3000 }, want: ['slower!'] },
    { name: 'client recovery slower beyond both', b: {}, c: { clientRecoveryMs: 4000 }, want: ['slower!'] },
    { name: 'both phases slower', b: {}, c: { promotionMs: 3000, clientRecoveryMs: 4000 }, want: ['slower!', 'slower!'] },
    { name: 'a judged phase never reached', b: {}, c: { promotionMs: null }, want: ['slower!'] },
    { name: 'faster beyond both: informational', b: {}, c: { promotionMs: 1000, clientRecoveryMs: 1200 }, want: ['faster', 'faster'] },
    { name: 'detection is shown but not judged', b: {}, c: { detectionMs: 5000, unavailableMs: 9000 }, want: [] },
    { name: 'looser thresholds accept the slowdown', b: {}, c: { promotionMs: 3000 }, t: { ...T, maxSlowerMs: 2000 }, want: [] },
    { name: 'a phase absent on both sides (no failover expected)', b: { promotionMs: null, clientRecoveryMs: null }, c: { promotionMs: null, clientRecoveryMs: null }, want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(kinds(judge(outcome({ figures: c.b }), outcome({ figures: c.c }), c.t))).to.deep.equal(c.want);
    });
  }
});

describe('comparison verdict: new loss', () => {
  const cases: { name: string; b: number | null; c: number | null; allow?: number; want: string[] }[] = [
    { name: 'no loss on either side', b: 0, c: 0, want: [] },
    { name: 'any new loss', b: 0, c: 1, want: ['new-loss!'] },
    { name: 'more loss than the baseline', b: 2, c: 5, want: ['new-loss!'] },
    { name: 'the same loss as the baseline', b: 3, c: 3, want: [] },
    { name: 'less loss', b: 3, c: 0, want: [] },
    { name: 'within the allowance', b: 0, c: 2, allow: 2, want: [] },
    { name: 'beyond the allowance', b: 0, c: 3, allow: 2, want: ['new-loss!'] },
    { name: 'baseline unmeasured counts as 0', b: null, c: 1, want: ['new-loss!'] },
    { name: 'candidate unmeasured cannot be judged', b: 0, c: null, want: ['not-comparable'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const f = judge(outcome({ figures: { lost: c.b } }), outcome({ figures: { lost: c.c } }), { ...T, maxNewLoss: c.allow ?? 0 });
      expect(kinds(f)).to.deep.equal(c.want);
    });
  }
  it('says how many were lost on each side', () => {
    const [f] = judge(outcome({ figures: { lost: 0 } }), outcome({ figures: { lost: 4 } }));
    expect(f?.message).to.equal('lost 4 acknowledged write(s) on cand vs 0 on the baseline');
    expect(f).to.deep.include({ metric: 'lost', baseline: 0, candidate: 4 });
  });
});

describe('comparison verdict: new failure', () => {
  it('pass → fail is a new failure naming the expectations', () => {
    const f = judge(outcome(), outcome({ verdict: 'fail', failedAssertions: ['topology converged'] }));
    expect(kinds(f)).to.deep.equal(['new-failure!']);
    expect(f[0]?.message).to.equal('newly failed on cand: topology converged');
  });

  it('pass → error is a new failure with the error', () => {
    const f = judge(outcome(), outcome({ verdict: 'error', error: 'topology did not start' }));
    expect(kinds(f)).to.deep.equal(['new-failure!']);
    expect(f[0]?.message).to.include('topology did not start');
  });

  it('fail → fail on the same expectation is not new', () => {
    const both = { verdict: 'fail' as const, failedAssertions: ['x'] };
    expect(kinds(judge(outcome(both), outcome(both)))).to.deep.equal([]);
  });

  it('fail → fail on another expectation is new, and the old one is fixed', () => {
    expect(kinds(judge(outcome({ verdict: 'fail', failedAssertions: ['x'] }), outcome({ verdict: 'fail', failedAssertions: ['y'] })))).to.deep.equal([
      'new-failure!',
      'fixed',
    ]);
  });

  it('fail → pass is fixed (informational)', () => {
    expect(kinds(judge(outcome({ verdict: 'fail', failedAssertions: ['x'] }), outcome()))).to.deep.equal(['fixed']);
  });

  it('a baseline that did not complete makes the scenario inconclusive, not a regression', () => {
    const f = judge(outcome({ verdict: 'error', error: 'boom' }), outcome());
    expect(kinds(f)).to.deep.equal(['not-comparable']);
    expect(scenarioVerdict(f)).to.equal('inconclusive');
  });

  it('a scenario missing on one side is not comparable', () => {
    expect(kinds(judge(outcome(), null))).to.deep.equal(['not-comparable']);
    expect(kinds(judge(null, outcome()))).to.deep.equal(['not-comparable']);
  });
});

describe('comparison verdict: overall', () => {
  const variants: Variant[] = ['base', 'cand-a', 'cand-b'].map((label) => ({
    label,
    redisImage: `${label}:1`,
    sentinelImage: `${label}:1`,
    toxiproxyImage: 'tp:1',
    serverVersion: null,
    report: null,
    runId: label,
  }));
  const build = (outcomes: ScenarioOutcome[][]) =>
    buildComparison({ id: 'c1', startedAt: 'a', finishedAt: 'b', seed: 1, machine: null, thresholds: DEFAULT_THRESHOLDS, variants, outcomes });

  it('no regression when every candidate is within thresholds', () => {
    const r = build([[outcome()], [outcome({ figures: { promotionMs: 2100 } })], [outcome()]]);
    expect(r.verdict).to.equal('no-regression');
    expect(r.summary).to.equal('NO REGRESSION in 1 scenario(s)');
    expect(r.variants.map((v) => v.serverVersion)).to.deep.equal(['redis 7.0.15', 'redis 7.0.15', 'redis 7.0.15']);
  });

  it('each candidate is judged against the baseline; one regression makes the whole comparison regress', () => {
    const r = build([[outcome()], [outcome()], [outcome({ figures: { lost: 3 } })]]);
    expect(r.verdict).to.equal('regression');
    expect(r.scenarios[0]?.findings.map((f) => f.variant)).to.deep.equal(['cand-b']);
    expect(r.summary).to.match(/^REGRESSION in 1 of 1 scenario\(s\) — cand-b kill-master: lost 3/);
  });

  it('regression wins over inconclusive; inconclusive over ok; nothing is inconclusive', () => {
    const ok = { id: 'a', title: 'a', tags: [], outcomes: [], findings: [], verdict: 'ok' as const };
    expect(overallVerdict([ok, { ...ok, verdict: 'inconclusive' }, { ...ok, verdict: 'regression' }])).to.equal('regression');
    expect(overallVerdict([ok, { ...ok, verdict: 'inconclusive' }])).to.equal('inconclusive');
    expect(overallVerdict([ok])).to.equal('no-regression');
    expect(overallVerdict([])).to.equal('inconclusive');
  });

  it('lines up scenarios by id across variants, missing ones as null', () => {
    const other = outcome({ id: 'partition', title: 'partition' });
    const r = build([[outcome(), other], [outcome()], [other, outcome()]]);
    expect(r.scenarios.map((s) => s.id)).to.deep.equal(['kill-master', 'partition']);
    expect(r.scenarios[1]?.outcomes.map((o) => o?.id ?? null)).to.deep.equal(['partition', null, 'partition']);
    expect(r.scenarios[1]?.verdict).to.equal('inconclusive');
  });
});

describe('comparison: outcomes and labels', () => {
  it('takes the key figures, failed expectations and server version from a result', () => {
    const o = outcomeOf(makeScenarioResult({ verdict: 'fail' }));
    expect(o.verdict).to.equal('fail');
    expect(o.failedAssertions.length).to.be.greaterThan(0);
    expect(o.figures.promotionMs).to.be.a('number');
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
