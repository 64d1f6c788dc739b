/**
 * Link faults on real containers. "Isolate X" cuts ALL of X's links, both directions: X's replication link
 * to the master, every sentinel's link to X, X's links to every other node, and every host client group's
 * link to X — and nothing else. A one-sided cut X→Y leaves Y→X up. Heal restores everything.
 *
 * Reachability is probed from where the traffic starts: INFO / SENTINEL state for the servers' own links,
 * `redis-cli` run inside a node's container (its network namespace) for X→Y, and host clients through the
 * published client proxies. Addresses are the ones the servers announce (a node's name, or 127.0.0.1:<port> on
 * servers older than 6.2, layout.ts): run it with SC_REDIS_IMAGE set to an old image to see that every link
 * still goes through its own proxy there.
 */
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { CutLinks } from '../../lib/faults/cut-links.ts';
import { Isolate } from '../../lib/faults/isolate.ts';
import { execIn, remaining } from '../../lib/topology/docker.ts';
import { clientProxyName, linkProxyName } from '../../lib/topology/layout.ts';
import { pairs, parseInfo } from '../../lib/topology/ready.ts';
import { SentinelTopology, type StartedSentinelTopology } from '../../lib/topology/topology.ts';
import { eventually as poll } from './eventually.ts';

const eventually = <T>(what: string, probe: () => Promise<T | false | undefined>, timeoutMs = 15_000): Promise<T> =>
  poll(what, probe, timeoutMs, 100);

const X = 'redis-1';

/** Can `from` open a connection to `to` at its announced address (the link from→to), from inside `from`? */
async function reaches(t: StartedSentinelTopology, from: string, to: string): Promise<boolean> {
  const spec = t.spec(to);
  const auth = t.options.auth ? ['-a', t.options.auth.password, '--no-auth-warning'] : [];
  const r = await execIn(t.node(from).container.getId(), ['redis-cli', '-h', spec.announceHost, '-p', String(spec.announcedPort), ...auth, 'PING']);
  return r.exitCode === 0 && /PONG/.test(r.output);
}

