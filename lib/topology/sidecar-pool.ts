/**
 * Sidecars kept from one topology to the next. Of the 12 containers a topology starts and removes, the 6
 * toxiproxy sidecars (and the network they are on) are the same for every topology of one shape: the same
 * node names, ports and client groups on the same toxiproxy image. Starting and removing them is most of a
 * bring-up's Docker cost (measured on the 2-core machines: 6 servers started in existing sidecars'
 * namespaces in 0.33 s against 1.2-1.4 s for 6 sidecars on a network, removal likewise), so a run of many
 * scenarios (ChaosRun) lends the next topology of the same shape the sidecars of the last one.
 *
 * What the next scenario sees is what a fresh sidecar gives it: its servers are new containers on a new data
 * volume, and every proxy of the old topology is deleted before the sidecars are lent again (a deleted proxy
 * closes its listener and its connections, and takes its toxics with it), so the bring-up's populate creates
 * every proxy anew, the held-closed ones included. A topology whose bring-up failed, or whose proxies could
 * not be deleted, gives its sidecars back to be removed, not lent.
 *
 * Leak safety: the sidecars and the network carry the pool's own id as their topology label, so a
 * topology's stop() (which sweeps its own label) never removes them, and the pool is in the registry while
 * it owns anything: a signal removes them with every topology, and `stop()` (ChaosRun.settle) at the end of
 * a run removes the rest and sweeps the label. Set SC_FRESH_SIDECARS=1 to start every topology from scratch.
 */
import { randomBytes } from 'node:crypto';
import { Toxiproxy } from 'toxiproxy-node-client';
import { cleanup, LABEL_TOPOLOGY, removeContainer, removeNetwork, type ContainerHandle } from './docker.ts';
import { TOXIPROXY_API_PORT } from './layout.ts';
import type { TopologyOptions } from './options.ts';
import { register, signalReceived, unregister } from './registry.ts';

/** The label that marks containers and networks a pool owns (value: the pool's id). */
export const LABEL_POOL = 'sentinel-chaos.pool';

/** A network and one started sidecar per node, for topologies of one shape. */
export interface SidecarSet {
  readonly key: string;
  /** What the set's container names start with after `sc-` (the pool's id and the set's number). */
  readonly stem: string;
  readonly network: { id: string; name: string };
  /** Sidecar per node name, ports inspected; filled in by the bring-up as each one is created. */
  readonly sidecars: Map<string, ContainerHandle>;
}

/** What makes sidecars interchangeable: everything their containers and proxies are created from but the ids. */
export function sidecarKey(o: Pick<TopologyOptions, 'images' | 'replicas' | 'sentinels' | 'clientGroups'>): string {
  return JSON.stringify([o.images.toxiproxy, o.replicas, o.sentinels, o.clientGroups]);
}

/** Whether the environment asks for fresh sidecars for every topology. */
export function freshSidecars(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['SC_FRESH_SIDECARS'] === '1';
}

/** A set lent to one topology: `reused` says whether its sidecars already run (else the bring-up creates them). */
export class SidecarLease {
  readonly set: SidecarSet;
  readonly reused: boolean;
  private readonly pool: SidecarPool;
  private back: Promise<void> | undefined;
  private settleBack: () => void = () => {};

  constructor(pool: SidecarPool, set: SidecarSet, reused: boolean) {
    this.pool = pool;
    this.set = set;
    this.reused = reused;
  }

  /** Labels for what the bring-up creates for this set (the pool's id as the topology label). */
  labels(base: Record<string, string>): Record<string, string> {
    return this.pool.labels(base);
  }

  /**
   * The topology holding the set begins to stop (called synchronously in stop()): from now on the pool's
   * next take() waits until the set is given back, so the next topology gets these sidecars, not new ones.
   */
  ending(): void {
    if (this.back) return;
    this.back = new Promise<void>((resolve) => (this.settleBack = resolve));
    this.pool.waitFor(this.back);
  }

