/**
 * The one owner of a scenario's lifecycle (Jepsen's run!): topology up, observers and workload on, the
 * fault schedule, the final heal (always, also on error), convergence, final reads, and teardown in
 * `finally`; then the judge (judge.ts) computes checks, expectations and verdict from what was recorded.
 * A scenario that throws still yields a result with whatever was recorded.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debuglog } from 'node:util';
import { now, rng, sleep } from '../clock.ts';
import { resetAllLinks } from '../faults/links.ts';
import { ensureRunning } from '../faults/container-fault.ts';
import type { FaultRecord, FinalState, History, ScenarioResult } from '../model.ts';
import { ClockWatch } from '../observe/clock-watch.ts';
import { collectLogs } from '../observe/server-logs.ts';
import { RolePoller } from '../observe/role-poller.ts';
import { SentinelEventRecorder } from '../observe/sentinel-events.ts';
import { profileNote } from '../profiles.ts';
import type { TopologyOptions } from '../topology/options.ts';
import { userConfigNotes, userConfigReport, withUserConfig } from '../topology/user-config.ts';
import { SentinelTopology, type Progress, type StartedSentinelTopology } from '../topology/topology.ts';
import { describeVersion, has, missingReason, type ServerVersion } from '../topology/features.ts';
import type { SidecarPool } from '../topology/sidecar-pool.ts';
import { probeServers } from '../topology/version.ts';
import { clientFactory } from '../workload/choose.ts';
import { Workload } from '../workload/workload.ts';
import { converge } from './converge.ts';
import { DEFAULT_WORKLOAD } from './default-checks.ts';
import { judge, recordObservations } from './judge.ts';
import { planSchedule } from './plan.ts';
import { healRecorded, injectRecorded, timeHeal } from './record-fault.ts';
import { validateScenario } from './validate.ts';
import type { RunContext, Scenario, Step } from './scenario.ts';

/** NODE_DEBUG=sentinel-chaos-runner: when each phase of a scenario ends, in ms from its start. */
const debug = debuglog('sentinel-chaos-runner');

// Kept importable from here for the scenario files and specs written against runner.ts.
export { DEFAULT_WORKLOAD, defaultChecks, REATTACH_MAX_LAG_BYTES } from './default-checks.ts';
export type { RunContext } from './scenario.ts';

export interface RunOptions {
  runId: string;
  seed: number;
  /** Topology options applied to every scenario (images, SENTINEL DEBUG, ...); the scenario's own win. */
  topology?: Partial<TopologyOptions>;
  /** Write each result as <resultsDir>/<scenario id>.json as soon as it is known. */
  resultsDir?: string;
  /**
   * Hand the topology's teardown to the caller instead of awaiting it, so the next scenario can start
   * while this one's containers are removed. The caller must await every promise it is given (ChaosRun
   * does, before it writes the report); signals still tear everything down through the registry.
   */
  deferTeardown?: (teardown: Promise<void>) => void;
  /** The workload's client library: "ioredis" (default), "redis-py", "cmd:<adapter>" (lib/workload/choose.ts). */
  client?: string;
  /** Called with the result as soon as it exists (it is filled in while the scenario runs): for partial reports. */
  onStart?: (result: ScenarioResult) => void;
  /**
   * Borrow the toxiproxy sidecars and their network from this pool and give them back at teardown (ChaosRun
   * keeps one per run: lib/topology/sidecar-pool.ts). Without it the topology creates and removes its own.
   */
  sidecarPool?: SidecarPool;
  /** Workload warm-up before the schedule starts. @default 500 */
  warmupMs?: number;
  progress?: Progress;
}

/** Notes for the report when settings change what is measured. */
function topologyNotes(o: TopologyOptions): string[] {
  const notes: string[] = o.profile ? [profileNote(o.profile)] : [];
  const debug = Object.entries(o.sentinelDebug);
  if (debug.length) notes.push(`SENTINEL DEBUG ${debug.map(([k, v]) => `${k} ${v}`).join(' ')} (shortens Sentinel's internal periods)`);
  if (o.preseed) notes.push('sentinel identities pre-seeded (myid, known-sentinel, known-replica)');
  if (o.auth) notes.push(o.auth.acl ? 'ACL users (app, replica, sentinel)' : 'requirepass on every node and sentinel');
  return [...notes, ...userConfigNotes(o)];
}

