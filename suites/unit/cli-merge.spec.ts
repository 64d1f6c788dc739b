import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliContext } from '../../lib/cli/context.ts';
import { main } from '../../lib/cli/main.ts';
import { EXIT } from '../../lib/cli/spec.ts';
import type { ComparisonReport } from '../../lib/compare/model.ts';
import type { ScenarioResult } from '../../lib/model.ts';
import type { ResultsJson } from '../../lib/report/json.ts';
import type { RunReport } from '../../lib/report/run-report.ts';
import { writeRunReport } from '../../lib/report/write-report.ts';
import { makeScenarioResult } from '../fixtures/make-result.ts';

function run(runId: string, scenarios: ScenarioResult[], image = 'redis:7.4.2'): RunReport {
  return {
    schemaVersion: 1,
    runId,
    startedAt: '2026-11-25T12:00:00.000Z',
    finishedAt: '2026-11-25T12:01:00.000Z',
    seed: 42,
    machine: { hostname: 'ci', cpus: 2, memGiB: 24, node: 'v24.21.0', platform: 'linux x64' },
    config: { topology: { images: { redis: image, sentinel: image, toxiproxy: 'tp:1' } } },
    scenarios: scenarios.map((s) => ({ ...s, topology: { ...s.topology, redisImage: image, sentinelImage: image } })),
  };
}

function ctxIn(cwd: string): CliContext & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return {
    outLines,
    errLines,
    out: (l) => void outLines.push(l),
    err: (l) => void errLines.push(l),
    env: {},
    cwd,
    catalogue: async () => [],
  };
}

describe('CLI: merge shard reports; compare --from existing reports', () => {
  let root: string;
  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'sc-merge-'));
    const quiet = { warn: () => {}, latest: false as const };
    await writeRunReport(run('ci-1', [makeScenarioResult({ id: 'a', verdict: 'pass' })]), { dir: path.join(root, 'ci-1-shard-1-of-2'), ...quiet });
    await writeRunReport(run('ci-1', [makeScenarioResult({ id: 'b', verdict: 'pass' }), makeScenarioResult({ id: 'c', verdict: 'pass' })]), {
      dir: path.join(root, 'ci-1-shard-2-of-2'),
      ...quiet,
    });
    await writeRunReport(run('ci-2', [makeScenarioResult({ id: 'a', verdict: 'fail' })], 'valkey/valkey:9.0'), { dir: path.join(root, 'ci-2'), ...quiet });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('merges results and histories into one report with every output', async () => {
    const ctx = ctxIn(root);
    const code = await main(['merge', '--out', 'merged', 'ci-1-shard-1-of-2', 'ci-1-shard-2-of-2'], ctx);
    expect(code, ctx.errLines.join('\n')).to.equal(EXIT.ok);
    const dir = path.join(root, 'merged');
    const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as ResultsJson;
    expect(results.runId).to.equal('ci-1');
    expect(results.scenarios.map((s) => s.scenario.id)).to.deep.equal(['a', 'b', 'c']);
    for (const f of ['index.html', 'junit.xml', 'summary.md', 'history/a.json', 'history/b.json', 'history/c.json']) expect(existsSync(path.join(dir, f)), f).to.equal(true);
    // Histories are carried over whole, not rebuilt.
    const original = readFileSync(path.join(root, 'ci-1-shard-2-of-2', 'history', 'c.json'), 'utf8');
    expect(readFileSync(path.join(dir, 'history', 'c.json'), 'utf8')).to.equal(original);
    expect(results.scenarios[2]?.historySummary.counts.ops).to.be.greaterThan(0);
    expect((results.config as { merged: unknown[] }).merged).to.have.length(2);
    expect(ctx.outLines).to.deep.equal([path.join(dir, 'index.html')]);
  });

  it('exits 1 when a merged scenario failed, and keeps figures when a history file is missing', async () => {
    unlinkSync(path.join(root, 'ci-2', 'history', 'a.json'));
    const ctx = ctxIn(root);
    expect(await main(['merge', '--out', 'merged-2', '--run-id', 'm2', 'ci-2'], ctx)).to.equal(EXIT.failed);
    expect(ctx.errLines.join('\n')).to.include('1 history file(s) missing');
    const results = JSON.parse(readFileSync(path.join(root, 'merged-2', 'results.json'), 'utf8')) as ResultsJson;
    expect(results.runId).to.equal('m2');
    expect(results.scenarios[0]?.historySummary.keyFigures.promotionMs).to.be.a('number');
  });

  it('rejects a folder without results.json with one line, exit 2', async () => {
    const ctx = ctxIn(root);
    expect(await main(['merge', '--out', 'm3', 'nope'], ctx)).to.equal(EXIT.usage);
    expect(ctx.errLines).to.have.length(1);
    expect(ctx.errLines[0]).to.match(/nope has no readable results\.json \(ENOENT\)\. Fix: pass report folders written by `sentinel-chaos run`/);
  });

  it('compare --from judges existing reports without running anything (one trial each: a new failure is inconclusive, exit 3)', async () => {
    const ctx = ctxIn(root);
    const code = await main(['compare', '--from', 'merged', '--from', 'ci-2', '--report-dir', 'cmp', '--run-id', 'x1'], ctx);
    expect(code).to.equal(EXIT.inconclusive);
    const cmp = JSON.parse(readFileSync(path.join(root, 'cmp', 'comparison.json'), 'utf8')) as ComparisonReport;
    expect(cmp.verdict).to.equal('inconclusive');
    expect(cmp.repeat).to.equal(1);
    expect(cmp.variants.map((v) => [v.label, v.redisImage])).to.deep.equal([
      ['merged', 'redis:7.4.2'],
      ['ci-2', 'valkey/valkey:9.0'],
    ]);
    expect(cmp.variants[0]?.report).to.equal('../merged/index.html');
    const a = cmp.scenarios.find((s) => s.id === 'a');
    // Passed 1/1 on the baseline, 0/1 on the candidate: one failure cannot be told from a flake.
    expect(a?.findings.some((f) => f.kind === 'inconclusive' && f.metric === 'passRate' && /one failure against a clean baseline/.test(f.message))).to.equal(true);
    // b and c only ran on the baseline.
    expect(cmp.scenarios.find((s) => s.id === 'b')?.verdict).to.equal('inconclusive');
    expect(existsSync(path.join(root, 'latest-compare', 'index.html'))).to.equal(true);
  });
});
