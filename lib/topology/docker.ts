/**
 * The few Docker operations the harness needs, straight on the Docker API (dockerode, from testcontainers'
 * runtime client, which finds the engine: DOCKER_HOST, docker contexts, Docker Desktop, ...).
 * Every container and network carries the LABEL so `sentinel-chaos cleanup` can find leftovers.
 *
 * Containers are created and started here rather than through testcontainers' GenericContainer: a topology
 * starts 12 of them, and GenericContainer runs a fixed sequence per container (image check, create, copy,
 * start, inspect, a followed log stream for its wait strategy) that cannot be reordered; the bring-up
 * (topology.ts) needs to create everything first, start in dependency order and probe readiness itself.
 */
import { getContainerRuntimeClient, ImageName, type ContainerRuntimeClient } from 'testcontainers';
import { pack } from 'tar-stream';
import { sleep } from '../clock.ts';
import { ConfigError } from '../config.ts';

export const LABEL = 'sentinel-chaos';
export const LABEL_TOPOLOGY = 'sentinel-chaos.topology';
export const LABEL_PID = 'sentinel-chaos.pid';

type Dockerode = ContainerRuntimeClient['container']['dockerode'];
export type CreateOptions = Parameters<Dockerode['createContainer']>[0];
export type ContainerInspect = Awaited<ReturnType<ReturnType<Dockerode['getContainer']>['inspect']>>;

/** A created container: its id and name, and (once started and inspected) its published ports. */
export class ContainerHandle {
  private readonly id: string;
  private readonly name: string;
  private readonly ports = new Map<number, number>();

