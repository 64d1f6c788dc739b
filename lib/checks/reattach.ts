/**
 * Replica reattachment: did every node expected to end as a replica end replicating from the
 * final master with its link up, when did it settle, and has it caught up?
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
}

/** Per-node outcome. */
interface NodeReattach {
  node: string;
  /** Start of the final stable attached stretch, ms from `since` (0 if before); null if not attached at the end. */
  ms: number | null;
  /** Bytes behind the master's last offset (0 if ahead); null when an offset is missing. */
  lag: number | null;
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
    const figures = reattachFigures(results, maxLag, master);
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
  if (master === undefined) return { node, ms: null, lag: null };
  let i = polls.length;
  while (i > 0 && attached(polls[i - 1] as RolePoll, master)) i--;
  const first = polls[i];
  if (first === undefined) return { node, ms: null, lag: null };
  const offset = polls[polls.length - 1]?.offset;
  const lag = offset === undefined || masterOffset === undefined ? null : Math.max(0, masterOffset - offset);
  return { node, ms: Math.max(0, relMs(first.time, since)), lag };
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
