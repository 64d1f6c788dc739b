/**
 * The role poller's sampling: a node whose poll hangs (a paused or partitioned node answers nothing until the
 * timeout) must not slow the polling of the others. With one round for all nodes (Promise.all), every node was
 * sampled only as often as the slowest answered.
 */
import { expect } from 'chai';
import { now, sleep } from '../../lib/clock.ts';
import type { RolePoll } from '../../lib/model.ts';
import { RolePoller } from '../../lib/observe/role-poller.ts';

/** A poll that answers at once, except for `frozen`, which never answers (like a SIGSTOPped redis). */
function pollWith(frozen: string) {
  return async (node: string): Promise<RolePoll> => {
    const time = now();
    if (node === frozen) await new Promise<never>(() => {});
    return { time, node, reachable: true, role: 'slave' };
  };
}

describe('role poller', () => {
  it('polls each node on its own loop: a frozen node does not slow the others, and its polls time out', async function () {
    this.timeout(5000);
    const poller = new RolePoller(50, 300).startNodes(['redis-0', 'redis-1', 'redis-2'], pollWith('redis-0'));
    await sleep(1000);
    await poller.stop();
    const count = (n: string): number => poller.polls.filter((p) => p.node === n).length;
    // 1000 ms at a 50 ms period: ~20 polls each for the live nodes (at least 12 allows a loaded machine);
    // one shared round would have given ~3 (one per 300 ms timeout).
    expect(count('redis-1'), 'redis-1 polls').to.be.at.least(12);
    expect(count('redis-2'), 'redis-2 polls').to.be.at.least(12);
    const frozen = poller.polls.filter((p) => p.node === 'redis-0');
    expect(frozen.length, 'redis-0 polls').to.be.within(2, 4);
    expect(frozen.every((p) => !p.reachable && /timed out after 300 ms/.test(p.error ?? ''))).to.equal(true);
  });

  it('stop() waits for every loop and no poll is recorded afterwards', async () => {
    const poller = new RolePoller(20, 100).startNodes(['a', 'b'], pollWith('none'));
    await sleep(100);
    await poller.stop();
    const n = poller.polls.length;
    await sleep(60);
    expect(poller.polls.length).to.equal(n);
  });
});

describe('role poller: a round after a given time', () => {
  it('roundAfter resolves once every node has a poll taken after the time; a frozen node holds it up one period + timeout at most', async function () {
    this.timeout(5000);
    const poller = new RolePoller(50, 200).startNodes(['a', 'b'], pollWith('none'));
    const after = now();
    await poller.roundAfter(after, ['a', 'b']);
    expect(['a', 'b'].every((n) => poller.polls.some((p) => p.node === n && p.time >= after))).to.equal(true);
    await poller.stop();
    const frozen = new RolePoller(50, 200).startNodes(['a', 'z'], pollWith('z'));
    const t = now();
    await frozen.roundAfter(t + 10_000, ['a', 'z']);
    expect(now() - t).to.be.within(200, 600);
    await frozen.stop();
  });
});
