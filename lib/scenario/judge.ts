/**
 * The judge: from a stored result (history + topology settings + seed) and its scenario, the checks, the
 * expectations and the verdict — nothing from the live run. The runner calls it once at the end of a run;
 * `sentinel-chaos check` calls it on results read back from disk, so a checker fix can be applied to old
 * runs and a history can be mutated to show that a check catches what it claims to.
 *
 * Results written before the history recorded what the judge needs (measuredFault, healedAt, invokedAt,
 * observations) are judged with values derived as well as the result allows; each derivation is said in a
 * note on the check it affects.
 */
import { clockNotJudged } from '../observe/clock-watch.ts';
import { runChecks, unknownResult, type BoundCheck } from '../checks/checker.ts';
import { rng } from '../clock.ts';
import type { CheckResult, ExpectedOutcome, FaultRecord, ScenarioResult, Validity } from '../model.ts';
import { defaultChecks } from './default-checks.ts';
import { Expect } from './expect.ts';
import { planSchedule } from './plan.ts';
import type { CheckContext, Scenario } from './scenario.ts';

/** A note the judge adds to one check's notes (how a value it needed was derived). */
interface Note {
  check: string;
  note: string;
}

/** The context the checks are computed with, from the stored result only; `notes` say what had to be derived. */
export function checkContext(s: Scenario, r: ScenarioResult): { ctx: CheckContext; notes: Note[] } {
  const notes: Note[] = [];
  const measured = measuredFault(s, r, notes);
  const faultStart = measuredStart(r, measured, notes);
  const finalHeal = finalHealAt(r, notes);
  const healAt = measured?.end !== undefined && measured.end < finalHeal ? measured.end : finalHeal;
  const t = r.topology;
  const topology = { quorum: t.quorum, downAfterMs: t.downAfterMs, failoverTimeoutMs: t.failoverTimeoutMs, sentinelDebug: t.sentinelDebug ?? debugFromNotes(t.notes) };
  return { ctx: { scenario: s, faultStart, healAt, topology }, notes };
}

/** The scenario's checks for a context (its own list, else the standard one). */
export function checkList(s: Scenario, ctx: CheckContext): BoundCheck[] {
  return (s.checks ?? defaultChecks)(ctx);
}

/**
 * Run the scenario's live checks (BoundCheck.live: results of what a `during` hook measured) once, and store
 * their results in `history.observations` next to what the runner stored there (convergence). Called by the
 * runner after the run, before `judge`.
 */
export function recordObservations(s: Scenario, r: ScenarioResult): void {
  const live = checkList(s, checkContext(s, r).ctx).filter((c) => c.live);
  if (live.length === 0) return;
  r.history.observations = { ...r.history.observations, ...runChecks(live, r.history) };
}

/** Whether a verdict lets a run succeed: passed, or not applicable to these servers (it did not run; reported with the reason). */
export function notFailed(verdict: ScenarioResult['verdict'] | undefined): boolean {
  return verdict === 'pass' || verdict === 'not-applicable';
}

/** Checks, expectations and verdict of a result (its own checks, assertions and verdict are ignored). */
export function judge(s: Scenario, stored: ScenarioResult): ScenarioResult {
  // Not run on these servers: nothing to judge, and the reason stays.
  if (stored.verdict === 'not-applicable') return { ...stored, checks: {}, assertions: [] };
  const { ctx, notes } = checkContext(s, stored);
  const list = checkList(s, ctx);
  const checks = { ...runChecks(list.filter((c) => !c.live), stored.history), ...observed(list, stored) };
  for (const n of notes) {
    const c = checks[n.check];
    if (c) checks[n.check] = { ...c, notes: [...(c.notes ?? []), n.note] };
  }
  const { expectedOutcomes: _old, ...rest } = stored;
  const result: ScenarioResult = { ...rest, checks, assertions: [], verdict: 'error', ...(s.expectedOutcomes ? { expectedOutcomes: s.expectedOutcomes } : {}) };
  const e = new Expect(result);
  if (!result.error) {
    try {
      s.expect(result, e);
    } catch (err) {
      e.assertions.push({ name: 'expectations ran', ok: false, message: String(err) });
    }
    e.assertions.push(...checkAssertions(checks, s.expectedOutcomes ?? {}));
  }
  result.assertions = e.assertions;
  // The assertions stay (for the report), but a run whose wall clock stepped measured the host, not Sentinel.
  const notJudged = result.error ? undefined : clockNotJudged(stored.history.clockSamples, stored.history.t0);
  if (notJudged) result.error = notJudged;
  result.verdict = result.error ? 'error' : e.failed().length ? 'fail' : 'pass';
  return result;
}

/**
 * One assertion per check: a check the scenario does not declare must be valid; a declared one must come out
 * exactly as declared; a declared check that does not exist fails.
 */
