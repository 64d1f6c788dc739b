/**
 * StartedSentinelTopology: the handle a started topology is used through (nodes, admin connections,
 * client options, the sentinels' view of the master, container actions) and its teardown, stop().
 * How it comes up is bring-up.ts; the builder that starts it is topology.ts.
 */
import { connect } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import type { Toxiproxy } from 'toxiproxy-node-client';
import { sleep, waitFor } from '../clock.ts';
import { cleanup, containerAction, LABEL_TOPOLOGY, removeContainer, removeNetwork, removeVolume, type ContainerAction, type ContainerHandle } from './docker.ts';
import { describeVersion, has } from './features.ts';
import { announcesByName, clientPort, nodeSpecs, type NodeSpec, type ServerVersions } from './layout.ts';
import type { TopologyOptions } from './options.ts';
import type { ReadyTimings } from './ready.ts';
import { unregister } from './registry.ts';
import { respCommand } from './resp.ts';
import type { SidecarLease } from './sidecar-pool.ts';

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
  /** Servers this node ran before it was replaced (replace.ts), oldest first: stopped, kept for their logs. */
  previous?: NodeContainer[];
}

export class StartedSentinelTopology {
  readonly specs: NodeSpec[];
  readonly nodes = new Map<string, StartedNode>();
  readyTimings: ReadyTimings & { containersMs: number } = { containersMs: 0, replicationMs: 0, streamingMs: 0, sentinelsMs: 0 };
  readonly id: string;
  readonly options: TopologyOptions;
  /** The redis nodes' and the sentinels' server versions (asked before the configs were written). */
  readonly versions: ServerVersions;
  /** What the versions changed from a current server's topology (SENTINEL DEBUG dropped, IP announcing), for the report. */
  readonly versionNotes: string[];
  private readonly networkId: string;
  /** Sidecars and network lent by a pool (sidecar-pool.ts): given back at stop() instead of removed. */
  readonly lease: SidecarLease | undefined;
  /** The bring-up ran to the end: only then are lent sidecars kept for the next topology. */
  private broughtUp = false;
  /** The data volume every server mounts at DATA_DIR (see layout.ts). */
  readonly volume: string;
  /** The labels every container, the network and the volume carry. */
  readonly labels: Record<string, string>;
  private readonly admins = new Map<string, Redis>();
  /** Every container created, as soon as it exists (sidecar before its server), so stop() finds them all. */
  private readonly created: { node: string; role: 'sidecar' | 'server'; handle: ContainerHandle }[] = [];
  /** Aborted on the first bring-up failure or on stop(): the bring-up stops at its next step. */
  private readonly abort = new AbortController();
  private bringingUp: Promise<unknown> | undefined;
  private stopped: Promise<void> | undefined;

  constructor(
    id: string,
    options: TopologyOptions,
    resources: { networkId: string; volume: string; lease?: SidecarLease },
    labels: Record<string, string>,
    versions: ServerVersions & { notes?: string[] } = {},
  ) {
    this.id = id;
    this.options = options;
    this.versions = { ...(versions.redis ? { redis: versions.redis } : {}), ...(versions.sentinel ? { sentinel: versions.sentinel } : {}) };
    this.versionNotes = versions.notes ?? [];
    this.networkId = resources.networkId;
    this.lease = resources.lease;
    this.volume = resources.volume;
    this.labels = labels;
    this.specs = nodeSpecs(options, id, announcesByName(this.versions));
  }

  // The bring-up (bring-up.ts) reports to the handle through these, so stop() can interrupt and undo it.

  /** @internal Aborted on the first bring-up failure or on stop(). */
  get bringUpSignal(): AbortSignal {
    return this.abort.signal;
  }
  /** @internal Stop the bring-up at its next step. */
  abortBringUp(reason: unknown): void {
    this.abort.abort(reason);
  }
  /** @internal A container the bring-up created (recorded before anything else can fail). */
  track(node: string, role: 'sidecar' | 'server', handle: ContainerHandle): void {
    this.created.push({ node, role, handle });
  }
  /** @internal The bring-up completed (the topology was ready). */
  markBroughtUp(): void {
    this.broughtUp = true;
  }
  /** @internal Settles when every bring-up step has: stop() waits for it (bounded). */
  bringingUpUntil(settled: Promise<unknown>): void {
    this.bringingUp = settled;
  }

