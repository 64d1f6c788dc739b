/**
 * A rolling upgrade as teams run one, under write load: the replicas first, then a failover onto an upgraded
 * replica, then the old master replaced, then the sentinels one at a time — each server stopped gracefully and
 * started again on the new image with its own (possibly rewritten) config file and data volume
 * (lib/topology/replace.ts). Every step is recorded like a fault, so the report shows what each step cost the
 * clients (lib/checks/step-impact.ts): a single loss figure for the whole upgrade cannot say which step lost it.
 *
 * The target image is `--upgrade-to` (SC_UPGRADE_IMAGE); without one every server is replaced by the same image,
 * which is a rolling restart and exercises the same sequence.
 */
import { expect } from 'chai';
import { failoverTiming, stepImpact, withOpts, type StepBudget } from '../../../lib/checks/index.ts';
import { now, sleep } from '../../../lib/clock.ts';
import { ManualFailover } from '../../../lib/faults/manual-failover.ts';
import { Upgrade } from '../../../lib/faults/upgrade.ts';
import type { FaultRecord, History } from '../../../lib/model.ts';
import {
  convergenceBoundMs,
  demotionLatestMs,
  ELECTED_AFTER_ODOWN_MS,
  liveTimings,
  PROMOTED_AFTER_SELECTED_MS,
  rateWindowRange,
  SCHEDULING_SLACK_MS,
  SENTINEL_TICK_MS,
  sentinelPeriods,
  sentinelWriteRate,
  writerProcesses,
  type Timings,
} from '../../../lib/scenario/bounds.ts';
import { defaultChecks, DEFAULT_WORKLOAD, type RunContext } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { describeVersion, parseServerVersion } from '../../../lib/topology/features.ts';
import { pairs, parseInfo, replicaLinkUp } from '../../../lib/topology/ready.ts';
import type { StartedSentinelTopology } from '../../../lib/topology/topology.ts';
import { healNow, injectNow, nodeOf, Observations, switchedSince, switchWaitMs } from './support.ts';

/** The workload's command timeout: a write that cannot be served fails after it, so no step may stall writes longer. */
const COMMAND_TIMEOUT_MS = 500;

/** "redis 7.0.15" / "valkey 9.1.2" from a node's INFO server (sentinels answer it too). */
async function versionOf(t: StartedSentinelTopology, name: string): Promise<string> {
  const v = parseServerVersion(String(await t.adminCall(name, 'INFO', 'server')));
  return v ? describeVersion(v) : 'unknown';
}

/** Poll `probe` every 50 ms for at most `boundMs`; the time until it held, or null (a throw counts as not yet). */
async function timeUntil(boundMs: number, probe: () => Promise<boolean>): Promise<number | null> {
  const from = now();
  while (now() - from < boundMs) {
    if (await probe().catch(() => false)) return Math.round(now() - from);
    await sleep(50);
  }
  return null;
}

/**
 * Wait (bounded) until `node` is a replica — with its link to the master up if `linkUp` — and return the time it
 * took, or null. The old master is only required to be demoted: an old-version replica of an upgraded master may
 * be unable to sync at all (a newer RDB format it cannot load) until it is replaced itself.
 */
function replicaWithin(t: StartedSentinelTopology, node: string, boundMs: number, linkUp: boolean): Promise<number | null> {
  const demoted = async (): Promise<boolean> => parseInfo(await t.adminCall<string>(node, 'INFO', 'replication'))['role'] === 'slave';
  return timeUntil(boundMs, linkUp ? () => replicaLinkUp(t, node) : demoted);
}

/** A replica's link to its master as it reports it ("up" / "down"), or "unknown". */
async function linkOf(t: StartedSentinelTopology, node: string): Promise<string> {
  return parseInfo(await t.adminCall<string>(node, 'INFO', 'replication'))['master_link_status'] ?? 'unknown';
}

/**
 * Wait (bounded) until every sentinel could promote `node`: Sentinel's replica selection (sentinelSelectSlave)
 * skips a replica whose link is disconnected, that is down, or whose last INFO is older than 3 info periods —
 * all true for a moment after a replica restarts. An operator waits for this before failing over; so does the
 * upgrade. The time it took, or null.
 */
