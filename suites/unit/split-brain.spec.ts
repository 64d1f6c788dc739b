/**
 * The split-brain checker on history shapes recorded from real runs: the sentinels' events as sentinel.c
 * publishes them (parsed by the real parser), writes carrying the node that served them. Each judged case
 * says which broken checker it catches.
 */
import { expect } from 'chai';
import { electedAt, electedTimeline } from '../../lib/checks/elected-master.ts';
import { dualMasterWindows, splitBrain, type SplitBrainOpts } from '../../lib/checks/split-brain.ts';
import type { History, NodeInfo, Op, Outcome, RolePoll, SentinelEvent } from '../../lib/model.ts';
import { parseSentinelEvent } from '../../lib/observe/parse-event.ts';

const S = 1_700_000_000_000;
const MASTER = 'mymaster';
const SENTINELS = ['sentinel-0', 'sentinel-1', 'sentinel-2'];
const PORT: Record<string, number> = { 'redis-0': 7000, 'redis-1': 7001, 'redis-2': 7002 };

/** The topology the runner records: redis-0 the initial master, announced as `<name>:<7000 + index>`. */
function nodes(): NodeInfo[] {
  const redis = Object.entries(PORT).map(([name, port], i): NodeInfo => ({
    name, kind: 'redis', image: 'redis', announced: `${name}:${port}`, initialRole: i === 0 ? 'master' : 'replica',
  }));
  const sentinels = SENTINELS.map((name, i): NodeInfo => ({ name, kind: 'sentinel', image: 'redis', announced: `${name}:${7003 + i}`, initialRole: 'sentinel' }));
  return [...redis, ...sentinels];
}

function ev(at: number, sentinel: string, type: string, payload: string): SentinelEvent {
  return parseSentinelEvent(sentinel, type, payload, S + at);
}

const masterInst = (node: string): string => `master ${MASTER} ${node} ${PORT[node]}`;
const slaveInst = (node: string, master: string): string => `slave ${node}:${PORT[node]} ${node} ${PORT[node]} @ ${MASTER} ${master} ${PORT[master]}`;

interface Failover {
  from: string;
  to: string;
  epoch: number;
  /**
   * When the leader starts (+new-epoch), sends SLAVEOF NO ONE (+failover-state-wait-promotion), sees the
   * promotion (+promoted-slave), ends (+switch-master).
   */
  start: number;
  sent: number;
  promoted: number;
  switched: number;
  /** When the other sentinels learn the new config from a hello (+switch-master). */
  followers: number;
  leader?: string;
  /** Manual failover (SENTINEL FAILOVER): the others do not vote; they learn the epoch from the hello. */
  manual?: boolean;
}

/** The events of one failover, in the order sentinel.c publishes them. */
function failover(f: Failover): SentinelEvent[] {
  const leader = f.leader ?? 'sentinel-1';
  const others = SENTINELS.filter((s) => s !== leader);
  const old = masterInst(f.from);
  const promoted = slaveInst(f.to, f.from);
  const sw = `${MASTER} ${f.from} ${PORT[f.from]} ${f.to} ${PORT[f.to]}`;
  const out = [
    ev(f.start, leader, '+new-epoch', String(f.epoch)),
    ev(f.start, leader, '+try-failover', old),
    ev(f.start + 1, leader, '+vote-for-leader', `runid-${leader} ${f.epoch}`),
    ev(f.start + 20, leader, '+elected-leader', old),
    ev(f.start + 30, leader, '+selected-slave', promoted),
    ev(f.start + 31, leader, '+failover-state-send-slaveof-noone', promoted),
    ev(f.sent, leader, '+failover-state-wait-promotion', promoted),
    ev(f.promoted, leader, '+promoted-slave', promoted),
    ev(f.promoted, leader, '+failover-state-reconf-slaves', old),
    ev(f.switched, leader, '+failover-end', old),
    ev(f.switched, leader, '+switch-master', sw),
  ];
  for (const s of others) {
    if (!f.manual) out.push(ev(f.start + 5, s, '+new-epoch', String(f.epoch)), ev(f.start + 5, s, '+vote-for-leader', `runid-${leader} ${f.epoch}`));
    else out.push(ev(f.followers, s, '+new-epoch', String(f.epoch)));
    out.push(ev(f.followers, s, '+config-update-from', `sentinel runid-${leader} ${leader} 7004 @ ${MASTER} ${f.from} ${PORT[f.from]}`));
    out.push(ev(f.followers, s, '+switch-master', sw));
  }
  return out;
}

