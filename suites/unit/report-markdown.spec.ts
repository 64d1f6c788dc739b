import { expect } from 'chai';
import type { ScenarioResult } from '../../lib/model.ts';
import { DEFAULT_MAX_BYTES, mdCell, renderMarkdown } from '../../lib/report/markdown.ts';
import type { RunReport } from '../../lib/report/run-report.ts';
import { makeScenarioResult } from '../fixtures/make-result.ts';

function report(scenarios: ScenarioResult[]): RunReport {
  return {
    schemaVersion: 1,
    runId: 'run-1',
    startedAt: '2026-11-25T11:45:00.000Z',
    finishedAt: '2026-11-25T11:47:00.000Z',
    seed: 42,
    machine: { hostname: 'ci', cpus: 2, memGiB: 24, node: 'v24.21.0', platform: 'linux x64' },
    config: {},
    scenarios,
  };
}

/** A light copy of a fixture result (no ops), so thousands of them stay cheap. */
function light(i: number, base: ScenarioResult): ScenarioResult {
  return {
    ...base,
    scenario: { ...base.scenario, id: `scenario-${i}`, title: `scenario number ${i}` },
    history: { ...base.history, ops: [], polls: [], events: [] },
  };
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('Markdown summary', () => {
  const run = report([makeScenarioResult({ verdict: 'pass' }), makeScenarioResult({ verdict: 'fail' }), makeScenarioResult({ verdict: 'error' })]);
  const md = renderMarkdown(run, { reportLink: 'index.html' });
  const tableRows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Verdict'));

  it('has a header with the totals', () => {
    expect(md.split('\n')[0]).to.equal('## ⚠️ sentinel-chaos run `run-1`: 1 pass · 1 fail · 1 error');
  });

  it('has one table row per scenario with verdict and key figures', () => {
    expect(tableRows).to.have.length(3);
    expect(tableRows[0]).to.match(/^\| ✅ pass \| kill -9 of the master \(pass fixture\) `kill-master-pass` \| 945 ms \| 1010 ms \| 1310 ms \|/);
    expect(tableRows[1]).to.match(/^\| ❌ fail /);
    expect(tableRows[2]).to.match(/^\| ⚠️ error /);
    // Every row has as many cells as the header.
    const header = md.split('\n').find((l) => l.startsWith('| Verdict'))!;
    const cells = (l: string) => l.split(/(?<!\\)\|/).length;
    for (const r of tableRows) expect(cells(r)).to.equal(cells(header));
  });

  it('leads with the durable unavailability and puts the raw one beside it when they differ', () => {
    expect(md).to.contain('| Durable client recovery (raw) | Durable unavailability (raw) |');
    const same = tableRows[0]!.split(/(?<!\\)\|/).map((c) => c.trim());
    expect(same.slice(6, 8)).to.deep.equal(['2230 ms', '2230 ms']); // the fixture's raw and durable figures agree
    const s = makeScenarioResult({ verdict: 'fail' });
    Object.assign(s.checks['failover-timing']!.figures, { unavailableMs: 10.4, durableUnavailableMs: 2520.4, clientRecovery: 3010.4, durableClientRecovery: null });
    const row = renderMarkdown(report([s])).split('\n').find((l) => l.startsWith('| ❌'))!;
    expect(row).to.contain('| — (raw 3010 ms) | 2520 ms (raw 10.4 ms) |');
  });

  it('marks lost writes and shows "—" with the error for a broken check', () => {
    expect(tableRows[0]).to.match(/\| \d+ \/ \*\*\d+\*\* \/ 2 \|/);
    expect(tableRows[2]).to.contain('| — ⚠️ | — ⚠️ |');
    expect(md).to.contain('- check `failover-timing` error: history ends before the failover completed');
  });

  it('explains what went wrong below the table', () => {
    expect(md).to.contain('### ❌ kill -9 of the master (fail fixture) (fail)');
    expect(md).to.match(/- ✗ no acknowledged write is lost — \d+ of \d+ acknowledged writes lost/);
    expect(md).to.contain('**Error:** topology: container redis-2 exited (code 137)');
    expect(md).to.not.contain('### ✅');
    expect(md.trimEnd().endsWith('Full report: index.html')).to.equal(true);
  });

  it('keeps table cells intact: pipes escaped, newlines and HTML neutralised', () => {
    expect(mdCell('a|b\nc <b>')).to.equal('a\\|b c &lt;b&gt;');
    const s = makeScenarioResult({ title: 'x | y\n<img src=x>' });
    const row = renderMarkdown(report([s])).split('\n').find((l) => l.startsWith('| ✅'))!;
    expect(row).to.contain('x \\| y &lt;img src=x&gt;');
  });

  it('stays under the default limit (below GitHub’s 1024 KiB) for a huge run, with a note', () => {
    const base = makeScenarioResult({ verdict: 'fail' });
    base.assertions[2]!.message = 'x'.repeat(400);
    const big = report(Array.from({ length: 6000 }, (_, i) => light(i, base)));
    const text = renderMarkdown(big);
    expect(bytes(text)).to.be.at.most(DEFAULT_MAX_BYTES);
    expect(DEFAULT_MAX_BYTES).to.be.below(1024 * 1024);
    expect(text).to.contain('**Truncated**');
  });

  it('truncates to a given limit, dropping whole rows', () => {
    const base = makeScenarioResult();
    const text = renderMarkdown(report(Array.from({ length: 200 }, (_, i) => light(i, base))), { maxBytes: 8000 });
    expect(bytes(text)).to.be.at.most(8000);
    expect(text).to.match(/\*\*Truncated\*\* to stay under 8000 bytes: \d+ scenario row\(s\)/);
    for (const l of text.split('\n').filter((x) => x.startsWith('| ✅'))) expect(l.endsWith('|')).to.equal(true);
  });

  it('cuts even when the limit is below the header', () => {
    const text = renderMarkdown(run, { maxBytes: 100 });
    expect(bytes(text)).to.be.at.most(100);
  });
});
