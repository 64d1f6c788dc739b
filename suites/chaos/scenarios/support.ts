/**
 * Small helpers shared by the scenario files (not a scenario itself): reading figures, events and ops out of
 * a result, and `Observations` — values a scenario's `during` hook measures, reported as a check's figures so
 * they appear in the report next to the standard checks.
 */
import { createConnection } from 'node:net';
import { expect } from 'chai';
import type { BoundCheck } from '../../../lib/checks/index.ts';
import { now, sleep } from '../../../lib/clock.ts';
import type { Fault } from '../../../lib/faults/fault.ts';
import type { StartedSentinelTopology } from '../../../lib/topology/topology.ts';
import type { CheckResult, FaultRecord, Figure, Op, ScenarioResult, SentinelEvent } from '../../../lib/model.ts';
import { healRecorded, injectRecorded } from '../../../lib/scenario/record-fault.ts';
import {
  demotionEarliestMs,
  ELECTED_AFTER_ODOWN_MS,
  inFlightLossBound,
  sentinelWriteRate,
  writerProcesses,
  failoverBudgetMs,
  liveTimings,
  ODOWN_AFTER_SDOWN_MS,
  PROMOTED_AFTER_SELECTED_MS,
  rateWindowRange,
  sdownEarliestMs,
  sdownLatestMs,
  type Failure,
} from '../../../lib/scenario/bounds.ts';
import type { Expect } from '../../../lib/scenario/expect.ts';
import { DEFAULT_WORKLOAD, type RunContext } from '../../../lib/scenario/runner.ts';
import { respCommand } from '../../../lib/topology/resp.ts';
import type { WorkloadOptions } from '../../../lib/workload/workload.ts';

/** The node name of an announced address figure ("redis-1:7001" → "redis-1"); undefined if it is not a string. */
export function nodeOf(addr: Figure | undefined): string | undefined {
  return typeof addr === 'string' ? addr.replace(/:\d+$/, '') : undefined;
}

/** The i-th injected fault of a run (in injection order); throws so the expectation fails clearly. */
export function fault(r: ScenarioResult, i: number): FaultRecord {
  const f = r.history.faults[i];
  if (!f) throw new Error(`fault #${i} was never injected (${r.history.faults.length} were)`);
  return f;
}

export interface EventFilter {
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  sentinel?: string;
  /** Node name the event's instance is about (resolved from its announced host). */
  node?: string;
}

/**
 * From when a fault may have acted: its invokedAt (the injecting call may return long after it took effect: a
 * docker kill under CI load returned 1.9 s after the sentinels had already seen the node go), else its start.
 * Events a fault causes are looked for from here.
 */
export function faultFrom(f: Pick<FaultRecord, 'start' | 'invokedAt'>): number {
  return f.invokedAt ?? f.start;
}

/** How long fault #i took to inject (its docker or proxy call), from its record; 0 when not recorded. */
export function injectMs(r: ScenarioResult, i: number): number {
  const v = r.history.faults[i]?.detail?.['injectMs'];
  return typeof v === 'number' ? v : 0;
}

/**
 * The expectations every automatic failover shares, bounded by the run's configuration (lib/scenario/bounds.ts):
 * the first +sdown between down-after and its latest possible time for this kind of failure, then +odown, the
 * election and the promotion each within the Sentinel period that drives it, and writes through Sentinel back
 * within the failover budget. A Sentinel (or a configuration) slower than the configured down-after or than its
 * own periods fails here; so does a run whose real down-after is not the one recorded.
 */
export interface BoundedFailoverOptions {
  /** Index of the fault the failover-timing figures are measured from. @default 0 */
  faultIndex?: number;
  /**
   * Whether Sentinel-routed clients can follow the failover at once. False where they stay stuck on an open,
   * silent connection to the old master until it is demoted (a silent partition). @default true
   */
  clientsFollow?: boolean;
}

