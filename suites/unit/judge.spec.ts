/**
 * The judge (lib/scenario/judge.ts) on small constructed results: every check counts (one assertion per check,
 * Scenario.expectedOutcomes declares the non-valid ones), the verdict, and what the checks are computed from
 * (recorded measuredFault / healedAt / invokedAt / observations, or values derived for older results).
 */
import { expect } from 'chai';
import type { BoundCheck } from '../../lib/checks/checker.ts';
import type { CheckResult, ClockSample, FaultRecord, History, ScenarioResult, Validity } from '../../lib/model.ts';
import { CLOCK_STEP_TOLERANCE_MS, clockStep } from '../../lib/observe/clock-watch.ts';
import { checkViews } from '../../lib/report/report-data.ts';
import { checkAssertions, checkContext, debugFromNotes, judge, recordObservations } from '../../lib/scenario/judge.ts';
import type { CheckContext, Scenario } from '../../lib/scenario/scenario.ts';

const T0 = 1_800_000_000_000;

function check(name: string, valid: Validity, notes: string[] = []): BoundCheck {
  return { name, run: (): CheckResult => ({ valid, figures: {}, notes }) };
}

function scenario(over: Partial<Scenario> = {}): Scenario {
  return {
    id: 'unit',
    title: 'unit',
    tags: [],
    description: '',
    expectation: '',
    schedule: [],
    durationMs: 1000,
    failover: { expected: false },
    checks: () => [check('a', true), check('b', false, ['b broke'])],
    expect: () => {},
    ...over,
  };
}

function history(over: Partial<History> = {}): History {
  return { t0: T0, faults: [], events: [], polls: [], ops: [], logs: [], final: { time: T0 + 5000, sets: {}, counters: {} }, nodes: [], masterName: 'mymaster', ...over };
}

function result(h: History = history(), over: Partial<ScenarioResult> = {}): ScenarioResult {
  return {
    schemaVersion: 1,
    runId: 'r',
    seed: 1,
    scenario: { id: 'unit', title: 'unit', tags: [], description: '', expectation: '' },
    topology: { redisImage: 'r', sentinelImage: 'r', toxiproxyImage: 't', downAfterMs: 1500, failoverTimeoutMs: 6000, quorum: 2, replicas: 2, sentinels: 3, notes: [] },
    startedAt: new Date(T0).toISOString(),
    durationMs: 0,
    verdict: 'pass',
    checks: {},
    assertions: [],
    history: h,
    ...over,
  };
}

const names = (r: ScenarioResult): [string, boolean][] => r.assertions.map((a) => [a.name, a.ok]);

describe('judge: every check counts', () => {
  it('an undeclared invalid check fails the scenario, with its notes as the message', () => {
    const r = judge(scenario(), result());
    expect(names(r)).to.deep.equal([['check a is valid', true], ['check b is valid', false]]);
    expect(r.assertions[1]?.message).to.equal('b came out invalid: b broke');
    expect(r.verdict).to.equal('fail');
  });

  it('a check declared invalid passes only when it is exactly invalid; the declarations are in the result', () => {
    const declared = { b: { valid: false as const, why: 'the partition lets the old master take writes' } };
    const r = judge(scenario({ expectedOutcomes: declared }), result());
    expect(names(r)).to.deep.equal([['check a is valid', true], ['check b is invalid as declared: the partition lets the old master take writes', true]]);
    expect(r.verdict).to.equal('pass');
    expect(r.expectedOutcomes).to.deep.equal(declared);
  });

  it("a declared 'unknown' check that came out invalid fails (exact validity, not 'anything but valid')", () => {
    const r = judge(scenario({ expectedOutcomes: { b: { valid: 'unknown', why: 'x' } } }), result());
    expect(names(r)[1]).to.deep.equal(['check b is unknown as declared: x', false]);
    expect(r.verdict).to.equal('fail');
  });

  it('a declared check that came out valid fails (the declaration is stale)', () => {
    const r = judge(scenario({ expectedOutcomes: { a: { valid: false, why: 'x' }, b: { valid: false, why: 'y' } } }), result());
    expect(names(r)[0]).to.deep.equal(['check a is invalid as declared: x', false]);
    expect(r.verdict).to.equal('fail');
  });

  it('the report shows each declaration next to its check', () => {
    const r = judge(scenario({ expectedOutcomes: { b: { valid: false, why: 'by design' } } }), result());
    expect(checkViews(r.checks, r.expectedOutcomes).map((c) => [c.name, c.verdictText, c.declared])).to.deep.equal([
      ['a', 'valid', undefined],
      ['b', 'INVALID', 'declared invalid: by design'],
    ]);
  });

  it('a declared check that does not exist fails', () => {
    const r = checkAssertions({ a: { valid: true, figures: {} } }, { typo: { valid: false, why: 'x' } });
    expect(r).to.deep.equal([
      { name: 'check a is valid', ok: true },
      { name: 'check typo is invalid as declared: x', ok: false, message: 'no check named typo; checks: a' },
    ]);
  });

  it('an unknown undeclared check fails too (unknown is not valid)', () => {
    const r = judge(scenario({ checks: () => [check('a', 'unknown')] }), result());
    expect(names(r)).to.deep.equal([['check a is valid', false]]);
  });

  it("the scenario's own expectations come first and count; a run error makes the verdict error with no assertions", () => {
    const s = scenario({ checks: () => [check('a', true)], expect: (_r, e) => e.that('own', () => expect(1).to.equal(2)) });
    expect(names(judge(s, result()))).to.deep.equal([['own', false], ['check a is valid', true]]);
    const errored = judge(s, result(history(), { error: 'topology failed' }));
    expect([errored.verdict, errored.assertions]).to.deep.equal(['error', []]);
  });

  it('ignores the stored checks, assertions and verdict and does not change the stored result', () => {
    const stored = result(history(), { verdict: 'pass', assertions: [{ name: 'old', ok: true }], checks: { z: { valid: true, figures: {} } } });
    const copy = structuredClone(stored);
    const r = judge(scenario(), stored);
    expect(Object.keys(r.checks)).to.deep.equal(['a', 'b']);
    expect(stored).to.deep.equal(copy);
  });
});

