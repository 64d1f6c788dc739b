/**
 * Records every sentinel's event stream (PSUBSCRIBE *) with a timestamp on the harness clock.
 * Subscribers use the sentinels' direct admin ports, so network faults never hide events; a restarted
 * sentinel is re-subscribed automatically.
 */
import { Redis } from 'ioredis';
import { now } from '../clock.ts';
import type { SentinelEvent } from '../model.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { parseSentinelEvent } from './parse-event.ts';

export class SentinelEventRecorder {
  readonly events: SentinelEvent[] = [];
  private readonly subs: Redis[] = [];
  private listeners: ((e: SentinelEvent) => void)[] = [];

  /** Subscribe to every sentinel; resolves when all subscriptions are active. */
  async start(t: StartedSentinelTopology): Promise<this> {
    await Promise.all(t.sentinelNames().map((name) => this.subscribe(t, name)));
    return this;
  }

  onEvent(listener: (e: SentinelEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private async subscribe(t: StartedSentinelTopology, name: string): Promise<void> {
    const n = t.node(name);
    const sub = new Redis({
      host: n.admin.host,
      port: n.admin.port,
      ...(t.options.auth ? { password: t.options.auth.password } : {}),
      enableReadyCheck: false,
      autoResubscribe: true,
      maxRetriesPerRequest: null,
      connectTimeout: 1000,
      retryStrategy: () => 100,
    });
    sub.on('error', () => {});
    sub.on('pmessage', (_pattern: string, channel: string, message: string) => {
      const e = namedAddresses(parseSentinelEvent(name, channel, message, now()), t);
      this.events.push(e);
      for (const l of this.listeners) l(e);
    });
    this.subs.push(sub);
    await sub.psubscribe('*');
  }

  /** Wait until some sentinel publishes an event matching `pred`, or `timeoutMs` passes (→ undefined). */
  waitFor(pred: (e: SentinelEvent) => boolean, timeoutMs: number, since = 0): Promise<SentinelEvent | undefined> {
    const seen = this.events.find((e) => e.time >= since && pred(e));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(undefined);
      }, timeoutMs);
      const off = this.onEvent((e) => {
        if (e.time >= since && pred(e)) {
          clearTimeout(timer);
          off();
          resolve(e);
        }
      });
    });
  }

  stop(): void {
    for (const s of this.subs) s.disconnect();
    this.subs.length = 0;
    this.listeners = [];
  }
}

/**
 * Where nodes are announced by IP (Sentinel < 6.2: every node is 127.0.0.1:<its port>, layout.ts), name the
 * addresses in an event's parsed fields after the nodes, as Sentinel >= 6.2 announces them, so checks and
 * scenarios read the same events on every version. The raw payload is kept as Sentinel published it.
 */
function namedAddresses(e: SentinelEvent, t: StartedSentinelTopology): SentinelEvent {
  const host = (h: string, port: number): string => t.nameOf(h, port) ?? h;
  const out = { ...e };
  if (e.instance) {
    const h = host(e.instance.host, e.instance.port);
    const name = e.instance.name === `${e.instance.host}:${e.instance.port}` ? `${h}:${e.instance.port}` : e.instance.name;
    out.instance = { ...e.instance, host: h, name };
  }
  if (e.master) out.master = { ...e.master, host: host(e.master.host, e.master.port) };
  if (e.switchMaster) {
    const { from, to } = e.switchMaster;
    out.switchMaster = { ...e.switchMaster, from: { ...from, host: host(from.host, from.port) }, to: { ...to, host: host(to.host, to.port) } };
  }
  return out;
}
