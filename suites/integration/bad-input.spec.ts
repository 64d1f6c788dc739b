/**
 * Bad input gives one clear error — one line that names what is wrong and the fix — within 10 s, and
 * leaves nothing running: no Docker engine, an image that cannot be had, invalid options, a startup
 * bound the machine cannot meet. And what a user could collide with: the harness publishes no fixed host
 * port (Docker picks a free one on 127.0.0.1 for every published port) and names everything after a
 * random topology id, so two topologies at once, or a port the harness uses inside its containers being
 * taken on the host, must not matter.
 *
 * Comparisons and removals are scoped to this run's labels (`sentinel-chaos.test=bad-input-<run>-<case>`)
 * or to a child's pid: other processes may use the same engine.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { Redis } from 'ioredis';
import { ConfigError } from '../../lib/config.ts';
import { runScenario } from '../../lib/scenario/runner.ts';
import type { Scenario } from '../../lib/scenario/scenario.ts';
import type { TopologyOptions } from '../../lib/topology/options.ts';
import { cleanup, LABEL_PID } from '../../lib/topology/docker.ts';
import { clientPort } from '../../lib/topology/layout.ts';
import { SentinelTopology, type StartedSentinelTopology } from '../../lib/topology/topology.ts';
import { Child, resourcesWith, type Resources } from './fixtures/child.ts';

const RUN = randomBytes(3).toString('hex');
const TEST = 'sentinel-chaos.test';
const NONE: Resources = { containers: [], networks: [] };
const ERROR_BOUND_MS = 10_000;

let used: string[] = [];
function tag(name: string): string {
  const t = `bad-input-${RUN}-${name}`;
  used.push(t);
  return t;
}
let children: Child[] = [];

/** Safety net for failed tests only: kill their children, remove what carries their own labels (never others'). */
async function teardown(): Promise<void> {
  await Promise.all(children.map((c) => c.kill()));
  for (const t of used) await cleanup({ [TEST]: t }).catch(() => []);
  children = [];
  used = [];
}

/** One line (no newline inside), naming the fix. */
function expectOneClearLine(message: string | undefined, ...mentions: RegExp[]): void {
  expect(message, 'an error message').to.be.a('string');
  const m = (message ?? '').trim();
  expect(m.split('\n'), `one line: ${m}`).to.have.length(1);
  for (const re of mentions) expect(m).to.match(re);
}

/** Every repository script a fix names must exist. */
function expectNamedScriptsExist(message: string): void {
  for (const script of message.match(/scripts\/[\w./-]+\.(?:sh|ts)/g) ?? []) expect(existsSync(script), `the fix names ${script}, which must exist`).to.equal(true);
}

function scenario(id: string, over: Partial<Scenario> = {}): Scenario {
  return {
    id,
    title: id,
    tags: ['bad-input'],
    description: '',
    expectation: '',
    schedule: [],
    durationMs: 500,
    failover: { expected: false },
    expect: () => {},
    ...over,
  };
}

