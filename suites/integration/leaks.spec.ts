/**
 * No leftovers, on real containers with real signals: after a passing run, a failing run, a scenario that
 * throws, SIGINT / SIGTERM sent to a child process in the middle of a scenario (or while its topology is
 * still starting), the containers and networks are back to what they were. A SIGKILLed process cannot
 * clean up after itself: `cleanup()` finds its resources by label and removes them.
 * Ctrl-C during a run (the command line's `run` and `npm run chaos`) writes the partial report — the
 * finished scenarios plus the interrupted one, marked — prints its path and exits 130 with nothing left.
 * Also the security of what is left running: labels, loopback-only ports, no privileges, no secrets in
 * output, logs or reports.
 *
 * Other processes may run topologies on the same engine at the same time, so nothing here looks at the
 * global set: every comparison (and every removal) is scoped to this run's own labels
 * (`sentinel-chaos.test=leaks-<run>-<case>`) or to a child's `sentinel-chaos.pid`.
 */
import { expect } from 'chai';
import type { ContainerInspectInfo } from 'dockerode';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Fault } from '../../lib/faults/fault.ts';
import type { ScenarioResult } from '../../lib/model.ts';
import { runScenario } from '../../lib/scenario/runner.ts';
import type { Scenario } from '../../lib/scenario/scenario.ts';
import type { Expect } from '../../lib/scenario/expect.ts';
import { cleanup, docker, LABEL, LABEL_PID, LABEL_TOPOLOGY } from '../../lib/topology/docker.ts';
import { Child, count, resourcesWith, type Resources } from './fixtures/child.ts';

const RUN = randomBytes(3).toString('hex');
const TEST = 'sentinel-chaos.test';
const NONE: Resources = { containers: [], networks: [] };
/** A signalled process must be gone, with everything it started, within this bound. */
const EXIT_BOUND_MS = 30_000;
/** A topology (or a scenario's warm-up) must be up within this bound on a busy 2-core machine. */
const START_BOUND_MS = 90_000;

let used: string[] = [];
/** A label value for one test of this run; only resources carrying it are compared or removed. */
function tag(name: string): string {
  const t = `leaks-${RUN}-${name}`;
  used.push(t);
  return t;
}

let children: Child[] = [];
function child(fixture: string, env: Record<string, string>): Child {
  const c = new Child(fixture, env);
  children.push(c);
  return c;
}

