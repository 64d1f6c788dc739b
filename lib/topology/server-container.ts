/**
 * How a node's server container is made: in its sidecar's network namespace (so every byte it sends or
 * receives can go through the sidecar's proxies), with the shared data volume mounted. One place, used by the
 * bring-up and by a rolling upgrade that replaces a server with another image (replace.ts).
 */
import { createContainer, type ContainerHandle } from './docker.ts';
import { DATA_DIR, nodeCommand, type NodeSpec } from './layout.ts';
import type { StartedSentinelTopology } from './started.ts';

/** Create (not start) the server container of `spec` on `image`, and record it on the topology. */
export async function createServerContainer(t: StartedSentinelTopology, spec: NodeSpec, sidecarId: string, image: string): Promise<ContainerHandle> {
  const server = await createContainer({
    name: `sc-${t.id}-${spec.name}`,
    Image: image,
    Cmd: nodeCommand(spec, image),
    Labels: { ...t.labels, 'sentinel-chaos.role': spec.kind, 'sentinel-chaos.node': spec.name, 'sentinel-chaos.image': image },
    HostConfig: {
      NetworkMode: `container:${sidecarId}`,
      Mounts: [{ Type: 'volume', Source: t.volume, Target: DATA_DIR }],
    },
  });
  t.track(spec.name, 'server', server);
  return server;
}
