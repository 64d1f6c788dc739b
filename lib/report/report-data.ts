/**
 * Report data: turns a recorded ScenarioResult into what the reports draw — time buckets, fault
 * windows, sentinel event markers, role lanes and a summary row.
 *
 * Pure functions only (no I/O, no clock), so they are unit-tested on their own and every
 * renderer (HTML, Markdown, JUnit, JSON) reads the same numbers.
 *
 * Times here are milliseconds relative to the scenario's `history.t0` unless a name says otherwise.
 *
 * Inputs may come from JSON written by an older or crashed run, so every reader is defensive:
 * a missing check, a check that threw, or a missing part of the history yields "—" and a note,
 * never an exception.
 */
import type {
  Assertion,
  CheckResult,
  Figure,
  History,
  Op,
  RolePoll,
  ScenarioResult,
  SentinelEvent,
} from '../model.ts';
import type { MachineInfo, RunReport } from './run-report.ts';

export type Verdict = ScenarioResult['verdict'];

export const VERDICT_COLORS: Readonly<Record<Verdict, string>> = {
  pass: '#1a7f37',
  fail: '#cf222e',
  error: '#9a6700',
};

/** The text shown where a value is missing. */
export const MISSING = '—';

// ---------------------------------------------------------------------------------------------
// Time buckets

/** Bucket widths the timeline may use, smallest first; all divide a second or a minute evenly. */
const BUCKET_STEPS_MS = [100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 15_000, 30_000, 60_000];

export const DEFAULT_MAX_BUCKETS = 600;
export const DEFAULT_MIN_BUCKET_MS = 100;

/**
 * The bucket width for a time span: the smallest "round" width ≥ minMs that keeps the number
 * of buckets ≤ maxBuckets (one extra bucket is allowed for for a start that is not aligned).
 */
export function chooseBucketMs(
  spanMs: number,
  maxBuckets = DEFAULT_MAX_BUCKETS,
  minMs = DEFAULT_MIN_BUCKET_MS,
): number {
  const span = Number.isFinite(spanMs) && spanMs > 0 ? spanMs : 0;
  const fits = (step: number): boolean => Math.ceil(span / step) + 1 <= maxBuckets;
  for (const step of BUCKET_STEPS_MS) {
    if (step >= minMs && fits(step)) return step;
  }
  const minutes = Math.ceil(span / Math.max(1, maxBuckets - 1) / 60_000);
  return Math.max(minMs, minutes * 60_000);
}

export interface Timeline {
  bucketMs: number;
  /** Start of the first bucket and end of the last, ms relative to t0. */
  startMs: number;
  endMs: number;
  /** Bucket centres, ms relative to t0. */
  tMs: number[];
  /** ok operations completed per second in each bucket. */
  okPerSec: number[];
  /** Count of ok operations completed in the bucket. */
  ok: number[];
  /** Count of failed operations completed in the bucket. */
  failed: number[];
  /** Count of unknown (indeterminate) operations completed (given up on) in the bucket. */
  unknown: number[];
  /** Latency (complete − invoke, ms) of the ok operations completed in the bucket; null when none. */
  p50: (number | null)[];
  p99: (number | null)[];
  max: (number | null)[];
}

