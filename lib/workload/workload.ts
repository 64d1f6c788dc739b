/**
 * Client workload: processes that issue bounded operations at a configured rate through Sentinel (or
 * directly to a fixed node) and record every one as ok / failed / unknown with invoke/complete times.
 * Every command is bounded (commandTimeout, no offline queue, no retries): an outage is recorded, never hidden.
 */
import { Redis, ReplyError, type RedisOptions } from 'ioredis';
import { now, sleep, withTimeout } from '../clock.ts';
import type { Op } from '../model.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { classify } from './outcome.ts';
import { captureSent, nodeByAddress, servedBy, type NodeByAddress } from './served-by.ts';

export interface WorkerSpec {
  /** Client group (which set of cuttable client links it uses). @default 0 */
  group?: number;
  /** Through Sentinel, or straight to a fixed node (bypassing Sentinel: used for split brain). @default "sentinel" */
  via?: 'sentinel' | { node: string };
  /** add = SADD of a unique element; incr = INCR; read = SCARD on a replica. @default "add" */
  f?: Op['f'];
  /** Concurrent processes (each runs one op at a time). @default 1 */
  processes?: number;
  /** Target operations per second for the whole worker. @default 100 */
  rate?: number;
  /** After each ok write, WAIT for this many replicas (result = replicas that acknowledged). */
  wait?: { replicas: number; timeoutMs: number };
}

export interface WorkloadOptions {
  workers: WorkerSpec[];
  /** Bound on every command. @default 500 */
  commandTimeoutMs?: number;
  /** Key prefix. @default "chaos" */
  keyPrefix?: string;
  /** Hard bound on the workload's duration; it stops by itself. @default 120000 */
  maxDurationMs?: number;
  /** Hard bound on the number of operations. @default 2000000 */
  maxOps?: number;
  /** Random source for the processes' start offsets (the runner passes one seeded from the run's seed). @default Math.random */
  random?: () => number;
}

export function setKey(prefix = 'chaos'): string {
  return `${prefix}:set`;
}
export function counterKey(prefix = 'chaos'): string {
  return `${prefix}:counter`;
}

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

export class Workload {
  readonly ops: Op[] = [];
  private readonly options: Required<Omit<WorkloadOptions, 'workers'>> & { workers: WorkerSpec[] };
  private readonly clients: Redis[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private stopTimer: NodeJS.Timeout | undefined;
  private nextProcess = 0;
  /** Published client address → node, for `Op.node` (set by start()). */
  private nodes: NodeByAddress = new Map();

  constructor(options: WorkloadOptions) {
    this.options = { commandTimeoutMs: 500, keyPrefix: 'chaos', maxDurationMs: 120_000, maxOps: 2_000_000, random: Math.random, ...options };
  }

  get setKey(): string {
    return setKey(this.options.keyPrefix);
  }
  get counterKey(): string {
    return counterKey(this.options.keyPrefix);
  }

  private clientFor(t: StartedSentinelTopology, w: WorkerSpec): Redis {
    const bounded = boundedOptions(this.options.commandTimeoutMs);
    const group = w.group ?? 0;
    const via = w.via ?? 'sentinel';
    const opts =
      via === 'sentinel'
        ? t.sentinelClientOptions(group, { ...bounded, ...(w.f === 'read' ? { role: 'slave' as const } : {}) })
        : t.directClientOptions(via.node, group, bounded);
    const c = new Redis(opts);
    c.on('error', () => {});
    this.clients.push(c);
    return c;
  }

  /** Connect every client (bounded), then start the processes. */
  async start(t: StartedSentinelTopology): Promise<this> {
    this.running = true;
    const started = now();
    this.nodes = nodeByAddress(t, this.options.workers.map((w) => w.group ?? 0));
    const prepared = this.options.workers.map((w) => ({ w, client: this.clientFor(t, w) }));
    await Promise.all(prepared.map(({ client }) => withTimeout(client.connect(), 10_000, 'workload client to connect')));
    for (const { w, client } of prepared) {
      const processes = w.processes ?? 1;
      const interval = (1000 * processes) / (w.rate ?? 100);
      for (let i = 0; i < processes; i++) this.loops.push(this.runProcess(w, client, interval, this.nextProcess++));
    }
    this.stopTimer = setTimeout(() => void this.stop(), Math.max(0, this.options.maxDurationMs - (now() - started)));
    this.stopTimer.unref();
    return this;
  }

  private async runProcess(w: WorkerSpec, client: Redis, intervalMs: number, process: number): Promise<void> {
    let due = now() + this.options.random() * intervalMs;
    let seq = 0;
    const via: Op['via'] = w.via === undefined || w.via === 'sentinel' ? 'sentinel' : `direct:${w.via.node}`;
    const f = w.f ?? 'add';
    while (this.running && this.ops.length < this.options.maxOps) {
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      if (!this.running) break;
      due = Math.max(due + intervalMs, now());
      this.ops.push(await this.invoke(client, w, f, via, process, `${process}-${seq++}`));
    }
  }

  private async invoke(client: Redis, w: WorkerSpec, f: Op['f'], via: Op['via'], process: number, unique: string): Promise<Op> {
    const key = f === 'incr' ? this.counterKey : this.setKey;
    const op: Op = { process, client: `c${w.group ?? 0}`, via, f, key, invoke: now(), complete: 0, outcome: 'unknown' };
    if (f === 'add') op.value = unique;
    // With the offline queue off, a client that is not ready rejects without sending: definitely not applied.
    // Captured in the same synchronous turn as the call below, which writes the command to this socket.
    const sent = captureSent(client, this.nodes);
    try {
      const reply = f === 'add' ? client.sadd(key, unique) : f === 'incr' ? client.incr(key) : client.scard(key);
      const value = await reply;
      if (f === 'incr') op.value = value;
      else if (f === 'read') op.result = value;
      setNode(op, servedBy(client, sent, true));
      op.outcome = 'ok';
      if (w.wait && f !== 'read') op.result = await client.wait(w.wait.replicas, w.wait.timeoutMs).catch(() => -1);
    } catch (err) {
      const c = classify(err);
      op.outcome = sent ? c.outcome : 'failed';
      op.error = c.error;
      // An error reply (READONLY…) came back on a socket; a timeout or a dropped connection brought none.
      setNode(op, servedBy(client, sent, err instanceof ReplyError));
    }
    op.complete = now();
    return op;
  }

  /** Stop the processes (each finishes its in-flight op, which is bounded) and close the clients. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    await Promise.all(this.loops);
    this.loops = [];
    for (const c of this.clients) c.disconnect();
    this.clients.length = 0;
  }
}

/** Records the serving node, leaving the field absent when it is unknown. */
function setNode(op: Op, node: string | undefined): void {
  if (node !== undefined) op.node = node;
}
