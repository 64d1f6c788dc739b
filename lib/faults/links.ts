/**
 * Directed links and how to switch them. Link X→Y is proxy `to-Y` in X's sidecar; the link from client
 * group k to node X is proxy `client-k` in X's sidecar. Cutting a link disables its proxy: open connections
 * are closed and new ones refused, only in that direction of connection set-up (the grudge model).
 */
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { clientProxyName, linkProxyName } from '../topology/layout.ts';

/** `from` is a node name or a client group written "client:<k>"; `to` is a node name. */
export interface Link {
  from: string;
  to: string;
}

export function clientEndpoint(group: number): string {
  return `client:${group}`;
}

function parseClient(endpoint: string): number | undefined {
  const m = /^client:(\d+)$/.exec(endpoint);
  return m ? Number(m[1]) : undefined;
}

/** Where the proxy for a link lives: the sidecar of the node that opens the connection (or of the target, for clients). */
export function proxyOf(link: Link): { sidecarOf: string; proxy: string } {
  const group = parseClient(link.from);
  if (group !== undefined) return { sidecarOf: link.to, proxy: clientProxyName(group) };
  return { sidecarOf: link.from, proxy: linkProxyName(link.to) };
}

export function linkName(link: Link): string {
  return `${link.from}→${link.to}`;
}

async function api(t: StartedSentinelTopology, link: Link): Promise<{ post: (path: string, body: unknown) => Promise<unknown>; del: (path: string) => Promise<void>; proxy: string }> {
  const { sidecarOf, proxy } = proxyOf(link);
  const tp = t.node(sidecarOf).toxiproxy;
  return {
    proxy,
    post: async (path, body) => (await tp.api.post(`${tp.host}${path}`, body)).data,
    del: (path) => tp.api.delete(`${tp.host}${path}`),
  };
}

export async function setLinkEnabled(t: StartedSentinelTopology, link: Link, enabled: boolean): Promise<void> {
  const a = await api(t, link);
  await a.post(`/proxies/${a.proxy}`, { enabled });
}

export interface ToxicSpec {
  /** Toxic name; unique per link. */
  name: string;
  type: 'latency' | 'bandwidth' | 'slow_close' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data';
  /** upstream = data from the connecting side, downstream = replies. */
  stream: 'upstream' | 'downstream';
  /** Probability the toxic applies to a connection. @default 1 */
  toxicity?: number;
  attributes: Record<string, number>;
}

export async function addToxic(t: StartedSentinelTopology, link: Link, toxic: ToxicSpec): Promise<void> {
  const a = await api(t, link);
  await a.post(`/proxies/${a.proxy}/toxics`, { toxicity: 1, ...toxic });
}

export async function removeToxic(t: StartedSentinelTopology, link: Link, name: string): Promise<void> {
  const a = await api(t, link);
  try {
    await a.del(`/proxies/${a.proxy}/toxics/${name}`);
  } catch (err) {
    if (!/not found|404/i.test(String(err))) throw err;
  }
}

/** Every node-to-node link between two sets of endpoints, both directions (clients only open connections). */
export function linksBetween(a: string[], b: string[]): Link[] {
  const out: Link[] = [];
  for (const x of a) for (const y of b) {
    if (x === y) continue;
    if (parseClient(y) === undefined) out.push({ from: x, to: y });
    if (parseClient(x) === undefined) out.push({ from: y, to: x });
  }
  return out;
}

/** All links into and out of a node (node links both directions, plus every client group's link into it). */
export function linksOfNode(t: StartedSentinelTopology, node: string): Link[] {
  const others = t.specs.map((s) => s.name).filter((n) => n !== node);
  const clients = Array.from({ length: t.options.clientGroups }, (_, k) => clientEndpoint(k));
  return linksBetween([node], [...others, ...clients]);
}

/** Undo every proxy change in every sidecar (toxiproxy's reset: enable all, remove all toxics). */
export async function resetAllLinks(t: StartedSentinelTopology): Promise<void> {
  await Promise.all([...t.nodes.values()].map((n) => n.toxiproxy.reset()));
}
