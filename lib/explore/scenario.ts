/**
 * An exploration (or the replay of a schedule) as a normal Scenario: empty fixed schedule, the explore loop as
 * its `during` hook, checks that report the loop's rounds, so runScenario owns the topology, observers,
 * workload, final heal, convergence, final read and teardown exactly as for the catalogue, and the result is
 * an ordinary ScenarioResult for the HTML/JSON/JUnit reports.
 */
import { withOpts, writeLoss, type BoundCheck } from '../checks/index.ts';
import type { CheckResult, Figure } from '../model.ts';
import type { Scenario } from '../scenario/scenario.ts';
import type { WorkloadOptions } from '../workload/workload.ts';
import { describeStep, type ExploreStep } from './generator.ts';
import { resolvePolicy, type Policy } from './invariants.ts';
import { exploreLoop, type LoopState } from './loop.ts';
import type { ExploreSettings, ReplayFile } from './replay.ts';

/** Bound on each convergence wait: the catalogue's default (lib/scenario/runner.ts). */
export const CONVERGE_TIMEOUT_MS = 30_000;
/** Every workload command is bounded by this (the workload's default); the bounded policy adds it to its span. */
export const COMMAND_TIMEOUT_MS = 500;
/** The workload's hard stop comes this long after the exploration's time bound (the last heal and checks). */
const WORKLOAD_TAIL_MS = 120_000;
/** Time a replay allows per step for the invariant probe beyond convergence (bounded reads of a few seconds). */
const REPLAY_CHECK_MS = 15_000;

export function policyOf(s: ExploreSettings): Policy {
  return resolvePolicy({ allowLoss: s.allowLoss, minReplicasToWrite: s.minReplicasToWrite, minReplicasMaxLagS: s.minReplicasMaxLagS, commandTimeoutMs: COMMAND_TIMEOUT_MS });
}

/** A Sentinel-routed writer (client group 0) and, if configured, a writer pinned to one node (client group 1). */
export function exploreWorkload(s: ExploreSettings): WorkloadOptions {
  return {
    workers: [
      { group: 0, f: 'add', processes: 2, rate: 200 },
      ...(s.pinnedWriter ? [{ group: 1, via: { node: s.pinnedWriter }, f: 'add' as const, processes: 1, rate: 100 }] : []),
    ],
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
    maxDurationMs: s.durationMs + WORKLOAD_TAIL_MS,
  };
}

function invariantsCheck(state: LoopState): BoundCheck {
  return {
    name: 'invariants',
    run: (): CheckResult => {
      const all = [...(state.baseline ?? []).map((v) => ({ v, where: 'baseline' })), ...state.rounds.flatMap((r) => r.verdicts.map((v) => ({ v, where: `after fault #${r.index + 1} ${r.fault}` })))];
      const count = (s: string): number => all.filter((x) => x.v.status === s).length;
      const figures: Record<string, Figure> = { rounds: state.rounds.length, checks: all.length, findings: count('finding'), violations: count('violation') };
      for (const inv of ['convergence', 'config-epoch', 'tilt', 'write-loss', 'split-brain']) {
        figures[`${inv}.findings`] = all.filter((x) => x.v.invariant === inv && x.v.status === 'finding').length;
        figures[`${inv}.violations`] = all.filter((x) => x.v.invariant === inv && x.v.status === 'violation').length;
      }
      const notes = all.filter((x) => x.v.status !== 'ok').map((x) => `${x.v.status.toUpperCase()} ${x.v.invariant} ${x.where}: ${x.v.note}`);
      const errors = state.rounds.filter((r) => r.error).map((r) => `fault #${r.index + 1} ${r.fault}: ${r.error}`);
      return {
        valid: state.violation ? false : state.baseline ? true : 'unknown',
        figures,
        notes: notes.length || errors.length ? [...notes, ...errors] : ['every invariant held after every heal'],
        details: { rounds: state.rounds.map((r) => ({ index: r.index, fault: r.fault, step: r.step, verdicts: r.verdicts, ...(r.error ? { error: r.error } : {}) })) },
      };
    },
  };
}

