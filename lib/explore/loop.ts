/**
 * The explore loop, run as a scenario's `during` hook on one long-lived topology under a continuous workload:
 * for each step, a quiet gap, inject, hold, heal (the fault's own), wait for convergence and judge the
 * invariants over the window since the last check (invariants.ts). It stops by itself: at the first
 * violation, when the time bound or the steps run out, or when aborted (Ctrl-C). The same loop replays a
 * schedule from a file, so a replay is the exploration's own procedure with the faults fixed.
 */
import { now, sleep } from '../clock.ts';
import { ensureRunning } from '../faults/container-fault.ts';
import { resetAllLinks } from '../faults/links.ts';
import type { FaultRecord, NodeInfo } from '../model.ts';
import type { RunContext } from '../scenario/runner.ts';
import { timeHeal } from '../scenario/record-fault.ts';
import { toFault } from './faults.ts';
import { describeStep, type ExploreStep } from './generator.ts';
import { judgeRound, lostValues, worst, type Observation, type Policy, type Verdict } from './invariants.ts';
import { observe } from './probe.ts';

export interface Round {
  index: number;
  step: ExploreStep;
  /** The fault as injected (roles resolved). */
  fault: string;
  error?: string;
  verdicts: Verdict[];
}

export interface LoopOptions {
  steps: readonly ExploreStep[];
  /** No fault is injected after this many ms of exploration. */
  durationMs: number;
  policy: Policy;
  convergeTimeoutMs: number;
  signal?: AbortSignal;
}

export type StopReason = 'violation' | 'duration' | 'steps' | 'interrupted' | 'error';

/** What the loop found; filled in as it runs (a partial state survives an interruption). */
export interface LoopState {
  rounds: Round[];
  baseline?: Verdict[];
  violation?: { round: number; verdicts: Verdict[] };
  stoppedBy?: StopReason;
  /** ms from the schedule start to the check that found the violation. */
  timeToFindMs?: number;
  startedAt?: number;
}

/** Nodes as the runner records them (initial roles), for the elected-master timeline. */
function nodesOf(ctx: RunContext): NodeInfo[] {
  const t = ctx.topology;
  return t.specs.map((sp) => ({
    name: sp.name,
    kind: sp.kind,
    image: t.node(sp.name).image,
    announced: `${sp.name}:${sp.announcedPort}`,
    initialRole: sp.kind === 'sentinel' ? 'sentinel' : sp.index === 0 ? 'master' : 'replica',
  }));
}

function interrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Error('interrupted (Ctrl-C): exploration stopped');
}

/** Undo whatever a failed heal left behind: every proxy reset, every container running. */
async function fullHeal(ctx: RunContext): Promise<void> {
  const t = ctx.topology;
  await resetAllLinks(t).catch(() => {});
  await Promise.all([...t.nodes.keys()].map((n) => ensureRunning(t, n).catch(() => {})));
}

export function exploreLoop(o: LoopOptions, state: LoopState): (ctx: RunContext) => Promise<void> {
  return async (ctx) => {
    const log = ctx.progress;
    const start = (state.startedAt = ctx.scheduleStart);
    const rel = (t: number): string => `${((t - start) / 1000).toFixed(1)} s`;
    const nodes = nodesOf(ctx);
    const prevEpochs: Record<string, number> = {};
    const reportedLost = new Set<string>();
    let since = start;
    const judge = (obs: Observation): Verdict[] => {
      const history = { ops: ctx.workload.ops, events: ctx.events.events, nodes, masterName: ctx.topology.masterName };
      const verdicts = judgeRound({ since, obs, prevEpochs, history, reportedLost }, o.policy);
      for (const [s, e] of Object.entries(obs.epochs)) if (e !== null) prevEpochs[s] = Math.max(e, prevEpochs[s] ?? e);
      for (const v of lostValues(history.ops, obs.final)) reportedLost.add(v);
      since = obs.time;
      for (const v of verdicts) log(`${rel(obs.time)}:   ${v.status === 'ok' ? 'ok       ' : v.status === 'finding' ? 'FINDING  ' : 'VIOLATION'} ${v.invariant}: ${v.note}`);
      return verdicts;
    };
    const settings = { convergeTimeoutMs: o.convergeTimeoutMs, setKey: ctx.workload.setKey };
    log(`${rel(now())}: baseline check`);
    state.baseline = judge(await observe(ctx.topology, settings));
    for (const [index, step] of o.steps.entries()) {
      interrupted(o.signal);
      if (now() + step.gapMs - start > o.durationMs) {
        state.stoppedBy = 'duration';
        return;
      }
      await sleep(step.gapMs, o.signal);
      interrupted(o.signal);
      const round = await runStep(ctx, index, step, o, rel);
      state.rounds.push(round);
      interrupted(o.signal);
      log(`${rel(now())}: checking invariants after ${round.fault}`);
      round.verdicts = judge(await observe(ctx.topology, settings));
      if (worst(round.verdicts) === 'violation') {
        state.violation = { round: index, verdicts: round.verdicts.filter((v) => v.status === 'violation') };
        state.timeToFindMs = Math.round(now() - start);
        state.stoppedBy = 'violation';
        log(`${rel(now())}: VIOLATION after fault #${index + 1} (${round.fault}); exploration stops`);
        return;
      }
    }
    state.stoppedBy = 'steps';
  };
}

/** Inject, hold and heal one step, recording it in the history like the runner records scheduled faults. */
async function runStep(ctx: RunContext, index: number, step: ExploreStep, o: LoopOptions, rel: (t: number) => string): Promise<Round> {
  const fault = toFault(step.fault);
  const start = now();
  const record: FaultRecord = { name: fault.name, kind: fault.kind, targets: [], start, detail: { step: index, gapMs: step.gapMs, durationMs: step.durationMs } };
  const round: Round = { index, step: { ...step, atMs: Math.round(start - ctx.scheduleStart) }, fault: describeStep(step), verdicts: [] };
  try {
    await fault.inject(ctx.topology);
  } catch (err) {
    round.error = `inject failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  const injected = now();
  Object.assign(record, { name: fault.name, targets: fault.targets, detail: { ...fault.detail, ...record.detail } });
  ctx.faults.push(record);
  round.fault = fault.name;
  log(ctx, `${rel(start)}: fault #${index + 1}: ${fault.name} for ${(step.durationMs / 1000).toFixed(1)} s${round.error ? ` (${round.error})` : ''}`);
  // Held from the end of the injection: a staggered fault's stagger does not eat into its hold.
  await sleep(Math.max(0, step.durationMs - (now() - injected)), o.signal);
  const end = await timeHeal(record, async () => {
    try {
      await fault.heal(ctx.topology);
    } catch (err) {
      round.error = `${round.error ? `${round.error}; ` : ''}heal failed (${err instanceof Error ? err.message : String(err)}): reset every link and container`;
      await fullHeal(ctx);
    }
  });
  log(ctx, `${rel(end)}: healed ${fault.name}`);
  return round;
}

function log(ctx: RunContext, m: string): void {
  ctx.progress(m);
}
