import { expect } from 'chai';
import {
  clientUnavailability,
  durableUnavailability,
  failoverAttempts,
  failoverTiming,
  orderViolations,
  phasesFromLogs,
  sentinelPhases,
} from '../../lib/checks/failover-timing.ts';
import type { FailoverAttempt, FailoverTimingOpts, SentinelPhases } from '../../lib/checks/failover-timing.ts';
import { runChecks, withOpts } from '../../lib/checks/checker.ts';
import { parseSentinelEvent } from '../../lib/observe/parse-event.ts';
import type { History, LogLine, Op, SentinelEvent } from '../../lib/model.ts';

/** Fault start (epoch ms). */
const F = 1_700_000_000_000;
const M = 'master mymaster redis-0 7000';
const R1 = 'slave redis-1:7001 redis-1 7001 @ mymaster redis-0 7000';
const R2 = 'slave redis-2:7002 redis-2 7002 @ mymaster redis-0 7000';

/** A final read that kept every acknowledged add of `ops` (no loss). */
function keptAll(ops: readonly Op[]): History['final'] {
  const sets: Record<string, string[]> = {};
  for (const o of ops) if (o.f === 'add' && o.outcome === 'ok') (sets[o.key] ??= []).push(String(o.value));
  return { time: F + 60_000, sets, counters: {} };
}

