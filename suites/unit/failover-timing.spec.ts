import { expect } from 'chai';
import {
  clientUnavailability,
  failoverTiming,
  orderViolations,
  phasesFromLogs,
  sentinelPhases,
} from '../../lib/checks/failover-timing.ts';
import type { FailoverTimingOpts, SentinelPhases } from '../../lib/checks/failover-timing.ts';
import { runChecks, withOpts } from '../../lib/checks/checker.ts';
import { parseSentinelEvent } from '../../lib/observe/parse-event.ts';
import type { History, LogLine, Op, SentinelEvent } from '../../lib/model.ts';

/** Fault start (epoch ms). */
const F = 1_700_000_000_000;
const M = 'master mymaster redis-0 7000';
const R1 = 'slave redis-1:7001 redis-1 7001 @ mymaster redis-0 7000';

function history(over: Partial<History> = {}): History {
  return {
    t0: F - 60_000, faults: [], events: [], polls: [], ops: [], logs: [], nodes: [], masterName: 'mymaster',
    final: { time: F + 60_000, sets: {}, counters: {} },
    ...over,
  };
}

/** An event `at` ms after the fault. */
function ev(sentinel: string, at: number, type: string, payload: string): SentinelEvent {
  return parseSentinelEvent(sentinel, type, payload, F + at);
}