/** Safety net for failed tests only: kill their children, remove what carries their own labels (never others'). */
async function teardown(): Promise<void> {
  await Promise.all(children.map((c) => c.kill()));
  for (const t of used) await cleanup({ [TEST]: t }).catch(() => []);
  children = [];
  used = [];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('no leftovers after a scenario run in this process', function () {
  this.timeout(180_000);
  afterEach(teardown);

  interface Seen {
    during?: Resources;
    nodes?: number;
  }

  /** A fault that records what the topology's labels cover while it runs; optionally it then throws. */
  function probe(label: string, seen: Seen, throws?: string): Fault {
    return {
      name: 'probe',
      kind: 'probe',
      colour: '#7f7f7f',
      targets: [],
      async inject(t) {
        seen.during = await resourcesWith({ [TEST]: label });
        seen.nodes = t.specs.length;
        if (throws) throw new Error(throws);
      },
      async heal() {},
    };
  }

  const cases: { name: string; id: string; verdict: ScenarioResult['verdict']; throws?: string; expect: (r: ScenarioResult, e: Expect) => void }[] = [
    { name: 'a passing run', id: 'pass', verdict: 'pass', expect: (r, e) => e.that('ops were recorded', () => expect(r.history.ops.length).to.be.greaterThan(0)) },
    { name: 'a failing run (an expectation fails)', id: 'fail', verdict: 'fail', expect: (_r, e) => e.that('fails on purpose', () => expect(1).to.equal(2)) },
    { name: 'a scenario that throws (its fault throws mid-schedule)', id: 'throw', verdict: 'error', throws: 'probe failed on purpose', expect: () => {} },
  ];

  for (const c of cases) {
    it(`${c.name}: verdict ${c.verdict}, and its containers and network are gone afterwards`, async function () {
      const label = tag(c.id);
      const mine = { [TEST]: label };
      const ownPid = { [LABEL_PID]: String(process.pid) };
      const pidBefore = await resourcesWith(ownPid);
      expect(await resourcesWith(mine), 'before').to.deep.equal(NONE);
      const seen: Seen = {};
      const s: Scenario = {
        id: `leaks-${c.id}`,
        title: c.name,
        tags: ['leaks'],
        description: '',
        expectation: '',
        topology: { labels: mine },
        schedule: [{ at: 100, fault: probe(label, seen, c.throws) }],
        durationMs: 1000,
        failover: { expected: false },
        convergence: { timeoutMs: 10_000 },
        expect: c.expect,
      };
      const r = await runScenario(s, { runId: `leaks-${RUN}`, seed: 1, warmupMs: 200 });
      expect(r.verdict, r.error ?? JSON.stringify(r.assertions)).to.equal(c.verdict);
      if (c.throws) expect(r.error).to.include(c.throws);
      // The run really had a topology: one container per node and per sidecar, one network.
      expect(seen.during?.containers, 'containers while running').to.have.length(2 * (seen.nodes ?? 0));
      expect(seen.during?.networks, 'networks while running').to.have.length(1);
      expect(await resourcesWith(mine), 'after (this test label)').to.deep.equal(NONE);
      expect(await resourcesWith(ownPid), 'after (this process)').to.deep.equal(pidBefore);
    });
  }
});

describe('no leftovers after a signal (child process)', function () {
  this.timeout(180_000);
  afterEach(teardown);

  const cases = [
    { signal: 'SIGINT', code: 130, fault: 'kill', injected: /\d s: kill -9 \S+/, what: 'the master killed' },
    { signal: 'SIGTERM', code: 143, fault: 'pause', injected: /\d s: pause \S+/, what: 'a replica paused' },
    { signal: 'SIGINT', code: 130, fault: 'none', injected: /workload running/, what: 'no fault' },
  ] as const;

  for (const c of cases) {
    it(`${c.signal} mid-scenario (${c.what}): exits ${c.code} within ${EXIT_BOUND_MS / 1000} s, nothing left`, async function () {
      const label = tag(`${c.signal}-${c.fault}`.toLowerCase());
      const p = child('run-scenario.ts', { SC_TEST_LABEL: label, SC_FIXTURE_FAULT: c.fault });
      await p.waitFor(/workload running/, START_BOUND_MS);
      await p.waitFor(c.injected, 10_000);
      const pid = { [LABEL_PID]: String(p.pid) };
      const running = await resourcesWith(pid);
      expect(running.containers.length, 'containers while running').to.be.greaterThan(0);
      expect(running.networks, 'networks while running').to.have.length(1);
      expect(await resourcesWith({ [TEST]: label }), 'the test label covers the same resources').to.deep.equal(running);

      p.proc.kill(c.signal);
      const exit = await p.waitExit(EXIT_BOUND_MS);
      expect(exit.code, p.output).to.equal(c.code);
      expect(p.stderr).to.include(`${c.signal} received`);
      expect(await resourcesWith(pid), 'right after the exit').to.deep.equal(NONE);
      await sleep(2000);
      expect(await resourcesWith(pid), '2 s after the exit').to.deep.equal(NONE);
    });
  }

  // A signal while containers are still being created: the creations already sent to the engine must
  // not outlive the process.
  for (const delayMs of [0, 500, 1000]) {
    it(`SIGINT ${delayMs} ms into the topology start: exits within ${EXIT_BOUND_MS / 1000} s, nothing left (also 3 s later)`, async function () {
      const label = tag(`start-${delayMs}`);
      const p = child('start-topology.ts', { SC_TEST_LABEL: label });
      await p.waitFor(/progress: .*starting/, START_BOUND_MS);
      await sleep(delayMs);
      p.proc.kill('SIGINT');
      await p.waitExit(EXIT_BOUND_MS);
      const pid = { [LABEL_PID]: String(p.pid) };
      expect(await resourcesWith(pid), `right after the exit\n${p.output}`).to.deep.equal(NONE);
      await sleep(3000);
      expect(await resourcesWith(pid), `3 s after the exit\n${p.output}`).to.deep.equal(NONE);
    });
  }
});

describe('Ctrl-C during a run: partial report, exit 130, nothing left', function () {
  this.timeout(180_000);
  afterEach(teardown);

  /** Resolve with the first stderr match of `re` (the run's progress goes to stderr). */
  async function inStderr(p: Child, re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(p.stderr);
      if (m) return m;
      if (p.exit || Date.now() > deadline) throw new Error(`no ${re} on stderr (${p.exit ? 'exited' : 'timed out'})\n${p.output}`);
      await sleep(100);
    }
  }

  // Two scenarios (run in catalogue order): the first finishes, the second is interrupted while its workload runs.
  const [first, second] = ['kill-master', 'kill-replica'];
  const entries = [
    { via: 'sentinel-chaos run', main: 'bin/sentinel-chaos.ts', args: (dir: string) => ['run', '--scenarios', `${first},${second}`, '--report-dir', dir], env: {} },
    {
      via: 'npm run chaos (Mocha)',
      main: 'node_modules/mocha/bin/mocha.js',
      args: () => ['--config', '.mocharc.chaos.json'],
      env: (dir: string) => ({ SC_SCENARIOS: `${first},${second}`, SC_REPORT_DIR: dir }),
    },
  ];

  for (const e of entries) {
    it(`${e.via}: SIGINT in the second scenario writes both, the second marked interrupted; exit 130 within ${EXIT_BOUND_MS / 1000} s`, async function () {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sentinel-chaos-interrupt-'));
      const report = path.join(dir, 'report');
      const env = typeof e.env === 'function' ? e.env(report) : e.env;
      const p = child('run-main.ts', { SC_FIXTURE_MAIN: e.main, SC_FIXTURE_ARGS: JSON.stringify(e.args(report)), ...env });
      await inStderr(p, new RegExp(`\\[${second}\\] workload running`), 2 * START_BOUND_MS);
      const pid = { [LABEL_PID]: String(p.pid) };
      expect((await resourcesWith(pid)).containers.length, 'containers while the second scenario runs').to.be.greaterThan(0);

      p.proc.kill('SIGINT');
      const exit = await p.waitExit(EXIT_BOUND_MS);
      expect(exit.code, p.output).to.equal(130);
      const printed = /SIGINT: partial report \(2 scenario\(s\), (\S+) interrupted\): (\S+)/.exec(p.stderr);
      expect(printed?.[1], `the interrupted scenario named\n${p.output}`).to.equal(second);
      expect(printed?.[2], 'the printed path').to.equal(path.join(report, 'index.html'));
      const html = await fs.readFile(path.join(report, 'index.html'), 'utf8');
      expect(html).to.include(first).and.to.include(second);
      const results = JSON.parse(await fs.readFile(path.join(report, 'results.json'), 'utf8')) as { config: Record<string, unknown>; scenarios: ScenarioResult[] };
      expect(results.config['interrupted']).to.equal('SIGINT');
      const [done, cut] = results.scenarios;
      expect(results.scenarios.map((s) => s.scenario.id)).to.deep.equal([first, second]);
      expect(done?.error ?? '', 'the finished scenario is not marked').to.not.match(/interrupted/);
      expect(done?.checks, 'the finished scenario was judged').to.not.deep.equal({});
      expect(cut?.verdict).to.equal('error');
      expect(cut?.error).to.match(/^interrupted by SIGINT/);
      expect(await resourcesWith(pid), 'right after the exit').to.deep.equal(NONE);
      await sleep(2000);
      expect(await resourcesWith(pid), '2 s after the exit').to.deep.equal(NONE);
      await fs.rm(dir, { recursive: true, force: true });
    });
  }
});