describe('judge: what the checks are computed from', () => {
  const fault = (over: Partial<FaultRecord>): FaultRecord => ({ name: 'kill -9 redis-0', kind: 'kill', targets: ['redis-0'], start: T0 + 1000, ...over });
  const capture = (): { s: Scenario; seen: CheckContext[] } => {
    const seen: CheckContext[] = [];
    return { seen, s: scenario({ checks: (c) => (seen.push(c), []), schedule: [{ at: 300, fault: { name: 'f', kind: 'kill', colour: '#7f7f7f', targets: [], inject: async () => {}, heal: async () => {} } }] }) };
  };

  it('uses the recorded measured fault, its start (the injecting call returned) and its heal', () => {
    const { s, seen } = capture();
    const h = history({ faults: [fault({ invokedAt: T0 + 900, end: T0 + 3000, step: 0 })], measuredFault: 0, healedAt: T0 + 4000 });
    const { notes } = checkContext(s, result(h));
    judge(s, result(h));
    expect([seen[0]?.faultStart, seen[0]?.healAt, notes]).to.deep.equal([T0 + 1000, T0 + 3000, []]);
  });

  it('measuredFault null: no fault was injected; times from the first op, reattachment from the final heal', () => {
    const { s, seen } = capture();
    const h = history({ measuredFault: null, healedAt: T0 + 4000, ops: [{ process: 0, client: 'c', via: 'sentinel', f: 'add', key: 'k', value: 'v', invoke: T0 + 10, complete: T0 + 11, outcome: 'ok' }] });
    judge(s, result(h));
    expect([seen[0]?.faultStart, seen[0]?.healAt]).to.deep.equal([T0 + 10, T0 + 4000]);
  });

  it('older results: measured fault from the seed order, start + injectMs, final heal from the last fault heal, each said in a note', () => {
    const { s, seen } = capture();
    const h = history({ faults: [fault({ end: T0 + 3000, detail: { scheduledMs: 300, injectMs: 53 } })] });
    const { notes } = checkContext(s, result(h));
    judge(s, result(h));
    expect([seen[0]?.faultStart, seen[0]?.healAt]).to.deep.equal([T0 + 1053, T0 + 3000]);
    expect(notes.map((n) => n.check)).to.deep.equal(['failover-timing', 'failover-timing', 'reattach']);
  });

  it('older results: a `during` injection is never taken for a scheduled step', () => {
    const { s, seen } = capture();
    const h = history({ faults: [fault({ name: 'during', detail: { from: 'during', injectMs: 5 } }), fault({ start: T0 + 2000, detail: { scheduledMs: 300, injectMs: 7 } })] });
    judge(s, result(h));
    expect(seen[0]?.faultStart).to.equal(T0 + 2007);
  });

  it('SENTINEL DEBUG periods: recorded, else parsed from the notes of older results', () => {
    expect(debugFromNotes(['requirepass on every node', 'SENTINEL DEBUG info-period 1000 publish-period 500 (shortens ...)'])).to.deep.equal({ 'info-period': 1000, 'publish-period': 500 });
    const r = result(history(), { topology: { ...result().topology, notes: ['SENTINEL DEBUG info-period 1000 publish-period 500 (x)'] } });
    expect(checkContext(scenario(), r).ctx.topology.sentinelDebug).to.deep.equal({ 'info-period': 1000, 'publish-period': 500 });
    r.topology.sentinelDebug = {};
    expect(checkContext(scenario(), r).ctx.topology.sentinelDebug).to.deep.equal({});
  });
});

