/**
 * Readiness: every replica reports master_link_status:up and has acknowledged the master's replication
 * stream, and every sentinel sees the master, every replica and every other sentinel as healthy (no s_down /
 * o_down / disconnected flags). Not before.
 *
 * The probes here also pace the bring-up (topology.ts), because Redis and Sentinel wait a whole period
 * after a failed first attempt: a replica retries its master once per replicationCron (1 s); a sentinel
 * reconnects a link at most once per ping-period (1 s); a sentinel that saw a replica's link down re-reads
 * its INFO only 1 s later. So the master must answer before a replica starts, and a sentinel should first
 * reach the redis nodes only once every replica's link is up.
 */
import { connect } from 'node:net';
import { ReplyError } from 'ioredis';
import { now, sleep } from '../clock.ts';
import type { TopologyOptions } from './options.ts';

/**
 * What the probes need of a started topology. Structural, so this file imports no topology module (the
 * bring-up imports this one); StartedSentinelTopology satisfies it.
 */
export interface ProbedTopology {
  readonly masterName: string;
  readonly options: Pick<TopologyOptions, 'replicas' | 'sentinels'>;
  redisNames(): string[];
  sentinelNames(): string[];
  nameOf(host: string, port: number | string): string | undefined;
  adminCall<T = unknown>(name: string, ...args: (string | number)[]): Promise<T>;
  /** Send a command that gets no reply (REPLCONF GETACK) on a connection of its own, closed after it. */
  adminSend(name: string, ...args: string[]): Promise<void>;
}

export interface ReadyTimings {
  /** ms from the start of `start()` until every replica's link to the master was up. */
  replicationMs: number;
  /** ms from the start of `start()` until every replica had acknowledged the master's replication stream. */
  streamingMs: number;
  /** ms from the start of `start()` until ready: every sentinel saw the whole topology and the stream flowed. */
  sentinelsMs: number;
}

/** Parse `INFO` text into a key → value map. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Turn a flat [k1, v1, k2, v2, ...] reply (SENTINEL MASTER / REPLICAS entries) into a map. */
export function pairs(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

/**
 * Poll `probe` every `intervalMs` until it returns a truthy value; throws when `deadline` (epoch ms) passes
 * or `signal` aborts, with what is still missing (from `describe`).
 */
export async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  opts: { deadline: number; intervalMs: number; signal?: AbortSignal; describe?: () => Promise<string> },
): Promise<T> {
  const started = now();
  let lastError: unknown;
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (now() > opts.deadline) {
      const detail = opts.describe ? await opts.describe().catch(String) : lastError instanceof Error ? lastError.message : '';
      throw new Error(`timed out after ${Math.round(now() - started)} ms waiting for ${what}${detail ? `: ${detail}` : ''}`);
    }
    await sleep(opts.intervalMs, opts.signal);
  }
}

/**
 * Does a Redis / Sentinel server answer on host:port? Any RESP reply to PING counts (an auth error too):
 * with Docker's userland proxy a published port accepts connections before anything listens behind it.
 */
export function answers(host: string, port: number, timeoutMs = 250): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.once('close', () => done(false));
    s.once('data', (d: Buffer) => done(d[0] === 0x2b || d[0] === 0x2d));
    s.once('connect', () => s.write('PING\r\n'));
  });
}

const UNHEALTHY = /s_down|o_down|disconnected|failover/;

/** What one sentinel still misses, or '' when it sees the whole topology healthy. */
export async function sentinelMisses(t: ProbedTopology, sentinel: string): Promise<string> {
  const m = t.masterName;
  const [masterReply, replicasReply, sentinelsReply] = await Promise.all([
    t.adminCall(sentinel, 'SENTINEL', 'MASTER', m),
    t.adminCall(sentinel, 'SENTINEL', 'REPLICAS', m),
    t.adminCall(sentinel, 'SENTINEL', 'SENTINELS', m),
  ]);
  const master = pairs(masterReply);
  const expectedMaster = t.redisNames()[0];
  const missing: string[] = [];
  if (t.nameOf(master['ip'] ?? '', master['port'] ?? '') !== expectedMaster) missing.push(`master is ${master['ip']}:${master['port']}`);
  if (UNHEALTHY.test(master['flags'] ?? '')) missing.push(`master flags ${master['flags']}`);
  const replicas = (replicasReply as unknown[]).map(pairs);
  const okReplicas = replicas.filter((r) => !UNHEALTHY.test(r['flags'] ?? '') && r['master-link-status'] === 'ok');
  if (okReplicas.length < t.options.replicas) missing.push(`${okReplicas.length}/${t.options.replicas} replicas`);
  const sentinels = (sentinelsReply as unknown[]).map(pairs);
  const okSentinels = sentinels.filter((s) => !UNHEALTHY.test(s['flags'] ?? '') && Number(s['last-ok-ping-reply'] ?? 1e9) < 5000);
  if (okSentinels.length < t.options.sentinels - 1) missing.push(`${okSentinels.length}/${t.options.sentinels - 1} other sentinels`);
  return missing.length ? `${sentinel}: ${missing.join(', ')}` : '';
}

