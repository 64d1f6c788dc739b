/** The scenario bounds follow the configuration a result records: down-after and the SENTINEL DEBUG periods. */
import { expect } from 'chai';
import {
  failoverBudgetMs,
  inFlightLossBound,
  rateWindowRange,
  sdownLatestMs,
  sentinelPeriods,
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

  it('bounds loss by rate x window, so doubling the loss fails', () => {
    const r = rateWindowRange(200, 1000, 2);
    expect(r.expected).to.equal(200);
    expect(2 * r.expected).to.be.above(r.max);
    expect(r.min).to.be.at.most(r.expected);
    expect(inFlightLossBound(DEFAULT_WORKLOAD)).to.equal(10 + 2);
  });
});
