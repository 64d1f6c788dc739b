import { expect } from 'chai';
import { eventMasterName, parseSentinelEvent } from '../../lib/observe/parse-event.ts';
import type { SentinelEvent } from '../../lib/model.ts';

interface Case {
  name: string;
  channel: string;
  payload: string;
  /** The expected event without time/sentinel/type/payload. */
  want: Partial<SentinelEvent>;
}

const cases: Case[] = [
  {
    name: '+sdown of a master',
    channel: '+sdown',
    payload: 'master mymaster redis-0 7000',
    want: { instance: { kind: 'master', name: 'mymaster', host: 'redis-0', port: 7000 } },
  },
  {
    name: '+sdown of a slave, with the @ master part',
    channel: '+sdown',
    payload: 'slave redis-1:7001 redis-1 7001 @ mymaster redis-0 7000',
    want: {
      instance: { kind: 'slave', name: 'redis-1:7001', host: 'redis-1', port: 7001 },
      master: { name: 'mymaster', host: 'redis-0', port: 7000 },
    },
  },
  {
    name: '+sdown of a sentinel (name is the run id)',
    channel: '+sdown',
    payload: 'sentinel 5b2a8f0e9c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f 10.0.0.5 26379 @ mymaster 10.0.0.2 6379',
    want: {
      instance: { kind: 'sentinel', name: '5b2a8f0e9c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f', host: '10.0.0.5', port: 26379 },
      master: { name: 'mymaster', host: '10.0.0.2', port: 6379 },
    },
  },
  {
    name: '+odown keeps the instance despite the trailing #quorum',
    channel: '+odown',
    payload: 'master mymaster redis-0 7000 #quorum 2/2',
    want: { instance: { kind: 'master', name: 'mymaster', host: 'redis-0', port: 7000 } },
  },
  {
    name: '+switch-master with hostnames',
    channel: '+switch-master',
    payload: 'mymaster redis-0 7000 redis-2 7002',
    want: { switchMaster: { name: 'mymaster', from: { host: 'redis-0', port: 7000 }, to: { host: 'redis-2', port: 7002 } } },
  },
  {
    name: '+switch-master with IPv6 addresses',
    channel: '+switch-master',
    payload: 'mymaster ::1 6379 fe80::2 6380',
    want: { switchMaster: { name: 'mymaster', from: { host: '::1', port: 6379 }, to: { host: 'fe80::2', port: 6380 } } },
  },
  { name: '+new-epoch', channel: '+new-epoch', payload: '7', want: { epoch: 7 } },
  {
    name: '+vote-for-leader',
    channel: '+vote-for-leader',
    payload: '5b2a8f0e9c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f 12',
    want: { epoch: 12 },
  },
  { name: '+tilt keeps only type and payload', channel: '+tilt', payload: '#tilt mode entered', want: {} },
  { name: '-tilt keeps only type and payload', channel: '-tilt', payload: '#tilt mode exited', want: {} },
  {
    name: '+monitor with trailing quorum',
    channel: '+monitor',
    payload: 'master mymaster redis-0 7000 quorum 2',
    want: { instance: { kind: 'master', name: 'mymaster', host: 'redis-0', port: 7000 } },
  },
  {
    name: '+config-update-from a sentinel',
    channel: '+config-update-from',
    payload: 'sentinel abc123 sentinel-1 26379 @ mymaster redis-0 7000',
    want: {
      instance: { kind: 'sentinel', name: 'abc123', host: 'sentinel-1', port: 26379 },
      master: { name: 'mymaster', host: 'redis-0', port: 7000 },
    },
  },
  {
    name: '+role-change with trailing words',
    channel: '+role-change',
    payload: 'slave redis-0:7000 redis-0 7000 @ mymaster redis-2 7002 new reported role is master',
    want: {
      instance: { kind: 'slave', name: 'redis-0:7000', host: 'redis-0', port: 7000 },
      master: { name: 'mymaster', host: 'redis-2', port: 7002 },
    },
  },
  {
    name: '-failover-abort-not-elected',
    channel: '-failover-abort-not-elected',
    payload: 'master mymaster redis-0 7000',
    want: { instance: { kind: 'master', name: 'mymaster', host: 'redis-0', port: 7000 } },
  },
  {
    name: '+failover-state-select-slave',
    channel: '+failover-state-select-slave',
    payload: 'master mymaster redis-0 7000',
    want: { instance: { kind: 'master', name: 'mymaster', host: 'redis-0', port: 7000 } },
  },
  {
    name: '+slave-reconf-done',
    channel: '+slave-reconf-done',
    payload: 'slave redis-1:7001 redis-1 7001 @ mymaster redis-0 7000',
    want: {
      instance: { kind: 'slave', name: 'redis-1:7001', host: 'redis-1', port: 7001 },
      master: { name: 'mymaster', host: 'redis-0', port: 7000 },
    },
  },
  {
    name: 'instance form with a dangling @ keeps the instance only',
    channel: '+convert-to-slave',
    payload: 'slave redis-1:7001 redis-1 7001 @ mymaster',
    want: { instance: { kind: 'slave', name: 'redis-1:7001', host: 'redis-1', port: 7001 } },
  },
  {
    name: 'trailing words shaped like a master part but without @ are not a master',
    channel: '+role-change',
    payload: 'master mymaster redis-0 7000 x other redis-9 7009',
    want: { instance: { kind: 'master', name: 'mymaster', host: 'redis-0', port: 7000 } },
  },
  { name: 'unknown kind', channel: '+sdown', payload: 'replica r1 redis-1 7001', want: {} },
  { name: 'non-numeric port', channel: '+sdown', payload: 'master mymaster redis-0 port', want: {} },
  { name: 'port out of range', channel: '+sdown', payload: 'master mymaster redis-0 70000', want: {} },
  { name: 'empty payload', channel: '+sdown', payload: '', want: {} },
  { name: 'short +switch-master', channel: '+switch-master', payload: 'mymaster redis-0 7000', want: {} },
  { name: '+new-epoch garbage', channel: '+new-epoch', payload: 'seven', want: {} },
  { name: 'whitespace padding', channel: '+sdown', payload: '  master  m  h  1 ', want: { instance: { kind: 'master', name: 'm', host: 'h', port: 1 } } },
];

describe('parseSentinelEvent', () => {
  for (const c of cases) {
    it(c.name, () => {
      const ev = parseSentinelEvent('sentinel-0', c.channel, c.payload, 1000.5);
      expect(ev).to.deep.equal({ time: 1000.5, sentinel: 'sentinel-0', type: c.channel, payload: c.payload, ...c.want });
    });
  }

  it('never throws on hostile input', () => {
    const junk = [undefined as unknown as string, null as unknown as string, '@', '@ @ @ @ @ @ @ @', 'master', '\n\t'];
    for (const p of junk) expect(() => parseSentinelEvent('s', '+sdown', p, 0)).not.to.throw();
  });
});

describe('eventMasterName', () => {
  const cases: { name: string; channel: string; payload: string; want: string | undefined }[] = [
    { name: 'master instance', channel: '+sdown', payload: 'master m1 h 1', want: 'm1' },
    { name: 'slave instance', channel: '+sdown', payload: 'slave h:2 h 2 @ m2 h 1', want: 'm2' },
    { name: 'switch-master', channel: '+switch-master', payload: 'm3 a 1 b 2', want: 'm3' },
    { name: 'tilt', channel: '+tilt', payload: '#tilt mode entered', want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => expect(eventMasterName(parseSentinelEvent('s', c.channel, c.payload, 0))).to.equal(c.want));
  }
});
