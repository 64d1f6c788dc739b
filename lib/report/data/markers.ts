/**
 * Sentinel event markers: the events worth a line on the charts, with the same event seen by several
 * sentinels merged into one marker.
 */
import type { History, SentinelEvent } from '../../model.ts';
import { finite } from './common.ts';

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
