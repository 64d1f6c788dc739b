/**
 * Replay files: what explore writes loads back unchanged (and becomes a normal Scenario), and a broken file is
 * rejected with one line naming the field and the fix before anything starts.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../lib/config.ts';
import { parseDuration } from '../../lib/cli/explore.ts';
import { generateSchedule } from '../../lib/explore/generator.ts';
import { loadReplay, REPLAY_FORMAT, saveReplay, type ReplayFile } from '../../lib/explore/replay.ts';
import { replayScenario } from '../../lib/explore/scenario.ts';
import { validateScenario } from '../../lib/scenario/validate.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'explore-replay-'));
const SETTINGS = { seed: 5, durationMs: 60_000, maxFaults: 6, allowLoss: 'bounded' as const, minReplicasToWrite: 0, minReplicasMaxLagS: 1, pinnedWriter: 'redis-0', downAfterMs: 1500, failoverTimeoutMs: 6000 };
const file: ReplayFile = {
  format: REPLAY_FORMAT,
  kind: 'exploration',
  settings: SETTINGS,
  steps: generateSchedule(5, { maxFaults: 6, redisNodes: ['redis-0', 'redis-1', 'redis-2'], sentinels: ['sentinel-0', 'sentinel-1', 'sentinel-2'], clientGroups: 2, downAfterMs: 1500 }),
  violation: { invariants: ['write-loss'], notes: ['write-loss: ...'] },
};

function write(name: string, content: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

describe('explore: replay files', function () {
  it('round-trips every generated fault kind', function () {
    const p = path.join(dir, 'ok.json');
    saveReplay(p, file);
    expect(loadReplay(p)).to.deep.equal(file);
  });

  it('becomes a valid normal scenario that runs every step (its time bound covers them)', function () {
    const { scenario, state } = replayScenario(file);
    expect(scenario.id).to.equal('explore-5-replay');
    expect(state.rounds).to.deep.equal([]);
    expect(() => validateScenario(scenario, { clientGroups: 2 })).to.not.throw();
    expect(scenario.topology?.redisConfig).to.deep.equal([]);
    expect(replayScenario({ ...file, settings: { ...SETTINGS, minReplicasToWrite: 1 } }).scenario.topology?.redisConfig).to.deep.equal(['min-replicas-to-write 1', 'min-replicas-max-lag 1']);
  });

  const cases: [string, unknown, RegExp][] = [
    ['not JSON', '{', /cannot be read as JSON/],
    ['wrong format', { ...file, format: 'x' }, /format is "x"/],
    ['no steps', { ...file, steps: [] }, /steps is empty/],
    ['bad gap', { ...file, steps: [{ ...file.steps[0], gapMs: -1 }] }, /steps\[0\]\.gapMs=-1/],
    ['unknown kind', { ...file, steps: [{ ...file.steps[0], fault: { kind: 'nuke' } }] }, /steps\[0\]\.fault\.kind="nuke" is unknown/],
    ['one-sided partition', { ...file, steps: [{ gapMs: 1, durationMs: 1, fault: { kind: 'partition', shape: 'halves', sides: [['redis-0']], mode: 'cut' } }] }, /sides/],
    ['bad policy', { ...file, settings: { ...SETTINGS, allowLoss: 'some' } }, /settings\.allowLoss="some"/],
  ];
  for (const [name, content, message] of cases) {
    it(`rejects ${name} with one line naming the fix`, function () {
      const p = write(`${name.replace(/\W/g, '-')}.json`, content);
      expect(() => loadReplay(p)).to.throw(ConfigError, message).with.property('message').that.matches(/Fix: /).and.not.match(/\n/);
    });
  }

  it('parses durations with units; a bare number is seconds', function () {
    expect(parseDuration('10m', '--duration')).to.equal(600_000);
    expect(parseDuration('90s', '--duration')).to.equal(90_000);
    expect(parseDuration('1500ms', '--duration')).to.equal(1500);
    expect(parseDuration('2', '--duration')).to.equal(2000);
    expect(() => parseDuration('ten', '--duration')).to.throw(ConfigError, /10m, 90s/);
  });
});
