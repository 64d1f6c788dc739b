/**
 * The default workload client: ioredis, following failovers through Sentinel with the topology's natMap
 * (or pinned to one node). Every command is bounded (commandTimeout, no offline queue, no retries), so an
 * outage is recorded, never hidden; the serving node comes from the socket the command was written on
 * (lib/workload/served-by.ts).
 */
import { createRequire } from 'node:module';
import { Redis, ReplyError, type RedisOptions } from 'ioredis';
import { withTimeout } from '../clock.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';
import type { ClientFactory, ClientInfo, ClientTarget, OpReply, OpRequest, WorkloadClient } from './client.ts';
import { classify } from './outcome.ts';
import { captureSent, nodeByAddress, servedBy, type NodeByAddress } from './served-by.ts';

/** Bounded client options: no offline queue, no retries, fast reconnect, READONLY forces a reconnect. */
export function boundedOptions(timeoutMs: number): Partial<RedisOptions> {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    retryStrategy: () => 50,
    sentinelRetryStrategy: () => 50,
    sentinelCommandTimeout: timeoutMs,
    // ioredis' failoverDetector left off: on +switch-master it can end a client that is mid-reconnect.
    reconnectOnError: (err: Error) => (/^READONLY/.test(err.message) ? 1 : false),
    enableReadyCheck: true,
    lazyConnect: true,
  } as Partial<RedisOptions>;
}

/** The installed ioredis version (its package.json), for the report. */
function ioredisVersion(): string | undefined {
  try {
    return (createRequire(import.meta.url)('ioredis/package.json') as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** How long connect() may take before the workload gives up (the topology is up, so this is generous). */
const CONNECT_BOUND_MS = 10_000;

export class IoredisClient implements WorkloadClient {
  readonly fatal = undefined;
  private readonly client: Redis;
  private readonly nodes: NodeByAddress;

  constructor(t: StartedSentinelTopology, target: ClientTarget) {
    const bounded = boundedOptions(target.commandTimeoutMs);
    const opts =
      target.via === 'sentinel'
        ? t.sentinelClientOptions(target.group, { ...bounded, ...(target.role === 'replica' ? { role: 'slave' as const } : {}) })
        : t.directClientOptions(target.via.node, target.group, bounded);
    this.client = new Redis(opts);
    this.client.on('error', () => {});
    this.nodes = nodeByAddress(t, [target.group]);
  }

  async connect(): Promise<void> {
    await withTimeout(this.client.connect(), CONNECT_BOUND_MS, 'workload client to connect');
  }

  async invoke(req: OpRequest): Promise<OpReply> {
    const client = this.client;
    // With the offline queue off, a client that is not ready rejects without sending: definitely not applied.
    // Captured in the same synchronous turn as the call below, which writes the command to this socket.
    const sent = captureSent(client, this.nodes);
    try {
      const reply = req.f === 'add' ? client.sadd(req.key, req.value ?? '') : req.f === 'incr' ? client.incr(req.key) : client.scard(req.key);
      const value = await reply;
      const out: OpReply = { outcome: 'ok', ...nodeField(servedBy(client, sent, true)) };
      if (req.f !== 'add') out.value = value;
      if (req.wait && req.f !== 'read') out.replicas = await client.wait(req.wait.replicas, req.wait.timeoutMs).catch(() => -1);
      return out;
    } catch (err) {
      const c = classify(err);
      // An error reply (READONLY…) came back on a socket; a timeout or a dropped connection brought none.
      return { outcome: sent ? c.outcome : 'failed', error: c.error, ...nodeField(servedBy(client, sent, err instanceof ReplyError)) };
    }
  }

  close(): Promise<void> {
    this.client.disconnect();
    return Promise.resolve();
  }
}

export class IoredisFactory implements ClientFactory {
  /** One client per worker, its processes' commands pipelined on it (the behaviour the figures were measured with). */
  readonly perProcess = false;
  private readonly version = ioredisVersion();
  create(t: StartedSentinelTopology, target: ClientTarget): WorkloadClient {
    return new IoredisClient(t, target);
  }
  info(): ClientInfo {
    return { name: 'ioredis', ...(this.version !== undefined ? { version: this.version } : {}) };
  }
}

function nodeField(node: string | undefined): { node?: string } {
  return node === undefined ? {} : { node };
}
