/**
 * What the comparison renderers (HTML, Markdown) show: per scenario, one row per figure with one
 * cell per variant, and the candidate cells' difference to the baseline. Pure functions.
 */
import { formatMs, MISSING } from '../report/report-data.ts';
import type { KeyFigures } from '../report/json.ts';
import type { ComparisonReport, Finding, MetricTest, ScenarioComparison, ScenarioOutcome } from './model.ts';

export interface MetricCell {
  text: string;
  /** Difference to the baseline, e.g. "+312 ms (+15%)"; absent on the baseline or when not computable. */
  delta?: string;
  /** A regression finding concerns this cell. */
  bad: boolean;
  /** An improvement finding concerns this cell. */
  good: boolean;
}

export interface MetricRow {
  key: string;
  label: string;
  /** Hover text: what the figure is. */
  hint: string;
  /** Whether the verdict judges this row. */
  judged: boolean;
  cells: MetricCell[];
}

interface Metric {
  key: keyof KeyFigures | 'verdict' | 'server' | 'duration';
  label: string;
  hint: string;
  unit: 'ms' | 'count' | 'text';
  judged: boolean;
}

const METRICS: readonly Metric[] = [
  { key: 'verdict', label: 'Verdict', hint: "the scenario's own expectations", unit: 'text', judged: true },
  { key: 'detectionMs', label: 'Detection', hint: 'fault → sdown quorum (or odown), ms from the fault', unit: 'ms', judged: false },
  { key: 'electionMs', label: 'Election', hint: 'fault → leader elected, ms from the fault', unit: 'ms', judged: false },
  { key: 'promotionMs', label: 'Promotion', hint: 'fault → replica promoted (or first +switch-master), ms from the fault', unit: 'ms', judged: true },
  { key: 'clientRecoveryMs', label: 'Client recovery', hint: 'fault → writes through Sentinel succeed again, ms from the fault', unit: 'ms', judged: true },
  { key: 'unavailableMs', label: 'Unavailable', hint: 'longest time without an acknowledged write', unit: 'ms', judged: false },
  { key: 'acked', label: 'Writes acked', hint: 'acknowledged writes', unit: 'count', judged: false },
  { key: 'lost', label: 'Writes lost', hint: 'acknowledged writes missing from the final state', unit: 'count', judged: true },
  { key: 'recovered', label: 'Unknown writes recovered', hint: 'writes with an unknown outcome that turned out to have happened', unit: 'count', judged: false },
  { key: 'reattached', label: 'Replicas reattached', hint: 'replicas following the final master at the end', unit: 'count', judged: false },
  { key: 'reattachedMs', label: 'Reattached after heal', hint: 'when the last replica settled, ms after the heal', unit: 'ms', judged: false },
  { key: 'server', label: 'Server', hint: 'as INFO reports it', unit: 'text', judged: false },
  { key: 'duration', label: 'Scenario run time', hint: 'set-up to tear-down', unit: 'ms', judged: false },
];

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function value(o: ScenarioOutcome, m: Metric): number | string | null {
  switch (m.key) {
    case 'verdict':
      return o.verdict;
    case 'server':
      return o.serverVersion;
    case 'duration':
      return o.durationMs;
    case 'reattached': {
      const r = num(o.figures.reattached);
      const of = num(o.figures.reattachExpected);
      return r === null ? null : `${r}/${of ?? '?'}`;
    }
    default: {
      const v = o.figures[m.key];
      return typeof v === 'number' || typeof v === 'string' ? v : null;
    }
  }
}

function fmt(v: number | string | null, unit: Metric['unit']): string {
  if (v === null) return MISSING;
  if (typeof v === 'string') return v;
  return unit === 'ms' ? formatMs(v) : String(v);
}

function deltaText(b: number, c: number, unit: Metric['unit']): string {
  const d = c - b;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const abs = Math.abs(d);
  const amount = unit === 'ms' ? formatMs(abs) : String(abs);
  const p = b !== 0 ? ` (${sign}${Math.round((abs / Math.abs(b)) * 100)}%)` : '';
  return `${sign}${amount}${p}`;
}

function findingMetric(f: Finding): string | undefined {
  if (f.metric) return f.metric;
  if (f.kind === 'new-failure' || f.kind === 'fixed') return 'verdict';
  return undefined;
}

/** Rows of one scenario; `labels` are the variants' labels (findings name their variant by label). */
export function metricRows(s: ScenarioComparison, labels: readonly string[]): MetricRow[] {
  const base = s.outcomes[0] ?? null;
  return METRICS.map((m) => ({
    key: m.key,
    label: m.label,
    hint: m.hint,
    judged: m.judged,
    cells: s.outcomes.map((o, i): MetricCell => {
      if (!o) return { text: 'not run', bad: false, good: false };
      const v = value(o, m);
      const cell: MetricCell = { text: fmt(v, m.unit), bad: false, good: false };
      if (i === 0) return cell;
      if (base && m.unit !== 'text') {
        const b = value(base, m);
        if (typeof b === 'number' && typeof v === 'number' && v !== b) cell.delta = deltaText(b, v, m.unit);
      }
      const mine = s.findings.filter((f) => f.variant === labels[i] && findingMetric(f) === m.key);
      cell.bad = mine.some((f) => f.regression);
      cell.good = mine.some((f) => f.kind === 'faster' || f.kind === 'fixed');
      return cell;
    }),
  }));
}

/** Per variant: how many scenarios passed / failed / errored. */
export function variantTotals(r: ComparisonReport): { pass: number; fail: number; error: number; 'not-applicable': number; missing: number }[] {
  return r.variants.map((_, i) => {
    const t = { pass: 0, fail: 0, error: 0, 'not-applicable': 0, missing: 0 };
    for (const s of r.scenarios) {
      const o = s.outcomes[i];
      if (!o) t.missing++;
      else t[o.verdict]++;
    }
    return t;
  });
}

/** How the tests' verdicts read: the mark benchstat would print, and words. */
export const TEST_MARK: Readonly<Record<MetricTest['verdict'], string>> = { regression: 'regression', improvement: 'improvement', 'no-change': '~', inconclusive: 'inconclusive' };

/** A test's figures as text: medians, the difference with its CI, the p-value. */
export function testCells(x: MetricTest): { baseline: string; candidate: string; delta: string; p: string; verdict: string } {
  const v = (n: number | null): string => {
    if (n === null) return MISSING;
    if (x.unit === 'ms') return formatMs(n);
    if (x.unit === 'rate') return `${(n * 100).toFixed(2)}%`;
    return `${Math.round(n * 100)}%`;
  };
  const signed = (n: number): string => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${v(Math.abs(n))}`;
  const count = (vals: number[], missing: number): string => (x.unit === 'pass' ? `${vals.filter((y) => y === 1).length}/${vals.length}` : `n=${vals.length}${missing ? `, ${missing} unmeasured` : ''}`);
  return {
    baseline: `${v(x.baselineMedian)} (${count(x.baseline, x.missing[0])})`,
    candidate: `${v(x.candidateMedian)} (${count(x.candidate, x.missing[1])})`,
    delta: x.delta === null ? MISSING : `${signed(x.delta)}${x.ci ? ` [${signed(x.ci[0])} … ${signed(x.ci[1])}]` : ''}`,
    p: x.p === null ? MISSING : x.p < 0.001 ? '<0.001' : x.p.toFixed(3),
    verdict: x.judged ? TEST_MARK[x.verdict] : 'not judged',
  };
}
