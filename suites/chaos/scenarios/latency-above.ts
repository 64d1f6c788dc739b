/** Latency above down-after on every link of the master → failover. */
import { expect } from 'chai';
import { Toxic } from '../../../lib/faults/toxic.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { fault, healAfterSwitch, lostWrites, nodeOf } from './support.ts';


export const latencyAbove = (): Scenario => {
  const slow = Toxic.onNode('redis-0', { name: 'very-slow-master', type: 'latency', stream: 'upstream', attributes: { latency: 3000 } });
  return {
    id: 'latency-above',
    title: 'add 3 s latency to every link of the master (down-after 1.5 s)',
    tags: ['latency', 'failover'],
    description:
      'A toxiproxy latency toxic of 3000 ms on the request stream (everything sent to the master arrives 3 s late) of every link into and out of redis-0, removed 0.2 s ' +
      'after the failover. The master is alive and answers everything — twice down-after-milliseconds (1500) late. ' +
      'Clients time out (500 ms) on it; ioredis does not reconnect on command timeouts, so Sentinel-routed clients stay ' +
      'on the slow old master until Sentinel demotes it (and kills its client connections) after the latency is gone.',
    expectation:
      "To Sentinel a master that answers PING later than down-after is down: +sdown, +odown (the sentinels' links to " +
      'each other are not slowed) and a failover to a replica. The old master is demoted once it answers in time ' +
      'again, and resyncs. Writes the slow master applied during the latency were acknowledged after the client gave up: ' +
      'unknown, not lost. But once the latency is gone the clients still connected to it get fast acknowledgements from ' +
      'it until Sentinel demotes it — those writes are LOST, as after a long pause (pause-master-long).',
    schedule: [{ at: 300, fault: slow }],
    during: healAfterSwitch(slow, { thenMs: 1000 }),
    durationMs: 2500,
    failover: { expected: true },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      e.that('Sentinel declared the slow master down and promoted a replica', () => {
        expect(e.figure('failover-timing', 'sdownFirst')).to.be.a('number');
        expect(e.figure('failover-timing', 'odown')).to.be.a('number');
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.check('failover-timing').valid).to.equal(true);
      });
      e.that('lost writes: only those the old master acknowledged after the latency was gone (<= 20 others)', () => {
        const lost = lostWrites(r);
        const healed = fault(r, 0).end ?? Infinity;
        expect(
          lost.filter((o) => o.complete < healed - 100),
          'lost writes acknowledged before the heal',
        ).to.have.length.at.most(20);
        expect(lost.length, 'bounded by ~10 s of writes').to.be.at.most(2000);
      });
      e.that('the old master was demoted once its latency was gone, and resynced', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.figure('reattach', 'finalMaster')).to.not.equal('redis-0');
      });
      e.that('topology converged', () => expect(e.check('convergence').valid).to.equal(true));
    },
  };
};
