/**
 * SentinelTopology (builder) → start() → StartedSentinelTopology → stop() (idempotent).
 *
 * 1 master + N replicas + M sentinels, each in the network namespace of its own toxiproxy sidecar, on a
 * private Docker network per topology. See layout.ts for the link design.
 *
 * Bring-up order (see ready.ts for why Redis and Sentinel make order matter): every container is created
 * up front and every sidecar started at once. The master starts as soon as its sidecar has its proxies;
 * each replica when its sidecar is ready and the master answers. The sentinels start as soon as their own
 * sidecars are ready, with their links to the redis nodes held closed (proxy disabled) until every
 * replica's link is up: their first INFO of each node then already shows the replication as it is, and
 * with `bootPingPeriodMs` they retry the closed links every 100 ms. With `bootPingPeriodMs: 0` the
 * sentinels instead start only after the replication is up. `start()` returns when the topology is ready.
 */
import { randomBytes } from 'node:crypto';
import { debuglog } from 'node:util';
import { Toxiproxy } from 'toxiproxy-node-client';
import { Redis, type RedisOptions } from 'ioredis';
import { now, sleep, waitFor } from '../clock.ts';
import {
  clientPort,
  confPath,
  DATA_DIR,
  linkProxyName,
  nodeCommand,
  nodeDir,
  nodeSpecs,
  redisConf,
  sentinelConf,
  sidecarHosts,
  sidecarProxies,
  TOXIPROXY_API_PORT,
  type NodeSpec,
} from './layout.ts';
import { defaultTopologyOptions, validateTopologyOptions, type TopologyOptions } from './options.ts';
import {
  cleanup,
  containerAction,
  ContainerHandle,
  createContainer,
  createNetwork,
  createVolume,
  ensureImage,
  LABEL,
  LABEL_PID,
  LABEL_TOPOLOGY,
  loopbackPorts,
  putFiles,
  removeContainer,
  removeNetwork,
  removeVolume,
  startContainer,
  type ArchiveEntry,
  type ContainerAction,
} from './docker.ts';
import { register, unregister } from './registry.ts';
import { answers, pairs, poll, replicationUp, sentinelsReady, type ReadyTimings } from './ready.ts';

export type Progress = (message: string) => void;

/** Bring-up timeline, ms from start(): NODE_DEBUG=sentinel-chaos-topology. */
const debug = debuglog('sentinel-chaos-topology');

export class SentinelTopology {
  private readonly options: TopologyOptions = defaultTopologyOptions();
  private progress: Progress = () => {};

  /** Set any option; see TopologyOptions for defaults. */
  with(options: Partial<TopologyOptions>): this {
    Object.assign(this.options, options);
    return this;
  }
  withReplicas(n: number): this {
    return this.with({ replicas: n });
  }
  withSentinels(n: number, quorum = this.options.quorum): this {
    return this.with({ sentinels: n, quorum });
  }
  withDownAfter(ms: number): this {
    return this.with({ downAfterMs: ms });
  }
  /** The options as they stand (a copy). */
  peek(): TopologyOptions {
    return structuredClone(this.options);
  }
  withProgress(progress: Progress): this {
    this.progress = progress;
    return this;
  }

  /** Validate (a ConfigError before anything is created), start every container, and wait until ready. */
  async start(): Promise<StartedSentinelTopology> {
    const o = structuredClone(this.options);
    validateTopologyOptions(o);
    const id = randomBytes(4).toString('hex');
    const t0 = now();
    const progress = this.progress;
    const images = [...new Set([o.images.redis, o.images.sentinel, o.images.toxiproxy])];
    const labels = { ...o.labels, [LABEL]: 'true', [LABEL_TOPOLOGY]: id, [LABEL_PID]: String(process.pid) };
    const name = `sentinel-chaos-${id}`;
    // The network and the data volume are created while the images are checked; a failure removes them again.
    const made = await Promise.allSettled([createNetwork(name, labels), createVolume(name, labels), Promise.all(images.map(ensureImage))]);
    const failed = made.find((r) => r.status === 'rejected');
    if (failed) {
      const [network, volume] = made;
      if (network.status === 'fulfilled') await removeNetwork(network.value).catch(() => {});
      if (volume.status === 'fulfilled') await removeVolume(volume.value).catch(() => {});
      throw failed.reason;
    }
    const networkId = (made[0] as PromiseFulfilledResult<string>).value;
    const started = new StartedSentinelTopology(id, o, { networkId, volume: name }, labels);
    register(started);
    try {
      progress(`topology ${id}: starting ${started.specs.length} nodes and ${started.specs.length} sidecars`);
      const timings = await started.bringUp(name, t0);
      progress(
        `topology ${id}: ready in ${Math.round(timings.sentinelsMs)} ms (containers ${Math.round(timings.containersMs)} ms, replication ${Math.round(timings.replicationMs)} ms)`,
      );
      return started;
    } catch (err) {
      await started.stop().catch(() => {});
      throw err;
    }
  }
}

