/**
 * The recorded history of one scenario run, and the results computed from it.
 *
 * Every time is an absolute epoch time in milliseconds (fractional), taken from one clock
 * (`now()` in lib/clock.ts). Reports show times relative to `ScenarioResult.t0`.
 */

/** Jepsen's three outcomes: ok = happened, failed = definitely did not, unknown = may or may not have. */
export type Outcome = 'ok' | 'failed' | 'unknown';

/** One client operation. */
export interface Op {
  /** Logical client process; a process runs one operation at a time. */
  process: number;
  /** Client group name (e.g. "c1"); partitions put whole groups on a side. */
  client: string;
  /** How the client reaches Redis: through Sentinel, or directly to a fixed node. */
  via: 'sentinel' | `direct:${string}`;
  /** `add` = SADD of a unique element, `incr` = INCR of a counter, `read` = a read on a replica. */
  f: 'add' | 'incr' | 'read';
  key: string;
  /** For `add`: the unique element. For `incr`: the counter value returned (when ok). */
  value?: string | number;
  invoke: number;
  complete: number;
  outcome: Outcome;
  /** Error message for failed / unknown ops. */
  error?: string;
  /** For reads: the number of elements seen; for WAIT mode: replicas that acknowledged. */
  result?: number;
  /**
   * The redis node whose connection carried the reply (for ok ops and error replies); for an op that got no
   * reply (timeout, dropped connection), the node its command was written to. Absent when unknown: nothing
   * was written, the connection was replaced before the reply was handed back, or the history predates it.
   */
  node?: string;
}

export type SentinelEventType = string; // '+sdown', '+switch-master', '+tilt', ...

/** One message from a sentinel's event stream (PSUBSCRIBE *), parsed. */
export interface SentinelEvent {
  time: number;
  /** Name of the sentinel that published it (e.g. "sentinel-0"). */
  sentinel: string;
  type: SentinelEventType;
  /** The raw message payload. */
  payload: string;
  /** Instance the event is about, if the payload has the instance form. */
  instance?: { kind: 'master' | 'slave' | 'sentinel'; name: string; host: string; port: number };
  /** Master the instance belongs to (the "@ <master> <ip> <port>" part). */
  master?: { name: string; host: string; port: number };
  /** +switch-master: the old and new master addresses. */
  switchMaster?: { name: string; from: { host: string; port: number }; to: { host: string; port: number } };
  /** +new-epoch / +vote-for-leader epoch. */
  epoch?: number;
}

/** One poll of INFO replication on one redis node. */
export interface RolePoll {
  time: number;
  node: string;
  reachable: boolean;
  role?: 'master' | 'slave';
  /** For replicas: the node name of the master they replicate from (resolved from the announced address), or the raw host:port. */
  masterOf?: string;
  linkUp?: boolean;
  /** master_repl_offset (master) or slave_repl_offset (replica). */
  offset?: number;
  connectedSlaves?: number;
  error?: string;
}

/** A fault that was injected: when, on what, and when it was healed. */
export interface FaultRecord {
  /** Display name, e.g. "kill -9 redis-0". */
  name: string;
  /** Fault kind, e.g. "kill", "pause", "partition", "latency". */
  kind: string;
  /** The fault's report colour ("#rrggbb", Fault.colour); absent in reports written before faults had one. */
  colour?: string;
  targets: string[];
  /**
   * When the injecting call (Docker / toxiproxy / Redis) had returned: the fault is certainly in effect from
   * here, so every phase is measured from it. Before `invokedAt` existed, the time before target resolution.
   */
  start: number;
  /** When the injecting call was made (after the targets were resolved); absent in histories recorded before. */
  invokedAt?: number;
  /** Index of the schedule step that injected it; absent for faults injected from a `during` hook (and in older histories). */
  step?: number;
  /** When the heal completed; absent if it never healed. */
  end?: number;
  /**
   * When the healing call was made: the fault may have ended from here on (an unpause under load returned 350 ms
   * after the master answered again). Absent if it never healed, and in histories recorded before.
   */
  healInvokedAt?: number;
  detail?: Record<string, unknown>;
}

/** The final reads after heal and convergence, against which loss is judged. */
export interface FinalState {
  time: number;
  /** Node the final read was made on (the master sentinels agree on). */
  node?: string;
  /** For the set workload: members of each key. */
  sets: Record<string, string[]>;
  /** For the counter workload: the final counter values. */
  counters: Record<string, number>;
  error?: string;
  /**
   * False when the topology had not converged when the read was taken: the read is kept for the record, but
   * nothing is judged from it (write-loss is 'unknown'). Absent in histories recorded before this field.
   */
  converged?: boolean;
}

