/** The same split brain with min-replicas-to-write 1: the old master stops accepting writes, loss is bounded. */
import { expect } from 'chai';
import { now, sleep } from '../../../lib/clock.ts';
import { Partition } from '../../../lib/faults/partition.ts';
import { inFlightLossBound, rateWindowRange, SCHEDULING_SLACK_MS } from '../../../lib/scenario/bounds.ts';
import { defaultChecks } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { expectBoundedFailover, fault, healNow, lostWrites, nodeOf, okWrites, pinnedWritesCheck, switchedSince } from './support.ts';
import { DIRECT_RATE, majority, minority, SENTINEL_WRITERS, splitBrainWorkload } from './split-brain.ts';

/** min-replicas-max-lag, seconds. */
const MAX_LAG_S = 1;
/**
 * How long after the cut the old master can still acknowledge writes. It keeps a replica "good" while
 * `unixtime - last ACK time <= max-lag`, in whole seconds, so for up to max-lag + 1 s of real time after the last
 * ACK it received (which is at or before the cut); it re-counts good replicas once a second (replicationCron),
 * which adds up to 1 s. So writes are refused at the latest max-lag + 2 s after the cut.
 */
const ACCEPT_WINDOW_MS = (MAX_LAG_S + 2) * 1000;

/** The partition lasts at least this long, so the refusals after the accept window are seen. */
const MIN_PARTITION_MS = ACCEPT_WINDOW_MS + 1500;

/**
 * min-replicas-to-write prevents a split brain only if the old master stops acknowledging before the sentinels can
 * elect a new one. Under a silent cut a sentinel's last PING reply can be up to one ping period (1 s) old at the
 * cut, so +sdown (and so any promotion) comes no sooner than down-after - 1 s after it. With down-after 1.5 s that
 * is 0.5 s — inside the accept window — and whether deposed writes happen is a race. Here down-after is set so that
 * down-after - 1 s exceeds the accept window by a second: the guard must then leave no write acknowledged by a
 * deposed master (split-brain valid), and only the writes acknowledged before the election are lost.
 */
const DOWN_AFTER_MS = ACCEPT_WINDOW_MS + 2000;

const direct = (o: { via: string }): boolean => o.via === 'direct:redis-0';

