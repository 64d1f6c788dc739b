/**
 * Bring-up of a topology: creates every container and starts them in dependency order.
 *
 * Order (see ready.ts for why Redis and Sentinel make order matter): every container is created up front
 * and every sidecar started at once. The master starts as soon as its sidecar has its proxies; each
 * replica when its sidecar is ready and the master answers. The sentinels start as soon as their own
 * sidecars are ready, with their links to the redis nodes held closed (proxy disabled) until every
 * replica's link is up: their first INFO of each node then already shows the replication as it is, and
 * with `bootPingPeriodMs` they retry the closed links every 100 ms. With `bootPingPeriodMs: 0` the
 * sentinels instead start only after the replication is up, and so do sentinels older than 7.0 (gatesSentinels).
 *
 * Everything it creates is recorded on the StartedSentinelTopology (started.ts) as soon as it exists, so
 * the handle's stop() can interrupt the bring-up and remove all of it.
 */
import { debuglog } from 'node:util';
import { Toxiproxy } from 'toxiproxy-node-client';
import { now } from '../clock.ts';
import { createContainer, loopbackPorts, putFiles, startContainer, type ArchiveEntry, type ContainerHandle } from './docker.ts';
import {
  clientPort,
  confPath,
  linkProxyName,
  nodeDir,
  redisConf,
  sentinelConf,
  sidecarHosts,
  sidecarProxies,
  TOXIPROXY_API_PORT,
  type NodeSpec,
} from './layout.ts';
import { has } from './features.ts';
import { answers, pairs, poll, replicationStreaming, replicationUp, sentinelsReady, type ReadyTimings } from './ready.ts';
import { createServerContainer } from './server-container.ts';
import type { StartedSentinelTopology } from './started.ts';

/** Bring-up timeline, ms from start(): NODE_DEBUG=sentinel-chaos-topology. */
const debug = debuglog('sentinel-chaos-topology');

export class BringUp {
  private readonly t: StartedSentinelTopology;
  /** The topology's private network (containers join it by name). */
  private readonly networkName: string;
  /** Sentinel periods to restore after the bring-up, per sentinel (see `bootPingPeriodMs`). */
  private readonly restore = new Map<string, (string | number)[]>();
  /** Sentinels whose down-after is held for the bring-up (see `holdDownAfter`). */
  private readonly restoreDownAfter = new Map<string, number>();

  constructor(t: StartedSentinelTopology, networkName: string) {
    this.t = t;
    this.networkName = networkName;
  }

