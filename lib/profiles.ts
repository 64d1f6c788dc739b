/**
 * Named configuration profiles (`--profile production`): a set of settings that makes the harness test the
 * timings and persistence a real deployment runs instead of the suite's fast ones. A profile only fills in
 * what nothing else set: an explicit option, environment variable or config-file key wins over it, and a
 * scenario's own settings win over both (as they win over --down-after-ms). Pure data, no imports, so that
 * lib/config.ts can validate names and tests can read the values.
 */

export interface Profile {
  /** One line for --help and the report. */
  summary: string;
  /** Sentinel down-after-milliseconds. */
  downAfterMs: number;
  /** Sentinel failover-timeout (ms). */
  failoverTimeoutMs: number;
  /** Whether to send SENTINEL DEBUG (shortened info/publish periods): false = Sentinel's own periods. */
  sentinelDebug: boolean;
  /** redis.conf lines for every redis node (after the harness's defaults, so they replace them). */
  redisConfig: readonly string[];
}

export const PROFILES = {
  /**
   * What a production Sentinel typically runs. down-after 5000 with failover-timeout 60000 is the pairing of the
   * Redis Sentinel documentation's own example configuration (the "quick tutorial"); sentinel.conf's defaults
   * (30000 / 180000) keep the same order of magnitude between them (failover-timeout several times down-after,
   * long enough for a replica to be promoted and the others reconfigured before a retry). Sentinel's own periods
   * (info 10 s, hello 2 s), and AOF persistence with the default fsync policy (everysec) on every node, as the
   * Redis persistence docs recommend for a durable setup.
   */
  production: {
    summary: 'down-after 5000, failover-timeout 60000, Sentinel\'s own periods (no SENTINEL DEBUG), appendonly yes + appendfsync everysec',
    downAfterMs: 5000,
    failoverTimeoutMs: 60_000,
    sentinelDebug: false,
    redisConfig: ['appendonly yes', 'appendfsync everysec'],
  },
} as const satisfies Record<string, Profile>;

export type ProfileName = keyof typeof PROFILES;

export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(PROFILES, name);
}

/** The line a report's topology notes carry for a run under a profile. */
export function profileNote(name: ProfileName): string {
  return `profile ${name}: ${PROFILES[name].summary} (explicit settings and a scenario's own settings win over it)`;
}
