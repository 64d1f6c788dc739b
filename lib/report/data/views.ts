/**
 * Views: everything a renderer needs about one scenario (ScenarioView) or a whole run (RunView), composed
 * from the other parts of the report data.
 */
import type { Assertion, CheckResult, Figure, History, ScenarioResult } from '../../model.ts';
import type { MachineInfo, RunReport } from '../run-report.ts';
import { bucketOps, type Timeline } from './buckets.ts';
import { formatFigure, keyFigureCells, summaryRow, type KeyFigureCell, type SummaryRow } from './cells.ts';
import { finite, type Verdict } from './common.ts';
import { faultWindows, type FaultWindow } from './fault-windows.ts';
import { lostWrites, type LostWrite } from './lost-writes.ts';
import { eventMarkers, type EventMarker } from './markers.ts';
import { roleLanes, type RoleLane } from './role-lanes.ts';

export interface FigureView {
  name: string;
  value: Figure;
  text: string;
}

export interface CheckView {
  name: string;
  valid: CheckResult['valid'];
  /** "valid" | "INVALID" | "unknown". */
  verdictText: string;
  /** The checker's key figures, in its order; missing ones are "—" with a note. */
  keyFigures: KeyFigureCell[];
  /** Every figure of the result, in the result's order. */
  figures: FigureView[];
  notes: string[];
  error?: string;
  /** The scenario's declaration for this check (Scenario.expectedOutcomes), e.g. "declared invalid: <why>". */
  declared?: string;
}

export function checkViews(checks: Record<string, CheckResult> | undefined, declared: ScenarioResult['expectedOutcomes'] = {}): CheckView[] {
  return Object.entries(checks ?? {}).map(([name, c]) => {
    const valid: CheckResult['valid'] = c?.valid === true || c?.valid === false ? c.valid : 'unknown';
    const view: CheckView = {
      name,
      valid,
      verdictText: valid === true ? 'valid' : valid === false ? 'INVALID' : 'unknown',
      keyFigures: keyFigureCells(name, c),
      figures: Object.entries(c?.figures ?? {}).map(([k, v]) => ({ name: k, value: v, text: formatFigure(k, v) })),
      notes: Array.isArray(c?.notes) ? c.notes.map(String) : [],
    };
    if (c?.error) view.error = String(c.error);
    const d = declared?.[name];
    if (d) view.declared = `declared ${d.valid === false ? 'invalid' : 'unknown'}: ${d.why}`;
    return view;
  });
}

export interface OpCounts {
  ops: number;
  ok: number;
  failed: number;
  unknown: number;
  polls: number;
  events: number;
  logs: number;
}

export interface ScenarioView {
  /** HTML anchor id. */
  anchor: string;
  id: string;
  title: string;
  tags: string[];
  description: string;
  expectation: string;
  verdict: Verdict;
  error?: string;
  /** Why the scenario did not run on these servers (verdict not-applicable). */
  notApplicable?: string;
  startedAt: string;
  durationMs: number;
  seed: number | null;
  topology: ScenarioResult['topology'] | null;
  summary: SummaryRow;
  assertions: Assertion[];
  checks: CheckView[];
  /** null when the history has no timed data. */
  timeline: Timeline | null;
  faults: FaultWindow[];
  events: EventMarker[];
  lanes: RoleLane[];
  lost: { total: number; shown: LostWrite[] };
  counts: OpCounts;
  /** Things a reader should know about the data itself (e.g. "no history recorded"). */
  warnings: string[];
}

export function opCounts(history: Partial<History>): OpCounts {
  const ops = history.ops ?? [];
  const c: OpCounts = {
    ops: ops.length,
    ok: 0,
    failed: 0,
    unknown: 0,
    polls: history.polls?.length ?? 0,
    events: history.events?.length ?? 0,
    logs: history.logs?.length ?? 0,
  };
  for (const op of ops) {
    if (op.outcome === 'ok') c.ok++;
    else if (op.outcome === 'failed') c.failed++;
    else c.unknown++;
  }
  return c;
}

function anchorFor(id: string, used: Set<string>): string {
  const base = `s-${id.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
  let a = base;
  for (let i = 2; used.has(a); i++) a = `${base}-${i}`;
  used.add(a);
  return a;
}

export function scenarioView(s: ScenarioResult, anchor?: string): ScenarioView {
  const history: Partial<History> = s.history && typeof s.history === 'object' ? s.history : {};
  const warnings: string[] = [];
  // A not-applicable scenario never ran: an empty history is expected, not worth a warning.
  const ran = s.verdict !== 'not-applicable';
  if (!s.history && ran) warnings.push('No history was recorded.');
  const timeline = bucketOps(history);
  if (s.history && !timeline && ran) warnings.push('The history holds no timed data.');
  if (s.history && (history.ops?.length ?? 0) === 0 && ran) warnings.push('No client operations were recorded.');
  if (history.final?.error) warnings.push(`Final read failed: ${history.final.error}`);
  const summary = summaryRow(s);
  const view: ScenarioView = {
    anchor: anchor ?? anchorFor(summary.id, new Set()),
    id: summary.id,
    title: summary.title,
    tags: Array.isArray(s.scenario?.tags) ? s.scenario.tags.map(String) : [],
    description: s.scenario?.description ?? '',
    expectation: s.scenario?.expectation ?? '',
    verdict: summary.verdict,
    startedAt: s.startedAt ?? '',
    durationMs: finite(s.durationMs) ? s.durationMs : 0,
    seed: finite(s.seed) ? s.seed : null,
    topology: s.topology ?? null,
    summary,
    assertions: Array.isArray(s.assertions) ? s.assertions : [],
    checks: checkViews(s.checks, s.expectedOutcomes),
    timeline,
    faults: faultWindows(history),
    events: eventMarkers(history),
    lanes: roleLanes(history),
    lost: lostWrites(s),
    counts: opCounts(history),
    warnings,
  };
  if (s.error) view.error = s.error;
  if (s.notApplicable) view.notApplicable = s.notApplicable;
  return view;
}

export interface RunView {
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number | null;
  seed: number;
  machine: MachineInfo;
  config: Record<string, unknown>;
  totals: Record<Verdict, number>;
  scenarios: ScenarioView[];
}

export function runView(run: RunReport): RunView {
  const used = new Set<string>();
  const scenarios = (run.scenarios ?? []).map((s) => scenarioView(s, anchorFor(String(s.scenario?.id ?? 'unknown'), used)));
  const totals: Record<Verdict, number> = { pass: 0, fail: 0, error: 0, 'not-applicable': 0 };
  for (const s of scenarios) totals[s.verdict] = (totals[s.verdict] ?? 0) + 1;
  const d = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return {
    runId: run.runId,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: Number.isFinite(d) ? d : null,
    seed: run.seed,
    machine: run.machine,
    config: run.config ?? {},
    totals,
    scenarios,
  };
}