/** A container as the rest of the harness sees it. */
export type NodeContainer = Pick<ContainerHandle, 'getId' | 'getName' | 'getHost' | 'getMappedPort'>;

/** A running node: its container, its sidecar, and its toxiproxy API. */
export interface StartedNode {
  spec: NodeSpec;
  image: string;
  container: NodeContainer;
  sidecar: NodeContainer;
  toxiproxy: Toxiproxy;
  /** Direct (never faulted) address of the server on the host, for the harness's observers. */
  admin: { host: string; port: number };
}

export class StartedSentinelTopology {
  readonly specs: NodeSpec[];
  readonly nodes = new Map<string, StartedNode>();
  readyTimings: ReadyTimings & { containersMs: number } = { containersMs: 0, replicationMs: 0, sentinelsMs: 0 };
  readonly id: string;
  readonly options: TopologyOptions;
  private readonly networkId: string;
  /** The data volume every server mounts at DATA_DIR (see layout.ts). */
  private readonly volume: string;
  private readonly labels: Record<string, string>;
  private readonly admins = new Map<string, Redis>();
  /** Every container created, as soon as it exists (sidecar before its server), so stop() finds them all. */
  private readonly created: { node: string; role: 'sidecar' | 'server'; handle: ContainerHandle }[] = [];
  /** Aborted on the first bring-up failure or on stop(): the bring-up stops at its next step. */
  private readonly abort = new AbortController();
  private bringingUp: Promise<unknown> | undefined;
  private stopped: Promise<void> | undefined;

  constructor(id: string, options: TopologyOptions, resources: { networkId: string; volume: string }, labels: Record<string, string>) {
    this.id = id;
    this.options = options;
    this.networkId = resources.networkId;
    this.volume = resources.volume;
    this.labels = labels;
    this.specs = nodeSpecs(options, id);
  }

