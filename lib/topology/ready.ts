/**
 * Readiness: every replica reports master_link_status:up, and every sentinel sees the master, every replica
 * and every other sentinel as healthy (no s_down / o_down / disconnected flags). Not before.
 */
import { now, waitFor } from '../clock.ts';
import type { StartedSentinelTopology } from './topology.ts';

export interface ReadyTimings {
  /** ms from the start of `start()` until every replica's link to the master was up. */
  replicationMs: number;
  /** ms from the start of `start()` until every sentinel saw the whole topology. */
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

const UNHEALTHY = /s_down|o_down|disconnected|failover/;

/** What one sentinel still misses, or '' when it sees the whole topology healthy. */
export async function sentinelMisses(t: StartedSentinelTopology, sentinel: string): Promise<string> {
  const m = t.masterName;
  const master = pairs(await t.adminCall(sentinel, 'SENTINEL', 'MASTER', m));
  const expectedMaster = t.redisNames()[0];
  const missing: string[] = [];
  if (t.nameOf(master['ip'] ?? '', master['port'] ?? '') !== expectedMaster) missing.push(`master is ${master['ip']}:${master['port']}`);
  if (UNHEALTHY.test(master['flags'] ?? '')) missing.push(`master flags ${master['flags']}`);
  const replicas = ((await t.adminCall(sentinel, 'SENTINEL', 'REPLICAS', m)) as unknown[]).map(pairs);
  const okReplicas = replicas.filter((r) => !UNHEALTHY.test(r['flags'] ?? '') && r['master-link-status'] === 'ok');
  if (okReplicas.length < t.options.replicas) missing.push(`${okReplicas.length}/${t.options.replicas} replicas`);
  const sentinels = ((await t.adminCall(sentinel, 'SENTINEL', 'SENTINELS', m)) as unknown[]).map(pairs);
  const okSentinels = sentinels.filter((s) => !UNHEALTHY.test(s['flags'] ?? '') && Number(s['last-ok-ping-reply'] ?? 1e9) < 5000);
  if (okSentinels.length < t.options.sentinels - 1) missing.push(`${okSentinels.length}/${t.options.sentinels - 1} other sentinels`);
  return missing.length ? `${sentinel}: ${missing.join(', ')}` : '';
}

async function replicaLinkUp(t: StartedSentinelTopology, name: string): Promise<boolean> {
  const info = parseInfo(await t.adminCall<string>(name, 'INFO', 'replication'));
  return info['role'] === 'slave' && info['master_link_status'] === 'up';
}

export async function ready(t: StartedSentinelTopology, t0: number, budgetMs: number): Promise<ReadyTimings> {
  const deadline = now() + Math.max(budgetMs, 1000);
  const replicas = t.redisNames().slice(1);
  const replication = waitFor(
    'replication (master_link_status:up on every replica)',
    async () => (await Promise.all(replicas.map((r) => replicaLinkUp(t, r)))).every(Boolean) && now(),
    {
      timeoutMs: deadline - now(),
      intervalMs: 20,
      describe: async () => {
        const states = await Promise.all(replicas.map(async (r) => `${r}=${(await replicaLinkUp(t, r).catch(() => false)) ? 'up' : 'down'}`));
        return states.join(' ');
      },
    },
  );
  const sentinels = waitFor(
    'sentinels to see the master, every replica and every other sentinel',
    async () => (await Promise.all(t.sentinelNames().map((s) => sentinelMisses(t, s)))).every((m) => m === '') && now(),
    {
      timeoutMs: deadline - now(),
      intervalMs: 20,
      describe: async () =>
        (await Promise.all(t.sentinelNames().map((s) => sentinelMisses(t, s).catch((e: unknown) => `${s}: ${String(e)}`))))
          .filter(Boolean)
          .join('; '),
    },
  );
  const [rAt, sAt] = await Promise.all([replication, sentinels]);
  return { replicationMs: rAt - t0, sentinelsMs: Math.max(rAt, sAt) - t0 };
}