function exploreCheck(s: ExploreSettings, steps: readonly ExploreStep[], state: LoopState, policy: Policy): BoundCheck {
  return {
    name: 'explore',
    run: (): CheckResult => ({
      valid: true,
      figures: {
        seed: s.seed,
        plannedFaults: steps.length,
        faultsInjected: state.rounds.length,
        stoppedBy: state.stoppedBy ?? null,
        timeToFindMs: state.timeToFindMs ?? null,
        violation: state.violation ? state.violation.verdicts.map((v) => v.invariant).join(', ') : null,
        allowLoss: policy.allowLoss,
        boundMs: policy.allowLoss === 'bounded' ? policy.boundMs : null,
        minReplicasToWrite: s.minReplicasToWrite,
        pinnedWriter: s.pinnedWriter,
      },
      notes: state.rounds.map((r) => `#${r.index + 1} at ${((r.step.atMs ?? 0) / 1000).toFixed(1)} s: ${r.fault} — ${describeStep(r.step)}`),
    }),
  };
}

export interface ExploreScenarioOptions {
  id: string;
  title: string;
  settings: ExploreSettings;
  steps: readonly ExploreStep[];
  state: LoopState;
  signal?: AbortSignal;
}

export function exploreScenario(o: ExploreScenarioOptions): Scenario {
  const s = o.settings;
  const policy = policyOf(s);
  const minReplicas = s.minReplicasToWrite >= 1 ? [`min-replicas-to-write ${s.minReplicasToWrite}`, `min-replicas-max-lag ${s.minReplicasMaxLagS}`] : [];
  return {
    id: o.id,
    title: o.title,
    tags: ['explore'],
    description:
      `Random faults (seed ${s.seed}, at most ${s.maxFaults} faults in ${Math.round(s.durationMs / 1000)} s) on one topology under a Sentinel-routed writer` +
      `${s.pinnedWriter ? ` and a writer pinned to ${s.pinnedWriter}` : ''}; min-replicas-to-write ${s.minReplicasToWrite}. After every heal: convergence, ` +
      'config epochs, TILT, write loss and writes acknowledged by a deposed master.',
    expectation: `Every invariant holds after every heal; loss policy ${policy.allowLoss}${policy.allowLoss === 'bounded' ? ` (at most ${policy.boundMs} ms of lost or deposed-master writes per node)` : ''}.`,
    topology: { downAfterMs: s.downAfterMs, failoverTimeoutMs: s.failoverTimeoutMs, clientGroups: 2, redisConfig: minReplicas },
    workload: exploreWorkload(s),
    schedule: [],
    during: exploreLoop({ steps: o.steps, durationMs: s.durationMs, policy, convergeTimeoutMs: CONVERGE_TIMEOUT_MS, ...(o.signal ? { signal: o.signal } : {}) }, o.state),
    durationMs: 0,
    failover: { expected: false },
    convergence: { timeoutMs: CONVERGE_TIMEOUT_MS },
    checks: () => [invariantsCheck(o.state), exploreCheck(s, o.steps, o.state, policy), withOpts(writeLoss, { allowLoss: policy.allowLoss !== 'strict' })],
    expect: (_r, e) => {
      e.that('no invariant violated after any heal', () => {
        if (o.state.violation) throw new Error(o.state.violation.verdicts.map((v) => `${v.invariant}: ${v.note}`).join('; '));
      });
    },
  };
}

/** A replay file as a normal scenario (a fresh LoopState is returned with it, to read what the loop found). */
export function replayScenario(f: ReplayFile, opts: { id?: string; signal?: AbortSignal } = {}): { scenario: Scenario; state: LoopState } {
  const state: LoopState = { rounds: [] };
  // A replay runs every one of its steps: its time bound is what they can take, checks included.
  const settings = { ...f.settings, durationMs: f.steps.reduce((ms, x) => ms + x.gapMs + x.durationMs + CONVERGE_TIMEOUT_MS + REPLAY_CHECK_MS, 0) };
  const scenario = exploreScenario({
    id: opts.id ?? `explore-${f.settings.seed}-${f.kind === 'minimal' ? 'minimal' : 'replay'}`,
    title: `replay of ${f.steps.length} fault(s) found by explore --seed ${f.settings.seed}`,
    settings,
    steps: f.steps,
    state,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return { scenario, state };
}
