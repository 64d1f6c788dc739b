/** Quorum 3 with one of three sentinels down → no +odown, no failover. */
import { expect } from 'chai';
import { Pause } from '../../../lib/faults/pause.ts';
import { StopSentinels } from '../../../lib/faults/stop-sentinels.ts';
import { ODOWN_AFTER_SDOWN_MS, sdownEarliestMs, sdownLatestMs } from '../../../lib/scenario/bounds.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, fault, faultFrom, injectMs } from './support.ts';

export const quorumUnreachable = (): Scenario => {
  return {
    id: 'quorum-unreachable',
    title: 'quorum 3, one sentinel dead, master frozen for 4 s',
    tags: ['sentinel', 'quorum', 'pause', 'no-failover'],
    description:
      'Sentinels monitor with quorum 3 (all three must agree). kill -9 sentinel-2; 300 ms later freeze the master for ' +
      '4 s — long enough for +sdown (down-after plus at most one 1 s PING period: 2.5 s at the default 1.5 s) and for ' +
      'the once-a-second exchange of opinions that would turn it into +odown (asserted) — then resume it. sentinel-2 ' +
      'is started again by the final heal.',
    expectation:
      'Both live sentinels see the master +sdown, but two opinions never make a quorum of 3: no +odown, so no failover ' +
      'is even attempted. The master resumes with its data; nothing is lost. A quorum equal to the number of sentinels ' +
      'means any single dead sentinel disables failover.',
    topology: { quorum: 3 },
    schedule: [
      { at: 0, fault: StopSentinels.last(1) },
      { at: 300, fault: new Pause('redis-0'), durationMs: 4000 },
    ],
    durationMs: 4500,
    failover: { expected: false, fromStep: 1 },
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const pause = fault(r, 1);
      e.that('both live sentinels saw the master +sdown', () => {
        const who = new Set(
          events(r, '+sdown', { since: faultFrom(pause), node: 'redis-0' })
            .filter((x) => x.instance?.kind === 'master')
            .map((x) => x.sentinel),
        );
        expect([...who]).to.have.members(['sentinel-0', 'sentinel-1']);
      });
      // Otherwise "no +odown" below would prove nothing: each live sentinel must have asked the other at least once
      // while both were +sdown.
      e.that(`+sdown in time, and the freeze outlasted both +sdown by an opinion exchange (${ODOWN_AFTER_SDOWN_MS} ms)`, () => {
        expect(e.num('failover-timing', 'sdownFirst')).to.be.within(sdownEarliestMs(r.topology, 'silent', injectMs(r, 1)), sdownLatestMs(r.topology, 'silent', injectMs(r, 1)));
        const sdowns = events(r, '+sdown', { since: faultFrom(pause), node: 'redis-0' }).filter((x) => x.instance?.kind === 'master');
        const first = (n: string): number => Math.min(...sdowns.filter((x) => x.sentinel === n).map((x) => x.time));
        const last = Math.max(first('sentinel-0'), first('sentinel-1'));
        expect((pause.end ?? 0) - last).to.be.at.least(ODOWN_AFTER_SDOWN_MS);
      });
      // Caught by: a Sentinel that counts fewer opinions than the quorum (two of three would do it).
      e.that('no +odown, no failover attempt, no switch', () => {
        expect(e.figure('failover-timing', 'odown')).to.equal(null);
        expect(e.figure('failover-timing', 'tryFailover')).to.equal(null);
        expect(e.check('failover-timing').valid).to.equal(true);
      });
      e.that('nothing was lost; redis-0 is still the master with its replicas', () => {
        expect(e.num('write-loss', 'lost')).to.equal(0);
        expect(e.figure('reattach', 'finalMaster')).to.equal('redis-0');
        expect(e.check('reattach').valid).to.equal(true);
      });
      e.that('topology converged (sentinel-2 restarted, three agree)', () => expect(e.check('convergence').valid).to.equal(true));
    },
  };
};
