/**
 * Split brain: windows in which two or more nodes reported role master at once, and the
 * writes acknowledged during them. Writes acknowledged by a node that did not end as master
 * (direct clients pinned to it) were accepted on the losing side.
 *
 * Each node's polled state holds from one poll until its next (its last poll holds until the
 * last poll of any node); an unreachable poll is unknown, which does not count as master.
 */
import type { Figure, Op, RolePoll } from '../model.ts';
import { relMs, round1 } from './checker.ts';
import type { Checker } from './checker.ts';
import { finalMasterFromPolls, pollsByNode } from './reattach.ts';

export interface SplitBrainOpts {
  /**
   * The node that ended as master (its side won).
   * @default history.final.node, else the node whose last reachable poll says master
   */
  finalMaster?: string;
  /**
   * Epoch ms that window times in `details` are relative to.
   * @default history.t0
   */
  since?: number;
}

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

interface WindowWrites {
  total: number;
  sentinel: number;
  /** Direct writes per node. */
  direct: Record<string, number>;
}

export const splitBrain: Checker<SplitBrainOpts> = {
  name: 'split-brain',
  keyFigures: ['dualMasterMs', 'writesDuringDualMaster', 'losingSideWrites'],
  check(history, opts) {
    const since = opts.since ?? history.t0;
    const finalMaster = opts.finalMaster ?? history.final.node ?? finalMasterFromPolls(history.polls);
    const windows = dualMasterWindows(history.polls);
    const writes = history.ops.filter((o) => o.outcome === 'ok' && (o.f === 'add' || o.f === 'incr'));
    const during = writes.filter((o) => windows.some((w) => overlaps(o, w)));
    const losing = finalMaster === undefined ? [] : during.filter((o) => isDirectToOther(o, finalMaster));
    const figures = splitFigures(windows, during, losing, finalMaster);
    const details = { windows: windows.map((w) => windowDetail(w, writes, since)) };
    const notes = splitNotes(windows, during, losing, finalMaster);
    const undecided = finalMaster === undefined && during.some((o) => directNode(o) !== undefined);
    return { valid: losing.length > 0 ? false : undecided ? 'unknown' : true, figures, notes, details };
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

/** A write acknowledged by a node other than `node` (so not through Sentinel). */
function isDirectToOther(op: Op, node: string): boolean {
  const target = directNode(op);
  return target !== undefined && target !== node;
}

/** The node a direct client writes to (`direct:<node>`), undefined for Sentinel clients. */
function directNode(op: Op): string | undefined {
  return op.via.startsWith('direct:') ? op.via.slice('direct:'.length) : undefined;
}

function countWrites(ops: readonly Op[]): WindowWrites {
  const w: WindowWrites = { total: ops.length, sentinel: 0, direct: {} };
  for (const o of ops) {
    const node = directNode(o);
    if (node === undefined) w.sentinel++;
    else w.direct[node] = (w.direct[node] ?? 0) + 1;
  }
  return w;
}

function splitFigures(windows: readonly MasterWindow[], during: readonly Op[], losing: readonly Op[], finalMaster: string | undefined): Record<string, Figure> {
  const w = countWrites(during);
  const figures: Record<string, Figure> = {
    dualMasterMs: round1(windows.reduce((t, x) => t + x.to - x.from, 0)),
    windows: windows.length,
    maxMasters: windows.reduce((m, x) => Math.max(m, x.maxMasters), 0),
    writesDuringDualMaster: w.total,
    directWrites: w.total - w.sentinel,
    sentinelWrites: w.sentinel,
    losingSideWrites: losing.length,
    finalMaster: finalMaster ?? null,
  };
  for (const [node, n] of Object.entries(w.direct)) figures[`directWrites.${node}`] = n;
  return figures;
}

function windowDetail(w: MasterWindow, writes: readonly Op[], since: number) {
  const ops = writes.filter((o) => overlaps(o, w));
  const counts = countWrites(ops);
  return { from: relMs(w.from, since), to: relMs(w.to, since), masters: w.masters, writes: counts.total, sentinelWrites: counts.sentinel, directWrites: counts.direct };
}

function splitNotes(windows: readonly MasterWindow[], during: readonly Op[], losing: readonly Op[], finalMaster: string | undefined): string[] {
  if (windows.length === 0) return [];
  const notes = [`${windows.length} dual-master window(s); ${during.length} ok writes overlap them`];
  if (losing.length > 0) {
    const nodes = [...new Set(losing.map(directNode))].join(', ');
    notes.push(`${losing.length} writes acknowledged on the losing side (${nodes}; final master ${finalMaster ?? 'unknown'})`);
  }
  if (finalMaster === undefined) notes.push('final master unknown: cannot tell which side lost');
  return notes;
}

