/**
 * Role lanes: each redis node's role over time (master, replica with its link state, unreachable), from the
 * INFO replication polls.
 */
import type { History, RolePoll } from '../../model.ts';
import { percentile } from './buckets.ts';
import { finite } from './common.ts';

export type LaneRole = 'master' | 'replica' | 'unreachable' | 'unknown';

export interface RoleSegment {
  role: LaneRole;
  startMs: number;
  endMs: number;
  /** For replicas: the master they follow. */
  masterOf?: string;
  /** For replicas: whether the replication link was up. */
  linkUp?: boolean;
  /** For unreachable: the poll error. */
  error?: string;
}

export interface RoleLane {
  node: string;
  segments: RoleSegment[];
}

function pollState(p: RolePoll): Omit<RoleSegment, 'startMs' | 'endMs'> {
  if (!p.reachable) return p.error ? { role: 'unreachable', error: p.error } : { role: 'unreachable' };
  if (p.role === 'master') return { role: 'master' };
  if (p.role === 'slave') {
    const s: Omit<RoleSegment, 'startMs' | 'endMs'> = { role: 'replica' };
    if (p.masterOf !== undefined) s.masterOf = p.masterOf;
    if (p.linkUp !== undefined) s.linkUp = p.linkUp;
    return s;
  }
  return { role: 'unknown' };
}

function sameState(a: Omit<RoleSegment, 'startMs' | 'endMs'>, b: Omit<RoleSegment, 'startMs' | 'endMs'>): boolean {
  return a.role === b.role && a.masterOf === b.masterOf && a.linkUp === b.linkUp;
}

/**
 * Each redis node's role over time from the INFO replication polls: consecutive polls in the
 * same state (role, master followed, link up) form one segment. A segment ends where the next
 * state begins; the last one ends at the node's last poll plus its typical poll interval.
 * Nodes are ordered as in history.nodes, then any node seen only in polls.
 */
export function roleLanes(history: Partial<History>): RoleLane[] {
  const t0 = finite(history.t0) ? history.t0 : 0;
  const byNode = new Map<string, RolePoll[]>();
  for (const n of history.nodes ?? []) if (n.kind === 'redis') byNode.set(n.name, []);
  for (const p of history.polls ?? []) {
    if (!finite(p.time) || typeof p.node !== 'string') continue;
    let list = byNode.get(p.node);
    if (!list) byNode.set(p.node, (list = []));
    list.push(p);
  }
  const lanes: RoleLane[] = [];
  for (const [node, polls] of byNode) {
    polls.sort((a, b) => a.time - b.time);
    const gaps: number[] = [];
    for (let i = 1; i < polls.length; i++) gaps.push((polls[i]?.time ?? 0) - (polls[i - 1]?.time ?? 0));
    gaps.sort((a, b) => a - b);
    const interval = percentile(gaps, 50) ?? 0;
    const segments: RoleSegment[] = [];
    let cur: RoleSegment | undefined;
    for (const p of polls) {
      const state = pollState(p);
      const t = p.time - t0;
      if (cur && sameState(cur, state)) continue;
      if (cur) cur.endMs = t;
      cur = { ...state, startMs: t, endMs: t };
      segments.push(cur);
    }
    const last = polls[polls.length - 1];
    if (cur && last) cur.endMs = last.time - t0 + interval;
    lanes.push({ node, segments });
  }
  return lanes;
}
