/**
 * The harness as a user installs it: `npm pack` of this project, `npm install <tarball>` into an empty
 * project (dependencies come from the npm registry, or its local cache with --prefer-offline), then the
 * user's own scenario — docs/examples/my-scenario.mjs, the one docs/writing-scenarios.md explains — run on
 * real containers by the installed bin (`npx sentinel-chaos run --scenarios-from ...`), which must run from
 * dist/ JavaScript (Node refuses to strip types under node_modules). The images come from the environment
 * (SC_REDIS_IMAGE, ...) read from this checkout's provisioning file: the user project has none.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_IMAGES_FILE, readEnvFile } from '../../lib/config.ts';
import type { ResultsJson } from '../../lib/report/json.ts';
import { command, type CommandRun } from './fixtures/command.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCENARIO_ID = 'my-kill-master';

/** Containers of this test's scenario (the runner labels every container with its scenario id). */
function scenarioContainers(): string[] {
  return execFileSync('docker', ['ps', '-a', '-q', '--filter', 'label=sentinel-chaos', '--filter', `label=sentinel-chaos.scenario=${SCENARIO_ID}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

/** The provisioning file's image settings as environment variables (the user project has no such file). */
function imageEnv(): NodeJS.ProcessEnv {
  const file = readEnvFile(path.join(ROOT, LOCAL_IMAGES_FILE));
  return Object.fromEntries(Object.entries(file).filter(([k]) => /^SC_(REDIS|SENTINEL|TOXIPROXY)_IMAGE$/.test(k)));
}

describe('the installed package runs a user scenario', function () {
  this.timeout(240_000);
  let tmp = '';
  let project = '';
  let tarball = '';
  let before0: string[] = [];

  before(async function () {
    before0 = scenarioContainers();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'sc-package-'));
    // prepack builds dist/ first.
    const pack = await command('npm', ['pack', '--pack-destination', tmp, '--loglevel', 'error'], { cwd: ROOT, timeoutMs: 120_000 });
    expect(pack.code, pack.stderr).to.equal(0);
    tarball = path.join(tmp, readdirSync(tmp).find((f) => f.endsWith('.tgz')) ?? 'missing.tgz');
    project = path.join(tmp, 'user-project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-sentinel-tests', private: true, type: 'module' }));
    const install = await command('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'error', tarball], { cwd: project, timeoutMs: 150_000 });
    expect(install.code, install.stderr).to.equal(0);
    copyFileSync(path.join(ROOT, 'docs', 'examples', 'my-scenario.mjs'), path.join(project, 'my-scenario.mjs'));
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('holds dist/ (JavaScript and declarations), the docs and the README, but no TypeScript sources or tests', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const f of ['package/dist/bin/sentinel-chaos.js', 'package/dist/lib/index.js', 'package/dist/lib/index.d.ts', 'package/dist/suites/chaos/catalogue.js', 'package/README.md', 'package/docs/writing-scenarios.md']) {
      expect(files, f).to.include(f);
    }
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), 'TypeScript sources').to.deep.equal([]);
    expect(files.filter((f) => /\.spec\.|suites\/(unit|integration)|node_modules/.test(f)), 'tests').to.deep.equal([]);
  });

  it("its type declarations serve a strict TypeScript user (Scenario, faults, checks, the catalogue)", () => {
    writeFileSync(
      path.join(project, 'typed.ts'),
      [
        "import { Kill, withUserConfig, type Scenario, type TopologyOptions } from 'sentinel-chaos';",
        "import { catalogue } from 'sentinel-chaos/catalogue';",
        "const t: Partial<TopologyOptions> = withUserConfig({ downAfterMs: 2000 });",
        "export const s: Scenario = { id: 'x', title: 't', tags: [], description: '', expectation: '', topology: t, schedule: [{ at: 0, fault: new Kill('master') }], durationMs: 1, failover: { expected: true }, expect: (r, e) => e.that('n', () => void (e.num('failover-timing', 'sdownFirst') < r.topology.downAfterMs)) };",
        'export const n: number = catalogue().length;',
        // A mistake the declarations must catch: a scenario without its expectations.
        "// @ts-expect-error expect is required\nexport const bad: Scenario = { id: 'y', title: 't', tags: [], description: '', expectation: '', schedule: [], durationMs: 1, failover: { expected: false } };",
      ].join('\n'),
    );
    writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2023', strict: true, noEmit: true, types: ['node'] }, files: ['typed.ts'] }));
    mkdirSync(path.join(project, 'node_modules', '@types'), { recursive: true });
    if (!existsSync(path.join(project, 'node_modules', '@types', 'node'))) symlinkSync(path.join(ROOT, 'node_modules', '@types', 'node'), path.join(project, 'node_modules', '@types', 'node'));
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { encoding: 'utf8' });
  });

  describe('npx sentinel-chaos run --scenarios-from ./my-scenario.mjs', function () {
    let run: CommandRun;
    let results: ResultsJson;
    before(async function () {
      run = await command('npx', ['--no-install', 'sentinel-chaos', 'run', '--scenarios-from', './my-scenario.mjs', '--report-dir', 'reports/mine', '--seed', '11'], { cwd: project, env: imageEnv(), timeoutMs: 120_000 });
      results = JSON.parse(readFileSync(path.join(project, 'reports', 'mine', 'results.json'), 'utf8')) as ResultsJson;
    });

    it('exits 0, printing where the report is', () => {
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout.trim()).to.equal(path.join(project, 'reports', 'mine', 'index.html'));
      expect(existsSync(path.join(project, 'reports', 'mine', 'index.html'))).to.equal(true);
    });

    it('ran only the user scenario, and it passed every expectation', () => {
      expect(results.scenarios.map((s) => s.scenario.id)).to.deep.equal([SCENARIO_ID]);
      const s = results.scenarios[0];
      expect(s?.verdict, JSON.stringify(s?.assertions)).to.equal('pass');
      expect(s?.assertions.map((a) => a.name)).to.include('writes back before down-after + one ping period + failover-timeout');
      expect(s?.historySummary.faults.map((f) => f.kind)).to.deep.equal(['kill']);
    });

    it('left no container behind', () => {
      expect(scenarioContainers().filter((c) => !before0.includes(c))).to.deep.equal([]);
    });
  });
});
