/**
 * Fault windows: when each recorded fault was on, relative to t0, and the colour its band is shaded in.
 */
import type { History } from '../../model.ts';
import { finite } from './common.ts';

/** One colour per fault kind (Jepsen-style: the same kind always shades the same way). */
export const FAULT_COLORS: Readonly<Record<string, string>> = {
  kill: '#d62728',
  stop: '#d62728',
  crash: '#d62728',
  restart: '#e377c2',
  pause: '#ff7f0e',
  partition: '#9467bd',
  latency: '#bcbd22',
  slow: '#bcbd22',
  bandwidth: '#17becf',
  'packet-loss': '#8c564b',
  reset: '#8c564b',
  clock: '#7f7f7f',
};

const EXTRA_COLORS = ['#1f77b4', '#2ca02c', '#e377c2', '#17becf', '#8c564b', '#7f7f7f'];

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(h);
}

export function faultColor(kind: string): string {
  return FAULT_COLORS[kind] ?? EXTRA_COLORS[hash(kind) % EXTRA_COLORS.length] ?? '#7f7f7f';
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
      color: faultColor(String(f.kind ?? 'fault')),
    }))
    .sort((a, b) => a.startMs - b.startMs);
}