/** A line of a sentinel's or redis node's own log, with the timestamp the server printed. */
export interface LogLine {
  node: string;
  /** Server log timestamp (epoch ms), parsed from e.g. "1:X 25 Nov 2026 11:45:01.123". */
  time: number;
  text: string;
}

export type Validity = true | false | 'unknown';

export type Figure = number | string | boolean | null;

/** What a checker returns: a verdict plus named figures. */
export interface CheckResult {
  valid: Validity;
  figures: Record<string, Figure>;
  /** Human-readable lines explaining the verdict. */
  notes?: string[];
  /** Structured details (e.g. the lost writes). */
  details?: Record<string, unknown>;
  /** If the checker threw, its message (valid is then 'unknown'). */
  error?: string;
  /** The checker's key figures (Checker.keyFigures): the names in `figures` reports show first. */
  keyFigures?: string[];
}

export interface NodeInfo {
  name: string;
  kind: 'redis' | 'sentinel';
  image: string;
  /** Announced address (what Sentinel reports), e.g. "redis-0:7000". */
  announced: string;
  initialRole?: 'master' | 'replica' | 'sentinel';
}

/** Everything recorded for one scenario. */
export interface History {
  t0: number;
  faults: FaultRecord[];
  events: SentinelEvent[];
  polls: RolePoll[];
  ops: Op[];
  logs: LogLine[];
  final: FinalState;
  nodes: NodeInfo[];
  masterName: string;
  /** Index in `faults` of the fault failover timing is measured from (null: none was injected). Absent in older histories. */
  measuredFault?: number | null;
  /** When the final heal completed (epoch ms). Absent in older histories. */
  healedAt?: number;
  /**
   * Results measured live during the run that the history cannot reproduce (convergence, a scenario's `during`
   * observations), stored so a stored result can be judged again. Absent in older histories.
   */
  observations?: Record<string, CheckResult>;
  /**
   * The wall clock against the monotonic clock over the run (observe/clock-watch.ts): Sentinel times with the
   * wall clock, so a run in which it stepped is not judged. Absent in older histories.
   */
  clockSamples?: ClockSample[];
}

/** One sample of `Date.now()` minus the harness's monotonic clock (ms), at `time` (epoch ms, monotonic). */
export interface ClockSample {
  time: number;
  skewMs: number;
}

export interface Assertion {
  name: string;
  ok: boolean;
  message?: string;
}

/** The result of one scenario run, as written to results/<scenario>.json. */
export interface ScenarioResult {
  schemaVersion: 1;
  runId: string;
  seed: number;
  scenario: {
    id: string;
    title: string;
    tags: string[];
    description: string;
    expectation: string;
  };
  topology: {
    redisImage: string;
    sentinelImage: string;
    toxiproxyImage: string;
    serverVersion?: string;
    downAfterMs: number;
    failoverTimeoutMs: number;
    quorum: number;
    replicas: number;
    sentinels: number;
    /** Extra settings that change what is measured (e.g. SENTINEL DEBUG periods). */
    notes: string[];
    /** The SENTINEL DEBUG periods in force (ms), e.g. { 'info-period': 1000 }. Absent in older results (see notes). */
    sentinelDebug?: Record<string, number>;
    /** The user's redis.conf / sentinel.conf lines the servers got (--redis-conf / --sentinel-conf). */
    userConfig?: import('./topology/user-config.ts').UserConfigReport | undefined;
  };
  /** The client library the workload ran (absent in results written before clients were pluggable: ioredis). */
  client?: { name: string; version?: string; command?: string };
  startedAt: string;
  durationMs: number;
  /**
   * not-applicable: the servers lack a feature the scenario needs (Scenario.requires); it did not run, which is
   * not a failure, and `notApplicable` says why. Every report shows it.
   */
  verdict: 'pass' | 'fail' | 'error' | 'not-applicable';
  error?: string;
  /** Why the scenario did not run on these servers (verdict not-applicable), e.g. "ACL users needs Redis >= 6.0; this is redis 5.0.6". */
  notApplicable?: string;
  checks: Record<string, CheckResult>;
  /** The scenario's declared non-valid checks (Scenario.expectedOutcomes) the verdict was judged against. */
  expectedOutcomes?: Record<string, ExpectedOutcome>;
  assertions: Assertion[];
  history: History;
}

/** A check declared to come out not valid, and why (see Scenario.expectedOutcomes). */
export interface ExpectedOutcome {
  valid: false | 'unknown';
  why: string;
}