function emptyHistory(t0: number, masterName: string): History {
  return { t0, faults: [], events: [], polls: [], ops: [], logs: [], final: { time: t0, sets: {}, counters: {} }, nodes: [], masterName };
}

export async function runScenario(s: Scenario, o: RunOptions): Promise<ScenarioResult> {
  const progress: Progress = o.progress ?? (() => {});
  const log = (m: string): void => progress(`[${s.id}] ${m}`);
  const t0 = now();
  const phase = (what: string): void => debug('%s +%d %s', s.id, Math.round(now() - t0), what);
  // The run's and the scenario's own labels are kept; the scenario label is added (never replaces them).
  const labels = { ...o.topology?.labels, ...s.topology?.labels, 'sentinel-chaos.scenario': s.id };
  // The user's config files (--redis-conf/--sentinel-conf) win over the scenario's settings (user-config.ts).
  // redis.conf lines add up (a profile's persistence and a scenario's own lines), the scenario's last so they win.
  const redisConfig = [...(o.topology?.redisConfig ?? []), ...(s.topology?.redisConfig ?? [])];
  const builder = new SentinelTopology()
    .with(withUserConfig({ ...o.topology, ...s.topology, labels, redisConfig }))
    .withProgress(log)
    .withSidecarPool(o.sidecarPool);
  const topoOptions = builder.peek();
  const history = emptyHistory(t0, topoOptions.masterName);
  const result: ScenarioResult = {
    schemaVersion: 1,
    runId: o.runId,
    seed: o.seed,
    scenario: { id: s.id, title: s.title, tags: s.tags, description: s.description, expectation: s.expectation },
    topology: {
      redisImage: topoOptions.images.redis,
      sentinelImage: topoOptions.images.sentinel,
      toxiproxyImage: topoOptions.images.toxiproxy,
      downAfterMs: topoOptions.downAfterMs,
      failoverTimeoutMs: topoOptions.failoverTimeoutMs,
      quorum: topoOptions.quorum,
      replicas: topoOptions.replicas,
      sentinels: topoOptions.sentinels,
      notes: topologyNotes(topoOptions),
      sentinelDebug: { ...topoOptions.sentinelDebug },
      ...(topoOptions.userConfig ? { userConfig: userConfigReport(topoOptions) } : {}),
    },
    startedAt: new Date(t0).toISOString(),
    durationMs: 0,
    verdict: 'error',
    checks: {},
    assertions: [],
    history,
  };
  o.onStart?.(result);
  let topology: StartedSentinelTopology | undefined;
  const events = new SentinelEventRecorder();
  const poller = new RolePoller(100);
  const workload = new Workload({ random: rng(o.seed ^ 0x5eed), ...(s.workload ?? DEFAULT_WORKLOAD), client: clientFactory(o.client) });
  const steps: { step: Step; record?: FaultRecord }[] = s.schedule.map((step) => ({ step }));
  let healedAt: number | undefined;
  const clock = new ClockWatch();
  clock.start();
  try {
    validateScenario(s, topoOptions);
    const versions = await probeServers(topoOptions.images);
    result.topology.serverVersion = describeVersion(versions.redis);
    const unmet = unmetRequirements(s, versions);
    if (unmet) return notApplicable(result, unmet, o, log, t0);
    phase('probed');
    topology = await startWithRetry(builder, log, (n) => (result.topology.notes = [...result.topology.notes, n]));
    phase('topology ready');
    const t = topology;
    recordVersionAdaptations(result, t);
    history.nodes = t.specs.map((sp) => ({
      name: sp.name,
      kind: sp.kind,
      image: t.node(sp.name).image,
      announced: `${sp.name}:${sp.announcedPort}`,
      initialRole: sp.kind === 'sentinel' ? 'sentinel' : sp.index === 0 ? 'master' : 'replica',
    }));
    await events.start(t);
    poller.start(t);
    await workload.start(t);
    phase('observers and workload on');
    await sleep(o.warmupMs ?? 500);
    const ctx: RunContext = { scenario: s, topology: t, events, workload, faults: history.faults, random: rng(o.seed), progress: log, scheduleStart: now() };
    log(`workload running; schedule of ${s.schedule.length} fault(s) over ${s.durationMs} ms`);
    await runSchedule(ctx, steps);
    if (s.during) await s.during(ctx);
    const remaining = ctx.scheduleStart + s.durationMs - now();
    if (remaining > 0) await sleep(remaining);
    await workload.stop();
    phase('schedule over');
    healedAt = await finalHeal(t, steps, log);
    const wait = s.convergence?.timeoutMs;
    const conv = await converge(t, { replicas: s.convergence?.replicas ?? true, timeoutMs: (typeof wait === 'function' ? wait(result.topology) : wait) ?? 30_000 });
    log(conv.check.notes?.[0] ?? '');
    phase('converged');
    // Measured now, not reproducible from the history: stored for the judge.
    history.observations = { convergence: conv.check };
    // Let the poller record the converged state itself before the final read (reattach judges its record).
    await poller.roundAfter(now(), t.redisNames());
    history.final = await finalRead(t, conv.state.master, workload, conv.check.valid === true);
    await poller.pollOnce(t);
    phase('final read');
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    log(`error: ${result.error}`);
  } finally {
    clock.stop();
    await workload.stop().catch(() => {});
    await poller.stop().catch(() => {});
    events.stop();
    if (topology) {
      healedAt ??= await finalHeal(topology, steps, log).catch(() => now());
      history.logs = await collectLogs(topology, t0).catch(() => []);
      const teardown = topology.stop().catch((e: unknown) => {
        progress(`[${s.id}] teardown failed: ${String(e)}`);
        result.error ??= `teardown: ${String(e)}`;
      });
      if (o.deferTeardown) o.deferTeardown(teardown);
      else await teardown;
      phase('logs collected');
    }
  }
  history.clockSamples = clock.samples;
  history.ops = workload.ops;
  result.client = workload.client;
  history.events = events.events;
  history.polls = poller.polls;
  const measured = steps[s.failover.fromStep ?? 0]?.record;
  history.measuredFault = measured ? history.faults.indexOf(measured) : null;
  history.healedAt = healedAt ?? t0;
  recordObservations(s, result);
  const judged = judge(s, result);
  judged.durationMs = Math.round(now() - t0);
  phase('judged');
  log(`${judged.verdict} in ${(judged.durationMs / 1000).toFixed(1)} s`);
  if (o.resultsDir) writeResult(o.resultsDir, judged);
  return judged;
}