describe('a topology of a process that was SIGKILLed', function () {
  this.timeout(180_000);
  let label = '';
  let p: Child;
  let topologyId = '';
  after(teardown);

  before(async function () {
    label = tag('sigkill');
    p = child('start-topology.ts', { SC_TEST_LABEL: label });
    topologyId = (await p.waitFor(/READY (\S+)/, START_BOUND_MS))[1] ?? '';
  });

  async function inspectAll(): Promise<ContainerInspectInfo[]> {
    const api = (await docker()).container.dockerode;
    const list = await api.listContainers({ all: true, filters: { label: [`${LABEL_PID}=${p.pid}`] } });
    return Promise.all(list.map((c) => api.getContainer(c.Id).inspect()));
  }

  it('every container and network carries the sentinel-chaos, topology and pid labels; nothing named after the topology lacks them', async function () {
    const api = (await docker()).container.dockerode;
    const labelled = await api.listContainers({ all: true, filters: { label: [`${LABEL_PID}=${p.pid}`] } });
    expect(labelled.length).to.be.greaterThan(0);
    for (const c of labelled) {
      expect(c.Labels, c.Names[0]).to.include({ [LABEL]: 'true', [LABEL_TOPOLOGY]: topologyId, [LABEL_PID]: String(p.pid), [TEST]: label });
    }
    const nets = await api.listNetworks({ filters: { label: [`${LABEL_PID}=${p.pid}`] } });
    expect(nets).to.have.length(1);
    expect(nets[0]?.Labels).to.include({ [LABEL]: 'true', [LABEL_TOPOLOGY]: topologyId });
    // Found by name instead of by label: nothing of this topology escapes the labels.
    const byName = await api.listContainers({ all: true, filters: { name: [topologyId] } });
    expect(byName.map((c) => c.Id).sort()).to.deep.equal(labelled.map((c) => c.Id).sort());
    const netsByName = await api.listNetworks({ filters: { name: [topologyId] } });
    expect(netsByName.map((n) => n.Id)).to.deep.equal(nets.map((n) => n.Id));
  });

  it('security: published ports bind 127.0.0.1 only; no container is privileged, has added capabilities or host namespaces', async function () {
    const all = await inspectAll();
    let published = 0;
    for (const info of all) {
      const name = info.Name;
      const hc = info.HostConfig;
      expect(hc.Privileged, `${name} privileged`).to.equal(false);
      expect(hc.CapAdd ?? [], `${name} CapAdd`).to.deep.equal([]);
      expect(hc.NetworkMode, `${name} network mode`).to.not.equal('host');
      expect(hc.PidMode ?? '', `${name} pid mode`).to.not.equal('host');
      expect(hc.IpcMode ?? '', `${name} ipc mode`).to.not.equal('host');
      for (const [port, bindings] of Object.entries(hc.PortBindings ?? {})) {
        for (const b of (bindings as { HostIp?: string }[] | null) ?? []) expect(b.HostIp, `${name} ${port} binding`).to.equal('127.0.0.1');
      }
      for (const [port, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
        for (const b of bindings ?? []) {
          published++;
          expect(b.HostIp, `${name} ${port} published`).to.equal('127.0.0.1');
        }
      }
    }
    expect(published, 'some ports are published (else this test proves nothing)').to.be.greaterThan(0);
  });

  it('SIGKILL leaves every resource behind; cleanup() finds them by label and removes all of them', async function () {
    const pid = { [LABEL_PID]: String(p.pid) };
    const before = await resourcesWith(pid);
    expect(count(before)).to.be.greaterThan(1);
    p.proc.kill('SIGKILL');
    const exit = await p.waitExit(10_000);
    expect(exit.signal).to.equal('SIGKILL');
    const left = await resourcesWith(pid);
    expect(left, 'a SIGKILLed process cannot clean up: everything is still there').to.deep.equal(before);

    // Scoped to this child (pid) and this test (label): never anyone else's.
    const removed = await cleanup({ ...pid, [TEST]: label });
    const names = (kind: 'container' | 'network'): string[] => removed.filter((r) => r.kind === kind).map((r) => r.name).sort();
    expect({ containers: names('container'), networks: names('network') }, 'what cleanup() reports').to.deep.equal(left);
    expect(await resourcesWith(pid), 'after cleanup()').to.deep.equal(NONE);
  });
});

describe('secrets', function () {
  this.timeout(180_000);
  afterEach(teardown);

  async function files(dir: string): Promise<string[]> {
    const out: string[] = [];
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) out.push(...(await files(p)));
      else if (e.isFile()) out.push(p);
    }
    return out;
  }

  it('the auth password is in no output, no report file, no recorded server log, and not in what docker inspect shows', async function () {
    const password = 'S3cret-pass-xyz';
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sentinel-chaos-secrets-'));
    const inspectFile = path.join(dir, 'inspect.jsonl');
    const p = child('auth-report.ts', { SC_TEST_LABEL: tag('auth'), SC_FIXTURE_PASSWORD: password, SC_FIXTURE_DIR: path.join(dir, 'reports'), SC_FIXTURE_INSPECT_FILE: inspectFile });
    const exit = await p.waitExit(170_000);
    expect(exit.code, p.output).to.equal(0);
    // Authentication really was in force: a failover with ACL users, and a run with requirepass, both passed.
    expect(p.stdout).to.match(/VERDICT auth-acl-\S+ pass/);
    expect(p.stdout).to.match(/VERDICT auth-requirepass-\S+ pass/);

    const written = await files(path.join(dir, 'reports'));
    expect(written.map((f) => path.basename(f))).to.include.members(['index.html', 'results.json', 'junit.xml', 'summary.md']);
    expect(written.length).to.be.at.least(10);
    for (const f of written) expect((await fs.readFile(f, 'utf8')).includes(password), `password in ${f}`).to.equal(false);
    expect(p.stdout.includes(password), 'password on stdout').to.equal(false);
    expect(p.stderr.includes(password), 'password on stderr').to.equal(false);
    const inspected = await fs.readFile(inspectFile, 'utf8');
    expect(inspected.split('\n').filter(Boolean).length, 'containers inspected').to.be.at.least(12);
    expect(inspected.includes(password), 'password in docker inspect (command, env, labels)').to.equal(false);

    // What was scanned is the real thing: server logs were recorded into the histories.
    const histories = written.filter((f) => f.includes(`${path.sep}history${path.sep}`));
    const logs = await Promise.all(histories.map(async (f) => (JSON.parse(await fs.readFile(f, 'utf8')) as { logs?: unknown[] }).logs?.length ?? 0));
    expect(logs.some((n) => n > 0), 'server logs in the histories').to.equal(true);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
