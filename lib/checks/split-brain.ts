/**
 * Split brain: writes acknowledged by a redis node that was not the master the sentinels had elected.
 *
 * Every acknowledged write (add/incr, outcome ok) is judged by the node that served it (`Op.node`, the
 * node whose connection carried the reply), whatever the route: a Sentinel-routed client still connected
 * to a deposed master is the split brain users hit, as much as a client pinned to a node. The elected
 * master comes from the sentinels' events (see elected-master.ts: a promotion counts from the leader's
 * SLAVEOF NO ONE, after which the old master's writes no longer reach the new one). A write is judged at
 * its invoke time, so a write in flight across a switch is not blamed.
 *
 * Figures:
 * - `deposedWrites`: ok writes served by a node that was not the elected master when they were invoked
 *   (`deposedSentinelWrites` / `deposedDirectWrites` by route, `deposedWrites.<node>` by node);
 * - `losingSideWrites`: those of them served by a node other than the final master: writes a deposed
 *   master acknowledged and never got back (it rejoins as a replica and drops its data set); null when
 *   the final master is unknown;
 * - `writes.<node>`: ok writes per serving node; `unattributedWrites`: ok writes with no `node`;
 * - `elections`: how many times the elected master changed;
 * - the dual-master windows, from the role polls (each node's polled state holds from one poll until its
 *   next, its last until the last poll of any node; an unreachable poll is not master): `dualMasterMs`,
 *   `windows`, `maxMasters`, and the ok writes overlapping them (`writesDuringDualMaster`, split into
 *   `sentinelWrites` and `directWrites`, `directWrites.<node>` by pinned node).
 *
 * Verdict: false when any write was served by a non-elected node; unknown when an ok write has no
 * `node` (histories recorded before it existed) or the initial master is unknown; true otherwise.
 */
import type { Figure, Op, RolePoll } from '../model.ts';
import { relMs, round1 } from './checker.ts';
import type { Checker } from './checker.ts';
import { electedAt, electedTimeline, type ElectedSpan } from './elected-master.ts';
import { finalMasterFromPolls, pollsByNode } from './reattach.ts';

export interface SplitBrainOpts {
  /**
   * The node that ended as master (its side won); only `losingSideWrites` depends on it.
   * @default history.final.node, else the node whose last reachable poll says master
   */
  finalMaster?: string;
  /**
   * Epoch ms that times in `details` are relative to.
   * @default history.t0
   */
  since?: number;
}

/** How many deposed writes `details` lists. */
const DETAIL_LIMIT = 100;

/** A time interval, epoch ms, [from, to). */
interface Span {
  from: number;
  to: number;
}

/** A dual-master window (epoch ms) and the nodes that were master during it. */
export interface MasterWindow extends Span {
  masters: string[];
  maxMasters: number;
}

interface RouteCounts {
  total: number;
  sentinel: number;
  /** Direct writes per pinned node. */
  direct: Record<string, number>;
}

/** What the verdict rests on. */
interface Judged {
  writes: Op[];
  elected: ElectedSpan[];
  deposed: Op[];
  losing: Op[] | undefined;
  unattributed: number;
  finalMaster: string | undefined;
}

export const splitBrain: Checker<SplitBrainOpts> = {
  name: 'split-brain',
  keyFigures: ['deposedWrites', 'losingSideWrites', 'dualMasterMs'],
  check(history, opts) {
    const since = opts.since ?? history.t0;
    const finalMaster = opts.finalMaster ?? history.final.node ?? finalMasterFromPolls(history.polls);
    const writes = history.ops.filter((o) => o.outcome === 'ok' && (o.f === 'add' || o.f === 'incr'));
    const elected = electedTimeline(history);
    const deposed = writes.filter((o) => o.node !== undefined && elected.length > 0 && o.node !== electedAt(elected, o.invoke));
    const losing = finalMaster === undefined ? undefined : deposed.filter((o) => o.node !== finalMaster);
    const j: Judged = { writes, elected, deposed, losing, unattributed: writes.filter((o) => o.node === undefined).length, finalMaster };
    const windows = dualMasterWindows(history.polls);
    const during = writes.filter((o) => windows.some((w) => overlaps(o, w)));
    return {
      valid: deposed.length > 0 ? false : j.unattributed > 0 || (writes.length > 0 && elected.length === 0) ? 'unknown' : true,
      figures: { ...judgedFigures(j), ...windowFigures(windows, during) },
      notes: splitNotes(j, windows, during),
      details: {
        windows: windows.map((w) => windowDetail(w, writes, since)),
        elected: elected.map((s) => ({ node: s.node, from: Number.isFinite(s.from) ? relMs(s.from, since) : null, epoch: s.epoch ?? null, by: s.by ?? 'initial master' })),
        deposed: deposed.slice(0, DETAIL_LIMIT).map((o) => deposedDetail(o, elected, since)),
      },
    };
  },
};

/** Maximal windows in which >= 2 nodes were master, by time. */
export function dualMasterWindows(polls: readonly RolePoll[]): MasterWindow[] {
  const end = polls.reduce((m, p) => Math.max(m, p.time), -Infinity);
  const spans = new Map<string, Span[]>();
  for (const [node, ps] of pollsByNode(polls)) spans.set(node, masterSpans(ps, end));
  const bounds = [...new Set([...spans.values()].flat().flatMap((s) => [s.from, s.to]))].sort((a, b) => a - b);
  const windows: MasterWindow[] = [];
  for (let i = 1; i < bounds.length; i++) {
    const from = bounds[i - 1] as number;
    const to = bounds[i] as number;
    const masters = [...spans].filter(([, ss]) => ss.some((s) => s.from <= from && to <= s.to)).map(([n]) => n).sort();
    if (masters.length >= 2) extend(windows, { from, to, masters, maxMasters: masters.length });
  }
  return windows;
}

