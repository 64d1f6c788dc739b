/**
 * Replica reattachment: did every node expected to end as a replica end replicating from the
 * final master with its link up, when did it settle, has it caught up — and, what convergence after the
 * final heal does not guarantee, did the poller see it attached during the run (not only in the poll round
 * after the final read) and did it settle within the time Sentinel's own periods allow (`bound`)?
 */
import type { Figure, RolePoll } from '../model.ts';
import { allValid, relMs } from './checker.ts';
import type { Checker } from './checker.ts';

export interface ReattachOpts {
  /** Redis node names expected to end as replicas. */
  nodes: string[];
  /**
   * Expected final master node name.
   * @default the node whose last reachable poll says role master (see `finalMasterFromPolls`)
   */
  master?: string;
  /** Epoch ms the reattach times are measured from (usually the heal time). */
  since: number;
  /**
   * How many bytes a replica's last offset may trail the master's last offset and still count
   * as caught up (polls are not simultaneous).
   * @default 0
   */
  maxLagBytes?: number;
  /**
   * Each replica's final attached stretch must begin within `ms` of `from` (epoch ms, e.g. the later of the
   * heal and the last +switch-master): see `reattachBoundMs` for how the bound follows from the configuration.
   * Absent: not judged.
   */
  bound?: { ms: number; from: number };
  /**
   * Epoch ms (the final read) by which the poller must have seen each replica attached: see `judgeSeen`.
   * Absent: not judged (histories recorded before the runner let the poller look after convergence).
   */
  seenBy?: number;
}

/** Sentinel's own periods (ms) that bound how fast it repoints a replica (see `reattachBoundMs`). */
export interface SentinelPeriods {
  failoverTimeoutMs: number;
  /** SENTINEL DEBUG values in force; missing ones are Sentinel's defaults. */
  sentinelDebug: Record<string, number>;
}

/** Sentinel's defaults (sentinel.c): ping-period 1 s, info-period 10 s, publish-period 2 s. */
const SENTINEL_DEFAULTS = { 'ping-period': 1000, 'info-period': 10_000, 'publish-period': 2000 } as const;

/**
 * How long after a node is reachable again (the heal, or the last switch, whichever is later) Sentinel may take
 * to have it replicating from the right master, from sentinel.c (sentinelRefreshInstanceInfo):
 * - the sentinel reconnects its link within one ping-period;
 * - its next INFO (every info-period) reports the node's role;
 * - a node that came back as master is converted (+convert-to-slave) once it has reported that role for
 *   4 × publish-period; a replica of the wrong master is repointed (+fix-slave-config) once its configuration is
 *   failover-timeout old. Either way the SLAVEOF goes out with the first INFO after that wait (one more
 *   info-period);
 * - one more ping-period for the replica to connect and resync (empty-ish dataset, diskless, sync delay 0, on
 *   a local link) and for the 100 ms poller to see it.
 * So bound = 2 × ping-period + 2 × info-period + max(4 × publish-period, failover-timeout).
 * With the suite's SENTINEL DEBUG (info-period 1000, publish-period 500) and failover-timeout 6000: 10 s.
 */
export function reattachBoundMs(p: SentinelPeriods): number {
  const d = (k: keyof typeof SENTINEL_DEFAULTS): number => p.sentinelDebug[k] ?? SENTINEL_DEFAULTS[k];
  return 2 * d('ping-period') + 2 * d('info-period') + Math.max(4 * d('publish-period'), p.failoverTimeoutMs);
}

/** Per-node outcome. */
interface NodeReattach {
  node: string;
  /** Start of the final stable attached stretch, ms from `since` (0 if before); null if not attached at the end. */
  ms: number | null;
  /** Bytes behind the master's last offset (0 if ahead); null when an offset is missing. */
  lag: number | null;
  /** Epoch ms of the first poll of the final attached stretch; null if not attached at the end. */
  at: number | null;
}

export const reattach: Checker<ReattachOpts> = {
  name: 'reattach',
  keyFigures: ['reattached', 'expected', 'maxMs'],
  check(history, opts) {
    const notes: string[] = [];
    const master = opts.master ?? pickFinalMaster(history.polls, opts.nodes, notes);
    const byNode = pollsByNode(history.polls);
    const masterOffset = master === undefined ? undefined : lastReachable(byNode.get(master) ?? [])?.offset;
    const results = opts.nodes.map((n) => nodeReattach(n, byNode.get(n) ?? [], master, masterOffset, opts.since));
    const maxLag = opts.maxLagBytes ?? 0;
    const verdicts = results.map((r) => judgeNode(r, master, maxLag, notes));
    const seenBy = opts.seenBy;
    if (seenBy !== undefined) verdicts.push(...results.map((r) => judgeSeen(r, seenBy, notes)));
    const figures = reattachFigures(results, maxLag, master);
    if (opts.bound) {
      const bound = opts.bound;
      const within = results.map((r) => judgeBound(r, bound, notes));
      verdicts.push(...within);
      figures['boundMs'] = bound.ms;
      figures['withinBound'] = results.length > 0 && within.every((w) => w === true);
    }
    return { valid: master === undefined ? false : allValid(verdicts), figures, notes };
  },
};

