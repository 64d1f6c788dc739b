/**
 * Determinism of fault schedules: the order and times at which faults are injected depend only on the
 * schedule and the run's seed (SC_SEED → ScenarioResult.seed → rng), so a recorded run can be replayed.
 */
import { expect } from 'chai';
import { rng } from '../../lib/clock.ts';
import { ConfigError } from '../../lib/config.ts';
import type { Fault } from '../../lib/faults/fault.ts';
import { planSchedule } from '../../lib/scenario/plan.ts';
import { runScenario } from '../../lib/scenario/runner.ts';
import type { Scenario, Step } from '../../lib/scenario/scenario.ts';
import { suiteSettings } from '../../lib/scenario/suite.ts';
import { validateScenario } from '../../lib/scenario/validate.ts';

const noop = (name: string): Fault => ({ name, kind: 'noop', colour: '#7f7f7f', targets: [], inject: async () => {}, heal: async () => {} });

/** Five steps, four with jitter windows that overlap, so the seed decides the order. */
const schedule: Step[] = [
  { at: 1000, jitterMs: 3000, fault: noop('a') },
  { at: 1500, fault: noop('b') },
  { at: 1200, jitterMs: 3000, fault: noop('c') },
  { at: 900, jitterMs: 3000, fault: noop('d') },
  { at: 1100, jitterMs: 3000, fault: noop('e') },
];

const plan = (seed: number): { name: string; due: number }[] =>
  planSchedule(schedule, rng(seed)).map((p) => ({ name: p.step.fault.name, due: p.due }));

function scenario(over: Partial<Scenario> = {}): Scenario {
  return {
    id: 'unit-scenario',
    title: 'unit',
    tags: [],
    description: '',
    expectation: '',
    schedule: [],
    durationMs: 1000,
    failover: { expected: false },
    expect: () => {},
    ...over,
  };
}

describe('fault schedule determinism', function () {
  it('the same seed yields the same schedule: due times and injection order', function () {
    for (const seed of [0, 1, 42, 123456789, 2 ** 31 - 1]) expect(plan(seed)).to.deep.equal(plan(seed));
  });

  it('different seeds yield different schedules (the seed is really used)', function () {
    const orders = new Set(Array.from({ length: 20 }, (_, seed) => plan(seed).map((p) => p.name).join('')));
    expect(orders.size).to.be.greaterThan(1);
    expect(plan(1)).to.not.deep.equal(plan(2));
  });

  it('each jittered step falls in [at, at + jitterMs); a step without jitter is exactly at `at`', function () {
    for (let seed = 0; seed < 200; seed++) {
      for (const p of planSchedule(schedule, rng(seed))) {
        if (!p.step.jitterMs) expect(p.due).to.equal(p.step.at);
        else expect(p.due).to.be.at.least(p.step.at).and.below(p.step.at + p.step.jitterMs);
      }
    }
  });

  it('draws once per jittered step, in schedule order (steps without jitter do not shift the others)', function () {
    const r = rng(99);
    const draws = [r(), r(), r(), r()];
    const byName = Object.fromEntries(planSchedule(schedule, rng(99)).map((p) => [p.step.fault.name, p.due]));
    expect(byName).to.deep.equal({ a: 1000 + draws[0]! * 3000, b: 1500, c: 1200 + draws[1]! * 3000, d: 900 + draws[2]! * 3000, e: 1100 + draws[3]! * 3000 });
  });

  it('is sorted by due time, ties keeping schedule order', function () {
    const tied: Step[] = [{ at: 500, fault: noop('x') }, { at: 100, fault: noop('y') }, { at: 500, fault: noop('z') }];
    expect(planSchedule(tied, rng(1)).map((p) => [p.step.fault.name, p.index])).to.deep.equal([['y', 1], ['x', 0], ['z', 2]]);
  });

  it('SC_SEED sets the run seed; without it a random one is chosen (and recorded); garbage is one clear error', function () {
    expect(suiteSettings({ SC_SEED: '4242' }).seed).to.equal(4242);
    expect(Number.isInteger(suiteSettings({}).seed)).to.equal(true);
    expect(() => suiteSettings({ SC_SEED: '-1' })).to.throw(ConfigError, /SC_SEED.*-1|-1.*SC_SEED/);
    expect(() => suiteSettings({ SC_SEED: 'abc' })).to.throw(ConfigError, /SC_SEED.*abc|abc.*SC_SEED/);
  });

  it('a run records its seed in the result, also when it stops before any container (invalid scenario)', async function () {
    const r = await runScenario(scenario({ schedule: [{ at: -5, fault: noop('a') }] }), { runId: 'unit', seed: 31337 });
    expect(r.seed).to.equal(31337);
    expect(r.verdict).to.equal('error');
    expect(r.error).to.match(/schedule\[0\]\.at=-5/);
  });
});

