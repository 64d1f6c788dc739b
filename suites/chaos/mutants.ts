/**
 * Mutants: a catalogue scenario run against a deliberately broken or mis-described configuration, which must make
 * it FAIL — the evidence that its assertions can fail. Each patch is applied to the freshly built scenario's own
 * topology options (they win over the run's). A mutant never touches the scenario's schedule, expectations or
 * checks: what it breaks is the system behind the scenario's back. Most patches are lines appended after the
 * harness's own configuration ("hidden"), so the servers run with them while the result still records the
 * configured values the scenario's bounds are computed from.
 *
 * Every scenario of the default catalogue has at least one mutant (the mutant spec's first test asserts it); each
 * must be killed in a single run (`npm run mutants`, suites/chaos/mutants.spec.ts).
 */
import type { Scenario } from '../../lib/scenario/scenario.ts';
import { defaultTopologyOptions, type TopologyOptions } from '../../lib/topology/options.ts';
import { freshScenario } from './catalogue.ts';

export interface Mutant {
  id: string;
  scenario: string;
  /** What is broken, and which expectation must catch it. */
  why: string;
  /**
   * The topology options to apply on top of the scenario's own. `base` is the configuration the run would use
   * without the mutant (defaults < run settings < scenario), so hidden values scale with the configured ones.
   */
  patch: (s: Scenario, base: TopologyOptions) => Partial<TopologyOptions>;
}

/** A sentinel.conf line appended after the harness's own, so it wins while the result still records the configured value. */
function sentinelLine(s: Scenario, line: string): Partial<TopologyOptions> {
  return { sentinelConfig: [...(s.topology?.sentinelConfig ?? []), line] };
}

/** redis.conf lines appended after the harness's own (later lines win). */
function redisLines(s: Scenario, ...lines: string[]): Partial<TopologyOptions> {
  return { redisConfig: [...(s.topology?.redisConfig ?? []), ...lines] };
}

/** A hidden down-after of `factor` x the configured one (the recorded value stays the configured one). */
const downAfter = (s: Scenario, b: TopologyOptions, factor: number): Partial<TopologyOptions> =>
  sentinelLine(s, `sentinel down-after-milliseconds ${b.masterName} ${Math.round(b.downAfterMs * factor)}`);

/** A hidden down-after of exactly `ms`. */
const downAfterMs = (s: Scenario, b: TopologyOptions, ms: number): Partial<TopologyOptions> =>
  sentinelLine(s, `sentinel down-after-milliseconds ${b.masterName} ${ms}`);

/** A hidden failover-timeout of `factor` x the configured one. */
const failoverTimeout = (s: Scenario, b: TopologyOptions, factor: number): Partial<TopologyOptions> =>
  sentinelLine(s, `sentinel failover-timeout ${b.masterName} ${Math.round(b.failoverTimeoutMs * factor)}`);

