/**
 * The regression verdict of a comparison. Pure functions over ScenarioOutcomes, so every rule is
 * unit-tested (suites/unit/compare-verdict.spec.ts).
 *
 * Each candidate variant is compared with the baseline (variants[0]), scenario by scenario. A
 * candidate regresses on a scenario when any of these holds:
 *
 *   - new failure: the scenario did not complete on the candidate but did on the baseline, or it
 *     passed on the baseline and not on the candidate, or an expectation that held on the baseline
 *     failed on the candidate;
 *   - slower failover: a judged phase (promotion: Sentinel finished the failover; client recovery:
 *     writes through Sentinel succeed again) is later than the baseline's by more than
 *     `maxSlowerPct` percent AND more than `maxSlowerMs` ms — or was reached on the baseline and
 *     never on the candidate;
 *   - new loss: more acknowledged writes were lost than the baseline's loss plus `maxNewLoss`.
 *
 * A baseline that did not complete, or a scenario missing on one side, cannot be judged: the
 * scenario is "inconclusive" (and so is the comparison, unless something regressed).
 */
import type { Thresholds } from '../config.ts';
import type { KeyFigures } from '../report/json.ts';
import { formatMs } from '../report/report-data.ts';
import type { ComparisonVerdict, Finding, ScenarioComparison, ScenarioOutcome, ScenarioVerdict, Variant } from './model.ts';

/** The failover phases that are judged, in the order they happen. */
export const JUDGED_PHASES = [
  { key: 'promotionMs', label: 'promotion' },
  { key: 'clientRecoveryMs', label: 'client recovery' },
] as const satisfies readonly { key: keyof KeyFigures; label: string }[];

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function pct(delta: number, of: number): number {
  return of > 0 ? (delta / of) * 100 : delta > 0 ? Infinity : 0;
}

function fmtPct(p: number): string {
  return Number.isFinite(p) ? `${p >= 0 ? '+' : ''}${Math.round(p)}%` : 'n/a';
}

/** Whether `candidate` is slower than `baseline` beyond both thresholds. */
export function isSlower(baseline: number, candidate: number, t: Pick<Thresholds, 'maxSlowerPct' | 'maxSlowerMs'>): boolean {
  const delta = candidate - baseline;
  return delta > t.maxSlowerMs && pct(delta, baseline) > t.maxSlowerPct;
}

/** Findings for one scenario: `candidate` (on variant `variant`) against `baseline`. */
export function compareOutcome(
  baseline: ScenarioOutcome | null,
  candidate: ScenarioOutcome | null,
  t: Thresholds,
  variant: string,
  scenario: string,
): Finding[] {
  const f = (x: Omit<Finding, 'variant' | 'scenario'>): Finding => ({ ...x, variant, scenario });
  if (!baseline) return [f({ kind: 'not-comparable', regression: false, message: `${scenario} was not run on the baseline` })];
  if (!candidate) return [f({ kind: 'not-comparable', regression: false, message: `${scenario} was not run on ${variant}` })];
  const out: Finding[] = [];

  // New failures.
  if (candidate.verdict === 'error' && baseline.verdict !== 'error') {
    out.push(f({ kind: 'new-failure', regression: true, message: `did not complete on ${variant}: ${candidate.error ?? 'unknown error'}` }));
  }
  if (baseline.verdict === 'error') {
    out.push(
      f({
        kind: 'not-comparable',
        regression: false,
        message: `the baseline run did not complete (${baseline.error ?? 'unknown error'}); nothing to compare against`,
      }),
    );
    return out;
  }
  if (candidate.verdict !== 'error') {
    const before = new Set(baseline.failedAssertions);
    const newly = candidate.failedAssertions.filter((a) => !before.has(a));
    if (newly.length > 0) {
      out.push(f({ kind: 'new-failure', regression: true, message: `newly failed on ${variant}: ${newly.join('; ')}` }));
    } else if (baseline.verdict === 'pass' && candidate.verdict !== 'pass') {
      out.push(f({ kind: 'new-failure', regression: true, message: `passed on the baseline, ${candidate.verdict} on ${variant}` }));
    }
    const after = new Set(candidate.failedAssertions);
    const fixed = baseline.failedAssertions.filter((a) => !after.has(a));
    if (fixed.length > 0) out.push(f({ kind: 'fixed', regression: false, message: `failed on the baseline, holds on ${variant}: ${fixed.join('; ')}` }));
  }
  if (candidate.verdict === 'error') return out;

  // Failover phases.
  for (const { key, label } of JUDGED_PHASES) {
    const b = num(baseline.figures[key]);
    const c = num(candidate.figures[key]);
    if (b === null) continue;
    if (c === null) {
      out.push(
        f({ kind: 'slower', regression: true, metric: key, baseline: b, candidate: null, message: `${label} reached after ${formatMs(b)} on the baseline, never on ${variant}` }),
      );
      continue;
    }
    const delta = c - b;
    const line = `${label} ${formatMs(c)} vs ${formatMs(b)} (${delta >= 0 ? '+' : ''}${formatMs(delta)}, ${fmtPct(pct(delta, b))})`;
    if (isSlower(b, c, t)) {
      out.push(f({ kind: 'slower', regression: true, metric: key, baseline: b, candidate: c, message: `${line}: slower by more than ${t.maxSlowerPct}% and ${t.maxSlowerMs} ms` }));
    } else if (isSlower(c, b, t)) {
      out.push(f({ kind: 'faster', regression: false, metric: key, baseline: b, candidate: c, message: `${line}: faster` }));
    }
  }

  // Write loss.
  const bl = num(baseline.figures.lost);
  const cl = num(candidate.figures.lost);
  if (cl === null) {
    if (bl !== null) out.push(f({ kind: 'not-comparable', regression: false, metric: 'lost', baseline: bl, candidate: null, message: `write loss was not measured on ${variant}` }));
  } else if (cl - (bl ?? 0) > t.maxNewLoss) {
    const allowance = t.maxNewLoss > 0 ? ` + ${t.maxNewLoss} allowed` : '';
    out.push(
      f({
        kind: 'new-loss',
        regression: true,
        metric: 'lost',
        baseline: bl,
        candidate: cl,
        message: `lost ${cl} acknowledged write(s) on ${variant} vs ${bl ?? 'unmeasured (taken as 0)'} on the baseline${allowance}`,
      }),
    );
  }
  return out;
}

