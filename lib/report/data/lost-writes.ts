/**
 * Lost writes: the write-loss checker's lost writes, each with the time it was invoked and acknowledged.
 */
import type { Op, ScenarioResult } from '../../model.ts';
import { asRecord, finite, MISSING } from './common.ts';

export interface LostWrite {
  key: string;
  value: string;
  /** Relative to t0; null when the checker gave no time and no matching op was found. */
  invokeMs: number | null;
  completeMs: number | null;
  client?: string;
}

export const MAX_LOST_SHOWN = 50;


/**
 * The write-loss checker's lost writes (details.lost / lostWrites / lostOps), each either an op,
 * a {key, value} record or a bare element; times are filled from the matching acknowledged op.
 */
export function lostWrites(s: ScenarioResult, limit = MAX_LOST_SHOWN): { total: number; shown: LostWrite[] } {
  const details = asRecord(s.checks?.['write-loss']?.details);
  const raw = details?.['lost'] ?? details?.['lostWrites'] ?? details?.['lostOps'];
  const list: unknown[] = Array.isArray(raw) ? raw : [];
  const t0 = finite(s.history?.t0) ? s.history.t0 : 0;
  const acked = new Map<string, Op>();
  for (const op of s.history?.ops ?? []) {
    if (op.outcome === 'ok' && op.value !== undefined) acked.set(`${op.key}\u0000${String(op.value)}`, op);
  }
  const firstAcked = new Map<string, Op>();
  for (const op of s.history?.ops ?? []) {
    if (op.outcome === 'ok' && op.value !== undefined && !firstAcked.has(String(op.value))) firstAcked.set(String(op.value), op);
  }
  const rel = (t: unknown): number | null => (finite(t) ? t - t0 : null);
  const shown = list.slice(0, limit).map((item): LostWrite => {
    const r = asRecord(item);
    const value = String(r ? (r['value'] ?? r['element'] ?? '') : item);
    const keyGiven = r && typeof r['key'] === 'string' ? r['key'] : undefined;
    const op = keyGiven !== undefined ? acked.get(`${keyGiven}\u0000${value}`) : firstAcked.get(value);
    const w: LostWrite = {
      key: keyGiven ?? op?.key ?? MISSING,
      value,
      invokeMs: rel(r?.['invoke'] ?? op?.invoke),
      completeMs: rel(r?.['complete'] ?? r?.['time'] ?? op?.complete),
    };
    const client = (r && typeof r['client'] === 'string' ? r['client'] : undefined) ?? op?.client;
    if (client !== undefined) w.client = client;
    return w;
  });
  const lostFigure = s.checks?.['write-loss']?.figures?.['lost'];
  return { total: Math.max(list.length, finite(lostFigure) ? lostFigure : 0), shown };
}