/** A kill -9 of redis-0 at 1000 ms: SLAVEOF NO ONE to redis-1 at 2800, promoted 2900, switch at 3500 (followers 3600). */
const KILL: Failover = { from: 'redis-0', to: 'redis-1', epoch: 1, start: 2000, sent: 2800, promoted: 2900, switched: 3500, followers: 3600 };
/**
 * SENTINEL FAILOVER at 1000 ms: SLAVEOF NO ONE to redis-1 at 1900, seen promoted at 2900 (one INFO period
 * later); redis-0 keeps accepting until it is converted at about 4500.
 */
const MANUAL: Failover = { from: 'redis-0', to: 'redis-1', epoch: 1, start: 1000, sent: 1900, promoted: 2900, switched: 2950, followers: 3000, manual: true };
/** After KILL, redis-1 is killed too: SLAVEOF NO ONE to redis-2 at 8800, promoted 8900 (epoch 2). */
const SECOND: Failover = { from: 'redis-1', to: 'redis-2', epoch: 2, start: 8000, sent: 8800, promoted: 8900, switched: 9500, followers: 9600, leader: 'sentinel-2' };

function write(node: string | undefined, invoke: number, complete = invoke + 2, o: { via?: Op['via']; outcome?: Outcome; f?: Op['f'] } = {}): Op {
  const op: Op = {
    process: 0, client: 'c0', via: o.via ?? 'sentinel', f: o.f ?? 'add', key: 'k', value: `v${invoke}`,
    invoke: S + invoke, complete: S + complete, outcome: o.outcome ?? 'ok',
  };
  if (node !== undefined) op.node = node;
  return op;
}

