/**
 * The server version of an image, and what that version can do. The harness generates every config line and
 * sends every admin command itself, and Sentinel's configuration grew a lot between 5.0 and 7.0: a 5.0 sentinel
 * refuses to start on `sentinel resolve-hostnames`, a 6.0 one on `sentinel sentinel-pass`. So the topology asks
 * the image first (version.ts) and writes only what the server knows. Pure: unit-tested.
 *
 * Where each feature appeared (src/sentinel.c, src/acl.c and src/config.c at the tags 5.0.6, 6.0.16, 6.2.x, 7.0.0):
 * - ACL users, `masteruser`, `sentinel auth-user`: 6.0 (5.0 has only requirepass).
 * - ACL pub/sub permissions (`&*`, `allchannels`): 6.2 (6.0 allows every channel and knows neither word).
 * - `sentinel resolve-hostnames` / `announce-hostnames`, `sentinel sentinel-user` / `sentinel-pass`,
 *   `SENTINEL CONFIG SET`, `SENTINEL MYID`, `replica-announced`: 6.2. Before, sentinels authenticate to each other with their own
 *   requirepass, and an announced address is used as an IP.
 * - `SENTINEL DEBUG` (Sentinel's internal periods), `sentinel master-reboot-down-after-period`, and
 *   `enable-debug-command` (before 7.0 DEBUG is always allowed, so the line is left out there), and a master that
 *   waits for its replicas before exiting on SIGTERM (`shutdown-timeout`, src/server.c): 7.0.
 * - HELLO AUTH for an ACL user: 6.2. 6.0 checks HELLO against the connection's current user (default, off with ACL
 *   users) and answers NOPERM, and ioredis 6 opens every connection with HELLO 3 AUTH: clients speak RESP2 there.
 * `replicaof` / `replica-announce-ip` / `replica-priority` / `SENTINEL REPLICAS` are all there from 5.0 on.
 * Valkey forked from Redis 7.2.4 and keeps all of these: it is treated as Redis 7.2 here.
 */

export interface ServerVersion {
  product: 'redis' | 'valkey';
  /** "6.0.16" */
  version: string;
  major: number;
  minor: number;
  patch: number;
}

/** Named server features a topology or a scenario may need (see the table in the header comment). */
export const FEATURES = {
  acl: { since: '6.0', what: 'ACL users' },
  'acl-pubsub': { since: '6.2', what: 'ACL pub/sub permissions (&*, allchannels)' },
  'sentinel-hostnames': { since: '6.2', what: 'sentinel resolve-hostnames / announce-hostnames' },
  'sentinel-user': { since: '6.2', what: 'sentinel sentinel-user / sentinel-pass' },
  'sentinel-config-set': { since: '6.2', what: 'SENTINEL CONFIG SET' },
  'replica-announced': { since: '6.2', what: 'replica-announced' },
  'sentinel-myid': { since: '6.2', what: 'SENTINEL MYID' },
  'hello-acl': { since: '6.2', what: 'HELLO AUTH as an ACL user while the default user is off' },
  'sentinel-debug': { since: '7.0', what: 'SENTINEL DEBUG (Sentinel internal periods)' },
  'master-reboot-down-after-period': { since: '7.0', what: 'sentinel master-reboot-down-after-period' },
  'enable-debug-command': { since: '7.0', what: 'enable-debug-command (DEBUG is always allowed before 7.0)' },
  'shutdown-waits-for-replicas': { since: '7.0', what: 'a master that waits for its replicas on SIGTERM (shutdown-timeout)' },
} as const;

export type Feature = keyof typeof FEATURES;

/** Parse `redis-server --version` ("Redis server v=6.0.16 sha=...") or INFO server (redis_version / valkey_version). */
export function parseServerVersion(text: string): ServerVersion | undefined {
  const m =
    /(Redis|Valkey) server v=(\d+)\.(\d+)\.(\d+)/i.exec(text) ??
    /(valkey)_version:(\d+)\.(\d+)\.(\d+)/.exec(text) ??
    /(redis)_version:(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!m) return undefined;
  const [, product = '', major = '0', minor = '0', patch = '0'] = m;
  return {
    product: product.toLowerCase() === 'valkey' ? 'valkey' : 'redis',
    version: `${major}.${minor}.${patch}`,
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
  };
}

/** "redis 6.0.16" / "valkey 9.1.2": how results and reports name a server. */
export function describeVersion(v: ServerVersion): string {
  return `${v.product} ${v.version}`;
}

/** The Redis version whose features a server has: Valkey (a fork of Redis 7.2.4) counts as Redis 7.2. */
function redisLevel(v: ServerVersion): [number, number] {
  return v.product === 'valkey' ? [7, 2] : [v.major, v.minor];
}

/**
 * Config directives that exist only from some version on, by their first word (redis.conf) or by the word after
 * `sentinel` (sentinel.conf): a server that does not know one refuses to start, so the topology refuses the line first.
 */
export const REDIS_DIRECTIVES: Readonly<Record<string, Feature>> = {
  user: 'acl',
  masteruser: 'acl',
  'replica-announced': 'replica-announced',
  'enable-debug-command': 'enable-debug-command',
};
export const SENTINEL_DIRECTIVES: Readonly<Record<string, Feature>> = {
  'resolve-hostnames': 'sentinel-hostnames',
  'announce-hostnames': 'sentinel-hostnames',
  'sentinel-user': 'sentinel-user',
  'sentinel-pass': 'sentinel-user',
  'auth-user': 'acl',
  'master-reboot-down-after-period': 'master-reboot-down-after-period',
};

/** The feature a config line needs, if it is one of the directives above. */
export function lineNeeds(kind: 'redis' | 'sentinel', line: string): Feature | undefined {
  const [first = '', second = ''] = line.trim().toLowerCase().split(/\s+/);
  return kind === 'redis' ? REDIS_DIRECTIVES[first] : first === 'sentinel' ? SENTINEL_DIRECTIVES[second] : undefined;
}

/** Does a server have a feature? */
export function has(v: ServerVersion, feature: Feature): boolean {
  const [major, minor] = redisLevel(v);
  const [sMajor = 0, sMinor = 0] = FEATURES[feature].since.split('.').map(Number);
  return major > sMajor || (major === sMajor && minor >= sMinor);
}

/** Why a server lacks a feature, in one line ("SENTINEL DEBUG (...) needs Redis >= 7.0; this is redis 6.0.16"). */
export function missingReason(v: ServerVersion, feature: Feature): string {
  return `${FEATURES[feature].what} needs Redis >= ${FEATURES[feature].since}; this is ${describeVersion(v)}`;
}
