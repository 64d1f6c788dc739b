/** Kill the master, then the newly promoted master → a second failover to the last replica. */
import { expect } from 'chai';
import { sleep } from '../../../lib/clock.ts';
import { Kill } from '../../../lib/faults/kill.ts';
import { failoverBudgetMs, inFlightLossBound } from '../../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, expectBoundedFailover, faultFrom, healNow, injectMs, injectNow, nodeOf, switchedSince } from './support.ts';

export const cascadingFailover = (): Scenario => {
  const first = new Kill('master');
  const second = new Kill('master');
  return {
    id: 'cascading-failover',
    title: 'kill -9 the master, then kill -9 the new master after the failover',
    tags: ['kill', 'failover', 'cascade'],
    description:
      'kill -9 the master; 0.3 s after the sentinels switched, kill -9 whichever node they now report as master ' +
      '(resolved at that moment). Both stay down until 0.2 s after the second switch, then both are started again ' +
      '(empty: persistence is off).',
    expectation:
      'Two failovers in a row: the first promotes one replica, the second the last replica standing — which was ' +
      'reconfigured to replicate from the first new master, so it has its writes. Sentinel may fail over the same ' +
      'master name again as soon as the previous failover is done (the failover-timeout only delays retries of a ' +
      'failed attempt). Both restarted nodes come back empty as masters and are converted into replicas of the last one.',
    schedule: [{ at: 300, fault: first }],
    during: async (ctx) => {
      const a = await switchedSince(ctx, ctx.faults[0]?.start ?? ctx.scheduleStart);
      await sleep(300);
      if (a === undefined) ctx.progress('no first failover within 15 s; killing the reported master anyway');
      const killed = await injectNow(ctx, second);
      // Away from the node just killed: a sentinel's late +switch-master of the first failover must not count.
      const b = await switchedSince(ctx, killed.start, { from: killed.targets[0] ?? '' });
      if (b === undefined) ctx.progress('no second failover within 15 s');
      await sleep(200);
      await Promise.all([healNow(ctx, first), healNow(ctx, second)]);
      await sleep(500);
    },
    durationMs: 2500,
    failover: { expected: true },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const [k1, k2] = r.history.faults;
      e.that('two masters were killed: redis-0, then the first promoted replica', () => {
        expect(k1?.targets).to.deep.equal(['redis-0']);
        expect(k2?.targets[0]).to.be.oneOf(['redis-1', 'redis-2']);
      });
      e.that('two failovers (two elected leaders, two new masters), phases in order', () => {
        // Not the `failovers` figure: a sentinel still finishing the first failover when the second one ends jumps
        // straight from the first master to the third, which counts as a third distinct old→new pair. Not the
        // epochs either: two sentinels that try at once take two epochs for one failover (the later one wins).
        const since = k1?.start ?? 0;
        const leaders = events(r, '+elected-leader', { since });
        const targets = new Set(events(r, '+switch-master', { since }).map((x) => x.switchMaster?.to.host));
        expect(leaders, '+elected-leader').to.have.length(2);
        expect([...targets]).to.have.members([k2?.targets[0], ['redis-1', 'redis-2'].find((n) => n !== k2?.targets[0])]);
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.equal(k2?.targets[0]);
      });
      e.that('the last replica standing is the final master', () => {
        const last = ['redis-1', 'redis-2'].find((n) => n !== k2?.targets[0]);
        expect(e.figure('convergence', 'master')).to.equal(last);
        expect(e.figure('reattach', 'finalMaster')).to.equal(last);
      });
      e.that('both killed nodes came back and replicate from it, caught up', () => expect(e.check('reattach').valid).to.equal(true));
      expectBoundedFailover(r, e, 'closed');
      const second = failoverBudgetMs(r.topology, 'closed', injectMs(r, 1));
      e.that(`the second switch came within the failover budget of the second kill (${second} ms)`, () => {
        const after = events(r, '+switch-master', { since: k2 ? faultFrom(k2) : Infinity }).filter((x) => x.switchMaster?.from.host === k2?.targets[0]);
        expect(after, '+switch-master away from the second killed node').to.have.length.greaterThan(0);
        expect((after[0]?.time ?? Infinity) - (k2?.start ?? 0)).to.be.at.most(second);
      });
      const maxLost = 2 * inFlightLossBound(DEFAULT_WORKLOAD);
      e.that(`at most the writes within the replication lag of the two kills were lost (<= ${maxLost})`, () =>
        expect(e.num('write-loss', 'lost')).to.be.at.most(maxLost),
      );
    },
  };
};
