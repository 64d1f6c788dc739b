/**
 * The classic Sentinel walkthrough, as its readers ran it on Redis 5.0: one master, two replicas, three sentinels,
 * quorum 2; kill -9 the master, watch the failover, start the old master again and see Sentinel convert it
 * (`+convert-to-slave`). It is kill-master with that last step asserted from the event stream, so the same
 * scenario answers "does what the walkthrough shows still happen?" on every version (run it with SC_REDIS_IMAGE).
 */
import { expect } from 'chai';
import { demotionLatestMs, SCHEDULING_SLACK_MS, SENTINEL_TICK_MS } from '../../../lib/scenario/bounds.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { killMaster } from './kill-master.ts';
import { events, fault } from './support.ts';

export const walkthrough = (): Scenario => {
  const base = killMaster();
  return {
    ...base,
    id: 'walkthrough',
    title: "the Sentinel walkthrough: kill -9 the master, fail over, restart it, +convert-to-slave",
    tags: ['walkthrough', 'extended', 'kill', 'failover'],
    description:
      "The walkthrough's own steps on the default topology (1 master, 2 replicas, 3 sentinels, quorum 2) under a " +
      'Sentinel-routed write load: kill -9 the master, let the sentinels fail over, start the old master again.',
    expectation:
      'Everything kill-master expects, and the step the walkthrough shows last: a sentinel announces +convert-to-slave ' +
      'for the restarted old master — after it came back and within an info period plus 4 publish periods ' +
      '(sentinelRefreshInstanceInfo waits that long before reconfiguring a master that reports the wrong role).',
    expect: (r, e) => {
      base.expect(r, e);
      const bound = demotionLatestMs(r.topology) + SENTINEL_TICK_MS + SCHEDULING_SLACK_MS;
      e.that(`+convert-to-slave of the old master after its restart, within ${bound} ms (info period + 4 publish periods + tick, slack)`, () => {
        const back = fault(r, 0).end;
        expect(back, 'the old master was restarted').to.be.a('number');
        const converted = events(r, '+convert-to-slave', { node: 'redis-0', since: back as number });
        expect(converted, 'a +convert-to-slave of redis-0 after it came back').to.have.length.greaterThan(0);
        expect((converted[0]?.time ?? Infinity) - (back as number)).to.be.at.most(bound);
      });
    },
  };
};
