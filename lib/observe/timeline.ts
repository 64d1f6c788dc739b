/**
 * One timeline per scenario: faults, sentinel events, role changes and workload outcome changes merged on
 * the one clock, relative to t0. Role polls and ops are summarised as changes, so the timeline stays short.
 */
import type { History } from '../model.ts';

export interface TimelineEntry {
  /** ms since history.t0 */
  at: number;
  source: 'fault' | 'heal' | 'sentinel' | 'role' | 'workload';
  text: string;
}

export function timeline(h: History): TimelineEntry[] {
  const rel = (t: number): number => Math.round((t - h.t0) * 10) / 10;
  const out: TimelineEntry[] = [];
  for (const f of h.faults) {
    out.push({ at: rel(f.start), source: 'fault', text: f.name });
    if (f.end !== undefined) out.push({ at: rel(f.end), source: 'heal', text: `healed ${f.name}` });
  }
  for (const e of h.events) out.push({ at: rel(e.time), source: 'sentinel', text: `${e.sentinel} ${e.type} ${e.payload}` });
  const lastRole = new Map<string, string>();
  for (const p of [...h.polls].sort((a, b) => a.time - b.time)) {
    const state = !p.reachable ? 'unreachable' : p.role === 'master' ? 'master' : `replica of ${p.masterOf ?? '?'}${p.linkUp ? '' : ' (link down)'}`;
    if (lastRole.get(p.node) !== state) {
      lastRole.set(p.node, state);
      out.push({ at: rel(p.time), source: 'role', text: `${p.node}: ${state}` });
    }
  }
  const lastOutcome = new Map<string, string>();
  for (const o of [...h.ops].sort((a, b) => a.complete - b.complete)) {
    const key = `${o.client}/${o.via}/${o.f}`;
    if (lastOutcome.get(key) !== o.outcome) {
      lastOutcome.set(key, o.outcome);
      out.push({ at: rel(o.complete), source: 'workload', text: `${key}: ${o.outcome}${o.error ? ` (${o.error})` : ''}` });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}
