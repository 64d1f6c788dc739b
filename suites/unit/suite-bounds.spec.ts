/**
 * The bounds the sentinel-suite scenarios added: a restarted peer's recount (Sentinel's reconnect throttle, not
 * down-after) and DEBUG SLEEP's real stall window (the fault record's start and end are not the stall's).
 */
import { expect } from 'chai';
import type { FaultRecord } from '../../lib/model.ts';
import { peerRecountLatestMs, reconnectPeriodMs, SCHEDULING_SLACK_MS, SENTINEL_TICK_MS } from '../../lib/scenario/bounds.ts';
import { stallWindow } from '../chaos/scenarios/debug-sleep-master.ts';

const notes = (s: string): string[] => [`SENTINEL DEBUG ${s} (shortens Sentinel's internal periods)`];

describe('sentinel-suite bounds: a restarted peer is counted again', () => {
  it("within one reconnect period (Sentinel's ping-period, whatever down-after is) + a tick + the slack", () => {
    expect(reconnectPeriodMs({ notes: notes('info-period 1000 publish-period 500') })).to.equal(1000);
    expect(peerRecountLatestMs({ notes: [] })).to.equal(1000 + SENTINEL_TICK_MS + SCHEDULING_SLACK_MS);
  });

  it('follows a SENTINEL DEBUG ping-period, recorded or from the notes', () => {
    expect(reconnectPeriodMs({ notes: [], sentinelDebug: { 'ping-period': 300 } })).to.equal(300);
    expect(peerRecountLatestMs({ notes: notes('ping-period 2000') })).to.equal(2000 + SENTINEL_TICK_MS + SCHEDULING_SLACK_MS);
  });
});

describe('debug-sleep-master: the stall window', () => {
  const record = (over: Partial<FaultRecord> = {}): FaultRecord => ({
    name: 'DEBUG SLEEP 4.5 on redis-0',
    kind: 'stall',
    targets: ['redis-0'],
    invokedAt: 10_000,
    start: 10_255,
    end: 14_755,
    detail: { sleepMs: 4500, injectMs: 255 },
    ...over,
  });

  it('sleeps from the injecting call; wakes sleepMs after it, not at the recorded heal', () => {
    expect(stallWindow(record())).to.deep.equal({ asleepFrom: 10_255, wokeEarliest: 14_500, wokeLatest: 14_755 });
  });

  it('without invokedAt (older histories) the window is anchored on start; without sleepMs it refuses', () => {
    const { invokedAt: _omit, ...old } = record();
    expect(stallWindow(old).wokeEarliest).to.equal(10_255 + 4500);
    expect(() => stallWindow(record({ detail: {} }))).to.throw(/sleepMs/);
  });
});
