/**
 * Injecting and healing a fault while recording it in the history: one implementation for the runner's
 * schedule and for `during` hooks (suites/chaos/scenarios/support.ts delegates here), so both record the
 * same times the same way.
 *
 * Times: the targets are resolved first (`Fault.prepare`, e.g. asking the sentinels which node is master),
 * then `invokedAt` is taken, the injecting call (Docker, toxiproxy, Redis) is made, and `start` is taken
 * when it has returned. Every phase (sdown, switch, client unavailability) is measured from `start`: from
 * then on the fault is certainly in effect, whereas at `invokedAt` it may not have acted yet (a Docker call
 * under load can take a few hundred ms). `detail.injectMs` = start − invokedAt shows how wide that
 * uncertainty was; a phase measured from `invokedAt` would be at most that much longer.
 */
import { now } from '../clock.ts';
import type { Fault } from '../faults/fault.ts';
import type { FaultRecord } from '../model.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';

/** The part of a run's context recording needs (RunContext has it). */
export interface RecordingContext {
  topology: StartedSentinelTopology;
  faults: FaultRecord[];
  progress: (m: string) => void;
  scheduleStart: number;
}

export interface InjectOptions {
  /** Schedule step index (absent for `during` injections). */
  step?: number;
  /** Extra detail to record (e.g. scheduledMs, from: 'during'). */
  detail?: Record<string, unknown>;
}

/** Resolve the targets, inject, and append the record to `ctx.faults` (returned). A throw records nothing. */
export async function injectRecorded(ctx: RecordingContext, fault: Fault, o: InjectOptions = {}): Promise<FaultRecord> {
  if (fault.prepare) await fault.prepare(ctx.topology);
  const invokedAt = now();
  await fault.inject(ctx.topology);
  const start = now();
  const record: FaultRecord = {
    name: fault.name,
    kind: fault.kind,
    colour: fault.colour,
    targets: [...fault.targets],
    start,
    invokedAt,
    ...(o.step !== undefined ? { step: o.step } : {}),
    detail: { ...fault.detail, ...o.detail, injectMs: Math.round(start - invokedAt) },
  };
  ctx.faults.push(record);
  ctx.progress(`${((start - ctx.scheduleStart) / 1000).toFixed(1)} s: ${record.name}`);
  return record;
}

/**
 * Heal a fault and set `end` (when the heal call returned) on its record: the given one, else the earliest
 * unhealed record of that name. The final heal then skips it, and reattachment is timed from it.
 */
export async function healRecorded(ctx: RecordingContext, fault: Fault, record?: FaultRecord): Promise<void> {
  const r = record ?? ctx.faults.find((f) => f.name === fault.name && f.end === undefined);
  const end = await timeHeal(r, () => fault.heal(ctx.topology));
  ctx.progress(`${((end - ctx.scheduleStart) / 1000).toFixed(1)} s: healed ${fault.name}`);
}

/**
 * Run a heal and, once it returned, record on `r` when it was invoked (`healInvokedAt`: the healed node may answer
 * from then on) and when it returned (`end`); resolves with `end`. A heal that throws records nothing, so the final
 * heal still sees the fault unhealed. Every heal of a recorded fault goes through here.
 */
export async function timeHeal(r: FaultRecord | undefined, heal: () => Promise<unknown>): Promise<number> {
  const invoked = now();
  await heal();
  const end = now();
  if (r) {
    r.healInvokedAt = invoked;
    r.end = end;
  }
  return end;
}
