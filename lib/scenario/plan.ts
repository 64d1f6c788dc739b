/**
 * The fault schedule as it will run: each step's due time (`at` plus a jitter in [0, jitterMs) drawn
 * from the run's seeded random source) and the order of injection. Pure, so that "same seed, same
 * schedule" is checked without containers, and a recorded run (ScenarioResult.seed) can be replayed.
 */
import type { Step } from './scenario.ts';

export interface PlannedStep<S> {
  step: S;
  /** Position of the step in the scenario's schedule. */
  index: number;
  /** ms after the schedule start at which the step is injected. */
  due: number;
}

/**
 * Due times and injection order. `random` is drawn once per step with a jitter, in schedule order
 * (so adding a jitter-free step does not shift the others' draws). Ties keep schedule order.
 */
export function planSchedule<S extends Pick<Step, 'at' | 'jitterMs'>>(steps: readonly S[], random: () => number): PlannedStep<S>[] {
  return steps
    .map((step, index) => ({ step, index, due: step.at + (step.jitterMs ? random() * step.jitterMs : 0) }))
    .sort((a, b) => a.due - b.due || a.index - b.index);
}