export function scenarioVerdict(findings: readonly Finding[]): ScenarioVerdict {
  if (findings.some((x) => x.regression)) return 'regression';
  if (findings.some((x) => x.kind === 'not-comparable')) return 'inconclusive';
  return 'ok';
}

/** Compare every scenario of every candidate variant with the baseline (outcomes[scenario][variant]). */
export function compareScenarios(
  variants: readonly Pick<Variant, 'label'>[],
  scenarios: readonly { id: string; title: string; tags: string[]; outcomes: (ScenarioOutcome | null)[] }[],
  t: Thresholds,
): ScenarioComparison[] {
  return scenarios.map((s) => {
    const findings = variants
      .slice(1)
      .flatMap((v, i) => compareOutcome(s.outcomes[0] ?? null, s.outcomes[i + 1] ?? null, t, v.label, s.id));
    return { id: s.id, title: s.title, tags: s.tags, outcomes: s.outcomes, findings, verdict: scenarioVerdict(findings) };
  });
}

export function overallVerdict(scenarios: readonly ScenarioComparison[]): ComparisonVerdict {
  if (scenarios.length === 0) return 'inconclusive';
  if (scenarios.some((s) => s.verdict === 'regression')) return 'regression';
  if (scenarios.some((s) => s.verdict === 'inconclusive')) return 'inconclusive';
  return 'no-regression';
}

/** One line for people and for the end of the CLI's output. */
export function summaryLine(verdict: ComparisonVerdict, scenarios: readonly ScenarioComparison[]): string {
  const n = scenarios.length;
  const regressed = scenarios.filter((s) => s.verdict === 'regression');
  const head =
    verdict === 'regression'
      ? `REGRESSION in ${regressed.length} of ${n} scenario(s)`
      : verdict === 'inconclusive'
        ? `INCONCLUSIVE: ${scenarios.filter((s) => s.verdict === 'inconclusive').length} of ${n} scenario(s) could not be judged`
        : `NO REGRESSION in ${n} scenario(s)`;
  const first = regressed.flatMap((s) => s.findings.filter((x) => x.regression)).slice(0, 3);
  const more = regressed.flatMap((s) => s.findings.filter((x) => x.regression)).length - first.length;
  const detail = first.map((x) => `${x.variant} ${x.scenario}: ${x.message}`).join('; ');
  return detail ? `${head} — ${detail}${more > 0 ? `; and ${more} more` : ''}` : head;
}
