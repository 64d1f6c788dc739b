/**
 * Port of Redis's tests/sentinel/tests/10-replica-priority.tcl (replica-announced), taken through a failover: a
 * replica with `replica-announced no` is left out of SENTINEL REPLICAS (so clients discovering replicas never see it)
 * but Sentinel still monitors it, and a failover must still reconfigure it to replicate from the new master.
 */
import { expect } from 'chai';
import { Kill } from '../../../lib/faults/kill.ts';
import { defaultChecks } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import type { StartedSentinelTopology } from '../../../lib/topology/topology.ts';
import { events, healNow, injectNow, nodeOf, Observations, switchedSince } from './support.ts';
import { pollUntil } from './sentinel-suite-support.ts';

/** The replicas each sentinel lists in SENTINEL REPLICAS, "redis-0,redis-1 | redis-1 | ...". */
async function listed(t: StartedSentinelTopology): Promise<string> {
  const per = await Promise.all(
    t.sentinelNames().map(async (s) => {
      const reply = (await t.adminCall(s, 'SENTINEL', 'REPLICAS', t.masterName)) as unknown[][];
      const names = reply.map((fields) => {
        const i = fields.findIndex((f) => String(f) === 'name');
        return String(fields[i + 1] ?? '?').replace(/:\d+$/, '');
      });
      return names.sort().join(',');
    }),
  );
  return per.join(' | ');
}

export const replicaUnannounced = (): Scenario => {
  const seen = new Observations();
  const kill = new Kill('master');
  return {
    id: 'replica-unannounced',
    title: 'replica-announced no: hidden from SENTINEL REPLICAS, still reconfigured by a failover',
    tags: ['sentinel-suite', 'extended', 'config', 'kill', 'failover'],
    requires: ['replica-announced'], // replica-announced exists from Redis 6.2
    description:
      'CONFIG SET replica-announced no and replica-priority 0 on redis-2 (hidden, and never the one promoted, so the ' +
      'failover has to reconfigure it); wait until every sentinel lists only redis-1 (two INFO periods). Then kill -9 ' +
      'the master and start it again after the switch; read SENTINEL REPLICAS from every sentinel once the old master ' +
      'has reattached.',
    expectation:
      'Sentinel reads replica_announced:0 from redis-2\'s INFO and leaves it out of SENTINEL REPLICAS, but keeps ' +
      'monitoring it. The failover promotes redis-1 and sends redis-2 SLAVEOF redis-1 (+slave-reconf-sent) like any ' +
      'replica; redis-2 ends replicating from redis-1, caught up, and is still hidden: SENTINEL REPLICAS lists only ' +
      'the reattached old master.',
    schedule: [],
    durationMs: 1000,
    // The kill comes from `during` (after the INFO wait), so failover-timing measures from the workload start: no budget.
    failover: { expected: true },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    during: async (ctx) => {
      seen.reset();
      const t = ctx.topology;
      const info = t.options.sentinelDebug['info-period'] ?? 10_000;
      const n = t.sentinelNames().length;
      await t.adminCall('redis-2', 'CONFIG', 'SET', 'replica-announced', 'no');
      await t.adminCall('redis-2', 'CONFIG', 'SET', 'replica-priority', 0);
      const hidden = await pollUntil(() => listed(t), (v) => v === Array.from({ length: n }, () => 'redis-1').join(' | '), 2 * info);
      seen.set('listedBefore', hidden.value ?? null);
      const killed = await injectNow(ctx, kill);
      await switchedSince(ctx, killed.start);
      await healNow(ctx, kill);
      const after = await pollUntil(() => listed(t), (v) => v.split(' | ').every((x) => x === 'redis-0'), 4 * info);
      seen.set('listedAfter', after.value ?? null);
    },
    checks: (c) => [...defaultChecks(c), seen.check()],
    expect: (r, e) => {
      const n = r.topology.sentinels;
      e.that('before: every sentinel lists redis-1 only (redis-2 hidden)', () =>
        expect(e.figure('observed', 'listedBefore')).to.equal(Array.from({ length: n }, () => 'redis-1').join(' | ')),
      );
      e.that('redis-1 was promoted (redis-2 has priority 0)', () => {
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.equal('redis-1');
      });
      e.that('the failover reconfigured the hidden redis-2 (+slave-reconf-sent, then +slave-reconf-done)', () => {
        expect(events(r, '+slave-reconf-sent', { node: 'redis-2' })).to.have.length.greaterThan(0);
        expect(events(r, '+slave-reconf-done', { node: 'redis-2' })).to.have.length.greaterThan(0);
      });
      e.that('redis-2 ends replicating from redis-1, caught up; the old master too', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'finalMaster')).to.equal('redis-1');
        expect(e.figure('reattach', 'redis-2.ms')).to.be.a('number');
      });
      e.that('after: every sentinel lists only the reattached old master (redis-2 still hidden)', () =>
        expect(e.figure('observed', 'listedAfter')).to.equal(Array.from({ length: n }, () => 'redis-0').join(' | ')),
      );
      e.that('at most the writes in flight lost (<= 20); no split brain; converged on redis-1', () => {
        expect(e.num('write-loss', 'lost')).to.be.at.most(20);
        expect(e.check('split-brain').valid).to.equal(true);
        expect(e.figure('convergence', 'master')).to.equal('redis-1');
      });
    },
  };
};