describe('bad input: one clear error within 10 s, nothing left running', function () {
  this.timeout(120_000);
  afterEach(teardown);

  it('no Docker engine reachable (DOCKER_HOST=unix:///nonexistent.sock): exits 1 with one line naming the fix, starts nothing anywhere', async function () {
    const label = tag('no-docker');
    const p = new Child('start-topology.ts', { DOCKER_HOST: 'unix:///nonexistent.sock', SC_FIXTURE_ONCE: '1', SC_TEST_LABEL: label });
    children.push(p);
    // Not another engine than the one asked for: falling back to /var/run/docker.sock would hide the mistake.
    await Promise.race([p.exited, p.waitFor(/READY|progress: .*starting/, ERROR_BOUND_MS).catch(() => undefined)]);
    expect(p.stdout, 'a topology started on some other engine than DOCKER_HOST names').to.not.match(/READY|starting/);
    const exit = await p.waitExit(ERROR_BOUND_MS);
    expect(exit.code, p.output).to.equal(1);
    expectOneClearLine(p.stderr, /^error: /, /Docker/i, /DOCKER_HOST|nonexistent\.sock/, /Fix:/);
    expectNamedScriptsExist(p.stderr);
    expect(await resourcesWith({ [LABEL_PID]: String(p.pid) })).to.deep.equal(NONE);
    expect(await resourcesWith({ [TEST]: label })).to.deep.equal(NONE);
  });

  it('an image neither present locally nor pullable (sentinel-chaos/nope:1): one line naming the image and the fix', async function () {
    const label = tag('no-image');
    const t0 = performance.now();
    const r = await runScenario(scenario('bad-image', { topology: { images: { redis: 'sentinel-chaos/nope:1', sentinel: 'sentinel-chaos/nope:1', toxiproxy: new SentinelTopology().peek().images.toxiproxy }, labels: { [TEST]: label } } }), {
      runId: `bad-input-${RUN}`,
      seed: 1,
    });
    expect(performance.now() - t0).to.be.below(ERROR_BOUND_MS);
    expect(r.verdict).to.equal('error');
    expectOneClearLine(r.error, /sentinel-chaos\/nope:1/, /Fix:/);
    expectNamedScriptsExist(r.error ?? '');
    expect(await resourcesWith({ [TEST]: label })).to.deep.equal(NONE);
  });

  describe('invalid options are rejected before any container starts', function () {
    const topologyCases: { name: string; options: Partial<TopologyOptions>; error: RegExp }[] = [
      { name: 'replicas 0', options: { replicas: 0 }, error: /replicas=0/ },
      { name: 'replicas -1', options: { replicas: -1 }, error: /replicas=-1/ },
      { name: 'sentinels 0', options: { sentinels: 0, quorum: 1 }, error: /sentinels=0/ },
      { name: 'quorum 4 > sentinels 3', options: { sentinels: 3, quorum: 4 }, error: /quorum=4: must not exceed sentinels=3/ },
      { name: 'negative down-after', options: { downAfterMs: -1000 }, error: /downAfterMs=-1000/ },
      { name: 'negative failover timeout', options: { failoverTimeoutMs: -1 }, error: /failoverTimeoutMs=-1/ },
      { name: 'negative startup bound', options: { startupTimeoutMs: -5 }, error: /startupTimeoutMs=-5/ },
      { name: 'fractional replicas', options: { replicas: 1.5 }, error: /replicas=1.5/ },
      { name: 'no client groups', options: { clientGroups: 0 }, error: /clientGroups=0/ },
      { name: 'master name with a space', options: { masterName: 'my master' }, error: /masterName="my master"/ },
      { name: 'password with a space', options: { auth: { password: 'has a space' } }, error: /auth\.password/ },
    ];
    for (const c of topologyCases) {
      it(`topology ${c.name}: a ConfigError, through the topology and through a scenario run`, async function () {
        const label = tag(`opt-${c.name.replace(/\W+/g, '-')}`);
        const t0 = performance.now();
        const err = await new SentinelTopology()
          .with({ ...c.options, labels: { [TEST]: label } })
          .start()
          .then(
            (t) => t.stop().then(() => undefined),
            (e: unknown) => e,
          );
        expect(err).to.be.instanceOf(ConfigError);
        expectOneClearLine((err as Error).message, c.error, /must|use/);
        const r = await runScenario(scenario('bad-options', { topology: { ...c.options, labels: { [TEST]: label } } }), { runId: `bad-input-${RUN}`, seed: 1 });
        expect(r.verdict).to.equal('error');
        expectOneClearLine(r.error, c.error);
        expect(performance.now() - t0).to.be.below(ERROR_BOUND_MS);
        expect(await resourcesWith({ [TEST]: label })).to.deep.equal(NONE);
      });
    }

    const scenarioCases: { name: string; over: Partial<Scenario>; error: RegExp }[] = [
      { name: 'negative fault time', over: { schedule: [{ at: -1, fault: { name: 'x', kind: 'x', colour: '#7f7f7f', targets: [], inject: async () => {}, heal: async () => {} } }] }, error: /schedule\[0\]\.at=-1/ },
      { name: 'negative scenario duration', over: { durationMs: -5 }, error: /durationMs=-5/ },
      { name: 'negative workload rate', over: { workload: { workers: [{ rate: -10 }] } }, error: /rate=-10/ },
    ];
    for (const c of scenarioCases) {
      it(`scenario ${c.name}: an error result naming the field, no container started`, async function () {
        const label = tag(`scn-${c.name.replace(/\W+/g, '-')}`);
        const t0 = performance.now();
        const r = await runScenario(scenario('bad-scenario', { ...c.over, topology: { labels: { [TEST]: label } } }), { runId: `bad-input-${RUN}`, seed: 1 });
        expect(performance.now() - t0).to.be.below(ERROR_BOUND_MS);
        expect(r.verdict).to.equal('error');
        expectOneClearLine(r.error, c.error, /must be/);
        expect(await resourcesWith({ [TEST]: label })).to.deep.equal(NONE);
      });
    }
  });

  it('a startup bound the machine cannot meet (startupTimeoutMs 1000): one clear error, and nothing is left behind (also 3 s later)', async function () {
    const label = tag('startup-bound');
    const t0 = performance.now();
    const err = await new SentinelTopology()
      .with({ startupTimeoutMs: 1000, labels: { [TEST]: label } })
      .start()
      .then(
        (t) => t.stop().then(() => undefined),
        (e: unknown) => e,
      );
    if (err === undefined) this.skip(); // this machine started a whole topology within 1 s: nothing to test
    expect(performance.now() - t0).to.be.below(ERROR_BOUND_MS);
    expectOneClearLine((err as Error).message, /timed out after \d+ ms/);
    expect(await resourcesWith({ [TEST]: label }), 'right after the error').to.deep.equal(NONE);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await resourcesWith({ [TEST]: label }), '3 s after the error (in-flight creations)').to.deep.equal(NONE);
  });
});