export const mutants: readonly Mutant[] = [
  {
    id: 'kill-master/down-after-x2',
    scenario: 'kill-master',
    why: 'the sentinels really use twice the recorded down-after: the +sdown bound (down-after + 2 ticks + slack) fails',
    patch: (s, b) => downAfter(s, b, 2),
  },
  {
    id: 'kill-replica/min-replicas-2',
    scenario: 'kill-replica',
    why: 'min-replicas-to-write 2: the master refuses writes (NOREPLICAS) while redis-2 is down, writes stall for longer than a command timeout',
    patch: (s) => redisLines(s, 'min-replicas-to-write 2', 'min-replicas-max-lag 10'),
  },
  {
    id: 'shutdown-master/no-shutdown-wait',
    scenario: 'shutdown-master',
    why: 'shutdown-timeout 0: the master exits on SIGTERM without waiting for its replicas; its log has no "Waiting for replicas" line',
    patch: (s) => redisLines(s, 'shutdown-timeout 0'),
  },
  {
    id: 'pause-master-long/down-after-x3',
    scenario: 'pause-master-long',
    // x2 was caught only when the docker pause call was fast: silent detection carries a ping period (1 s) of phase
    // uncertainty plus the pause call's time. Three times down-after is beyond that on any run.
    why: 'the sentinels really use three times the recorded down-after: the +sdown bound (down-after + ping period + ticks + slack) fails',
    patch: (s, b) => downAfter(s, b, 3),
  },
  {
    id: 'pause-master-short/down-after-100',
    scenario: 'pause-master-short',
    why: 'the sentinels really use a 100 ms down-after (ping period 100 ms): a PING pending through the 400 ms freeze makes the master +sdown',
    patch: (s, b) => downAfterMs(s, b, 100),
  },
  {
    id: 'isolate-master/down-after-x2',
    scenario: 'isolate-master',
    why: 'the sentinels really use twice the recorded down-after: the +sdown bound of the cut (closed links) fails',
    patch: (s, b) => downAfter(s, b, 2),
  },
  {
    id: 'split-brain/min-replicas',
    scenario: 'split-brain',
    why: 'min-replicas-to-write 1 added: the cut-off master refuses the pinned writer at once, nothing is lost',
    patch: (s) => redisLines(s, 'min-replicas-to-write 1', 'min-replicas-max-lag 1'),
  },
  {
    id: 'split-brain-min-replicas/no-min-replicas',
    scenario: 'split-brain-min-replicas',
    why: 'min-replicas-to-write removed: the deposed master acknowledges the pinned writer for the whole partition',
    patch: () => ({ redisConfig: [] }),
  },
  {
    id: 'latency-below/down-after-200',
    scenario: 'latency-below',
    why: 'the sentinels really use a 200 ms down-after, below the 200-300 ms round trip: the slow master is declared +sdown',
    patch: (s, b) => downAfterMs(s, b, 200),
  },
  {
    id: 'latency-above/min-replicas',
    scenario: 'latency-above',
    // Not a hidden 6 s down-after (no failover at all): that kills too, but only after the scenario's 15 s wait for a
    // switch. This one is quick and hits the scenario's point, the loss after the latency is gone.
    why: 'min-replicas-to-write 1 (max-lag 1 s): the slow master refuses writes once its replicas\' acks lag and after it lost them, so nothing is lost after its return (below the rate x window range) and split-brain is not invalid as declared',
    patch: (s) => redisLines(s, 'min-replicas-to-write 1', 'min-replicas-max-lag 1'),
  },
  {
    id: 'sentinel-two-down/failover-timeout-x3',
    scenario: 'sentinel-two-down',
    why: 'the sentinels really use three times the recorded failover-timeout: the lone sentinel aborts its election later than the bound (or never tries)',
    patch: (s, b) => failoverTimeout(s, b, 3),
  },
  {
    id: 'quorum-unreachable/quorum-2',
    scenario: 'quorum-unreachable',
    // Sentinel has no config line that overrides the quorum of a `sentinel monitor` line, so this one is recorded:
    // the scenario's expectations observe events only and never read the recorded quorum.
    why: 'quorum 2 instead of 3: the two live sentinels agree, +odown and a failover follow',
    patch: () => ({ quorum: 2 }),
  },
  {
    id: 'sentinel-rejoin/down-after-x2',
    scenario: 'sentinel-rejoin',
    why: 'the sentinels really use twice the recorded down-after: the +sdown bound of the kill fails',
    patch: (s, b) => downAfter(s, b, 2),
  },
  {
    id: 'replica-priority-zero/priority-ignored',
    scenario: 'replica-priority-zero',
    why: 'redis-1 loses its priority 0 (both replicas 100), as if Sentinel ignored it: redis-1 is promoted at once',
    patch: () => ({ replicaPriority: [100, 100] }),
  },
  {
    id: 'manual-failover/min-replicas-2',
    scenario: 'manual-failover',
    why: 'min-replicas-to-write 2: the old master refuses writes as soon as the promoted replica leaves it, so the writes after the promotion are not lost (below the rate x window range)',
    patch: (s) => redisLines(s, 'min-replicas-to-write 2', 'min-replicas-max-lag 10'),
  },
  {
    id: 'cascading-failover/down-after-x2',
    scenario: 'cascading-failover',
    why: 'the sentinels really use twice the recorded down-after: the +sdown bound of the first kill and the second switch budget fail',
    patch: (s, b) => downAfter(s, b, 2),
  },
  {
    id: 'replica-partitioned/failover-timeout-x3',
    scenario: 'replica-partitioned',
    why: 'the sentinels really use three times the recorded failover-timeout: +fix-slave-config of the healed replica comes later than the bound',
    patch: (s, b) => failoverTimeout(s, b, 3),
  },
  {
    id: 'fast-reboot/appendonly',
    scenario: 'fast-reboot',
    why: 'appendonly yes: the rebooted master reloads its AOF, so the writes acknowledged before the kill are NOT lost',
    patch: (s) => redisLines(s, 'appendonly yes'),
  },
  {
    id: 'auth-acl/no-acl-users',
    scenario: 'auth-acl',
    // A hidden `user default on nopass` line after the harness's `user default off` kept the servers from starting (the
    // topology start timed out twice: an error, not a kill). Instead the ACL users are never created: one requirepass
    // for everyone, so the default user is on with the password. Recorded in the topology notes; no expectation reads them.
    why: 'ACL users not set up (one shared requirepass): the default user logs in with the password and the app user does not exist',
    patch: (s) => ({ auth: { password: s.topology?.auth?.password ?? '', acl: false } }),
  },
  // Scenarios ported from Redis's own Sentinel tests (tag sentinel-suite).
  {
    id: 'ckquorum/down-after-x2',
    scenario: 'ckquorum',
    why: 'the sentinels really use twice the recorded down-after: CKQUORUM still answers OK later than down-after + 3 ticks after the kill',
    patch: (s, b) => downAfter(s, b, 2),
  },
  {
    id: 'absolute-quorum/quorum-2',
    scenario: 'absolute-quorum',
    // Recorded, like quorum-unreachable's: Sentinel has no config line that overrides a `sentinel monitor` quorum.
    why: 'quorum 2 instead of 3: +odown with two opinions ("#quorum 2/2"), possibly before the third sentinel\'s +sdown',
    patch: () => ({ quorum: 2 }),
  },
  {
    id: 'runtime-reconf/set-refused',
    scenario: 'runtime-reconf',
    why: 'SENTINEL SET refused by the sentinels\' ACL (-NOPERM): down-after is never raised, so the long pause makes the master +sdown',
    patch: (s) => sentinelLine(s, 'user default on nopass ~* &* +@all -sentinel|set'),
  },
  {
    id: 'failover-refusals/failover-refused',
    scenario: 'failover-refusals',
    // min-replicas-to-write 2 (as for manual-failover) survived one of two runs: two writes still reached redis-0
    // between the election and the promoted replica leaving it, and this scenario bounds no loss count.
    why: 'SENTINEL FAILOVER refused by the sentinels\' ACL (-NOPERM): neither NOGOODSLAVE nor INPROG nor a failover',
    patch: (s) => sentinelLine(s, 'user default on nopass ~* &* +@all -sentinel|failover'),
  },
  {
    id: 'sentinel-cut-from-peers/quorum-1',
    scenario: 'sentinel-cut-from-peers',
    // Recorded (no config line overrides the quorum); the expectations observe events only.
    why: 'quorum 1: the cut-off sentinel-0 reaches +odown alone and tries to fail over',
    patch: () => ({ quorum: 1 }),
  },
  {
    id: 'replication-cut/no-partial-resync',
    scenario: 'replication-cut',
    // A 16 KB repl-backlog-size did not do it (Redis 7 trims the shared replication buffer by whole blocks: 27 KB of
    // backlog were still served). repl-backlog-ttl frees the backlog itself once no replica is connected.
    why: 'the backlog freed 1 s after the replicas left (repl-backlog-ttl 1) and a 5 s diskless-sync delay: after the heal the replicas need a full sync and resync later than two replication-cron periods',
    patch: (s) => redisLines(s, 'repl-backlog-ttl 1', 'repl-diskless-sync-delay 5'),
  },
  {
    id: 'sentinel-master-oneway/down-after-x2',
    scenario: 'sentinel-master-oneway',
    why: 'the sentinels really use twice the recorded down-after: sentinel-0\'s +sdown comes later than down-after + 3 ticks, or not at all within the cut',
    patch: (s, b) => downAfter(s, b, 2),
  },
  {
    id: 'rolling-upgrade/min-replicas-2',
    scenario: 'rolling-upgrade',
    why:
      'min-replicas-to-write 2 (every replica) and a 5 s diskless-sync delay (Redis 7.0\'s default): the master refuses writes (NOREPLICAS) while a replacement needs a full sync — the demoted old master, replaced before its delayed sync ran — so that step stalls writes for longer than a command timeout (step-impact). (Replaced replicas resume by partial resync from the RDB they saved at shutdown and cost nothing.)',
    patch: (s) => redisLines(s, 'min-replicas-to-write 2', 'min-replicas-max-lag 10', 'repl-diskless-sync yes', 'repl-diskless-sync-delay 5'),
  },
  // reboot-loading and its control reboot-loading-no-period (tag extended): each run as the other.
  {
    id: 'reboot-loading/no-reboot-period',
    scenario: 'reboot-loading',
    why: 'master-reboot-down-after-period 0 (the default): a -LOADING reply counts as a reply, so the loading master is never +sdown and not failed over',
    patch: (s, b) => sentinelLine(s, `sentinel master-reboot-down-after-period ${b.masterName} 0`),
  },
  {
    id: 'reboot-loading-no-period/reboot-period-set',
    scenario: 'reboot-loading-no-period',
    why: 'master-reboot-down-after-period 2 x down-after: the loading master is +sdown that long after the +reboot and failed over',
    patch: (s, b) => sentinelLine(s, `sentinel master-reboot-down-after-period ${b.masterName} ${2 * b.downAfterMs}`),
  },
  {
    id: 'sentinel-wiped-rejoin/no-hello',
    scenario: 'sentinel-wiped-rejoin',
    // A per-node hook would break only the rejoin (the wiped sentinel keeping its old run id); the rewritten config
    // takes the run's options, so a hidden sentinel.conf line lands on every sentinel alike. What the scenario claims
    // is that the rejoin happens through hello messages, within three hello periods: take those away. Hellos travel
    // two ways (sentinelSendHello PUBLISHes to masters, replicas AND known sentinels), so PUBLISH is renamed away on
    // the redis nodes and refused by the sentinels' ACL. The pre-seeded topology still starts; only announcements stop.
    why: 'no hello messages (PUBLISH disabled on the redis nodes, refused by the sentinels): the wiped sentinel never learns its peers and they never see its new run id — no +sentinel-invalid-addr',
    patch: (s) => ({ ...redisLines(s, 'rename-command PUBLISH ""'), ...sentinelLine(s, 'user default on nopass ~* &* +@all -publish') }),
  },
];

/**
 * Scenarios of the default catalogue without a mutant yet, with the reason: reported by the mutant run, and the only
 * exception its coverage test allows.
 */
export const UNCOVERED: Readonly<Record<string, string>> = {};

/** The configuration a scenario runs with, without any mutant: defaults < the run's settings < the scenario's own. */
export function baseOptions(s: Scenario, run: Partial<TopologyOptions> = {}): TopologyOptions {
  return { ...defaultTopologyOptions(), ...run, ...s.topology };
}

/** The mutant's scenario, built fresh, with the patch applied to its topology. */
export function mutantScenario(m: Mutant, run: Partial<TopologyOptions> = {}): Scenario {
  const s = freshScenario(m.scenario);
  return { ...s, topology: { ...s.topology, ...m.patch(s, baseOptions(s, run)) } };
}
