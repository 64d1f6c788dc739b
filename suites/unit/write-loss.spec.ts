import { expect } from 'chai';
import { checkCounters, writeLoss } from '../../lib/checks/write-loss.ts';
import type { FinalState, History, Op, Outcome } from '../../lib/model.ts';

const T = 1_700_000_000_000;

function history(ops: Op[], final: Partial<FinalState> = {}): History {
  return {
    t0: T, faults: [], events: [], polls: [], ops, logs: [], nodes: [], masterName: 'mymaster',
    final: { time: T + 100_000, sets: {}, counters: {}, ...final },
  };
}

/** An add of `value` to `key`, invoked at T + at. */
function add(value: string, outcome: Outcome, at = 0, key = 'set'): Op {
  return { process: 0, client: 'c1', via: 'sentinel', f: 'add', key, value, invoke: T + at, complete: T + at + 5, outcome };
}

/** An INCR of `key` that returned `value` (when ok). */
function incr(value: number | undefined, outcome: Outcome = 'ok', key = 'ctr'): Op {
  const op: Op = { process: 1, client: 'c2', via: 'direct:redis-0', f: 'incr', key, invoke: T, complete: T + 1, outcome };
  if (value !== undefined) op.value = value;
  return op;
}

const ZERO_COUNTERS = { counterAcked: 0, counterLostAtLeast: 0, counterDuplicates: 0 };

