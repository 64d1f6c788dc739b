import { expect } from 'chai';
import { dualMasterWindows, splitBrain } from '../../lib/checks/split-brain.ts';
import type { History, Op, Outcome, RolePoll } from '../../lib/model.ts';

const S = 1_700_000_000_000;

function history(polls: RolePoll[], ops: Op[] = [], finalNode?: string): History {
  const h: History = {
    t0: S, faults: [], events: [], polls, ops, logs: [], nodes: [], masterName: 'mymaster',
    final: { time: S + 100_000, sets: {}, counters: {} },
  };
  if (finalNode !== undefined) h.final.node = finalNode;
  return h;
}

type State = 'M' | 'S' | '?';
/** Polls of `node` at 0, step, 2*step… from a state string: M master, S slave, ? unreachable. */
function timeline(node: string, states: string, step = 500): RolePoll[] {
  return [...states].map((c, i) => {
    const time = S + i * step;
    const s = c as State;
    if (s === '?') return { time, node, reachable: false };
    return s === 'M' ? { time, node, reachable: true, role: 'master' } : { time, node, reachable: true, role: 'slave' };
  });
}

function write(via: Op['via'], from: number, to: number, outcome: Outcome = 'ok', f: Op['f'] = 'add'): Op {
  return { process: 0, client: 'c', via, f, key: 'k', value: `${via}@${from}`, invoke: S + from, complete: S + to, outcome };
}

/** redis-0 stays master on the minority side until 3000; redis-1 is promoted at 1000. */
function partitionPolls(): RolePoll[] {
  return [...timeline('redis-0', 'MMMMMMS'), ...timeline('redis-1', 'SSMMMMM'), ...timeline('redis-2', 'SSSSSSS')];
}