/**
 * Start the topology; if the start itself times out (not a configuration error), tear down and try once
 * more. Seen rarely on loaded 2-core machines (a replica link that stays down during bring-up); the retry
 * is logged and noted in the result, never hidden.
 */
async function startWithRetry(builder: SentinelTopology, log: Progress, note: (n: string) => void): Promise<StartedSentinelTopology> {
  try {
    return await builder.start();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (!/timed out/i.test(msg)) throw err;
    log(`topology start failed (${msg}); retrying once with a fresh topology`);
    note(`topology start retried once: ${msg}`);
    return await builder.start();
  }
}

async function runSchedule(ctx: RunContext, steps: { step: Step; record?: FaultRecord }[]): Promise<void> {
  const timers: Promise<void>[] = [];
  for (const item of planSchedule(steps.map((x) => x.step), ctx.random)) {
    const wait = ctx.scheduleStart + item.due - now();
    if (wait > 0) await sleep(wait);
    const fault = item.step.fault;
    const record = await injectRecorded(ctx, fault, { step: item.index, detail: { scheduledMs: Math.round(item.due) } });
    const original = steps[item.index];
    if (original) original.record = record;
    const duration = item.step.durationMs;
    if (duration !== undefined) {
      timers.push(
        (async () => {
          await sleep(Math.max(0, record.start + duration - now()));
          await healRecorded(ctx, fault, record);
        })(),
      );
    }
  }
  await Promise.all(timers);
}