describe('collisions: nothing fixed to collide with', function () {
  this.timeout(180_000);
  afterEach(teardown);

  /** Hold a host port on 127.0.0.1 if it is free (a taken one makes the same point). */
  function hold(port: number): Promise<net.Server | undefined> {
    return new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(undefined));
      s.listen(port, '127.0.0.1', () => resolve(s));
    });
  }

  function hostPorts(t: StartedSentinelTopology): number[] {
    return [...t.nodes.values()].flatMap((n) => [n.admin.port, ...Array.from({ length: t.options.clientGroups }, (_, g) => n.sidecar.getMappedPort(clientPort(g)))]);
  }

  it('two topologies started at once, with the ports used inside the containers held on the host: distinct names, networks and host ports; each serves its own data', async function () {
    const label = tag('parallel');
    // The ports the harness uses inside its containers (redis, sentinel, toxiproxy API, announced, client proxies).
    const held = (await Promise.all([6379, 26379, 8474, 7000, 7001, 9000, 9001].map(hold))).filter((s): s is net.Server => s !== undefined);
    const started: StartedSentinelTopology[] = [];
    try {
      const results = await Promise.allSettled([0, 1].map(() => new SentinelTopology().with({ labels: { [TEST]: label } }).start()));
      for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
      for (const r of results) if (r.status === 'rejected') throw r.reason;
      const [a, b] = started as [StartedSentinelTopology, StartedSentinelTopology];
      expect(a.id).to.not.equal(b.id);
      const ra = await resourcesWith({ 'sentinel-chaos.topology': a.id });
      const rb = await resourcesWith({ 'sentinel-chaos.topology': b.id });
      expect(ra.networks).to.have.length(1);
      expect(rb.networks).to.have.length(1);
      expect(ra.networks[0]).to.not.equal(rb.networks[0]);
      expect(ra.containers.filter((c) => rb.containers.includes(c))).to.deep.equal([]);
      const pa = hostPorts(a);
      const pb = hostPorts(b);
      expect(pa.filter((p) => pb.includes(p)), 'shared host ports').to.deep.equal([]);
      expect(new Set([...pa, ...pb]).size).to.equal(pa.length + pb.length);
      // Each one elects its own master and serves its own data through Sentinel.
      for (const [t, value] of [
        [a, 'written-to-a'],
        [b, 'written-to-b'],
      ] as const) {
        const c = new Redis(t.sentinelClientOptions(0, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 2000 }));
        c.on('error', () => {});
        try {
          await c.connect();
          await c.set('collision-key', value);
        } finally {
          c.disconnect();
        }
      }
      for (const [t, value] of [
        [a, 'written-to-a'],
        [b, 'written-to-b'],
      ] as const) {
        const { master } = await t.sentinelsMaster();
        expect(master).to.be.a('string');
        expect(await t.adminCall(master ?? '', 'GET', 'collision-key')).to.equal(value);
      }
    } finally {
      await Promise.allSettled(started.map((t) => t.stop()));
      for (const s of held) s.close();
    }
    expect(await resourcesWith({ [TEST]: label })).to.deep.equal(NONE);
  });
});
