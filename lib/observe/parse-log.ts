/**
 * Parses Redis / Sentinel server log lines:
 *
 *     1:X 25 Nov 2026 11:45:01.123 # +sdown master mymaster redis-0 7000
 *     <pid>:<role> <day> <Mon> <year> <hh:mm:ss.mmm> <level> <message>
 *
 * role: X sentinel, M master, S replica, C forked child; level: `.` debug, `-` verbose,
 * `*` notice, `#` warning. The timestamp is read as UTC (the containers log in UTC).
 * An optional leading `docker logs --timestamps` stamp (`2026-11-25T11:45:01.123456789Z `) is skipped.
 */
import type { LogLine } from '../model.ts';

/** A Sentinel event found in a log line: the same `type` and `payload` as on the pub/sub channel. */
export interface LogEvent {
  time: number;
  node: string;
  type: string;
  payload: string;
}

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

const LINE =
  /^(?:\d{4}-\d\d-\d\dT\S+Z\s+)?(\d+):([XMSC]) (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? ([.\-*#])(?: (.*))?$/;

const EVENT = /^([+-][a-z][a-z0-9-]*)(?:\s+(.*))?$/;

/**
 * Parses one raw log line of `node`. Returns null for lines without the server prefix
 * (the startup logo, blank lines, truncated output). `text` is the message after the level char.
 */
export function parseLogLine(node: string, raw: string): LogLine | null {
  const m = LINE.exec(raw.replace(/\r$/, '').trim());
  if (m === null) return null;
  const time = utcTime(m);
  if (time === undefined) return null;
  return { node, time, text: m[11] ?? '' };
}

/** Parses a whole log dump (e.g. `docker logs` output), dropping lines that are not server lines. */
export function parseLog(node: string, text: string): LogLine[] {
  const out: LogLine[] = [];
  for (const raw of text.split('\n')) {
    const l = parseLogLine(node, raw);
    if (l !== null) out.push(l);
  }
  return out;
}

function utcTime(m: RegExpExecArray): number | undefined {
  const month = MONTHS[m[4] ?? ''];
  if (month === undefined) return undefined;
  const frac = m[9] ?? '0';
  const ms = Number(frac) / 10 ** (frac.length - 3);
  const t = Date.UTC(Number(m[5]), month, Number(m[3]), Number(m[6]), Number(m[7]), Number(m[8]));
  return Number.isNaN(t) ? undefined : t + ms;
}

/**
 * Extracts the Sentinel events (`+sdown …`, `-odown …`, `+switch-master …`) from log lines,
 * in the order given. Accepts lines whose `text` is either the bare message or a whole raw
 * server line (then the printed timestamp is used).
 */
export function sentinelEventsFromLog(lines: readonly LogLine[]): LogEvent[] {
  const out: LogEvent[] = [];
  for (const l of lines) {
    const e = eventOf(l);
    if (e !== null) out.push(e);
  }
  return out;
}

function eventOf(l: LogLine): LogEvent | null {
  const inner = parseLogLine(l.node, l.text);
  const line = inner ?? l;
  const m = EVENT.exec(line.text.trim());
  if (m === null || m[1] === undefined) return null;
  return { time: line.time, node: l.node, type: m[1], payload: m[2] ?? '' };
}