  /**
   * Create, start and wait for every container (see the order in the header comment). Every step runs to
   * completion or to the first failure before this returns, so stop() never races it.
   */
  async run(t0: number): Promise<ReadyTimings & { containersMs: number }> {
    const deadline = t0 + this.t.options.startupTimeoutMs;
    const steps = new Steps(this.t, deadline, `timed out after ${this.t.options.startupTimeoutMs} ms starting the topology (startupTimeoutMs)`);
    const signal = this.t.bringUpSignal;
    const trace = (what: string, ...args: unknown[]): void => debug(`%s +%d ${what}`, this.t.id, Math.round(now() - t0), ...args);
    const [master, ...replicas] = this.t.specs.filter((s) => s.kind === 'redis');
    if (!master) throw new Error('no redis node');
    const serverStarted: number[] = [];

    // Every container is created at once, and each sidecar started as soon as it exists. Sidecars a pool
    // lends already run (sidecar-pool.ts): they only get their proxies.
    const lent = this.t.lease?.reused ? this.t.lease.set.sidecars : undefined;
    const sidecars = new Map(this.t.specs.map((spec) => [spec.name, steps.add(lent ? lentSidecar(lent, spec) : this.createSidecar(spec))]));
    const servers = new Map(
      this.t.specs.map((spec) => [
        spec.name,
        steps.add(at(sidecars, spec).then((sc) => this.createServer(spec, sc)).finally(() => trace('server %s created', spec.name))),
      ]),
    );
    const proxies = new Map(
      this.t.specs.map((spec) => [
        spec.name,
        steps.add(
          at(sidecars, spec)
            .then((sc) => (lent ? this.proxiesOf(spec, sc) : this.startSidecar(spec, sc)))
            .finally(() => trace('sidecar %s ready', spec.name)),
        ),
      ]),
    );
    // Every node's directory and config file, in one upload to the shared volume (through the master's server).
    const configured = steps.add(at(servers, master).then((server) => putFiles(server.getId(), this.dataFiles())));
    /** Start a server once its sidecar, the config files and everything in `after` are there; wait until it answers. */
    const startServer = async (spec: NodeSpec, after: Promise<unknown>[]): Promise<void> => {
      const [server, sidecar, toxiproxy] = await Promise.all([at(servers, spec), at(sidecars, spec), at(proxies, spec), configured, ...after]);
      signal.throwIfAborted();
      const admin = { host: '127.0.0.1', port: sidecar.getMappedPort(spec.realPort) };
      const image = spec.kind === 'redis' ? this.t.options.images.redis : this.t.options.images.sentinel;
      this.t.nodes.set(spec.name, { spec, image, container: server, sidecar, toxiproxy, admin });
      await startContainer(server.getId());
      serverStarted.push(now());
      trace('started %s', spec.name);
      await poll(`${spec.name} to answer`, () => answers(admin.host, admin.port), { deadline, intervalMs: 10, signal });
    };

    const masterUp = steps.add(startServer(master, []));
    const replicasUp = replicas.map((r) => steps.add(startServer(r, [masterUp])));
    const replication = steps.add(
      Promise.all(replicasUp)
        .then(() => replicationUp(this.t, deadline, signal))
        .finally(() => trace('replication up')),
    );
    // Link up is not the stream flowing (see replicationStreaming); the sentinels need only the links.
    const streaming = steps.add(
      replication.then(() => replicationStreaming(this.t, deadline, signal)).finally(() => trace('replication streaming')),
    );
    const gated = this.gatesSentinels();
    const sentinelsUp = this.t.specs
      .filter((s) => s.kind === 'sentinel')
      .map((s) =>
        steps.add(
          (async () => {
            await startServer(s, gated ? [] : [replication]);
            if (gated) await this.holdDownAfter(s.name);
            await this.bootSentinel(s.name);
            if (gated) await replication.then(() => this.openSentinelLinks(s));
          })(),
        ),
      );
    const ready = steps.add(
      Promise.all(sentinelsUp)
        .then(() => sentinelsReady(this.t, deadline, signal))
        .finally(() => trace('sentinels ready')),
    );
    this.t.bringingUpUntil(steps.settled());
    await steps.done();
    const [replicationAt, streamingAt, sentinelsAt] = await Promise.all([replication, streaming, ready]);
    await this.afterBoot();
    this.t.markBroughtUp();
    this.t.readyTimings = {
      containersMs: Math.max(...serverStarted) - t0,
      replicationMs: replicationAt - t0,
      streamingMs: streamingAt - t0,
      sentinelsMs: Math.max(streamingAt, sentinelsAt) - t0,
    };
    return this.t.readyTimings;
  }

  /** Create a node's sidecar (not started): the toxiproxy whose network namespace the node will share. */
  private async createSidecar(spec: NodeSpec): Promise<ContainerHandle> {
    const o = this.t.options;
    const clientPorts = Array.from({ length: o.clientGroups }, (_, k) => clientPort(k));
    const { ExposedPorts, PortBindings } = loopbackPorts([TOXIPROXY_API_PORT, spec.realPort, ...clientPorts]);
    this.t.bringUpSignal.throwIfAborted();
    const lease = this.t.lease;
    const labels = lease ? lease.labels(this.t.labels) : this.t.labels;
    const sidecar = await createContainer({
      name: `sc-${lease ? lease.set.stem : this.t.id}-px-${spec.name}`,
      Image: o.images.toxiproxy,
      Cmd: ['-host', '0.0.0.0', '-port', String(TOXIPROXY_API_PORT)],
      Labels: { ...labels, 'sentinel-chaos.role': 'sidecar', 'sentinel-chaos.node': spec.name },
      ExposedPorts,
      HostConfig: {
        NetworkMode: this.networkName,
        PortBindings,
        ExtraHosts: sidecarHosts(this.t.specs).map((h) => `${h.host}:${h.ipAddress}`),
      },
      NetworkingConfig: { EndpointsConfig: { [this.networkName]: { Aliases: [spec.sidecar] } } },
    });
    // A lent set's sidecars are the pool's to keep or remove (sidecar-pool.ts), the topology's own are its.
    if (lease) lease.set.sidecars.set(spec.name, sidecar);
    else this.t.track(spec.name, 'sidecar', sidecar);
    return sidecar;
  }

