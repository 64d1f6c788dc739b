/**
 * The pure layout of a topology: node names, announced addresses, the directed-link proxies and the
 * config files. No Docker here, so all of it is unit-tested.
 *
 * Network design (see README "Links and proxies"): every node X runs in the network namespace of its own
 * toxiproxy sidecar `px-X`. Inside that namespace every node name resolves to 127.0.0.1, and node Y's
 * announced address `Y:<announcedPort(Y)>` is a proxy `to-Y` in px-X whose upstream is Y's real port in
 * px-Y's namespace. So each directed link X→Y (replication, sentinel→redis, sentinel→sentinel) is its own
 * proxy, and can be cut or degraded alone. Host-side client group k reaches node X through proxy
 * `client-k` in px-X (published on 127.0.0.1); the harness's own observers use X's real port directly so
 * that faults never blind the measurement.
 */
import { createHash } from 'node:crypto';
import { has, type ServerVersion } from './features.ts';
import type { TopologyOptions } from './options.ts';
import { replacedByUser, userRedisLines, userSentinelLines } from './user-config.ts';

export const TOXIPROXY_API_PORT = 8474;
export const REDIS_PORT = 6379;
export const SENTINEL_PORT = 26379;
export const ANNOUNCE_PORT_BASE = 7000;
export const CLIENT_PORT_BASE = 9000;
/**
 * Where every server's files live: a volume shared by the topology's servers (written with one archive
 * upload instead of one per container), each node in its own directory /data/<node>. It outlives a server's
 * restart, so a killed node comes back with the config it rewrote (e.g. the master a failover gave it).
 */
export const DATA_DIR = '/data';

export type NodeKind = 'redis' | 'sentinel';

export interface NodeSpec {
  name: string;
  kind: NodeKind;
  /** Position among all nodes; the announced port is ANNOUNCE_PORT_BASE + index. */
  index: number;
  /** Port the server listens on inside its namespace. */
  realPort: number;
  /** Port other nodes use (a proxy in their own sidecar). */
  announcedPort: number;
  /** Network alias of this node's sidecar. */
  sidecar: string;
  /**
   * Host part of the announced address: the node's name where Sentinel keeps hostnames (>= 6.2), else
   * LOOPBACK_ANNOUNCE (see there). Either way it is reached through the connecting node's own proxy `to-<name>`.
   */
  announceHost: string;
  /** Sentinel run id (40 hex), pre-seeded. */
  runId?: string;
}

