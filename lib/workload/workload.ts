/**
 * Client workload: processes that issue bounded operations at a configured rate through Sentinel (or
 * directly to a fixed node) and record every one as ok / failed / unknown with invoke/complete times.
 * Every command is bounded (commandTimeout, no offline queue, no retries): an outage is recorded, never hidden.
 * The client library is pluggable (lib/workload/client.ts): ioredis by default, or the user's own through
 * an adapter process (lib/workload/external-client.ts).
 */
import { now, sleep } from '../clock.ts';
import type { Op } from '../model.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';
import type { ClientFactory, ClientInfo, WorkloadClient } from './client.ts';
import { IoredisFactory } from './ioredis-client.ts';

export { boundedOptions } from './ioredis-client.ts';

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
  /** The client library under test. @default ioredis */
  client?: ClientFactory;
}

export function setKey(prefix = 'chaos'): string {
  return `${prefix}:set`;
}
export function counterKey(prefix = 'chaos'): string {
  return `${prefix}:counter`;
}

export class Workload {
  readonly ops: Op[] = [];
  private readonly options: Required<Omit<WorkloadOptions, 'workers'>> & { workers: WorkerSpec[] };
  private readonly clients: WorkloadClient[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private stopTimer: NodeJS.Timeout | undefined;
  private nextProcess = 0;
  /** Kept after the clients are closed, so every stop() (the runner's, after the duration timer's) reports it. */
  private broken: Error | undefined;

  constructor(options: WorkloadOptions) {
    this.options = { commandTimeoutMs: 500, keyPrefix: 'chaos', maxDurationMs: 120_000, maxOps: 2_000_000, random: Math.random, client: new IoredisFactory(), ...options };
  }

  get setKey(): string {
    return setKey(this.options.keyPrefix);
  }
  get counterKey(): string {
    return counterKey(this.options.keyPrefix);
  }

  /** The client library and its version (an adapter's is known once it answered the hello). */
  get client(): ClientInfo {
    return this.options.client.info();
  }

  /** The first client that broke the run (an adapter that crashed or wrote garbage), if any. */
  get fatal(): Error | undefined {
    return this.broken ?? this.clients.find((c) => c.fatal !== undefined)?.fatal;
  }

  private clientFor(t: StartedSentinelTopology, w: WorkerSpec): WorkloadClient {
    const c = this.options.client.create(t, {
      group: w.group ?? 0,
      via: w.via ?? 'sentinel',
      role: w.f === 'read' ? 'replica' : 'master',
      commandTimeoutMs: this.options.commandTimeoutMs,
    });
    this.clients.push(c);
    return c;
  }

  /** Connect every client (bounded), then start the processes. */
  async start(t: StartedSentinelTopology): Promise<this> {
    this.running = true;
    const started = now();
    const factory = this.options.client;
    // Per worker: one client shared by its processes, or one per process (adapters run one op at a time).
    const prepared = this.options.workers.map((w) => {
      const processes = w.processes ?? 1;
      const n = factory.perProcess ? processes : 1;
      return { w, processes, clients: Array.from({ length: n }, () => this.clientFor(t, w)) };
    });
    await Promise.all(prepared.flatMap(({ clients }) => clients.map((c) => c.connect())));
    for (const { w, processes, clients } of prepared) {
      const interval = (1000 * processes) / (w.rate ?? 100);
      for (let i = 0; i < processes; i++) {
        const client = clients[i % clients.length] as WorkloadClient;
        this.loops.push(this.runProcess(w, client, interval, this.nextProcess++));
      }
    }
    this.stopTimer = setTimeout(() => void this.stop().catch(() => {}), Math.max(0, this.options.maxDurationMs - (now() - started)));
    this.stopTimer.unref();
    return this;
  }

  private async runProcess(w: WorkerSpec, client: WorkloadClient, intervalMs: number, process: number): Promise<void> {
    let due = now() + this.options.random() * intervalMs;
    let seq = 0;
    const via: Op['via'] = w.via === undefined || w.via === 'sentinel' ? 'sentinel' : `direct:${w.via.node}`;
    const f = w.f ?? 'add';
    while (this.running && this.ops.length < this.options.maxOps) {
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      if (!this.running) break;
      // A broken adapter ends the workload: the runner reports the scenario as an error (see stop()).
      if (this.fatal) {
        this.running = false;
        break;
      }
      due = Math.max(due + intervalMs, now());
      this.ops.push(await this.invoke(client, w, f, via, process, `${process}-${seq++}`));
    }
  }

  private async invoke(client: WorkloadClient, w: WorkerSpec, f: Op['f'], via: Op['via'], process: number, unique: string): Promise<Op> {
    const key = f === 'incr' ? this.counterKey : this.setKey;
    const op: Op = { process, client: `c${w.group ?? 0}`, via, f, key, invoke: now(), complete: 0, outcome: 'unknown' };
    if (f === 'add') op.value = unique;
    const r = await client.invoke({ f, key, ...(f === 'add' ? { value: unique } : {}), ...(w.wait ? { wait: w.wait } : {}) });
    op.outcome = r.outcome;
    if (r.outcome === 'ok') {
      if (f === 'incr' && r.value !== undefined) op.value = r.value;
      else if (f === 'read' && r.value !== undefined) op.result = r.value;
      if (w.wait && f !== 'read' && r.replicas !== undefined) op.result = r.replicas;
    }
    if (r.error !== undefined) op.error = r.error;
    setNode(op, r.node);
    op.complete = now();
    return op;
  }

  /**
   * Stop the processes (each finishes its in-flight op, which is bounded) and close the clients (adapter
   * processes end). Rejects, after closing everything, if a client broke the run.
   */
  async stop(): Promise<void> {
    this.running = false;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    await Promise.all(this.loops);
    this.loops = [];
    this.broken = this.fatal;
    await Promise.all(this.clients.map((c) => c.close().catch(() => {})));
    this.clients.length = 0;
    if (this.broken) throw this.broken;
  }
}

/** Records the serving node, leaving the field absent when it is unknown. */
function setNode(op: Op, node: string | undefined): void {
  if (node !== undefined) op.node = node;
}