  get masterName(): string {
    return this.options.masterName;
  }
  redisNames(): string[] {
    return this.specs.filter((s) => s.kind === 'redis').map((s) => s.name);
  }
  sentinelNames(): string[] {
    return this.specs.filter((s) => s.kind === 'sentinel').map((s) => s.name);
  }
  node(name: string): StartedNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no node named ${name}; nodes: ${[...this.nodes.keys()].join(', ')}`);
    return n;
  }
  spec(name: string): NodeSpec {
    const s = this.specs.find((x) => x.name === name);
    if (!s) throw new Error(`no node named ${name}`);
    return s;
  }

  /** Node name for an address as Sentinel announces it ("redis-1", 7001) — or undefined. */
  nameOf(host: string, port: number | string): string | undefined {
    return this.specs.find((s) => s.name === host && s.announcedPort === Number(port))?.name;
  }

  /**
   * @internal Create, start and wait for every container (see the order in the header comment).
   * Every step runs to completion or to the first failure before this returns, so stop() never races it.
   */
  async bringUp(networkName: string, t0: number): Promise<ReadyTimings & { containersMs: number }> {
    const deadline = t0 + this.options.startupTimeoutMs;
    const steps = new Steps(this.abort, deadline, `timed out after ${this.options.startupTimeoutMs} ms starting the topology (startupTimeoutMs)`);
    const { signal } = this.abort;
    const trace = (what: string, ...args: unknown[]): void => debug(`%s +%d ${what}`, this.id, Math.round(now() - t0), ...args);
    const [master, ...replicas] = this.specs.filter((s) => s.kind === 'redis');
    if (!master) throw new Error('no redis node');
    const serverStarted: number[] = [];

    // Every container is created at once, and each sidecar started as soon as it exists.
    const sidecars = new Map(this.specs.map((spec) => [spec.name, steps.add(this.createSidecar(spec, networkName))]));
    const servers = new Map(
      this.specs.map((spec) => [
        spec.name,
        steps.add(at(sidecars, spec).then((sc) => this.createServer(spec, sc)).finally(() => trace('server %s created', spec.name))),
      ]),
    );
    const proxies = new Map(
      this.specs.map((spec) => [
        spec.name,
        steps.add(at(sidecars, spec).then((sc) => this.startSidecar(spec, sc)).finally(() => trace('sidecar %s ready', spec.name))),
      ]),
    );
    // Every node's directory and config file, in one upload to the shared volume (through the master's server).
    const configured = steps.add(at(servers, master).then((server) => putFiles(server.getId(), this.dataFiles())));
    /** Start a server once its sidecar, the config files and everything in `after` are there; wait until it answers. */
    const startServer = async (spec: NodeSpec, after: Promise<unknown>[]): Promise<void> => {
      const [server, sidecar, toxiproxy] = await Promise.all([at(servers, spec), at(sidecars, spec), at(proxies, spec), configured, ...after]);
      signal.throwIfAborted();
      const admin = { host: '127.0.0.1', port: sidecar.getMappedPort(spec.realPort) };
      const image = spec.kind === 'redis' ? this.options.images.redis : this.options.images.sentinel;
      this.nodes.set(spec.name, { spec, image, container: server, sidecar, toxiproxy, admin });
      await startContainer(server.getId());
      serverStarted.push(now());
      trace('started %s', spec.name);
      await poll(`${spec.name} to answer`, () => answers(admin.host, admin.port), { deadline, intervalMs: 10, signal });
    };

    const masterUp = steps.add(startServer(master, []));
    const replicasUp = replicas.map((r) => steps.add(startServer(r, [masterUp])));
    const replication = steps.add(
      Promise.all(replicasUp)
        .then(() => replicationUp(this, deadline, signal))
        .finally(() => trace('replication up')),
    );
    const gated = this.gatesSentinels();
    const sentinelsUp = this.specs
      .filter((s) => s.kind === 'sentinel')
      .map((s) =>
        steps.add(
          (async () => {
            await startServer(s, gated ? [] : [replication]);
            await this.bootSentinel(s.name);
            if (gated) await replication.then(() => this.openSentinelLinks(s));
          })(),
        ),
      );
    const ready = steps.add(
      Promise.all(sentinelsUp)
        .then(() => sentinelsReady(this, deadline, signal))
        .finally(() => trace('sentinels ready')),
    );
    this.bringingUp = steps.settled();
    await steps.done();
    const [replicationAt, readyAt] = await Promise.all([replication, ready]);
    await this.afterBoot();
    this.readyTimings = {
      containersMs: Math.max(...serverStarted) - t0,
      replicationMs: replicationAt - t0,
      sentinelsMs: readyAt - t0,
    };
    return this.readyTimings;
  }

  /** Create a node's sidecar (not started): the toxiproxy whose network namespace the node will share. */
  private async createSidecar(spec: NodeSpec, networkName: string): Promise<ContainerHandle> {
    const o = this.options;
    const clientPorts = Array.from({ length: o.clientGroups }, (_, k) => clientPort(k));
    const { ExposedPorts, PortBindings } = loopbackPorts([TOXIPROXY_API_PORT, spec.realPort, ...clientPorts]);
    this.abort.signal.throwIfAborted();
    const sidecar = await createContainer({
      name: `sc-${this.id}-px-${spec.name}`,
      Image: o.images.toxiproxy,
      Cmd: ['-host', '0.0.0.0', '-port', String(TOXIPROXY_API_PORT)],
      Labels: { ...this.labels, 'sentinel-chaos.role': 'sidecar', 'sentinel-chaos.node': spec.name },
      ExposedPorts,
      HostConfig: {
        NetworkMode: networkName,
        PortBindings,
        ExtraHosts: sidecarHosts(this.specs).map((h) => `${h.host}:${h.ipAddress}`),
      },
      NetworkingConfig: { EndpointsConfig: { [networkName]: { Aliases: [spec.sidecar] } } },
    });
    this.created.push({ node: spec.name, role: 'sidecar', handle: sidecar });
    return sidecar;
  }

  /** Create a node's server (not started) in its sidecar's network namespace, with the data volume mounted. */
  private async createServer(spec: NodeSpec, sidecar: ContainerHandle): Promise<ContainerHandle> {
    const o = this.options;
    const image = spec.kind === 'redis' ? o.images.redis : o.images.sentinel;
    this.abort.signal.throwIfAborted();
    const server = await createContainer({
      name: `sc-${this.id}-${spec.name}`,
      Image: image,
      Cmd: nodeCommand(spec, image),
      Labels: { ...this.labels, 'sentinel-chaos.role': spec.kind, 'sentinel-chaos.node': spec.name },
      HostConfig: {
        NetworkMode: `container:${sidecar.getId()}`,
        Mounts: [{ Type: 'volume', Source: this.volume, Target: DATA_DIR }],
      },
    });
    this.created.push({ node: spec.name, role: 'server', handle: server });
    return server;
  }

  /** Every node's directory (writable by any user: official images run as `redis`) and config file. */
  private dataFiles(): ArchiveEntry[] {
    return this.specs.flatMap((spec) => [
      { path: nodeDir(spec), mode: 0o777 },
      { path: confPath(spec), mode: 0o666, content: spec.kind === 'redis' ? redisConf(spec, this.specs, this.options) : sentinelConf(spec, this.specs, this.options) },
    ]);
  }

  /** Whether sentinels start beside the redis nodes with their links to them held closed (see the header). */
  private gatesSentinels(): boolean {
    return this.options.bootPingPeriodMs > 0;
  }

  /** A sidecar's proxies at start: a sentinel's links to the redis nodes are held closed while gated. */
  private bootProxies(spec: NodeSpec): ReturnType<typeof sidecarProxies> {
    const proxies = sidecarProxies(spec, this.specs, this.options.clientGroups);
    if (spec.kind !== 'sentinel' || !this.gatesSentinels()) return proxies;
    const redis = new Set(this.redisNames().map(linkProxyName));
    return proxies.map((p) => (redis.has(p.name) ? { ...p, enabled: false } : p));
  }

  /** Open a sentinel's links to the redis nodes (held closed during the bring-up). */
  private async openSentinelLinks(spec: NodeSpec): Promise<void> {
    const tp = this.node(spec.name).toxiproxy;
    const closed = this.bootProxies(spec).filter((p) => !p.enabled);
    await Promise.all(closed.map((p) => tp.api.post(`${tp.host}/proxies/${p.name}`, { enabled: true })));
  }

  /** Start a sidecar, learn its published ports and create its proxies. */
  private async startSidecar(spec: NodeSpec, sidecar: ContainerHandle): Promise<Toxiproxy> {
    this.abort.signal.throwIfAborted();
    await startContainer(sidecar.getId());
    await sidecar.inspectPorts();
    const toxiproxy = new Toxiproxy(`http://127.0.0.1:${sidecar.getMappedPort(TOXIPROXY_API_PORT)}`);
    const proxies = this.bootProxies(spec);
    await poll(`toxiproxy API of ${spec.sidecar}`, async () => (await toxiproxy.populate(proxies), true), {
      deadline: now() + 10_000,
      intervalMs: 10,
      signal: this.abort.signal,
    });
    return toxiproxy;
  }

  /** Sentinel periods to restore after the bring-up, per sentinel (see `bootPingPeriodMs`). */
  private readonly restore = new Map<string, (string | number)[]>();

  /** Apply `sentinelDebug`, and shorten the ping-period for the bring-up if asked to (remembering what to restore). */
  private async bootSentinel(name: string): Promise<void> {
    const o = this.options;
    const boot = o.bootPingPeriodMs;
    if (boot > 0) {
      try {
        const current = pairs(await this.adminCall(name, 'SENTINEL', 'DEBUG'));
        const was = Number(current['ping-period'] ?? current['PING-PERIOD']);
        const final = o.sentinelDebug['ping-period'] ?? was;
        if (Number.isInteger(final) && final > boot) {
          await this.adminCall(name, 'SENTINEL', 'DEBUG', 'ping-period', boot);
          this.restore.set(name, ['ping-period', final]);
        }
      } catch {
        // No SENTINEL DEBUG on this server (Redis < 7.0): it keeps its own period.
      }
    }
    const settings = Object.entries(o.sentinelDebug).filter(([k]) => !this.restore.has(name) || k !== 'ping-period');
    if (settings.length > 0) await this.adminCall(name, 'SENTINEL', 'DEBUG', ...settings.flat());
  }

  /** Put back the periods shortened for the bring-up. */
  private async afterBoot(): Promise<void> {
    await Promise.all([...this.restore].map(([name, args]) => this.adminCall(name, 'SENTINEL', 'DEBUG', ...args)));
    this.restore.clear();
  }

  /** Auth options for the harness's own connections to a node (never logged). */
  private authFor(kind: NodeSpec['kind']): Pick<RedisOptions, 'username' | 'password'> {
    const auth = this.options.auth;
    if (!auth) return {};
    if (kind === 'sentinel' || !auth.acl) return { password: auth.password };
    return { username: 'app', password: auth.password };
  }

  /**
   * A shared admin connection straight to the node's real port (bypassing every proxy, so faults never
   * blind the observers). Bounded: commands fail fast while the node is down.
   */
  admin(name: string): Redis {
    let c = this.admins.get(name);
    if (!c) {
      const n = this.node(name);
      c = new Redis({
        host: n.admin.host,
        port: n.admin.port,
        ...this.authFor(n.spec.kind),
        lazyConnect: false,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: 1000,
        connectTimeout: 1000,
        retryStrategy: () => 100,
        enableReadyCheck: false,
      });
      c.on('error', () => {});
      this.admins.set(name, c);
    }
    return c;
  }

  /** A fresh short-lived admin connection (for probes that must not depend on a shared one's state). */
  async adminCall<T = unknown>(name: string, ...args: (string | number)[]): Promise<T> {
    const c = this.admin(name);
    if (c.status !== 'ready') await waitFor(`admin connection to ${name}`, async () => c.status === 'ready', { timeoutMs: 2000, intervalMs: 20 });
    const [cmd, ...rest] = args;
    return (await c.call(String(cmd), ...rest.map(String))) as T;
  }

  /**
   * ioredis options for a client of group `group` that follows failovers through Sentinel.
   * Addresses Sentinel announces are mapped (natMap) to the group's published, cuttable client proxies.
   */
  sentinelClientOptions(group = 0, extra: Partial<RedisOptions> = {}): RedisOptions {
    const port = clientPort(group);
    const natMap: Record<string, { host: string; port: number }> = {};
    for (const n of this.nodes.values()) {
      natMap[`${n.spec.name}:${n.spec.announcedPort}`] = { host: '127.0.0.1', port: n.sidecar.getMappedPort(port) };
    }
    const sentinels = this.sentinelNames().map((s) => ({ host: '127.0.0.1', port: this.node(s).sidecar.getMappedPort(port) }));
    const auth = this.options.auth;
    return {
      name: this.masterName,
      sentinels,
      natMap,
      updateSentinels: false,
      ...(auth ? { sentinelPassword: auth.password, password: auth.password, ...(auth.acl ? { username: 'app' } : {}) } : {}),
      ...extra,
    };
  }

  /** ioredis options for a client of group `group` connected to one fixed node (bypassing Sentinel). */
  directClientOptions(name: string, group = 0, extra: Partial<RedisOptions> = {}): RedisOptions {
    const n = this.node(name);
    return { host: '127.0.0.1', port: n.sidecar.getMappedPort(clientPort(group)), ...this.authFor(n.spec.kind), ...extra };
  }

  /** The master as the sentinels report it: the node name most sentinels agree on, with the count. */
  async sentinelsMaster(): Promise<{ master: string | undefined; agree: number; answers: (string | undefined)[] }> {
    const answers = await Promise.all(
      this.sentinelNames().map(async (s) => {
        try {
          const r = await this.adminCall<[string, string] | null>(s, 'SENTINEL', 'get-master-addr-by-name', this.masterName);
          return r ? (this.nameOf(r[0], r[1]) ?? `${r[0]}:${r[1]}`) : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    const counts = new Map<string, number>();
    for (const a of answers) if (a) counts.set(a, (counts.get(a) ?? 0) + 1);
    const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    return { master: best?.[0], agree: best?.[1] ?? 0, answers };
  }

  /** Act on a node's server container through the Docker API. */
  async act(name: string, action: ContainerAction, opts: { stopTimeoutS?: number } = {}): Promise<void> {
    await containerAction(this.node(name).container.getId(), action, opts);
  }

  /** Stop and remove everything (idempotent; safe to call concurrently). */
  stop(): Promise<void> {
    this.stopped ??= this.doStop();
    return this.stopped;
  }

  private async doStop(): Promise<void> {
    const errors: unknown[] = [];
    // A bring-up in progress (stop() from a signal handler) stops at its next step; wait for it (bounded).
    this.abort.abort();
    if (this.bringingUp) await Promise.race([this.bringingUp, sleep(30_000)]);
    for (const c of this.admins.values()) c.disconnect();
    this.admins.clear();
    const settle = async (ps: Promise<unknown>[]): Promise<void> => {
      for (const r of await Promise.allSettled(ps)) if (r.status === 'rejected') errors.push(r.reason);
    };
    // Unpause first (a paused container cannot be removed cleanly everywhere), then remove every container
    // at once: Docker removes a sidecar whose namespace a server still uses, and one wave is much faster.
    const servers = this.created.filter((c) => c.role === 'server');
    await Promise.all(servers.map((c) => containerAction(c.handle.getId(), 'unpause').catch(() => {})));
    await settle(this.created.map((c) => removeContainer(c.handle.getId())));
    // Anything created behind our back (or whose create call never returned): remove by label.
    await settle([cleanup({ [LABEL_TOPOLOGY]: this.id })]);
    await settle([removeNetwork(this.networkId), removeVolume(this.volume)]);
    unregister(this.id);
    if (errors.length > 0) throw new Error(`topology ${this.id}: teardown errors: ${errors.map(String).join('; ')}`);
  }
}

/**
 * The steps of a bring-up: the first to fail aborts the others (through the shared signal, also on the
 * deadline), and `done()` waits until every one has settled, then throws that first failure.
 */
class Steps {
  private readonly all: Promise<unknown>[] = [];
  private readonly abort: AbortController;
  private readonly timer: NodeJS.Timeout;
  private firstError: { error: unknown } | undefined;

  constructor(abort: AbortController, deadline: number, timeoutMessage: string) {
    this.abort = abort;
    this.timer = setTimeout(() => this.fail(new Error(timeoutMessage)), Math.max(0, deadline - now()));
  }

  add<T>(p: Promise<T>): Promise<T> {
    p.catch((err: unknown) => this.fail(err));
    this.all.push(p);
    return p;
  }

  settled(): Promise<unknown> {
    return Promise.allSettled(this.all);
  }

  async done(): Promise<void> {
    await this.settled();
    clearTimeout(this.timer);
    if (this.firstError) throw this.firstError.error;
  }

  private fail(err: unknown): void {
    this.firstError ??= { error: err };
    this.abort.abort(err);
  }
}

/** The value a bring-up step resolved for a node. */
function at<T>(m: Map<string, Promise<T>>, spec: NodeSpec): Promise<T> {
  const p = m.get(spec.name);
  if (!p) throw new Error(`no bring-up step for ${spec.name}`);
  return p;
}
