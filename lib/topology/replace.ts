/**
 * Replacing a node's server with another image, as a rolling upgrade does: the old server is stopped
 * gracefully (SIGTERM: Redis shuts down cleanly, a sentinel flushes nothing it has not already written), then
 * a server on the new image starts in the same sidecar namespace on the same data volume, reading the same
 * config file — which Sentinel and Redis may have rewritten while the old one ran (CONFIG REWRITE after
 * SLAVEOF, a sentinel's epochs and known peers), exactly as a package upgrade on a host keeps /etc/redis.
 * Its address, proxies and admin port do not change, so every observer reconnects on its own.
 */
import { now } from '../clock.ts';
import { containerAction, renameContainer, startContainer } from './docker.ts';
import { answers, poll } from './ready.ts';
import { createServerContainer } from './server-container.ts';
import type { StartedSentinelTopology } from './started.ts';

export interface ReplaceTimings {
  /** Epoch ms: the old server had stopped (docker stop returned). */
  stoppedAt: number;
  /** Epoch ms: the new server answered PING on its real port. */
  answeringAt: number;
}

/**
 * Stop `name`'s server, start a new one on `image` in its place and wait until it answers (bounded by the
 * topology's startupTimeoutMs). The node's recorded image becomes `image`.
 */
export async function replaceServer(t: StartedSentinelTopology, name: string, image: string, opts: { stopTimeoutS?: number } = {}): Promise<ReplaceTimings> {
  const node = t.node(name);
  await containerAction(node.container.getId(), 'stop', { stopTimeoutS: opts.stopTimeoutS ?? 10 });
  const stoppedAt = now();
  // The old server is kept (stopped, renamed: the name is reused) so its log lines, e.g. why it could not sync
  // from an upgraded master, reach the report; teardown removes it with the rest.
  const previous = [...(node.previous ?? []), node.container];
  await renameContainer(node.container.getId(), `sc-${t.id}-${name}-was-${previous.length}`);
  const server = await createServerContainer(t, node.spec, node.sidecar.getId(), image);
  t.nodes.set(name, { ...node, image, container: server, previous });
  await startContainer(server.getId());
  const answeringAt = await poll(`${name} on ${image} to answer`, async () => ((await answers(node.admin.host, node.admin.port)) ? now() : false), {
    deadline: now() + t.options.startupTimeoutMs,
    intervalMs: 20,
  });
  return { stoppedAt, answeringAt };
}
