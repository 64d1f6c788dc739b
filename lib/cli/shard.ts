/**
 * Sharding: `--shard i/n` runs the i-th of n disjoint parts of the selected scenarios, so CI can run
 * them on n machines and merge the reports (`sentinel-chaos merge`).
 *
 * The split is deterministic (it depends only on the selected scenarios, in catalogue order) and
 * balanced by expected run time: longest first, each to the currently lightest shard (LPT), ties to
 * the lower shard. Every scenario lands in exactly one shard.
 */
import { ConfigError } from '../config.ts';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export const MAX_SHARDS = 64;

/**
 * Fixed cost of a scenario beyond its own duration: topology start, convergence, final reads and
 * teardown (measured: ~15-25 s for the default topology).
 */
export const SCENARIO_OVERHEAD_MS = 20_000;

export function parseShard(raw: string, where = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new ConfigError(`invalid value ${JSON.stringify(raw)} for ${where}: must be i/n with 1 <= i <= n <= ${MAX_SHARDS}, like 1/2`);
  }
  return { index, count };
}

export function shardLabel(s: Shard): string {
  return `${s.index}/${s.count}`;
}

/** Which shard (1-based) each item goes to; items keep their order within a shard. */
export function assignShards<T extends { durationMs: number }>(items: readonly T[], count: number): number[] {
  const load = new Array<number>(count).fill(0);
  const out = new Array<number>(items.length).fill(1);
  const cost = (t: T): number => (Number.isFinite(t.durationMs) && t.durationMs > 0 ? t.durationMs : 0) + SCENARIO_OVERHEAD_MS;
  const order = items.map((t, i) => ({ i, c: cost(t) })).sort((a, b) => b.c - a.c || a.i - b.i);
  for (const { i, c } of order) {
    let best = 0;
    for (let k = 1; k < count; k++) if ((load[k] ?? 0) < (load[best] ?? 0)) best = k;
    load[best] = (load[best] ?? 0) + c;
    out[i] = best + 1;
  }
  return out;
}

/** The items of one shard, in their original order. */
export function splitShard<T extends { durationMs: number }>(items: readonly T[], shard: Shard): T[] {
  const assigned = assignShards(items, shard.count);
  return items.filter((_, i) => assigned[i] === shard.index);
}
