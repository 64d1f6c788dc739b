/**
 * Cells and the summary row: one shown value per figure (its text, and why it is missing or doubtful), and
 * the per-scenario row every renderer (HTML, Markdown, JUnit, JSON) reads.
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
  'unavailableFrom',
  'unavailableTo',
]);
function isMsName(name: string): boolean {
  return /(Ms|[._]ms|^ms)$/.test(name) || PHASE_FIGURES.has(name);
}

interface FigureRef {
  check: string;
  names: readonly string[];
}

function lookupFigure(checks: Record<string, CheckResult> | undefined, ref: FigureRef, ms: boolean): Cell {
  const check = checks?.[ref.check];
  if (!check || typeof check !== 'object') return { value: null, text: MISSING, note: `no '${ref.check}' check` };
  const figures = check.figures ?? {};
  let found: { name: string; value: Figure } | undefined;
  for (const name of ref.names) {
    if (Object.hasOwn(figures, name)) {
      found = { name, value: figures[name] ?? null };
      break;
    }
  }
  if (check.error) {
    const cell: Cell = { value: null, text: MISSING, note: `${ref.check}: ${check.error}`, isError: true };
    if (found && found.value !== null) {
      cell.value = found.value;
      cell.text = ms && typeof found.value === 'number' ? formatMs(found.value) : formatFigure(found.name, found.value);
    }
    return cell;
  }
  if (!found) return { value: null, text: MISSING, note: `${ref.check}: no figure ${ref.names.join(' / ')}` };
  const { name, value } = found;
  const text = ms && typeof value === 'number' ? formatMs(value) : formatFigure(name, value);
  const cell: Cell = { value, text };
  if (value === null) cell.note = check.notes?.[0] ?? `${ref.check}: ${name} not measured`;
  else if (check.valid === 'unknown') cell.note = `${ref.check}: verdict unknown`;
  return cell;
}

/**
 * Where the key figures live. Each lists alternative figure names, first found wins: the phase
 * figures are milliseconds from the fault's start to the phase (as the failover-timing check
 * defines them).
 */
export const KEY_FIGURES = {
  detection: { check: 'failover-timing', names: ['sdownQuorum', 'sdownQuorumMs', 'odown', 'odownMs'] },
  election: { check: 'failover-timing', names: ['elected', 'electedMs'] },
  promotion: { check: 'failover-timing', names: ['promoted', 'promotedMs', 'switchFirst', 'switchFirstMs'] },
  clientRecovery: { check: 'failover-timing', names: ['clientRecovery', 'clientRecoveryMs'] },
  unavailable: { check: 'failover-timing', names: ['unavailableMs', 'unavailable'] },
  acked: { check: 'write-loss', names: ['acked', 'ackedWrites', 'ok'] },
  lost: { check: 'write-loss', names: ['lost', 'lostWrites'] },
  recovered: { check: 'write-loss', names: ['recovered', 'recoveredWrites'] },
  reattached: { check: 'reattach', names: ['reattached', 'reattachedCount'] },
  reattachExpected: { check: 'reattach', names: ['expected', 'total', 'replicas', 'of'] },
  /** ms from the heal (the reattach check's `since`) until the last replica settled. */
  reattachedWhen: { check: 'reattach', names: ['maxMs', 'reattachedMs', 'allReattachedMs'] },
} as const satisfies Record<string, FigureRef>;

/** unavailableMs may come from a dedicated availability check; prefer it when present. */
const UNAVAILABLE_CHECKS = ['availability', 'failover-timing'];

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

function unavailableCell(checks: Record<string, CheckResult> | undefined): Cell {
  let first: Cell | undefined;
  for (const check of UNAVAILABLE_CHECKS) {
    const cell = lookupFigure(checks, { check, names: KEY_FIGURES.unavailable.names }, true);
    if (cell.value !== null) return cell;
    first ??= checks?.[check] ? cell : undefined;
  }
  return first ?? { value: null, text: MISSING, note: `no ${UNAVAILABLE_CHECKS.join(' / ')} check` };
}

function reattachedCell(checks: Record<string, CheckResult> | undefined): Cell {
  const x = lookupFigure(checks, KEY_FIGURES.reattached, false);
  if (typeof x.value === 'string' || x.value === null) return x;
  const y = lookupFigure(checks, KEY_FIGURES.reattachExpected, false);
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
    detection: lookupFigure(checks, KEY_FIGURES.detection, true),
    election: lookupFigure(checks, KEY_FIGURES.election, true),
    promotion: lookupFigure(checks, KEY_FIGURES.promotion, true),
    clientRecovery: lookupFigure(checks, KEY_FIGURES.clientRecovery, true),
    unavailable: unavailableCell(checks),
    acked: lookupFigure(checks, KEY_FIGURES.acked, false),
    lost: lookupFigure(checks, KEY_FIGURES.lost, false),
    recovered: lookupFigure(checks, KEY_FIGURES.recovered, false),
    reattached: reattachedCell(checks),
    reattachedWhen: lookupFigure(checks, KEY_FIGURES.reattachedWhen, true),
    serverVersion: s.topology?.serverVersion ?? MISSING,
    image: s.topology?.redisImage ?? MISSING,
  };
  if (s.error) row.error = s.error;
  return row;
}
