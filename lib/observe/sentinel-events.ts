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
      const e = parseSentinelEvent(name, channel, message, now());
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