export interface ProxySpec {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

/**
 * The announced host where Sentinel cannot keep hostnames (< 6.2: an announced name is resolved once, or refused,
 * and reported as an IP). Inside every sidecar's namespace 127.0.0.1:<announcedPort(Y)> is the proxy `to-Y`, and
 * announced ports are unique, so `127.0.0.1:<port>` names node Y for every node and still goes through the
 * connecting node's own proxy — the same directed links as with hostnames. (A sidecar's network IP would not:
 * connecting to px-Y's IP skips the connecting node's own proxy for that link.)
 */
export const LOOPBACK_ANNOUNCE = '127.0.0.1';

/** The servers' versions the configs are written for; absent = the newest (every feature). */
export interface ServerVersions {
  redis?: ServerVersion;
  sentinel?: ServerVersion;
}

/** Does the (sentinel) server keep hostnames, so nodes can be announced by name? */
export function announcesByName(v: ServerVersions): boolean {
  return !v.sentinel || has(v.sentinel, 'sentinel-hostnames');
}

export function clientPort(group: number): number {
  return CLIENT_PORT_BASE + group;
}

export function sentinelRunId(topologyId: string, name: string): string {
  return createHash('sha1').update(`${topologyId}/${name}`).digest('hex');
}

export function nodeSpecs(o: Pick<TopologyOptions, 'replicas' | 'sentinels'>, topologyId: string, byName = true): NodeSpec[] {
  const specs: NodeSpec[] = [];
  const add = (name: string, kind: NodeKind): void => {
    const index = specs.length;
    specs.push({
      name,
      kind,
      index,
      realPort: kind === 'redis' ? REDIS_PORT : SENTINEL_PORT,
      announcedPort: ANNOUNCE_PORT_BASE + index,
      sidecar: `px-${name}`,
      announceHost: byName ? name : LOOPBACK_ANNOUNCE,
      ...(kind === 'sentinel' ? { runId: sentinelRunId(topologyId, name) } : {}),
    });
  };
  for (let i = 0; i <= o.replicas; i++) add(`redis-${i}`, 'redis');
  for (let i = 0; i < o.sentinels; i++) add(`sentinel-${i}`, 'sentinel');
  return specs;
}

/** The name of the proxy in X's sidecar that carries the directed link X→Y. */
export function linkProxyName(to: string): string {
  return `to-${to}`;
}

export function clientProxyName(group: number): string {
  return `client-${group}`;
}

/** Proxies of node X's sidecar: one per directed link X→Y (Y may be X itself), one per client group. */
export function sidecarProxies(x: NodeSpec, all: NodeSpec[], clientGroups: number): ProxySpec[] {
  const links = all.map((y) => ({
    name: linkProxyName(y.name),
    listen: `127.0.0.1:${y.announcedPort}`,
    upstream: y.name === x.name ? `127.0.0.1:${y.realPort}` : `${y.sidecar}:${y.realPort}`,
    enabled: true,
  }));
  const clients = Array.from({ length: clientGroups }, (_, k) => ({
    name: clientProxyName(k),
    listen: `0.0.0.0:${clientPort(k)}`,
    upstream: `127.0.0.1:${x.realPort}`,
    enabled: true,
  }));
  return [...links, ...clients];
}

/** A node's own directory in the shared data volume (its `dir`). */
export function nodeDir(node: Pick<NodeSpec, 'name'>): string {
  return `${DATA_DIR}/${node.name}`;
}

/** A node's config file: /data/<node>/redis.conf or /data/<node>/sentinel.conf. */
export function confPath(node: Pick<NodeSpec, 'name' | 'kind'>): string {
  return `${nodeDir(node)}/${node.kind === 'redis' ? 'redis.conf' : 'sentinel.conf'}`;
}

/** /etc/hosts entries for a sidecar: every node name is local, reached through the sidecar's own proxies. */
export function sidecarHosts(all: NodeSpec[]): { host: string; ipAddress: string }[] {
  return all.map((n) => ({ host: n.name, ipAddress: '127.0.0.1' }));
}

function authRedisLines(o: TopologyOptions, v: ServerVersion | undefined): string[] {
  if (!o.auth) return [];
  const p = o.auth.password;
  if (!o.auth.acl) return [`requirepass ${p}`, `masterauth ${p}`];
  // 6.0 has ACL users but no pub/sub permissions: every channel is allowed and `&*` / `allchannels` are unknown.
  const pubsub = !v || has(v, 'acl-pubsub');
  return [
    'user default off',
    `user app on >${p} ~* ${pubsub ? '&* ' : ''}+@all`,
    `user replica on >${p} +psync +replconf +ping`,
    `user sentinel on >${p} ${pubsub ? 'allchannels ' : ''}+multi +slaveof +ping +exec +subscribe +config|rewrite +role +publish +info +client|setname +client|kill +script|kill`,
    'masteruser replica',
    `masterauth ${p}`,
  ];
}

function authSentinelLines(o: TopologyOptions, v: ServerVersion | undefined): string[] {
  if (!o.auth) return [];
  const p = o.auth.password;
  const m = o.masterName;
  return [
    ...(o.auth.acl ? [`sentinel auth-user ${m} sentinel`] : []),
    `sentinel auth-pass ${m} ${p}`,
    `requirepass ${p}`,
    // Before 6.2 a sentinel authenticates to its peers with its own requirepass (the same password here).
    ...(!v || has(v, 'sentinel-user') ? [`sentinel sentinel-pass ${p}`] : []),
  ];
}

export function redisConf(node: NodeSpec, all: NodeSpec[], o: TopologyOptions, v: ServerVersions = {}): string {
  const master = all[0];
  if (!master) throw new Error('no redis node');
  const replicaIndex = node.index - 1;
  const lines = [
    `port ${node.realPort}`,
    'bind 0.0.0.0',
    'protected-mode no',
    `dir ${nodeDir(node)}`,
    'save ""',
    'appendonly no',
    'repl-diskless-sync yes',
    'repl-diskless-sync-delay 0',
    `replica-announce-ip ${node.announceHost}`,
    `replica-announce-port ${node.announcedPort}`,
    ...(node.index === 0 ? [] : [`replicaof ${master.announceHost} ${master.announcedPort}`]),
    ...(replicaIndex >= 0 && o.replicaPriority[replicaIndex] !== undefined
      ? [`replica-priority ${o.replicaPriority[replicaIndex]}`]
      : []),
    ...authRedisLines(o, v.redis),
    ...o.redisConfig,
  ].filter((l) => !replacedByUser(l, o));
  // The user's own lines come last, so they win over the harness's and the scenario's (user-config.ts).
  return [...lines, ...userRedisLines(o)].join('\n') + '\n';
}

export function sentinelConf(node: NodeSpec, all: NodeSpec[], o: TopologyOptions, v: ServerVersions = {}): string {
  const [master, ...others] = all.filter((n) => n.kind === 'redis');
  if (!master) throw new Error('no redis node');
  const m = o.masterName;
  const seed = o.preseed
    ? [
        ...others.map((r) => `sentinel known-replica ${m} ${r.announceHost} ${r.announcedPort}`),
        ...all
          .filter((s) => s.kind === 'sentinel' && s.name !== node.name)
          .map((s) => `sentinel known-sentinel ${m} ${s.announceHost} ${s.announcedPort} ${s.runId}`),
      ]
    : [];
  const lines = [
    `port ${node.realPort}`,
    'bind 0.0.0.0',
    'protected-mode no',
    `dir ${nodeDir(node)}`,
    ...(o.preseed && node.runId ? [`sentinel myid ${node.runId}`] : []),
    ...(announcesByName(v) ? ['sentinel resolve-hostnames yes', 'sentinel announce-hostnames yes'] : []),
    `sentinel announce-ip ${node.announceHost}`,
    `sentinel announce-port ${node.announcedPort}`,
    `sentinel monitor ${m} ${master.announceHost} ${master.announcedPort} ${o.quorum}`,
    `sentinel down-after-milliseconds ${m} ${o.downAfterMs}`,
    `sentinel failover-timeout ${m} ${o.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${m} ${o.parallelSyncs}`,
    ...authSentinelLines(o, v.sentinel),
    ...seed,
    ...o.sentinelConfig,
    ...userSentinelLines(o),
  ];
  return lines.join('\n') + '\n';
}

/** The server binary to run for an image: Valkey images name it valkey-server. */
export function serverBinary(image: string): string {
  return /valkey/i.test(image) ? 'valkey-server' : 'redis-server';
}

export function nodeCommand(node: NodeSpec, image: string): string[] {
  const bin = serverBinary(image);
  return node.kind === 'redis' ? [bin, confPath(node)] : [bin, confPath(node), '--sentinel'];
}
