/**
 * SentinelTopology (builder) → start() → StartedSentinelTopology (started.ts) → stop() (idempotent).
 *
 * 1 master + N replicas + M sentinels, each in the network namespace of its own toxiproxy sidecar, on a
 * private Docker network per topology. See layout.ts for the link design and bring-up.ts for the order
 * in which the containers start. `start()` returns when the topology is ready.
 *
 * The server versions are asked first (version.ts, cached per image): the configs, the admin commands and
 * the announced addresses follow what each version can do (features.ts, adapt.ts).
 *
 * The handle's types are re-exported here: code imports everything topology-related from this file.
 */
import { randomBytes } from 'node:crypto';
import { now } from '../clock.ts';
import { BringUp } from './bring-up.ts';
import { createNetwork, createVolume, ensureImage, LABEL, LABEL_PID, LABEL_TOPOLOGY, removeNetwork, removeVolume } from './docker.ts';
import { adaptToVersions } from './adapt.ts';
import type { ServerVersion } from './features.ts';
import { defaultTopologyOptions, validateTopologyOptions, type TopologyOptions } from './options.ts';
import { chooseReaper } from './reaper.ts';
import { register } from './registry.ts';
import { sidecarKey, type SidecarLease, type SidecarPool } from './sidecar-pool.ts';
import { StartedSentinelTopology } from './started.ts';
import { probeServers } from './version.ts';

export { StartedSentinelTopology, type NodeContainer, type StartedNode } from './started.ts';
export { adaptToVersions } from './adapt.ts';

export type Progress = (message: string) => void;

export class SentinelTopology {
  private readonly options: TopologyOptions = defaultTopologyOptions();
  private progress: Progress = () => {};
  private pool: SidecarPool | undefined;

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
  /** Borrow the sidecars and network from `pool` (and give them back at stop()) instead of creating them. */
  withSidecarPool(pool: SidecarPool | undefined): this {
    this.pool = pool;
    return this;
  }

  /** Validate (a ConfigError before anything is created), start every container, and wait until ready. */
  async start(): Promise<StartedSentinelTopology> {
    const o = structuredClone(this.options);
    validateTopologyOptions(o);
    const id = randomBytes(4).toString('hex');
    const t0 = now();
    const progress = this.progress;
    // Ryuk's session label where Ryuk runs (reaper.ts); the harness's own labels always.
    const reaper = await chooseReaper();
    const labels = { ...o.labels, ...reaper.labels, [LABEL]: 'true', [LABEL_TOPOLOGY]: id, [LABEL_PID]: String(process.pid) };
    const name = `sentinel-chaos-${id}`;
    // The network (or a pool's lent one) and the data volume are made while the images are checked; a failure
    // removes them again.
    const versions = Promise.all([ensureImage(o.images.toxiproxy), probeServers(o.images)]).then(([, v]) => [v.redis, v.sentinel]);
    const pool = this.pool;
    const network: Promise<{ id: string; name: string; lease?: SidecarLease }> = pool
      ? pool.take(sidecarKey(o), (net) => createNetwork(net, pool.labels(labels))).then((lease) => ({ ...lease.set.network, lease }))
      : createNetwork(name, labels).then((netId) => ({ id: netId, name }));
    const made = await Promise.allSettled([network, createVolume(name, labels), versions]);
    const release = async (): Promise<void> => {
      const [net, volume] = made;
      if (net.status === 'fulfilled') await (net.value.lease ? net.value.lease.giveBack(false) : removeNetwork(net.value.id)).catch(() => {});
      if (volume.status === 'fulfilled') await removeVolume(volume.value).catch(() => {});
    };
    const failed = made.find((r) => r.status === 'rejected');
    if (failed) {
      await release();
      throw failed.reason;
    }
    const net = (made[0] as PromiseFulfilledResult<{ id: string; name: string; lease?: SidecarLease }>).value;
    const [redis, sentinel] = (made[2] as PromiseFulfilledResult<[ServerVersion, ServerVersion]>).value;
    let notes: string[];
    try {
      notes = adaptToVersions(o, { redis, sentinel });
    } catch (err) {
      await release();
      throw err;
    }
    const resources = { networkId: net.id, volume: name, ...(net.lease ? { lease: net.lease } : {}) };
    const started = new StartedSentinelTopology(id, o, resources, labels, { redis, sentinel, notes });
    register(started);
    try {
      const sidecars = net.lease?.reused ? `${started.specs.length} running sidecars` : `${started.specs.length} sidecars`;
      progress(`topology ${id}: starting ${started.specs.length} nodes and ${sidecars} (${reaper.describe})`);
      const timings = await new BringUp(started, net.name).run(t0);
      progress(
        `topology ${id}: ready in ${Math.round(timings.sentinelsMs)} ms (containers ${Math.round(timings.containersMs)} ms, replication ${Math.round(timings.replicationMs)} ms, streaming ${Math.round(timings.streamingMs)} ms)`,
      );
      return started;
    } catch (err) {
      await started.stop().catch(() => {});
      throw err;
    }
  }
}
