/**
 * Cells, key figures and the summary row: one shown value per figure (its text, and why it is missing or
 * doubtful), each check's own key figures, and the per-scenario row every renderer (HTML, Markdown, JUnit,
 * JSON) reads.
 */
import type { CheckResult, Figure, ScenarioResult } from '../../model.ts';
import { MISSING, type Verdict } from './common.ts';

/** One shown value: the raw value, its display text, and why it is missing or doubtful. */
export interface Cell {
  value: Figure;
  text: string;
  /** Why the value is "—" or doubtful (missing check, checker error, verdict unknown...). */
  note?: string;
  /** True when the note is an error (the checker threw, or the figure is an error string). */
  isError?: boolean;
}

/** Format a figure for people: times in ms with a unit, booleans as yes/no, null as "—". */
export function formatFigure(name: string, value: Figure | undefined): string {
  if (value === null || value === undefined) return MISSING;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    if (isMsName(name)) return formatMs(value);
    return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
  }
  return value;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return MISSING;
  const abs = Math.abs(ms);
  const v = abs >= 100 ? Math.round(ms) : abs >= 10 ? Math.round(ms * 10) / 10 : Math.round(ms * 100) / 100;
  return `${v} ms`;
}

/** Figures whose name says they are milliseconds (…Ms, …_ms) or the failover phase names. */
const PHASE_FIGURES = new Set([
  'sdown',
  'sdownFirst',
  'sdownQuorum',
  'odown',
  'tryFailover',
  'elected',
  'selectedReplica',
  'promoted',
  'switchFirst',
  'switchQuorum',
  'switchLast',
  'failoverEnd',
  'clientRecovery',
  'durableClientRecovery',
  'unavailableFrom',
  'unavailableTo',
  'durableUnavailableFrom',
  'durableUnavailableTo',
]);
function isMsName(name: string): boolean {
  // failover2.switchFirst etc.: the phases of a cascade's later failovers.
  return /(Ms|[._]ms|^ms)$/.test(name) || PHASE_FIGURES.has(name.replace(/^failover\d+\./, ''));
}

/**
 * A check's figure as a cell: "—" with a note when the check is missing, threw, lacks the figure or did
 * not measure it. Numbers whose name says milliseconds are shown as such (formatFigure).
 */
export function figureCell(checkName: string, check: CheckResult | undefined, name: string): Cell {
  if (!check || typeof check !== 'object') return { value: null, text: MISSING, note: `no '${checkName}' check` };
  const figures = check.figures ?? {};
  const has = Object.hasOwn(figures, name);
  const value = has ? (figures[name] ?? null) : null;
  const text = formatFigure(name, value);
  if (check.error) return { value, text, note: `${checkName}: ${check.error}`, isError: true };
  if (!has) return { value: null, text: MISSING, note: `${checkName}: no figure ${name}` };
  const cell: Cell = { value, text };
  if (value === null) cell.note = check.notes?.[0] ?? `${checkName}: ${name} not measured`;
  else if (check.valid === 'unknown') cell.note = `${checkName}: verdict unknown`;
  return cell;
}

/** One of a check's key figures, shown. */
export interface KeyFigureCell {
  name: string;
  cell: Cell;
}

/**
 * A check's key figures (CheckResult.keyFigures, which runChecks copies from the checker) as cells, in the
 * checker's order; none for a result that names none (e.g. written before checkers declared them).
 */
export function keyFigureCells(checkName: string, check: CheckResult | undefined): KeyFigureCell[] {
  const names = Array.isArray(check?.keyFigures) ? check.keyFigures.map(String) : [];
  return names.map((name) => ({ name, cell: figureCell(checkName, check, name) }));
}

/** Where a summary column's value lives: one check's figure. */
export interface FigureRef {
  check: string;
  name: string;
}

/**
 * The figure behind each summary column: the one place that ties the summary (HTML, Markdown, JUnit,
 * results.json keyFigures, compare) to checker figure names. Each is one of its checker's key figures
 * (a unit test holds them to that). Phases are ms from the fault's start, as failover-timing defines them.
 */
