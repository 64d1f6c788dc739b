/** Assemble a ComparisonReport from each variant's scenario outcomes (every trial). Pure. */
import type { Thresholds } from '../config.ts';
import type { MachineInfo } from '../report/run-report.ts';
import { COMPARISON_SCHEMA_VERSION, type ComparisonReport, type ScenarioOutcome, type Variant } from './model.ts';
import { ALPHA } from './trials.ts';
import { compareScenarios, overallVerdict, summaryLine } from './verdict.ts';

export interface BuildComparisonInput {
  id: string;
  startedAt: string;
  finishedAt: string;
  seed: number | null;
  machine: MachineInfo | null;
  thresholds: Thresholds;
  /** variants[0] is the baseline. serverVersion null = take it from the outcomes. */
  variants: Variant[];
  /** outcomes[v] = the scenarios run on variants[v]; a scenario's trials are its outcomes with the same id, in order. */
  outcomes: ScenarioOutcome[][];
  /** Trials asked for per scenario and variant (default: the most found). */
  repeat?: number;
  notes?: string[];
}

export function buildComparison(i: BuildComparisonInput): ComparisonReport {
  const ids: string[] = [];
  const meta = new Map<string, { title: string; tags: string[] }>();
  for (const list of i.outcomes) {
    for (const o of list) {
      if (!meta.has(o.id)) {
        ids.push(o.id);
        meta.set(o.id, { title: o.title, tags: o.tags });
      }
    }
  }
  const byVariant = i.outcomes.map((list) => {
    const m = new Map<string, ScenarioOutcome[]>();
    for (const o of list) m.set(o.id, [...(m.get(o.id) ?? []), o]);
    return m;
  });
  const scenarios = compareScenarios(
    i.variants,
    ids.map((id) => ({
      id,
      title: meta.get(id)?.title ?? id,
      tags: meta.get(id)?.tags ?? [],
      trials: i.variants.map((_, v) => byVariant[v]?.get(id) ?? []),
    })),
    i.thresholds,
    i.seed ?? 1,
  );
  const variants = i.variants.map((v, k) => ({
    ...v,
    serverVersion: v.serverVersion ?? i.outcomes[k]?.find((o) => o.serverVersion !== null)?.serverVersion ?? null,
  }));
  const verdict = overallVerdict(scenarios);
  return {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    id: i.id,
    startedAt: i.startedAt,
    finishedAt: i.finishedAt,
    seed: i.seed,
    machine: i.machine,
    thresholds: i.thresholds,
    repeat: i.repeat ?? Math.max(0, ...scenarios.flatMap((s) => s.trials.map((t) => t.length))),
    alpha: ALPHA,
    variants,
    scenarios,
    verdict,
    summary: summaryLine(verdict, scenarios),
    notes: i.notes ?? [],
  };
}
