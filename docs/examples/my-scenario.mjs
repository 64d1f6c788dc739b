// A user's own scenario for sentinel-chaos (docs/writing-scenarios.md walks through it).
// Run it with: npx sentinel-chaos run --scenarios-from ./my-scenario.mjs
// The package's integration test (suites/integration/package.spec.ts) runs this very file.
import assert from 'node:assert/strict';
import { Kill } from 'sentinel-chaos';

/** Sentinel pings every instance once a second: +sdown can come up to one period before or after down-after. */
const PING_PERIOD_MS = 1000;

// A factory: every run gets fresh objects (a fault keeps state between inject and heal).
export const scenarios = () => {
  const kill = new Kill('master');
  return [
    {
      id: 'my-kill-master',
      title: 'kill -9 the master; my writers must be back before Sentinel would give up',
      tags: ['mine', 'kill'],
      description: 'SIGKILL the master under 2 writers at 100 writes/s; restart it 5 s later as the old master.',
      expectation: 'One failover; writes resume before down-after + one ping period + failover-timeout; the old master comes back as a replica.',
      // Topology options (defaults: 2 replicas, 3 sentinels, quorum 2). --sentinel-conf may replace the timings:
      // the expectations below read the effective values from the result, so they follow.
      topology: { replicas: 2, sentinels: 3, quorum: 2, downAfterMs: 1500, failoverTimeoutMs: 6000 },
      // Writers through Sentinel (client group 0): each write is SADD of a unique element, recorded ok/failed/unknown.
      workload: { workers: [{ group: 0, f: 'add', processes: 2, rate: 100 }] },
      // 500 ms into the workload kill the master; heal (restart it) 5 s later.
      schedule: [{ at: 500, fault: kill, durationMs: 5000 }],
      durationMs: 7000,
      failover: { expected: true },
      // Asynchronous replication: writes acknowledged just before the kill may be lost; write-loss then judges
      // only that every lost write is accounted for.
      allowLoss: true,
      convergence: { timeoutMs: 15_000 },
      expect: (r, e) => {
        const { downAfterMs, failoverTimeoutMs } = r.topology;
        e.that('exactly one failover, no TILT', () => {
          assert.equal(e.num('failover-timing', 'failovers'), 1);
          assert.equal(e.num('failover-timing', 'tilt'), 0);
        });
        e.that('the sentinels waited down-after (from their last PONG) before flagging the master', () => {
          // kill -9 drops the sentinels' links; Sentinel then counts a dropped link from its last PONG (last_avail_time),
          // which can be up to one ping period older than the kill, until a reconnection's PING is pending.
          assert.ok(e.num('failover-timing', 'sdownFirst') >= downAfterMs - PING_PERIOD_MS, `sdown after ${e.num('failover-timing', 'sdownFirst')} ms`);
        });
        e.that('writes back before down-after + one ping period + failover-timeout', () => {
          const bound = downAfterMs + PING_PERIOD_MS + failoverTimeoutMs;
          assert.ok(e.num('failover-timing', 'clientRecovery') <= bound, `recovered after ${e.num('failover-timing', 'clientRecovery')} ms > ${bound} ms`);
        });
      },
    },
  ];
};
