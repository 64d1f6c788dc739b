/**
 * The checker interface and the runner that composes checkers by name.
 *
 * Like Jepsen's `checker/compose`: each checker judges the whole history on its own, and a
 * checker that throws yields `valid: 'unknown'` (with the error) instead of losing the others.
 */
import type { CheckResult, History } from '../model.ts';

/** A pure judgement of a recorded history. */
export interface Checker<O> {
  /** Default name of the result in `ScenarioResult.checks`. */
  readonly name: string;
  /** The figures that sum a result up, in the order reports show them first (carried into CheckResult.keyFigures). */
  readonly keyFigures?: readonly string[];
  check(history: History, opts: O): CheckResult;
}

/**
 * Options for a check, or a function computing them from the finished history
 * (a scenario declares its checkers before the run, when e.g. the fault start is not known yet).
 */
export type OptsOf<O> = O | ((history: History) => O);

/** A checker with its options bound: what a scenario lists. */
export interface BoundCheck {
  readonly name: string;
  /** The checker's key figures (Checker.keyFigures). */
  readonly keyFigures?: readonly string[];
  run(history: History): CheckResult;
  /**
   * True when the result comes from what was measured during the run (e.g. a `during` hook's observations)
   * rather than from the history: the runner runs it once and stores the result in `history.observations`,
   * and the judge (lib/scenario/judge.ts) reads it back from there instead of running it again.
   */
  readonly live?: boolean;
}

/**
 * Binds options to a checker. `opts` may be a function of the history; it is called inside
 * `runChecks`' isolation, so a throw there also yields 'unknown'.
 * @param name result name; defaults to `checker.name`.
 */
export function withOpts<O>(checker: Checker<O>, opts: OptsOf<O>, name: string = checker.name): BoundCheck {
  return {
    name,
    ...(checker.keyFigures ? { keyFigures: [...checker.keyFigures] } : {}),
    run: (history) => checker.check(history, resolveOpts(opts, history)),
  };
}

function resolveOpts<O>(opts: OptsOf<O>, history: History): O {
  return typeof opts === 'function' ? (opts as (h: History) => O)(history) : opts;
}

/**
 * Runs every check against the history, isolating failures: a check that throws (or returns
 * something that is not a CheckResult) becomes `{ valid: 'unknown', error }`.
 * Results are keyed by check name; a repeated name gets a `#2`, `#3`… suffix. Each result carries its
 * check's key figures, also when the check threw (so a report can say which figures are missing).
 */
export function runChecks(list: readonly BoundCheck[], history: History): Record<string, CheckResult> {
  const out: Record<string, CheckResult> = {};
  for (const c of list) out[uniqueName(out, c.name)] = runOne(c, history);
  return out;
}

function uniqueName(taken: Record<string, unknown>, name: string): string {
  if (!(name in taken)) return name;
  let i = 2;
  while (`${name}#${i}` in taken) i++;
  return `${name}#${i}`;
}

function runOne(c: BoundCheck, history: History): CheckResult {
  const r = judge(c, history);
  return c.keyFigures ? { ...r, keyFigures: [...c.keyFigures] } : r;
}

function judge(c: BoundCheck, history: History): CheckResult {
  try {
    const r = c.run(history);
    if (!isCheckResult(r)) return unknownResult(`checker ${c.name} returned no CheckResult`);
    return r;
  } catch (e) {
    return unknownResult(errorMessage(e));
  }
}

function isCheckResult(r: unknown): r is CheckResult {
  if (typeof r !== 'object' || r === null) return false;
  const v = (r as { valid?: unknown }).valid;
  const figures = (r as { figures?: unknown }).figures;
  return (v === true || v === false || v === 'unknown') && typeof figures === 'object' && figures !== null;
}

/** The result of a check that could not decide. */
export function unknownResult(error: string): CheckResult {
  return { valid: 'unknown', figures: {}, notes: [`checker error: ${error}`], error };
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

/** `t - start` in ms, rounded to 0.1 ms (the resolution of every relative figure). */
export function relMs(t: number, start: number): number {
  return round1(t - start);
}

/** Rounds to 0.1 (and turns -0 into 0). */
export function round1(x: number): number {
  return Math.round(x * 10) / 10 + 0;
}

/** Combines verdicts: any false → false; else any unknown → unknown; else true. */
export function allValid(verdicts: readonly (boolean | 'unknown')[]): boolean | 'unknown' {
  if (verdicts.includes(false)) return false;
  return verdicts.includes('unknown') ? 'unknown' : true;
}
