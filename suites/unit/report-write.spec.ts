import { expect } from 'chai';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ScenarioResult } from '../../lib/model.ts';
import type { ResultsJson } from '../../lib/report/json.ts';
import type { RunReport } from '../../lib/report/run-report.ts';
import { writeRunReport } from '../../lib/report/write-report.ts';
import { makeScenarioResult } from '../fixtures/make-result.ts';

function report(scenarios: ScenarioResult[], runId = 'run-1'): RunReport {
  return {
    schemaVersion: 1,
    runId,
    startedAt: '2026-11-25T11:45:00.000Z',
    finishedAt: '2026-11-25T11:47:00.000Z',
    seed: 42,
    machine: { hostname: 'ci', cpus: 2, memGiB: 24, node: 'v24.21.0', platform: 'linux x64' },
    config: { downAfterMs: 1000 },
    scenarios,
  };
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}

describe('writeRunReport', () => {
  let tmp: string;
  const warnings: string[] = [];
  const warn = (line: string): void => void warnings.push(line);
  const run = report([makeScenarioResult({ verdict: 'pass' }), makeScenarioResult({ verdict: 'error' })]);

  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'report-write-'));
    warnings.length = 0;
  });
  afterEach(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('writes every output and points latest at the run folder', async () => {
    const dir = path.join(tmp, 'reports', 'run-1');
    const res = await writeRunReport(run, { dir, warn });
    expect(res.dir).to.equal(dir);
    expect(res.fellBack).to.equal(undefined);
    expect(res.failed).to.deep.equal([]);
    const rel = res.files.map((f) => path.relative(dir, f)).sort();
    expect(rel).to.deep.equal(['history/kill-master-error.json', 'history/kill-master-pass.json', 'index.html', 'junit.xml', 'results.json', 'summary.md']);
    expect(warnings).to.deep.equal([]);
    const latest = path.join(tmp, 'reports', 'latest');
    expect(res.latest).to.equal(latest);
    expect((await fs.lstat(latest)).isSymbolicLink()).to.equal(true);
    expect(await fs.readlink(latest)).to.equal('run-1'); // relative: the reports folder can move
    expect(await fs.realpath(latest)).to.equal(await fs.realpath(dir));
  });

  it('replaces latest on the next run', async () => {
    await writeRunReport(report([makeScenarioResult()], 'a'), { dir: path.join(tmp, 'a'), warn });
    await writeRunReport(report([makeScenarioResult()], 'b'), { dir: path.join(tmp, 'b'), warn });
    expect(await fs.readlink(path.join(tmp, 'latest'))).to.equal('b');
    expect(warnings).to.deep.equal([]);
  });

  it('can make latest a copy, and replaces only a copy it made', async () => {
    await writeRunReport(report([makeScenarioResult()], 'a'), { dir: path.join(tmp, 'a'), warn, latestMode: 'copy' });
    const latest = path.join(tmp, 'latest');
    expect((await fs.lstat(latest)).isDirectory()).to.equal(true);
    expect(await exists(path.join(latest, 'index.html'))).to.equal(true);
    await writeRunReport(report([makeScenarioResult()], 'b'), { dir: path.join(tmp, 'b'), warn });
    expect(await fs.readlink(latest)).to.equal('b');
    expect(warnings).to.deep.equal([]);

    // A folder someone else put there is left alone, with a warning; the report is still written.
    await fs.rm(latest);
    await fs.mkdir(latest);
    await fs.writeFile(path.join(latest, 'keep.txt'), 'mine');
    const res = await writeRunReport(report([makeScenarioResult()], 'c'), { dir: path.join(tmp, 'c'), warn });
    expect(res.latest).to.equal(undefined);
    expect(await fs.readFile(path.join(latest, 'keep.txt'), 'utf8')).to.equal('mine');
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('did not create');
    expect(await exists(path.join(tmp, 'c', 'index.html'))).to.equal(true);
  });

  it('writes results.json with histories replaced by summaries, and the raw histories beside it', async () => {
    const dir = path.join(tmp, 'r');
    await writeRunReport(run, { dir, warn, latest: false });
    const results = JSON.parse(await fs.readFile(path.join(dir, 'results.json'), 'utf8')) as ResultsJson;
    expect(results.schemaVersion).to.equal(1);
    expect(results.scenarios).to.have.length(2);
    const [pass] = results.scenarios;
    expect(pass).to.not.have.property('history');
    expect(pass!.historyFile).to.equal('history/kill-master-pass.json');
    expect(pass!.historySummary.counts.ops).to.equal(run.scenarios[0]!.history.ops.length);
    expect(pass!.historySummary.keyFigures).to.include({ detectionMs: 945, reattached: 2, reattachExpected: 2, reattachedMs: 11500 });
    expect(pass!.historySummary.faults[0]).to.include({ startMs: 2000, endMs: 12000 });
    expect(pass!.historySummary.eventsByType['+switch-master']).to.equal(3);
    const raw = JSON.parse(await fs.readFile(path.join(dir, pass!.historyFile), 'utf8')) as ScenarioResult['history'];
    expect(raw).to.deep.equal(run.scenarios[0]!.history);
    expect(await exists(path.join(tmp, 'latest'))).to.equal(false);
  });

  it('falls back to a folder under the temp dir when the target is not writable (a path under a file)', async () => {
    const file = path.join(tmp, 'a-file');
    await fs.writeFile(file, 'not a folder');
    const fallbackRoot = path.join(tmp, 'fallback');
    const res = await writeRunReport(run, { dir: path.join(file, 'reports', 'run-1'), fallbackRoot, warn });
    expect(res.fellBack).to.be.a('string');
    expect(res.fellBack).to.contain(path.join(file, 'reports', 'run-1'));
    expect(res.fellBack).to.contain(res.dir);
    expect(path.dirname(res.dir)).to.equal(fallbackRoot);
    expect(res.files).to.have.length(6);
    for (const f of res.files) expect(f.startsWith(res.dir)).to.equal(true);
    expect(await exists(path.join(res.dir, 'index.html'))).to.equal(true);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^sentinel-chaos: report folder .* is not writable \(ENOTDIR: .*\); wrote the report to .* instead$/);
  });

  it('falls back under os.tmpdir() by default, and says so on stderr', async () => {
    const file = path.join(tmp, 'a-file');
    await fs.writeFile(file, 'x');
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let res;
    try {
      res = await writeRunReport(report([makeScenarioResult()], 'fallback-default-test'), { dir: path.join(file, 'x'), latest: false });
    } finally {
      process.stderr.write = original;
    }
    try {
      expect(res.dir.startsWith(path.join(os.tmpdir(), 'sentinel-chaos-reports'))).to.equal(true);
      expect(written).to.have.length(1);
      expect(written[0]).to.contain(res.dir);
    } finally {
      await fs.rm(res.dir, { recursive: true, force: true });
    }
  });

  it('still writes the other outputs when one renderer throws, with an error file in its place', async () => {
    const dir = path.join(tmp, 'r');
    const res = await writeRunReport(run, {
      dir,
      warn,
      latest: false,
      renderers: {
        html: () => {
          throw new Error('boom in html');
        },
      },
    });
    expect(res.failed).to.deep.equal([{ file: 'index.html', errorFile: 'index.html.error.txt', message: 'boom in html' }]);
    expect(await exists(path.join(dir, 'index.html'))).to.equal(false);
    expect(await fs.readFile(path.join(dir, 'index.html.error.txt'), 'utf8')).to.contain('boom in html');
    for (const f of ['results.json', 'junit.xml', 'summary.md', 'history/kill-master-pass.json']) {
      expect(await exists(path.join(dir, f)), f).to.equal(true);
    }
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('index.html');
  });

  it('isolates a failing history renderer per scenario', async () => {
    const dir = path.join(tmp, 'r');
    const res = await writeRunReport(run, {
      dir,
      warn,
      latest: false,
      renderers: {
        history: (s) => {
          if (s.verdict === 'error') throw new Error('bad history');
          return '{}';
        },
      },
    });
    expect(res.failed.map((f) => f.file)).to.deep.equal(['history/kill-master-error.json']);
    expect(await exists(path.join(dir, 'history/kill-master-pass.json'))).to.equal(true);
    expect(await exists(path.join(dir, 'history/kill-master-error.json.error.txt'))).to.equal(true);
  });

  it('renders every output for a damaged result (no history, no checks) and for repeated ids', async () => {
    const damaged = { ...makeScenarioResult(), history: undefined, checks: undefined } as unknown as ScenarioResult;
    const dir = path.join(tmp, 'r');
    const res = await writeRunReport(report([damaged, makeScenarioResult(), makeScenarioResult()], '../odd/run id'), { dir, warn, latest: false });
    expect(res.failed).to.deep.equal([]);
    expect(res.files.map((f) => path.relative(dir, f)).filter((f) => f.startsWith('history/')).sort()).to.deep.equal([
      'history/kill-master-pass-2.json',
      'history/kill-master-pass-3.json',
      'history/kill-master-pass.json',
    ]);
  });

  it('defaults to reports/<runId> under the working directory, with a safe folder name', async () => {
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      const res = await writeRunReport(report([makeScenarioResult()], 'nightly/2026-11-25 11:45'), { warn });
      expect(res.dir).to.equal(path.join(await fs.realpath(tmp), 'reports', 'nightly_2026-11-25_11_45'));
      expect(await fs.readlink(path.join(tmp, 'reports', 'latest'))).to.equal('nightly_2026-11-25_11_45');
    } finally {
      process.chdir(cwd);
    }
  });
});