  /** "redis 6.0.16" / "valkey 9.1.2": the redis nodes' server (what results record as serverVersion). */
  get serverVersion(): string | undefined {
    return this.versions.redis ? describeVersion(this.versions.redis) : undefined;
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

  /**
   * Node name for an address as Sentinel announces it ("redis-1", 7001, or "127.0.0.1", 7001 where nodes are
   * announced by IP) — or undefined. The node's own name is accepted too, so names the harness wrote itself map back.
   */
  nameOf(host: string, port: number | string): string | undefined {
    return this.specs.find((s) => (s.announceHost === host || s.name === host) && s.announcedPort === Number(port))?.name;
  }

  /** Auth options for the harness's own connections to a node (never logged). */
  private authFor(kind: NodeSpec['kind']): Pick<RedisOptions, 'username' | 'password' | 'protocol'> {
    const auth = this.options.auth;
    if (!auth) return {};
    if (kind === 'sentinel' || !auth.acl) return { password: auth.password };
    return { username: 'app', password: auth.password, ...this.protocol() };
  }

  /** RESP2 where HELLO cannot authenticate an ACL user (Redis 6.0: features.ts 'hello-acl'); else ioredis' default. */
  private protocol(): Pick<RedisOptions, 'protocol'> {
    const v = this.versions.redis;
    return this.options.auth?.acl && v && !has(v, 'hello-acl') ? { protocol: 2 } : {};
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
   * Send a command that gets no reply (REPLCONF GETACK) on a short-lived connection of its own, authenticated
   * like the admin ones: on a shared ioredis connection the next reply would be taken for its reply. The
   * connection is closed once the bytes are written; the server runs what it read before it sees the close.
   */
  adminSend(name: string, ...args: string[]): Promise<void> {
    const n = this.node(name);
    const auth = this.authFor(n.spec.kind);
    const commands = [...(auth.password ? [['AUTH', ...(auth.username ? [auth.username] : []), auth.password]] : []), args];
    return new Promise((resolve, reject) => {
      const s = connect({ host: n.admin.host, port: n.admin.port });
      s.setTimeout(1000, () => s.destroy(new Error(`${name}: connection idle for 1000 ms before it closed`)));
      s.once('error', reject);
      s.once('close', () => resolve());
      s.once('connect', () => s.end(commands.map(respCommand).join('')));
      // AUTH's reply (if any) is read and dropped; the close ends it.
      s.on('data', () => {});
    });
  }

  /**
   * ioredis options for a client of group `group` that follows failovers through Sentinel.
   * Addresses Sentinel announces are mapped (natMap) to the group's published, cuttable client proxies.
   */
  sentinelClientOptions(group = 0, extra: Partial<RedisOptions> = {}): RedisOptions {
    const port = clientPort(group);
    const natMap: Record<string, { host: string; port: number }> = {};
    for (const n of this.nodes.values()) {
      natMap[`${n.spec.announceHost}:${n.spec.announcedPort}`] = { host: '127.0.0.1', port: n.sidecar.getMappedPort(port) };
    }
    const sentinels = this.sentinelNames().map((s) => ({ host: '127.0.0.1', port: this.node(s).sidecar.getMappedPort(port) }));
    const auth = this.options.auth;
    return {
      name: this.masterName,
      sentinels,
      natMap,
      updateSentinels: false,
      ...(auth ? { sentinelPassword: auth.password, password: auth.password, ...(auth.acl ? { username: 'app' } : {}) } : {}),
      ...this.protocol(),
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
    // Synchronously, before anything else: a pool's next take() now waits for these sidecars.
    this.lease?.ending();
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
    // Anything created behind our back (or whose create call never returned): remove by label. Lent sidecars
    // carry the pool's label, not this topology's.
    await settle([cleanup({ [LABEL_TOPOLOGY]: this.id })]);
    // Lent sidecars go back to the pool (kept only after a whole bring-up and a clean removal of the servers).
    const network = this.lease ? this.lease.giveBack(this.broughtUp && errors.length === 0) : removeNetwork(this.networkId);
    await settle([network, removeVolume(this.volume)]);
    unregister(this.id);
    if (errors.length > 0) throw new Error(`topology ${this.id}: teardown errors: ${errors.map(String).join('; ')}`);
  }
}
