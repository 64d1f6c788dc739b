/**
 * SentinelTopology (builder) → start() → StartedSentinelTopology → stop() (idempotent).
 *
 * 1 master + N replicas + M sentinels, each in the network namespace of its own toxiproxy sidecar, on a
 * private Docker network per topology. See layout.ts for the link design.
 */
import { randomBytes } from 'node:crypto';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { Toxiproxy } from 'toxiproxy-node-client';
import { Redis, type RedisOptions } from 'ioredis';
import { now, waitFor, withTimeout } from '../clock.ts';
import {
  clientPort,
  nodeCommand,
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
  createNetwork,
  ensureImage,
  LABEL,
  LABEL_PID,
  LABEL_TOPOLOGY,
  LoopbackContainer,
  removeContainer,
  removeNetwork,
  type ContainerAction,
} from './docker.ts';
import { register, unregister } from './registry.ts';
import { ready, type ReadyTimings } from './ready.ts';

export type Progress = (message: string) => void;

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

  async start(): Promise<StartedSentinelTopology> {
    const o = structuredClone(this.options);
    validateTopologyOptions(o);
    const id = randomBytes(4).toString('hex');
    const t0 = now();
    const progress = this.progress;
    const images = [...new Set([o.images.redis, o.images.sentinel, o.images.toxiproxy])];
    await Promise.all(images.map(ensureImage));
    const labels = { ...o.labels, [LABEL]: 'true', [LABEL_TOPOLOGY]: id, [LABEL_PID]: String(process.pid) };
    const networkName = `sentinel-chaos-${id}`;
    const networkId = await createNetwork(networkName, labels);
    const started = new StartedSentinelTopology(id, o, networkId, labels);
    register(started);
    try {
      progress(`topology ${id}: starting ${started.specs.length} nodes and ${started.specs.length} sidecars`);
      await withTimeout(
        Promise.all(started.specs.map((spec) => started.startNode(spec, networkName))),
        o.startupTimeoutMs,
        'containers to start',
      );
      const containersMs = now() - t0;
      progress(`topology ${id}: containers up in ${Math.round(containersMs)} ms; waiting for replication and sentinels`);
      const timings = await ready(started, t0, o.startupTimeoutMs - containersMs);
      started.readyTimings = { containersMs, ...timings };
      progress(
        `topology ${id}: ready in ${Math.round(timings.sentinelsMs)} ms (replication ${Math.round(timings.replicationMs)} ms)`,
      );
      return started;
    } catch (err) {
      await started.stop().catch(() => {});
      throw err;
    }
  }
}

/** A running node: its container, its sidecar, and its toxiproxy API. */
export interface StartedNode {
  spec: NodeSpec;
  image: string;
  container: StartedTestContainer;
  sidecar: StartedTestContainer;
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
  private readonly labels: Record<string, string>;
  private readonly admins = new Map<string, Redis>();
  private stopped: Promise<void> | undefined;

  constructor(id: string, options: TopologyOptions, networkId: string, labels: Record<string, string>) {
    this.id = id;
    this.options = options;
    this.networkId = networkId;
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

  /** @internal start one node: sidecar (proxies) first, then the server in the sidecar's namespace. */
  async startNode(spec: NodeSpec, networkName: string): Promise<void> {
    const o = this.options;
    const image = spec.kind === 'redis' ? o.images.redis : o.images.sentinel;
    const clientPorts = Array.from({ length: o.clientGroups }, (_, k) => clientPort(k));
    const sidecar = await new SidecarContainer(o.images.toxiproxy, networkName, spec.sidecar)
      .withName(`sc-${this.id}-px-${spec.name}`)
      .withLabels({ ...this.labels, 'sentinel-chaos.role': 'sidecar', 'sentinel-chaos.node': spec.name })
      .withExtraHosts(sidecarHosts(this.specs))
      .withExposedPorts(TOXIPROXY_API_PORT, spec.realPort, ...clientPorts)
      .withCommand(['-host', '0.0.0.0', '-port', String(TOXIPROXY_API_PORT)])
      .withWaitStrategy(Wait.forLogMessage(/Starting Toxiproxy HTTP server/))
      .withStartupTimeout(o.startupTimeoutMs)
      .start();
    const toxiproxy = new Toxiproxy(`http://127.0.0.1:${sidecar.getMappedPort(TOXIPROXY_API_PORT)}`);
    await waitFor('toxiproxy API', () => toxiproxy.populate(sidecarProxies(spec, this.specs, o.clientGroups)), {
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    const conf = spec.kind === 'redis' ? redisConf(spec, this.specs, o) : sentinelConf(spec, this.specs, o);
    const confPath = spec.kind === 'redis' ? '/data/redis.conf' : '/data/sentinel.conf';
    const container = await new GenericContainer(image)
      .withName(`sc-${this.id}-${spec.name}`)
      .withLabels({ ...this.labels, 'sentinel-chaos.role': spec.kind, 'sentinel-chaos.node': spec.name })
      .withNetworkMode(`container:${sidecar.getId()}`)
      .withCopyContentToContainer([{ content: conf, target: confPath, mode: 0o666 }])
      .withCommand(nodeCommand(spec, image))
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections|\+monitor master/))
      .withStartupTimeout(o.startupTimeoutMs)
      .start();
    this.nodes.set(spec.name, {
      spec,
      image,
      container,
      sidecar,
      toxiproxy,
      admin: { host: '127.0.0.1', port: sidecar.getMappedPort(spec.realPort) },
    });
    if (spec.kind === 'sentinel' && Object.keys(o.sentinelDebug).length > 0) {
      const args = Object.entries(o.sentinelDebug).flatMap(([k, v]) => [k, String(v)]);
      await this.adminCall(spec.name, 'SENTINEL', 'DEBUG', ...args);
    }
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
    for (const c of this.admins.values()) c.disconnect();
    this.admins.clear();
    const nodes = [...this.nodes.values()];
    const settle = async (ps: Promise<unknown>[]): Promise<void> => {
      for (const r of await Promise.allSettled(ps)) if (r.status === 'rejected') errors.push(r.reason);
    };
    // Unpause first: a paused container cannot be removed cleanly everywhere.
    await settle(nodes.map((n) => containerAction(n.container.getId(), 'unpause').catch(() => {})));
    await settle(nodes.map((n) => removeContainer(n.container.getId())));
    await settle(nodes.map((n) => removeContainer(n.sidecar.getId())));
    // Containers that failed mid-start are not in `nodes`: remove by label.
    await settle([cleanup({ [LABEL_TOPOLOGY]: this.id })]);
    await settle([removeNetwork(this.networkId)]);
    unregister(this.id);
    if (errors.length > 0) throw new Error(`topology ${this.id}: teardown errors: ${errors.map(String).join('; ')}`);
  }
}

/** A toxiproxy sidecar on the topology network with a network alias (and no default-bridge attachment). */
class SidecarContainer extends LoopbackContainer {
  private readonly network: string;
  private readonly alias: string;
  constructor(image: string, network: string, alias: string) {
    super(image);
    this.network = network;
    this.alias = alias;
    this.withNetworkMode(network);
  }
  protected override async beforeContainerCreated(): Promise<void> {
    await super.beforeContainerCreated();
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [this.network]: { Aliases: [this.alias] } } };
  }
}