async function promotable(t: StartedSentinelTopology, node: string, infoMs: number, boundMs: number, seen: Observations): Promise<number | null> {
  const last = new Map<string, string>();
  const ready = async (s: string): Promise<boolean> => {
    const list = (await t.adminCall<unknown[]>(s, 'SENTINEL', 'REPLICAS', t.masterName)).map(pairs);
    const r = list.find((x) => t.nameOf(x['ip'] ?? '', x['port'] ?? '') === node);
    last.set(s, r ? `flags ${r['flags']}, link ${r['master-link-status']}, info ${r['info-refresh']} ms ago` : 'not listed');
    return r !== undefined && r['flags'] === 'slave' && r['master-link-status'] === 'ok' && Number(r['info-refresh']) < 3 * infoMs;
  };
  const took = await timeUntil(boundMs, async () => (await Promise.all(t.sentinelNames().map((s) => ready(s).catch(() => false)))).every(Boolean));
  if (took === null) {
    const why = await channelRefusals(t, node).catch((e: unknown) => `(could not ask ${node}: ${String(e)})`);
    seen.note(`${node} not promotable after ${boundMs} ms: ${[...last].map(([s, v]) => `${s}: ${v}`).join('; ')}${why ? `. ${why}` : ''}`);
  }
  return took;
}

/**
 * Why the sentinels' pub/sub link to `node` may keep dropping, or '': a server that refuses commands with NOPERM
 * while its default user has no channel rule. Seen upgrading 6.0 to 7.0: Sentinel's CONFIG REWRITE on the 6.0
 * server (after SLAVEOF) writes `user default on nopass ~* +@all`, 6.0 having no channel permissions; 7.0 reads
 * that line with acl-pubsub-default resetchannels, so every sentinel's SUBSCRIBE __sentinel__:hello is refused,
 * hiredis drops the link, and the replica stays `disconnected`, which sentinelSelectSlave never promotes.
 */
async function channelRefusals(t: StartedSentinelTopology, node: string): Promise<string> {
  const noperm = Number(parseInfo(await t.adminCall<string>(node, 'INFO', 'errorstats'))['errorstat_NOPERM']?.match(/count=(\d+)/)?.[1] ?? 0);
  if (noperm === 0) return '';
  const acl = await t.adminCall<string[]>(node, 'ACL', 'LIST').catch(() => []);
  const user = acl.find((l) => l.startsWith('user default ')) ?? '';
  const channels = /resetchannels/.test(user) && !/(&\*|allchannels)/.test(user);
  return `${node} refused ${noperm} command(s) with NOPERM; its ${channels ? 'default user has no channel permission' : 'default user is'} (${user})${channels ? ': SUBSCRIBE __sentinel__:hello is refused, so no sentinel keeps a pub/sub link to it (add `acl-pubsub-default allchannels` or `&*` for the default user when starting the new version)' : ''}`;
}

/** What a sentinel knows right after it came back: "2 others, 2 replicas, master redis-1". */
async function sentinelView(t: StartedSentinelTopology, s: string): Promise<string> {
  const m = pairs(await t.adminCall(s, 'SENTINEL', 'MASTER', t.masterName));
  return `${m['num-other-sentinels']} others, ${m['num-slaves']} replicas, master ${t.nameOf(m['ip'] ?? '', m['port'] ?? '') ?? m['ip']}`;
}

/** Budgets per step, from the configuration (see the scenario's expectation). */
function budgets(t: Timings): (r: FaultRecord) => StepBudget {
  const p = sentinelPeriods(t);
  // A replaced replica or sentinel is never on the write path: no write may stall longer than one command timeout.
  const quiet: StepBudget = { maxLost: 0, maxUnavailableMs: COMMAND_TIMEOUT_MS + SCHEDULING_SLACK_MS, why: 'the node is not on the write path' };
  // The forced failover: select + promote + announce, then the old master acknowledges writes until Sentinel
  // demotes it (an info period + 4 publish periods); clients reach the new master within one command timeout.
  const failoverMs = ELECTED_AFTER_ODOWN_MS + SENTINEL_TICK_MS + PROMOTED_AFTER_SELECTED_MS + p.publishMs + demotionLatestMs(t) + COMMAND_TIMEOUT_MS + SCHEDULING_SLACK_MS;
  const lost = rateWindowRange(sentinelWriteRate(DEFAULT_WORKLOAD), failoverMs, writerProcesses(DEFAULT_WORKLOAD)).max;
  return (r) =>
    r.kind === 'manual-failover'
      ? { maxLost: lost, maxUnavailableMs: failoverMs, why: `promotion to demotion of the old master, ${failoverMs} ms at the write rate` }
      : quiet;
}

