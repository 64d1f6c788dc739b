/**
 * The few Docker operations the harness needs, on top of testcontainers' runtime client.
 * Every container and network carries the LABEL so `sentinel-chaos cleanup` can find leftovers.
 */
import { GenericContainer, getContainerRuntimeClient, ImageName, type ContainerRuntimeClient } from 'testcontainers';
import { ConfigError } from '../config.ts';

export const LABEL = 'sentinel-chaos';
export const LABEL_TOPOLOGY = 'sentinel-chaos.topology';
export const LABEL_PID = 'sentinel-chaos.pid';

// Ryuk (testcontainers' reaper) needs an image pull; the harness tears down everything itself.
process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';

/** A GenericContainer whose published ports bind to 127.0.0.1 only. */
export class LoopbackContainer extends GenericContainer {
  protected override async beforeContainerCreated(): Promise<void> {
    const bindings = this.hostConfig.PortBindings as Record<string, { HostIp?: string; HostPort?: string }[]> | undefined;
    for (const list of Object.values(bindings ?? {})) for (const b of list) b.HostIp = '127.0.0.1';
  }
}

let clientPromise: Promise<ContainerRuntimeClient> | undefined;

/** The container runtime, or one clear error naming the fix. */
export async function docker(): Promise<ContainerRuntimeClient> {
  clientPromise ??= getContainerRuntimeClient().catch((err: unknown) => {
    clientPromise = undefined;
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigError(
      `no Docker engine reachable (${why}). Fix: start Docker, set DOCKER_HOST, or run scripts/docker-engine.sh ensure`,
    );
  });
  return clientPromise;
}

/** Make sure an image is present: never pull one that is, and fail with one line if it can't be had. */
export async function ensureImage(image: string): Promise<void> {
  const client = await docker();
  const name = ImageName.fromString(image);
  if (await client.image.exists(name)) return;
  try {
    await client.image.pull(name);
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigError(
      `image ${image} is not present locally and could not be pulled (${why}). Fix: build local images with scripts/images/build-all.sh, or set SC_REDIS_IMAGE / SC_TOXIPROXY_IMAGE to an available image`,
    );
  }
}

export async function createNetwork(name: string, labels: Record<string, string>): Promise<string> {
  const client = await docker();
  const net = await client.network.create({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: labels });
  return net.id;
}

export async function removeNetwork(id: string): Promise<void> {
  const client = await docker();
  try {
    await client.network.remove(client.network.getById(id));
  } catch (err) {
    if (!/no such network|not found/i.test(String(err))) throw err;
  }
}

/** Force-remove a container and its anonymous volumes; a container already gone is fine. */
export async function removeContainer(id: string): Promise<void> {
  const client = await docker();
  try {
    await client.container.dockerode.getContainer(id).remove({ force: true, v: true });
  } catch (err) {
    if (!/no such container|not found|already in progress/i.test(String(err))) throw err;
  }
}

export type ContainerAction = 'kill' | 'start' | 'stop' | 'pause' | 'unpause';

/** Act on a container from outside through the Docker API (kill = SIGKILL, not a signal sent inside). */
export async function containerAction(id: string, action: ContainerAction, opts: { stopTimeoutS?: number } = {}): Promise<void> {
  const client = await docker();
  const c = client.container.getById(id);
  switch (action) {
    case 'kill':
      await c.kill({ signal: 'SIGKILL' });
      return;
    case 'start':
      await c.start();
      return;
    case 'stop':
      await c.stop({ t: opts.stopTimeoutS ?? 10 });
      return;
    case 'pause':
      await c.pause();
      return;
    case 'unpause':
      await c.unpause();
      return;
  }
}

export async function containerState(id: string): Promise<{ running: boolean; paused: boolean; status: string }> {
  const client = await docker();
  const info = await client.container.inspect(client.container.getById(id));
  return { running: info.State.Running, paused: info.State.Paused, status: info.State.Status };
}

export interface Leftover {
  kind: 'container' | 'network';
  id: string;
  name: string;
  labels: Record<string, string>;
}

/** Every container and network the harness labelled (optionally only one topology's). */
export async function listLabelled(filter: Record<string, string> = {}): Promise<Leftover[]> {
  const client = await docker();
  const labelFilters = [LABEL, ...Object.entries(filter).map(([k, v]) => `${k}=${v}`)];
  const containers = await client.container.dockerode.listContainers({ all: true, filters: { label: labelFilters } });
  const networks = await client.container.dockerode.listNetworks({ filters: { label: labelFilters } });
  return [
    ...containers.map((c) => ({ kind: 'container' as const, id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), labels: c.Labels })),
    ...networks.map((n) => ({ kind: 'network' as const, id: n.Id, name: n.Name, labels: n.Labels ?? {} })),
  ];
}

/** Remove labelled leftovers: containers first, then networks. Returns what was removed. */
export async function cleanup(filter: Record<string, string> = {}): Promise<Leftover[]> {
  const found = await listLabelled(filter);
  // Nodes share their sidecar's network namespace: remove nodes before sidecars.
  const containers = found.filter((f) => f.kind === 'container');
  const nodes = containers.filter((c) => c.labels['sentinel-chaos.role'] !== 'sidecar');
  const sidecars = containers.filter((c) => c.labels['sentinel-chaos.role'] === 'sidecar');
  await Promise.all(nodes.map((c) => removeContainer(c.id)));
  await Promise.all(sidecars.map((c) => removeContainer(c.id)));
  for (const n of found.filter((f) => f.kind === 'network')) await removeNetwork(n.id);
  return found;
}
