/**
 * Watches the machine's wall clock against the monotonic clock the harness times everything with.
 *
 * Sentinel times its timer, down-after, TILT and every failover step with the wall clock (mstime()). When the
 * wall clock steps, every sentinel sees time jump at once: a jump over 2 s puts them all in TILT for 30 s (they
 * act on nothing), a smaller one makes down-after and timeouts expire early or late by the step. Seen on the
 * VMs these runs use: +0.8 s, then +14 s, within minutes (the guest's clock resynced from its host), and all
 * three sentinels entered TILT 200 ms after a kill. A run in which the clock moved measured the host, not
 * Sentinel: the judge reports it as not judged (judge.ts) instead of passing or failing it.
 */
import { now } from '../clock.ts';
import type { ClockSample } from '../model.ts';

/**
 * How far the wall clock may move against the monotonic clock during one scenario before its timings are not
 * Sentinel's. NTP slews at most 500 ppm, 5 ms over a 10 s scenario; the bounds that have no slack (the earliest
 * +sdown is down-after after the fault) would be off by a step of a few tens of ms.
 */
export const CLOCK_STEP_TOLERANCE_MS = 50;

/** Samples `Date.now() - now()` every `intervalMs`; keeps a sample only when it moved (>= 2 ms) since the last. */
export class ClockWatch {
  readonly samples: ClockSample[] = [];
  private timer: NodeJS.Timeout | undefined;

  start(intervalMs = 100): void {
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample(true);
  }

  private sample(always: boolean): void {
    const time = now();
    const skewMs = Math.round((Date.now() - time) * 10) / 10;
    const last = this.samples[this.samples.length - 1];
    if (always || !last || Math.abs(skewMs - last.skewMs) >= 2) this.samples.push({ time, skewMs });
  }
}

/** The largest distance of the wall clock from where it stood at the first sample (signed ms), and when. */
export function clockStep(samples: readonly ClockSample[]): { ms: number; at: number } | null {
  const first = samples[0];
  if (!first) return null;
  let worst = { ms: 0, at: first.time };
  for (const s of samples) {
    const d = s.skewMs - first.skewMs;
    if (Math.abs(d) > Math.abs(worst.ms)) worst = { ms: Math.round(d), at: s.time };
  }
  return worst;
}

/** Why a run cannot be judged, when the wall clock moved more than the tolerance; undefined otherwise. */
export function clockNotJudged(samples: readonly ClockSample[] | undefined, t0: number): string | undefined {
  const step = samples ? clockStep(samples) : null;
  if (!step || Math.abs(step.ms) <= CLOCK_STEP_TOLERANCE_MS) return undefined;
  const sign = step.ms > 0 ? '+' : '';
  return (
    `not judged: the machine's wall clock moved ${sign}${step.ms} ms against the monotonic clock during the run ` +
    `(${((step.at - t0) / 1000).toFixed(1)} s in; tolerance ${CLOCK_STEP_TOLERANCE_MS} ms). Sentinel times down-after, TILT and its ` +
    'failover steps with the wall clock, so what this run measured is the host. Re-run it on a machine whose clock is not stepped.'
  );
}