  /** Give the set back: kept for the next topology if `reusable` and its proxies could be deleted, else removed. */
  async giveBack(reusable: boolean): Promise<void> {
    this.ending();
    try {
      await this.pool.giveBack(this.set, reusable);
    } finally {
      this.settleBack();
    }
  }
}

export class SidecarPool {
  /** The topology label of everything the pool owns (so a sweep by it finds them, see registry.ts). */
  readonly id = `pool-${randomBytes(4).toString('hex')}`;
  private readonly held: SidecarSet[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private lent = 0;
  private sets = 0;
  /** The stop in progress: a set given back meanwhile is removed, not kept. */
  private stopped: Promise<void> | undefined;

  labels(base: Record<string, string>): Record<string, string> {
    const { 'sentinel-chaos.scenario': _scenario, ...rest } = base;
    return { ...rest, [LABEL_TOPOLOGY]: this.id, [LABEL_POOL]: this.id };
  }

  /**
   * A set for a topology of shape `key`: the held one if it matches (after any set being given back has
   * arrived), else a new one on a network `create` makes. Held sets of another shape are removed.
   */
  async take(key: string, create: (networkName: string) => Promise<string>): Promise<SidecarLease> {
    await this.arrived();
    const i = this.held.findIndex((s) => s.key === key);
    const [found] = i >= 0 ? this.held.splice(i, 1) : [];
    for (const other of this.held.splice(0)) this.track(this.remove(other));
    if (found) {
      this.lent++;
      return new SidecarLease(this, found, true);
    }
    const stem = `${this.id}-${++this.sets}`;
    const name = `sentinel-chaos-${stem}`;
    this.lent++;
    register(this);
    try {
      const id = await create(name);
      return new SidecarLease(this, { key, stem, network: { id, name }, sidecars: new Map() }, false);
    } catch (err) {
      this.lent--;
      this.unregisterIfEmpty();
      throw err;
    }
  }

  /** @internal A set on its way back (see SidecarLease.ending). */
  waitFor(p: Promise<unknown>): void {
    this.track(p);
  }

  /** @internal See SidecarLease.giveBack. */
  async giveBack(set: SidecarSet, reusable: boolean): Promise<void> {
    this.lent--;
    const keep = reusable && this.stopped === undefined && !signalReceived() && (await deleteProxies(set));
    if (keep) this.held.push(set);
    else await this.remove(set);
  }

  /** Remove every held set and sweep the pool's label; the pool can lend again afterwards. Concurrent calls share one stop. */
  stop(): Promise<void> {
    this.stopped ??= this.doStop().finally(() => (this.stopped = undefined));
    return this.stopped;
  }

  private async doStop(): Promise<void> {
    try {
      await this.arrived();
      await Promise.allSettled(this.held.splice(0).map((s) => this.remove(s)));
      if (this.lent === 0) await cleanup({ [LABEL_TOPOLOGY]: this.id }).catch(() => []);
    } finally {
      this.unregisterIfEmpty();
    }
  }

  private async arrived(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<unknown>): void {
    const settled = p.then(
      () => {},
      () => {},
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }

  private async remove(set: SidecarSet): Promise<void> {
    await Promise.allSettled([...set.sidecars.values()].map((c) => removeContainer(c.getId())));
    await removeNetwork(set.network.id).catch(() => {});
    this.unregisterIfEmpty();
  }

  private unregisterIfEmpty(): void {
    if (this.lent === 0 && this.held.length === 0) unregister(this.id);
  }
}

/** Delete every proxy of every sidecar of the set (closing their connections); false if any sidecar did not answer. */
async function deleteProxies(set: SidecarSet): Promise<boolean> {
  const results = await Promise.allSettled(
    [...set.sidecars.values()].map(async (c) => {
      const tp = new Toxiproxy(`http://127.0.0.1:${c.getMappedPort(TOXIPROXY_API_PORT)}`);
      const proxies = await tp.getAll();
      await Promise.all(Object.values(proxies).map((p) => p.remove()));
    }),
  );
  return results.every((r) => r.status === 'fulfilled');
}