  /** Create a node's server (not started) in its sidecar's network namespace, with the data volume mounted. */
  private async createServer(spec: NodeSpec, sidecar: ContainerHandle): Promise<ContainerHandle> {
    const o = this.t.options;
    this.t.bringUpSignal.throwIfAborted();
    return await createServerContainer(this.t, spec, sidecar.getId(), spec.kind === 'redis' ? o.images.redis : o.images.sentinel);
  }

  /** Every node's directory (writable by any user: official images run as `redis`) and config file. */
  private dataFiles(): ArchiveEntry[] {
    return this.t.specs.flatMap((spec) => [
      { path: nodeDir(spec), mode: 0o777 },
      { path: confPath(spec), mode: 0o666, content: spec.kind === 'redis' ? redisConf(spec, this.t.specs, this.t.options, this.t.versions) : sentinelConf(spec, this.t.specs, this.t.options, this.t.versions) },
    ]);
  }

  /**
   * Whether sentinels start beside the redis nodes with their links to them held closed (see the header). Only
   * where SENTINEL DEBUG can shorten the ping period (>= 7.0): an older sentinel reconnects once per second, so a
   * gate held about as long as down-after makes it see the master down during the bring-up, vote a failover that
   * aborts, and then refuse to start another one for 2 x failover-timeout — the kill-master run on 6.0.16 showed
   * it: +odown 1.5 s after the kill, +try-failover 8 s later.
   */
  private gatesSentinels(): boolean {
    return this.t.options.bootPingPeriodMs > 0 && this.hasSentinelDebug();
  }

  /** Can the sentinels take SENTINEL DEBUG (Redis >= 7.0; unknown version: assume so)? */
  private hasSentinelDebug(): boolean {
    return !this.t.versions.sentinel || has(this.t.versions.sentinel, 'sentinel-debug');
  }

  /** A sidecar's proxies at start: a sentinel's links to the redis nodes are held closed while gated. */
  private bootProxies(spec: NodeSpec): ReturnType<typeof sidecarProxies> {
    const proxies = sidecarProxies(spec, this.t.specs, this.t.options.clientGroups);
    if (spec.kind !== 'sentinel' || !this.gatesSentinels()) return proxies;
    const redis = new Set(this.t.redisNames().map(linkProxyName));
    return proxies.map((p) => (redis.has(p.name) ? { ...p, enabled: false } : p));
  }

  /** Open a sentinel's links to the redis nodes (held closed during the bring-up). */
  private async openSentinelLinks(spec: NodeSpec): Promise<void> {
    const tp = this.t.node(spec.name).toxiproxy;
    const closed = this.bootProxies(spec).filter((p) => !p.enabled);
    await Promise.all(closed.map((p) => tp.api.post(`${tp.host}/proxies/${p.name}`, { enabled: true })));
  }

  /** Start a sidecar, learn its published ports and create its proxies. */
  private async startSidecar(spec: NodeSpec, sidecar: ContainerHandle): Promise<Toxiproxy> {
    this.t.bringUpSignal.throwIfAborted();
    await startContainer(sidecar.getId());
    await sidecar.inspectPorts();
    return this.proxiesOf(spec, sidecar);
  }

  /** Create a started sidecar's proxies (a lent sidecar has none left: sidecar-pool.ts deleted them). */
  private async proxiesOf(spec: NodeSpec, sidecar: ContainerHandle): Promise<Toxiproxy> {
    const toxiproxy = new Toxiproxy(`http://127.0.0.1:${sidecar.getMappedPort(TOXIPROXY_API_PORT)}`);
    const proxies = this.bootProxies(spec);
    await poll(`toxiproxy API of ${spec.sidecar}`, async () => (await toxiproxy.populate(proxies), true), {
      deadline: now() + 10_000,
      intervalMs: 10,
      signal: this.t.bringUpSignal,
    });
    return toxiproxy;
  }

