/** kill -9 of one replica → no failover; the restarted replica resyncs from the master. */
import { expect } from 'chai';
import { failoverTiming, withOpts } from '../../../lib/checks/index.ts';
import { Kill } from '../../../lib/faults/kill.ts';
import type { History } from '../../../lib/model.ts';
import { sleep } from '../../../lib/clock.ts';
import { convergenceBoundMs, liveTimings, sdownEarliestMs, sdownLatestMs } from '../../../lib/scenario/bounds.ts';
import { defaultChecks } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { events, fault, faultFrom, healNow, injectMs } from './support.ts';

/** A replica's log line for a completed partial or full resync. */
// Valkey 8+ says primary where Redis says master ("PRIMARY <-> REPLICA sync: Finished with success").
const RESYNCED = /Successful partial resynchronization with (master|primary)|(MASTER|PRIMARY) <-> REPLICA sync: Finished with success/;

/** The workload's command timeout (WorkloadOptions.commandTimeoutMs default). */
const COMMAND_TIMEOUT_MS = 500;

export const killReplica = (): Scenario => {
  const kill = new Kill('redis-2');
  return {
    id: 'kill-replica',
    title: 'kill -9 one replica, restart it',
    tags: ['quick', 'kill', 'replica', 'no-failover'],
    description:
      'SIGKILL redis-2 (a replica) under write load and start it again once the sentinels marked it +sdown (after ' +
      'down-after, whatever it is set to). Persistence is off (`save ""`), but ' +
      'a replica still keeps on disk the RDB of its initial sync, with the replication id and offset in it: on restart it ' +
      'loads that and asks for a partial resync from that offset, which the master can serve from its backlog (1 MB, ' +
      'far more than the few seconds of writes here). Observed: a partial resync, no full sync.',
    expectation:
      'Sentinels mark the replica +sdown and, once back, -sdown; the master is never in doubt (no +odown, no failover); ' +
      'writes through Sentinel are not interrupted and nothing is lost; the replica resyncs (partially, see the ' +
      'description; a full sync would do as well) and catches up.',
    schedule: [{ at: 300, fault: kill }],
    during: async (ctx) => {
      // From the kill's invokedAt: the sentinels may publish +sdown before a slow docker kill has returned.
      const killed = ctx.faults[0] ? faultFrom(ctx.faults[0]) : ctx.scheduleStart;
      // Twice the latest +sdown the configuration allows (never under the 15 s the suite was tuned with).
      const waitMs = Math.max(15_000, 2 * sdownLatestMs(liveTimings(ctx.topology.options), 'closed'));
      const seen = await ctx.events.waitFor((x) => x.type === '+sdown' && x.instance?.host === 'redis-2', waitMs, killed);
      if (!seen) ctx.progress(`no +sdown of redis-2 within ${waitMs} ms; restarting it anyway`);
      await healNow(ctx, kill);
      await sleep(1000);
    },
    durationMs: 2200,
    failover: { expected: false },
    convergence: { timeoutMs: (t) => convergenceBoundMs(t) },
    checks: (c) =>
      defaultChecks(c).map((x) =>
        // Unavailability counted from the kill's invokedAt, not from its return: a docker kill that took 1.3 s under
        // load hid most of the writes a min-replicas-to-write 2 master refused (they failed before `start`).
        x.name === 'failover-timing'
          ? withOpts(failoverTiming, (h: History) => ({ faultStart: h.faults[0] ? faultFrom(h.faults[0]) : c.faultStart, quorum: c.topology.quorum, expectFailover: false }))
          : x,
      ),
    expect: (r, e) => {
      const killed = fault(r, 0);
      const sdownBy = sdownLatestMs(r.topology, 'closed', injectMs(r, 0));
      e.that('no failover, the master never went +sdown', () => {
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.figure('failover-timing', 'sdownFirst')).to.equal(null);
        expect(e.figure('failover-timing', 'odown')).to.equal(null);
      });
      e.that(`Sentinel noticed the dead replica (+sdown slave redis-2) down-after..${sdownBy} ms after the kill`, () => {
        const sdown = events(r, '+sdown', { since: faultFrom(killed), node: 'redis-2' });
        expect(sdown).to.have.length.greaterThan(0);
        expect((sdown[0]?.time ?? Infinity) - killed.start).to.be.within(sdownEarliestMs(r.topology, 'closed', injectMs(r, 0)), sdownBy);
      });
      // Caught by: a master that blocks writes when a replica goes away (e.g. min-replicas-to-write 2).
      e.that(`writes were never interrupted for more than a command timeout (${COMMAND_TIMEOUT_MS} ms)`, () =>
        expect(e.num('failover-timing', 'unavailableMs')).to.be.at.most(COMMAND_TIMEOUT_MS),
      );
      e.that('no acknowledged write lost', () => expect(e.num('write-loss', 'lost')).to.equal(0));
      e.that('the restarted replica resynced from the master (its log says so)', () => {
        const synced = r.history.logs.filter((l) => l.node === 'redis-2' && l.time >= killed.start && RESYNCED.test(l.text));
        expect(synced).to.have.length.greaterThan(0);
      });
      e.that('both replicas replicate from redis-0, caught up', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'finalMaster')).to.equal('redis-0');
      });
      e.that('topology converged on redis-0', () => expect(e.figure('convergence', 'master')).to.equal('redis-0'));
    },
  };
};
