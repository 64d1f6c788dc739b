/**
 * One sentinel alone loses the master (only the link sentinel-0 → redis-0 is cut, one way): it must reach +sdown on
 * down-after's schedule, and nothing more — the other sentinels still see the master, so there is no +odown and no
 * failover; after the heal it clears the +sdown within a reconnection period. Redis's suite checks the same rule
 * from the other side (00-base.tcl "ODOWN is not possible without N (quorum) Sentinels reports").
 */
import { expect } from 'chai';
import { CutLinks } from '../../../lib/faults/cut-links.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, fault } from './support.ts';
import { pauseMs, pingPeriodMs, SDOWN_LATE_MS, SENTINEL_TICK_MS } from './sentinel-suite-support.ts';

export const sentinelMasterOneway = (): Scenario => {
  const downAfter = 1500;
  const cutMs = pauseMs(downAfter);
  const cut = new CutLinks([{ from: 'sentinel-0', to: 'redis-0' }]);
  return {
    id: 'sentinel-master-oneway',
    title: 'only sentinel-0 loses the master (one-way cut): its +sdown, no +odown, no failover',
    tags: ['sentinel-suite', 'sentinel', 'partition', 'no-failover'],
    description:
      `Cut the link sentinel-0 → redis-0 (sentinel-0's PING, INFO and hello connections to the master) for ${cutMs} ms: ` +
      'down-after + one PING period + 0.5 s. Every other link stays up.',
    expectation:
      'sentinel-0 gets no PING reply from the master and marks it +sdown once down-after has passed since its last ' +
      'reply — between down-after minus one PING period and down-after (plus three timer ticks: the PING of the reconnection attempt restarts the clock) after the cut. It asks its peers ' +
      '(is-master-down-by-addr); they still get replies and say no, so with quorum 2 there is no +odown and no failover. ' +
      'No other sentinel marks the master down. Writes go on: nothing is lost. After the heal sentinel-0 reconnects ' +
      'within one PING period and clears its -sdown.',
    topology: { downAfterMs: downAfter },
    schedule: [{ at: 300, fault: cut, durationMs: cutMs }],
    durationMs: 300 + cutMs + 2 * pingPeriodMs(downAfter),
    failover: { expected: false },
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const f = fault(r, 0);
      const cutDone = f.start + Number(f.detail?.['injectMs'] ?? 0);
      const da = r.topology.downAfterMs;
      const ping = pingPeriodMs(da);
      const masterSdown = events(r, '+sdown', { node: 'redis-0' }).filter((x) => x.instance?.kind === 'master');
      e.that('only sentinel-0 marked the master +sdown, once', () => expect(masterSdown.map((x) => x.sentinel)).to.deep.equal(['sentinel-0']));
      e.that(`its +sdown came between down-after − one PING period (${da - ping} ms) and down-after + 3 ticks (${da + SDOWN_LATE_MS} ms) after the cut`, () => {
        const at = masterSdown[0]?.time ?? Infinity;
        expect(at - f.start).to.be.at.least(da - ping);
        expect(at - cutDone).to.be.at.most(da + SDOWN_LATE_MS);
      });
      e.that(`after the heal, -sdown within one PING period + 2 ticks (${ping + 2 * SENTINEL_TICK_MS} ms)`, () => {
        const healed = f.end ?? Infinity;
        const up = events(r, '-sdown', { sentinel: 'sentinel-0', node: 'redis-0', since: f.start }).filter((x) => x.instance?.kind === 'master');
        expect(up, '-sdown').to.have.length(1);
        expect((up[0]?.time ?? Infinity) - healed).to.be.at.most(ping + 2 * SENTINEL_TICK_MS);
      });
      e.that('no +odown, no failover attempt', () => {
        expect(events(r, '+odown')).to.have.length(0);
        expect(e.figure('failover-timing', 'tryFailover')).to.equal(null);
        expect(e.check('failover-timing').valid).to.equal(true);
      });
      e.that('nothing lost; no split brain; converged on redis-0 with its replicas', () => {
        expect(e.num('write-loss', 'lost')).to.equal(0);
        expect(e.check('split-brain').valid).to.equal(true);
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('convergence', 'master')).to.equal('redis-0');
      });
    },
  };
};