/** Merged spans in which one node's polls said master. */
function masterSpans(polls: readonly RolePoll[], end: number): Span[] {
  const spans: Span[] = [];
  polls.forEach((p, i) => {
    if (!(p.reachable && p.role === 'master')) return;
    const to = polls[i + 1]?.time ?? end;
    const last = spans[spans.length - 1];
    if (last !== undefined && last.to === p.time) last.to = to;
    else if (to > p.time) spans.push({ from: p.time, to });
  });
  return spans;
}

/** Appends a piece to the last window when they touch, else starts a new window. */
function extend(windows: MasterWindow[], piece: MasterWindow): void {
  const last = windows[windows.length - 1];
  if (last === undefined || last.to !== piece.from) {
    windows.push(piece);
    return;
  }
  last.to = piece.to;
  last.masters = [...new Set([...last.masters, ...piece.masters])].sort();
  last.maxMasters = Math.max(last.maxMasters, piece.maxMasters);
}

function overlaps(op: Op, w: Span): boolean {
  return op.invoke <= w.to && op.complete >= w.from;
}

/** The node a direct client writes to (`direct:<node>`), undefined for Sentinel clients. */
function directNode(op: Op): string | undefined {
  return op.via.startsWith('direct:') ? op.via.slice('direct:'.length) : undefined;
}

function countRoutes(ops: readonly Op[]): RouteCounts {
  const w: RouteCounts = { total: ops.length, sentinel: 0, direct: {} };
  for (const o of ops) {
    const node = directNode(o);
    if (node === undefined) w.sentinel++;
    else w.direct[node] = (w.direct[node] ?? 0) + 1;
  }
  return w;
}

function countBy(ops: readonly Op[], prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of ops) if (o.node !== undefined) out[`${prefix}.${o.node}`] = (out[`${prefix}.${o.node}`] ?? 0) + 1;
  return out;
}

function judgedFigures(j: Judged): Record<string, Figure> {
  const routes = countRoutes(j.deposed);
  return {
    deposedWrites: j.deposed.length,
    deposedSentinelWrites: routes.sentinel,
    deposedDirectWrites: routes.total - routes.sentinel,
    losingSideWrites: j.losing?.length ?? null,
    unattributedWrites: j.unattributed,
    elections: Math.max(0, j.elected.length - 1),
    finalMaster: j.finalMaster ?? null,
    ...countBy(j.deposed, 'deposedWrites'),
    ...countBy(j.writes, 'writes'),
  };
}

function windowFigures(windows: readonly MasterWindow[], during: readonly Op[]): Record<string, Figure> {
  const w = countRoutes(during);
  const figures: Record<string, Figure> = {
    dualMasterMs: round1(windows.reduce((t, x) => t + x.to - x.from, 0)),
    windows: windows.length,
    maxMasters: windows.reduce((m, x) => Math.max(m, x.maxMasters), 0),
    writesDuringDualMaster: w.total,
    directWrites: w.total - w.sentinel,
    sentinelWrites: w.sentinel,
  };
  for (const [node, n] of Object.entries(w.direct)) figures[`directWrites.${node}`] = n;
  return figures;
}

function windowDetail(w: MasterWindow, writes: readonly Op[], since: number) {
  const counts = countRoutes(writes.filter((o) => overlaps(o, w)));
  return { from: relMs(w.from, since), to: relMs(w.to, since), masters: w.masters, writes: counts.total, sentinelWrites: counts.sentinel, directWrites: counts.direct };
}

function deposedDetail(o: Op, elected: readonly ElectedSpan[], since: number) {
  return { key: o.key, value: o.value ?? null, via: o.via, node: o.node, elected: electedAt(elected, o.invoke) ?? null, invoke: relMs(o.invoke, since), complete: relMs(o.complete, since) };
}

function splitNotes(j: Judged, windows: readonly MasterWindow[], during: readonly Op[]): string[] {
  const notes: string[] = [];
  if (j.deposed.length > 0) {
    const nodes = [...new Set(j.deposed.map((o) => o.node))].join(', ');
    const routes = countRoutes(j.deposed);
    notes.push(
      `${j.deposed.length} of ${j.writes.length} acknowledged writes were served by a node the sentinels had not elected (${nodes}): ` +
        `${routes.sentinel} through Sentinel, ${routes.total - routes.sentinel} pinned; ` +
        `${j.losing === undefined ? 'final master unknown' : `${j.losing.length} on the losing side (final master ${j.finalMaster})`}`,
    );
  } else if (j.unattributed > 0) {
    notes.push(`${j.unattributed} of ${j.writes.length} acknowledged writes carry no serving node: cannot tell whether a non-elected master served them`);
  } else if (j.writes.length > 0 && j.elected.length === 0) {
    notes.push('initial master unknown (no node has initialRole master): cannot tell which master was elected');
  } else {
    notes.push(`every one of ${j.writes.length} acknowledged writes was served by the master the sentinels had elected (${Math.max(0, j.elected.length - 1)} election(s))`);
  }
  if (windows.length > 0) notes.push(`${windows.length} dual-master window(s) by the role polls; ${during.length} ok writes overlap them`);
  return notes;
}
