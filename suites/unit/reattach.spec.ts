import { expect } from 'chai';
import { finalMasterFromPolls, reattach, reattachBoundMs } from '../../lib/checks/reattach.ts';
import type { ReattachOpts } from '../../lib/checks/reattach.ts';
import type { History, RolePoll } from '../../lib/model.ts';

/** Heal time (epoch ms); polls are placed relative to it. */
const S = 1_700_000_000_000;

function history(polls: RolePoll[]): History {
  return {
    t0: S - 10_000, faults: [], events: [], polls, ops: [], logs: [], nodes: [], masterName: 'mymaster',
    final: { time: S + 10_000, sets: {}, counters: {} },
  };
}

function master(node: string, at: number, offset = 1000, connectedSlaves = 2): RolePoll {
  return { time: S + at, node, reachable: true, role: 'master', offset, connectedSlaves };
}

/** `offset: null` leaves the offset out. */
function replica(node: string, at: number, of: string, linkUp = true, offset: number | null = 1000): RolePoll {
  const p: RolePoll = { time: S + at, node, reachable: true, role: 'slave', masterOf: of, linkUp };
  if (offset !== null) p.offset = offset;
  return p;
}

function down(node: string, at: number): RolePoll {
  return { time: S + at, node, reachable: false, error: 'ECONNREFUSED' };
}

/** Old master redis-0 comes back as a replica of redis-1; redis-2 moves from redis-0 to redis-1. */
function failoverPolls(): RolePoll[] {
  return [
    down('redis-0', -100), down('redis-0', 100), replica('redis-0', 200, 'redis-1', false, 0),
    replica('redis-0', 250.04, 'redis-1', true, 4990), replica('redis-0', 300, 'redis-1', true, 5000),
    master('redis-1', -100, 3000, 1), master('redis-1', 100, 4000, 1), master('redis-1', 300, 5000, 2),
    replica('redis-2', -100, 'redis-0', false), replica('redis-2', 100, 'redis-1', true, 4000),
    replica('redis-2', 300, 'redis-1', true, 4990),
  ];
}

const OPTS: ReattachOpts = { nodes: ['redis-0', 'redis-2'], since: S };