export function expectBoundedFailover(r: ScenarioResult, e: Expect, how: Failure, o: BoundedFailoverOptions = {}): void {
  const faultIndex = o.faultIndex ?? 0;
  const t = r.topology;
  const inj = injectMs(r, faultIndex);
  const latest = sdownLatestMs(t, how, inj);
  const base = sdownEarliestMs(t, how);
  const from = how === 'closed' ? `down-after - ping period (${base} ms: a dropped link counts from the last PONG)` : `down-after (${base} ms)`;
  e.that(`first +sdown of the master between ${from} and ${latest} ms after the fault`, () => {
    // Both ends move with the fault's own call time (injectMs): it may have acted as early as its invokedAt.
    expect(e.num('failover-timing', 'sdownFirst')).to.be.within(sdownEarliestMs(t, how, inj), latest);
  });
  e.that(`+odown <= ${ODOWN_AFTER_SDOWN_MS} ms after +sdown, elected <= ${ELECTED_AFTER_ODOWN_MS} ms after, promoted <= ${PROMOTED_AFTER_SELECTED_MS} ms after selection`, () => {
    expect(e.num('failover-timing', 'odown') - e.num('failover-timing', 'sdownFirst'), 'odown - sdown').to.be.at.most(ODOWN_AFTER_SDOWN_MS);
    expect(e.num('failover-timing', 'elected') - e.num('failover-timing', 'odown'), 'elected - odown').to.be.at.most(ELECTED_AFTER_ODOWN_MS);
    expect(e.num('failover-timing', 'promoted') - e.num('failover-timing', 'selectedReplica'), 'promoted - selected').to.be.at.most(
      PROMOTED_AFTER_SELECTED_MS,
    );
  });
  if (o.clientsFollow === false) return;
  const budget = failoverBudgetMs(t, how, inj);
  e.that(`writes through Sentinel back within the failover budget (${budget} ms for down-after ${t.downAfterMs})`, () => {
    expect(e.figure('failover-timing', 'unavailableOpen'), 'writes recovered').to.equal(false);
    expect(e.num('failover-timing', 'unavailableMs')).to.be.at.most(budget);
  });
}

/**
 * Loss when Sentinel-routed clients stay connected to an old master that answers again after the failover (resumed,
 * latency gone) until Sentinel demotes it: every write it acknowledges from its return to the end of the workload is
 * lost — the writers' rate x that window (`rateWindowRange`) — none acknowledged while it was unreachable, and of
 * those before the fault at most the replication-lag loss. Sentinel demotes it no sooner than 4 publish periods
 * after it answers again; the scenario keeps the workload shorter than that (asserted), so the window is exact.
 */
export function expectLossAfterReturn(r: ScenarioResult, e: Expect, faultIndex = 0, w: WorkloadOptions = DEFAULT_WORKLOAD): void {
  const f = fault(r, faultIndex);
  // The old master may answer from the moment the healing call is made, not only once it returned (an unpause
  // under load took 350 ms to return, with writes acknowledged in between).
  const back = f.healInvokedAt ?? f.end ?? Infinity;
  const end = Math.max(...r.history.ops.filter((o) => o.via === 'sentinel' && o.f !== 'read').map((o) => o.complete));
  const range = rateWindowRange(sentinelWriteRate(w), end - back, writerProcesses(w));
  const maxBefore = inFlightLossBound(w);
  e.that(`lost: the writes of the return-to-end window (${range.min}..${range.max}: rate x ${Math.round(end - back)} ms), <= ${maxBefore} before the fault, none during it`, () => {
    expect(back + demotionEarliestMs(r.topology), 'earliest demotion after the workload end').to.be.above(end);
    const lost = lostWrites(r);
    expect(lost.filter((o) => o.complete >= back - 100).length, 'lost writes acknowledged after the return').to.be.within(range.min, range.max);
    expect(lost.filter((o) => o.complete < f.start + 100), 'lost writes acknowledged before the fault').to.have.length.at.most(maxBefore);
    expect(lost.filter((o) => o.complete >= f.start + 100 && o.complete < back - 100), 'lost writes acknowledged during the fault').to.have.length(0);
  });
}

/** Sentinel events of one type (e.g. "+sdown"), filtered. */
export function events(r: ScenarioResult, type: string, f: EventFilter = {}): SentinelEvent[] {
  return r.history.events.filter(
    (e) =>
      e.type === type &&
      (f.since === undefined || e.time >= f.since) &&
      (f.until === undefined || e.time < f.until) &&
      (f.sentinel === undefined || e.sentinel === f.sentinel) &&
      (f.node === undefined || e.instance?.host === f.node),
  );
}

/** Acknowledged writes (add/incr with outcome ok), optionally filtered. */
export function okWrites(r: ScenarioResult, pred: (o: Op) => boolean = () => true): Op[] {
  return r.history.ops.filter((o) => o.outcome === 'ok' && (o.f === 'add' || o.f === 'incr') && pred(o));
}

/** Writes acknowledged but absent from the final read (set workload), as ops. */
export function lostWrites(r: ScenarioResult): Op[] {
  const present = new Map(Object.entries(r.history.final.sets).map(([k, v]) => [k, new Set(v)]));
  return okWrites(r, (o) => o.f === 'add' && !(present.get(o.key)?.has(String(o.value)) ?? false));
}

/**
 * Heal a step's fault now, from a `during` hook, and record the heal time on its FaultRecord as the runner does
 * for timed heals (the final heal then skips it, and reattachment is timed from it).
 */
export async function healNow(ctx: RunContext, fault: Fault): Promise<void> {
  await healRecorded(ctx, fault);
}

