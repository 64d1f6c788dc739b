/**
 * A workload client that is another program: the user's client library behind a small adapter speaking
 * line-delimited JSON on stdin/stdout (docs/client-protocol.md). One adapter process per workload process,
 * so concurrency is the workload's. The harness does not trust the adapter for anything it can check
 * itself: it enforces the bound (no reply within commandTimeout + margin = unknown), maps the served
 * address to a node, and a crashed adapter or a line that is not the protocol breaks the run with one line
 * naming the adapter — and then nothing of the adapter is left running (its process group is killed).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Op } from '../model.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';
import type { ClientFactory, ClientInfo, ClientTarget, OpReply, OpRequest, WorkloadClient } from './client.ts';
import { nodeByAddress, type NodeByAddress } from './served-by.ts';

export const PROTOCOL_VERSION = 1;

export interface AdapterSpec {
  /** How the report and errors name it until it announces itself: "redis-py", "cmd:<command>". */
  name: string;
  /** Program and arguments; with `shell`, `command` is a shell command line. */
  command: string;
  args?: string[];
  shell?: boolean;
  /**
   * Added to the command timeout for the harness's own bound on a reply: the adapter's client may spend one
   * timeout finding and connecting to the master and one waiting for the reply. @default commandTimeoutMs
   */
  marginMs?: number;
  /** Bound on the adapter starting and answering the hello. @default 15000 */
  startTimeoutMs?: number;
}

/** The first line the harness writes: everything the adapter needs to reach the topology from the host. */
export interface Hello {
  type: 'hello';
  protocol: number;
  masterName: string;
  /** Sentinels as the host reaches them (the group's published client proxies). */
  sentinels: { host: string; port: number }[];
  /** Address a sentinel announces ("redis-1:7001") → where the host reaches it (like ioredis' natMap). */
  addressMap: Record<string, { host: string; port: number }>;
  role: 'master' | 'replica';
  /** Set for a client pinned to one node, bypassing Sentinel. */
  direct?: { host: string; port: number };
  auth?: { username?: string; password: string; sentinelPassword?: string };
  commandTimeoutMs: number;
}

/** The hello for one client of `target` on topology `t`. */
export function helloFor(t: StartedSentinelTopology, target: ClientTarget): Hello {
  const o = t.sentinelClientOptions(target.group);
  const hello: Hello = {
    type: 'hello',
    protocol: PROTOCOL_VERSION,
    masterName: t.masterName,
    sentinels: (o.sentinels ?? []).map((s) => ({ host: s.host ?? '127.0.0.1', port: s.port ?? 0 })),
    addressMap: Object.fromEntries(Object.entries(o.natMap ?? {}).map(([k, v]) => [k, { host: v.host, port: v.port }])),
    role: target.role,
    commandTimeoutMs: target.commandTimeoutMs,
  };
  if (o.password !== undefined) {
    hello.auth = { password: o.password, ...(o.username ? { username: o.username } : {}), ...(o.sentinelPassword ? { sentinelPassword: o.sentinelPassword } : {}) };
  }
  if (target.via !== 'sentinel') {
    const d = t.directClientOptions(target.via.node, target.group);
    hello.direct = { host: d.host ?? '127.0.0.1', port: d.port ?? 0 };
  }
  return hello;
}

const OUTCOMES = new Set<Op['outcome']>(['ok', 'failed', 'unknown']);
const STDERR_LINES = 5;
/** Beyond the margin, how long a closed adapter may take to exit (interpreter teardown) before its group is killed. */
const CLOSE_GRACE_MS = 1000;