/** A complete failover of mymaster from redis-0 to redis-1 seen by 3 sentinels, plus noise. */
function failoverEvents(): SentinelEvent[] {
  return [
    ev('sentinel-0', -20_000, '+sdown', M), // an earlier incident: ignored
    ev('sentinel-0', -19_000, '+switch-master', 'mymaster redis-2 7002 redis-0 7000'),
    ev('sentinel-0', 5000, '+sdown', M),
    ev('sentinel-1', 5010, '+sdown', M),
    ev('sentinel-2', 5020, '+sdown', M),
    ev('sentinel-2', 5025, '+sdown', 'slave redis-2:7002 redis-2 7002 @ mymaster redis-0 7000'),
    ev('sentinel-0', 5030, '+odown', `${M} #quorum 2/2`),
    ev('sentinel-0', 5030, '+new-epoch', '3'),
    ev('sentinel-0', 5031, '+try-failover', M),
    ev('sentinel-1', 5035, '+vote-for-leader', 'abc 3'),
    ev('sentinel-0', 5040, '+elected-leader', M),
    ev('sentinel-0', 5041, '+failover-state-select-slave', M),
    ev('sentinel-0', 5100, '+selected-slave', R1),
    ev('sentinel-0', 5101, '+failover-state-send-slaveof-noone', R1),
    ev('sentinel-0', 5200, '+promoted-slave', R1),
    ev('sentinel-0', 6000, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
    ev('sentinel-1', 6100, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
    ev('sentinel-2', 6200, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
    ev('sentinel-0', 7000, '+failover-end', 'master mymaster redis-0 7000'),
    ev('sentinel-0', 7001, '+sdown', 'master other redis-9 7009'), // another master: ignored
  ];
}

let nextProcess = 0;
/** A sentinel add that completes `at` ms after the fault (invoked 2 ms earlier). */
function write(at: number, outcome: Op['outcome'] = 'ok', over: Partial<Op> = {}): Op {
  return {
    process: nextProcess++, client: 'c1', via: 'sentinel', f: 'add', key: 'k', value: `v${nextProcess}`,
    invoke: F + at - 2, complete: F + at, outcome, ...over,
  };
}

/** Writes completing every `step` ms in [from, to]. */
function writes(from: number, to: number, step: number, outcome: Op['outcome'] = 'ok'): Op[] {
  const out: Op[] = [];
  for (let t = from; t <= to; t += step) out.push(write(t, outcome));
  return out;
}

/** 10 ms steady writes before the fault, an outage, then 10 ms steady writes from +6500. */
function outageOps(): Op[] {
  return [
    ...writes(-1000, -10, 10),
    ...writes(100, 6000, 500, 'unknown'),
    ...writes(6500, 7500, 10),
    write(50, 'ok', { via: 'direct:redis-1' }), // direct: not client-visible through Sentinel
    write(60, 'ok', { f: 'read' }), // reads don't count
  ];
}

const OPTS: FailoverTimingOpts = { faultStart: F, quorum: 2, budgetMs: 10_000, expectFailover: true };

const FULL_PHASES: SentinelPhases = {
  sdownFirst: 5000, sdownQuorum: 5010, sdownOther: 1, odown: 5030, tryFailover: 5031, elected: 5040,
  selectedReplica: 5100, promoted: 5200, switchFirst: 6000, switchQuorum: 6100, failoverEnd: 7000,
  newMaster: 'redis-1:7001', failovers: 1, tilt: 0, aborts: 0,
};

describe('failover-timing', () => {
  it('measures every phase of a clean failover', () => {
    const r = failoverTiming.check(history({ events: failoverEvents(), ops: outageOps() }), OPTS);
    expect(r.figures).to.deep.equal({
      ...FULL_PHASES,
      unavailableMs: 6500, unavailableFrom: 0, unavailableTo: 6500, clientRecovery: 6500, unavailableOpen: false,
      budgetMs: 10_000,
    });
    expect(r.valid).to.equal(true);
    expect(r.notes).to.deep.equal([]);
    expect(r.details).to.deep.equal({
      sdownBySentinel: { 'sentinel-0': 5000, 'sentinel-1': 5010, 'sentinel-2': 5020 },
      switchBySentinel: { 'sentinel-0': 6000, 'sentinel-1': 6100, 'sentinel-2': 6200 },
    });
  });

  it('uses history.masterName unless opts.masterName is given', () => {
    const h = history({ events: failoverEvents(), masterName: 'other' });
    expect(failoverTiming.check(h, OPTS).figures['sdownFirst']).to.equal(7001);
    expect(failoverTiming.check(h, { ...OPTS, masterName: 'mymaster' }).figures['sdownFirst']).to.equal(5000);
  });

  it('fails when the outage exceeds the budget', () => {
    const r = failoverTiming.check(history({ events: failoverEvents(), ops: outageOps() }), { ...OPTS, budgetMs: 6499.9 });
    expect(r.valid).to.equal(false);
    expect(r.notes).to.deep.equal(['writes unavailable for 6500ms > budget 6499.9ms']);
  });

  it('counts the same event from 3 sentinels once per sentinel for the quorum', () => {
    const events = [
      ev('sentinel-0', 100, '+sdown', M),
      ev('sentinel-0', 105, '+sdown', M), // repeat from the same sentinel: not a second vote
      ev('sentinel-1', 110, '+sdown', M),
      ev('sentinel-2', 120, '+sdown', M),
      ev('sentinel-2', 300, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
      ev('sentinel-1', 200, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
      ev('sentinel-0', 400, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
    ];
    const cases: { quorum: number; sdownQuorum: number | null; switchQuorum: number | null }[] = [
      { quorum: 1, sdownQuorum: 100, switchQuorum: 200 },
      { quorum: 2, sdownQuorum: 110, switchQuorum: 300 },
      { quorum: 3, sdownQuorum: 120, switchQuorum: 400 },
      { quorum: 4, sdownQuorum: null, switchQuorum: null },
    ];
    for (const c of cases) {
      const p = sentinelPhases(events, F, 'mymaster', c.quorum);
      expect([p.sdownQuorum, p.switchQuorum], `quorum ${c.quorum}`).to.deep.equal([c.sdownQuorum, c.switchQuorum]);
      expect([p.sdownFirst, p.switchFirst, p.failovers]).to.deep.equal([100, 200, 1]);
    }
  });

  it('reports unordered phases as invalid, naming them', () => {
    const events = [
      ev('sentinel-0', 500, '+sdown', M),
      ev('sentinel-0', 400, '+odown', M), // before sdown
      ev('sentinel-0', 600, '+elected-leader', M),
      ev('sentinel-0', 700, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
      ev('sentinel-0', 650, '+promoted-slave', R1), // in order: only odown/sdown are swapped
    ];
    const r = failoverTiming.check(history({ events }), OPTS);
    expect(r.valid).to.equal(false);
    expect(r.notes).to.include('phases out of order: odown (+400ms) before sdownFirst (+500ms)');
    expect(r.notes?.filter((n) => n.startsWith('phases out of order'))).to.have.length(1);
  });

  describe('orderViolations', () => {
    const none: SentinelPhases = { ...FULL_PHASES };
    const cases: { name: string; p: Partial<SentinelPhases>; want: string[] }[] = [
      { name: 'ordered', p: {}, want: [] },
      { name: 'equal times are ordered', p: { odown: 5000, elected: 5000 }, want: [] },
      { name: 'promoted after switch', p: { promoted: 6001 }, want: ['switchFirst (+6000ms) before promoted (+6001ms)'] },
      {
        name: 'missing phases are skipped, the next observed one is compared',
        p: { odown: null, elected: null, promoted: 4000 },
        want: ['promoted (+4000ms) before sdownFirst (+5000ms)'],
      },
      { name: 'only one phase observed', p: { sdownFirst: null, odown: null, elected: null, promoted: null }, want: [] },
    ];
    for (const c of cases) it(c.name, () => expect(orderViolations({ ...none, ...c.p })).to.deep.equal(c.want));
  });

  it('reports TILT, which explains a failover that did not happen', () => {
    const events = [
      ev('sentinel-0', 100, '+tilt', '#tilt mode entered'),
      ev('sentinel-1', 120, '+tilt', '#tilt mode entered'),
      ev('sentinel-1', 30_120, '-tilt', '#tilt mode exited'),
      ev('sentinel-2', -5, '+tilt', '#tilt mode entered'), // before the fault: not counted
      ev('sentinel-2', 5000, '+sdown', M),
    ];
    const r = failoverTiming.check(history({ events }), OPTS);
    expect(r.valid).to.equal(false);
    expect(r.figures['tilt']).to.equal(2);
    expect(r.figures['switchFirst']).to.equal(null);
    expect(r.notes).to.deep.equal([
      'expected a failover, but no +switch-master for mymaster after the fault',
      'no writes through Sentinel after the fault: client unavailability not measured',
      'TILT mode entered 2x (sentinel-0, sentinel-1): sentinels in TILT do not act on failures',
    ]);
  });

  it('counts and explains failover aborts', () => {
    const events = [
      ev('sentinel-0', 100, '-failover-abort-not-elected', M),
      ev('sentinel-1', 100, '-failover-abort-not-elected', M),
      ev('sentinel-1', 200, '-failover-abort-no-good-slave', M),
    ];
    const r = failoverTiming.check(history({ events }), { ...OPTS, budgetMs: undefined });
    expect(r.figures['aborts']).to.equal(3);
    expect(r.figures['budgetMs']).to.equal(null);
    expect(r.notes).to.deep.equal([
      'expected a failover, but no +switch-master for mymaster after the fault',
      'failover aborted: -failover-abort-not-elected, -failover-abort-no-good-slave',
    ]);
  });

  describe('when no failover is expected', () => {
    const cases: { name: string; events: SentinelEvent[]; valid: boolean; notes: string[] }[] = [
      { name: 'empty history', events: [], valid: true, notes: [] },
      {
        name: 'sdown without failover',
        events: [ev('sentinel-0', 10, '+sdown', M), ev('sentinel-0', 20, '-sdown', M)],
        valid: true,
        notes: [],
      },
      {
        name: 'a switch before the fault does not count',
        events: [ev('sentinel-0', -1, '+switch-master', 'mymaster redis-0 7000 redis-1 7001')],
        valid: true,
        notes: [],
      },
      {
        name: 'a switch of another master does not count',
        events: [ev('sentinel-0', 1, '+switch-master', 'other redis-0 7000 redis-1 7001')],
        valid: true,
        notes: [],
      },
      {
        name: 'a switch at exactly the fault start counts',
        events: [ev('sentinel-0', 0, '+switch-master', 'mymaster redis-0 7000 redis-1 7001')],
        valid: false,
        notes: ['unexpected failover of mymaster to redis-1:7001 at +0ms'],
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const r = failoverTiming.check(history({ events: c.events }), { ...OPTS, expectFailover: false });
        expect([r.valid, r.notes]).to.deep.equal([c.valid, c.notes]);
      });
    }
  });

  it('empty history with a failover expected: invalid, every figure null', () => {
    const r = failoverTiming.check(history(), OPTS);
    expect(r.valid).to.equal(false);
    expect(r.figures).to.deep.equal({
      sdownFirst: null, sdownQuorum: null, sdownOther: 0, odown: null, tryFailover: null, elected: null,
      selectedReplica: null, promoted: null, switchFirst: null, switchQuorum: null, failoverEnd: null,
      newMaster: null, failovers: 0, tilt: 0, aborts: 0,
      unavailableMs: null, unavailableFrom: null, unavailableTo: null, clientRecovery: null, unavailableOpen: false,
      budgetMs: 10_000,
    });
  });

  it('counts distinct failovers when the master switches twice', () => {
    const events = [
      ev('sentinel-0', 100, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
      ev('sentinel-1', 110, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
      ev('sentinel-0', 900, '+switch-master', 'mymaster redis-1 7001 redis-2 7002'),
    ];
    const p = sentinelPhases(events, F, 'mymaster', 2);
    expect([p.failovers, p.newMaster, p.switchQuorum]).to.deep.equal([2, 'redis-1:7001', 110]);
  });

  it('a sentinel that missed the first switch of a cascade does not add a failover', () => {
    const events = [
      ev('sentinel-0', 100, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
      ev('sentinel-0', 900, '+switch-master', 'mymaster redis-1 7001 redis-2 7002'),
      ev('sentinel-2', 950, '+switch-master', 'mymaster redis-0 7000 redis-2 7002'),
    ];
    expect(sentinelPhases(events, F, 'mymaster', 2).failovers).to.equal(2);
  });

  it('rounds relative figures to 0.1 ms', () => {
    const p = sentinelPhases([parseSentinelEvent('s', '+sdown', M, F + 12.345678)], F, 'mymaster');
    expect(p.sdownFirst).to.equal(12.3);
    expect(p.sdownQuorum).to.equal(null); // no quorum given
  });

  it('rejects a bad quorum (runChecks turns it into unknown)', () => {
    expect(() => failoverTiming.check(history(), { ...OPTS, quorum: 0 })).to.throw(/quorum must be a positive integer/);
    const r = runChecks([withOpts(failoverTiming, { ...OPTS, quorum: 0 })], history());
    expect(r['failover-timing']?.valid).to.equal('unknown');
  });
});

describe('clientUnavailability', () => {
  interface Case {
    name: string;
    ops: Op[];
    want: ReturnType<typeof clientUnavailability>;
  }
  const nothing = { unavailableMs: null, unavailableFrom: null, unavailableTo: null, clientRecovery: null, unavailableOpen: false };
  const cases: Case[] = [
    { name: 'no ops', ops: [], want: nothing },
    { name: 'only pre-fault writes', ops: writes(-100, -10, 10), want: nothing },
    {
      name: 'only direct writes and reads',
      ops: [write(10, 'ok', { via: 'direct:redis-0' }), write(20, 'ok', { f: 'read' })],
      want: nothing,
    },
    {
      name: 'the gap that starts at the fault counts',
      ops: [...writes(-100, -10, 10), write(800), write(810), write(900)],
      want: { unavailableMs: 800, unavailableFrom: 0, unavailableTo: 800, clientRecovery: 800, unavailableOpen: false },
    },
    {
      name: 'a short hiccup at the fault is not the outage: recovery needs a gap at least half the largest',
      ops: [...writes(-100, -10, 10), write(5), write(300), write(310), write(2000), write(2010)],
      want: { unavailableMs: 1690, unavailableFrom: 310, unavailableTo: 2000, clientRecovery: 2000, unavailableOpen: false },
    },
    {
      name: 'of two comparable outages (a cascade), recovery is from the first',
      ops: [...writes(-100, -10, 10), write(5), write(1000), write(1010), write(2500), write(2510)],
      want: { unavailableMs: 1490, unavailableFrom: 1010, unavailableTo: 2500, clientRecovery: 1000, unavailableOpen: false },
    },
    {
      name: 'without pre-fault writes recovery falls back to the largest gap',
      ops: [write(5), write(300), write(310), write(2000)],
      want: { unavailableMs: 1690, unavailableFrom: 310, unavailableTo: 2000, clientRecovery: 2000, unavailableOpen: false },
    },
    {
      name: 'no gap over the threshold falls back to the largest gap',
      ops: [...writes(-1000, -100, 100), write(50), write(150), write(170)],
      want: { unavailableMs: 100, unavailableFrom: 50, unavailableTo: 150, clientRecovery: 150, unavailableOpen: false },
    },
    {
      name: 'writes never recovered: open gap to the last attempt, no recovery',
      ops: [...writes(-100, -10, 10), ...writes(10, 100, 10), ...writes(200, 5000, 200, 'unknown'), write(5100, 'failed')],
      want: { unavailableMs: 5000, unavailableFrom: 100, unavailableTo: 5100, clientRecovery: null, unavailableOpen: true },
    },
    {
      name: 'nothing ok after the fault at all',
      ops: [...writes(-100, -10, 10), write(3000, 'unknown')],
      want: { unavailableMs: 3000, unavailableFrom: 0, unavailableTo: 3000, clientRecovery: null, unavailableOpen: true },
    },
    {
      name: 'a short failing tail after recovery does not matter',
      ops: [...writes(-100, -10, 10), write(1000), write(1010), write(1020, 'unknown')],
      want: { unavailableMs: 1000, unavailableFrom: 0, unavailableTo: 1000, clientRecovery: 1000, unavailableOpen: false },
    },
    {
      name: 'a write invoked before the fault and acked after it is a boundary',
      ops: [...writes(-100, -10, 10), write(40, 'ok', { invoke: F - 500 }), write(1040)],
      want: { unavailableMs: 1000, unavailableFrom: 40, unavailableTo: 1040, clientRecovery: 1040, unavailableOpen: false },
    },
    {
      name: 'a write completing exactly at the fault is not after it',
      ops: [write(0), write(700)],
      want: { unavailableMs: 700, unavailableFrom: 0, unavailableTo: 700, clientRecovery: 700, unavailableOpen: false },
    },
    {
      name: 'incr writes count like adds, order of ops does not matter',
      ops: [write(900, 'ok', { f: 'incr', value: 7 }), write(-20), write(-10), write(450, 'ok', { f: 'incr', value: 6 })],
      want: { unavailableMs: 450, unavailableFrom: 0, unavailableTo: 450, clientRecovery: 450, unavailableOpen: false },
    },
  ];
  for (const c of cases) it(c.name, () => expect(clientUnavailability(c.ops, F)).to.deep.equal(c.want));

  it('honours a custom recovery factor', () => {
    const ops = [...writes(-100, -10, 10), write(5), write(300), write(310), write(2000)];
    expect(clientUnavailability(ops, F, 100).clientRecovery).to.equal(2000);
  });

  it('an open gap within budget is unknown, not a pass', () => {
    const r = failoverTiming.check(history({ events: failoverEvents(), ops: [write(10), write(600, 'unknown')] }), OPTS);
    expect(r.valid).to.equal('unknown');
    expect(r.notes).to.deep.equal(['writes had not recovered by the end of the history (590ms so far, budget 10000ms)']);
  });
});

describe('phasesFromLogs', () => {
  /** The sentinels' own log lines for the same failover, with server clocks 3 ms ahead. */
  function logsOf(events: readonly SentinelEvent[]): LogLine[] {
    return [
      ...events.map((e) => ({ node: e.sentinel, time: e.time + 3, text: `${e.type} ${e.payload}`.trim() })),
      { node: 'sentinel-0', time: F + 1, text: 'Sentinel new configuration saved on disk' },
      { node: 'redis-1', time: F + 5150, text: 'MASTER MODE enabled (user request from \'id=7\')' },
    ];
  }

  it('cross-checks the event-stream timings against the server log timestamps', () => {
    const fromEvents = sentinelPhases(failoverEvents(), F, 'mymaster', 2);
    const fromLogs = phasesFromLogs(logsOf(failoverEvents()), F, 'mymaster', 2);
    for (const k of ['sdownFirst', 'sdownQuorum', 'odown', 'tryFailover', 'elected', 'selectedReplica', 'promoted', 'switchFirst', 'switchQuorum', 'failoverEnd'] as const) {
      expect((fromLogs[k] as number) - (fromEvents[k] as number), k).to.be.closeTo(3, 1e-9);
    }
    expect([fromLogs.newMaster, fromLogs.failovers, fromLogs.sdownOther]).to.deep.equal(['redis-1:7001', 1, 1]);
  });

  it('reads raw server lines too', () => {
    const t = new Date(F + 4321).toISOString(); // e.g. 2023-11-14T22:13:24.321Z
    const [, y, mo, d, hms] = /^(\d{4})-(\d\d)-(\d\d)T([\d:.]+)Z$/.exec(t)!;
    const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(mo) - 1];
    const raw = `1:X ${Number(d)} ${mon} ${y} ${hms} # +sdown master mymaster redis-0 7000`;
    const p = phasesFromLogs([{ node: 'sentinel-0', time: 0, text: raw }], F, 'mymaster');
    expect(p.sdownFirst).to.equal(4321);
  });

  it('returns null phases for no lines', () => {
    expect(phasesFromLogs([], F, 'mymaster', 2).sdownFirst).to.equal(null);
  });
});