export const SUMMARY_FIGURES = {
  detection: { check: 'failover-timing', name: 'sdownQuorum' },
  election: { check: 'failover-timing', name: 'elected' },
  promotion: { check: 'failover-timing', name: 'promoted' },
  clientRecovery: { check: 'failover-timing', name: 'clientRecovery' },
  unavailable: { check: 'failover-timing', name: 'unavailableMs' },
  /** Over acknowledged writes the final read kept: what the summaries lead with. */
  durableClientRecovery: { check: 'failover-timing', name: 'durableClientRecovery' },
  durableUnavailable: { check: 'failover-timing', name: 'durableUnavailableMs' },
  acked: { check: 'write-loss', name: 'acked' },
  lost: { check: 'write-loss', name: 'lost' },
  recovered: { check: 'write-loss', name: 'recovered' },
  reattached: { check: 'reattach', name: 'reattached' },
  reattachExpected: { check: 'reattach', name: 'expected' },
  /** ms from the heal (the reattach check's `since`) until the last replica settled. */
  reattachedWhen: { check: 'reattach', name: 'maxMs' },
} as const satisfies Record<string, FigureRef>;

export interface SummaryRow {
  id: string;
  title: string;
  verdict: Verdict;
  error?: string;
  detection: Cell;
  election: Cell;
  promotion: Cell;
  clientRecovery: Cell;
  unavailable: Cell;
  /** The same two over acknowledged writes the final read kept. */
  durableClientRecovery: Cell;
  durableUnavailable: Cell;
  acked: Cell;
  lost: Cell;
  recovered: Cell;
  /** "x/y" replicas reattached. */
  reattached: Cell;
  /** When the last replica settled, ms after the heal. */
  reattachedWhen: Cell;
  serverVersion: string;
  image: string;
}

export function lookupFigure(checks: Record<string, CheckResult> | undefined, ref: FigureRef): Cell {
  return figureCell(ref.check, checks?.[ref.check], ref.name);
}

function reattachedCell(checks: Record<string, CheckResult> | undefined): Cell {
  const x = lookupFigure(checks, SUMMARY_FIGURES.reattached);
  if (typeof x.value === 'string' || x.value === null) return x;
  const y = lookupFigure(checks, SUMMARY_FIGURES.reattachExpected);
  const cell: Cell = { value: x.value, text: `${x.text}/${y.value === null ? '?' : y.text}` };
  const note = x.note ?? (y.value === null ? undefined : y.note);
  if (note !== undefined) cell.note = note;
  if (x.isError) cell.isError = true;
  return cell;
}

export function summaryRow(s: ScenarioResult): SummaryRow {
  const checks = s.checks && typeof s.checks === 'object' ? s.checks : undefined;
  const row: SummaryRow = {
    id: String(s.scenario?.id ?? 'unknown'),
    title: String(s.scenario?.title ?? s.scenario?.id ?? 'untitled'),
    verdict: s.verdict ?? 'error',
    detection: lookupFigure(checks, SUMMARY_FIGURES.detection),
    election: lookupFigure(checks, SUMMARY_FIGURES.election),
    promotion: lookupFigure(checks, SUMMARY_FIGURES.promotion),
    clientRecovery: lookupFigure(checks, SUMMARY_FIGURES.clientRecovery),
    unavailable: lookupFigure(checks, SUMMARY_FIGURES.unavailable),
    durableClientRecovery: lookupFigure(checks, SUMMARY_FIGURES.durableClientRecovery),
    durableUnavailable: lookupFigure(checks, SUMMARY_FIGURES.durableUnavailable),
    acked: lookupFigure(checks, SUMMARY_FIGURES.acked),
    lost: lookupFigure(checks, SUMMARY_FIGURES.lost),
    recovered: lookupFigure(checks, SUMMARY_FIGURES.recovered),
    reattached: reattachedCell(checks),
    reattachedWhen: lookupFigure(checks, SUMMARY_FIGURES.reattachedWhen),
    serverVersion: s.topology?.serverVersion ?? MISSING,
    image: s.topology?.redisImage ?? MISSING,
  };
  if (s.error) row.error = s.error;
  return row;
}
