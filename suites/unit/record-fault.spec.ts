/**
 * Fault recording (lib/scenario/record-fault.ts): targets are resolved before any time is taken, `invokedAt` is
 * when the injecting call was made, `start` when it returned (the fault is certainly in effect), and phases are
 * measured from `start`. The old recorder took `start` before resolving the target and before the call, so a
 * slow sentinel answer or Docker call counted as part of every phase.
 */
import { expect } from 'chai';
import { now, sleep } from '../../lib/clock.ts';
import type { Fault } from '../../lib/faults/fault.ts';
import type { FaultRecord } from '../../lib/model.ts';
import { healRecorded, injectRecorded, type RecordingContext } from '../../lib/scenario/record-fault.ts';
import type { StartedSentinelTopology } from '../../lib/topology/topology.ts';

/** A fault whose target resolution takes `resolveMs` and whose injecting call takes `callMs`; it logs when each happened. */
function slowFault(resolveMs: number, callMs: number) {
  const log: Record<string, number> = {};
  const f: Fault & { log: Record<string, number>; name: string; targets: string[] } = {
    name: 'kill -9 master',
    kind: 'kill',
    colour: '#7f7f7f',
    targets: [],
    log,
    async prepare() {
      await sleep(resolveMs);
      f.targets = ['redis-1'];
      f.name = 'kill -9 redis-1';
      log['resolved'] = now();
    },
    async inject() {
      log['called'] = now();
      await sleep(callMs);
      log['acted'] = now();
    },
    async heal() {
      await sleep(callMs);
      log['healed'] = now();
    },
  };
  return f;
}

function context(): RecordingContext & { lines: string[] } {
  const lines: string[] = [];
  return { topology: {} as StartedSentinelTopology, faults: [], progress: (m) => lines.push(m), scheduleStart: now(), lines };
}

describe('fault recording', () => {
  it('start is when the injecting call returned, after the target was resolved; invokedAt when it was made', async () => {
    const ctx = context();
    const f = slowFault(150, 80);
    const r = await injectRecorded(ctx, f, { step: 2, detail: { scheduledMs: 300 } });
    expect(r.invokedAt, 'invokedAt after resolution').to.be.at.least(f.log['resolved'] as number);
    expect(r.invokedAt, 'invokedAt before the call').to.be.at.most(f.log['called'] as number);
    expect(r.start, 'start after the call returned').to.be.at.least(f.log['acted'] as number);
    expect(r.start - (r.invokedAt as number)).to.be.within(75, 400);
    expect(r.detail).to.deep.include({ scheduledMs: 300, injectMs: Math.round(r.start - (r.invokedAt as number)) });
    expect([r.name, r.targets, r.step, ctx.faults]).to.deep.equal(['kill -9 redis-1', ['redis-1'], 2, [r]]);
  });

  it('heal sets end when the heal call returned, on the earliest unhealed record of that name', async () => {
    const ctx = context();
    const f = slowFault(0, 30);
    const a = await injectRecorded(ctx, f);
    const b = await injectRecorded(ctx, f);
    await healRecorded(ctx, f);
    expect(a.end).to.be.at.least(f.log['healed'] as number);
    expect(b.end).to.equal(undefined);
    await healRecorded(ctx, f, b);
    expect((b as FaultRecord).end).to.be.a('number');
  });

  it('an injection that throws records nothing', async () => {
    const ctx = context();
    const f: Fault = { name: 'x', kind: 'x', colour: '#7f7f7f', targets: [], inject: () => Promise.reject(new Error('docker down')), heal: async () => {} };
    let err: unknown;
    await injectRecorded(ctx, f).catch((e: unknown) => (err = e));
    expect([String(err), ctx.faults]).to.deep.equal(['Error: docker down', []]);
  });
});
