import { expect } from 'chai';
import { parseLog, parseLogLine, sentinelEventsFromLog } from '../../lib/observe/parse-log.ts';
import type { LogLine } from '../../lib/model.ts';

const T = Date.UTC(2026, 10, 25, 11, 45, 1) + 123; // 25 Nov 2026 11:45:01.123 UTC

describe('parseLogLine', () => {
  const cases: { name: string; raw: string; want: LogLine | null }[] = [
    {
      name: 'sentinel warning line',
      raw: '1:X 25 Nov 2026 11:45:01.123 # +sdown master mymaster redis-0 7000',
      want: { node: 'n', time: T, text: '+sdown master mymaster redis-0 7000' },
    },
    {
      name: 'master notice line',
      raw: '7:M 25 Nov 2026 11:45:01.123 * Ready to accept connections',
      want: { node: 'n', time: T, text: 'Ready to accept connections' },
    },
    {
      name: 'replica verbose line',
      raw: '12:S 25 Nov 2026 11:45:01.123 - Client closed connection',
      want: { node: 'n', time: T, text: 'Client closed connection' },
    },
    {
      name: 'child debug line',
      raw: '99:C 25 Nov 2026 11:45:01.123 . DB saved on disk',
      want: { node: 'n', time: T, text: 'DB saved on disk' },
    },
    {
      name: 'single-digit day, January, midnight',
      raw: '1:X 5 Jan 2027 00:00:00.007 # +tilt #tilt mode entered',
      want: { node: 'n', time: Date.UTC(2027, 0, 5) + 7, text: '+tilt #tilt mode entered' },
    },
    {
      name: 'zero-padded day',
      raw: '1:X 05 Jan 2027 00:00:00.000 # x',
      want: { node: 'n', time: Date.UTC(2027, 0, 5), text: 'x' },
    },
    {
      name: 'docker --timestamps prefix and CRLF',
      raw: '2026-11-25T11:45:01.200000000Z 1:X 25 Nov 2026 11:45:01.123 # +odown master m h 1 #quorum 2/2\r',
      want: { node: 'n', time: T, text: '+odown master m h 1 #quorum 2/2' },
    },
    {
      name: 'microsecond fraction',
      raw: '1:X 25 Nov 2026 11:45:01.123456 # x',
      want: { node: 'n', time: T + 0.456, text: 'x' },
    },
    { name: 'empty message', raw: '1:X 25 Nov 2026 11:45:01.123 #', want: { node: 'n', time: T, text: '' } },
    { name: 'logo line', raw: '                _._                                                  ', want: null },
    { name: 'blank', raw: '', want: null },
    { name: 'unknown month', raw: '1:X 25 Foo 2026 11:45:01.123 # x', want: null },
    { name: 'unknown role char', raw: '1:Q 25 Nov 2026 11:45:01.123 # x', want: null },
    { name: 'unknown level char', raw: '1:X 25 Nov 2026 11:45:01.123 ! x', want: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = parseLogLine('n', c.raw);
      if (c.want === null) return expect(got).to.equal(null);
      expect(got).to.not.equal(null);
      expect(got!.text).to.equal(c.want.text);
      expect(got!.node).to.equal('n');
      expect(got!.time).to.be.closeTo(c.want.time, 1e-6);
    });
  }
});

describe('parseLog', () => {
  it('keeps only server lines, in order', () => {
    const text = [
      '1:C 25 Nov 2026 11:45:01.123 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo',
      '           _.-``__ \'\'-._',
      '1:X 25 Nov 2026 11:45:02.000 # Sentinel ID is abc',
      '',
    ].join('\n');
    const got = parseLog('sentinel-0', text);
    expect(got.map((l) => [l.time - T, l.text])).to.deep.equal([
      [0, 'oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo'],
      [877, 'Sentinel ID is abc'],
    ]);
  });
});

describe('sentinelEventsFromLog', () => {
  it('extracts +/- event lines with type and payload', () => {
    const lines: LogLine[] = [
      { node: 's0', time: 1, text: '+sdown master mymaster redis-0 7000' },
      { node: 's0', time: 2, text: 'Sentinel ID is abc' },
      { node: 's0', time: 3, text: '-odown master mymaster redis-0 7000' },
      { node: 's0', time: 4, text: '+tilt #tilt mode entered' },
      { node: 's0', time: 5, text: '+failover-end' },
      { node: 's0', time: 6, text: '-- not an event' },
      { node: 's0', time: 7, text: '+ not an event' },
    ];
    expect(sentinelEventsFromLog(lines)).to.deep.equal([
      { time: 1, node: 's0', type: '+sdown', payload: 'master mymaster redis-0 7000' },
      { time: 3, node: 's0', type: '-odown', payload: 'master mymaster redis-0 7000' },
      { time: 4, node: 's0', type: '+tilt', payload: '#tilt mode entered' },
      { time: 5, node: 's0', type: '+failover-end', payload: '' },
    ]);
  });

  it('accepts raw server lines as text, using the printed timestamp', () => {
    const lines: LogLine[] = [{ node: 's1', time: 0, text: '1:X 25 Nov 2026 11:45:01.123 # +switch-master mymaster redis-0 7000 redis-1 7001' }];
    expect(sentinelEventsFromLog(lines)).to.deep.equal([
      { time: T, node: 's1', type: '+switch-master', payload: 'mymaster redis-0 7000 redis-1 7001' },
    ]);
  });

  it('round-trips parseLog output', () => {
    const got = sentinelEventsFromLog(parseLog('s2', '1:X 25 Nov 2026 11:45:01.123 # -failover-abort-not-elected master m h 1\n'));
    expect(got).to.deep.equal([{ time: T, node: 's2', type: '-failover-abort-not-elected', payload: 'master m h 1' }]);
  });

  it('returns nothing for no lines', () => expect(sentinelEventsFromLog([])).to.deep.equal([]));
});
