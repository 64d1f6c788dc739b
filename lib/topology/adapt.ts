/**
 * Fit a topology's options to the servers' versions (features.ts): in place, so the started topology's options
 * are the settings in force, with notes for the report saying what differs from a current server. What a version
 * cannot do at all (ACL users on 5.0, a config line it does not know) is a one-line ConfigError before anything
 * starts, instead of a server that refuses its config and a bring-up that times out.
 */
import { ConfigError } from '../config.ts';
import { describeVersion, has, lineNeeds, missingReason } from './features.ts';
import { announcesByName, LOOPBACK_ANNOUNCE, type ServerVersions } from './layout.ts';
import type { TopologyOptions } from './options.ts';
import { userRedisLines, userSentinelLines } from './user-config.ts';

type Versions = Required<ServerVersions>;

export function adaptToVersions(o: TopologyOptions, v: Versions): string[] {
  refuseAcl(o, v);
  const notes = dropDebugCommandLine(o, v);
  refuseUnknownLines(o, v);
  if (!has(v.sentinel, 'sentinel-debug')) {
    // Sentinel keeps its own periods: the bounds (bounds.ts sentinelPeriods) then use the defaults, from the recorded {}.
    o.sentinelDebug = {};
    notes.push(`sentinelPeriods: default (SENTINEL DEBUG unavailable before 7.0; sentinels are ${describeVersion(v.sentinel)})`);
  }
  if (o.auth?.acl && !has(v.redis, 'hello-acl')) {
    notes.push(`clients speak RESP2: ${missingReason(v.redis, 'hello-acl')} (NOPERM), and ioredis opens with HELLO 3`);
  }
  if (!announcesByName(v)) {
    notes.push(`addresses announced as ${LOOPBACK_ANNOUNCE}:<node's port> (Sentinel < 6.2 keeps no hostnames), each still through the connecting node's own proxy`);
  }
  return notes;
}

function refuseAcl(o: TopologyOptions, v: Versions): void {
  if (o.auth?.acl && !has(v.redis, 'acl')) {
    throw new ConfigError(`auth.acl: ${missingReason(v.redis, 'acl')}. Fix: use auth without acl (requirepass) or a Redis >= 6.0 image`);
  }
  if (o.auth?.acl && !has(v.sentinel, 'acl')) {
    throw new ConfigError(`auth.acl: sentinel auth-user ${missingReason(v.sentinel, 'acl')}. Fix: use auth without acl or a Redis >= 6.0 sentinel image`);
  }
}

/** `enable-debug-command yes` before 7.0: what it asks for is the default there, and the directive is unknown. */
function dropDebugCommandLine(o: TopologyOptions, v: Versions): string[] {
  const line = /^enable-debug-command\b/i;
  if (has(v.redis, 'enable-debug-command') || !o.redisConfig.some((l) => /^enable-debug-command\s+(yes|local)\b/i.test(l.trim()))) return [];
  o.redisConfig = o.redisConfig.filter((l) => !line.test(l.trim()));
  return [`enable-debug-command left out: DEBUG is always allowed on ${describeVersion(v.redis)}`];
}

/** A scenario's or the user's config line the server would refuse (features.ts REDIS_DIRECTIVES / SENTINEL_DIRECTIVES). */
function refuseUnknownLines(o: TopologyOptions, v: Versions): void {
  const lines = [
    ...[...o.redisConfig, ...userRedisLines(o, false)].map((line) => ({ line, kind: 'redis' as const, server: v.redis })),
    ...[...o.sentinelConfig, ...userSentinelLines(o, false)].map((line) => ({ line, kind: 'sentinel' as const, server: v.sentinel })),
  ];
  for (const { line, kind, server } of lines) {
    const feature = lineNeeds(kind, line);
    if (feature && !has(server, feature)) {
      throw new ConfigError(`${kind}.conf line "${line.slice(0, 60)}": ${missingReason(server, feature)}. Fix: leave it out for this server, or use a newer image`);
    }
  }
}
