/**
 * Parses Sentinel's event messages (the pub/sub channel is the event type, the message the
 * payload). Formats follow sentinel.c `sentinelEvent()`:
 *
 * - instance form: `<kind> <name> <host> <port>[ @ <master-name> <master-host> <master-port>][ <more>]`
 *   (kind master|slave|sentinel; a slave's name is `host:port`, a sentinel's is its run id);
 * - `+switch-master`: `<master-name> <old-host> <old-port> <new-host> <new-port>`;
 * - `+new-epoch`: `<epoch>`; `+vote-for-leader`: `<runid> <epoch>`;
 * - `+tilt` / `-tilt`: `#tilt mode entered` / `#tilt mode exited`.
 *
 * Parsing never throws: what is not recognised keeps only `type` and `payload`.
 */
import type { SentinelEvent } from '../model.ts';

type Kind = 'master' | 'slave' | 'sentinel';
type Addr = { host: string; port: number };

const KINDS: ReadonlySet<string> = new Set<Kind>(['master', 'slave', 'sentinel']);

/** Parses one event published by `sentinel` on `channel` at `time` (epoch ms). */
export function parseSentinelEvent(sentinel: string, channel: string, payload: string, time: number): SentinelEvent {
  const ev: SentinelEvent = { time, sentinel, type: channel, payload };
  const tokens = String(payload ?? '').trim().split(/\s+/).filter((t) => t !== '');
  if (channel === '+switch-master') return withSwitch(ev, tokens);
  if (channel === '+new-epoch') return withEpoch(ev, tokens[0]);
  if (channel === '+vote-for-leader') return withEpoch(ev, tokens[1]);
  return withInstance(ev, tokens);
}

function withSwitch(ev: SentinelEvent, t: string[]): SentinelEvent {
  const [name, fromHost, fromPort, toHost, toPort] = t;
  const from = addr(fromHost, fromPort);
  const to = addr(toHost, toPort);
  if (name === undefined || from === undefined || to === undefined) return ev;
  return { ...ev, switchMaster: { name, from, to } };
}

function withEpoch(ev: SentinelEvent, token: string | undefined): SentinelEvent {
  if (token === undefined || !/^\d+$/.test(token)) return ev;
  return { ...ev, epoch: Number(token) };
}

function withInstance(ev: SentinelEvent, t: string[]): SentinelEvent {
  const [kind, name, host, port] = t;
  const a = addr(host, port);
  if (kind === undefined || !KINDS.has(kind) || name === undefined || a === undefined) return ev;
  const out: SentinelEvent = { ...ev, instance: { kind: kind as Kind, name, ...a } };
  if (t[4] !== '@') return out;
  const m = addr(t[6], t[7]);
  if (t[5] === undefined || m === undefined) return out;
  return { ...out, master: { name: t[5], ...m } };
}

function addr(host: string | undefined, port: string | undefined): Addr | undefined {
  if (host === undefined || port === undefined || !/^\d{1,5}$/.test(port)) return undefined;
  const p = Number(port);
  return p <= 65535 ? { host, port: p } : undefined;
}

/**
 * The name of the master an event is about: the instance itself when it is a master, the
 * `@ <master>` part otherwise, or the `+switch-master` master. Undefined for e.g. `+tilt`.
 */
export function eventMasterName(ev: SentinelEvent): string | undefined {
  if (ev.switchMaster) return ev.switchMaster.name;
  if (ev.instance?.kind === 'master') return ev.instance.name;
  return ev.master?.name;
}

/** `host:port` */
export function hostPort(a: Addr): string {
  return `${a.host}:${a.port}`;
}