  constructor(id: string, name: string) {
    this.id = id;
    this.name = name;
  }
  getId(): string {
    return this.id;
  }
  getName(): string {
    return this.name;
  }
  /** Published ports always bind to the loopback interface. */
  getHost(): string {
    return '127.0.0.1';
  }
  /** The host port a container port is published on (known after `inspectPorts`). */
  getMappedPort(port: number): number {
    const p = this.ports.get(port);
    if (p === undefined) throw new Error(`container ${this.name}: port ${port} is not published (published: ${[...this.ports.keys()].join(', ') || 'none'})`);
    return p;
  }
  /** Read the host ports Docker assigned (they are assigned when the container starts). */
  async inspectPorts(): Promise<this> {
    const client = await docker();
    const info = await client.container.dockerode.getContainer(this.id).inspect();
    for (const [key, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
      const hostPort = bindings?.find((b) => b.HostIp === '127.0.0.1')?.HostPort ?? bindings?.[0]?.HostPort;
      if (hostPort) this.ports.set(Number(key.split('/')[0]), Number(hostPort));
    }
    return this;
  }
}

/** Port bindings that publish each port on 127.0.0.1 only, on a port Docker picks. */
export function loopbackPorts(ports: number[]): Pick<CreateOptions, 'ExposedPorts'> & { PortBindings: Record<string, { HostIp: string; HostPort: string }[]> } {
  return {
    ExposedPorts: Object.fromEntries(ports.map((p) => [`${p}/tcp`, {}])),
    PortBindings: Object.fromEntries(ports.map((p) => [`${p}/tcp`, [{ HostIp: '127.0.0.1', HostPort: '' }]])),
  };
}

/** Create (not start) a container. */
export async function createContainer(opts: CreateOptions & { name: string }): Promise<ContainerHandle> {
  const client = await docker();
  const c = await client.container.dockerode.createContainer(opts);
  return new ContainerHandle(c.id, opts.name);
}

export async function startContainer(id: string): Promise<void> {
  const client = await docker();
  await client.container.dockerode.getContainer(id).start();
}

/** An entry of an archive: a regular file with content, or a directory (no content). */
export interface ArchiveEntry {
  path: string;
  mode: number;
  content?: string;
}

/** Write files into a (created or running) container, e.g. configuration before it starts. */
export async function putFiles(id: string, entries: ArchiveEntry[]): Promise<void> {
  const client = await docker();
  await client.container.dockerode.getContainer(id).putArchive(await archive(entries), { path: '/' });
}

/** A tar archive (what the Docker archive API takes) of regular files and directories, by tar-stream. */
export async function archive(entries: ArchiveEntry[]): Promise<Buffer> {
  const tar = pack();
  for (const e of entries) {
    const name = e.path.replace(/^\/+/, '');
    if (e.content === undefined) tar.entry({ name, mode: e.mode, type: 'directory' });
    else tar.entry({ name, mode: e.mode }, e.content);
  }
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function createVolume(name: string, labels: Record<string, string>): Promise<string> {
  const client = await docker();
  await client.container.dockerode.createVolume({ Name: name, Labels: labels });
  return name;
}

/** Remove a volume; one already gone is fine. */
export async function removeVolume(name: string): Promise<void> {
  const client = await docker();
  try {
    await client.container.dockerode.getVolume(name).remove();
  } catch (err) {
    if (!/no such volume|not found/i.test(String(err))) throw err;
  }
}

let clientPromise: Promise<ContainerRuntimeClient> | undefined;

/**
 * The container runtime, or one clear error naming the fix. An engine named by DOCKER_HOST is the only one
 * used: testcontainers would otherwise fall back to the default socket when it is unreachable, and a run
 * would silently go to another engine than the one asked for.
 */
export async function docker(): Promise<ContainerRuntimeClient> {
  clientPromise ??= getContainerRuntimeClient().then(
    (client) => {
      const wanted = process.env['DOCKER_HOST'];
      if (wanted && !usesHost(client, wanted)) {
        clientPromise = undefined;
        throw new ConfigError(
          `no Docker engine reachable at DOCKER_HOST=${wanted}. Fix: start Docker there, correct or unset DOCKER_HOST, or run scripts/docker-engine.sh ensure`,
        );
      }
      return client;
    },
    (err: unknown) => {
      clientPromise = undefined;
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new ConfigError(
        `no Docker engine reachable (${why}). Fix: start Docker, set DOCKER_HOST, or run scripts/docker-engine.sh ensure`,
      );
    },
  );
  return clientPromise;
}

/** Does the client talk to the engine at `dockerHost` (unix:///path, tcp://host:port, npipe:////./pipe/x)? */
function usesHost(client: ContainerRuntimeClient, dockerHost: string): boolean {
  const modem = (client.container.dockerode as unknown as { modem?: { socketPath?: string; host?: string; port?: string | number } }).modem;
  let url: URL;
  try {
    url = new URL(dockerHost);
  } catch {
    return true; // not a URL testcontainers understands either: leave the judgement to it
  }
  if (url.hostname === '') return modem?.socketPath === url.pathname || modem?.socketPath === dockerHost.replace(/^\w+:\/\//, '');
  return modem?.host === url.hostname && String(modem?.port ?? '') === url.port;
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

/**
 * Remove a network; one already gone is fine. Docker may still be detaching the endpoint of a container it has just
 * removed ("has active endpoints": seen in a soak, and after Ctrl-C, leaving the network behind), so that answer is
 * retried for up to 5 s before it is an error.
 */
export async function removeNetwork(id: string): Promise<void> {
  const client = await docker();
  for (let attempt = 0; ; attempt++) {
    try {
      await client.network.remove(client.network.getById(id));
      return;
    } catch (err) {
      if (/no such network|not found/i.test(String(err))) return;
      if (!/active endpoints/i.test(String(err)) || attempt >= 25) throw err;
      await sleep(200);
    }
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

/** Rename a container (frees its name for a replacement while it is kept for its logs). */
export async function renameContainer(id: string, name: string): Promise<void> {
  const client = await docker();
  await client.container.dockerode.getContainer(id).rename({ name });
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

/**
 * Remove labelled leftovers: containers first, then networks and volumes. Returns the containers and
 * networks removed (volumes are removed too, but only ever hold configuration: they are not listed).
 */
export async function cleanup(filter: Record<string, string> = {}): Promise<Leftover[]> {
  const found = await listLabelled(filter);
  // Nodes share their sidecar's network namespace: remove nodes before sidecars.
  const containers = found.filter((f) => f.kind === 'container');
  const nodes = containers.filter((c) => c.labels['sentinel-chaos.role'] !== 'sidecar');
  const sidecars = containers.filter((c) => c.labels['sentinel-chaos.role'] === 'sidecar');
  await Promise.all(nodes.map((c) => removeContainer(c.id)));
  await Promise.all(sidecars.map((c) => removeContainer(c.id)));
  for (const n of found.filter((f) => f.kind === 'network')) await removeNetwork(n.id);
  const client = await docker();
  const labelFilters = [LABEL, ...Object.entries(filter).map(([k, v]) => `${k}=${v}`)];
  const volumes = (await client.container.dockerode.listVolumes({ filters: { label: labelFilters } })).Volumes ?? [];
  await Promise.all(volumes.map((v) => removeVolume(v.Name)));
  return found;
}

/** Run a command inside a running container (no TTY multiplexing: output is stdout and stderr as printed). */
export async function execIn(id: string, cmd: string[], timeoutMs = 10_000): Promise<{ exitCode: number | null; output: string }> {
  const client = await docker();
  const exec = await client.container.dockerode.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: true });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new Error(`exec ${cmd.join(' ')}: no exit after ${timeoutMs} ms`));
    }, timeoutMs);
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('error', (e: Error) => {
      clearTimeout(timer);
      reject(e);
    });
    stream.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const info = await exec.inspect();
  return { exitCode: info.ExitCode, output: Buffer.concat(chunks).toString('utf8') };
}

/** Inspect every container of a topology (by label). */
export async function inspectTopology(topologyId: string): Promise<ContainerInspect[]> {
  const d = (await docker()).container.dockerode;
  const list = await d.listContainers({ all: true, filters: { label: [`${LABEL_TOPOLOGY}=${topologyId}`] } });
  return Promise.all(list.map((c) => d.getContainer(c.Id).inspect()));
}

/** Docker events about containers carrying `label` (k=v) between two epoch-second times. */
export async function containerEvents(label: string, sinceS: number, untilS: number): Promise<{ Action?: string; Actor?: { ID?: string } }[]> {
  const d = (await docker()).container.dockerode;
  const stream = (await d.getEvents({ since: sinceS, until: untilS, filters: { type: ['container'], label: [label] } })) as NodeJS.ReadableStream;
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { Action?: string; Actor?: { ID?: string } });
}

/**
 * What is left of a topology in Docker, found both by label and by name (`sc-<id>-*` containers, network
 * and volume `sentinel-chaos-<id>`), independent of what the harness recorded: for tests and teardown checks.
 */
export async function remaining(topologyId: string): Promise<string[]> {
  const client = await docker();
  const d = client.container.dockerode;
  const label = [`${LABEL_TOPOLOGY}=${topologyId}`];
  const [byLabel, byName, netsByLabel, netsByName, volsByLabel, volsByName] = await Promise.all([
    d.listContainers({ all: true, filters: { label } }),
    d.listContainers({ all: true, filters: { name: [`sc-${topologyId}-`] } }),
    d.listNetworks({ filters: { label } }),
    d.listNetworks({ filters: { name: [`sentinel-chaos-${topologyId}`] } }),
    d.listVolumes({ filters: { label } }),
    d.listVolumes({ filters: { name: [`sentinel-chaos-${topologyId}`] } }),
  ]);
  const names = [
    ...[...byLabel, ...byName].map((c) => `container ${(c.Names[0] ?? c.Id).replace(/^\//, '')} (${c.State})`),
    ...[...netsByLabel, ...netsByName].map((n) => `network ${n.Name}`),
    ...[...(volsByLabel.Volumes ?? []), ...(volsByName.Volumes ?? [])].map((v) => `volume ${v.Name}`),
  ];
  return [...new Set(names)].sort();
}