function pickFinalMaster(polls: readonly RolePoll[], nodes: readonly string[], notes: string[]): string | undefined {
  const m = finalMasterFromPolls(polls, nodes);
  if (m === undefined) notes.push('no final master: no node\'s last reachable poll says role master');
  return m;
}

/**
 * The node whose last reachable poll says role master. When several do, prefers nodes not in
 * `exclude` (the expected replicas), then the one with the most connected replicas, then the latest poll;
 * undefined when none does or the best two cannot be told apart.
 */
export function finalMasterFromPolls(polls: readonly RolePoll[], exclude: readonly string[] = []): string | undefined {
  const candidates: RolePoll[] = [];
  for (const ps of pollsByNode(polls).values()) {
    const last = lastReachable(ps);
    if (last?.role === 'master') candidates.push(last);
  }
  const rank = (p: RolePoll): [number, number, number] => [exclude.includes(p.node) ? 0 : 1, p.connectedSlaves ?? 0, p.time];
  candidates.sort((a, b) => compareTuples(rank(b), rank(a)));
  const [best, next] = candidates;
  if (best === undefined || (next !== undefined && compareTuples(rank(best), rank(next)) === 0)) return undefined;
  return best.node;
}

function compareTuples(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

/** Polls grouped by node, each list sorted by time. */
export function pollsByNode(polls: readonly RolePoll[]): Map<string, RolePoll[]> {
  const out = new Map<string, RolePoll[]>();
  for (const p of polls) {
    const list = out.get(p.node) ?? [];
    list.push(p);
    out.set(p.node, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.time - b.time);
  return out;
}

function lastReachable(polls: readonly RolePoll[]): RolePoll | undefined {
  for (let i = polls.length - 1; i >= 0; i--) if (polls[i]?.reachable) return polls[i];
  return undefined;
}

function attached(p: RolePoll, master: string): boolean {
  return p.reachable && p.role === 'slave' && p.masterOf === master && p.linkUp === true;
}

function nodeReattach(
  node: string,
  polls: readonly RolePoll[],
  master: string | undefined,
  masterOffset: number | undefined,
  since: number,
): NodeReattach {
  if (master === undefined) return { node, ms: null, lag: null, at: null };
  let i = polls.length;
  while (i > 0 && attached(polls[i - 1] as RolePoll, master)) i--;
  const first = polls[i];
  if (first === undefined) return { node, ms: null, lag: null, at: null };
  const offset = polls[polls.length - 1]?.offset;
  const lag = offset === undefined || masterOffset === undefined ? null : Math.max(0, masterOffset - offset);
  return { node, ms: Math.max(0, relMs(first.time, since)), lag, at: first.time };
}

/**
 * The runner lets the poller record one round after convergence, then reads the final state, then polls once
 * more. A replica first seen attached only after the final read was not attached when the poller looked after
 * convergence (it flapped, or was repointed again): convergence's own momentary look did not hold.
 */
function judgeSeen(r: NodeReattach, finalReadAt: number, notes: string[]): boolean {
  if (r.at === null || r.at < finalReadAt) return true;
  notes.push(`${r.node} was first seen attached only after the final read, not by the poller after convergence`);
  return false;
}

function judgeBound(r: NodeReattach, bound: { ms: number; from: number }, notes: string[]): boolean {
  if (r.at === null) return false;
  const late = relMs(r.at, bound.from);
  if (late <= bound.ms) return true;
  notes.push(`${r.node} settled ${late} ms after the heal/switch, later than Sentinel's bound of ${bound.ms} ms`);
  return false;
}

function judgeNode(r: NodeReattach, master: string | undefined, maxLag: number, notes: string[]): boolean | 'unknown' {
  if (master === undefined) return false;
  if (r.node === master) {
    notes.push(`${r.node} is the final master, not a replica`);
    return false;
  }
  if (r.ms === null) {
    notes.push(`${r.node} is not attached to ${master} (role slave, link up) at its last poll`);
    return false;
  }
  if (r.lag === null) {
    notes.push(`${r.node}: replication offset of it or of ${master} unknown, catch-up not judged`);
    return 'unknown';
  }
  if (r.lag > maxLag) {
    notes.push(`${r.node} trails ${master} by ${r.lag} bytes (allowed ${maxLag})`);
    return false;
  }
  return true;
}

function reattachFigures(results: readonly NodeReattach[], maxLag: number, master: string | undefined): Record<string, Figure> {
  const done = results.filter((r) => r.ms !== null && r.node !== master);
  const figures: Record<string, Figure> = {
    finalMaster: master ?? null,
    expected: results.length,
    reattached: done.length,
    allReattached: done.length === results.length,
    caughtUp: done.filter((r) => r.lag !== null && r.lag <= maxLag).length,
    maxMs: done.length === results.length && done.length > 0 ? Math.max(...done.map((r) => r.ms as number)) : null,
  };
  for (const r of results) {
    figures[`${r.node}.ms`] = r.ms;
    figures[`${r.node}.lag`] = r.lag;
  }
  return figures;
}
