/**
 * What faults and checkers say about themselves reaches the report: a fault's colour (Fault.colour →
 * FaultRecord.colour → the shaded window and legend chip) and a checker's key figures (Checker.keyFigures →
 * CheckResult.keyFigures → the key-figure cards and the summary columns).
 */
import { expect } from 'chai';
import { runChecks, withOpts, type Checker } from '../../lib/checks/checker.ts';
import { failoverTiming, reattach, replicaReads, splitBrain, writeLoss } from '../../lib/checks/index.ts';
import { CutLinks } from '../../lib/faults/cut-links.ts';
import type { Fault } from '../../lib/faults/fault.ts';
import { Isolate } from '../../lib/faults/isolate.ts';
import { Kill } from '../../lib/faults/kill.ts';
import type { ToxicSpec } from '../../lib/faults/links.ts';
import { ManualFailover } from '../../lib/faults/manual-failover.ts';
import { Partition } from '../../lib/faults/partition.ts';
import { Pause } from '../../lib/faults/pause.ts';
import { Shutdown } from '../../lib/faults/shutdown.ts';
import { StopSentinels } from '../../lib/faults/stop-sentinels.ts';
import { Toxic } from '../../lib/faults/toxic.ts';
import type { CheckResult, History, ScenarioResult } from '../../lib/model.ts';
import { renderHtml } from '../../lib/report/html.ts';
import { checkViews, faultWindows, NEUTRAL_FAULT_COLOUR, SUMMARY_FIGURES, summaryRow } from '../../lib/report/report-data.ts';
import type { RunReport } from '../../lib/report/run-report.ts';
import { makeScenarioResult } from '../fixtures/make-result.ts';

const TOXIC_TYPES: ToxicSpec['type'][] = ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data'];

/** One of every fault the harness has (constructing one touches no container). */
function everyFault(): Fault[] {
  return [
    new Kill('master'),
    new Shutdown('master'),
    new Pause('redis-1'),
    new Isolate('master'),
    new ManualFailover(),
    new Partition([['master', 'client:0'], ['redis-1', 'redis-2']]),
    new Partition([['master'], ['redis-1']], { mode: 'silent' }),
    new CutLinks([{ from: 'sentinel-0', to: 'redis-0' }]),
    StopSentinels.last(2),
    ...TOXIC_TYPES.map((type) => new Toxic({ name: type, type, stream: 'upstream', attributes: {} }, [{ from: 'redis-1', to: 'redis-0' }])),
  ];
}

const CHECKERS: Checker<never>[] = [failoverTiming, reattach, writeLoss, splitBrain, replicaReads] as Checker<never>[];

function run(scenarios: ScenarioResult[]): RunReport {
  return {
    schemaVersion: 1,
    runId: 'metadata-test',
    startedAt: '2026-11-25T11:45:00.000Z',
    finishedAt: '2026-11-25T11:46:00.000Z',
    seed: 1,
    machine: { hostname: 'h', cpus: 2, memGiB: 4, node: 'v24', platform: 'linux x64' },
    config: {},
    scenarios,
  };
}

