/**
 * The machine-readable report.
 *
 * - results.json: the RunReport with each scenario's `history` (which can hold hundreds of
 *   thousands of operations) replaced by `historySummary` (counts, faults, key figures) and
 *   `historyFile` (where the full history is).
 * - history/<scenario>.json: each scenario's raw History, exactly as recorded.
 *
 * The schema is documented in reports/README.md; bump RESULTS_SCHEMA_VERSION on breaking changes.
 */
import type { FaultRecord, Figure, History, NodeInfo, ScenarioResult } from '../model.ts';
import { flakiness, type FlakinessRow } from './flakiness.ts';
import type { RunReport } from './run-report.ts';
import { type Cell, type OpCounts, historyExtentMs, lookupFigure, opCounts, SUMMARY_FIGURES, summaryRow } from './report-data.ts';

export const RESULTS_SCHEMA_VERSION = 1;

/** Key figures (numbers, or null when missing); phases are ms from the fault's start. */
export interface KeyFigures {
  detectionMs: Figure;
  electionMs: Figure;
  promotionMs: Figure;
  clientRecoveryMs: Figure;
  unavailableMs: Figure;
  /** Over acknowledged writes the final read kept (failover-timing's durable figures). */
  durableClientRecoveryMs: Figure;
  durableUnavailableMs: Figure;
  acked: Figure;
  lost: Figure;
  recovered: Figure;
  reattached: Figure;
  reattachExpected: Figure;
  reattachedMs: Figure;
}

export interface FaultSummary extends FaultRecord {
  /** start − t0, ms. */
  startMs: number;
  /** end − t0, ms; null if never healed. */
  endMs: number | null;
}

export interface HistorySummary {
  t0: number | null;
  masterName: string | null;
  nodes: NodeInfo[];
  faults: FaultSummary[];
  counts: OpCounts;
  /** How many events of each type all sentinels published. */
  eventsByType: Record<string, number>;
  /** [first, last] recorded time, ms relative to t0; null if empty. */
  extentMs: [number, number] | null;
  keyFigures: KeyFigures;
  final: {
    time: number | null;
    node: string | null;
    error: string | null;
    /** Members per set key (the members themselves are in the history file). */
    setSizes: Record<string, number>;
    counters: Record<string, number>;
  } | null;
}

export type ScenarioRecord = Omit<ScenarioResult, 'history'> & {
  /** Path of the raw history, relative to results.json. */
  historyFile: string;
  historySummary: HistorySummary;
};

/** `flakiness`: pass rate per scenario over its trials (several records with the same id = repeated trials). */
export type ResultsJson = Omit<RunReport, 'scenarios'> & { scenarios: ScenarioRecord[]; flakiness?: FlakinessRow[] };

function fig(c: Cell): Figure {
  return c.value;
}

export function keyFigures(s: ScenarioResult): KeyFigures {
  const r = summaryRow(s);
  const exp = lookupFigure(s.checks, SUMMARY_FIGURES.reattachExpected).value;
  return {
    detectionMs: fig(r.detection),
    electionMs: fig(r.election),
    promotionMs: fig(r.promotion),
    clientRecoveryMs: fig(r.clientRecovery),
    unavailableMs: fig(r.unavailable),
    durableClientRecoveryMs: fig(r.durableClientRecovery),
    durableUnavailableMs: fig(r.durableUnavailable),
    acked: fig(r.acked),
    lost: fig(r.lost),
    recovered: fig(r.recovered),
    reattached: fig(r.reattached),
    reattachExpected: exp,
    reattachedMs: fig(r.reattachedWhen),
  };
}

export function historySummary(s: ScenarioResult): HistorySummary {
  const h: Partial<History> = s.history && typeof s.history === 'object' ? s.history : {};
  const t0 = typeof h.t0 === 'number' ? h.t0 : null;
  const eventsByType: Record<string, number> = {};
  for (const e of h.events ?? []) eventsByType[e.type] = (eventsByType[e.type] ?? 0) + 1;
  const final = h.final;
  return {
    t0,
    masterName: h.masterName ?? null,
    nodes: h.nodes ?? [],
    faults: (h.faults ?? []).map((f) => ({
      ...f,
      startMs: f.start - (t0 ?? 0),
      endMs: typeof f.end === 'number' ? f.end - (t0 ?? 0) : null,
    })),
    counts: opCounts(h),
    eventsByType,
    extentMs: historyExtentMs(h),
    keyFigures: keyFigures(s),
    final: final
      ? {
          time: final.time ?? null,
          node: final.node ?? null,
          error: final.error ?? null,
          setSizes: Object.fromEntries(Object.entries(final.sets ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.length : 0])),
          counters: final.counters ?? {},
        }
      : null,
  };
}

/** A file-system-safe file name for a scenario id. */
export function safeFileName(id: string): string {
  const s = id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 120);
  return s || 'scenario';
}

/** The history file of each scenario (relative paths), unique even when ids repeat. */
export function historyFiles(run: RunReport): string[] {
  const used = new Set<string>();
  return (run.scenarios ?? []).map((s) => {
    const base = safeFileName(String(s.scenario?.id ?? 'scenario'));
    let name = base;
    for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base}-${i}`;
    used.add(name.toLowerCase());
    return `history/${name}.json`;
  });
}

export function toResultsJson(run: RunReport): ResultsJson {
  const files = historyFiles(run);
  const { scenarios, ...rest } = run;
  return {
    ...rest,
    scenarios: (scenarios ?? []).map((s, i): ScenarioRecord => {
      const { history: _history, ...withoutHistory } = s;
      return { ...withoutHistory, historyFile: files[i] ?? '', historySummary: historySummary(s) };
    }),
    flakiness: flakiness(scenarios ?? []),
  };
}

/** results.json content (pretty-printed: it is small). */
export function renderResultsJson(run: RunReport): string {
  return `${JSON.stringify(toResultsJson(run), null, 2)}\n`;
}

/** history/<scenario>.json content: the raw History, compact (it can be large). */
export function renderHistoryJson(s: ScenarioResult): string {
  return `${JSON.stringify(s.history ?? null)}\n`;
}