describe('split-brain', () => {
  it('finds the window, attributes the writes and flags the losing side', () => {
    const ops = [
      write('direct:redis-0', 1200, 1300), // accepted on the losing side
      write('direct:redis-0', 1400, 1450, 'failed'), // failed: not counted
      write('direct:redis-1', 2000, 2010, 'ok', 'incr'),
      write('sentinel', 1500, 1510),
      write('sentinel', 900, 1001), // straddles the window start
      write('sentinel', 100, 200), // before the window
      write('direct:redis-0', 3001, 3002), // after the window
      write('sentinel', 1600, 1700, 'ok', 'read'), // reads are not writes
    ];
    const r = splitBrain.check(history(partitionPolls(), ops, 'redis-1'), {});
    expect(r.figures).to.deep.equal({
      dualMasterMs: 2000, windows: 1, maxMasters: 2, writesDuringDualMaster: 4, directWrites: 2, sentinelWrites: 2,
      losingSideWrites: 1, finalMaster: 'redis-1', 'directWrites.redis-0': 1, 'directWrites.redis-1': 1,
    });
    expect(r.details).to.deep.equal({
      windows: [{
        from: 1000, to: 3000, masters: ['redis-0', 'redis-1'], writes: 4, sentinelWrites: 2,
        directWrites: { 'redis-0': 1, 'redis-1': 1 },
      }],
    });
    expect(r.valid).to.equal(false);
    expect(r.notes).to.deep.equal([
      '1 dual-master window(s); 4 ok writes overlap them',
      '1 writes acknowledged on the losing side (redis-0; final master redis-1)',
    ]);
  });

  interface Case {
    name: string;
    polls: RolePoll[];
    ops?: Op[];
    finalNode?: string;
    opts?: { finalMaster?: string; since?: number };
    valid: boolean | 'unknown';
    figures: Record<string, unknown>;
  }
  const cases: Case[] = [
    { name: 'empty history', polls: [], valid: true, figures: { dualMasterMs: 0, windows: 0, maxMasters: 0, finalMaster: null } },
    {
      name: 'a clean handover has no window',
      polls: [...timeline('a', 'MMSS'), ...timeline('b', 'SSMM')],
      ops: [write('direct:a', 0, 2000)],
      valid: true,
      figures: { windows: 0, dualMasterMs: 0, writesDuringDualMaster: 0, finalMaster: 'b' },
    },
    {
      name: 'an unreachable node is unknown, not master',
      polls: [...timeline('a', 'M???'), ...timeline('b', 'SMMM')],
      valid: true,
      figures: { windows: 0, dualMasterMs: 0 },
    },
    {
      name: 'three masters at once: one window, maxMasters 3',
      polls: [...timeline('a', 'MMMMS'), ...timeline('b', 'SMMMM'), ...timeline('c', 'SSMSS')],
      valid: true,
      figures: { windows: 1, dualMasterMs: 1500, maxMasters: 3, finalMaster: 'b' },
    },
    {
      name: 'two separate windows',
      polls: [...timeline('a', 'MMMMMM'), ...timeline('b', 'SMSSMS')],
      valid: true,
      figures: { windows: 2, dualMasterMs: 1000, maxMasters: 2 },
    },
    {
      name: 'a node\'s last poll holds until the last poll of any node',
      polls: [...timeline('a', 'MM'), ...timeline('b', 'SSSSM')],
      valid: true,
      figures: { windows: 0 },
    },
    {
      name: 'a master whose polls stopped stays master until the end',
      polls: [...timeline('a', 'SM'), ...timeline('b', 'MMMS')],
      valid: true,
      figures: { windows: 1, dualMasterMs: 1000 },
    },
    {
      name: 'writes to the final master during a window are fine',
      polls: partitionPolls(),
      ops: [write('direct:redis-1', 1500, 1600)],
      finalNode: 'redis-1',
      valid: true,
      figures: { directWrites: 1, losingSideWrites: 0 },
    },
    {
      name: 'sentinel writes cannot be attributed: reported, not judged',
      polls: partitionPolls(),
      ops: [write('sentinel', 1500, 1600)],
      valid: true,
      figures: { sentinelWrites: 1, losingSideWrites: 0 },
    },
    {
      name: 'final master taken from the polls when final.node is absent',
      polls: partitionPolls(),
      ops: [write('direct:redis-0', 1500, 1600)],
      valid: false,
      figures: { finalMaster: 'redis-1', losingSideWrites: 1 },
    },
    {
      name: 'opts.finalMaster overrides final.node',
      polls: partitionPolls(),
      ops: [write('direct:redis-0', 1500, 1600)],
      finalNode: 'redis-1',
      opts: { finalMaster: 'redis-0' },
      valid: true,
      figures: { finalMaster: 'redis-0', losingSideWrites: 0 },
    },
    {
      name: 'final master unknown with direct writes in a window: unknown',
      polls: [...timeline('a', 'MMS'), ...timeline('b', 'SMS')],
      ops: [write('direct:a', 600, 700)],
      valid: 'unknown',
      figures: { finalMaster: null, windows: 1, directWrites: 1 },
    },
    {
      name: 'two masters still at the end, indistinguishable: final master unknown',
      polls: [...timeline('a', 'MMM'), ...timeline('b', 'SMM')],
      ops: [write('direct:a', 600, 700)],
      valid: 'unknown',
      figures: { finalMaster: null, directWrites: 1 },
    },
    {
      name: 'window with no writes',
      polls: partitionPolls(),
      valid: true,
      figures: { windows: 1, writesDuringDualMaster: 0 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = splitBrain.check(history(c.polls, c.ops, c.finalNode), c.opts ?? {});
      expect(r.figures).to.deep.include(c.figures);
      expect(r.valid).to.equal(c.valid);
    });
  }

  it('reports window times relative to opts.since', () => {
    const r = splitBrain.check(history(partitionPolls()), { since: S + 250 });
    expect((r.details?.['windows'] as { from: number; to: number }[])[0]).to.deep.include({ from: 750, to: 2750 });
  });
});

describe('dualMasterWindows', () => {
  it('merges touching pieces with different master sets', () => {
    const w = dualMasterWindows([...timeline('a', 'MMMMS'), ...timeline('b', 'SMMMM'), ...timeline('c', 'SSMSS')]);
    expect(w).to.deep.equal([{ from: S + 500, to: S + 2000, masters: ['a', 'b', 'c'], maxMasters: 3 }]);
  });

  it('ignores unsorted input order', () => {
    const polls = [...timeline('a', 'MMMS'), ...timeline('b', 'SMMM')].reverse();
    expect(dualMasterWindows(polls)).to.deep.equal([{ from: S + 500, to: S + 1500, masters: ['a', 'b'], maxMasters: 2 }]);
  });
});
