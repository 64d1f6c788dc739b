/**
 * A scenario is a plain object: topology options, workload, fault schedule, checks and expectations.
 * One runner (runner.ts) owns its lifecycle; Mocha `it` blocks run scenarios and assert on the results.
 */
import type { BoundCheck } from '../checks/checker.ts';
import type { Fault } from '../faults/fault.ts';
import type { ScenarioResult } from '../model.ts';
import type { TopologyOptions } from '../topology/options.ts';
import type { WorkloadOptions } from '../workload/workload.ts';
import type { Expect } from './expect.ts';

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
  /** Bound on the wait; not converging is recorded, not thrown. @default 30000 */
  timeoutMs?: number;
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
  during?: (ctx: import('./runner.ts').RunContext) => Promise<void>;
  /** Checks over the history. @default the standard set (timing from the first step, reattach, loss, split brain) */
  checks?: (ctx: { scenario: Scenario; faultStart: number; healAt: number; topology: TopologyOptions }) => BoundCheck[];
  /**
   * Checks that are invalid (or unknown) by design, with the reason: such a check must come out with exactly that
   * validity; every check not listed must be valid, or the scenario fails.
   */
  expectedOutcomes?: Record<string, { valid: false | 'unknown'; why: string }>;
  /** Chai expectations over the result; each is recorded for the report. */
  expect: (result: ScenarioResult, e: Expect) => void;
}