/**
 * Inject a fault now, from a `during` hook (e.g. "kill whichever node is master once the first failover is
 * over"), and record it in the history as the runner records scheduled steps (lib/scenario/record-fault.ts:
 * targets resolved first, `start` = when the injecting call returned). Heal it with `healNow` (or the
 * final heal restarts every container and resets every link).
 */
export async function injectNow(ctx: RunContext, fault: Fault): Promise<FaultRecord> {
  return await injectRecorded(ctx, fault, { detail: { from: 'during' } });
}

/**
 * How long to wait for a failover on a running topology: twice the failover budget of its configuration (a slow
 * silent failure), and never less than the 15 s the suite's scenarios were tuned with — so a run with a longer
 * down-after or Sentinel's own periods (--profile production, a user's sentinel.conf) still waits for its switch.
 */
export function switchWaitMs(ctx: RunContext): number {
  return Math.max(15_000, 2 * failoverBudgetMs(liveTimings(ctx.topology.options), 'silent'));
}

/**
 * Wait until some sentinel has published +switch-master after `since` (bounded); the event's time, or undefined
 * if none came within `timeoutMs` (default `switchWaitMs`). With `from`, only a switch away from that node counts:
 * after a failover each sentinel publishes its own +switch-master, some a second or more after the first (a
 * non-leader learns it from a hello), and such a late announcement of an earlier switch must not count.
 */
export async function switchedSince(ctx: RunContext, since: number, o: { from?: string; timeoutMs?: number } = {}): Promise<number | undefined> {
  const away = (e: SentinelEvent): boolean => o.from === undefined || e.switchMaster?.from.host === o.from;
  return (await ctx.events.waitFor((e) => e.type === '+switch-master' && away(e), o.timeoutMs ?? switchWaitMs(ctx), since))?.time;
}

export interface HealAfterSwitchOptions {
  /** Heal this long after the first +switch-master. @default 200 */
  afterMs?: number;
  /**
   * Then keep the workload running this long (the hook returns only then; the scenario's `durationMs` is a
   * minimum), so that what happens after the heal — writes to the new master, or to a resumed old one — is
   * recorded however late the failover came. @default 300
   */
  thenMs?: number;
}

/**
 * A `during` hook that heals `fault` (e.g. restarts a killed master) shortly after the sentinels switched to a new
 * master — not at a fixed time, so a slow Docker call or a slow failover on a busy machine cannot make the node
 * return before the failover (which would turn the scenario into a fast reboot). Without a switch within `switchWaitMs` it
 * heals anyway and the scenario's expectations report the missing failover.
 */
export function healAfterSwitch(fault: Fault, opts: HealAfterSwitchOptions = {}): (ctx: RunContext) => Promise<void> {
  return async (ctx) => {
    const injected = ctx.faults.find((f) => f.name === fault.name)?.start ?? ctx.scheduleStart;
    const at = await switchedSince(ctx, injected);
    if (at === undefined) ctx.progress(`no +switch-master within ${switchWaitMs(ctx)} ms of ${fault.name}; healing it anyway`);
    await sleep(Math.max(0, (at ?? now()) + (opts.afterMs ?? 200) - now()));
    await healNow(ctx, fault);
    await sleep(opts.thenMs ?? 300);
  };
}

/**
 * Values measured by a scenario's `during` hook, reported as the figures of a check (default name "observed").
 * Each scenario object is built fresh for its run (its factory creates its own Observations); `reset()` remains
 * for a hook that measures again.
 */
export class Observations {
  private figures: Record<string, Figure> = {};
  private notes: string[] = [];
  private errors: string[] = [];

  reset(): void {
    this.figures = {};
    this.notes = [];
    this.errors = [];
  }

  set(name: string, value: Figure): void {
    this.figures[name] = value;
  }

  note(text: string): void {
    this.notes.push(text);
  }

  /** Run a measurement; a throw is recorded (the check becomes invalid) instead of crashing the scenario. */
  async measure(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Valid when every measurement succeeded and produced figures (a failed probe makes the scenario fail). */
  check(name = 'observed'): BoundCheck {
    return {
      name,
      // Measured during the run, not derivable from the history: the runner records it once, `check` re-reads it.
      live: true,
      run: (): CheckResult => ({
        valid: this.errors.length === 0 && Object.keys(this.figures).length > 0 ? true : 'unknown',
        figures: { ...this.figures },
        notes: [...this.notes, ...this.errors.map((e) => `measurement failed: ${e}`)],
      }),
    };
  }
}

/**
 * Send one command on a fresh raw TCP connection — no client library, so no implicit AUTH, HELLO or CLIENT
 * SETINFO — and return the first line of the reply (e.g. "+PONG", "-NOAUTH Authentication required."), or
 * "error: ..." if the connection failed. Bounded (1 s); never throws.
 */
export function rawCommand(host: string, port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const done = (line: string): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(line);
    };
    const sock = createConnection({ host, port }, () => {
      sock.write(respCommand(args));
    });
    const timer = setTimeout(() => done('error: no reply within 1000 ms'), 1000);
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      const i = buf.indexOf('\r\n');
      if (i >= 0) done(buf.slice(0, i));
    });
    sock.on('error', (err) => done(`error: ${err.message}`));
    sock.on('close', () => done(buf === '' ? 'error: connection closed without a reply' : buf));
  });
}

