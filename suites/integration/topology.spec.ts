/**
 * The topology on real containers: it starts ready, replicates, the sentinels agree, the sentinels' links
 * to the master really go through proxies, bad options fail before any container exists, ports are
 * published on loopback only, nothing is privileged, and stop() leaves nothing behind. Also the pieces
 * around it: the config upload's archive (tar-stream) and the per-start reaper choice (reaper.ts).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { extract } from 'tar-stream';
import { ImageName, LABEL_TESTCONTAINERS_SESSION_ID } from 'testcontainers';
import { getReaperImage } from 'testcontainers/build/reaper/reaper.js';
import { Redis } from 'ioredis';
import { ConfigError } from '../../lib/config.ts';
import { archive, containerEvents, docker, inspectTopology, remaining } from '../../lib/topology/docker.ts';
import { linkProxyName } from '../../lib/topology/layout.ts';
import { pairs } from '../../lib/topology/ready.ts';
import { SentinelTopology, type StartedSentinelTopology } from '../../lib/topology/topology.ts';
import type { TopologyOptions } from '../../lib/topology/options.ts';
import { eventually } from './eventually.ts';

describe('topology on real containers', function () {
  this.timeout(120_000);
  let t: StartedSentinelTopology;
  const clients: Redis[] = [];

  let sinceS = 0;

  before(async function () {
    sinceS = Math.floor(Date.now() / 1000) - 1;
    t = await new SentinelTopology().start();
  });

  after(async function () {
    for (const c of clients) c.disconnect();
    if (!t) return;
    await t.stop();
    expect(await remaining(t.id), 'containers / networks left after stop()').to.deep.equal([]);
  });

  it('starts 1 master, 2 replicas and 3 sentinels, each beside its own sidecar, ready', async function () {
    expect([...t.nodes.keys()].sort()).to.deep.equal(['redis-0', 'redis-1', 'redis-2', 'sentinel-0', 'sentinel-1', 'sentinel-2']);
    const r = t.readyTimings;
    expect(r.replicationMs).to.be.greaterThan(0);
    expect(r.streamingMs, 'the stream is acknowledged after the link is up').to.be.at.least(r.replicationMs);
    expect(r.sentinelsMs, 'ready only once the stream flows').to.be.at.least(r.streamingMs);
    const infos = await inspectTopology(t.id);
    expect(infos).to.have.length(12);
    expect(infos.every((i) => i.State.Running), 'every container running').to.equal(true);
    for (const n of t.nodes.values()) {
      const server = infos.find((i) => i.Id === n.container.getId());
      expect(server?.HostConfig.NetworkMode, `${n.spec.name} shares its sidecar's network namespace`).to.equal(`container:${n.sidecar.getId()}`);
    }
    const roles = await Promise.all(t.redisNames().map(async (n) => String(await t.adminCall(n, 'ROLE').then((x) => (x as unknown[])[0]))));
    expect(roles).to.deep.equal(['master', 'slave', 'slave']);
  });

  it('a write through the Sentinel client is readable on both replicas (through their client proxies)', async function () {
    const key = `topology-spec:${randomBytes(4).toString('hex')}`;
    const writer = new Redis(t.sentinelClientOptions(0, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 }));
    clients.push(writer);
    writer.on('error', () => {});
    await writer.connect();
    await writer.set(key, 'v1');
    expect(await writer.wait(2, 5000), 'replicas that acknowledged').to.equal(2);
    for (const replica of ['redis-1', 'redis-2']) {
      const reader = new Redis(t.directClientOptions(replica, 1, { lazyConnect: true, maxRetriesPerRequest: 1 }));
      clients.push(reader);
      reader.on('error', () => {});
      await reader.connect();
      expect(await reader.get(key), `read on ${replica}`).to.equal('v1');
      const role = (await reader.call('ROLE')) as unknown[];
      expect(role[0], `${replica} is a replica`).to.equal('slave');
    }
  });

  it('SENTINEL get-master-addr-by-name agrees on all three sentinels: redis-0 at its announced address', async function () {
    const answers = await Promise.all(t.sentinelNames().map((s) => t.adminCall<string[]>(s, 'SENTINEL', 'get-master-addr-by-name', t.masterName)));
    expect(answers).to.deep.equal([
      ['redis-0', '7000'],
      ['redis-0', '7000'],
      ['redis-0', '7000'],
    ]);
    expect((await t.sentinelsMaster()).agree).to.equal(3);
  });

  it('publishes ports on 127.0.0.1 only', async function () {
    const infos = await inspectTopology(t.id);
    let published = 0;
    for (const i of infos) {
      for (const list of Object.values(i.HostConfig.PortBindings ?? {})) {
        for (const b of (list as { HostIp?: string }[] | null) ?? []) expect(b.HostIp, `${i.Name} binding`).to.equal('127.0.0.1');
      }
      for (const list of Object.values(i.NetworkSettings.Ports ?? {})) {
        for (const b of list ?? []) {
          published++;
          expect(b.HostIp, `${i.Name} published port`).to.equal('127.0.0.1');
        }
      }
    }
    // Each sidecar: toxiproxy API, the node's real (admin) port, and one port per client group.
    expect(published).to.equal(6 * (2 + t.options.clientGroups));
  });

  it('runs no privileged container and adds no capabilities', async function () {
    for (const i of await inspectTopology(t.id)) {
      expect(i.HostConfig.Privileged, i.Name).to.equal(false);
      expect(i.HostConfig.CapAdd ?? [], i.Name).to.deep.equal([]);
    }
  });

  it('a killed and restarted node comes back with the config it rewrote (redis node and sentinel)', async function () {
    await t.adminCall('redis-2', 'CONFIG', 'SET', 'maxmemory-samples', '7');
    await t.adminCall('redis-2', 'CONFIG', 'REWRITE');
    const myid = await t.adminCall<string>('sentinel-2', 'SENTINEL', 'MYID');
    await t.adminCall('sentinel-2', 'SENTINEL', 'SET', t.masterName, 'parallel-syncs', '2');
    for (const n of ['redis-2', 'sentinel-2']) {
      await t.act(n, 'kill');
      await t.act(n, 'start');
    }
    const samples = await eventually('redis-2 back', async () => ((await t.adminCall<string[]>('redis-2', 'CONFIG', 'GET', 'maxmemory-samples')) ?? [])[1]);
    expect(samples).to.equal('7');
    expect((await t.adminCall<string[]>('redis-2', 'ROLE'))[0], 'still a replica').to.equal('slave');
    const master = await eventually('sentinel-2 back', async () => pairs(await t.adminCall('sentinel-2', 'SENTINEL', 'MASTER', t.masterName)));
    expect(master['parallel-syncs']).to.equal('2');
    expect(await t.adminCall('sentinel-2', 'SENTINEL', 'MYID')).to.equal(myid);
    await eventually('redis-2 replicating again', async () => /master_link_status:up/.test(await t.adminCall<string>('redis-2', 'INFO', 'replication')));
  });

  it('disabling the sentinels\' links to the master makes every sentinel flag it s_down, while it is up', async function () {
    // Proxy to-redis-0 in each sentinel's sidecar carries that sentinel's link to the master.
    await Promise.all(
      t.sentinelNames().map(async (s) => {
        const tp = t.node(s).toxiproxy;
        await tp.api.post(`${tp.host}/proxies/${linkProxyName('redis-0')}`, { enabled: false });
      }),
    );
    const flags = await eventually(
      's_down on redis-0 from every sentinel',
      async () => {
        const all = await Promise.all(t.sentinelNames().map(async (s) => pairs(await t.adminCall(s, 'SENTINEL', 'MASTER', t.masterName))['flags'] ?? ''));
        return all.every((f) => /s_down/.test(f)) && all;
      },
      15_000,
    );
    expect(flags).to.have.length(3);
    // The master itself is fine: only the links were cut.
    expect(await t.adminCall('redis-0', 'PING')).to.equal('PONG');
    await Promise.all(t.sentinelNames().map((s) => t.node(s).toxiproxy.reset()));
  });

  it('carries Ryuk\'s session label exactly where Ryuk can run (its image is here), none otherwise', async function () {
    const client = await docker();
    const ryuk = process.env['TESTCONTAINERS_RYUK_DISABLED'] !== 'true' && (await client.image.exists(ImageName.fromString(getReaperImage())));
    const infos = await inspectTopology(t.id);
    const labelled = infos.filter((i) => LABEL_TESTCONTAINERS_SESSION_ID in (i.Config.Labels ?? {}));
    expect(labelled.length, `containers with Ryuk's label (Ryuk available: ${ryuk})`).to.equal(ryuk ? infos.length : 0);
  });

  it('stop() removes every container, the network and the data volume, and is idempotent', async function () {
    const id = t.id;
    expect(await remaining(id), '12 containers, the network and the data volume').to.have.length(14);
    await Promise.all([t.stop(), t.stop()]);
    await t.stop();
    expect(await remaining(id)).to.deep.equal([]);
    // Docker's event log: 12 containers created, and the same 12 destroyed.
    const events = await containerEvents(`sentinel-chaos.topology=${id}`, sinceS, Math.ceil(Date.now() / 1000) + 1);
    const ids = (action: string): string[] => events.filter((e) => e.Action === action).map((e) => e.Actor?.ID ?? '').sort();
    expect(ids('create')).to.have.length(12);
    expect(ids('destroy')).to.deep.equal(ids('create'));
  });
});

describe('topology options', function () {
  this.timeout(30_000);

  const bad: { name: string; options: Partial<TopologyOptions>; names: RegExp }[] = [
    { name: 'replicas 0', options: { replicas: 0 }, names: /replicas=0/ },
    { name: 'quorum > sentinels', options: { sentinels: 3, quorum: 4 }, names: /quorum=4.*sentinels=3/ },
    { name: 'negative down-after', options: { downAfterMs: -1 }, names: /downAfterMs=-1/ },
    { name: 'sentinels 0', options: { sentinels: 0, quorum: 1 }, names: /sentinels=0/ },
    { name: 'short password', options: { auth: { password: 'short' } }, names: /auth\.password/ },
  ];

  for (const c of bad) {
    it(`rejects ${c.name} with a one-line ConfigError before any container starts`, async function () {
      const mark = randomBytes(4).toString('hex');
      const sinceS = Math.floor(Date.now() / 1000) - 1;
      const started = Date.now();
      const err = await new SentinelTopology()
        .with({ ...c.options, labels: { 'sentinel-chaos.test': mark } })
        .start()
        .then(
          (t) => t.stop().then(() => undefined),
          (e: unknown) => e,
        );
      expect(err, 'start() rejects').to.be.instanceOf(ConfigError);
      const message = (err as ConfigError).message;
      expect(message).to.match(c.names);
      expect(message).to.match(/must|use|give/);
      expect(message.includes('\n'), 'one line').to.equal(false);
      expect(Date.now() - started, 'rejected up front, without Docker work').to.be.below(2000);
      // Not a container was created (and removed again): Docker's own event log says so.
      const events = await containerEvents(`sentinel-chaos.test=${mark}`, sinceS, Math.ceil(Date.now() / 1000));
      expect(events.map((e) => e.Action)).to.deep.equal([]);
      const d = (await docker()).container.dockerode;
      const filters = { label: [`sentinel-chaos.test=${mark}`] };
      expect(await d.listContainers({ all: true, filters })).to.deep.equal([]);
      expect(await d.listNetworks({ filters })).to.deep.equal([]);
    });
  }
});

describe('topology pieces: config archive, reaper choice', function () {
  it('the config upload archive holds each directory and file with its mode and content (tar-stream)', async function () {
    const entries = [
      { path: '/data/redis-0', mode: 0o777 },
      { path: '/data/redis-0/redis.conf', mode: 0o666, content: 'port 6379\nreplica-announce-ip "redis-0"\n' },
      { path: 'data/sentinel-0/sentinel.conf', mode: 0o640, content: '' },
    ];
    const seen: { name: string; type: string; mode: number; content: string }[] = [];
    const ex = extract();
    ex.on('entry', (h, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => void chunks.push(c as Buffer));
      stream.on('end', () => {
        seen.push({ name: h.name, type: h.type, mode: h.mode, content: Buffer.concat(chunks).toString('utf8') });
        next();
      });
    });
    const done = new Promise<void>((resolve, reject) => ex.on('finish', () => resolve()).on('error', reject));
    ex.end(await archive(entries));
    await done;
    expect(seen).to.deep.equal([
      { name: 'data/redis-0', type: 'directory', mode: 0o777, content: '' },
      { name: 'data/redis-0/redis.conf', type: 'file', mode: 0o666, content: 'port 6379\nreplica-announce-ip "redis-0"\n' },
      { name: 'data/sentinel-0/sentinel.conf', type: 'file', mode: 0o640, content: '' },
    ]);
  });

  it('importing the harness leaves TESTCONTAINERS_RYUK_DISABLED alone (other testcontainers users keep Ryuk)', function () {
    const env = { ...process.env };
    delete env['TESTCONTAINERS_RYUK_DISABLED'];
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "await import('./lib/topology/topology.ts'); console.log(process.env.TESTCONTAINERS_RYUK_DISABLED ?? 'unset')"],
      { env, encoding: 'utf8' },
    );
    expect(out.trim()).to.equal('unset');
  });
});
