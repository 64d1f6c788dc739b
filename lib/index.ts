/**
 * The public API of the sentinel-chaos package (`import { ... } from 'sentinel-chaos'`): what a user needs to
 * write and run their own scenarios — the scenario type, topology options, faults, workload, checks, the
 * runner (runScenario / ChaosRun), reports, configuration and their own redis.conf/sentinel.conf.
 * docs/writing-scenarios.md walks through a complete scenario. Anything not exported here is internal.
 */

// The scenario and what runs it
export type { Convergence, Scenario, Step } from './scenario/scenario.ts';
export type { RunContext, RunOptions } from './scenario/runner.ts';
export { DEFAULT_WORKLOAD, defaultChecks, runScenario } from './scenario/runner.ts';
export { ChaosRun } from './scenario/chaos-run.ts';
export { Expect } from './scenario/expect.ts';
export { DEFAULT_SENTINEL_DEBUG, newRunId, selectScenarios, suiteSettings, topologyFrom } from './scenario/suite.ts';
export type { SuiteSettings } from './scenario/suite.ts';

// Topology
export type { AuthOptions, TopologyOptions } from './topology/options.ts';
export { defaultTopologyOptions, validateTopologyOptions } from './topology/options.ts';
export { SentinelTopology, StartedSentinelTopology } from './topology/topology.ts';
export type { Progress } from './topology/topology.ts';
export { loadUserConfig, userConfigReport, withUserConfig } from './topology/user-config.ts';
export type { UserConfig, UserConfigReport, UserDirective } from './topology/user-config.ts';

// Faults (one class per fault; targets are node names or 'master' / 'replica', resolved at injection)
export type { Fault, Target } from './faults/fault.ts';
export type { Link, ToxicSpec } from './faults/links.ts';
export { CutLinks } from './faults/cut-links.ts';
export { Isolate } from './faults/isolate.ts';
export { Kill } from './faults/kill.ts';
export { ManualFailover } from './faults/manual-failover.ts';
export { Partition } from './faults/partition.ts';
export type { PartitionMode, PartitionOptions } from './faults/partition.ts';
export { Pause } from './faults/pause.ts';
export { Shutdown } from './faults/shutdown.ts';
export { StopSentinels } from './faults/stop-sentinels.ts';
export { Toxic } from './faults/toxic.ts';

// Workload
export { Workload } from './workload/workload.ts';
export type { WorkerSpec, WorkloadOptions } from './workload/workload.ts';

// Checks (pure functions over a history) and the result model
export * from './checks/index.ts';
export type { Assertion, CheckResult, Figure, History, Op, ScenarioResult, Validity } from './model.ts';

// Reports
export { writeRunReport } from './report/write-report.ts';
export type { WriteReportOptions, WriteReportResult } from './report/write-report.ts';
export type { RunReport } from './report/run-report.ts';
export type { ResultsJson, ScenarioRecord } from './report/json.ts';

// Configuration
export { ConfigError, loadConfig, resolveImages } from './config.ts';
export type { HarnessConfig, Images } from './config.ts';
