import { expect } from 'chai';
import { allValid, relMs, round1, runChecks, withOpts } from '../../lib/checks/checker.ts';
import type { Checker } from '../../lib/checks/checker.ts';
import type { CheckResult, History } from '../../lib/model.ts';

function history(over: Partial<History> = {}): History {
  return {
    t0: 0, faults: [], events: [], polls: [], ops: [], logs: [], nodes: [], masterName: 'mymaster',
    final: { time: 0, sets: {}, counters: {} },
    ...over,
  };
}

const countOps: Checker<{ min: number }> = {
  name: 'count-ops',
  check: (h, o) => ({ valid: h.ops.length >= o.min, figures: { ops: h.ops.length } }),
};

const throwing: Checker<void> = {
  name: 'boom',
  check: () => {
    throw new Error('kaboom');
  },
};

describe('runChecks', () => {
  it('returns an empty record for no checks', () => {
    expect(runChecks([], history())).to.deep.equal({});
  });

  it('keys results by checker name and passes bound options', () => {
    const r = runChecks([withOpts(countOps, { min: 0 }), withOpts(countOps, { min: 1 }, 'needs-one')], history());
    expect(r).to.deep.equal({
      'count-ops': { valid: true, figures: { ops: 0 } },
      'needs-one': { valid: false, figures: { ops: 0 } },
    });
  });

  it('turns a throwing checker into unknown without losing the others', () => {
    const r = runChecks([withOpts(throwing, undefined), withOpts(countOps, { min: 0 })], history());
    expect(r['boom']).to.deep.equal({ valid: 'unknown', figures: {}, notes: ['checker error: kaboom'], error: 'kaboom' });
    expect(r['count-ops']?.valid).to.equal(true);
  });

  const oddThrows: { name: string; thrown: unknown; error: string }[] = [
    { name: 'a string', thrown: 'plain string', error: 'plain string' },
    { name: 'undefined', thrown: undefined, error: 'undefined' },
    { name: 'an Error without message', thrown: new TypeError(), error: 'TypeError' },
  ];
  for (const c of oddThrows) {
    it(`reports a throw of ${c.name}`, () => {
      const bad: Checker<void> = { name: 'odd', check: () => { throw c.thrown; } };
      expect(runChecks([withOpts(bad, undefined)], history())['odd']?.error).to.equal(c.error);
    });
  }

  it('resolves options from the history, isolating a throw there too', () => {
    const h = history({ faults: [{ name: 'kill', kind: 'kill', targets: [], start: 5 }] });
    const r = runChecks(
      [
        withOpts(countOps, (hh) => ({ min: hh.faults.length })),
        withOpts(countOps, (hh) => ({ min: hh.faults[3]!.start }), 'bad-opts'),
      ],
      h,
    );
    expect(r['count-ops']?.valid).to.equal(false);
    expect(r['bad-opts']?.valid).to.equal('unknown');
    expect(r['bad-opts']?.error).to.match(/undefined/);
  });

  it('treats a non-CheckResult return as unknown', () => {
    const bad = { name: 'bad', check: () => ({ valid: 'maybe' }) as unknown as CheckResult };
    expect(runChecks([withOpts(bad, undefined)], history())['bad']).to.deep.include({ valid: 'unknown' });
  });

  it('suffixes repeated names instead of overwriting', () => {
    const r = runChecks([withOpts(countOps, { min: 0 }), withOpts(countOps, { min: 9 }), withOpts(countOps, { min: 0 })], history());
    expect(Object.keys(r)).to.deep.equal(['count-ops', 'count-ops#2', 'count-ops#3']);
    expect(r['count-ops#2']?.valid).to.equal(false);
  });
});

describe('checker helpers', () => {
  const rels: [number, number, number][] = [
    [1000.04, 1000, 0],
    [999.96, 1000, 0],
    [1012.349, 1000, 12.3],
    [1012.36, 1000, 12.4],
    [900, 1000, -100],
  ];
  for (const [t, s, want] of rels) it(`relMs(${t}, ${s}) = ${want}`, () => expect(Object.is(relMs(t, s), want)).to.equal(true));

  it('round1 never yields -0', () => expect(Object.is(round1(-0.01), 0)).to.equal(true));

  const verdicts: [(boolean | 'unknown')[], boolean | 'unknown'][] = [
    [[], true],
    [[true, true], true],
    [[true, 'unknown'], 'unknown'],
    [['unknown', false], false],
  ];
  for (const [vs, want] of verdicts) it(`allValid(${JSON.stringify(vs)}) = ${want}`, () => expect(allValid(vs)).to.equal(want));
});