describe('write-loss: set workload', () => {
  it('empty history: valid, zero figures, no rate', () => {
    const r = writeLoss.check(history([]), {});
    expect(r.valid).to.equal(true);
    expect(r.figures).to.deep.equal({
      attempted: 0, acked: 0, failed: 0, unknown: 0, lost: 0, recovered: 0, unexpected: 0, failedPresent: 0, lostRate: null,
      ...ZERO_COUNTERS,
    });
    expect(r.notes).to.deep.equal([]);
  });

  it('classifies every outcome against the final set', () => {
    const ops = [
      add('a', 'ok', 0), add('b', 'ok', 10), add('c', 'ok', 20), add('d', 'ok', 30), // d lost
      add('e', 'failed', 40), add('f', 'failed', 50), // f present: violation
      add('g', 'unknown', 60), add('h', 'unknown', 70), // g recovered
      { ...add('x', 'ok', 80), f: 'read' as const }, // reads are ignored
    ];
    const r = writeLoss.check(history(ops, { sets: { set: ['a', 'b', 'c', 'f', 'g', 'zzz'] } }), {});
    expect(r.figures).to.deep.equal({
      attempted: 8, acked: 4, failed: 2, unknown: 2, lost: 1, recovered: 1, unexpected: 1, failedPresent: 1, lostRate: 0.25,
      ...ZERO_COUNTERS,
    });
    expect(r.valid).to.equal(false);
    expect(r.notes).to.deep.equal([
      '1 of 4 acknowledged adds lost',
      '1 elements present that no op attempted',
      '1 failed adds are present (failed must mean not applied)',
    ]);
    expect(r.details).to.deep.equal({
      lost: [{ key: 'set', value: 'd', invoke: T + 30, complete: T + 35, client: 'c1', via: 'sentinel' }],
      failedPresent: [{ key: 'set', value: 'f', invoke: T + 50, complete: T + 55, client: 'c1', via: 'sentinel' }],
      unexpected: [{ key: 'set', value: 'zzz' }],
      counterDuplicates: [],
    });
  });

  it('all unknown: nothing acked, nothing lost, recovered counted', () => {
    const ops = ['a', 'b', 'c'].map((v, i) => add(v, 'unknown', i));
    const r = writeLoss.check(history(ops, { sets: { set: ['b'] } }), {});
    expect(r.valid).to.equal(true);
    expect(r.figures).to.deep.include({ attempted: 3, acked: 0, unknown: 3, recovered: 1, lost: 0, lostRate: null });
  });

  it('loss at the boundaries: the first and last acked writes', () => {
    const ops = [add('last', 'ok', 999), add('mid', 'ok', 500), add('first', 'ok', 0)];
    const r = writeLoss.check(history(ops, { sets: { set: ['mid'] } }), {});
    expect(r.figures['lost']).to.equal(2);
    expect(r.figures['lostRate']).to.be.closeTo(2 / 3, 1e-12);
    const lost = (r.details?.['lost'] as { value: string }[]).map((l) => l.value);
    expect(lost).to.deep.equal(['first', 'last']);
  });

  it('keeps the first 100 lost ops sorted by invoke', () => {
    const ops: Op[] = [];
    for (let i = 149; i >= 0; i--) ops.push(add(`v${i}`, 'ok', i));
    const r = writeLoss.check(history(ops), {});
    const lost = r.details?.['lost'] as { value: string; invoke: number }[];
    expect(r.figures['lost']).to.equal(150);
    expect(r.figures['lostRate']).to.equal(1);
    expect(lost).to.have.length(100);
    expect(lost[0]?.value).to.equal('v0');
    expect(lost[99]?.value).to.equal('v99');
  });

  interface Case {
    name: string;
    ops: Op[];
    final: Partial<FinalState>;
    allowLoss?: boolean;
    valid: boolean | 'unknown';
    figures: Record<string, unknown>;
  }
  const cases: Case[] = [
    {
      name: 'a key missing from the final read counts as empty',
      ops: [add('a', 'ok', 0, 'k1'), add('b', 'ok', 0, 'k2')],
      final: { sets: { k1: ['a'] } },
      valid: false,
      figures: { lost: 1, acked: 2 },
    },
    {
      name: 'elements match per key, not across keys',
      ops: [add('a', 'ok', 0, 'k1')],
      final: { sets: { k2: ['a'] } },
      valid: false,
      figures: { lost: 1, unexpected: 1 },
    },
    {
      name: 'numeric values compare as strings',
      ops: [{ ...add('x', 'ok'), value: 42 }],
      final: { sets: { set: ['42'] } },
      valid: true,
      figures: { lost: 0, unexpected: 0 },
    },
    {
      name: 'allowLoss ignores lost writes in the verdict',
      ops: [add('a', 'ok'), add('b', 'ok')],
      final: { sets: { set: ['a'] } },
      allowLoss: true,
      valid: true,
      figures: { lost: 1, lostRate: 0.5 },
    },
    {
      name: 'allowLoss does not excuse a failed add that is present',
      ops: [add('a', 'failed')],
      final: { sets: { set: ['a'] } },
      allowLoss: true,
      valid: false,
      figures: { failedPresent: 1 },
    },
    {
      name: 'allowLoss does not excuse unexpected elements',
      ops: [],
      final: { sets: { set: ['ghost'] } },
      allowLoss: true,
      valid: false,
      figures: { unexpected: 1, attempted: 0 },
    },
    {
      name: 'a final read taken without convergence: unknown, and the figures read from it are null (not a loss number)',
      ops: [add('a', 'ok'), add('b', 'ok'), add('c', 'failed')],
      final: { sets: { set: ['a'] }, converged: false },
      valid: 'unknown',
      figures: { attempted: 3, acked: 2, failed: 1, lost: null, lostRate: null, recovered: null, unexpected: null, failedPresent: null },
    },
    {
      name: 'converged: true is judged as before',
      ops: [add('a', 'ok'), add('b', 'ok')],
      final: { sets: { set: ['a'] }, converged: true },
      valid: false,
      figures: { lost: 1 },
    },
    {
      name: 'final.error makes the verdict unknown but keeps the figures',
      ops: [add('a', 'ok')],
      final: { sets: {}, error: 'READONLY' },
      valid: 'unknown',
      figures: { lost: 1, acked: 1 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = writeLoss.check(history(c.ops, c.final), { allowLoss: c.allowLoss });
      expect(r.valid).to.equal(c.valid);
      expect(r.figures).to.deep.include(c.figures);
    });
  }

  it('explains final.error and says loss was allowed', () => {
    expect(writeLoss.check(history([], { error: 'timeout' }), {}).notes).to.deep.equal(['final read failed: timeout']);
    const r = writeLoss.check(history([add('a', 'ok')]), { allowLoss: true });
    expect(r.notes).to.deep.equal(['1 of 1 acknowledged adds lost (loss allowed)']);
  });
});