/** A history; unless `final` is given, its final read kept every acknowledged add. */
function history(over: Partial<History> = {}): History {
  return {
    t0: F - 60_000, faults: [], events: [], polls: [], ops: [], logs: [], nodes: [], masterName: 'mymaster',
    final: keptAll(over.ops ?? []),
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
  newMaster: 'redis-1:7001', failovers: 1, attempts: 1, tilt: 0, aborts: 0,
};

describe('failover-timing', () => {
  it('measures every phase of a clean failover', () => {
    const r = failoverTiming.check(history({ events: failoverEvents(), ops: outageOps() }), OPTS);
    expect(r.figures).to.deep.equal({
      ...FULL_PHASES,
      unavailableMs: 6500, unavailableFrom: 0, unavailableTo: 6500, clientRecovery: 6500, unavailableOpen: false,
      durableUnavailableMs: 6500, durableUnavailableFrom: 0, durableUnavailableTo: 6500, durableClientRecovery: 6500,
      durableUnavailableOpen: false, durableAcks: 101, vanishedAcks: 0,
      budgetMs: 10_000,
    });
    expect(r.valid).to.equal(true);
    expect(r.notes).to.deep.equal([]);
    const switchBySentinel = { 'sentinel-0': 6000, 'sentinel-1': 6100, 'sentinel-2': 6200 };
    expect(r.details).to.deep.equal({
      sdownBySentinel: { 'sentinel-0': 5000, 'sentinel-1': 5010, 'sentinel-2': 5020 },
      switchBySentinel,
      attempts: [
        {
          sentinel: 'sentinel-0', epoch: 3, outcome: 'switched', tryFailover: 5031, elected: 5040, selectedReplica: 5100,
          promoted: 5200, failoverEnd: 7000, switchFirst: 6000, switchQuorum: 6100, abortedAt: null, abort: null,
          state: '+failover-state-send-slaveof-noone', target: 'redis-1:7001', votes: 1, switchBySentinel,
        },
      ],
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
    expect(r.notes).to.deep.equal(['writes durably unavailable for 6500ms > budget 6499.9ms']);
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
    expect(r.figures['attempts']).to.equal(3);
    expect(r.notes).to.deep.equal([
      'expected a failover, but no +switch-master for mymaster after the fault',
      'failover aborted: -failover-abort-not-elected, -failover-abort-no-good-slave',
      '3 failover attempts: sentinel-0 aborted (-failover-abort-not-elected at +100ms); ' +
        'sentinel-1 aborted (-failover-abort-not-elected at +100ms); sentinel-1 aborted (-failover-abort-no-good-slave at +200ms)',
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
      newMaster: null, failovers: 0, attempts: 0, tilt: 0, aborts: 0,
      unavailableMs: null, unavailableFrom: null, unavailableTo: null, clientRecovery: null, unavailableOpen: false,
      durableUnavailableMs: null, durableUnavailableFrom: null, durableUnavailableTo: null, durableClientRecovery: null,
      durableUnavailableOpen: false, durableAcks: 0, vanishedAcks: 0,
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

describe('failover attempts', () => {
  /** One sentinel's complete failover of `from` to the replica `slave` (payload), as src/sentinel.c orders it. */
  function leaderRun(s: string, at: number, epoch: number, from: string, slave: string, to: string): SentinelEvent[] {
    return [
      ev(s, at, '+new-epoch', String(epoch)),
      ev(s, at, '+try-failover', from),
      ev(s, at + 5, '+vote-for-leader', `runid-${s} ${epoch}`),
      ev(s, at + 100, '+elected-leader', from),
      ev(s, at + 100, '+failover-state-select-slave', from),
      ev(s, at + 200, '+selected-slave', slave),
      ev(s, at + 200, '+failover-state-send-slaveof-noone', slave),
      ev(s, at + 1000, '+promoted-slave', slave),
      ev(s, at + 1000, '+failover-state-reconf-slaves', from),
      ev(s, at + 1400, '+failover-end', from),
      ev(s, at + 1500, '+switch-master', `mymaster ${from.split(' ').slice(2).join(' ')} ${to}`),
    ];
  }

  it('an aborted attempt is never paired with the later attempt that switched', () => {
    const events = [
      ev('sentinel-0', 500, '+sdown', M),
      ev('sentinel-0', 600, '+odown', `${M} #quorum 2/2`),
      // sentinel-0 (epoch 3) selects redis-1, which never answers: aborted after the failover timeout.
      ev('sentinel-0', 1000, '+new-epoch', '3'),
      ev('sentinel-0', 1000, '+try-failover', M),
      ev('sentinel-0', 1100, '+elected-leader', M),
      ev('sentinel-0', 1200, '+selected-slave', R1),
      ev('sentinel-0', 1200, '+failover-state-send-slaveof-noone', R1),
      ev('sentinel-0', 4200, '-failover-abort-slave-timeout', M),
      // sentinel-1 (epoch 4) then promotes redis-2; the others follow its hellos.
      ...leaderRun('sentinel-1', 7000, 4, M, R2, 'redis-2 7002'),
      ev('sentinel-0', 8400, '+switch-master', 'mymaster redis-0 7000 redis-2 7002'),
      ev('sentinel-2', 8450, '+switch-master', 'mymaster redis-0 7000 redis-2 7002'),
    ];
    const r = failoverTiming.check(history({ events }), { ...OPTS, budgetMs: undefined });
    const f = r.figures;
    expect([f['tryFailover'], f['elected'], f['selectedReplica'], f['promoted'], f['switchFirst'], f['failoverEnd']]).to.deep.equal([
      7000, 7100, 7200, 8000, 8400, 8400,
    ]);
    expect([f['newMaster'], f['switchQuorum'], f['odown'], f['attempts'], f['aborts'], f['failovers']]).to.deep.equal([
      'redis-2:7002', 8450, 600, 2, 1, 1,
    ]);
    expect(r.valid).to.equal(true);
    const attempts = r.details?.['attempts'] as FailoverAttempt[];
    expect(attempts.map((a) => [a.sentinel, a.epoch, a.outcome, a.target, a.switchFirst, a.abortedAt, a.abort])).to.deep.equal([
      ['sentinel-0', 3, 'aborted', 'redis-1:7001', null, 4200, '-failover-abort-slave-timeout'],
      ['sentinel-1', 4, 'switched', 'redis-2:7002', 8400, null, null],
    ]);
    expect(r.notes).to.include(
      '2 failover attempts: sentinel-0 epoch 3 aborted (-failover-abort-slave-timeout at +4200ms); sentinel-1 epoch 4 switched to redis-2:7002 at +8400ms',
    );
  });

  it('a switch to the replica an aborted attempt had selected goes to the attempt that switched', () => {
    const events = [
      ev('sentinel-0', 1000, '+try-failover', M),
      ev('sentinel-0', 1100, '+elected-leader', M),
      ev('sentinel-0', 1200, '+selected-slave', R1),
      ev('sentinel-0', 4200, '-failover-abort-slave-timeout', M),
      ...leaderRun('sentinel-1', 7000, 4, M, R1, 'redis-1 7001'),
      ev('sentinel-2', 7600, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'), // before the leader's own
    ];
    const a = failoverAttempts(events, F, 'mymaster', 2);
    expect(a.map((x) => [x.outcome, x.switchFirst, x.switchQuorum])).to.deep.equal([
      ['aborted', null, null],
      ['switched', 7600, 8500],
    ]);
  });

  it('times every completed failover of a cascade', () => {
    const R2of1 = 'slave redis-2:7002 redis-2 7002 @ mymaster redis-1 7001';
    const M1 = 'master mymaster redis-1 7001';
    const events = [
      ...leaderRun('sentinel-0', 1000, 3, M, R1, 'redis-1 7001'),
      ev('sentinel-1', 2100, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
      ...leaderRun('sentinel-2', 10_000, 4, M1, R2of1, 'redis-2 7002'),
      ev('sentinel-1', 11_550, '+switch-master', 'mymaster redis-1 7001 redis-2 7002'),
      ev('sentinel-0', 11_600, '+switch-master', 'mymaster redis-1 7001 redis-2 7002'),
    ];
    const r = failoverTiming.check(history({ events }), { ...OPTS, budgetMs: undefined });
    const f = r.figures;
    expect([f['tryFailover'], f['promoted'], f['switchFirst'], f['switchQuorum'], f['newMaster'], f['failovers']]).to.deep.equal([
      1000, 2000, 2100, 2500, 'redis-1:7001', 2,
    ]);
    expect(Object.fromEntries(Object.entries(f).filter(([k]) => k.startsWith('failover2.')))).to.deep.equal({
      'failover2.tryFailover': 10_000,
      'failover2.elected': 10_100,
      'failover2.promoted': 11_000,
      'failover2.switchFirst': 11_500,
      'failover2.newMaster': 'redis-2:7002',
    });
    const second = (r.details?.['attempts'] as FailoverAttempt[])[1];
    expect([second?.epoch, second?.switchQuorum, second?.switchBySentinel]).to.deep.equal([
      4, 11_550, { 'sentinel-2': 11_500, 'sentinel-1': 11_550, 'sentinel-0': 11_600 },
    ]);
  });

  it('a switch whose leader was not seen is still a failover of its own', () => {
    const events = [
      ev('sentinel-1', 100, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
      ev('sentinel-2', 150, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
    ];
    const a = failoverAttempts(events, F, 'mymaster', 2);
    expect(a.map((x) => [x.sentinel, x.outcome, x.target, x.switchFirst, x.switchQuorum])).to.deep.equal([
      [null, 'switched', 'redis-1:7001', 100, 150],
    ]);
  });

  describe('any sign of a promotion is a failover when none is expected', () => {
    const start = [ev('sentinel-0', 1000, '+new-epoch', '3'), ev('sentinel-0', 1000, '+try-failover', M), ev('sentinel-0', 1100, '+elected-leader', M)];
    const cases: { name: string; events: SentinelEvent[]; valid: boolean; notes: string[] }[] = [
      {
        name: '+promoted-slave without +switch-master',
        events: [...start, ev('sentinel-0', 1200, '+selected-slave', R1), ev('sentinel-0', 2000, '+promoted-slave', R1)],
        valid: false,
        notes: ['unexpected failover of mymaster: +promoted-slave redis-1:7001 at +2000ms (no +switch-master seen)'],
      },
      {
        name: 'SLAVEOF NO ONE sent (wait-promotion reached), then aborted',
        events: [
          ...start,
          ev('sentinel-0', 1200, '+selected-slave', R1),
          ev('sentinel-0', 1200, '+failover-state-send-slaveof-noone', R1),
          ev('sentinel-0', 1210, '+failover-state-wait-promotion', R1),
          ev('sentinel-0', 4210, '-failover-abort-slave-timeout', M),
        ],
        valid: false,
        notes: [
          'unexpected failover of mymaster: +failover-state-wait-promotion redis-1:7001 reached (SLAVEOF NO ONE may have been sent)',
          'failover aborted: -failover-abort-slave-timeout',
        ],
      },
      {
        name: 'elected, but no replica to promote: no failover',
        events: [...start, ev('sentinel-0', 1100, '+failover-state-select-slave', M), ev('sentinel-0', 1100, '-failover-abort-no-good-slave', M)],
        valid: true,
        notes: ['failover aborted: -failover-abort-no-good-slave'],
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const r = failoverTiming.check(history({ events: c.events }), { ...OPTS, expectFailover: false });
        expect([r.valid, r.notes]).to.deep.equal([c.valid, c.notes]);
      });
    }
  });
});

describe('durable unavailability', () => {
  /**
   * SENTINEL FAILOVER at +0: the replica is promoted at +500 but the old master keeps acknowledging
   * (every 10 ms) until it is demoted at +3000; everything it acked from +500 on is gone from the
   * final read. Clients then reach the new master from +3010.4.
   */
  function manualFailover(): { ops: Op[]; final: History['final']; events: SentinelEvent[] } {
    const before = writes(-1000, -10, 10);
    const keptOnOld = writes(0, 490, 10);
    const thrownAway = writes(500, 3000, 10);
    const refused = [write(3005, 'failed')];
    const onNew = writes(3010.4, 4000, 10);
    const ops = [...before, ...keptOnOld, ...thrownAway, ...refused, ...onNew];
    const final = keptAll([...before, ...keptOnOld, ...onNew]);
    const events = [
      ev('sentinel-0', 1, '+new-epoch', '3'),
      ev('sentinel-0', 1, '+try-failover', M),
      ev('sentinel-0', 2, '+elected-leader', M),
      ev('sentinel-0', 100, '+selected-slave', R1),
      ev('sentinel-0', 500, '+promoted-slave', R1),
      ev('sentinel-1', 600, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
      ev('sentinel-0', 1500, '+failover-end', M),
      ev('sentinel-0', 1501, '+switch-master', 'mymaster redis-0 7000 redis-1 7001'),
    ];
    return { ops, final, events };
  }

  it('acks the old master gave before its demotion are not availability; the budget is judged on the durable figure', () => {
    const { ops, final, events } = manualFailover();
    const r = failoverTiming.check(history({ ops, final, events }), { ...OPTS, budgetMs: 1000 });
    const f = r.figures;
    // Raw: the old master never stopped acknowledging, one 10.4 ms blip at the demotion.
    expect([f['unavailableMs'], f['unavailableFrom'], f['clientRecovery'], f['unavailableOpen']]).to.deep.equal([10.4, 3000, 3010.4, false]);
    // Durable: from the last kept ack before the promotion to the first ack on the new master.
    expect([f['durableUnavailableFrom'], f['durableUnavailableTo'], f['durableUnavailableMs']]).to.deep.equal([490, 3010.4, 2520.4]);
    expect(f['durableUnavailableFrom'] as number).to.be.at.most(f['promoted'] as number);
    expect([f['durableClientRecovery'], f['durableUnavailableOpen'], f['vanishedAcks'], f['durableAcks']]).to.deep.equal([
      3010.4, false, 251, 49 + 99, // the ack at exactly +0 is not after the fault
    ]);
    expect(r.valid).to.equal(false);
    expect(r.notes).to.deep.equal([
      'writes durably unavailable for 2520.4ms > budget 1000ms',
      '251 of 399 writes acknowledged through Sentinel after the fault are missing from the final read: ' +
        'durable unavailability 2520.4ms (10.4ms counting every ack)',
    ]);
  });

  it('writes still going to the old master at the end: the durable gap is open', () => {
    const { ops, final, events } = manualFailover();
    const untilDemotion = ops.filter((o) => o.complete <= F + 3000);
    const r = failoverTiming.check(history({ ops: untilDemotion, final, events }), { ...OPTS, budgetMs: 10_000 });
    expect([r.figures['unavailableOpen'], r.figures['durableUnavailableOpen'], r.figures['durableClientRecovery']]).to.deep.equal([false, true, null]);
    expect([r.figures['durableUnavailableFrom'], r.figures['durableUnavailableTo']]).to.deep.equal([490, 3000]);
    expect(r.valid).to.equal('unknown');
  });

  it('a failed final read makes every durable figure null and the budget unknown; raw figures stay', () => {
    const { ops, events } = manualFailover();
    const final = { time: F + 60_000, sets: {}, counters: {}, error: 'connection refused' };
    const r = failoverTiming.check(history({ ops, final, events }), { ...OPTS, budgetMs: 1000 });
    for (const k of ['durableUnavailableMs', 'durableUnavailableFrom', 'durableUnavailableTo', 'durableClientRecovery', 'durableUnavailableOpen', 'durableAcks', 'vanishedAcks']) {
      expect(r.figures[k], k).to.equal(null);
    }
    expect(r.figures['unavailableMs']).to.equal(10.4);
    expect(r.valid).to.equal('unknown');
    expect(r.notes).to.deep.equal(['final read failed (connection refused): durable unavailability not measured, budget 1000ms not judged']);
  });

  it('keeps the "first unusual gap" rule for recovery', () => {
    const ops = [...writes(-100, -10, 10), write(5), write(300), write(310), write(2000), write(2010)];
    const d = durableUnavailability(ops, keptAll(ops), F);
    expect([d.durableUnavailableMs, d.durableUnavailableFrom, d.durableClientRecovery]).to.deep.equal([1690, 310, 2000]);
    // The same ops with the 2000 ms ack thrown away: recovery moves to the next kept ack.
    const lost = ops.find((o) => o.complete === F + 2000)!;
    const d2 = durableUnavailability(ops, keptAll(ops.filter((o) => o !== lost)), F);
    expect([d2.durableUnavailableMs, d2.durableClientRecovery, d2.vanishedAcks]).to.deep.equal([1700, 2010, 1]);
  });

  it('counters: an increment returning more than the final value was lost; others count as durable', () => {
    const incr = (at: number, value: number): Op => write(at, 'ok', { f: 'incr', key: 'n', value });
    const ops = [incr(-20, 1), incr(-10, 2), incr(100, 3), incr(200, 4), incr(300, 5), incr(900, 4), incr(1000, 5)];
    const final = { time: F + 60_000, sets: {}, counters: { n: 5 } };
    const d = durableUnavailability(ops, final, F);
    // 3, 4, 5 at +100..+300 and the re-reached 4, 5 are all <= 5: undecidable, kept (a lower bound).
    expect([d.durableUnavailableMs, d.vanishedAcks]).to.deep.equal([600, 0]);
    const d2 = durableUnavailability(ops, { ...final, counters: { n: 3 } }, F);
    // With a final value of 3, the acks of 4 and 5 are provably gone.
    expect([d2.durableUnavailableMs, d2.durableUnavailableTo, d2.durableUnavailableOpen, d2.vanishedAcks]).to.deep.equal([900, 1000, true, 4]);
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
    expect(r.notes).to.deep.equal(['durable writes had not recovered by the end of the history (590ms so far, budget 10000ms)']);
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
