/**
 * `--repeat N` (run and compare): how many trials of each scenario. Repeated trials are what turn a
 * comparison into a statistical one and a run into a flakiness measurement. Each trial runs a
 * scenario built fresh from the catalogue (scenarios carry state; the catalogue returns new objects
 * on every call).
 */
import type { Scenario } from '../scenario/scenario.ts';
import { UsageError, type Parsed } from './args.ts';
import type { CliContext } from './context.ts';

export const MAX_REPEAT = 100;
/** compare's default: 5 vs 5 trials is the fewest for which Mann–Whitney can reach p < 0.05 comfortably (min p = 0.008). */
export const COMPARE_DEFAULT_REPEAT = 5;

export function repeatFrom(p: Parsed, fallback: number): number {
  const v = p.values['repeat'];
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPEAT) {
    throw new UsageError(`invalid value ${JSON.stringify(v)} for --repeat: need a whole number of trials from 1 to ${MAX_REPEAT}. Fix: e.g. --repeat 5`);
  }
  return n;
}

/** A freshly built scenario `id` (the catalogue builds new objects on every call). */
export async function freshScenario(ctx: CliContext, id: string): Promise<Scenario> {
  const s = (await ctx.catalogue()).find((x) => x.id === id);
  if (!s) throw new Error(`scenario ${id} vanished from the catalogue between trials. Fix: the catalogue must return the same ids on every call`);
  return s;
}
