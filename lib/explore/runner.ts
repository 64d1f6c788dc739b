/**
 * The explore mode end to end: generate the seed's schedule, run it on one long-lived topology until the first
 * violation (or the bounds), write the executed schedule as a replay file, shrink it by replaying candidates on
 * fresh topologies (bounded in attempts and time), write the minimal replay file, and hand back the
 * ScenarioResults for the report: the exploration, and the minimal replay with the shrink steps as a check.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { now } from '../clock.ts';
import type { CheckResult, ScenarioResult } from '../model.ts';
import { runScenario } from '../scenario/runner.ts';
import type { TopologyOptions } from '../topology/options.ts';
import { generateSchedule, killMinMs, type ExploreStep } from './generator.ts';
import type { LoopState } from './loop.ts';
import { saveReplay, type ExploreSettings, type ReplayFile } from './replay.ts';
import { exploreScenario, replayScenario } from './scenario.ts';
import { shrink, type ShrinkResult } from './shrink.ts';

export interface ExploreOptions {
  settings: ExploreSettings;
  runId: string;
  /** Images, SENTINEL DEBUG ... for every topology (exploration and shrink attempts alike). */
  topology: Partial<TopologyOptions>;
  /** Where the replay files go (the report folder). */
  dir: string;
  /** `runs`: how many runs in a row a candidate must reproduce in to be taken. */
  shrink: { maxAttempts: number; timeMs: number; runs: number };
  signal: AbortSignal;
  progress: (m: string) => void;
}

export interface ExploreOutcome {
  results: ScenarioResult[];
  violation: boolean;
  files: string[];
  shrink?: ShrinkResult<ExploreStep>;
}

/** Redis node and sentinel names of the default topology (1 master + 2 replicas, 3 sentinels). */
const REDIS = ['redis-0', 'redis-1', 'redis-2'];
const SENTINELS = ['sentinel-0', 'sentinel-1', 'sentinel-2'];

export function scheduleFor(s: ExploreSettings): ExploreStep[] {
  return generateSchedule(s.seed, { maxFaults: s.maxFaults, redisNodes: REDIS, sentinels: SENTINELS, clientGroups: 2, downAfterMs: s.downAfterMs });
}

/** A short fingerprint of a schedule: equal seeds and settings print the same one. */
export function fingerprint(steps: readonly ExploreStep[]): string {
  return createHash('sha256').update(JSON.stringify(steps)).digest('hex').slice(0, 12);
}

function run(o: ExploreOptions, scenario: Parameters<typeof runScenario>[0]): Promise<ScenarioResult> {
  return runScenario(scenario, { runId: o.runId, seed: o.settings.seed, topology: o.topology, progress: o.progress });
}

function violationOf(state: LoopState): ReplayFile['violation'] {
  const v = state.violation?.verdicts ?? [];
  return { invariants: [...new Set(v.map((x) => x.invariant))], notes: v.map((x) => `${x.invariant}: ${x.note}`) };
}

function shrinkCheck(from: number, r: ShrinkResult<ExploreStep>, ms: number): CheckResult {
  return {
    valid: r.confirmed,
    figures: { fromFaults: from, toFaults: r.minimal.length, attempts: r.attempts.length, reproduced: r.attempts.filter((a) => a.reproduced).length, stoppedBy: r.stoppedBy, shrinkMs: ms },
    notes: [
      ...r.attempts.map((a) => `attempt ${a.attempt}: ${a.change} (${a.steps} fault(s)) → ${a.reproduced ? 'REPRODUCED, taken' : 'did not reproduce'} in ${(a.ms / 1000).toFixed(1)} s${a.error ? ` (${a.error})` : ''}`),
      r.confirmed ? `minimal schedule: ${r.minimal.length} fault(s), stopped by ${r.stoppedBy}` : `no candidate reproduced the violation (stopped by ${r.stoppedBy}): the original schedule stands, unconfirmed`,
    ],
  };
}