describe('judge: live checks and observations', () => {
  /** A live check like support.ts Observations: hands its snapshot over once, then has nothing. */
  function liveCheck(): BoundCheck & { runs: number } {
    const c = {
      name: 'observed',
      live: true,
      runs: 0,
      run(): CheckResult {
        c.runs++;
        return c.runs === 1 ? { valid: true, figures: { x: 1 } } : { valid: 'unknown', figures: {} };
      },
    };
    return c;
  }

  it('the runner records a live check once; judging (again) reads it from history.observations', () => {
    const live = liveCheck();
    const s = scenario({ checks: () => [check('a', true), live] });
    const r = result(history({ observations: { convergence: { valid: true, figures: { converged: true } } } }));
    recordObservations(s, r);
    const first = judge(s, r);
    const again = judge(s, JSON.parse(JSON.stringify(first)) as ScenarioResult);
    expect(live.runs).to.equal(1);
    for (const j of [first, again]) {
      expect(Object.keys(j.checks)).to.deep.equal(['a', 'convergence', 'observed']);
      expect(j.checks['observed']?.figures).to.deep.equal({ x: 1 });
      expect(j.verdict).to.equal('pass');
    }
  });

  it('older results (no observations): convergence and live checks as stored in result.checks, with a note', () => {
    const s = scenario({ checks: () => [check('a', true), liveCheck()] });
    const stored = { convergence: { valid: true, figures: { converged: true } }, observed: { valid: true, figures: { y: 2 } } } satisfies Record<string, CheckResult>;
    const j = judge(s, result(history(), { checks: stored }));
    expect(j.checks['observed']?.figures).to.deep.equal({ y: 2 });
    expect(j.checks['convergence']?.notes).to.deep.equal(['as stored in the result (recorded before history.observations)']);
    expect(j.verdict).to.equal('pass');
  });
});

describe('judge: a run whose wall clock stepped is not judged', () => {
  const passing = scenario({ checks: () => [check('a', true)] });
  const samples = (...skews: number[]): ClockSample[] => skews.map((skewMs, i) => ({ time: T0 + i * 1000, skewMs }));

  it('a steady clock (slew within the tolerance) leaves the verdict alone', () => {
    const r = judge(passing, result(history({ clockSamples: samples(3.1, 3.4, 5.0, 3.1 + CLOCK_STEP_TOLERANCE_MS) })));
    expect(r.verdict).to.equal('pass');
    expect(r.error).to.equal(undefined);
  });

  it('a step beyond the tolerance, either way, makes it an error that says so; the assertions stay', () => {
    for (const step of [CLOCK_STEP_TOLERANCE_MS + 1, -(CLOCK_STEP_TOLERANCE_MS + 1), 14_000]) {
      const r = judge(passing, result(history({ clockSamples: samples(2, 2, 2 + step, 2 + step) })));
      expect(r.verdict, `step ${step}`).to.equal('error');
      expect(r.error).to.match(/^not judged: the machine's wall clock moved [+-]?\d+ ms/);
      expect(r.error).to.contain('2.0 s in');
      expect(names(r)).to.deep.equal([['check a is valid', true]]);
    }
  });

  it('an older history without samples is judged as before', () => {
    expect(judge(passing, result()).verdict).to.equal('pass');
  });

  it('clockStep: the largest signed distance from the first sample, and when', () => {
    expect(clockStep(samples(10, 12, -30, 40))).to.deep.equal({ ms: -40, at: T0 + 2000 });
    expect(clockStep([])).to.equal(null);
  });
});
