/** The default selection leaves out `extended` scenarios; "all" and the tag bring them in; unknown names are errors. */
import { expect } from 'chai';
import { select } from '../../lib/cli/select.ts';
import type { Scenario } from '../../lib/scenario/scenario.ts';
import { selectScenarios } from '../../lib/scenario/suite.ts';

function scenario(id: string, tags: string[]): Scenario {
  return { id, title: id, tags, description: '', expectation: '', schedule: [], durationMs: 0, failover: { expected: false }, expect: () => {} };
}

const all = [scenario('a', ['quick']), scenario('b', ['extended', 'sentinel-suite']), scenario('c', ['sentinel-suite'])];
const ids = (xs: Scenario[]): string[] => xs.map((s) => s.id);

describe('scenario selection', () => {
  it('no selection: every scenario without the extended tag', () => expect(ids(selectScenarios(all, []))).to.deep.equal(['a', 'c']));
  it('"all": every scenario, extended included', () => expect(ids(selectScenarios(all, ['all']))).to.deep.equal(['a', 'b', 'c']));
  it('the extended tag selects the extended ones', () => expect(ids(selectScenarios(all, ['extended']))).to.deep.equal(['b']));
  it('a tag selects extended scenarios carrying it too', () => expect(ids(selectScenarios(all, ['sentinel-suite']))).to.deep.equal(['b', 'c']));
  it('an id selects an extended scenario', () => expect(ids(selectScenarios(all, ['b']))).to.deep.equal(['b']));
  it('unknown names are an error', () => expect(() => selectScenarios(all, ['nope'])).to.throw(/unknown scenario or tag: nope/));
  it('the CLI accepts "all" and keeps the same default', () => {
    expect(ids(select(all, ['all'], 'test'))).to.deep.equal(['a', 'b', 'c']);
    expect(ids(select(all, [], 'test'))).to.deep.equal(['a', 'c']);
    expect(() => select(all, ['nope'], 'test')).to.throw(/unknown scenario or tag "nope"/);
  });
});