describe('write-loss: counter workload', () => {
  it('no loss: final equals the count of acked increments', () => {
    const r = writeLoss.check(history([incr(1), incr(2), incr(3)], { counters: { ctr: 3 } }), {});
    expect(r.valid).to.equal(true);
    expect(r.figures).to.deep.include({
      counterAcked: 3, counterLostAtLeast: 0, counterDuplicates: 0,
      'counter.ctr.acked': 3, 'counter.ctr.final': 3, 'counter.ctr.lostAtLeast': 0, 'counter.ctr.duplicates': 0,
      'counter.ctr.excess': 0,
    });
  });

  it('final below the largest acked value: lost at least the difference', () => {
    const r = writeLoss.check(history([incr(1), incr(2), incr(5), incr(undefined, 'unknown')], { counters: { ctr: 2 } }), {});
    expect(r.valid).to.equal(false);
    expect(r.figures).to.deep.include({ counterLostAtLeast: 3, 'counter.ctr.lostAtLeast': 3, 'counter.ctr.acked': 3 });
    expect(r.notes).to.deep.equal(['counters lost at least 3 acknowledged increments']);
  });

  it('duplicate returned values prove a lost increment even when the final value looks fine', () => {
    // 1, 2, 3 acked on the old master; failover to a replica at 1; 2, 3 returned again.
    const ops = [incr(1), incr(2), incr(3), incr(2), incr(3), incr(4)];
    const r = writeLoss.check(history(ops, { counters: { ctr: 4 } }), {});
    expect(r.figures).to.deep.include({ counterDuplicates: 2, counterLostAtLeast: 0, 'counter.ctr.duplicates': 2 });
    expect(r.details?.['counterDuplicates']).to.deep.equal([
      { key: 'ctr', value: 2, count: 2 },
      { key: 'ctr', value: 3, count: 2 },
    ]);
    expect(r.valid).to.equal(false);
    expect(writeLoss.check(history(ops, { counters: { ctr: 4 } }), { allowLoss: true }).valid).to.equal(true);
  });

  it('counts a value seen three times once', () => {
    const c = checkCounters([incr(7), incr(7), incr(7)], { time: 0, sets: {}, counters: { ctr: 7 } });
    expect(c.figures['counterDuplicates']).to.equal(1);
    expect(c.duplicates).to.deep.equal([{ key: 'ctr', value: 7, count: 3 }]);
  });

  it('keeps keys apart and sums the totals', () => {
    const ops = [incr(1, 'ok', 'a'), incr(2, 'ok', 'a'), incr(1, 'ok', 'b'), incr(undefined, 'failed', 'b')];
    const r = writeLoss.check(history(ops, { counters: { a: 1, b: 3 } }), {});
    expect(r.figures).to.deep.include({
      counterAcked: 3, counterLostAtLeast: 1, counterDuplicates: 0,
      'counter.a.final': 1, 'counter.a.lostAtLeast': 1,
      'counter.b.final': 3, 'counter.b.acked': 1, 'counter.b.excess': 2,
    });
  });

  it('a missing final counter reads as 0', () => {
    const r = writeLoss.check(history([incr(1)]), {});
    expect(r.figures).to.deep.include({ 'counter.ctr.final': 0, counterLostAtLeast: 1 });
  });

  it('final.error makes counters unknown too', () => {
    const r = writeLoss.check(history([incr(9)], { counters: { ctr: 1 }, error: 'no quorum' }), {});
    expect(r.valid).to.equal('unknown');
    expect(r.figures['counterLostAtLeast']).to.equal(8);
  });
});
