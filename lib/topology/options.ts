import { ConfigError, requireInt, resolveImages, type Images } from '../config.ts';
import type { ProfileName } from '../profiles.ts';
import { checkUserTimings, type UserConfig } from './user-config.ts';

export interface AuthOptions {
  /**
   * Password for every account below. With `acl: false` it is `requirepass` on every node and sentinel
   * (one shared password); with `acl: true` the redis nodes get separate ACL users.
   */
  password: string;
  /**
   * Use ACL users instead of one requirepass: `app` for clients, `replica` for replication
   * (masteruser), `sentinel` for sentinels (sentinel auth-user); the default user is off.
   * @default false
   */
  acl?: boolean;
}

export interface TopologyOptions {
  /** @default "mymaster" */
  masterName: string;
  /** Number of replicas. @default 2 */
  replicas: number;
  /** Number of sentinels. @default 3 */
  sentinels: number;
  /** Sentinel quorum. @default 2 */
  quorum: number;
  /**
   * Sentinel down-after-milliseconds. @default 1500 (at 1000, equal to Sentinel's ping period, a spurious second
   * failover right after a switch was seen in 2 of ~16 failovers on the 2-core machines)
   */
  downAfterMs: number;
  /** Sentinel failover-timeout (ms). @default 6000 */
  failoverTimeoutMs: number;
  /** Sentinel parallel-syncs. @default 1 */
  parallelSyncs: number;
  /**
   * Extra redis.conf lines for every redis node. A run's lines (e.g. a profile's persistence) and a scenario's
   * are concatenated, the scenario's last (so they win). @default []
   */
  redisConfig: string[];
  /** Extra sentinel.conf lines for every sentinel. @default [] */
  sentinelConfig: string[];
  /** replica-priority per replica (index 0 = redis-1). @default all 100 */
  replicaPriority: number[];
  /** Authentication; absent means none. Secrets are never logged or reported. */
  auth?: AuthOptions;
  /** Number of host-side client groups; each gets its own cuttable link to every node. @default 2 */
  clientGroups: number;
  /**
   * `SENTINEL DEBUG` settings sent to each sentinel after start (Redis >= 7.0), e.g. { 'publish-period': 500 }.
   * They shorten Sentinel's internal periods and so change what is measured: reports list them.
   * @default {}
   */
  sentinelDebug: Record<string, number>;
  /**
   * Pre-seed sentinel identities (`sentinel myid`, `known-sentinel`, `known-replica`) so sentinels know
   * each other from the start instead of waiting for the 2 s hello period.
   * @default true
   */
  preseed: boolean;
  /**
   * While the topology starts, sentinels retry a failed link every this many ms (`SENTINEL DEBUG ping-period`)
   * instead of once per ping-period (1 s): a sentinel that starts before its peers otherwise waits a whole
   * second to reach them. Restored (to the server's own value, or `sentinelDebug`'s) before `start()`
   * returns, so what is measured afterwards runs with the configured periods. 0 = leave the period alone.
   * Servers without `SENTINEL DEBUG` (Redis < 7.0) are left alone too.
   * @default 100
   */
  bootPingPeriodMs: number;
  /** The configuration profile the run's settings came from (lib/profiles.ts), listed in the report's notes. */
  profile?: ProfileName;
  /** Images; see lib/config.ts for the defaults and environment variables. */
  images: Images;
  /** Bound on the whole start (containers + readiness). @default 30000 */
  startupTimeoutMs: number;
  /** Labels added to every container and network (the harness adds its own run labels). @default {} */
  labels: Record<string, string>;
  /**
   * The user's redis.conf / sentinel.conf (--redis-conf, --sentinel-conf), merged into the generated configs
   * after the harness's and the scenario's lines (see user-config.ts; apply with withUserConfig()). @default none
   */
  userConfig?: UserConfig;
}

export function defaultTopologyOptions(): TopologyOptions {
  return {
    masterName: 'mymaster',
    replicas: 2,
    sentinels: 3,
    quorum: 2,
    downAfterMs: 1500,
    failoverTimeoutMs: 6000,
    parallelSyncs: 1,
    redisConfig: [],
    sentinelConfig: [],
    replicaPriority: [],
    clientGroups: 2,
    sentinelDebug: {},
    preseed: true,
    bootPingPeriodMs: 100,
    images: resolveImages(),
    startupTimeoutMs: 30_000,
    labels: {},
  };
}

/** Validate up front; throws a ConfigError whose message names the fix. */
export function validateTopologyOptions(o: TopologyOptions): void {
  requireInt('replicas', o.replicas, 1, 8);
  requireInt('sentinels', o.sentinels, 1, 9);
  requireInt('quorum', o.quorum, 1);
  if (o.quorum > o.sentinels) {
    throw new ConfigError(`invalid option quorum=${o.quorum}: must not exceed sentinels=${o.sentinels}`);
  }
  requireInt('downAfterMs', o.downAfterMs, 100);
  requireInt('failoverTimeoutMs', o.failoverTimeoutMs, 100);
  requireInt('parallelSyncs', o.parallelSyncs, 1);
  requireInt('clientGroups', o.clientGroups, 1, 8);
  requireInt('startupTimeoutMs', o.startupTimeoutMs, 1000);
  requireInt('bootPingPeriodMs', o.bootPingPeriodMs, 0, 1000);
  o.replicaPriority.forEach((p, i) => requireInt(`replicaPriority[${i}]`, p, 0));
  if (!/^[A-Za-z0-9_.-]+$/.test(o.masterName)) {
    throw new ConfigError(`invalid option masterName=${JSON.stringify(o.masterName)}: use letters, digits, _ . -`);
  }
  if (o.auth && !/^[^\s"']{8,}$/.test(o.auth.password)) {
    throw new ConfigError('invalid option auth.password: use at least 8 characters without spaces or quotes');
  }
  checkUserTimings(o);
  for (const [k, v] of Object.entries(o.sentinelDebug)) requireInt(`sentinelDebug.${k}`, v, 1);
  for (const [k, v] of Object.entries(o.images)) {
    if (!v || /\s/.test(v)) throw new ConfigError(`invalid image ${k}=${JSON.stringify(v)}: give a name like redis:7.4.2`);
  }
}