  /** Apply `sentinelDebug`, and shorten the ping-period for the bring-up if asked to (remembering what to restore). */
  private async bootSentinel(name: string): Promise<void> {
    const o = this.t.options;
    const boot = o.bootPingPeriodMs;
    // Without SENTINEL DEBUG (< 7.0) a sentinel keeps its own periods (and `sentinelDebug` was emptied: topology.ts).
    if (boot > 0 && this.hasSentinelDebug()) {
      try {
        const current = pairs(await this.t.adminCall(name, 'SENTINEL', 'DEBUG'));
        const was = Number(current['ping-period'] ?? current['PING-PERIOD']);
        const final = o.sentinelDebug['ping-period'] ?? was;
        if (Number.isInteger(final) && final > boot) {
          await this.t.adminCall(name, 'SENTINEL', 'DEBUG', 'ping-period', boot);
          this.restore.set(name, ['ping-period', final]);
        }
      } catch {
        // No SENTINEL DEBUG on this server (Redis < 7.0): it keeps its own period.
      }
    }
    const settings = Object.entries(o.sentinelDebug).filter(([k]) => !this.restore.has(name) || k !== 'ping-period');
    if (settings.length > 0) await this.t.adminCall(name, 'SENTINEL', 'DEBUG', ...settings.flat());
  }

  /**
   * While its links to the redis nodes are held closed, a sentinel's down-after clock runs from its start
   * (sentinelCheckSubjectivelyDown: a disconnected link counts from last_avail_time, set when the link was
   * created). When the bring-up holds them longer than down-after (a slow master start or replication under
   * load: seen with Valkey 9.1.2, whose sentinels started ~0.4-0.7 s before the master), the sentinels mark the
   * master +sdown, +odown and try a failover that aborts (no good replica); that attempt's failover_start_time
   * then blocks every failover for 2 x failover-timeout (sentinelStartFailoverIfNeeded: "Next failover delay"),
   * i.e. the first 12 s of the scenario. So down-after is held at the bring-up's own bound until the links are
   * open and every sentinel is ready, then put back (afterBoot).
   */
  private async holdDownAfter(name: string): Promise<void> {
    const o = this.t.options;
    // Put back what the sentinel loaded (a config line after the harness's own may differ from options.downAfterMs).
    const loaded = Number(pairs(await this.t.adminCall(name, 'SENTINEL', 'MASTER', o.masterName))['down-after-milliseconds']);
    if (!Number.isInteger(loaded) || loaded <= 0) return;
    try {
      await this.t.adminCall(name, 'SENTINEL', 'SET', o.masterName, 'down-after-milliseconds', Math.max(o.startupTimeoutMs, loaded));
      this.restoreDownAfter.set(name, loaded);
    } catch {
      // SENTINEL SET refused (an ACL without sentinel|set, as a mutant runs): the sentinel keeps its down-after.
    }
  }

  /** Put back the periods shortened and the down-after held for the bring-up. */
  private async afterBoot(): Promise<void> {
    const o = this.t.options;
    await Promise.all([...this.restore].map(([name, args]) => this.t.adminCall(name, 'SENTINEL', 'DEBUG', ...args)));
    this.restore.clear();
    await Promise.all([...this.restoreDownAfter].map(([name, ms]) => this.t.adminCall(name, 'SENTINEL', 'SET', o.masterName, 'down-after-milliseconds', ms)));
    this.restoreDownAfter.clear();
  }
}

/**
 * The steps of a bring-up: the first to fail aborts the others (through the shared signal, also on the
 * deadline), and `done()` waits until every one has settled, then throws that first failure.
 */
class Steps {
  private readonly all: Promise<unknown>[] = [];
  private readonly topology: Pick<StartedSentinelTopology, 'abortBringUp'>;
  private readonly timer: NodeJS.Timeout;
  private firstError: { error: unknown } | undefined;

  constructor(topology: Pick<StartedSentinelTopology, 'abortBringUp'>, deadline: number, timeoutMessage: string) {
    this.topology = topology;
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
    this.topology.abortBringUp(err);
  }
}

/** A lent set's sidecar for a node (the set is of this topology's shape: sidecarKey). */
function lentSidecar(lent: Map<string, ContainerHandle>, spec: NodeSpec): Promise<ContainerHandle> {
  const sidecar = lent.get(spec.name);
  return sidecar ? Promise.resolve(sidecar) : Promise.reject(new Error(`the lent sidecars have none for ${spec.name}`));
}

/** The value a bring-up step resolved for a node. */
function at<T>(m: Map<string, Promise<T>>, spec: NodeSpec): Promise<T> {
  const p = m.get(spec.name);
  if (!p) throw new Error(`no bring-up step for ${spec.name}`);
  return p;
}