describe('reattach', () => {
  it('times each replica from the start of its final stable stretch and reports lag', () => {
    const r = reattach.check(history(failoverPolls()), OPTS);
    expect(r.figures).to.deep.equal({
      finalMaster: 'redis-1', expected: 2, reattached: 2, allReattached: true, caughtUp: 1, maxMs: 250,
      'redis-0.ms': 250, 'redis-0.lag': 0, 'redis-2.ms': 100, 'redis-2.lag': 10,
    });
    expect(r.valid).to.equal(false);
    expect(r.notes).to.deep.equal(['redis-2 trails redis-1 by 10 bytes (allowed 0)']);
  });

  it('tolerates lag up to maxLagBytes', () => {
    const r = reattach.check(history(failoverPolls()), { ...OPTS, maxLagBytes: 10 });
    expect([r.valid, r.figures['caughtUp'], r.notes]).to.deep.equal([true, 2, []]);
  });

  it('judges each replica against the bound: settled later than Sentinel allows is invalid, figures kept', () => {
    // redis-0 settles at +250 ms after `from`; a 200 ms bound fails it, a 300 ms bound passes.
    const late = reattach.check(history(failoverPolls()), { ...OPTS, maxLagBytes: 10, bound: { ms: 200, from: S } });
    expect([late.valid, late.figures['withinBound'], late.figures['boundMs'], late.figures['redis-0.ms']]).to.deep.equal([false, false, 200, 250]);
    expect(late.notes).to.deep.equal(["redis-0 settled 250 ms after the heal/switch, later than Sentinel's bound of 200 ms"]);
    const ok = reattach.check(history(failoverPolls()), { ...OPTS, maxLagBytes: 10, bound: { ms: 300, from: S } });
    expect([ok.valid, ok.figures['withinBound']]).to.deep.equal([true, true]);
  });

  it('a replica first seen attached only after the final read (the last poll round) was not observed: invalid', () => {
    const h = history(failoverPolls());
    const r = reattach.check(h, { ...OPTS, maxLagBytes: 10, seenBy: S + 275 });
    expect(r.valid).to.equal(true);
    const r2 = reattach.check(h, { ...OPTS, maxLagBytes: 10, seenBy: S + 240 });
    expect(r2.valid).to.equal(false);
    expect(r2.notes).to.deep.equal(['redis-0 was first seen attached only after the final read, not by the poller after convergence']);
  });

  it("the bound follows Sentinel's periods: 2 ping + 2 info + max(4 publish, failover-timeout)", () => {
    expect(reattachBoundMs({ failoverTimeoutMs: 6000, sentinelDebug: { 'info-period': 1000, 'publish-period': 500 } })).to.equal(2000 + 2000 + 6000);
    expect(reattachBoundMs({ failoverTimeoutMs: 1000, sentinelDebug: { 'info-period': 1000, 'publish-period': 500 } })).to.equal(2000 + 2000 + 2000);
    expect(reattachBoundMs({ failoverTimeoutMs: 6000, sentinelDebug: {} })).to.equal(2000 + 20_000 + 8000);
  });

  interface Case {
    name: string;
    polls: RolePoll[];
    opts?: Partial<ReattachOpts>;
    valid: boolean | 'unknown';
    figures: Record<string, unknown>;
    notes?: string[];
  }
  const cases: Case[] = [
    {
      name: 'a flapping link: only the final stretch counts',
      polls: [
        master('m', 0), replica('a', 0, 'm'), replica('a', 100, 'm', false), replica('a', 200, 'm'), replica('a', 300, 'm'),
      ],
      opts: { nodes: ['a'] },
      valid: true,
      figures: { 'a.ms': 200, 'a.lag': 0, reattached: 1 },
    },
    {
      name: 'an unreachable last poll breaks the stretch',
      polls: [master('m', 0), replica('a', 0, 'm'), replica('a', 100, 'm'), down('a', 200)],
      opts: { nodes: ['a'] },
      valid: false,
      figures: { 'a.ms': null, 'a.lag': null, reattached: 0, allReattached: false, maxMs: null },
      notes: ['a is not attached to m (role slave, link up) at its last poll'],
    },
    {
      name: 'replicating from the wrong master',
      polls: [master('m', 0), master('old', 0, 1000, 0), replica('a', 100, 'old')],
      opts: { nodes: ['a'], master: 'm' },
      valid: false,
      figures: { finalMaster: 'm', 'a.ms': null, reattached: 0 },
      notes: ['a is not attached to m (role slave, link up) at its last poll'],
    },
    {
      name: 'opts.master overrides the polls',
      polls: [master('m', 0), replica('a', 100, 'x', true, null), { ...master('x', 0), role: 'slave', masterOf: 'm', linkUp: true }],
      opts: { nodes: ['a'], master: 'x' },
      valid: 'unknown',
      figures: { finalMaster: 'x', 'a.ms': 100, 'a.lag': null },
      notes: ['a: replication offset of it or of x unknown, catch-up not judged'],
    },
    {
      name: 'attached before `since`: 0 ms',
      polls: [master('m', -500), replica('a', -400, 'm'), replica('a', 100, 'm')],
      opts: { nodes: ['a'] },
      valid: true,
      figures: { 'a.ms': 0, maxMs: 0 },
    },
    {
      name: 'a replica ahead of the master\'s last poll has no lag',
      polls: [master('m', 0, 100), replica('a', 100, 'm', true, 150)],
      opts: { nodes: ['a'] },
      valid: true,
      figures: { 'a.lag': 0, caughtUp: 1 },
    },
    {
      name: 'missing replica offset: unknown',
      polls: [master('m', 0), replica('a', 100, 'm', true, null)],
      opts: { nodes: ['a'] },
      valid: 'unknown',
      figures: { 'a.lag': null, reattached: 1, caughtUp: 0, allReattached: true },
    },
    {
      name: 'no polls at all',
      polls: [],
      opts: { nodes: ['a', 'b'] },
      valid: false,
      figures: { finalMaster: null, expected: 2, reattached: 0, allReattached: false, 'a.ms': null, 'b.ms': null },
      notes: ['no final master: no node\'s last reachable poll says role master'],
    },
    {
      name: 'a node never polled is not reattached',
      polls: [master('m', 0)],
      opts: { nodes: ['ghost'] },
      valid: false,
      figures: { 'ghost.ms': null, reattached: 0 },
    },
    {
      name: 'an expected replica that is the final master',
      polls: [master('a', 0), replica('b', 0, 'a')],
      opts: { nodes: ['a', 'b'], master: 'a' },
      valid: false,
      figures: { reattached: 1, allReattached: false, 'a.ms': null, 'b.ms': 0 },
      notes: ['a is the final master, not a replica'],
    },
    {
      name: 'the final master\'s unreachable last poll: its last reachable one counts',
      polls: [master('m', 0, 1000), down('m', 200), replica('a', 100, 'm', true, 1000)],
      opts: { nodes: ['a'] },
      valid: true,
      figures: { finalMaster: 'm', 'a.ms': 100, 'a.lag': 0 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = reattach.check(history(c.polls), { ...OPTS, ...c.opts });
      expect(r.valid).to.equal(c.valid);
      expect(r.figures).to.deep.include(c.figures);
      if (c.notes) expect(r.notes).to.deep.equal(c.notes);
    });
  }
});

describe('finalMasterFromPolls', () => {
  const cases: { name: string; polls: RolePoll[]; exclude?: string[]; want: string | undefined }[] = [
    { name: 'no polls', polls: [], want: undefined },
    { name: 'the only master', polls: [master('a', 0), replica('b', 0, 'a')], want: 'a' },
    { name: 'a node that stopped being master', polls: [master('a', 0), replica('a', 10, 'b'), master('b', 5)], want: 'b' },
    { name: 'unreachable polls are skipped', polls: [master('a', 0), down('a', 10)], want: 'a' },
    {
      name: 'several masters: the one not expected to be a replica',
      polls: [master('a', 0, 0, 5), master('b', 0, 0, 0)],
      exclude: ['a'],
      want: 'b',
    },
    { name: 'several masters: most replicas wins', polls: [master('a', 10, 0, 0), master('b', 0, 0, 2)], want: 'b' },
    { name: 'several masters, tie: latest poll wins', polls: [master('a', 0, 0, 1), master('b', 5, 0, 1)], want: 'b' },
    { name: 'several masters, indistinguishable: none', polls: [master('a', 5, 0, 1), master('b', 5, 0, 1)], want: undefined },
    { name: 'only replicas', polls: [replica('a', 0, 'b'), down('b', 0)], want: undefined },
  ];
  for (const c of cases) it(c.name, () => expect(finalMasterFromPolls(c.polls, c.exclude)).to.equal(c.want));
});