describe('scenario validation (before any container starts)', function () {
  const cases: { name: string; over: Partial<Scenario>; error: RegExp }[] = [
    { name: 'negative step time', over: { schedule: [{ at: -1, fault: noop('a') }] }, error: /schedule\[0\]\.at=-1: must be a number >= 0/ },
    { name: 'negative fault duration', over: { schedule: [{ at: 0, durationMs: -100, fault: noop('a') }] }, error: /schedule\[0\]\.durationMs=-100/ },
    { name: 'negative jitter', over: { schedule: [{ at: 0, jitterMs: -1, fault: noop('a') }] }, error: /schedule\[0\]\.jitterMs=-1/ },
    { name: 'NaN scenario duration', over: { durationMs: Number.NaN }, error: /durationMs=null/ },
    { name: 'negative scenario duration', over: { durationMs: -1 }, error: /durationMs=-1/ },
    { name: 'zero budget', over: { failover: { expected: true, budgetMs: 0 } }, error: /failover\.budgetMs=0/ },
    { name: 'measured step out of range', over: { failover: { expected: true, fromStep: 3 }, schedule: [{ at: 0, fault: noop('a') }] }, error: /failover\.fromStep=3/ },
    { name: 'workload rate 0', over: { workload: { workers: [{ rate: 0 }] } }, error: /workers\[0\]\.rate=0: must be a number > 0/ },
    { name: 'workload processes 0', over: { workload: { workers: [{ processes: 0 }] } }, error: /workers\[0\]\.processes=0/ },
    { name: 'client group the topology does not have', over: { workload: { workers: [{ group: 2 }] } }, error: /workers\[0\]\.group=2: must be an integer from 0 to 1/ },
    { name: 'no workers', over: { workload: { workers: [] } }, error: /workload\.workers/ },
    { name: 'id unusable in file names', over: { id: 'a/b c' }, error: /invalid scenario id "a\/b c"/ },
    { name: 'expected outcome declared valid', over: { expectedOutcomes: { 'split-brain': { valid: true as unknown as false, why: 'x' } } }, error: /expectedOutcomes\.split-brain\.valid=true/ },
    { name: 'expected outcome without a reason', over: { expectedOutcomes: { 'split-brain': { valid: false, why: ' ' } } }, error: /expectedOutcomes\.split-brain\.why/ },
  ];
  for (const c of cases) {
    it(`${c.name}: one ConfigError naming the field`, function () {
      expect(() => validateScenario(scenario(c.over), { clientGroups: 2 })).to.throw(ConfigError, c.error);
    });
  }
  it('accepts a valid scenario', function () {
    expect(() =>
      validateScenario(scenario({ schedule: [{ at: 0, durationMs: 100, jitterMs: 50, fault: noop('a') }], workload: { workers: [{ group: 1, rate: 10, processes: 2 }] } }), { clientGroups: 2 }),
    ).to.not.throw();
  });
});
