/**
 * Which redis node served an operation: the split-brain checker judges every acknowledged write by the
 * node that acknowledged it, so the workload records it (`Op.node`).
 *
 * Host clients reach the nodes through each node's published client-proxy port on 127.0.0.1 (Sentinel
 * clients through the natMap of `sentinelClientOptions`, pinned clients through `directClientOptions`), so
 * the remote address of a client's socket names the node. ioredis replaces `client.stream` when it
 * reconnects, so the socket is captured when the command is written and the reply is attributed only if
 * the client still has that socket when the reply is handed back (see `ServedBy.attribute`).
 */
import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';
import type { StartedSentinelTopology } from '../topology/topology.ts';

/** `host:port` as the host sees a node's published client port → the node's name. */
export type NodeByAddress = ReadonlyMap<string, string>;

/**
 * The reverse of the addresses host clients of `groups` use: every redis node's published client port
 * (the natMap targets of `sentinelClientOptions` and the `directClientOptions` address, which agree).
 */
export function nodeByAddress(t: StartedSentinelTopology, groups: readonly number[]): NodeByAddress {
  const out = new Map<string, string>();
  const redis = t.redisNames();
  for (const group of new Set(groups)) {
    for (const [announced, target] of Object.entries(t.sentinelClientOptions(group).natMap ?? {})) {
      const [host, port] = splitAddress(announced);
      const node = t.nameOf(host, port);
      if (node !== undefined && redis.includes(node)) out.set(address(target.host, target.port), node);
    }
    for (const node of redis) {
      const o = t.directClientOptions(node, group);
      if (o.host !== undefined && o.port !== undefined) out.set(address(o.host, o.port), node);
    }
  }
  return out;
}

/** A command's socket, captured when it was written. */
export interface Sent {
  stream: Socket;
  /** The node at the socket's remote end, when known. */
  node: string | undefined;
}

/**
 * Call right before issuing a command on a ready client: ioredis writes a ready client's command to
 * `client.stream` synchronously, in the same call, so this is the socket the command goes out on.
 * Undefined when the client is not ready (the command is then rejected without being written).
 */
export function captureSent(client: Redis, nodes: NodeByAddress): Sent | undefined {
  if (client.status !== 'ready') return undefined;
  const stream = client.stream as Socket | undefined;
  if (stream === undefined || stream.destroyed) return undefined;
  const host = stream.remoteAddress;
  const port = stream.remotePort;
  const node = host !== undefined && port !== undefined ? nodes.get(address(host, port)) : undefined;
  return { stream, node };
}

/**
 * The node to record for a command once it settled.
 *
 * - `replied` (a reply or an error reply arrived): the node only if the client still has the socket the
 *   command was written on. ioredis matches replies to commands through one per-client queue that it
 *   resets on every new connection and flushes (rejecting) when a socket closes with
 *   `maxRetriesPerRequest: 0`, and a promise resumes before any further socket event: a reply handed
 *   back while `client.stream` is still the captured socket came on it. If the socket was replaced, the
 *   reply cannot be placed and the node stays unknown.
 * - no reply (timeout, connection dropped): the node the command was written to.
 */
export function servedBy(client: Redis, sent: Sent | undefined, replied: boolean): string | undefined {
  if (sent === undefined) return undefined;
  if (replied && client.stream !== sent.stream) return undefined;
  return sent.node;
}

/** `host:port`, with an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) written as IPv4. */
function address(host: string, port: number): string {
  return `${host.replace(/^::ffff:/i, '')}:${port}`;
}

function splitAddress(a: string): [string, number] {
  const i = a.lastIndexOf(':');
  return [a.slice(0, i), Number(a.slice(i + 1))];
}