export function checkAssertions(checks: Record<string, CheckResult>, declared: Record<string, ExpectedOutcome>): Expect['assertions'] {
  const out: Expect['assertions'] = [];
  for (const [name, c] of Object.entries(checks)) {
    const want = declared[name];
    const name_ = want ? `check ${name} is ${word(want.valid)} as declared: ${want.why}` : `check ${name} is valid`;
    const ok = c.valid === (want ? want.valid : true);
    out.push(ok ? { name: name_, ok } : { name: name_, ok, message: `${name} came out ${word(c.valid)}${why(c)}` });
  }
  for (const [name, want] of Object.entries(declared)) {
    if (name in checks) continue;
    out.push({ name: `check ${name} is ${word(want.valid)} as declared: ${want.why}`, ok: false, message: `no check named ${name}; checks: ${Object.keys(checks).join(', ')}` });
  }
  return out;
}

function word(v: Validity): string {
  return v === true ? 'valid' : v === false ? 'invalid' : 'unknown';
}

function why(c: CheckResult): string {
  const lines = [...(c.notes ?? []), ...(c.error && !(c.notes ?? []).some((n) => n.includes(c.error as string)) ? [c.error] : [])];
  return lines.length ? `: ${lines.join('; ')}` : '';
}

/** Results of the live checks and of what the runner measured (convergence), from `history.observations`. */
function observed(list: readonly BoundCheck[], r: ScenarioResult): Record<string, CheckResult> {
  const obs = r.history.observations;
  if (obs) {
    const out: Record<string, CheckResult> = { ...obs };
    for (const c of list) if (c.live && !(c.name in out)) out[c.name] = unknownResult(`${c.name} was not recorded in history.observations`);
    return out;
  }
  // Older results: the live results were only in result.checks.
  const out: Record<string, CheckResult> = {};
  for (const name of [...list.filter((c) => c.live).map((c) => c.name), 'convergence']) {
    const c = r.checks?.[name];
    if (c) out[name] = { ...c, notes: [...(c.notes ?? []), 'as stored in the result (recorded before history.observations)'] };
    else if (name !== 'convergence') out[name] = unknownResult(`${name} was measured during the run and is not in the stored result`);
  }
  return out;
}

/** The record failover timing is measured from: as recorded, else by schedule step, else derived (older results). */
function measuredFault(s: Scenario, r: ScenarioResult, notes: Note[]): FaultRecord | undefined {
  const h = r.history;
  if (h.measuredFault !== undefined) return h.measuredFault === null ? undefined : h.faults[h.measuredFault];
  const from = s.failover.fromStep ?? 0;
  const byStep = h.faults.find((f) => f.step === from);
  if (byStep) return byStep;
  // Scheduled steps were injected in the order planSchedule gives for the run's seed (the runner drew the
  // jitters from rng(seed) before anything else); records of `during` injections carry no scheduledMs.
  const scheduled = h.faults.filter((f) => f.detail !== undefined && 'scheduledMs' in f.detail);
  const k = planSchedule(s.schedule, rng(r.seed)).findIndex((p) => p.index === from);
  const f = k >= 0 ? scheduled[k] : undefined;
  notes.push({
    check: 'failover-timing',
    note: `history recorded before measuredFault: measured fault (step ${from}) derived from the seed's injection order: ${f?.name ?? 'none injected'}`,
  });
  return f;
}

/** Epoch ms phases are measured from: when the measured fault's injecting call returned. */
function measuredStart(r: ScenarioResult, f: FaultRecord | undefined, notes: Note[]): number {
  if (!f) return r.history.ops[0]?.invoke ?? r.history.t0;
  if (f.invokedAt !== undefined) return f.start;
  const injectMs = Number(f.detail?.['injectMs']);
  if (!Number.isFinite(injectMs)) return f.start;
  notes.push({
    check: 'failover-timing',
    note: `history recorded before invokedAt: its start was taken before the target was resolved; phases measured from start + injectMs (${injectMs} ms, rounded), when the injecting call returned`,
  });
  return f.start + injectMs;
}

/** When the final heal completed: as recorded, else the last heal of any fault (older results). */
function finalHealAt(r: ScenarioResult, notes: Note[]): number {
  const h = r.history;
  if (h.healedAt !== undefined) return h.healedAt;
  const ends = h.faults.map((f) => f.end).filter((e): e is number => e !== undefined);
  const derived = ends.length ? Math.max(...ends) : h.final.time;
  notes.push({ check: 'reattach', note: `history recorded before healedAt: final heal taken as ${ends.length ? 'the last fault heal' : 'the final read time'}` });
  return derived;
}

/** SENTINEL DEBUG settings from the topology notes of older results ("SENTINEL DEBUG info-period 1000 ..."). */
export function debugFromNotes(notes: readonly string[]): Record<string, number> {
  const line = notes.find((n) => n.startsWith('SENTINEL DEBUG '));
  if (!line) return {};
  const out: Record<string, number> = {};
  for (const m of line.matchAll(/([a-z-]+) (\d+)/g)) out[m[1] as string] = Number(m[2]);
  return out;
}
