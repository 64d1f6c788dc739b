import { expect } from 'chai';
import type { CheckResult, History, Op, RolePoll, ScenarioResult, SentinelEvent } from '../../lib/model.ts';
import {
  bucketOps,
  chooseBucketMs,
  eventMarkers,
  formatFigure,
  lostWrites,
  MISSING,
  percentile,
  roleLanes,
  runView,
  scenarioView,
  summaryRow,
} from '../../lib/report/report-data.ts';
import { makeScenarioResult } from '../fixtures/make-result.ts';

const T0 = 1_700_000_000_000;

function history(parts: Partial<History> = {}): History {
  return {
    t0: T0,
    faults: [],
    events: [],
    polls: [],
    ops: [],
    logs: [],
    final: { time: T0, sets: {}, counters: {} },
    nodes: [],
    masterName: 'mymaster',
    ...parts,
  };
}

function op(invokeRel: number, completeRel: number, outcome: Op['outcome'] = 'ok', value = `v${invokeRel}`): Op {
  return { process: 0, client: 'c1', via: 'sentinel', f: 'add', key: 'k', value, invoke: T0 + invokeRel, complete: T0 + completeRel, outcome };
}

function scenario(parts: Partial<ScenarioResult> = {}): ScenarioResult {
  const base = makeScenarioResult();
  return { ...base, checks: {}, assertions: [], history: history(), ...parts };
}