export const rollingUpgrade = (): Scenario => {
  const seen = new Observations();
  const during = async (ctx: RunContext): Promise<void> => {
    const t = ctx.topology;
    const timings = liveTimings(t.options);
    const target = t.options.images.upgrade ?? t.options.images.redis;
    const sentinelTarget = t.options.images.upgrade ?? t.options.images.sentinel;
    const settle = convergenceBoundMs(timings);
    await seen.measure('versions before', async () => seen.set('versionsBefore', (await Promise.all([...t.redisNames(), ...t.sentinelNames()].map((n) => versionOf(t, n)))).join(' | ')));
    seen.set('target', target);
    const replaceRedis = async (node: string): Promise<void> => {
      const step = new Upgrade(node, target);
      await injectNow(ctx, step);
      seen.set(`${node}.downMs`, Number(step.detail['downMs']));
      seen.set(`${node}.attachedMs`, await replicaWithin(t, node, settle, true));
      seen.set(`${node}.promotableMs`, await promotable(t, node, sentinelPeriods(timings).infoMs, settle, seen));
      await healNow(ctx, step);
    };
    // 1-2: the replicas, one at a time, each back and replicating before the next.
    const [master, ...replicas] = t.redisNames();
    for (const r of replicas) await replaceRedis(r);
    // 3: a failover onto an upgraded replica (both are), and the old master demoted by Sentinel.
    const failover = new ManualFailover('sentinel-0');
    const rec = await injectNow(ctx, failover);
    seen.set('switchedAfterMs', ((await switchedSince(ctx, rec.start)) ?? NaN) - rec.start);
    if (master) {
      seen.set('oldMasterDemotedMs', await replicaWithin(t, master, demotionLatestMs(timings) + switchWaitMs(ctx), false));
      // Shown, not judged: "down" here on a cross-version upgrade is the mixed-version window's real cost.
      await seen.measure('old master link before its replacement', async () => seen.set('oldMasterLinkBeforeUpgrade', await linkOf(t, master)));
    }
    // 4: the old master, now a replica of the upgraded one.
    if (master) await replaceRedis(master);
    // 5: the sentinels, one at a time; each must come back with its peers and replicas from its own config.
    for (const s of t.sentinelNames()) {
      const step = new Upgrade(s, sentinelTarget);
      await injectNow(ctx, step);
      await seen.measure(`${s} after its upgrade`, async () => seen.set(`${s}.view`, await sentinelView(t, s)));
      await healNow(ctx, step);
      // Let the restarted sentinel exchange hellos before the next one goes down (quorum stays reachable).
      await sleep(sentinelPeriods(timings).publishMs + SENTINEL_TICK_MS);
    }
    await seen.measure('versions after', async () => seen.set('versionsAfter', (await Promise.all([...t.redisNames(), ...t.sentinelNames()].map((n) => versionOf(t, n)))).join(' | ')));
    await seen.measure('sentinel views at the end', async () => seen.set('viewsAfter', (await Promise.all(t.sentinelNames().map((s) => sentinelView(t, s)))).join(' | ')));
    await sleep(300);
  };
  return {
    id: 'rolling-upgrade',
    title: 'rolling upgrade under write load: replicas, failover onto an upgraded replica, old master, sentinels one at a time',
    tags: ['upgrade', 'extended', 'failover', 'loss'],
    description:
      'Clients write through Sentinel at 200/s. Each replica in turn is stopped (docker stop) and started on the target ' +
      'image (--upgrade-to; default the same image: a rolling restart) with its config file and data volume, and must be ' +
      'replicating again before the next. Then SENTINEL FAILOVER promotes an upgraded replica; once Sentinel has demoted ' +
      'the old master, it is replaced too. Then each sentinel in turn. Loss and unavailability are measured per step. ' +
      'Between its demotion and its replacement the old master is an old-version replica of a new-version master: the ' +
      'report shows whether it could sync (a newer RDB format, e.g. Redis 7.0 under Valkey 9, cannot be loaded). ' +
      'From 6.0 to 7.x the old master fails the scenario for a real reason the report names: the config Sentinel ' +
      'rewrote on it has a default user without channel permissions, which 7.0 reads as resetchannels, so no sentinel ' +
      'can subscribe to it and none would ever promote it.',
    expectation:
      'Replacing a replica or a sentinel costs the clients nothing: no acknowledged write lost, no write stalled longer than ' +
      'one command timeout. The failover is the one step that loses writes: those the old master acknowledged between ' +
      'the promotion and its demotion (at most the write rate times that window). Exactly one failover, onto an upgraded ' +
      'replica. Every sentinel comes back knowing its peers and replicas from its own config file (no re-discovery, no ' +
      'duplicate sentinel), every node ends on the target version, and the topology converges.',
    schedule: [],
    durationMs: 1000,
    failover: { expected: true },
    allowLoss: true,
    expectedOutcomes: {
      'split-brain': { valid: false, why: 'the old master acknowledges Sentinel-routed writes after the forced promotion until demoted, by design' },
    },
    convergence: { timeoutMs: (t) => convergenceBoundMs(t) },
    during,
    checks: (c) => [
      // Failover timing is measured from the forced failover, which the `during` hook injects (no scheduled step).
      ...defaultChecks(c).filter((x) => x.name !== 'failover-timing'),
      withOpts(failoverTiming, (h: History) => ({
        faultStart: h.faults.find((f) => f.kind === 'manual-failover')?.start ?? c.faultStart,
        quorum: c.topology.quorum,
        expectFailover: true,
      })),
      withOpts(stepImpact, { budget: budgets({ ...c.topology, notes: [] }) }),
      seen.check(),
    ],
    expect: (r, e) => {
      const n = r.topology.sentinels;
      const redis = r.history.nodes.filter((x) => x.kind === 'redis').map((x) => x.name);
      e.that('exactly one failover, onto an upgraded replica', () => {
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(redis.slice(1));
      });
      e.that('every replaced redis node replicated again, and every sentinel could promote it, within the convergence bound', () => {
        for (const x of redis) expect(e.figure('observed', `${x}.attachedMs`), x).to.be.a('number');
        for (const x of redis) expect(e.figure('observed', `${x}.promotableMs`), x).to.be.a('number');
      });
      e.that(`every sentinel came back knowing ${n - 1} others and ${redis.length - 1} replicas, and at the end all agree`, () => {
        for (const s of r.history.nodes.filter((x) => x.kind === 'sentinel').map((x) => x.name)) {
          expect(String(e.figure('observed', `${s}.view`)), s).to.match(new RegExp(`^${n - 1} others, ${redis.length - 1} replicas, master `));
        }
        const views = String(e.figure('observed', 'viewsAfter')).split(' | ');
        expect(new Set(views).size, views.join(' | ')).to.equal(1);
        expect(views[0]).to.match(new RegExp(`^${n - 1} others, ${redis.length - 1} replicas, master ${nodeOf(e.figure('failover-timing', 'newMaster'))}$`));
      });
      e.that('every node ends on one version (the target image\'s)', () => {
        const after = String(e.figure('observed', 'versionsAfter')).split(' | ');
        expect(after).to.have.length(redis.length + n);
        expect(new Set(after).size, after.join(' | ')).to.equal(1);
        expect(after[0]).to.not.equal('unknown');
      });
      e.that('loss and unavailability per step within their budgets (replicas, old master, sentinels: none)', () => {
        expect(e.check('step-impact').valid).to.equal(true);
        expect(e.num('step-impact', 'steps')).to.equal(redis.length + n + 1);
      });
      e.that('the old master was demoted, replaced and resynced; topology converged', () => {
        expect(e.figure('observed', 'oldMasterDemotedMs')).to.be.a('number');
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.check('convergence').valid).to.equal(true);
      });
    },
  };
};