export interface PinnedExpectation {
  /** The node must stop acknowledging the pinned writer this many ms after the fault started (min-replicas). */
  refuseAfterMs?: number;
  /**
   * The node must keep acknowledging the pinned writer, whose rate this is, while the fault is on (nothing stops
   * it): at least `rateWindowRange(rate, fault window).min` writes.
   */
  acknowledgesAtPerS?: number;
}

/**
 * Writes of the clients pinned to `node` (via `direct:<node>`) around fault #`faultIndex`: how many it
 * acknowledged while the fault was on and when it last did, how many it refused, and how many of its
 * acknowledged writes are missing from the final read. A check named "pinned-writes", valid when the node
 * behaved as `want` says (a deposed master that must keep acknowledging, or must stop after a delay).
 */
export function pinnedWritesCheck(node: string, want: PinnedExpectation, faultIndex = 0): BoundCheck {
  return {
    name: 'pinned-writes',
    run: (h): CheckResult => {
      const f = h.faults[faultIndex];
      if (!f) return { valid: 'unknown', figures: {}, notes: [`fault #${faultIndex} was never injected`] };
      const end = f.end ?? Infinity;
      const mine = h.ops.filter((o) => o.via === `direct:${node}` && o.f !== 'read');
      const during = mine.filter((o) => o.invoke >= f.start && o.complete < end);
      const acked = during.filter((o) => o.outcome === 'ok');
      const present = new Map(Object.entries(h.final.sets).map(([k, v]) => [k, new Set(v)]));
      const lost = mine.filter((o) => o.outcome === 'ok' && o.f === 'add' && !(present.get(o.key)?.has(String(o.value)) ?? false));
      const last = acked.reduce((m, o) => Math.max(m, o.complete), -Infinity);
      const refusals: Record<string, number> = {};
      for (const o of during.filter((x) => x.outcome === 'failed')) {
        const code = /^[A-Z]+\b/.exec(o.error ?? '')?.[0] ?? 'other';
        refusals[code] = (refusals[code] ?? 0) + 1;
      }
      const lastAckMs = Number.isFinite(last) ? Math.round(last - f.start) : null;
      const figures: Record<string, Figure> = {
        attempted: mine.length,
        ackedDuringFault: acked.length,
        lastAckAfterFaultStartMs: lastAckMs,
        refusedDuringFault: during.filter((o) => o.outcome === 'failed').length,
        acked: mine.filter((o) => o.outcome === 'ok').length,
        lost: lost.length,
        lostAckedAfterHeal: lost.filter((o) => o.complete >= end).length,
      };
      for (const [err, n] of Object.entries(refusals)) figures[`refused.${err}`] = n;
      const notes = [`${acked.length} writes acknowledged by ${node} during ${f.name}; ${lost.length} of its acknowledged writes lost`];
      let valid = true;
      if (want.refuseAfterMs !== undefined && lastAckMs !== null && lastAckMs > want.refuseAfterMs) {
        notes.push(`${node} still acknowledged a write ${lastAckMs} ms after the fault started (must stop by ${want.refuseAfterMs} ms)`);
        valid = false;
      }
      if (want.acknowledgesAtPerS !== undefined) {
        const min = rateWindowRange(want.acknowledgesAtPerS, Math.min(end, h.final.time) - f.start, 1).min;
        figures['minAckedDuringFault'] = min;
        if (acked.length < min) {
          notes.push(`${node} acknowledged ${acked.length} writes during the fault (expected at least ${min})`);
          valid = false;
        }
      }
      return { valid, figures, notes };
    },
  };
}

/**
 * `fault` preceded by `setup` (e.g. filling the master with a dataset to load at its restart). The recorder calls
 * `prepare` before it takes the fault's start time (lib/scenario/record-fault.ts), so the setup runs when the step
 * is due but is not counted in any phase measured from the fault; name, targets and detail are the fault's own.
 */
export function withSetup(fault: Fault, setup: (t: StartedSentinelTopology) => Promise<void>): Fault {
  return {
    get name() {
      return fault.name;
    },
    get kind() {
      return fault.kind;
    },
    get colour() {
      return fault.colour;
    },
    get targets() {
      return fault.targets;
    },
    get detail() {
      return fault.detail;
    },
    prepare: async (t) => {
      await setup(t);
      await fault.prepare?.(t);
    },
    inject: (t) => fault.inject(t),
    heal: (t) => fault.heal(t),
  };
}
