/**
 * TILT (sentinel.c sentinelCheckTiltCondition): a sentinel whose timer was not run for longer than the TILT trigger
 * (2 s) distrusts every timeout it measured, enters TILT, collects information but takes no action for the TILT
 * period, then leaves it. Here sentinel-0 is frozen past the trigger, and the master is killed while sentinel-0 is in
 * TILT: the other two must fail over, sentinel-0 must not even mark the master down until it leaves TILT.
 */
import { expect } from 'chai';
import { now } from '../../../lib/clock.ts';
import { Kill } from '../../../lib/faults/kill.ts';
import { Pause } from '../../../lib/faults/pause.ts';
import { DEFAULT_SENTINEL_DEBUG } from '../../../lib/scenario/suite.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, fault, faultFrom, healAfterSwitch, nodeOf } from './support.ts';
import { pingPeriodMs, SENTINEL_TICK_MS } from './sentinel-suite-support.ts';

/** The down-after this scenario is designed around (the topology default). */
const DESIGN_DOWN_AFTER_MS = 1500;

/** sentinel.c: SENTINEL_TILT_TRIGGER, the longest timer gap Sentinel accepts without entering TILT. */
export const TILT_TRIGGER_MS = 2000;

/**
 * The TILT period used here (Sentinel's default is 30 s; `SENTINEL DEBUG tilt-period`, Redis >= 7.0): three times
 * down-after, long enough to cover the other sentinels' whole failure detection (down-after + a PING period) and
 * failover while sentinel-0 stays in TILT.
 */
export function tiltPeriodMs(downAfterMs: number): number {
  return 3 * downAfterMs;
}

export const sentinelTilt = (): Scenario => {
  // Pinned (and set on the topology below): the fault's length is derived from it when the scenario is built.
  const downAfter = DESIGN_DOWN_AFTER_MS;
  const freezeMs = TILT_TRIGGER_MS + 1000;
  const freeze = new Pause('sentinel-0');
  const kill = new Kill('master');
  return {
    id: 'sentinel-tilt',
    title: 'a sentinel frozen past the TILT trigger enters TILT, does nothing while the others fail over, leaves TILT',
    tags: ['sentinel-suite', 'extended', 'sentinel', 'tilt', 'pause', 'kill', 'failover'],
    requires: ['sentinel-debug'], // the TILT period can only be shortened with SENTINEL DEBUG (Redis >= 7.0)
    description:
      `Freeze sentinel-0 (docker pause) for ${freezeMs} ms — past Sentinel's 2 s TILT trigger — and resume it; 200 ms ` +
      'later kill -9 the master (started again 0.2 s after the switch). The sentinels run with SENTINEL DEBUG ' +
      `tilt-period ${tiltPeriodMs(downAfter)} (3 × down-after) instead of the default 30 s, so TILT ends within the run.`,
    expectation:
      "On resume sentinel-0's timer sees a gap over 2 s and publishes +tilt within a tick. For the TILT period it acts " +
      'on nothing: no +sdown of the dead master (it does not even run the check), no +odown, no failover attempt — ' +
      'although the master is down for longer than down-after + one PING period inside that period. sentinel-1 and ' +
      'sentinel-2 are a quorum and a majority: they fail over as usual. sentinel-0 publishes -tilt once the period has ' +
      'passed (within two ticks) and ends agreeing on the new master; there is one failover only.',
    topology: { downAfterMs: downAfter, sentinelDebug: { ...DEFAULT_SENTINEL_DEBUG, 'tilt-period': tiltPeriodMs(downAfter) } },
    schedule: [
      { at: 300, fault: freeze, durationMs: freezeMs },
      { at: 300 + freezeMs + 200, fault: kill },
    ],
    during: async (ctx) => {
      await healAfterSwitch(kill, { thenMs: 0 })(ctx);
      // Run until sentinel-0 has left TILT (bounded by the period and a margin of a PING period).
      const tilt = await ctx.events.waitFor((x) => x.type === '+tilt' && x.sentinel === 'sentinel-0', 1, ctx.scheduleStart);
      const until = (tilt?.time ?? ctx.scheduleStart) + tiltPeriodMs(downAfter) + pingPeriodMs(downAfter);
      await ctx.events.waitFor((x) => x.type === '-tilt' && x.sentinel === 'sentinel-0', Math.max(0, until - now()), ctx.scheduleStart);
    },
    durationMs: 300 + freezeMs + 200 + 2500,
    failover: { expected: true, budgetMs: 8000, fromStep: 1 },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const da = r.topology.downAfterMs;
      const period = tiltPeriodMs(da);
      const frozen = fault(r, 0);
      const killed = fault(r, 1);
      const resumed = frozen.end ?? Infinity;
      const enter = events(r, '+tilt', { sentinel: 'sentinel-0' });
      const leave = events(r, '-tilt', { sentinel: 'sentinel-0' });
      e.that('the report notes the shortened TILT period', () => expect(r.topology.notes.join('; ')).to.contain(`tilt-period ${period}`));
      e.that(`sentinel-0 entered TILT once: after a timer gap over the trigger (${TILT_TRIGGER_MS} ms), within 2 ticks of its resume`, () => {
        expect(enter).to.have.length(1);
        expect((enter[0]?.time ?? Infinity) - frozen.start).to.be.above(TILT_TRIGGER_MS);
        expect((enter[0]?.time ?? Infinity) - resumed).to.be.at.most(2 * SENTINEL_TICK_MS);
      });
      e.that(`sentinel-0 left TILT after the period (${period} ms), within 2 ticks`, () => {
        expect(leave).to.have.length(1);
        expect((leave[0]?.time ?? Infinity) - (enter[0]?.time ?? 0)).to.be.within(period, period + 2 * SENTINEL_TICK_MS);
      });
      e.that('the master was dead for longer than down-after + one PING period inside the TILT period', () =>
        expect(killed.start + da + pingPeriodMs(da) + SENTINEL_TICK_MS).to.be.below(leave[0]?.time ?? -Infinity),
      );
      e.that('while in TILT sentinel-0 took no action: no +sdown of the master, no +odown, no failover attempt', () => {
        const inTilt = { sentinel: 'sentinel-0', since: enter[0]?.time ?? 0, until: leave[0]?.time ?? Infinity };
        expect(events(r, '+sdown', { ...inTilt, node: 'redis-0' }).filter((x) => x.instance?.kind === 'master')).to.have.length(0);
        for (const type of ['+odown', '+try-failover', '+elected-leader']) expect(events(r, type, inTilt), type).to.have.length(0);
      });
      e.that('sentinel-1 and sentinel-2 failed over: one failover to a replica within the budget', () => {
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(events(r, '+elected-leader', { since: faultFrom(killed) }).map((x) => x.sentinel)).to.not.include('sentinel-0');
      });
      e.that('old master reattached; at most the writes in flight lost (<= 20); no split brain; all three agree', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.num('write-loss', 'lost')).to.be.at.most(20);
        expect(e.check('split-brain').valid).to.equal(true);
        expect(e.check('convergence').valid).to.equal(true);
      });
    },
  };
};