/** Can a host client of `group` reach `node` through its client proxy? */
async function clientReaches(t: StartedSentinelTopology, node: string, group: number): Promise<boolean> {
  const c = new Redis(t.directClientOptions(node, group, { lazyConnect: true, connectTimeout: 500, commandTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false }));
  c.on('error', () => {});
  try {
    await c.connect();
    return (await c.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    c.disconnect();
  }
}

async function replication(t: StartedSentinelTopology, node: string): Promise<Record<string, string>> {
  return parseInfo(await t.adminCall<string>(node, 'INFO', 'replication'));
}

/** The flags sentinel `s` has for node `n` (the master, a replica or another sentinel). */
async function flagsOf(t: StartedSentinelTopology, s: string, n: string): Promise<string> {
  const m = t.masterName;
  if (n === 'redis-0') return pairs(await t.adminCall(s, 'SENTINEL', 'MASTER', m))['flags'] ?? '';
  const kind = t.spec(n).kind === 'redis' ? 'REPLICAS' : 'SENTINELS';
  const entries = ((await t.adminCall(s, 'SENTINEL', kind, m)) as unknown[]).map(pairs);
  const e = entries.find((x) => x['ip'] === t.spec(n).announceHost && Number(x['port']) === t.spec(n).announcedPort);
  if (!e) throw new Error(`${s} does not know ${n}`);
  return e['flags'] ?? '';
}

/** Every disabled proxy in every sidecar, as "<sidecar of>:<proxy>". */
async function disabledProxies(t: StartedSentinelTopology): Promise<string[]> {
  const out: string[] = [];
  for (const n of t.nodes.values()) {
    for (const [name, p] of Object.entries(await n.toxiproxy.getAll())) if (!p.enabled) out.push(`${n.spec.name}:${name}`);
  }
  return out.sort();
}

describe('links on real containers', function () {
  this.timeout(120_000);
  let t: StartedSentinelTopology;

  before(async function () {
    t = await new SentinelTopology().start();
  });

  afterEach(async function () {
    if (t) await Promise.all([...t.nodes.values()].map((n) => n.toxiproxy.reset()));
  });

  after(async function () {
    if (!t) return;
    await t.stop();
    expect(await remaining(t.id), 'containers / networks left after stop()').to.deep.equal([]);
  });

  it('before any fault, every node reaches every other node, and every client group every node', async function () {
    process.stderr.write(`      (${t.serverVersion}; nodes announced as ${t.spec(X).announceHost}:${t.spec(X).announcedPort} ...)\n`);
    const names = t.specs.map((s) => s.name);
    for (const from of [X, 'sentinel-0']) {
      for (const to of names.filter((n) => n !== from)) expect(await reaches(t, from, to), `${from}→${to}`).to.equal(true);
    }
    for (let k = 0; k < t.options.clientGroups; k++) expect(await clientReaches(t, X, k), `client:${k}→${X}`).to.equal(true);
    expect(await disabledProxies(t)).to.deep.equal([]);
  });

  it(`isolating ${X} cuts all of its links, both directions, and nothing else; heal restores them`, async function () {
    const others = t.specs.map((s) => s.name).filter((n) => n !== X);
    const groups = Array.from({ length: t.options.clientGroups }, (_, k) => k);
    const fault = new Isolate(X);
    await fault.inject(t);

    // Exactly X's proxies are off: to-X in every other sidecar, to-Y (Y ≠ X) and client-k in X's own.
    expect(await disabledProxies(t)).to.deep.equal(
      [...others.map((o) => `${o}:${linkProxyName(X)}`), ...others.map((o) => `${X}:${linkProxyName(o)}`), ...groups.map((k) => `${X}:${clientProxyName(k)}`)].sort(),
    );
    // X's replication link to the master goes down; the master loses it, keeps the other replica.
    await eventually(`${X}'s master link down`, async () => (await replication(t, X))['master_link_status'] === 'down');
    expect((await replication(t, 'redis-0'))['connected_slaves']).to.equal('1');
    expect((await replication(t, 'redis-2'))['master_link_status']).to.equal('up');
    // X reaches no other node.
    for (const o of others) expect(await reaches(t, X, o), `${X}→${o}`).to.equal(false);
    // No other node reaches X (probed from another redis node and from a sentinel's namespace).
    for (const o of ['redis-0', 'sentinel-1']) expect(await reaches(t, o, X), `${o}→${X}`).to.equal(false);
    // Host clients of every group cannot reach X; they still reach the others.
    for (const k of groups) {
      expect(await clientReaches(t, X, k), `client:${k}→${X}`).to.equal(false);
      expect(await clientReaches(t, 'redis-2', k), `client:${k}→redis-2`).to.equal(true);
    }
    // Every sentinel sees X down (s_down), and only X: the master stays healthy.
    await eventually(`every sentinel flags ${X} s_down`, async () =>
      (await Promise.all(t.sentinelNames().map((s) => flagsOf(t, s, X)))).every((f) => /s_down/.test(f)),
    );
    for (const s of t.sentinelNames()) expect(await flagsOf(t, s, 'redis-0'), `${s} on redis-0`).to.not.match(/s_down/);

    await fault.heal(t);
    expect(await disabledProxies(t)).to.deep.equal([]);
    await eventually(`${X}'s master link up again`, async () => (await replication(t, X))['master_link_status'] === 'up');
    for (const o of others) expect(await reaches(t, X, o), `${X}→${o} after heal`).to.equal(true);
    expect(await reaches(t, 'sentinel-1', X), `sentinel-1→${X} after heal`).to.equal(true);
    for (const k of groups) expect(await clientReaches(t, X, k), `client:${k}→${X} after heal`).to.equal(true);
    await eventually(`every sentinel clears s_down on ${X}`, async () =>
      (await Promise.all(t.sentinelNames().map((s) => flagsOf(t, s, X)))).every((f) => !/s_down|disconnected/.test(f)),
    );
  });

  it('a one-sided cut sentinel-0→redis-0 blinds sentinel-0 only; redis-0→sentinel-0 stays up; heal restores it', async function () {
    const fault = new CutLinks([{ from: 'sentinel-0', to: 'redis-0' }]);
    await fault.inject(t);
    expect(await disabledProxies(t)).to.deep.equal([`sentinel-0:${linkProxyName('redis-0')}`]);
    expect(await reaches(t, 'sentinel-0', 'redis-0'), 'sentinel-0→redis-0').to.equal(false);
    expect(await reaches(t, 'redis-0', 'sentinel-0'), 'redis-0→sentinel-0 (the other direction)').to.equal(true);

    await eventually('sentinel-0 flags redis-0 s_down', async () => /s_down/.test(await flagsOf(t, 'sentinel-0', 'redis-0')));
    // For a while longer than down-after, the other two sentinels keep seeing the master healthy (so no quorum).
    const until = Date.now() + 2 * t.options.downAfterMs + 500;
    while (Date.now() < until) {
      for (const s of ['sentinel-1', 'sentinel-2']) expect(await flagsOf(t, s, 'redis-0'), `${s} on redis-0`).to.not.match(/s_down|o_down/);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(/o_down/.test(await flagsOf(t, 'sentinel-0', 'redis-0')), 'one sentinel is not a quorum').to.equal(false);
    expect((await t.sentinelsMaster()).master).to.equal('redis-0');

    await fault.heal(t);
    expect(await disabledProxies(t)).to.deep.equal([]);
    expect(await reaches(t, 'sentinel-0', 'redis-0'), 'sentinel-0→redis-0 after heal').to.equal(true);
    await eventually('sentinel-0 clears s_down on redis-0', async () => !/s_down|disconnected/.test(await flagsOf(t, 'sentinel-0', 'redis-0')));
  });
});
