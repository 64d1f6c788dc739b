/**
 * A scenario is a plain object: topology options, workload, fault schedule, checks and expectations.
 * One runner (runner.ts) owns its lifecycle; the judge (judge.ts) turns its recorded history into checks and
 * a verdict; Mocha `it` blocks run scenarios and assert on the results.
 */
import type { BoundCheck } from '../checks/checker.ts';
import type { Fault } from '../faults/fault.ts';
import type { ExpectedOutcome, FaultRecord, ScenarioResult } from '../model.ts';
import type { SentinelEventRecorder } from '../observe/sentinel-events.ts';
import type { Feature } from '../topology/features.ts';
import type { TopologyOptions } from '../topology/options.ts';
import type { Progress, StartedSentinelTopology } from '../topology/topology.ts';
import type { Workload, WorkloadOptions } from '../workload/workload.ts';
import type { Expect } from './expect.ts';

/** What a `during` hook gets: the live run (here, not in runner.ts, so scenario.ts and runner.ts do not import each other). */
export interface RunContext {
  scenario: Scenario;
  topology: StartedSentinelTopology;
  events: SentinelEventRecorder;
  workload: Workload;
  faults: FaultRecord[];
  random: () => number;
  progress: Progress;
  /** Time the schedule started (epoch ms). */
  scheduleStart: number;
}

/**
 * What the checks of a scenario are computed from: all of it comes from the stored result (the measured
 * fault's start, the heal, the topology's settings), so a stored result can be judged again (judge.ts).
 */
export interface CheckContext {
  scenario: Scenario;
  /** Epoch ms failover timing is measured from (the measured fault's `start`). */
  faultStart: number;
  /** Epoch ms reattachment is measured from (the measured fault's heal, else the final heal). */
  healAt: number;
  topology: CheckTopology;
}

/** The topology settings the checks use (as stored in ScenarioResult.topology). */
export interface CheckTopology {
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs: number;
  /** SENTINEL DEBUG periods in force (ms), e.g. { 'info-period': 1000 }; {} = the server's defaults. */
  sentinelDebug: Record<string, number>;
}

export interface Step {
  /** ms after the workload started (after warm-up). */
  at: number;
  fault: Fault;
  /** Heal after this many ms; absent = healed by the final heal. */
  durationMs?: number;
  /** Random extra delay in [0, jitterMs) drawn from the run's seed. @default 0 */
  jitterMs?: number;
}

/** What the runner does after the final heal before the final read. */
export interface Convergence {
  /** Wait until every redis node replicates from the master the sentinels agree on, offsets caught up. @default true */
  replicas?: boolean;
  /**
   * Bound on the wait; not converging is recorded, not thrown. A function gets the run's recorded topology (its
   * down-after, failover-timeout, SENTINEL DEBUG periods), so the wait follows the configuration, e.g.
   * `convergenceBoundMs` from bounds.ts. @default 30000
   */
  timeoutMs?: number | ((t: ScenarioResult['topology']) => number);
}

export interface Scenario {
  id: string;
  title: string;
  /** Tags for selection: quick, kill, partition, sentinel, auth, ... */
  tags: string[];
  description: string;
  /** The outcome a Sentinel expert expects, in words (shown in reports). */
  expectation: string;
  topology?: Partial<TopologyOptions>;
  /**
   * Server features the scenario cannot run without (lib/topology/features.ts says from which version each
   * exists). On servers without one, the runner marks it not-applicable with the reason instead of running it.
   * Only for what the scenario needs to exist at all: a scenario whose bounds follow Sentinel's periods runs
   * on every version (without SENTINEL DEBUG the bounds use the default periods). @default []
   */
  requires?: Feature[];
  /** @default one Sentinel client writing a set at 200 ops/s */
  workload?: WorkloadOptions;
  schedule: Step[];
  /** Total workload time after warm-up (the schedule runs inside it). */
  durationMs: number;
  /** Whether the fault schedule must cause a failover, and the client-visible unavailability budget. */
  failover: { expected: boolean; budgetMs?: number; /** measure from this step's injection @default 0 */ fromStep?: number };
  /** Loss is expected (e.g. asynchronous replication under a partition): write-loss judges only correctness. @default false */
  allowLoss?: boolean;
  /** What to wait for after the final heal. */
  convergence?: Convergence;
  /**
   * Optional action after the schedule but before the final heal (e.g. observe for a window, manual
   * failover via a command). Gets the run context.
   */
  during?: (ctx: RunContext) => Promise<void>;
  /** Checks over the history. @default the standard set (timing from the first step, reattach, loss, split brain) */
  checks?: (ctx: CheckContext) => BoundCheck[];
  /**
   * Checks that must NOT come out valid, each with the validity it must have and why. Every check not listed
   * here must be valid (true), or the scenario fails; a listed check that does not exist fails too.
   */
  expectedOutcomes?: Record<string, ExpectedOutcome>;
  /** Chai expectations over the result; each is recorded for the report. */
  expect: (result: ScenarioResult, e: Expect) => void;
}