describe('report data', () => {
  describe('time buckets', () => {
    it('uses 100 ms buckets for a 30 s scenario', () => {
      expect(chooseBucketMs(30_000)).to.equal(100);
    });

    for (const spanMs of [0, 1, 59_800, 59_900, 60_000, 90_000, 600_000, 3_600_000, 86_400_000, 7 * 86_400_000]) {
      it(`keeps a ${spanMs} ms span at <= 600 buckets of >= 100 ms`, () => {
        const step = chooseBucketMs(spanMs);
        expect(step).to.be.at.least(100);
        expect(Math.ceil(spanMs / step) + 1).to.be.at.most(600);
      });
    }

    it('never produces more than 600 buckets, whatever the history spans', () => {
      for (const endRel of [5, 999, 60_001, 123_457, 3_600_000]) {
        const t = bucketOps(history({ ops: [op(-37, -30), op(endRel - 3, endRel)] }));
        expect(t, `end ${endRel}`).to.not.equal(null);
        expect(t!.tMs.length, `end ${endRel}`).to.be.at.most(600);
        expect(t!.startMs).to.be.at.most(-37);
        expect(t!.endMs).to.be.at.least(endRel);
      }
    });

    it('computes ok throughput, failed / unknown counts and latency per bucket', () => {
      const ops = [
        ...Array.from({ length: 10 }, (_, i) => op(i * 5, i * 5 + 1 + i)), // latencies 1..10 ms, all in bucket 0
        op(300, 305, 'failed'),
        op(310, 312, 'failed'),
        op(320, 380, 'unknown'),
        op(900, 950),
      ];
      const t = bucketOps(history({ ops }))!;
      expect(t.bucketMs).to.equal(100);
      expect(t.startMs).to.equal(0);
      expect(t.tMs.slice(0, 2)).to.deep.equal([50, 150]);
      expect(t.okPerSec[0]).to.equal(100); // 10 ok ops in 100 ms
      expect(t.ok[0]).to.equal(10);
      expect(t.failed[3]).to.equal(2);
      expect(t.unknown[3]).to.equal(1);
      expect(t.okPerSec[3]).to.equal(0);
      expect(t.p50[0]).to.equal(5);
      expect(t.p99[0]).to.equal(10);
      expect(t.max[0]).to.equal(10);
      expect(t.p50[3], 'no ok op: no latency').to.equal(null);
      expect(t.max[9]).to.equal(50);
    });

    it('spans faults and polls too, so every chart shares one x range', () => {
      const t = bucketOps(
        history({
          ops: [op(0, 10)],
          faults: [{ name: 'kill', kind: 'kill', targets: [], start: T0 + 1000, end: T0 + 4000 }],
          polls: [{ time: T0 + 5000, node: 'redis-0', reachable: true, role: 'master' }],
        }),
      )!;
      expect(t.endMs).to.be.at.least(5000);
    });

    it('returns null when nothing is timed', () => {
      expect(bucketOps(history())).to.equal(null);
      expect(bucketOps({})).to.equal(null);
    });

    it('takes nearest-rank percentiles', () => {
      const xs = Array.from({ length: 100 }, (_, i) => i + 1);
      expect(percentile(xs, 50)).to.equal(50);
      expect(percentile(xs, 99)).to.equal(99);
      expect(percentile(xs, 100)).to.equal(100);
      expect(percentile([7], 99)).to.equal(7);
      expect(percentile([], 50)).to.equal(null);
    });
  });

  describe('sentinel event markers', () => {
    const master = { kind: 'master' as const, name: 'mymaster', host: '10.0.0.2', port: 6379 };
    const ev = (rel: number, sentinel: string, type: string, instance: SentinelEvent['instance'] = master): SentinelEvent => {
      const e: SentinelEvent = { time: T0 + rel, sentinel, type, payload: '' };
      if (instance) e.instance = instance;
      return e;
    };

    it('merges the same event from several sentinels within 50 ms, keeping a count', () => {
      const markers = eventMarkers(history({ events: [ev(930, 's0', '+sdown'), ev(945, 's1', '+sdown'), ev(975, 's2', '+sdown')] }));
      expect(markers).to.have.length(1);
      expect(markers[0]).to.include({ type: '+sdown', timeMs: 930, lastMs: 975, count: 3, label: '+sdown ×3' });
      expect(markers[0]!.sentinels).to.deep.equal(['s0', 's1', 's2']);
    });

    it('keeps events more than 50 ms after the first of a group apart', () => {
      const markers = eventMarkers(history({ events: [ev(1000, 's0', '+sdown'), ev(1040, 's1', '+sdown'), ev(1051, 's2', '+sdown')] }));
      expect(markers.map((m) => [m.timeMs, m.count])).to.deep.equal([
        [1000, 2],
        [1051, 1],
      ]);
    });

    it('does not merge different types or different instances', () => {
      const other = { kind: 'sentinel' as const, name: 's2', host: '10.0.0.9', port: 26379 };
      const markers = eventMarkers(
        history({ events: [ev(1000, 's0', '+sdown'), ev(1001, 's0', '+odown'), ev(1002, 's1', '+sdown', other)] }),
      );
      expect(markers.map((m) => `${m.type} ${m.instance}`)).to.deep.equal(['+sdown master mymaster', '+odown master mymaster', '+sdown sentinel s2']);
    });

    it('marks only the failover milestones, sorted by time', () => {
      const markers = eventMarkers(
        history({
          events: [
            ev(3900, 's1', '+switch-master', undefined),
            ev(100, 's1', '+sentinel'),
            ev(2000, 's1', '+new-epoch'),
            ev(50, 's0', '+tilt', undefined),
            ev(3000, 's1', '+elected-leader'),
          ],
        }),
      );
      expect(markers.map((m) => m.type)).to.deep.equal(['+tilt', '+elected-leader', '+switch-master']);
    });
  });

  describe('role lanes', () => {
    const poll = (rel: number, node: string, p: Partial<RolePoll>): RolePoll => ({ time: T0 + rel, node, reachable: true, ...p });

    it('turns polls into master / unreachable / replica segments', () => {
      const polls: RolePoll[] = [];
      for (let t = 0; t < 3000; t += 100) {
        if (t < 1000) polls.push(poll(t, 'redis-0', { role: 'master' }));
        else if (t < 2000) polls.push(poll(t, 'redis-0', { reachable: false, error: 'ECONNREFUSED' }));
        else polls.push(poll(t, 'redis-0', { role: 'slave', masterOf: 'redis-1', linkUp: t >= 2500 }));
      }
      const lanes = roleLanes(history({ polls }));
      expect(lanes).to.have.length(1);
      expect(lanes[0]!.segments).to.deep.equal([
        { role: 'master', startMs: 0, endMs: 1000 },
        { role: 'unreachable', error: 'ECONNREFUSED', startMs: 1000, endMs: 2000 },
        { role: 'replica', masterOf: 'redis-1', linkUp: false, startMs: 2000, endMs: 2500 },
        { role: 'replica', masterOf: 'redis-1', linkUp: true, startMs: 2500, endMs: 3000 }, // last poll + interval
      ]);
    });

    it('orders lanes as the topology lists nodes and keeps nodes with no polls', () => {
      const lanes = roleLanes(
        history({
          nodes: [
            { name: 'redis-0', kind: 'redis', image: 'i', announced: 'a:1' },
            { name: 'sentinel-0', kind: 'sentinel', image: 'i', announced: 'a:2' },
            { name: 'redis-1', kind: 'redis', image: 'i', announced: 'a:3' },
          ],
          polls: [poll(0, 'redis-1', { role: 'master' }), poll(0, 'redis-9', { role: 'slave' })],
        }),
      );
      expect(lanes.map((l) => [l.node, l.segments.length])).to.deep.equal([
        ['redis-0', 0],
        ['redis-1', 1],
        ['redis-9', 1],
      ]);
    });
  });

  describe('summary row: defensive about checks', () => {
    it('shows "—" with a note for every figure when there are no checks', () => {
      const r = summaryRow(scenario({ checks: {} }));
      const cells = [r.detection, r.election, r.promotion, r.clientRecovery, r.unavailable, r.durableClientRecovery, r.durableUnavailable];
      for (const cell of [...cells, r.acked, r.lost, r.recovered, r.reattached]) {
        expect(cell.text).to.equal(MISSING);
        expect(cell.value).to.equal(null);
        expect(cell.note).to.be.a('string');
      }
      expect(r.detection.note).to.contain('failover-timing');
    });

    it('shows "—" and the error when a checker threw', () => {
      const checks: Record<string, CheckResult> = {
        'failover-timing': { valid: 'unknown', figures: {}, error: 'no +switch-master seen' },
      };
      const r = summaryRow(scenario({ checks }));
      expect(r.detection).to.include({ text: MISSING, isError: true });
      expect(r.detection.note).to.contain('no +switch-master seen');
    });

    it('shows each column\'s one figure in ms; a figure the check lacks is "—" naming it, never another figure', () => {
      const checks: Record<string, CheckResult> = {
        'failover-timing': { valid: true, figures: { odown: 965.4, elected: 1010, promoted: 1890.4, switchFirst: 1901, clientRecovery: null, unavailableMs: 2235 } },
        'write-loss': { valid: false, figures: { acked: 4975, lost: 8, recovered: 2 } },
        reattach: { valid: true, figures: { reattached: 1, expected: 2, maxMs: 21500 } },
      };
      const r = summaryRow(scenario({ checks }));
      // No sdownQuorum: detection is not taken from odown (a later phase) but left missing.
      expect(r.detection.text).to.equal(MISSING);
      expect(r.detection.note).to.equal('failover-timing: no figure sdownQuorum');
      expect(r.election.text).to.equal('1010 ms');
      expect(r.promotion.text).to.equal('1890 ms');
      expect(r.clientRecovery.text).to.equal(MISSING);
      expect(r.clientRecovery.note).to.be.a('string');
      expect(r.unavailable.text).to.equal('2235 ms');
      expect([r.acked.text, r.lost.text, r.recovered.text]).to.deep.equal(['4975', '8', '2']);
      expect(r.reattached.text).to.equal('1/2');
      expect(r.reattachedWhen.text).to.equal('21500 ms');
    });

    it('shows the durable unavailability and recovery beside the raw ones', () => {
      const figures = { unavailableMs: 10.4, clientRecovery: 3010.4, durableUnavailableMs: 2520.4, durableClientRecovery: 3010.4 };
      const r = summaryRow(scenario({ checks: { 'failover-timing': { valid: false, figures } } }));
      expect([r.durableUnavailable.text, r.unavailable.text, r.durableClientRecovery.text, r.clientRecovery.text]).to.deep.equal([
        '2520 ms', '10.4 ms', '3010 ms', '3010 ms',
      ]);
    });

    it('never shows a raw figure as the durable one (results from before durable figures existed)', () => {
      const r = summaryRow(scenario({ checks: { 'failover-timing': { valid: true, figures: { unavailableMs: 10.4, clientRecovery: 30 } } } }));
      expect([r.durableUnavailable.text, r.durableClientRecovery.text]).to.deep.equal([MISSING, MISSING]);
      expect(r.durableUnavailable.note).to.contain('durableUnavailableMs');
    });

    it('formats the durable and cascade phase figures as ms', () => {
      expect(['durableClientRecovery', 'durableUnavailableFrom', 'failover2.switchFirst', 'failover12.promoted'].map((n) => formatFigure(n, 1234))).to.deep.equal([
        '1234 ms', '1234 ms', '1234 ms', '1234 ms',
      ]);
      expect(formatFigure('failover2.newMaster', 'redis-2:7002')).to.equal('redis-2:7002');
      expect(formatFigure('xfailover2.promoted', 1234)).to.equal('1234');
    });

    it("keeps figures of a check whose verdict is 'unknown', with a note", () => {
      const checks: Record<string, CheckResult> = { 'failover-timing': { valid: 'unknown', figures: { sdownQuorum: 900 } } };
      const r = summaryRow(scenario({ checks }));
      expect(r.detection.text).to.equal('900 ms');
      expect(r.detection.note).to.contain('unknown');
    });

    it('passes a string figure through', () => {
      const checks: Record<string, CheckResult> = { reattach: { valid: true, figures: { reattached: '2/2 (one late)' } } };
      expect(summaryRow(scenario({ checks })).reattached.text).to.equal('2/2 (one late)');
    });

    it('survives a result with no history, no checks, no topology (e.g. read from an old JSON)', () => {
      const broken = { ...scenario(), history: undefined, checks: undefined, topology: undefined, assertions: undefined } as unknown as ScenarioResult;
      const v = scenarioView(broken);
      expect(v.timeline).to.equal(null);
      expect(v.lanes).to.deep.equal([]);
      expect(v.warnings.join(' ')).to.contain('No history');
      expect(v.summary.serverVersion).to.equal(MISSING);
      expect(() => runView({ ...run(), scenarios: [broken] })).to.not.throw();
    });
  });

  describe('lost writes', () => {
    it('fills times from the acknowledged op and shows at most 50', () => {
      const ops = Array.from({ length: 120 }, (_, i) => op(i * 10, i * 10 + 2, 'ok', `e${i}`));
      const checks: Record<string, CheckResult> = {
        'write-loss': { valid: false, figures: { lost: 120 }, details: { lost: ops.map((o) => o.value) } },
      };
      const lost = lostWrites(scenario({ checks, history: history({ ops }) }));
      expect(lost.total).to.equal(120);
      expect(lost.shown).to.have.length(50);
      expect(lost.shown[3]).to.deep.include({ key: 'k', value: 'e3', invokeMs: 30, completeMs: 32, client: 'c1' });
    });

    it('is empty without details', () => {
      expect(lostWrites(scenario()).shown).to.deep.equal([]);
    });
  });

  describe('on the fixture', () => {
    it('finds the failover story', () => {
      const v = scenarioView(makeScenarioResult());
      expect(v.timeline!.tMs.length).to.be.within(250, 600);
      expect(v.events.find((e) => e.type === '+switch-master')?.count).to.equal(3);
      expect(v.events.find((e) => e.type === '+sdown')?.count).to.equal(3);
      expect(v.lanes.map((l) => l.node)).to.deep.equal(['redis-0', 'redis-1', 'redis-2']);
      expect(v.lanes[0]!.segments.map((s) => s.role)).to.deep.equal(['master', 'unreachable', 'master', 'replica', 'replica']);
      expect(v.faults[0]).to.include({ kind: 'kill', startMs: 2000, endMs: 12000 });
      expect(v.lost.total).to.be.greaterThan(0);
      expect(v.summary.reattached.text).to.equal('2/2');
    });
  });
});

function run() {
  return {
    schemaVersion: 1 as const,
    runId: 'r',
    startedAt: '2026-11-25T11:00:00.000Z',
    finishedAt: '2026-11-25T11:01:00.000Z',
    seed: 1,
    machine: { hostname: 'h', cpus: 2, memGiB: 24, node: 'v24', platform: 'linux x64' },
    config: {},
    scenarios: [],
  };
}
