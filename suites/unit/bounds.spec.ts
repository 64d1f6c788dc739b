/** The scenario bounds follow the configuration a result records: down-after and the SENTINEL DEBUG periods. */
import { expect } from 'chai';
import {
  convergenceBoundMs,
  failoverBudgetMs,
  liveTimings,
  inFlightLossBound,
  rateWindowRange,
  sdownEarliestMs,
  sdownLatestMs,
  sentinelPeriods,
  type Timings,
  type TopologyFacts,
} from '../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD } from '../../lib/scenario/runner.ts';

function facts(downAfterMs: number, notes: string[] = []): TopologyFacts {
  return { redisImage: 'r', sentinelImage: 's', toxiproxyImage: 't', downAfterMs, failoverTimeoutMs: 6000, quorum: 2, replicas: 2, sentinels: 3, notes };
}

describe('scenario bounds', () => {
  const debug = ["SENTINEL DEBUG info-period 1000 publish-period 500 (shortens Sentinel's internal periods)"];

  it("reads the SENTINEL DEBUG periods from the result's notes, else Sentinel's defaults", () => {
    expect(sentinelPeriods(facts(1500, debug))).to.deep.equal({ pingMs: 1000, infoMs: 1000, publishMs: 500 });
    expect(sentinelPeriods(facts(1500))).to.deep.equal({ pingMs: 1000, infoMs: 10_000, publishMs: 2000 });
    // The ping period is min(down-after, 1000).
    expect(sentinelPeriods(facts(400)).pingMs).to.equal(400);
  });

  it('moves the detection bound and the failover budget with down-after, one for one', () => {
    const a = facts(1500, debug);
    const b = facts(3000, debug);
    expect(sdownLatestMs(b, 'closed') - sdownLatestMs(a, 'closed')).to.equal(1500);
    expect(failoverBudgetMs(b, 'silent') - failoverBudgetMs(a, 'silent')).to.equal(1500);
    // A 1.5 x down-after no longer fits the closed-connection detection bound of the configured one.
    expect(2250 + 100).to.be.above(sdownLatestMs(a, 'closed'));
  });

  it('the earliest +sdown is down-after (silent) or down-after - ping period (closed), less the injecting call\'s time', () => {
    const a = facts(1500, debug);
    expect(sdownEarliestMs(a, 'silent')).to.equal(1500);
    expect(sdownEarliestMs(a, 'closed')).to.equal(500);
    // The fault may have acted as early as invokedAt: a pause whose docker call took 413 ms froze the master then.
    expect(sdownEarliestMs(a, 'silent', 413)).to.equal(1087);
    // A docker kill that returned 1908 ms after it acted: the +sdown can come before the recorded start.
    expect(sdownEarliestMs(a, 'closed', 1908)).to.equal(-1408);
    // Half the configured down-after stays below the bound unless the call itself took that long.
    expect(750).to.be.below(sdownEarliestMs(a, 'silent', 100));
  });

  it('bounds loss by rate x window, so doubling the loss fails', () => {
    const r = rateWindowRange(200, 1000, 2);
    expect(r.expected).to.equal(200);
    expect(2 * r.expected).to.be.above(r.max);
    expect(r.min).to.be.at.most(r.expected);
    expect(inFlightLossBound(DEFAULT_WORKLOAD)).to.equal(10 + 2);
  });
});

describe('scenario bounds: the running topology and the convergence wait', () => {
  const t = (o: { downAfterMs?: number; failoverTimeoutMs?: number; sentinelDebug?: Record<string, number>; notes?: string[] }): Timings => ({
    downAfterMs: o.downAfterMs ?? 1500,
    failoverTimeoutMs: o.failoverTimeoutMs ?? 6000,
    notes: o.notes ?? [],
    ...(o.sentinelDebug ? { sentinelDebug: o.sentinelDebug } : {}),
  });

  it('the recorded sentinelDebug wins over the notes; an empty one means Sentinel\'s own periods', () => {
    const note = ['SENTINEL DEBUG info-period 1000 publish-period 500 (x)'];
    expect(sentinelPeriods(t({ sentinelDebug: {}, notes: note }))).to.deep.equal({ pingMs: 1000, infoMs: 10_000, publishMs: 2000 });
    expect(sentinelPeriods(t({ notes: note }))).to.deep.equal({ pingMs: 1000, infoMs: 1000, publishMs: 500 });
  });

  it("a running topology's options give the same bounds as the result it records", () => {
    const live = liveTimings({ downAfterMs: 5000, failoverTimeoutMs: 60_000, sentinelDebug: {} });
    expect(sdownLatestMs(live, 'silent')).to.equal(sdownLatestMs(t({ downAfterMs: 5000, failoverTimeoutMs: 60_000, sentinelDebug: {} }), 'silent'));
    expect(sdownLatestMs(live, 'silent')).to.equal(5000 + 1000 + 100 + 200);
  });

  it('the convergence wait follows failover-timeout and the periods: 10.7 s for the suite, 84.2 s for production', () => {
    expect(convergenceBoundMs(t({ sentinelDebug: { 'info-period': 1000, 'publish-period': 500 } }))).to.equal(10_700);
    expect(convergenceBoundMs(t({ downAfterMs: 5000, failoverTimeoutMs: 60_000, sentinelDebug: {} }))).to.equal(84_200);
  });
});
