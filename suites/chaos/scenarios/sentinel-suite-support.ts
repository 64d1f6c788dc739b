/**
 * Helpers for the scenarios that port Redis's own Sentinel test suite (tests/sentinel in redis/redis): the exact
 * reply a sentinel gives to an admin command, Sentinel's internal periods as the bounds derive them, and a
 * bounded poll that records when a condition first held.
 */
import { now, sleep } from '../../../lib/clock.ts';
import { SENTINEL_PING_PERIOD_MS, SENTINEL_TICK_MS } from '../../../lib/scenario/bounds.ts';
import { parseInfo } from '../../../lib/topology/ready.ts';
import type { StartedSentinelTopology } from '../../../lib/topology/topology.ts';

export { SENTINEL_TICK_MS };

/** Sentinel's PING period towards an instance: SENTINEL_PING_PERIOD (1000 ms), or down-after when shorter (sentinel.c). */
export function pingPeriodMs(downAfterMs: number): number {
  return Math.min(downAfterMs, SENTINEL_PING_PERIOD_MS);
}

/**
 * A fault length that certainly fails over a master the sentinels cannot reach under this down-after: a PING goes out
 * within one PING period of the fault, down-after passes, plus 500 ms for the +odown exchange.
 */
export function pauseMs(downAfterMs: number): number {
  return downAfterMs + pingPeriodMs(downAfterMs) + 500;
}

/**
 * How late after "down-after since the last reply" a +sdown may come when a link is cut or its peer killed: the
 * closed connection is noticed at once, but the reconnection attempt (next tick) sends a PING that restarts the
 * pending-PING clock (sentinelReconnectInstance → sentinelSendPing sets act_ping_time), and the down check itself
 * runs on a tick: three ticks in all.
 */
export const SDOWN_LATE_MS = 3 * SENTINEL_TICK_MS;

/** Interval of the harness's own polls in these scenarios (part of every upper bound that polls). */
export const POLL_MS = 50;

/**
 * The reply of one command on the node's admin connection as text: a status or bulk reply as is ("OK 3 usable
 * Sentinels. ..."), an error reply with its leading "-" ("-NOQUORUM 1 usable Sentinels. ..."), a connection
 * failure as "error: ...". Never throws, so the reply itself is what the expectation judges.
 */
export async function replyText(t: StartedSentinelTopology, node: string, ...args: (string | number)[]): Promise<string> {
  try {
    const r = await t.adminCall(node, ...args);
    return Array.isArray(r) ? JSON.stringify(r) : String(r);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return (err as { name?: string }).name === 'ReplyError' ? `-${msg}` : `error: ${msg}`;
  }
}

/** When a polled condition first held, as tight as the probes allow. */
export interface Transition<T> {
  /** The first value for which the condition held (or the last one seen, on timeout). */
  value: T | undefined;
  /** Epoch ms the first satisfying probe's reply arrived: the change happened at or before this. */
  at: number | undefined;
  /** Epoch ms the last unsatisfying probe was sent: the change happened after this (undefined if the first held). */
  notBefore: number | undefined;
}

/**
 * Poll `probe` every POLL_MS until `done` holds for its value, for at most `timeoutMs`. Bounds on when the change
 * happened come from `notBefore` (upper bounds) and `at` (lower bounds), so the probes' own round trips never make
 * an expectation fail. Never throws (a throwing probe counts as not done).
 */
export async function pollUntil<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number): Promise<Transition<T>> {
  const deadline = now() + timeoutMs;
  let value: T | undefined;
  let notBefore: number | undefined;
  for (;;) {
    const sent = now();
    try {
      value = await probe();
      if (done(value)) return { value, at: now(), notBefore };
    } catch {
      // not done yet
    }
    notBefore = sent;
    if (now() > deadline) return { value, at: undefined, notBefore };
    await sleep(POLL_MS);
  }
}

/** Replication offsets of every redis node: the master's master_repl_offset, each replica's slave_repl_offset. */
async function offsets(t: StartedSentinelTopology): Promise<{ master: number; replicas: number[] }> {
  const infos = await Promise.all(t.redisNames().map(async (n) => parseInfo(String(await t.adminCall(n, 'INFO', 'replication')))));
  const master = infos.find((i) => i['role'] === 'master');
  if (!master) throw new Error('no redis node reports role:master');
  return { master: Number(master['master_repl_offset']), replicas: infos.filter((i) => i !== master).map((i) => Number(i['slave_repl_offset'])) };
}

/**
 * Wait until every replica has applied the master's replication stream up to the master's offset as it is now, i.e.
 * every PUBLISH made so far (Sentinel's hello messages are PUBLISHed on the master and propagated to the replicas with
 * the stream) has been delivered to the replicas' subscribers. A replica that has just finished a diskless sync may
 * hold back up to one replicationCron period of the stream (bounds.ts, REPLICATION_CRON_MS) and then deliver it at once.
 */
export async function replicasCaughtUp(t: StartedSentinelTopology, timeoutMs: number): Promise<Transition<number[]>> {
  const target = (await offsets(t)).master;
  return pollUntil(
    async () => (await offsets(t)).replicas,
    (v) => v.every((o) => o >= target),
    timeoutMs,
  );
}
