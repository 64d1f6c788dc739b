/** The checkers, composed by name with `withOpts` + `runChecks`. */
export { allValid, relMs, round1, runChecks, unknownResult, withOpts } from './checker.ts';
export type { BoundCheck, Checker, OptsOf } from './checker.ts';
export {
  clientUnavailability,
  durableUnavailability,
  failoverAttempts,
  failoverTiming,
  orderViolations,
  phasesFromLogs,
  sentinelPhases,
} from './failover-timing.ts';
export type { DurableUnavailability, FailoverAttempt, FailoverTimingOpts, SentinelPhases, Unavailability } from './failover-timing.ts';
export { finalMasterFromPolls, pollsByNode, reattach } from './reattach.ts';
export type { ReattachOpts } from './reattach.ts';
export { dualMasterWindows, splitBrain } from './split-brain.ts';
export { electedAt, electedTimeline } from './elected-master.ts';
export type { ElectedSpan } from './elected-master.ts';
export type { MasterWindow, SplitBrainOpts } from './split-brain.ts';
export { checkCounters, checkSets, writeLoss } from './write-loss.ts';
export type { OpRef, WriteLossOpts } from './write-loss.ts';
export { replicaReads } from './replica-reads.ts';
export { stepFigures, stepImpact } from './step-impact.ts';
export type { StepBudget, StepFigures, StepImpactOpts } from './step-impact.ts';
export type { ReplicaReadsOpts } from './replica-reads.ts';