/** `n` writes served by `node`, one every 10 ms from `from`. */
function writes(node: string, from: number, n: number, via: Op['via'] = 'sentinel'): Op[] {
  return Array.from({ length: n }, (_, i) => write(node, from + 10 * i, from + 10 * i + 2, { via }));
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

function history(p: { events?: SentinelEvent[]; ops?: Op[]; polls?: RolePoll[]; final?: string; nodes?: NodeInfo[] }): History {
  const h: History = {
    t0: S, faults: [], events: p.events ?? [], polls: p.polls ?? [], ops: p.ops ?? [], logs: [], nodes: p.nodes ?? nodes(), masterName: MASTER,
    final: { time: S + 100_000, sets: {}, counters: {} },
  };
  if (p.final !== undefined) h.final.node = p.final;
  return h;
}

describe('split-brain: every acknowledged write judged against the elected master', () => {
  interface Case {
    name: string;
    /** The broken checker this case catches. */
    catches: string;
    h: History;
    opts?: SplitBrainOpts;
    valid: boolean | 'unknown';
    figures: Record<string, unknown>;
  }
  const cases: Case[] = [
    {
      name: 'kill failover, every write served by the elected master: valid',
      catches: 'electing at +switch-master only (blames redis-1 writes between the promotion and +switch-master); counting reads or failed ops',
      h: history({
        events: failover(KILL),
        ops: [
          ...writes('redis-0', 0, 100),
          write('redis-0', 1990, 2500, { outcome: 'unknown' }), // in flight at the kill
          write('redis-0', 3000, 3001, { outcome: 'failed' }), // a failed op is no acknowledged write
          ...writes('redis-1', 3000, 80), // routed by the leader after +promoted-slave, before +switch-master
          write('redis-0', 3100, 3102, { f: 'read' }), // a read is no write
        ],
        final: 'redis-1',
      }),
      valid: true,
      figures: { deposedWrites: 0, losingSideWrites: 0, unattributedWrites: 0, elections: 1, 'writes.redis-0': 100, 'writes.redis-1': 80, finalMaster: 'redis-1' },
    },
    {
      name: 'manual failover, the old master acks Sentinel writes after the switch: invalid',
      catches: 'the old checker (only pinned writes attributed: valid, 0 losing-side writes); electing at +promoted-slave (110)',
      h: history({
        events: failover(MANUAL),
        polls: [...timeline('redis-0', 'MMMMMMMMMS'), ...timeline('redis-1', 'SSSSMMMMMM'), ...timeline('redis-2', 'SSSSSSSSSS')],
        ops: [
          ...writes('redis-0', 0, 190), // 0..1890: before SLAVEOF NO ONE
          ...writes('redis-0', 1900, 100), // 1900..2890: SLAVEOF NO ONE sent, promotion not yet seen: lost all the same
          ...writes('redis-0', 2900, 110), // 2900..3990: still connected to the deposed redis-0
          ...writes('redis-1', 4000, 50),
        ],
        final: 'redis-1',
      }),
      valid: false,
      figures: {
        deposedWrites: 210, deposedSentinelWrites: 210, deposedDirectWrites: 0, losingSideWrites: 210, 'deposedWrites.redis-0': 210,
        'writes.redis-0': 400, 'writes.redis-1': 50, elections: 1, windows: 1, dualMasterMs: 2500, sentinelWrites: 250, directWrites: 0,
      },
    },
    {
      name: 'a write in flight across the switch is not blamed',
      catches: 'judging by completion time, or by overlap with the change',
      h: history({ events: failover(MANUAL), ops: [write('redis-0', 1899, 2300), write('redis-0', 1700, 1950)], final: 'redis-1' }),
      valid: true,
      figures: { deposedWrites: 0 },
    },
    {
      name: 'a write invoked at the very moment of SLAVEOF NO ONE is judged against the new master',
      catches: 'an elected timeline that starts the new master only after its event time',
      h: history({ events: failover(MANUAL), ops: [write('redis-0', 1900, 1902)], final: 'redis-1' }),
      valid: false,
      figures: { deposedWrites: 1 },
    },
    {
      name: 'writes with no node field (a history recorded before Op.node): unknown',
      catches: 'valid on missing data (the old checker said valid)',
      h: history({ events: failover(MANUAL), ops: [write(undefined, 0), write(undefined, 2000)], final: 'redis-1' }),
      valid: 'unknown',
      figures: { deposedWrites: 0, unattributedWrites: 2 },
    },
    {
      name: 'some writes without a node and none deposed: still unknown',
      catches: 'judging only the attributed writes as if they were all',
      h: history({ events: failover(KILL), ops: [write('redis-0', 0), write(undefined, 3000)], final: 'redis-1' }),
      valid: 'unknown',
      figures: { deposedWrites: 0, unattributedWrites: 1, 'writes.redis-0': 1 },
    },
    {
      name: 'a deposed write is invalid even when other writes carry no node',
      catches: 'unknown hiding a proven split brain',
      h: history({ events: failover(MANUAL), ops: [write(undefined, 0), write('redis-0', 2000)], final: 'redis-1' }),
      valid: false,
      figures: { deposedWrites: 1, unattributedWrites: 1 },
    },
    {
      name: 'cascade of two failovers: each master judged in its own term',
      catches: 'a single switch (the last, or the first) instead of a timeline',
      h: history({
        events: [...failover(KILL), ...failover(SECOND)],
        ops: [
          ...writes('redis-0', 0, 10),
          ...writes('redis-1', 4000, 10), // redis-1's term
          write('redis-1', 9000), // after redis-2's promotion: deposed
          write('redis-0', 5000), // redis-0 after its term: deposed
          ...writes('redis-2', 9000, 5),
        ],
        final: 'redis-2',
      }),
      valid: false,
      figures: { elections: 2, deposedWrites: 2, 'deposedWrites.redis-0': 1, 'deposedWrites.redis-1': 1, losingSideWrites: 2, 'writes.redis-2': 5 },
    },
    {
      name: 'a lagging sentinel re-announcing an older switch does not move the timeline back',
      catches: 'following every +switch-master away from the current master, ignoring config epochs',
      h: history({
        // redis-0 → redis-1 (epoch 1), back to redis-0 (epoch 2); then sentinel-0, which voted in epoch 2,
        // publishes the epoch-1 switch it had missed.
        events: [...failover(KILL), ...failover({ ...SECOND, to: 'redis-0' }), ev(9700, 'sentinel-0', '+switch-master', `${MASTER} redis-0 7000 redis-1 7001`)],
        ops: [write('redis-0', 9800)],
        final: 'redis-0',
      }),
      valid: true,
      figures: { elections: 2, deposedWrites: 0 },
    },
    {
      name: 'back to the first master: a deposed write by the node that ends as master is deposed, not losing-side',
      catches: 'losingSideWrites counting every deposed write, or deposed meaning "not the final master"',
      h: history({
        events: [...failover(KILL), ...failover({ ...SECOND, to: 'redis-0' })],
        ops: [write('redis-1', 3000), write('redis-0', 4000), write('redis-0', 9000), write('redis-1', 9100)],
        final: 'redis-0',
      }),
      valid: false,
      figures: { elections: 2, deposedWrites: 2, 'deposedWrites.redis-0': 1, 'deposedWrites.redis-1': 1, losingSideWrites: 1 },
    },
    {
      name: 'a pinned client writing to the deposed master on the minority side',
      catches: 'dropping the pinned/Sentinel distinction in the figures',
      h: history({
        events: failover(KILL),
        polls: [...timeline('redis-0', 'MMMMMMMMMS'), ...timeline('redis-1', 'SSSSSMMMMM')],
        ops: [...writes('redis-0', 3000, 3, 'direct:redis-0'), ...writes('redis-1', 3000, 4)],
        final: 'redis-1',
      }),
      valid: false,
      figures: { deposedWrites: 3, deposedDirectWrites: 3, deposedSentinelWrites: 0, directWrites: 3, sentinelWrites: 4, 'directWrites.redis-0': 3 },
    },
    {
      name: 'final master unknown: deposed writes still judge, losingSideWrites is null',
      catches: 'a losing-side figure of 0 when it cannot be known',
      h: history({ events: failover(MANUAL), ops: [write('redis-0', 2000)] }),
      valid: false,
      figures: { deposedWrites: 1, losingSideWrites: null, finalMaster: null },
    },
    {
      name: 'no initial master in the history: unknown',
      catches: 'valid when the elected master cannot be known',
      h: history({ events: failover(KILL), ops: [write('redis-0', 0)], nodes: nodes().map((n) => ({ ...n, initialRole: 'replica' as const })), final: 'redis-1' }),
      valid: 'unknown',
      figures: { deposedWrites: 0, elections: 0 },
    },
    {
      name: 'no failover, all writes on the initial master (no pinned client): valid, and not vacuously',
      catches: 'a timeline that never starts (every write deposed)',
      h: history({ ops: writes('redis-0', 0, 20), final: 'redis-0' }),
      valid: true,
      figures: { elections: 0, deposedWrites: 0, 'writes.redis-0': 20 },
    },
    {
      name: 'a write on a replica that was never elected is deposed',
      catches: 'judging only masters that appear in the events',
      h: history({ ops: [write('redis-2', 100)], final: 'redis-0' }),
      valid: false,
      figures: { deposedWrites: 1, 'deposedWrites.redis-2': 1, losingSideWrites: 1 },
    },
  ];
  for (const c of cases) {
    it(`${c.name} (catches: ${c.catches})`, () => {
      const r = splitBrain.check(c.h, c.opts ?? {});
      expect(r.figures).to.deep.include(c.figures);
      expect(r.valid).to.equal(c.valid);
    });
  }

  it('details list the deposed writes and the elected timeline relative to opts.since', () => {
    const r = splitBrain.check(history({ events: failover(MANUAL), ops: [write('redis-0', 2000, 2010)], final: 'redis-1' }), { since: S + 1000 });
    expect(r.details?.['deposed']).to.deep.equal([
      { key: 'k', value: 'v2000', via: 'sentinel', node: 'redis-0', elected: 'redis-1', invoke: 1000, complete: 1010 },
    ]);
    expect(r.details?.['elected']).to.deep.equal([
      { node: 'redis-0', from: null, epoch: null, by: 'initial master' },
      { node: 'redis-1', from: 900, epoch: 1, by: '+failover-state-wait-promotion sentinel-1' },
    ]);
    expect(r.notes?.[0]).to.equal(
      '1 of 1 acknowledged writes were served by a node the sentinels had not elected (redis-0): 1 through Sentinel, 0 pinned; 1 on the losing side (final master redis-1)',
    );
  });

  it('notes say why a history without nodes is unknown', () => {
    const r = splitBrain.check(history({ ops: [write(undefined, 0)] }), {});
    expect(r.notes?.[0]).to.match(/^1 of 1 acknowledged writes carry no serving node/);
  });
});

describe('electedTimeline', () => {
  it('dates a promotion back to the leader\'s SLAVEOF NO ONE; the other sentinels\' +switch-master are repeats', () => {
    const spans = electedTimeline(history({ events: failover(KILL) }));
    expect(spans).to.deep.equal([
      { node: 'redis-0', from: -Infinity },
      { node: 'redis-1', from: S + 2800, epoch: 1, by: '+failover-state-wait-promotion sentinel-1' },
    ]);
    expect([2799, 2800, 99_999].map((t) => electedAt(spans, S + t))).to.deep.equal(['redis-0', 'redis-1', 'redis-1']);
  });

  it('takes +promoted-slave\'s own time when the SLAVEOF NO ONE was not seen', () => {
    const events = failover(KILL).filter((e) => e.type !== '+failover-state-wait-promotion');
    expect(electedTimeline(history({ events }))[1]).to.deep.equal({ node: 'redis-1', from: S + 2900, epoch: 1, by: '+promoted-slave sentinel-1' });
  });

  it('an aborted promotion elects nobody, and a later promotion dates from its own SLAVEOF NO ONE', () => {
    const promoted = slaveInst('redis-1', 'redis-0');
    const aborted = [
      ev(500, 'sentinel-1', '+new-epoch', '1'),
      ev(600, 'sentinel-1', '+failover-state-wait-promotion', promoted),
      ev(1600, 'sentinel-1', '-failover-abort-slave-timeout', masterInst('redis-0')),
    ];
    expect(electedTimeline(history({ events: aborted })).map((s) => s.node)).to.deep.equal(['redis-0']);
    const retried = [...aborted, ...failover({ ...KILL, epoch: 2 })];
    expect(electedTimeline(history({ events: retried }))[1]).to.deep.include({ node: 'redis-1', from: S + 2800, epoch: 2 });
    const abortedThenPromoted = [...aborted, ev(2900, 'sentinel-1', '+promoted-slave', promoted)];
    expect(electedTimeline(history({ events: abortedThenPromoted }))[1]).to.deep.include({ from: S + 2900 });
  });

  it('takes +switch-master when the promotion was not seen (e.g. the leader\'s events were lost)', () => {
    const events = failover(KILL).filter((e) => e.sentinel !== 'sentinel-1');
    expect(electedTimeline(history({ events })).map((s) => [s.node, s.from - S, s.epoch])).to.deep.equal([['redis-0', -Infinity, undefined], ['redis-1', 3600, 1]]);
  });

  it('without epochs, takes only a change away from the current master', () => {
    const events = [ev(100, 'sentinel-0', '+switch-master', `${MASTER} redis-1 7001 redis-2 7002`), ev(200, 'sentinel-0', '+switch-master', `${MASTER} redis-0 7000 redis-1 7001`)];
    expect(electedTimeline(history({ events })).map((s) => s.node)).to.deep.equal(['redis-0', 'redis-1']);
  });

  it('ignores events about another master name', () => {
    const events = [ev(100, 'sentinel-0', '+switch-master', `other redis-0 7000 redis-1 7001`)];
    expect(electedTimeline(history({ events })).map((s) => s.node)).to.deep.equal(['redis-0']);
  });

  it('is empty without an initial master', () => {
    expect(electedTimeline(history({ nodes: [] }))).to.deep.equal([]);
    expect(electedAt([], S)).to.equal(undefined);
  });
});

describe('split-brain: dual-master windows (figures only)', () => {
  /** redis-0 stays master on the minority side until 3000; redis-1 is promoted at 1000. */
  const partitionPolls = (): RolePoll[] => [...timeline('redis-0', 'MMMMMMS'), ...timeline('redis-1', 'SSMMMMM'), ...timeline('redis-2', 'SSSSSSS')];

  it('finds the window and counts the ok writes overlapping it by route', () => {
    const ops = [
      write('redis-0', 1200, 1300, { via: 'direct:redis-0' }),
      write('redis-0', 1400, 1450, { via: 'direct:redis-0', outcome: 'failed' }), // failed: not counted
      write('redis-1', 2000, 2010, { via: 'direct:redis-1', f: 'incr' }),
      write('redis-0', 1500, 1510),
      write('redis-0', 900, 1001), // straddles the window start
      write('redis-0', 100, 200), // before the window
      write('redis-0', 3001, 3002, { via: 'direct:redis-0' }), // after the window
      write('redis-0', 1600, 1700, { f: 'read' }), // reads are not writes
    ];
    const r = splitBrain.check(history({ polls: partitionPolls(), ops, final: 'redis-1' }), {});
    expect(r.figures).to.deep.include({
      dualMasterMs: 2000, windows: 1, maxMasters: 2, writesDuringDualMaster: 4, directWrites: 2, sentinelWrites: 2,
      'directWrites.redis-0': 1, 'directWrites.redis-1': 1,
    });
    expect(r.details?.['windows']).to.deep.equal([
      { from: 1000, to: 3000, masters: ['redis-0', 'redis-1'], writes: 4, sentinelWrites: 2, directWrites: { 'redis-0': 1, 'redis-1': 1 } },
    ]);
    expect(r.notes).to.include('1 dual-master window(s) by the role polls; 4 ok writes overlap them');
  });

  const cases: { name: string; polls: RolePoll[]; figures: Record<string, unknown> }[] = [
    { name: 'empty history', polls: [], figures: { dualMasterMs: 0, windows: 0, maxMasters: 0 } },
    { name: 'a clean handover has no window', polls: [...timeline('a', 'MMSS'), ...timeline('b', 'SSMM')], figures: { windows: 0, dualMasterMs: 0 } },
    { name: 'an unreachable node is unknown, not master', polls: [...timeline('a', 'M???'), ...timeline('b', 'SMMM')], figures: { windows: 0 } },
    {
      name: 'three masters at once: one window, maxMasters 3',
      polls: [...timeline('a', 'MMMMS'), ...timeline('b', 'SMMMM'), ...timeline('c', 'SSMSS')],
      figures: { windows: 1, dualMasterMs: 1500, maxMasters: 3 },
    },
    { name: 'two separate windows', polls: [...timeline('a', 'MMMMMM'), ...timeline('b', 'SMSSMS')], figures: { windows: 2, dualMasterMs: 1000, maxMasters: 2 } },
    { name: 'a node\'s last poll holds until the last poll of any node', polls: [...timeline('a', 'MM'), ...timeline('b', 'SSSSM')], figures: { windows: 0 } },
    { name: 'a master whose polls stopped stays master until the end', polls: [...timeline('a', 'SM'), ...timeline('b', 'MMMS')], figures: { windows: 1, dualMasterMs: 1000 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(splitBrain.check(history({ polls: c.polls }), {}).figures).to.deep.include(c.figures);
    });
  }

  it('reports window times relative to opts.since', () => {
    const r = splitBrain.check(history({ polls: partitionPolls() }), { since: S + 250 });
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
