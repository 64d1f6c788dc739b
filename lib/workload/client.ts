/**
 * The client the workload measures, behind one small interface, so a scenario can be run with the
 * user's own client library (redis-py, or any program speaking docs/client-protocol.md) as well as
 * with ioredis. The workload owns the schedule and the history; a client only connects, performs one
 * bounded operation at a time and says how it ended (ok / failed / unknown, lib/workload/outcome.ts)
 * and which node served it.
 */
import type { Op } from '../model.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';

/** Which client library the workload runs: "ioredis", "redis-py", or "cmd:<shell command>" (an adapter). */
export type ClientChoice = string;

/** The client as the report names it. */
export interface ClientInfo {
  /** "ioredis", "redis-py", or what a `cmd:` adapter announced. */
  name: string;
  /** The library's version, when known. */
  version?: string;
  /** For adapters: the command line that was run. */
  command?: string;
}

/** One client connection (or pool) of a worker: where it goes and how long each command may take. */
export interface ClientTarget {
  /** Client group: which published client proxies (cuttable links) it uses. */
  group: number;
  /** Through Sentinel (to the master, or to a replica for `read`), or straight to one node. */
  via: 'sentinel' | { node: string };
  role: 'master' | 'replica';
  commandTimeoutMs: number;
}

/** One operation: SADD of a unique element, INCR, or SCARD. */
export interface OpRequest {
  f: Op['f'];
  key: string;
  /** For `add`: the unique element. */
  value?: string;
  /** After an ok write, WAIT for this many replicas. */
  wait?: { replicas: number; timeoutMs: number };
}

export interface OpReply {
  outcome: Op['outcome'];
  error?: string;
  /** The redis node whose connection carried the reply (or, with no reply, the one the command was written to). */
  node?: string;
  /** INCR: the counter value; SCARD: the set's size. */
  value?: number;
  /** WAIT: replicas that acknowledged (-1 when WAIT itself failed). */
  replicas?: number;
}

export interface WorkloadClient {
  /** Bounded: resolves when the client can take operations, rejects with a one-line reason. */
  connect(): Promise<void>;
  /** Never rejects: every failure is an outcome. Bounded by the target's command timeout (plus, for adapters, a margin). */
  invoke(req: OpRequest): Promise<OpReply>;
  /** Close the connection(s); for adapters, end the process. Never leaves anything running. */
  close(): Promise<void>;
  /** Set once the client broke in a way that invalidates the run (an adapter crashed or spoke garbage). */
  readonly fatal: Error | undefined;
}

/** Makes the clients of one workload; knows the library's name and version once the first client connected. */
export interface ClientFactory {
  /**
   * One client per workload process (an adapter process runs one operation at a time) instead of one per
   * worker shared by its processes (ioredis pipelines them on one connection).
   */
  readonly perProcess: boolean;
  create(t: StartedSentinelTopology, target: ClientTarget): WorkloadClient;
  info(): ClientInfo;
}