/** `host:port` written as the harness writes it (IPv4-mapped IPv6 as IPv4). */
function normalise(addr: string): string {
  return addr.replace(/^\[?::ffff:/i, '').replace(/^\[|\](?=:\d+$)/g, '');
}

function show(line: string): string {
  return JSON.stringify(line.length > 200 ? `${line.slice(0, 199)}…` : line);
}

export class ExternalClient implements WorkloadClient {
  fatal: Error | undefined;
  private child: ChildProcessWithoutNullStreams | undefined;
  private exited: Promise<void> = Promise.resolve();
  private closing = false;
  private nextId = 1;
  private readonly pending = new Map<number, (r: OpReply) => void>();
  private readonly stderr: string[] = [];
  private ready: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private readonly spec: AdapterSpec;
  private readonly hello: Hello;
  private readonly nodes: NodeByAddress;
  private readonly redisNodes: ReadonlySet<string>;
  private readonly onInfo: (info: ClientInfo) => void;

  constructor(spec: AdapterSpec, hello: Hello, nodes: NodeByAddress, redisNodes: readonly string[], onInfo: (info: ClientInfo) => void) {
    this.spec = spec;
    this.hello = hello;
    this.nodes = nodes;
    this.redisNodes = new Set(redisNodes);
    this.onInfo = onInfo;
  }

  /** Start the adapter and wait (bounded) for its answer to the hello. */
  connect(): Promise<void> {
    const child = spawn(this.spec.command, this.spec.args ?? [], { shell: this.spec.shell ?? false, stdio: 'pipe', detached: true });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    child.stdin.on('error', () => {}); // EPIPE after a crash: the exit handler reports it.
    createInterface({ input: child.stderr }).on('line', (l) => {
      this.stderr.push(l);
      if (this.stderr.length > STDERR_LINES) this.stderr.shift();
    });
    createInterface({ input: child.stdout }).on('line', (l) => this.onLine(l));
    child.once('error', (e) => this.break(`client adapter ${this.spec.name} could not be started: ${e.message}. Fix: check the command`));
    child.once('exit', (code, signal) => {
      if (this.closing) return;
      const how = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
      const tail = this.stderr.length ? `; its stderr ended: ${this.stderr.join(' | ')}` : '';
      this.break(`client adapter ${this.spec.name} ${how}${tail}`);
    });
    const bound = this.spec.startTimeoutMs ?? 15_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.break(`client adapter ${this.spec.name} did not answer the hello within ${bound} ms. Fix: it must reply {"type":"ready",...} (docs/client-protocol.md)`), bound);
      this.ready = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.write(this.hello);
    });
  }

  invoke(req: OpRequest): Promise<OpReply> {
    if (this.fatal || !this.child) return Promise.resolve({ outcome: 'failed', error: `not sent: ${this.fatal?.message ?? 'adapter not started'}` });
    const id = this.nextId++;
    const bound = this.hello.commandTimeoutMs + (this.spec.marginMs ?? this.hello.commandTimeoutMs);
    return new Promise<OpReply>((resolve) => {
      const timer = setTimeout(() => {
        // The adapter may still send the command later: it may have been applied. A late reply is ignored.
        this.pending.delete(id);
        resolve({ outcome: 'unknown', error: `no reply from client adapter ${this.spec.name} within ${bound} ms` });
      }, bound);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(r);
      });
      this.write({ id, op: req.f, key: req.key, ...(req.value !== undefined ? { value: req.value } : {}), ...(req.wait ? { wait: req.wait } : {}) });
    });
  }

  /** Ask the adapter to close, then end its whole process group if it has not exited within the margin. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.closing = true;
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      this.write({ op: 'close' });
      child.stdin.end();
      const grace = setTimeout(() => this.kill(), (this.spec.marginMs ?? this.hello.commandTimeoutMs) + CLOSE_GRACE_MS);
      await this.exited;
      clearTimeout(grace);
    }
    // Children the adapter started (a shell's) share its process group: end any that outlived it.
    this.kill();
  }

  private write(msg: object): void {
    const child = this.child;
    if (child && child.stdin.writable) child.stdin.write(`${JSON.stringify(msg)}\n`);
  }

  private kill(): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  /** The run is broken: record one line, settle everything waiting, end the adapter. */
  private break(message: string): void {
    if (this.fatal) return;
    this.fatal = new Error(message);
    this.ready?.reject(this.fatal);
    for (const settle of [...this.pending.values()]) settle({ outcome: 'unknown', error: message });
    this.pending.clear();
    this.closing = true;
    this.kill();
  }

  private garbage(line: string, why: string): void {
    this.break(`client adapter ${this.spec.name} wrote ${why}: ${show(line)}. Fix: write only protocol lines on stdout, logs on stderr (docs/client-protocol.md)`);
  }

  private onLine(line: string): void {
    if (this.fatal || line.trim() === '') return;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return this.garbage(line, 'a line that is not JSON');
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return this.garbage(line, 'a line that is not a JSON object');
    const m = msg as Record<string, unknown>;
    if (this.ready) return this.onHelloReply(line, m);
    this.onReply(line, m);
  }

  private onHelloReply(line: string, m: Record<string, unknown>): void {
    const ready = this.ready;
    if (!ready) return;
    if (m['type'] === 'error') return this.break(`client adapter ${this.spec.name} refused the hello: ${String(m['error'])}`);
    if (m['type'] !== 'ready') return this.garbage(line, 'something other than {"type":"ready"} in answer to the hello');
    this.ready = undefined;
    const c = (m['client'] ?? {}) as Record<string, unknown>;
    const name = typeof c['name'] === 'string' && c['name'] ? c['name'] : this.spec.name;
    this.onInfo({ name, ...(typeof c['version'] === 'string' ? { version: c['version'] } : {}) });
    ready.resolve();
  }

  private onReply(line: string, m: Record<string, unknown>): void {
    const id = m['id'];
    const outcome = m['outcome'];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id >= this.nextId) return this.garbage(line, 'a reply with an id it was never sent');
    if (typeof outcome !== 'string' || !OUTCOMES.has(outcome as Op['outcome'])) return this.garbage(line, 'a reply whose outcome is not ok, failed or unknown');
    const settle = this.pending.get(id);
    if (!settle) return; // Late: the harness already recorded it as unknown.
    const r: OpReply = { outcome: outcome as Op['outcome'] };
    if (typeof m['error'] === 'string') r.error = m['error'];
    else if (outcome !== 'ok') r.error = 'no error message from the adapter';
    const node = this.nodeOf(m);
    if (node !== undefined) r.node = node;
    if (typeof m['value'] === 'number') r.value = m['value'];
    if (typeof m['replicas'] === 'number') r.replicas = m['replicas'];
    settle(r);
  }

  /** `node` if it names a redis node, else `addr` (as the host sees it) mapped back to its node. */
  private nodeOf(m: Record<string, unknown>): string | undefined {
    const node = m['node'];
    if (typeof node === 'string' && this.redisNodes.has(node)) return node;
    const addr = m['addr'];
    return typeof addr === 'string' ? this.nodes.get(normalise(addr)) : undefined;
  }
}

export class ExternalFactory implements ClientFactory {
  readonly perProcess = true;
  private announced: ClientInfo | undefined;
  private readonly spec: AdapterSpec;

  constructor(spec: AdapterSpec) {
    this.spec = spec;
  }

  create(t: StartedSentinelTopology, target: ClientTarget): WorkloadClient {
    return new ExternalClient(this.spec, helloFor(t, target), nodeByAddress(t, [target.group]), t.redisNames(), (info) => (this.announced ??= info));
  }

  /** A `cmd:` adapter also records its command line (the built-in redis-py adapter is named by its version). */
  info(): ClientInfo {
    const base = this.announced ?? { name: this.spec.name };
    return this.spec.shell ? { ...base, command: this.spec.command } : base;
  }
}
