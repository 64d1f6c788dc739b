/**
 * Fault windows: when each recorded fault was on, relative to t0, and the colour its band is shaded in.
 */
import type { History } from '../../model.ts';
import { finite } from './common.ts';

/** The window colour of a fault recorded without one (reports written before faults carried a colour). */
export const NEUTRAL_FAULT_COLOUR = '#7f7f7f';

/**
 * The colour a fault chose for itself (FaultRecord.colour, from Fault.colour), if it is a "#rrggbb" the
 * charts can tint with; otherwise the neutral grey.
 */
export function faultColour(recorded: unknown): string {
  return typeof recorded === 'string' && /^#[0-9a-fA-F]{6}$/.test(recorded) ? recorded : NEUTRAL_FAULT_COLOUR;
}

export interface FaultWindow {
  name: string;
  kind: string;
  targets: string[];
  startMs: number;
  /** null = never healed (drawn to the end of the chart). */
  endMs: number | null;
  color: string;
}

export function faultWindows(history: Partial<History>): FaultWindow[] {
  const t0 = finite(history.t0) ? history.t0 : 0;
  return (history.faults ?? [])
    .filter((f) => finite(f.start))
    .map((f) => ({
      name: String(f.name ?? f.kind ?? 'fault'),
      kind: String(f.kind ?? 'fault'),
      targets: Array.isArray(f.targets) ? f.targets.map(String) : [],
      startMs: f.start - t0,
      endMs: finite(f.end) ? f.end - t0 : null,
      color: faultColour(f.colour),
    }))
    .sort((a, b) => a.startMs - b.startMs);
}
