import { expect } from 'chai';
import { replicaReads } from '../../lib/checks/replica-reads.ts';
import type { History, Op } from '../../lib/model.ts';

function history(ops: Op[]): History {
  return { t0: 0, faults: [], events: [], polls: [], ops, logs: [], final: { time: 0, sets: {}, counters: {} }, nodes: [], masterName: 'mymaster' };
}
const add = (invoke: number, complete: number, outcome: Op['outcome'] = 'ok'): Op => ({ process: 0, client: 'c0', via: 'sentinel', f: 'add', key: 's', value: `v${invoke}`, invoke, complete, outcome });
const read = (invoke: number, complete: number, result: number): Op => ({ process: 1, client: 'c0', via: 'sentinel', f: 'read', key: 's', invoke, complete, outcome: 'ok', result });

describe('replica-reads checker', () => {
  const cases: { name: string; ops: Op[]; valid: boolean | 'unknown'; figures: Record<string, unknown> }[] = [
    { name: 'no reads: unknown', ops: [add(0, 1)], valid: 'unknown', figures: { reads: 0, maxStaleness: null } },
    { name: 'fresh reads are not stale', ops: [add(0, 1), add(2, 3), read(4, 5, 2)], valid: true, figures: { reads: 1, staleReads: 0, maxStaleness: 0 } },
    { name: 'a read missing acked adds is stale by the shortfall', ops: [add(0, 1), add(2, 3), add(4, 5), read(6, 7, 1)], valid: true, figures: { staleReads: 1, maxStaleness: 2, p50Staleness: 2 } },
    { name: 'adds acked after the read began do not count', ops: [add(0, 1), add(2, 9), read(5, 6, 1)], valid: true, figures: { staleReads: 0 } },
    { name: 'unknown adds may be seen, not required', ops: [add(0, 1, 'unknown'), read(2, 3, 1)], valid: true, figures: { staleReads: 0, impossibleReads: 0 } },
    { name: 'seeing more than was ever attempted is impossible', ops: [add(0, 1), read(2, 3, 5)], valid: false, figures: { impossibleReads: 1 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = replicaReads.check(history(c.ops), {});
      expect(r.valid).to.equal(c.valid);
      for (const [k, v] of Object.entries(c.figures)) expect(r.figures[k], k).to.equal(v);
    });
  }
  it('tolerance ignores small staleness', () => {
    const r = replicaReads.check(history([add(0, 1), add(2, 3), read(4, 5, 1)]), { toleranceElements: 1 });
    expect(r.figures['staleReads']).to.equal(0);
    expect(r.figures['maxStaleness']).to.equal(1);
  });
});
