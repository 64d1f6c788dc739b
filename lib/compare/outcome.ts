/**
 * ScenarioOutcome from a live ScenarioResult or from a results.json record (compare --from), and
 * variant labels. Pure functions.
 */
import type { ScenarioResult } from '../model.ts';
import { keyFigures, type KeyFigures, type ScenarioRecord } from '../report/json.ts';
import { safeFileName } from '../report/json.ts';
import { lossExpected, trialMetrics } from './metrics.ts';
import type { ScenarioOutcome } from './model.ts';

function failedAssertions(r: Pick<ScenarioResult, 'assertions'>): string[] {
  return (r.assertions ?? []).filter((a) => !a.ok).map((a) => a.name);
}

function invalidChecks(r: Pick<ScenarioResult, 'checks'>): string[] {
  return Object.entries(r.checks ?? {})
    .filter(([, c]) => c?.valid === false)
    .map(([name]) => name);
}

type Declared = { allowLoss?: boolean; expectedOutcomes?: Record<string, unknown> };

/** What a result records of the scenario's declarations: `expectedOutcomes` at its top level (the runner copies it there). */
function declaredIn(r: Omit<ScenarioResult, 'history'>): Declared {
  const top = (r as { expectedOutcomes?: Record<string, unknown> }).expectedOutcomes;
  return { ...(r.scenario as Declared | undefined), ...(top ? { expectedOutcomes: top } : {}) };
}

function base(r: Omit<ScenarioResult, 'history'>, figures: KeyFigures, declared?: Declared): ScenarioOutcome {
  const m = trialMetrics(r.checks);
  return {
    id: r.scenario?.id ?? 'unknown',
    title: r.scenario?.title ?? r.scenario?.id ?? 'unknown',
    tags: r.scenario?.tags ?? [],
    // A not-applicable trial did not run: it is not compared (verdict.ts), and its reason is kept as its error.
    verdict: r.verdict === 'pass' || r.verdict === 'fail' || r.verdict === 'not-applicable' ? r.verdict : 'error',
    error: r.error ?? (r.notApplicable ? `not applicable: ${r.notApplicable}` : null),
    failedAssertions: failedAssertions(r),
    invalidChecks: invalidChecks(r),
    figures,
    serverVersion: r.topology?.serverVersion ?? null,
    durationMs: r.durationMs ?? 0,
    metrics: m.values,
    metricSources: m.sources,
    lossExpected: lossExpected(declared ?? declaredIn(r), r.checks),
  };
}

/** From a live result; `scenario` (the Scenario that ran) says whether loss is expected by design. */
export function outcomeOf(r: ScenarioResult, scenario?: Declared): ScenarioOutcome {
  return base(r, keyFigures(r), scenario);
}

/** From results.json: the key figures were computed when the report was written. */
export function outcomeOfRecord(r: ScenarioRecord): ScenarioOutcome {
  const { history: _h, ...rest } = r as ScenarioRecord & { history?: unknown };
  const figures = r.historySummary?.keyFigures ?? keyFigures({ ...rest, history: undefined } as unknown as ScenarioResult);
  return base(rest as Omit<ScenarioResult, 'history'>, figures);
}

/** A short label for an image: the last path part with the tag, e.g. "redis-7.0.15-debian". */
export function imageLabel(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const last = noDigest.split('/').pop() ?? noDigest;
  return safeFileName(last.replace(':', '-'));
}

/** Labels for variants, unique (a repeated image gets -2, -3...). */
export function variantLabels(variants: readonly { redisImage: string; sentinelImage: string }[]): string[] {
  const used = new Set<string>();
  return variants.map((v) => {
    const base =
      v.sentinelImage === v.redisImage ? imageLabel(v.redisImage) : `${imageLabel(v.redisImage)}_sentinel-${imageLabel(v.sentinelImage)}`;
    let label = base;
    for (let i = 2; used.has(label.toLowerCase()); i++) label = `${base}-${i}`;
    used.add(label.toLowerCase());
    return label;
  });
}
