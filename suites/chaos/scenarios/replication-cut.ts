/**
 * Only the replication links are cut (replica → master), for longer than Sentinel's failure detection would need:
 * the sentinels still reach the master, so nothing may fail over — Sentinel judges the master by its own PINGs, not
 * by what the replicas say — and after the heal the replicas resync on their own.
 */
import { expect } from 'chai';
import { CutLinks } from '../../../lib/faults/cut-links.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, fault } from './support.ts';
import { pauseMs } from './sentinel-suite-support.ts';

/** Redis's replicationCron runs once a second: a replica notices its broken link and reconnects on that period. */
export const REPLICATION_CRON_MS = 1000;

export const replicationCut = (): Scenario => {
  // Same length as runtime-reconf's pause: one that would certainly fail over if the master itself were unreachable.
  const cutMs = pauseMs(1500);
  const cut = new CutLinks(
    [
      { from: 'redis-1', to: 'redis-0' },
      { from: 'redis-2', to: 'redis-0' },
    ],
    { name: 'cut replication redis-1→redis-0, redis-2→redis-0' },
  );
  return {
    id: 'replication-cut',
    title: 'replication links cut, sentinels still see the master: no failover; replicas resync after the heal',
    tags: ['sentinel-suite', 'partition', 'no-failover'],
    description:
      `Cut the links redis-1→redis-0 and redis-2→redis-0 (the replicas' replication connections) for ${cutMs} ms — ` +
      'down-after (1500) + one PING period + 0.5 s, long enough to fail over a master the sentinels could not reach. ' +
      'Sentinels, clients and everything else keep their links.',
    expectation:
      'The replicas report master_link_status down; the sentinels keep getting PING replies from the master, so no ' +
      '+sdown, no +odown, no failover. Writes go on on the master: nothing is lost. After the heal each replica ' +
      'reconnects on its next replication cron (once a second) and resyncs (a partial resync from the backlog), ' +
      'caught up within two cron periods.',
    topology: { downAfterMs: 1500 },
    schedule: [{ at: 300, fault: cut, durationMs: cutMs }],
    durationMs: 300 + cutMs + 2 * REPLICATION_CRON_MS,
    failover: { expected: false },
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      const f = fault(r, 0);
      const end = f.end ?? Infinity;
      e.that('the cut bit: both replicas polled with their master link down during the cut', () => {
        for (const n of ['redis-1', 'redis-2']) {
          const down = r.history.polls.filter((p) => p.node === n && p.time > f.start && p.time < end && p.linkUp === false);
          expect(down.length, n).to.be.greaterThan(0);
        }
      });
      e.that('no sentinel marked the master +sdown; no +odown, no failover', () => {
        expect(events(r, '+sdown', { node: 'redis-0' }).filter((x) => x.instance?.kind === 'master')).to.have.length(0);
        expect(e.figure('failover-timing', 'odown')).to.equal(null);
        expect(e.check('failover-timing').valid).to.equal(true);
      });
      e.that('nothing lost; no split brain', () => {
        expect(e.num('write-loss', 'lost')).to.equal(0);
        expect(e.check('split-brain').valid).to.equal(true);
      });
      e.that(`both replicas resynced from redis-0 within two replication-cron periods (${2 * REPLICATION_CRON_MS} ms) of the heal`, () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'finalMaster')).to.equal('redis-0');
        expect(e.num('reattach', 'redis-1.ms')).to.be.at.most(2 * REPLICATION_CRON_MS);
        expect(e.num('reattach', 'redis-2.ms')).to.be.at.most(2 * REPLICATION_CRON_MS);
      });
      e.that('topology converged on redis-0', () => expect(e.figure('convergence', 'master')).to.equal('redis-0'));
    },
  };
};