export const splitBrainMinReplicas = (): Scenario => {
  const partition = new Partition([minority(), majority()], { mode: 'silent' });
  return {
    id: 'split-brain-min-replicas',
    title: `silent partition of the master and a pinned writer, min-replicas-to-write 1, max-lag ${MAX_LAG_S} s, down-after ${DOWN_AFTER_MS / 1000} s`,
    tags: ['partition', 'split-brain', 'failover', 'loss', 'min-replicas'],
    description:
      `As split-brain, with \`min-replicas-to-write 1\` and \`min-replicas-max-lag ${MAX_LAG_S}\` on every node, and a ` +
      'SILENT partition (healed 0.3 s after the failover, and no sooner than max-lag + 3.5 s after the cut): bytes are dropped, connections stay open (a firewall dropping packets). A partition that ' +
      'closes connections would tell the master at once that its replicas are gone and it would refuse writes ' +
      "immediately; min-replicas-max-lag is the guard for the silent case, which it can only detect by the replicas' " +
      'once-a-second ACKs going stale. Side effect of the silent cut: Sentinel-routed clients stay stuck on their open ' +
      'connection to the old master (command timeouts do not make ioredis reconnect) until Sentinel kills client ' +
      'connections when it demotes it after the heal, so their unavailability spans the partition.',
    expectation:
      `The majority fails over. The old master acknowledges the pinned writer for at most ${ACCEPT_WINDOW_MS / 1000} s ` +
      '(max-lag + 2 s, see ACCEPT_WINDOW_MS) after the cut, then answers NOREPLICAS for the rest of the partition. Writes ' +
      `it acknowledged in that window are lost: between ${DIRECT_RATE}/s × ${MAX_LAG_S} s and ${DIRECT_RATE}/s × ` +
      `${ACCEPT_WINDOW_MS / 1000} s — versus the whole partition's worth without min-replicas. With down-after ` +
      `${DOWN_AFTER_MS / 1000} s the sentinels cannot elect a new master before that window has closed, so no write is ` +
      'acknowledged by a deposed master (the split-brain check stays valid): the lost writes were acknowledged while ' +
      'redis-0 was still the elected master.',
    topology: {
      downAfterMs: DOWN_AFTER_MS,
      clientGroups: 2,
      redisConfig: ['min-replicas-to-write 1', `min-replicas-max-lag ${MAX_LAG_S}`],
    },
    workload: splitBrainWorkload(),
    schedule: [{ at: 300, fault: partition }],
    during: async (ctx) => {
      const cut = ctx.faults[0]?.start ?? ctx.scheduleStart;
      const switched = (await switchedSince(ctx, cut)) ?? now();
      await sleep(Math.max(0, switched + 300 - now(), cut + MIN_PARTITION_MS - now()));
      await healNow(ctx, partition);
      await sleep(500);
    },
    durationMs: 2500,
    failover: { expected: true },
    // Caught by pinned-writes: a master that acknowledges the pinned writer after the accept window (min-replicas ignored).
    checks: (c) => [...defaultChecks(c), pinnedWritesCheck('redis-0', { refuseAfterMs: ACCEPT_WINDOW_MS + SCHEDULING_SLACK_MS })],
    // Writes acknowledged inside the accept window are lost by design: write-loss judges correctness only.
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const cut = fault(r, 0);
      const healed = cut.end ?? Infinity;
      e.that('the majority promoted a replica, one failover', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
      });
      // Silent: the sentinels' connections stay open, so detection waits for an unanswered PING; Sentinel-routed
      // clients stay on their silent connection to redis-0 until the heal, so their outage is not a failover figure.
      expectBoundedFailover(r, e, 'silent', { clientsFollow: false });
      e.that(`the old master stopped acknowledging within max-lag + 2 s (+${SCHEDULING_SLACK_MS} ms) of the cut (pinned-writes check)`, () => {
        expect(e.check('pinned-writes').valid).to.equal(true);
        const late = okWrites(r, (o) => direct(o) && o.complete > cut.start + ACCEPT_WINDOW_MS + SCHEDULING_SLACK_MS && o.complete < healed);
        expect(late, 'writes acknowledged by redis-0 late in the partition').to.have.length(0);
      });
      const refusedRange = rateWindowRange(DIRECT_RATE, MIN_PARTITION_MS - ACCEPT_WINDOW_MS, 1);
      e.that(`it refused the pinned writer with NOREPLICAS for the rest of the partition (>= ${refusedRange.min})`, () => {
        const refused = r.history.ops.filter(
          (o) => direct(o) && o.outcome === 'failed' && /NOREPLICAS/.test(o.error ?? '') && o.invoke < healed,
        );
        expect(refused).to.have.length.at.least(refusedRange.min);
      });
      // At least max-lag s of acknowledgements (the replica ACKed at most at the cut; the lag is counted in whole
      // seconds), at most the accept window's worth.
      const lostMin = rateWindowRange(DIRECT_RATE, MAX_LAG_S * 1000, 1).min;
      const lostMax = Math.ceil((DIRECT_RATE * ACCEPT_WINDOW_MS) / 1000) + 1;
      e.that(`pinned writes acknowledged in the accept window were lost: ${lostMin}..${lostMax} (${DIRECT_RATE}/s x max-lag .. max-lag + 2 s)`, () => {
        const lost = lostWrites(r).filter((o) => direct(o) && o.complete > cut.start);
        expect(lost.length).to.be.within(lostMin, lostMax);
      });
      const maxOther = inFlightLossBound(SENTINEL_WRITERS);
      e.that(`writes through Sentinel lost: at most those within the replication lag of the cut (<= ${maxOther})`, () =>
        expect(lostWrites(r).filter((o) => !direct(o))).to.have.length.at.most(maxOther),
      );
      e.that('after the heal the old master was demoted and resynced from the new master', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'finalMaster')).to.not.equal('redis-0');
      });
      e.that('topology converged', () => expect(e.check('convergence').valid).to.equal(true));
    },
  };
};
