/**
 * The commands that do not touch Docker work without an engine, through the real entry point (scripts/sc cli,
 * which provisions only what a command needs): --help, list, check of a stored report. `run` without an
 * engine fails with one line naming the fix. (merge is checked here too: it reads and writes report folders only.) DOCKER_HOST points at a closed loopback port, so any attempt to
 * reach an engine (or to provision images) fails; nothing here starts a container.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SC = path.join(ROOT, 'scripts', 'sc');
const FIXTURE = 'suites/fixtures/reports/kill-master-pre-judge';
/** Results of every default scenario recorded with the current code (serving nodes included). */
const CURRENT = 'suites/fixtures/reports/catalogue';
/** Port 9 (discard) on loopback: nothing listens there. */
const NO_ENGINE = { DOCKER_HOST: 'tcp://127.0.0.1:9' };

function sc(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SC, ['cli', ...args], { cwd: ROOT, env: { ...process.env, ...NO_ENGINE }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');

describe('sentinel-chaos without a Docker engine (scripts/sc cli, DOCKER_HOST pointing nowhere)', function () {
  this.timeout(120_000);

  it('--help and check --help work', async () => {
    const main = await sc(['--help']);
    expect(main.code, main.stderr).to.equal(0);
    expect(main.stdout).to.include('sentinel-chaos check — ');
    const check = await sc(['check', '--help']);
    expect(check.code, check.stderr).to.equal(0);
    expect(check.stdout).to.match(/^sentinel-chaos check — /);
  });

  it('list works', async () => {
    const r = await sc(['list']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('kill-master');
  });

  it('merge works', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sc-merge-'));
    try {
      const r = await sc(['merge', '--out', path.join(dir, 'merged'), FIXTURE]);
      expect(r.code, r.stderr).to.equal(0);
      expect(existsSync(path.join(dir, 'merged', 'results.json'))).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('check judges a report written before serving nodes were recorded: one FAIL line (split brain undecidable), exit 1', async () => {
    const r = await sc(['check', FIXTURE]);
    expect(r.code, r.stderr).to.equal(1);
    expect(lines(r.stdout)).to.have.length(1);
    expect(r.stdout).to.match(/^FAIL kill-master \(redis 7\.0\.15\): promotion \d+ ms.*check split-brain is valid/);
  });

  it('check --json prints the results.json shape (checks with validity and figures)', async () => {
    const r = await sc(['check', '--json', CURRENT]);
    expect(r.code, r.stderr).to.equal(0);
    const json = JSON.parse(r.stdout) as { scenarios: { scenario: { id: string }; verdict: string; checks: Record<string, { valid: unknown; figures: Record<string, unknown> }> }[] };
    const s = json.scenarios.find((x) => x.scenario.id === 'kill-master');
    expect([s?.scenario.id, s?.verdict, s?.checks['write-loss']?.valid, s?.checks['split-brain']?.valid]).to.deep.equal(['kill-master', 'pass', true, true]);
    expect(s?.checks['write-loss']?.figures['lost']).to.be.a('number');
  });

  it('check of something that is not a result: exit 2, one line naming the fix', async () => {
    const r = await sc(['check', 'package.json']);
    expect(r.code).to.equal(2);
    expect(lines(r.stderr)).to.have.length(1);
    expect(r.stderr).to.match(/not a sentinel-chaos result.*Fix: pass a report folder/);
  });

  it('run fails with one line naming the fix', async () => {
    const r = await sc(['run', '--scenarios', 'kill-master']);
    expect(r.code).to.not.equal(0);
    expect(lines(r.stderr)).to.have.length(1);
    expect(r.stderr).to.match(/no Docker engine.*Fix:/);
  });
});