/** Undo everything still injected: each fault's heal, every proxy reset, every container running. */
async function finalHeal(t: StartedSentinelTopology, steps: { step: Step; record?: FaultRecord }[], log: Progress): Promise<number> {
  for (const { step, record } of steps) {
    if (!record || record.end !== undefined) continue;
    await timeHeal(record, () => step.fault.heal(t).catch((e: unknown) => log(`heal of ${step.fault.name} failed: ${String(e)}`)));
  }
  await resetAllLinks(t).catch((e: unknown) => log(`proxy reset failed: ${String(e)}`));
  await Promise.all([...t.nodes.keys()].map((n) => ensureRunning(t, n).catch(() => {})));
  return now();
}

/** The final read, on the master the sentinels agree on; `converged` records whether it may be judged (FinalState.converged). */
async function finalRead(t: StartedSentinelTopology, master: string | undefined, w: Workload, converged: boolean): Promise<FinalState> {
  const time = now();
  if (!master) return { time, sets: {}, counters: {}, converged, error: 'no master agreed by the sentinels for the final read' };
  try {
    const c = t.admin(master);
    const [members, counter] = await Promise.all([c.smembers(w.setKey), c.get(w.counterKey)]);
    return { time, node: master, sets: { [w.setKey]: members }, counters: counter === null ? {} : { [w.counterKey]: Number(counter) }, converged };
  } catch (err) {
    return { time, node: master, sets: {}, counters: {}, converged, error: `final read on ${master} failed: ${String(err)}` };
  }
}

/** Why the servers cannot run the scenario (its `requires` they lack), or undefined. */
export function unmetRequirements(s: Pick<Scenario, 'requires'>, v: { redis: ServerVersion; sentinel: ServerVersion }): string | undefined {
  const reasons = (s.requires ?? []).flatMap((f) => {
    // Every feature is checked on both images: a topology uses redis nodes and sentinels together.
    const lacking = [...new Set([v.redis, v.sentinel].filter((x) => !has(x, f)))];
    return lacking.map((x) => missingReason(x, f));
  });
  return reasons.length ? [...new Set(reasons)].join('; ') : undefined;
}

/** A scenario the servers cannot run: recorded (never silently skipped) with the reason; not a failure. */
function notApplicable(result: ScenarioResult, why: string, o: RunOptions, log: Progress, t0: number): ScenarioResult {
  result.verdict = 'not-applicable';
  result.notApplicable = why;
  result.durationMs = Math.round(now() - t0);
  log(`not-applicable: ${why}`);
  if (o.resultsDir) writeResult(o.resultsDir, result);
  return result;
}

/**
 * What the servers' versions changed in the topology (topology.ts adaptToVersions), in the result: the SENTINEL
 * DEBUG periods actually in force (none before 7.0, so the bounds use Sentinel's defaults) and the notes.
 */
function recordVersionAdaptations(result: ScenarioResult, t: StartedSentinelTopology): void {
  const debug = { ...t.options.sentinelDebug };
  result.topology.sentinelDebug = debug;
  const notes = Object.keys(debug).length ? result.topology.notes : result.topology.notes.filter((n) => !n.startsWith('SENTINEL DEBUG '));
  const sentinel = t.versions.sentinel ? describeVersion(t.versions.sentinel) : undefined;
  const own = sentinel && sentinel !== t.serverVersion ? [`sentinels run ${sentinel}`] : [];
  result.topology.notes = [...notes, ...own, ...t.versionNotes];
}

function writeResult(dir: string, r: ScenarioResult): void {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${r.scenario.id}.json`), JSON.stringify(r));
  } catch (err) {
    process.stderr.write(`sentinel-chaos: could not write result of ${r.scenario.id} to ${dir}: ${String(err)}\n`);
  }
}
