/**
 * The catalogue builds every scenario fresh: two calls share no scenario, step, fault, hook or check object, so
 * nothing one run mutates (a fault's resolved target, an Observations' figures) can reach the next run.
 */
import { expect } from 'chai';
import { DEFAULT_WORKLOAD } from '../../lib/scenario/runner.ts';
import type { Scenario } from '../../lib/scenario/scenario.ts';
import { defaultTopologyOptions } from '../../lib/topology/options.ts';
import { catalogue, freshScenario } from '../chaos/catalogue.ts';

/** Every object reachable from a scenario (functions included), except shared read-only module values. */
function reachable(root: unknown, shared: Set<unknown>): Set<object> {
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v as object) || shared.has(v)) return;
    seen.add(v as object);
    if (typeof v === 'object') for (const x of Object.values(v as Record<string, unknown>)) walk(x);
  };
  walk(root);
  return seen;
}

/** The checks a scenario's hook builds for a run (Observations-backed checks included). */
function checksOf(s: Scenario): unknown[] {
  const topology = defaultTopologyOptions();
  return s.checks ? s.checks({ scenario: s, faultStart: 0, healAt: 0, topology }) : [];
}

describe('scenario catalogue', () => {
  it('has unique ids', () => {
    const ids = catalogue().map((s) => s.id);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('builds new scenario objects on every call, sharing no fault, step, hook or check', () => {
    const a = catalogue();
    const b = catalogue();
    const shared = new Set<unknown>([DEFAULT_WORKLOAD, ...DEFAULT_WORKLOAD.workers]);
    for (const [i, sa] of a.entries()) {
      const sb = b[i] as Scenario;
      expect(sb.id).to.equal(sa.id);
      const inA = reachable([sa, checksOf(sa)], shared);
      const both = [...reachable([sb, checksOf(sb)], shared)].filter((o) => inA.has(o));
      expect(both, `${sa.id}: objects shared between two builds`).to.deep.equal([]);
    }
  });

  it('gives each fault its own instance per build', () => {
    const faults = (s: Scenario): unknown[] => s.schedule.map((x) => x.fault);
    const a = freshScenario('kill-master');
    const b = freshScenario('kill-master');
    expect(faults(a)[0]).to.not.equal(faults(b)[0]);
  });

  it('names the known ids when asked for an unknown one', () => {
    expect(() => freshScenario('nope')).to.throw(/known: kill-master/);
  });
});
