/**
 * What the explore mode reads live after each heal: it waits (bounded) for convergence — the sentinels agree
 * on one master, every other redis node replicates from it, link up, offset caught up — then reads every
 * sentinel's config epoch and TILT state and the written set on the agreed master. Everything goes through
 * the observers' direct admin connections, never through the proxies faults act on.
 */
import { now, withTimeout } from '../clock.ts';
import { converge } from '../scenario/converge.ts';
import { parseInfo } from '../topology/ready.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';
import type { Observation } from './invariants.ts';

/** Bound on one sentinel's answer: a probe must not hang on a node that a fault left unresponsive. */
const ANSWER_MS = 2000;

async function sentinelEpoch(t: StartedSentinelTopology, s: string): Promise<number | null> {
  try {
    const flat = await withTimeout(t.adminCall<string[]>(s, 'SENTINEL', 'MASTER', t.masterName), ANSWER_MS, `${s} SENTINEL MASTER`);
    const i = flat.indexOf('config-epoch');
    return i >= 0 ? Number(flat[i + 1]) : null;
  } catch {
    return null;
  }
}

async function sentinelTilt(t: StartedSentinelTopology, s: string): Promise<{ tilt: boolean; sinceS: number | null } | null> {
  try {
    const info = parseInfo(await withTimeout(t.adminCall<string>(s, 'INFO', 'sentinel'), ANSWER_MS, `${s} INFO sentinel`));
    const since = info['sentinel_tilt_since_seconds'];
    return { tilt: info['sentinel_tilt'] === '1', sinceS: since === undefined || Number(since) < 0 ? null : Number(since) };
  } catch {
    return null;
  }
}

export interface ProbeOptions {
  /** Bound on the convergence wait. */
  convergeTimeoutMs: number;
  setKey: string;
}

export async function observe(t: StartedSentinelTopology, o: ProbeOptions): Promise<Observation> {
  const conv = await converge(t, { replicas: true, timeoutMs: o.convergeTimeoutMs });
  const sentinels = t.sentinelNames();
  const [epochs, tilts] = await Promise.all([Promise.all(sentinels.map((s) => sentinelEpoch(t, s))), Promise.all(sentinels.map((s) => sentinelTilt(t, s)))]);
  const master = conv.state.master;
  const time = now();
  let final: Observation['final'] = { time, sets: {}, counters: {}, error: 'no master agreed by the sentinels' };
  if (master) {
    try {
      const members = await withTimeout(t.admin(master).smembers(o.setKey), 10_000, `SMEMBERS on ${master}`);
      final = { time, node: master, sets: { [o.setKey]: members }, counters: {} };
    } catch (err) {
      final = { time, node: master, sets: {}, counters: {}, error: `read on ${master} failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  return {
    time,
    convergeMs: Number(conv.check.figures['convergeMs']),
    master,
    pending: conv.state.pending,
    epochs: Object.fromEntries(sentinels.map((s, i) => [s, epochs[i] ?? null])),
    tilt: Object.fromEntries(sentinels.map((s, i) => [s, tilts[i] ?? null])),
    final,
  };
}