describe('fault colours', () => {
  it('every fault carries a "#rrggbb" colour: one per kind, and no two kinds share one', () => {
    const byKind = new Map<string, Set<string>>();
    for (const f of everyFault()) {
      expect(f.colour, f.name).to.match(/^#[0-9a-f]{6}$/);
      byKind.set(f.kind, (byKind.get(f.kind) ?? new Set()).add(f.colour));
    }
    for (const [kind, colours] of byKind) expect([...colours], kind).to.have.length(1);
    const colours = [...byKind.values()].map((c) => [...c][0]);
    expect(new Set(colours).size, 'distinct colours for distinct kinds').to.equal(byKind.size);
    // The kinds the old report table missed are all covered now.
    expect([...byKind.keys()]).to.include.members(['shutdown', 'isolate', 'manual-failover', 'sentinels-down', 'timeout', 'reset_peer', 'slicer']);
  });

  it('a fault window takes the colour its record carries; old or malformed records get the neutral colour', () => {
    const h: Partial<History> = {
      t0: 0,
      faults: [
        { name: 'kill -9 redis-0', kind: 'kill', colour: new Kill().colour, targets: ['redis-0'], start: 1000, end: 2000 },
        { name: 'old record', kind: 'kill', targets: [], start: 3000 },
        { name: 'bad colour', kind: 'pause', colour: 'red"><script>', targets: [], start: 4000 },
      ],
    };
    expect(faultWindows(h).map((w) => w.color)).to.deep.equal(['#d62728', NEUTRAL_FAULT_COLOUR, NEUTRAL_FAULT_COLOUR]);
  });

  it('the page shades and labels the window in the recorded colour', () => {
    const s = makeScenarioResult();
    const colour = new Isolate('redis-0').colour;
    s.history.faults = s.history.faults.map((f) => ({ ...f, colour }));
    const html = renderHtml(run([s]));
    expect(html).to.contain(`<i style="background:${colour}"></i>${s.history.faults[0]?.name}`);
    expect(html).to.contain(`"color":"${colour}"`);
  });
});

describe('checker key figures', () => {
  const fixture = makeScenarioResult();
  const h = fixture.history;
  const faultStart = h.faults[0]?.start ?? h.t0;
  const results = runChecks(
    [
      withOpts(failoverTiming, { faultStart, quorum: 2, expectFailover: true }),
      withOpts(reattach, { nodes: ['redis-0', 'redis-2'], since: h.faults[0]?.end ?? h.t0 }),
      withOpts(writeLoss, {}),
      withOpts(splitBrain, {}),
      withOpts(replicaReads, {}),
    ],
    h,
  );
  it('every checker declares key figures, and runChecks copies them into its result', () => {
    for (const c of CHECKERS) {
      expect(c.keyFigures, c.name).to.be.an('array').that.is.not.empty;
      expect(results[c.name]?.keyFigures, c.name).to.deep.equal([...(c.keyFigures ?? [])]);
    }
  });

  it('every key figure is a figure the checker really computes', () => {
    for (const c of CHECKERS) {
      const figures = results[c.name]?.figures ?? {};
      for (const name of c.keyFigures ?? []) expect(Object.hasOwn(figures, name), `${c.name}.${name}`).to.equal(true);
    }
  });

  it('includes the durable availability figures in failover-timing', () => {
    expect(failoverTiming.keyFigures).to.include.members(['durableUnavailableMs', 'durableClientRecovery']);
  });

  it('every summary column reads one of its checker\'s key figures', () => {
    for (const [column, ref] of Object.entries(SUMMARY_FIGURES)) {
      const checker = CHECKERS.find((c) => c.name === ref.check);
      expect(checker, `${column}: no checker ${ref.check}`).to.not.equal(undefined);
      expect(checker?.keyFigures, column).to.include(ref.name);
    }
  });

  it('a check that throws still names its key figures, so the report can say they are missing', () => {
    const boom: Checker<void> = {
      name: 'boom',
      keyFigures: ['answer'],
      check: () => {
        throw new Error('kaboom');
      },
    };
    const r = runChecks([withOpts(boom, undefined)], h)['boom'];
    expect(r).to.include({ valid: 'unknown', error: 'kaboom' });
    expect(r?.keyFigures).to.deep.equal(['answer']);
    const [view] = checkViews({ boom: r as CheckResult });
    expect(view?.keyFigures[0]?.cell).to.include({ text: '—', isError: true, note: 'boom: kaboom' });
  });

  it('a checker without key figures gives a result without them', () => {
    const plain: Checker<void> = { name: 'plain', check: () => ({ valid: true, figures: { n: 1 } }) };
    expect(runChecks([withOpts(plain, undefined)], h)['plain']).to.deep.equal({ valid: true, figures: { n: 1 } });
  });

  it('the page shows a card per key figure of each check, in the checker\'s order, and none for old results', () => {
    const s = makeScenarioResult();
    s.checks = { ...results };
    // A result without one of its key figures (e.g. written by an older checker).
    const ft = results['failover-timing'] as CheckResult;
    const { durableUnavailableMs: _dropped, ...figures } = ft.figures;
    s.checks['failover-timing'] = { ...ft, figures };
    const html = renderHtml(run([s]));
    const cards = [...html.matchAll(/<div class="kf-label">([^<]*)<\/div>/g)].map((m) => m[1]);
    expect(cards).to.deep.equal(CHECKERS.flatMap((c) => [...(c.keyFigures ?? [])]));
    // A key figure the result lacks reads "—" with the reason on hover.
    expect(html).to.contain('title="failover-timing: no figure durableUnavailableMs"');

    const old = makeScenarioResult();
    for (const c of Object.values(old.checks)) delete c.keyFigures;
    expect(renderHtml(run([old]))).to.not.contain('class="kf-label"');
  });

  it('the summary row reads the figures the checkers computed', () => {
    const s = makeScenarioResult();
    s.checks = { ...results };
    const r = summaryRow(s);
    expect(r.detection.value).to.equal(results['failover-timing']?.figures['sdownQuorum']);
    expect(r.lost.value).to.equal(results['write-loss']?.figures['lost']);
    expect(r.reattached.text).to.equal(`${results['reattach']?.figures['reattached']}/${results['reattach']?.figures['expected']}`);
  });
});
