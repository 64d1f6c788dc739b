import { expect } from 'chai';
import { timeline } from '../../lib/observe/timeline.ts';
import type { History } from '../../lib/model.ts';

describe('timeline', () => {
  it('merges faults, events, role changes and outcome changes on one clock, in order', () => {
    const h: History = {
      t0: 1000,
      faults: [{ name: 'kill -9 redis-0', kind: 'kill', targets: ['redis-0'], start: 2000, end: 5000 }],
      events: [{ time: 3000, sentinel: 'sentinel-0', type: '+switch-master', payload: 'mymaster redis-0 7000 redis-1 7001' }],
      polls: [
        { time: 1500, node: 'redis-0', reachable: true, role: 'master' },
        { time: 1600, node: 'redis-0', reachable: true, role: 'master' },
        { time: 2100, node: 'redis-0', reachable: false },
      ],
      ops: [
        { process: 0, client: 'c0', via: 'sentinel', f: 'add', key: 's', invoke: 1900, complete: 1901, outcome: 'ok' },
        { process: 0, client: 'c0', via: 'sentinel', f: 'add', key: 's', invoke: 1950, complete: 1960, outcome: 'ok' },
        { process: 0, client: 'c0', via: 'sentinel', f: 'add', key: 's', invoke: 2001, complete: 2500, outcome: 'unknown', error: 'timeout' },
      ],
      logs: [],
      final: { time: 6000, sets: {}, counters: {} },
      nodes: [],
      masterName: 'mymaster',
    };
    const t = timeline(h);
    expect(t.map((e) => [e.at, e.source])).to.deep.equal([
      [500, 'role'],
      [901, 'workload'],
      [1000, 'fault'],
      [1100, 'role'],
      [1500, 'workload'],
      [2000, 'sentinel'],
      [4000, 'heal'],
    ]);
    expect(t[3]?.text).to.equal('redis-0: unreachable');
  });
});
