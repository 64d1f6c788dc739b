/**
 * Shrinking a failing fault schedule to a small one that still fails (our addition: Jepsen does not shrink).
 * Pure and generic: `reproduces(candidate)` runs the candidate (the explore command runs it on a fresh
 * topology and asks whether the same invariant is violated); this file only decides what to try next.
 *
 * Order, cheapest big wins first:
 *  1. the last 1, 2, 3 steps alone (the violation was found right after the last step's heal, and earlier
 *     steps mostly only moved the master around);
 *  2. drop one step at a time;
 *  3. shorten windows: halve one step's hold (never below its floor) or its gap.
 * A candidate is taken when `runs` runs in a row reproduce; the list is then rebuilt from the new schedule; a
 * candidate already tried is never tried again. Bounded by attempts and by a deadline; a run that fails to reproduce (the system
 * is not deterministic) only means that candidate is not taken.
 */

export interface Shrinkable {
  gapMs: number;
  durationMs: number;
}

export interface ShrinkAttempt {
  attempt: number;
  /** What the candidate changed, e.g. "keep the last 1 step(s)", "drop step 2", "hold of step 1 6000 → 3000 ms". */
  change: string;
  steps: number;
  reproduced: boolean;
  ms: number;
  error?: string;
}

export interface ShrinkBounds<S extends Shrinkable> {
  maxAttempts: number;
  /** Epoch ms after which no new attempt starts. */
  deadline: number;
  now: () => number;
  /** The shortest hold a step may be given (a kill must outlast down-after, for example). */
  floorMs: (step: S) => number;
  /** Shortest gap. @default 200 */
  minGapMs?: number;
  /** Stop early (Ctrl-C). */
  signal?: AbortSignal;
  /** A candidate is taken only when this many runs in a row reproduce (each run is an attempt). @default 1 */
  runs?: number;
}

export interface ShrinkResult<S> {
  minimal: S[];
  /** Whether some candidate reproduced (else `minimal` is the input, unconfirmed). */
  confirmed: boolean;
  attempts: ShrinkAttempt[];
  stoppedBy: 'fixpoint' | 'attempts' | 'time' | 'interrupted';
}

interface Candidate<S> {
  change: string;
  steps: S[];
}

const round100 = (ms: number): number => Math.round(ms / 100) * 100;

/** The candidates for a schedule, in the order they are tried. */
export function candidates<S extends Shrinkable>(steps: readonly S[], floorMs: (s: S) => number, minGapMs = 200): Candidate<S>[] {
  const out: Candidate<S>[] = [];
  for (let k = 1; k <= 3 && k < steps.length; k++) out.push({ change: `keep the last ${k} step(s)`, steps: steps.slice(-k) });
  if (steps.length > 1) steps.forEach((_, i) => out.push({ change: `drop step ${i + 1}`, steps: steps.filter((__, j) => j !== i) }));
  steps.forEach((s, i) => {
    const hold = Math.max(floorMs(s), round100(s.durationMs / 2));
    if (hold < s.durationMs) out.push({ change: `hold of step ${i + 1} ${s.durationMs} → ${hold} ms`, steps: steps.map((x, j) => (j === i ? { ...x, durationMs: hold } : x)) });
  });
  steps.forEach((s, i) => {
    const gap = Math.max(minGapMs, round100(s.gapMs / 2));
    if (gap < s.gapMs) out.push({ change: `gap before step ${i + 1} ${s.gapMs} → ${gap} ms`, steps: steps.map((x, j) => (j === i ? { ...x, gapMs: gap } : x)) });
  });
  return out;
}

export async function shrink<S extends Shrinkable>(
  steps: readonly S[],
  reproduces: (candidate: S[], change: string) => Promise<boolean>,
  b: ShrinkBounds<S>,
): Promise<ShrinkResult<S>> {
  let current = [...steps];
  let confirmed = false;
  const attempts: ShrinkAttempt[] = [];
  const tried = new Set<string>([JSON.stringify(current)]);
  const attempt = async (candidate: S[], change: string): Promise<boolean> => {
    const t0 = b.now();
    let reproduced = false;
    let error: string | undefined;
    try {
      reproduced = await reproduces(candidate, change);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    attempts.push({ attempt: attempts.length + 1, change, steps: candidate.length, reproduced, ms: Math.round(b.now() - t0), ...(error ? { error } : {}) });
    return reproduced;
  };
  const stop = (stoppedBy: ShrinkResult<S>['stoppedBy']): ShrinkResult<S> => ({ minimal: current, confirmed, attempts, stoppedBy });
  const bound = (): ShrinkResult<S>['stoppedBy'] | undefined =>
    b.signal?.aborted ? 'interrupted' : attempts.length >= b.maxAttempts ? 'attempts' : b.now() >= b.deadline ? 'time' : undefined;
  for (;;) {
    const next = candidates(current, b.floorMs, b.minGapMs).filter((c) => !tried.has(JSON.stringify(c.steps)));
    if (next.length === 0) return stop('fixpoint');
    let taken = false;
    for (const c of next) {
      // Two candidates of one list can be equal ("keep the last 3 of 4" = "drop step 1").
      const key = JSON.stringify(c.steps);
      if (tried.has(key)) continue;
      const why = bound();
      if (why) return stop(why);
      tried.add(key);
      // Taken only when every one of `runs` runs reproduces: a borderline candidate (a hold just about as long as
      // down-after) fails some of the time, and a minimal schedule that does not replay is no use.
      const runs = b.runs ?? 1;
      let all = true;
      for (let run = 1; run <= runs && all; run++) {
        if (run > 1 && bound()) return stop(bound() as ShrinkResult<S>['stoppedBy']);
        const change = runs > 1 ? `${c.change} (run ${run}/${runs})` : c.change;
        all = await attempt(c.steps, change);
      }
      if (all) {
        current = c.steps;
        confirmed = true;
        taken = true;
        break;
      }
    }
    if (!taken) return { minimal: current, confirmed, attempts, stoppedBy: 'fixpoint' };
  }
}
