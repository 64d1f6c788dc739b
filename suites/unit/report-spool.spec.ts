/**
 * Histories spooled to disk (lib/report/history-spool.ts): a run keeps light results and the report, read back
 * one history at a time, must be the very same files as from results held in memory. Real files in a temp dir.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioResult } from '../../lib/model.ts';
import { HistorySpool, isSpooled, SpooledHistory, withHistory } from '../../lib/report/history-spool.ts';
import { historySummary } from '../../lib/report/json.ts';
import { PreparedRun } from '../../lib/report/prepared.ts';
import { runView } from '../../lib/report/report-data.ts';
import type { RunReport } from '../../lib/report/run-report.ts';
import { writeRunReport } from '../../lib/report/write-report.ts';
import { makeScenarioResult } from '../fixtures/make-result.ts';

function report(scenarios: RunReport['scenarios']): RunReport {
  return {
    schemaVersion: 1,
    runId: 'spool-1',
    startedAt: '2026-11-25T11:45:00.000Z',
    finishedAt: '2026-11-25T11:47:00.000Z',
    seed: 42,
    machine: { hostname: 'ci', cpus: 2, memGiB: 24, node: 'v24.21.0', platform: 'linux x64' },
    config: { repeat: 3 },
    scenarios,
  };
}

/** Every file under dir, relative path → content. */
async function tree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const abs = path.join(e.parentPath, e.name);
    out.set(path.relative(dir, abs), await fs.readFile(abs, 'utf8'));
  }
  return out;
}

describe('history spool', () => {
  let tmp: string;
  const warnings: string[] = [];
  const warn = (line: string): void => void warnings.push(line);

  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'report-spool-'));
    warnings.length = 0;
  });
  afterEach(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('keeps a light result whose history reads back equal to the one spooled', async () => {
    const spool = new HistorySpool({ root: tmp, warn });
    const r = makeScenarioResult({ verdict: 'fail', seed: 7 });
    const light = spool.put(r);
    expect(isSpooled(light)).to.equal(true);
    expect(light.history).to.be.instanceOf(SpooledHistory);
    expect(path.dirname(path.dirname((light.history as SpooledHistory).file))).to.equal(tmp);
    expect(withHistory(light)).to.deep.equal(r);
    // Serialised, a spooled result is the in-memory one.
    expect(JSON.stringify(light)).to.equal(JSON.stringify(r));
    expect(r.history.ops.length).to.be.greaterThan(0); // the caller's result is left whole
    expect(warnings).to.deep.equal([]);
  });

  it('writes the same report files, byte for byte, as from results held in memory', async () => {
    const damaged = { ...makeScenarioResult({ id: 'damaged' }), history: undefined } as unknown as ScenarioResult;
    const results = [
      makeScenarioResult({ verdict: 'pass', seed: 1 }),
      makeScenarioResult({ verdict: 'pass', seed: 2 }), // a repeated id: history/kill-master-pass-2.json
      makeScenarioResult({ verdict: 'fail', seed: 3 }),
      makeScenarioResult({ verdict: 'error', seed: 4 }),
      damaged,
    ];
    const spool = new HistorySpool({ root: tmp, warn });
    const spooled = results.map((r) => spool.put(r));
    expect(spooled.map(isSpooled)).to.deep.equal([true, true, true, true, false]); // nothing to spool for the last
    const inMemory = path.join(tmp, 'memory');
    const fromSpool = path.join(tmp, 'spooled');
    const a = await writeRunReport(report(results), { dir: inMemory, latest: false, warn });
    const b = await writeRunReport(report(spooled), { dir: fromSpool, latest: false, warn });
    expect(a.failed).to.deep.equal([]);
    expect(b.failed).to.deep.equal([]);
    const [ta, tb] = [await tree(inMemory), await tree(fromSpool)];
    expect([...tb.keys()].sort()).to.deep.equal([...ta.keys()].sort());
    expect(ta.size).to.equal(4 + results.length);
    for (const [file, content] of ta) expect(tb.get(file), file).to.equal(content);
  });

  it('prepares the summaries and views in one pass, equal to those made from each history', () => {
    const spool = new HistorySpool({ root: tmp, warn });
    const results = [makeScenarioResult({ seed: 1 }), makeScenarioResult({ seed: 2 }), makeScenarioResult({ id: 'other', verdict: 'fail' })];
    const prepared = new PreparedRun(report(results.map((r) => spool.put(r))));
    expect(prepared.summaries()).to.deep.equal(results.map(historySummary));
    expect(prepared.view()).to.deep.equal(runView(report(results)));
    expect(prepared.view().scenarios.map((s) => s.anchor)).to.deep.equal(['s-kill-master-pass', 's-kill-master-pass-2', 's-other']);
  });

  it('keeps the history in memory, with one warning, when the spool cannot be written', async () => {
    const notAFolder = path.join(tmp, 'file');
    await fs.writeFile(notAFolder, 'x');
    const spool = new HistorySpool({ root: notAFolder, warn });
    const [r1, r2] = [makeScenarioResult({ seed: 1 }), makeScenarioResult({ seed: 2 })];
    expect(spool.put(r1)).to.equal(r1);
    expect(spool.put(r2)).to.equal(r2);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('keeping them in memory');
  });

  it('says which spool file is gone when a history cannot be read back; the other files are still written', async () => {
    const spool = new HistorySpool({ root: tmp, warn });
    const light = spool.put(makeScenarioResult());
    spool.dispose();
    expect(spool.folder).to.equal(undefined);
    expect(() => withHistory(light)).to.throw(/spooled history .* cannot be read back \(ENOENT\)/);
    const dir = path.join(tmp, 'r');
    const res = await writeRunReport(report([light]), { dir, latest: false, warn });
    expect(res.failed.map((f) => f.file).sort()).to.deep.equal(['history/kill-master-pass.json', 'index.html', 'results.json', 'summary.md']);
    expect(existsSync(path.join(dir, 'junit.xml'))).to.equal(true);
  });

  it('removes its folder when the process exits', () => {
    const module = fileURLToPath(new URL('../../lib/report/history-spool.ts', import.meta.url));
    const fixture = fileURLToPath(new URL('../fixtures/make-result.ts', import.meta.url));
    const script = `
      const { HistorySpool } = await import(${JSON.stringify(module)});
      const { makeScenarioResult } = await import(${JSON.stringify(fixture)});
      const spool = new HistorySpool({ root: ${JSON.stringify(tmp)} });
      spool.put(makeScenarioResult());
      process.stdout.write(spool.folder);`;
    const folder = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(path.dirname(folder)).to.equal(tmp);
    expect(existsSync(folder)).to.equal(false);
  });
});
