/**
 * What the reboot-loading scenarios compute before any container runs: the setup of their restart step runs before
 * the fault's start is taken (support.ts withSetup, through the real recorder), and the bounds their load is sized
 * from follow the configured periods (loading-support.ts). A setup counted in the fault, or a load sized from
 * constants, would fail here.
 */
import { expect } from 'chai';
import { now, sleep } from '../../lib/clock.ts';
import type { Fault } from '../../lib/faults/fault.ts';
import type { History } from '../../lib/model.ts';
import { injectRecorded, type RecordingContext } from '../../lib/scenario/record-fault.ts';
import type { StartedSentinelTopology } from '../../lib/topology/topology.ts';
import { designLoadMs, loadWindow, rebootPeriodMs, rebootSdownLatestMs, rebootSeenLatestMs } from '../chaos/scenarios/loading-support.ts';
import { withSetup } from '../chaos/scenarios/support.ts';

function context(): RecordingContext {
  return { topology: {} as StartedSentinelTopology, faults: [], progress: () => {}, scheduleStart: now() };
}

/** A fault that resolves its target in prepare (as ContainerFault does) and logs when each call happened. */
function loggingFault(log: string[]): Fault & { name: string; targets: string[] } {
  const f: Fault & { name: string; targets: string[] } = {
    name: 'kill -9 master',
    kind: 'kill',
    colour: '#d62728',
    targets: [],
    detail: { why: 'test' },
    async prepare() {
      log.push('prepare');
      f.name = 'kill -9 redis-0';
      f.targets = ['redis-0'];
    },
    async inject() {
      log.push('inject');
    },
    async heal() {
      log.push('heal');
    },
  };
  return f;
}

describe('reboot-loading: the setup of the restart step', () => {
  it('runs before the fault resolves and before its start is taken; the record carries the fault\'s own name and targets', async () => {
    const log: string[] = [];
    let setupEnded = 0;
    const f = withSetup(loggingFault(log), async () => {
      log.push('setup');
      await sleep(120);
      setupEnded = now();
    });
    const r = await injectRecorded(context(), f);
    expect(log).to.deep.equal(['setup', 'prepare', 'inject']);
    expect(r.invokedAt, 'invokedAt after the setup').to.be.at.least(setupEnded);
    expect(r.detail?.['injectMs'], 'the setup is not part of the injection').to.be.below(100);
    expect([r.name, r.targets, r.kind, r.colour, r.detail?.['why']]).to.deep.equal(['kill -9 redis-0', ['redis-0'], 'kill', '#d62728', 'test']);
    await f.heal({} as StartedSentinelTopology);
    expect(log).to.deep.equal(['setup', 'prepare', 'inject', 'heal']);
  });
});

describe('reboot-loading: bounds from the configuration', () => {
  const suite = { downAfterMs: 1500, failoverTimeoutMs: 6000, notes: [], sentinelDebug: { 'info-period': 1000, 'publish-period': 500 } };
  const defaults = { ...suite, sentinelDebug: {} };

  it('+reboot at the latest one ping period (reconnect) and one info period after the restart, plus a tick and the slack', () => {
    expect(rebootSeenLatestMs(suite)).to.equal(1000 + 1000 + 100 + 200);
    expect(rebootSeenLatestMs(defaults)).to.equal(1000 + 10_000 + 100 + 200);
  });

  it('the reboot period is twice down-after; +sdown at the latest a tick and the slack after it', () => {
    expect(rebootPeriodMs(1500)).to.equal(3000);
    expect(rebootSdownLatestMs(3000)).to.equal(3300);
  });

  it('the load lasts until the latest switch: +reboot, the period, +odown, election, promotion, one hello period', () => {
    expect(designLoadMs(suite)).to.equal(2300 + 3300 + 1300 + 500 + 1300 + 500);
    // Sentinel's own 10 s INFO period (no SENTINEL DEBUG, --profile production) and 2 s hellos lengthen it.
    expect(designLoadMs(defaults)).to.equal(11_300 + 3300 + 1300 + 500 + 1300 + 2000);
  });

  it('reads the boot load from the master\'s log after the restart, not the replica resync that follows', () => {
    const k = { name: 'kill -9 redis-0', kind: 'kill', targets: ['redis-0'], start: 1000, end: 1100 };
    const line = (time: number, text: string, node = 'redis-0') => ({ node, time, text });
    const h = {
      faults: [k],
      logs: [
        line(900, 'DB loaded from disk: 0.001 seconds'),
        line(1110, 'Loading RDB produced by version 7.0.15'),
        line(9000, 'DB loaded from disk: 7.890 seconds'),
        line(9500, 'Loading RDB produced by version 7.0.15'),
        line(9600, 'DB loaded from disk: 1 seconds', 'redis-1'),
      ],
    } as unknown as History;
    expect(loadWindow(h)).to.deep.equal({ begin: 1110, end: 9000 });
    expect(loadWindow({ ...h, faults: [] })).to.deep.equal({});
  });
});