/** Nearest-rank percentile of an ascending array; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? null;
}

function finite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** [min, max] of the times in the history, relative to t0; null if there is nothing timed. */
export function historyExtentMs(history: Partial<History>): [number, number] | null {
  const t0 = finite(history.t0) ? history.t0 : 0;
  let lo = Infinity;
  let hi = -Infinity;
  const see = (t: unknown): void => {
    if (!finite(t)) return;
    const r = t - t0;
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  };
  for (const op of history.ops ?? []) {
    see(op.invoke);
    see(op.complete);
  }
  for (const p of history.polls ?? []) see(p.time);
  for (const e of history.events ?? []) see(e.time);
  for (const f of history.faults ?? []) {
    see(f.start);
    see(f.end);
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * Bucket the operations: throughput of ok ops, counts of failed / unknown ops (by completion
 * time), and latency percentiles of ok ops. The range covers the whole history (ops, polls,
 * events, faults) so every chart shares one x range. Returns null when nothing is timed.
 */
export function bucketOps(
  history: Partial<History>,
  opts: { maxBuckets?: number; minBucketMs?: number } = {},
): Timeline | null {
  const extent = historyExtentMs(history);
  if (!extent) return null;
  const t0 = finite(history.t0) ? history.t0 : 0;
  const [lo, hi] = extent;
  const from = Math.min(0, lo);
  const bucketMs = chooseBucketMs(hi - from, opts.maxBuckets, opts.minBucketMs);
  const startMs = Math.floor(from / bucketMs) * bucketMs;
  const n = Math.max(1, Math.ceil((hi - startMs) / bucketMs) + (hi === startMs ? 1 : 0));
  const count = (): number[] => new Array<number>(n).fill(0);
  const ok = count();
  const failed = count();
  const unknown = count();
  const latencies: number[][] = Array.from({ length: n }, () => []);
  const index = (rel: number): number => Math.min(n - 1, Math.max(0, Math.floor((rel - startMs) / bucketMs)));

  for (const op of history.ops ?? []) {
    if (!finite(op.complete)) continue;
    const i = index(op.complete - t0);
    if (op.outcome === 'ok') {
      ok[i] = (ok[i] ?? 0) + 1;
      if (finite(op.invoke) && op.complete >= op.invoke) latencies[i]?.push(op.complete - op.invoke);
    } else if (op.outcome === 'failed') {
      failed[i] = (failed[i] ?? 0) + 1;
    } else {
      unknown[i] = (unknown[i] ?? 0) + 1;
    }
  }
  const p50: (number | null)[] = [];
  const p99: (number | null)[] = [];
  const max: (number | null)[] = [];
  for (const l of latencies) {
    l.sort((a, b) => a - b);
    p50.push(percentile(l, 50));
    p99.push(percentile(l, 99));
    max.push(l.length ? (l[l.length - 1] ?? null) : null);
  }
  return {
    bucketMs,
    startMs,
    endMs: startMs + n * bucketMs,
    tMs: Array.from({ length: n }, (_, i) => startMs + (i + 0.5) * bucketMs),
    okPerSec: ok.map((c) => (c * 1000) / bucketMs),
    ok,
    failed,
    unknown,
    p50,
    p99,
    max,
  };
}

// ---------------------------------------------------------------------------------------------
// Fault windows

/** One colour per fault kind (Jepsen-style: the same kind always shades the same way). */
export const FAULT_COLORS: Readonly<Record<string, string>> = {
  kill: '#d62728',
  stop: '#d62728',
  crash: '#d62728',
  restart: '#e377c2',
  pause: '#ff7f0e',
  partition: '#9467bd',
  latency: '#bcbd22',
  slow: '#bcbd22',
  bandwidth: '#17becf',
  'packet-loss': '#8c564b',
  reset: '#8c564b',
  clock: '#7f7f7f',
};

const EXTRA_COLORS = ['#1f77b4', '#2ca02c', '#e377c2', '#17becf', '#8c564b', '#7f7f7f'];

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(h);
}

export function faultColor(kind: string): string {
  return FAULT_COLORS[kind] ?? EXTRA_COLORS[hash(kind) % EXTRA_COLORS.length] ?? '#7f7f7f';
}

export interface FaultWindow {
  name: string;
  kind: string;
  targets: string[];
  startMs: number;
  /** null = never healed (drawn to the end of the chart). */
  endMs: number | null;
  color: string;
}

export function faultWindows(history: Partial<History>): FaultWindow[] {
  const t0 = finite(history.t0) ? history.t0 : 0;
  return (history.faults ?? [])
    .filter((f) => finite(f.start))
    .map((f) => ({
      name: String(f.name ?? f.kind ?? 'fault'),
      kind: String(f.kind ?? 'fault'),
      targets: Array.isArray(f.targets) ? f.targets.map(String) : [],
      startMs: f.start - t0,
      endMs: finite(f.end) ? f.end - t0 : null,
      color: faultColor(String(f.kind ?? 'fault')),
    }))
    .sort((a, b) => a.startMs - b.startMs);
}

// ---------------------------------------------------------------------------------------------
// Sentinel event markers

/** The sentinel events drawn as markers; the rest stay in the raw history. */
export const MARKER_EVENT_TYPES = [
  '+sdown',
  '+odown',
  '+elected-leader',
  '+promoted-slave',
  '+switch-master',
  '+failover-end',
  '+convert-to-slave',
  '+tilt',
] as const;

export const EVENT_COLORS: Readonly<Record<string, string>> = {
  '+sdown': '#bf8700',
  '+odown': '#d1242f',
  '+elected-leader': '#8250df',
  '+promoted-slave': '#0969da',
  '+switch-master': '#0550ae',
  '+failover-end': '#1a7f37',
  '+convert-to-slave': '#6e7781',
  '+tilt': '#cf222e',
};

/** Events of the same type about the same instance within this window count as one marker. */
export const EVENT_DEDUPE_MS = 50;

export interface EventMarker {
  type: string;
  /** Time of the first event of the group. */
  timeMs: number;
  /** Time of the last event of the group. */
  lastMs: number;
  /** How many events were merged (typically one per sentinel). */
  count: number;
  sentinels: string[];
  /** Instance the events are about, e.g. "master mymaster" or "slave redis-0:6379". */
  instance?: string;
  /** Short text drawn at the marker. */
  label: string;
  color: string;
}

function instanceName(e: SentinelEvent): string | undefined {
  if (e.instance) return `${e.instance.kind} ${e.instance.name}`;
  return undefined;
}

/**
 * Sentinel events worth marking, with the same event seen by several sentinels (same type, same
 * instance, within EVENT_DEDUPE_MS of the group's first event) merged into one marker.
 */
export function eventMarkers(
  history: Partial<History>,
  types: readonly string[] = MARKER_EVENT_TYPES,
  dedupeMs = EVENT_DEDUPE_MS,
): EventMarker[] {
  const t0 = finite(history.t0) ? history.t0 : 0;
  const wanted = new Set(types);
  const events = (history.events ?? [])
    .filter((e) => wanted.has(e.type) && finite(e.time))
    .sort((a, b) => a.time - b.time);
  const open = new Map<string, EventMarker>();
  const out: EventMarker[] = [];
  for (const e of events) {
    const inst = instanceName(e);
    const key = `${e.type}\u0000${inst ?? ''}`;
    const t = e.time - t0;
    const group = open.get(key);
    if (group && t - group.timeMs <= dedupeMs) {
      group.count++;
      group.lastMs = t;
      if (!group.sentinels.includes(e.sentinel)) group.sentinels.push(e.sentinel);
      group.label = `${e.type} ×${group.count}`;
      continue;
    }
    const marker: EventMarker = {
      type: e.type,
      timeMs: t,
      lastMs: t,
      count: 1,
      sentinels: [e.sentinel],
      label: e.type,
      color: EVENT_COLORS[e.type] ?? '#57606a',
    };
    if (inst !== undefined) marker.instance = inst;
    open.set(key, marker);
    out.push(marker);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Role lanes

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

// ---------------------------------------------------------------------------------------------
// Figures and the summary row

/** One shown value: the raw value, its display text, and why it is missing or doubtful. */
export interface Cell {
  value: Figure;
  text: string;
  /** Why the value is "—" or doubtful (missing check, checker error, verdict unknown...). */
  note?: string;
  /** True when the note is an error (the checker threw, or the figure is an error string). */
  isError?: boolean;
}

/** Format a figure for people: times in ms with a unit, booleans as yes/no, null as "—". */
export function formatFigure(name: string, value: Figure | undefined): string {
  if (value === null || value === undefined) return MISSING;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    if (isMsName(name)) return formatMs(value);
    return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
  }
  return value;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return MISSING;
  const abs = Math.abs(ms);
  const v = abs >= 100 ? Math.round(ms) : abs >= 10 ? Math.round(ms * 10) / 10 : Math.round(ms * 100) / 100;
  return `${v} ms`;
}

/** Figures whose name says they are milliseconds (…Ms, …_ms) or the failover phase names. */
const PHASE_FIGURES = new Set([
  'sdown',
  'sdownFirst',
  'sdownQuorum',
  'odown',
  'tryFailover',
  'elected',
  'selectedReplica',
  'promoted',
  'switchFirst',
  'switchQuorum',
  'switchLast',
  'failoverEnd',
  'clientRecovery',
  'unavailableFrom',
  'unavailableTo',
]);
function isMsName(name: string): boolean {
  return /(Ms|[._]ms|^ms)$/.test(name) || PHASE_FIGURES.has(name);
}

interface FigureRef {
  check: string;
  names: readonly string[];
}

function lookupFigure(checks: Record<string, CheckResult> | undefined, ref: FigureRef, ms: boolean): Cell {
  const check = checks?.[ref.check];
  if (!check || typeof check !== 'object') return { value: null, text: MISSING, note: `no '${ref.check}' check` };
  const figures = check.figures ?? {};
  let found: { name: string; value: Figure } | undefined;
  for (const name of ref.names) {
    if (Object.hasOwn(figures, name)) {
      found = { name, value: figures[name] ?? null };
      break;
    }
  }
  if (check.error) {
    const cell: Cell = { value: null, text: MISSING, note: `${ref.check}: ${check.error}`, isError: true };
    if (found && found.value !== null) {
      cell.value = found.value;
      cell.text = ms && typeof found.value === 'number' ? formatMs(found.value) : formatFigure(found.name, found.value);
    }
    return cell;
  }
  if (!found) return { value: null, text: MISSING, note: `${ref.check}: no figure ${ref.names.join(' / ')}` };
  const { name, value } = found;
  const text = ms && typeof value === 'number' ? formatMs(value) : formatFigure(name, value);
  const cell: Cell = { value, text };
  if (value === null) cell.note = check.notes?.[0] ?? `${ref.check}: ${name} not measured`;
  else if (check.valid === 'unknown') cell.note = `${ref.check}: verdict unknown`;
  return cell;
}

/**
 * Where the key figures live. Each lists alternative figure names, first found wins: the phase
 * figures are milliseconds from the fault's start to the phase (as the failover-timing check
 * defines them).
 */
export const KEY_FIGURES = {
  detection: { check: 'failover-timing', names: ['sdownQuorum', 'sdownQuorumMs', 'odown', 'odownMs'] },
  election: { check: 'failover-timing', names: ['elected', 'electedMs'] },
  promotion: { check: 'failover-timing', names: ['promoted', 'promotedMs', 'switchFirst', 'switchFirstMs'] },
  clientRecovery: { check: 'failover-timing', names: ['clientRecovery', 'clientRecoveryMs'] },
  unavailable: { check: 'failover-timing', names: ['unavailableMs', 'unavailable'] },
  acked: { check: 'write-loss', names: ['acked', 'ackedWrites', 'ok'] },
  lost: { check: 'write-loss', names: ['lost', 'lostWrites'] },
  recovered: { check: 'write-loss', names: ['recovered', 'recoveredWrites'] },
  reattached: { check: 'reattach', names: ['reattached', 'reattachedCount'] },
  reattachExpected: { check: 'reattach', names: ['expected', 'total', 'replicas', 'of'] },
  /** ms from the heal (the reattach check's `since`) until the last replica settled. */
  reattachedWhen: { check: 'reattach', names: ['maxMs', 'reattachedMs', 'allReattachedMs'] },
} as const satisfies Record<string, FigureRef>;

/** unavailableMs may come from a dedicated availability check; prefer it when present. */
const UNAVAILABLE_CHECKS = ['availability', 'failover-timing'];

export interface SummaryRow {
  id: string;
  title: string;
  verdict: Verdict;
  error?: string;
  detection: Cell;
  election: Cell;
  promotion: Cell;
  clientRecovery: Cell;
  unavailable: Cell;
  acked: Cell;
  lost: Cell;
  recovered: Cell;
  /** "x/y" replicas reattached. */
  reattached: Cell;
  /** When the last replica settled, ms after the heal. */
  reattachedWhen: Cell;
  serverVersion: string;
  image: string;
}

function unavailableCell(checks: Record<string, CheckResult> | undefined): Cell {
  let first: Cell | undefined;
  for (const check of UNAVAILABLE_CHECKS) {
    const cell = lookupFigure(checks, { check, names: KEY_FIGURES.unavailable.names }, true);
    if (cell.value !== null) return cell;
    first ??= checks?.[check] ? cell : undefined;
  }
  return first ?? { value: null, text: MISSING, note: `no ${UNAVAILABLE_CHECKS.join(' / ')} check` };
}

function reattachedCell(checks: Record<string, CheckResult> | undefined): Cell {
  const x = lookupFigure(checks, KEY_FIGURES.reattached, false);
  if (typeof x.value === 'string' || x.value === null) return x;
  const y = lookupFigure(checks, KEY_FIGURES.reattachExpected, false);
  const cell: Cell = { value: x.value, text: `${x.text}/${y.value === null ? '?' : y.text}` };
  const note = x.note ?? (y.value === null ? undefined : y.note);
  if (note !== undefined) cell.note = note;
  if (x.isError) cell.isError = true;
  return cell;
}

export function summaryRow(s: ScenarioResult): SummaryRow {
  const checks = s.checks && typeof s.checks === 'object' ? s.checks : undefined;
  const row: SummaryRow = {
    id: String(s.scenario?.id ?? 'unknown'),
    title: String(s.scenario?.title ?? s.scenario?.id ?? 'untitled'),
    verdict: s.verdict ?? 'error',
    detection: lookupFigure(checks, KEY_FIGURES.detection, true),
    election: lookupFigure(checks, KEY_FIGURES.election, true),
    promotion: lookupFigure(checks, KEY_FIGURES.promotion, true),
    clientRecovery: lookupFigure(checks, KEY_FIGURES.clientRecovery, true),
    unavailable: unavailableCell(checks),
    acked: lookupFigure(checks, KEY_FIGURES.acked, false),
    lost: lookupFigure(checks, KEY_FIGURES.lost, false),
    recovered: lookupFigure(checks, KEY_FIGURES.recovered, false),
    reattached: reattachedCell(checks),
    reattachedWhen: lookupFigure(checks, KEY_FIGURES.reattachedWhen, true),
    serverVersion: s.topology?.serverVersion ?? MISSING,
    image: s.topology?.redisImage ?? MISSING,
  };
  if (s.error) row.error = s.error;
  return row;
}

// ---------------------------------------------------------------------------------------------
// Checks, lost writes

export interface FigureView {
  name: string;
  value: Figure;
  text: string;
}

export interface CheckView {
  name: string;
  valid: CheckResult['valid'];
  /** "valid" | "INVALID" | "unknown". */
  verdictText: string;
  figures: FigureView[];
  notes: string[];
  error?: string;
  /** The scenario's declaration for this check (Scenario.expectedOutcomes), e.g. "declared invalid: <why>". */
  declared?: string;
}

export function checkViews(checks: Record<string, CheckResult> | undefined, declared: ScenarioResult['expectedOutcomes'] = {}): CheckView[] {
  return Object.entries(checks ?? {}).map(([name, c]) => {
    const valid: CheckResult['valid'] = c?.valid === true || c?.valid === false ? c.valid : 'unknown';
    const view: CheckView = {
      name,
      valid,
      verdictText: valid === true ? 'valid' : valid === false ? 'INVALID' : 'unknown',
      figures: Object.entries(c?.figures ?? {}).map(([k, v]) => ({ name: k, value: v, text: formatFigure(k, v) })),
      notes: Array.isArray(c?.notes) ? c.notes.map(String) : [],
    };
    if (c?.error) view.error = String(c.error);
    const d = declared?.[name];
    if (d) view.declared = `declared ${d.valid === false ? 'invalid' : 'unknown'}: ${d.why}`;
    return view;
  });
}

export interface LostWrite {
  key: string;
  value: string;
  /** Relative to t0; null when the checker gave no time and no matching op was found. */
  invokeMs: number | null;
  completeMs: number | null;
  client?: string;
}

export const MAX_LOST_SHOWN = 50;

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

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

// ---------------------------------------------------------------------------------------------
// Whole scenario / whole run

export interface OpCounts {
  ops: number;
  ok: number;
  failed: number;
  unknown: number;
  polls: number;
  events: number;
  logs: number;
}

export interface ScenarioView {
  /** HTML anchor id. */
  anchor: string;
  id: string;
  title: string;
  tags: string[];
  description: string;
  expectation: string;
  verdict: Verdict;
  error?: string;
  startedAt: string;
  durationMs: number;
  seed: number | null;
  topology: ScenarioResult['topology'] | null;
  summary: SummaryRow;
  assertions: Assertion[];
  checks: CheckView[];
  /** null when the history has no timed data. */
  timeline: Timeline | null;
  faults: FaultWindow[];
  events: EventMarker[];
  lanes: RoleLane[];
  lost: { total: number; shown: LostWrite[] };
  counts: OpCounts;
  /** Things a reader should know about the data itself (e.g. "no history recorded"). */
  warnings: string[];
}

export function opCounts(history: Partial<History>): OpCounts {
  const ops = history.ops ?? [];
  const c: OpCounts = {
    ops: ops.length,
    ok: 0,
    failed: 0,
    unknown: 0,
    polls: history.polls?.length ?? 0,
    events: history.events?.length ?? 0,
    logs: history.logs?.length ?? 0,
  };
  for (const op of ops) {
    if (op.outcome === 'ok') c.ok++;
    else if (op.outcome === 'failed') c.failed++;
    else c.unknown++;
  }
  return c;
}

function anchorFor(id: string, used: Set<string>): string {
  const base = `s-${id.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
  let a = base;
  for (let i = 2; used.has(a); i++) a = `${base}-${i}`;
  used.add(a);
  return a;
}

export function scenarioView(s: ScenarioResult, anchor?: string): ScenarioView {
  const history: Partial<History> = s.history && typeof s.history === 'object' ? s.history : {};
  const warnings: string[] = [];
  if (!s.history) warnings.push('No history was recorded.');
  const timeline = bucketOps(history);
  if (s.history && !timeline) warnings.push('The history holds no timed data.');
  if (s.history && (history.ops?.length ?? 0) === 0) warnings.push('No client operations were recorded.');
  if (history.final?.error) warnings.push(`Final read failed: ${history.final.error}`);
  const summary = summaryRow(s);
  const view: ScenarioView = {
    anchor: anchor ?? anchorFor(summary.id, new Set()),
    id: summary.id,
    title: summary.title,
    tags: Array.isArray(s.scenario?.tags) ? s.scenario.tags.map(String) : [],
    description: s.scenario?.description ?? '',
    expectation: s.scenario?.expectation ?? '',
    verdict: summary.verdict,
    startedAt: s.startedAt ?? '',
    durationMs: finite(s.durationMs) ? s.durationMs : 0,
    seed: finite(s.seed) ? s.seed : null,
    topology: s.topology ?? null,
    summary,
    assertions: Array.isArray(s.assertions) ? s.assertions : [],
    checks: checkViews(s.checks, s.expectedOutcomes),
    timeline,
    faults: faultWindows(history),
    events: eventMarkers(history),
    lanes: roleLanes(history),
    lost: lostWrites(s),
    counts: opCounts(history),
    warnings,
  };
  if (s.error) view.error = s.error;
  return view;
}

export interface RunView {
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number | null;
  seed: number;
  machine: MachineInfo;
  config: Record<string, unknown>;
  totals: Record<Verdict, number>;
  scenarios: ScenarioView[];
}

export function runView(run: RunReport): RunView {
  const used = new Set<string>();
  const scenarios = (run.scenarios ?? []).map((s) => scenarioView(s, anchorFor(String(s.scenario?.id ?? 'unknown'), used)));
  const totals: Record<Verdict, number> = { pass: 0, fail: 0, error: 0 };
  for (const s of scenarios) totals[s.verdict] = (totals[s.verdict] ?? 0) + 1;
  const d = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return {
    runId: run.runId,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: Number.isFinite(d) ? d : null,
    seed: run.seed,
    machine: run.machine,
    config: run.config ?? {},
    totals,
    scenarios,
  };
}