export async function explore(o: ExploreOptions): Promise<ExploreOutcome> {
  const s = o.settings;
  const steps = scheduleFor(s);
  o.progress(`explore seed ${s.seed}: schedule of ${steps.length} faults (fingerprint ${fingerprint(steps)}), at most ${Math.round(s.durationMs / 1000)} s`);
  const state: LoopState = { rounds: [] };
  const scenario = exploreScenario({ id: `explore-${s.seed}`, title: `explore: random faults, seed ${s.seed}`, settings: s, steps, state, signal: o.signal });
  const exploration = await run(o, scenario);
  o.progress(`exploration ${state.stoppedBy ?? 'ended'} after ${state.rounds.length} fault(s)${state.timeToFindMs !== undefined ? `; violation found in ${(state.timeToFindMs / 1000).toFixed(1)} s` : ''}`);
  const outcome: ExploreOutcome = { results: [exploration], violation: state.violation !== undefined, files: [] };
  if (!state.violation) return outcome;

  mkdirSync(o.dir, { recursive: true });
  const executed = state.rounds.map((r) => r.step);
  const found: ReplayFile = { format: 'sentinel-chaos-explore/1', kind: 'exploration', settings: s, steps: executed, violation: violationOf(state) };
  const foundFile = path.join(o.dir, `explore-${s.seed}.replay.json`);
  saveReplay(foundFile, found);
  outcome.files.push(foundFile);
  o.progress(`wrote ${foundFile}; shrinking (at most ${o.shrink.maxAttempts} runs, ${Math.round(o.shrink.timeMs / 1000)} s; a candidate is taken after ${o.shrink.runs} reproducing run(s) in a row)`);
  if (o.signal.aborted) return outcome;

  const wanted = new Set(found.violation?.invariants ?? []);
  let minimalResult: ScenarioResult | undefined;
  let minimalViolation = found.violation;
  const started = now();
  const result = await shrink(
    executed,
    async (candidate, change) => {
      o.progress(`shrink: ${change} → ${candidate.length} fault(s)`);
      const { scenario: sc, state: st } = replayScenario({ ...found, kind: 'minimal', steps: candidate }, { id: `explore-${s.seed}-minimal`, signal: o.signal });
      const r = await run(o, sc);
      if (o.signal.aborted) throw new Error('interrupted (Ctrl-C) before the replay finished');
      const reproduced = st.violation?.verdicts.some((v) => wanted.has(v.invariant)) ?? false;
      o.progress(`shrink: ${change}: ${reproduced ? 'REPRODUCED' : 'did not reproduce'}`);
      if (reproduced) {
        minimalResult = r;
        minimalViolation = violationOf(st);
      }
      return reproduced;
    },
    {
      maxAttempts: o.shrink.maxAttempts,
      deadline: started + o.shrink.timeMs,
      now,
      floorMs: (x) => (x.fault.kind === 'kill' || (x.fault.kind === 'staggered' && x.fault.of === 'kill') ? killMinMs(s.downAfterMs) : 500),
      signal: o.signal,
      runs: o.shrink.runs,
    },
  );
  const shrinkMs = Math.round(now() - started);
  outcome.shrink = result;
  // A shrunk step no longer ran where the exploration ran it: its atMs is dropped.
  const shrunk = result.minimal.map(({ atMs: _, ...x }) => x);
  const minimal: ReplayFile = { ...found, kind: 'minimal', steps: shrunk, violation: minimalViolation, shrink: { from: executed.length, attempts: result.attempts, stoppedBy: result.stoppedBy, confirmed: result.confirmed } };
  const minimalFile = path.join(o.dir, `explore-${s.seed}.minimal.json`);
  saveReplay(minimalFile, minimal);
  outcome.files.push(minimalFile);
  const check = shrinkCheck(executed.length, result, shrinkMs);
  o.progress(`shrink ${result.stoppedBy}: ${executed.length} → ${result.minimal.length} fault(s) in ${result.attempts.length} attempt(s), ${(shrinkMs / 1000).toFixed(1)} s; wrote ${minimalFile}`);
  if (minimalResult) {
    minimalResult.checks['shrink'] = check;
    outcome.results.push(minimalResult);
  } else {
    exploration.checks['shrink'] = check;
  }
  return outcome;
}

/** Run a replay file once on a fresh topology. */
export async function replay(f: ReplayFile, o: Omit<ExploreOptions, 'settings' | 'shrink' | 'dir'>): Promise<ExploreOutcome> {
  const { scenario, state } = replayScenario(f, { signal: o.signal });
  o.progress(`replay of ${f.steps.length} fault(s) (seed ${f.settings.seed}, fingerprint ${fingerprint(f.steps)})`);
  const r = await runScenario(scenario, { runId: o.runId, seed: f.settings.seed, topology: o.topology, progress: o.progress });
  const reproduced = state.violation ? `violation: ${state.violation.verdicts.map((v) => v.invariant).join(', ')}` : 'no violation';
  o.progress(`replay ran ${state.rounds.length} of ${f.steps.length} fault(s): ${reproduced}${f.violation ? ` (the file recorded: ${f.violation.invariants.join(', ')})` : ''}`);
  return { results: [r], violation: state.violation !== undefined, files: [] };
}