export async function replicaLinkUp(t: ProbedTopology, name: string): Promise<boolean> {
  const info = parseInfo(await t.adminCall<string>(name, 'INFO', 'replication'));
  return info['role'] === 'slave' && info['master_link_status'] === 'up';
}

/** Resolves with the time every replica's link to the master was up. */
export async function replicationUp(t: ProbedTopology, deadline: number, signal?: AbortSignal): Promise<number> {
  const replicas = t.redisNames().slice(1);
  return poll(
    'replication (master_link_status:up on every replica)',
    async () => (await Promise.all(replicas.map((r) => replicaLinkUp(t, r)))).every(Boolean) && now(),
    {
      deadline,
      intervalMs: 10,
      ...(signal ? { signal } : {}),
      describe: async () => {
        const states = await Promise.all(replicas.map(async (r) => `${r}=${(await replicaLinkUp(t, r).catch(() => false)) ? 'up' : 'down'}`));
        return states.join(' ');
      },
    },
  );
}

/** Resolves with the time every sentinel saw the master, every replica and every other sentinel healthy. */
export async function sentinelsReady(t: ProbedTopology, deadline: number, signal?: AbortSignal): Promise<number> {
  return poll(
    'sentinels to see the master, every replica and every other sentinel',
    async () => (await Promise.all(t.sentinelNames().map((s) => sentinelMisses(t, s)))).every((m) => m === '') && now(),
    {
      deadline,
      intervalMs: 20,
      ...(signal ? { signal } : {}),
      describe: async () =>
        (await Promise.all(t.sentinelNames().map((s) => sentinelMisses(t, s).catch((e: unknown) => `${s}: ${String(e)}`))))
          .filter(Boolean)
          .join('; '),
    },
  );
}

/** The channel the streaming probe publishes on: PUBLISH is propagated to replicas and touches no key. */
export const STREAM_PROBE_CHANNEL = '__sentinel-chaos__:stream-probe';

/**
 * Resolves with the time every replica acknowledged the master's replication stream. A link that is up does
 * not mean the replica receives the stream: after a diskless full sync the master starts sending it only on
 * the replica's first REPLCONF ACK, and an ACK that arrives before the master has reaped its RDB child does
 * not count, so the stream can wait for the replica's next once-a-second ACK. Writes acknowledged meanwhile
 * reach no replica, and a fault injected then loses them whatever Sentinel does (seen in soak runs: a replica
 * at offset 0 for 1-7 s after the workload began, in about one scenario run of six). So publish on a harness
 * channel, which moves the replication offset, and WAIT until every replica has acknowledged it.
 */
export async function replicationStreaming(t: ProbedTopology, deadline: number, signal?: AbortSignal): Promise<number> {
  const [master, ...replicas] = t.redisNames();
  if (!master || replicas.length === 0) return now();
  // A server that refuses PUBLISH (renamed away, or an ACL without it) cannot be probed this way; Sentinel's
  // hello messages travel by PUBLISH too, so such a topology is broken on purpose (a mutant): take the link as
  // it is rather than time out.
  const refused = await t.adminCall(master, 'PUBLISH', STREAM_PROBE_CHANNEL, 'ready').then(
    () => false,
    (err: unknown) => err instanceof ReplyError,
  );
  if (refused) return now();
  // After a diskless sync the master starts the stream on the replica's first ACK that comes once it has reaped
  // the RDB child; the ACK a replica sends as soon as it loaded often comes before that, and the next comes with
  // its once-a-second cron. REPLCONF GETACK asks a replica for an ACK now (any client may send it; it gets no
  // reply): the stream starts ~100 ms after the child exits instead of up to a second later. It changes nothing
  // else: an ACK is what the replica sends every second anyway.
  const nudge = (): Promise<unknown> => Promise.allSettled(replicas.map((r) => t.adminSend(r, 'REPLCONF', 'GETACK', '*')));
  return poll(
    'every replica to acknowledge the replication stream (PUBLISH, then WAIT)',
    async () => {
      await t.adminCall(master, 'PUBLISH', STREAM_PROBE_CHANNEL, 'ready');
      if (Number(await t.adminCall(master, 'WAIT', replicas.length, 100)) >= replicas.length) return now();
      await nudge();
      return false;
    },
    {
      deadline,
      intervalMs: 10,
      ...(signal ? { signal } : {}),
      describe: async () => {
        const info = parseInfo(await t.adminCall<string>(master, 'INFO', 'replication'));
        const offsets = Object.entries(info).filter(([k]) => /^slave\d+$/.test(k)).map(([, v]) => v);
        return `master_repl_offset ${info['master_repl_offset']}; ${offsets.join('; ') || 'no replica attached'}`;
      },
    },
  );
}
