import { expect } from 'chai';
import { assignShards, MAX_SHARDS, parseShard, SCENARIO_OVERHEAD_MS, splitShard } from '../../lib/cli/shard.ts';
import { ConfigError } from '../../lib/config.ts';

const items = (durations: number[]): { id: string; durationMs: number }[] => durations.map((d, i) => ({ id: `s${i}`, durationMs: d }));

describe('CLI: --shard i/n', () => {
  it('parses i/n', () => {
    expect(parseShard('1/2')).to.deep.equal({ index: 1, count: 2 });
    expect(parseShard(' 3 / 3 ')).to.deep.equal({ index: 3, count: 3 });
  });

  for (const bad of ['0/2', '3/2', '1/0', '1', 'a/b', '1/2/3', '-1/2', `1/${MAX_SHARDS + 1}`]) {
    it(`rejects ${JSON.stringify(bad)} with one line`, () => {
      expect(() => parseShard(bad)).to.throw(ConfigError, /^invalid value .* for --shard: must be i\/n with 1 <= i <= n <= \d+, like 1\/2$/);
    });
  }

  it('every item lands in exactly one shard, for any shard count', () => {
    const all = items([8000, 4000, 30000, 12000, 8000, 60000, 5000]);
    for (let n = 1; n <= 9; n++) {
      const parts = Array.from({ length: n }, (_, i) => splitShard(all, { index: i + 1, count: n }));
      const ids = parts.flat().map((x) => x.id).sort();
      expect(ids, `n=${n}`).to.deep.equal(all.map((x) => x.id).sort());
    }
  });

  it('is deterministic and keeps catalogue order inside a shard', () => {
    const all = items([8000, 4000, 30000, 12000, 8000, 60000, 5000]);
    const a = splitShard(all, { index: 2, count: 3 });
    const b = splitShard(items([8000, 4000, 30000, 12000, 8000, 60000, 5000]), { index: 2, count: 3 });
    expect(a.map((x) => x.id)).to.deep.equal(b.map((x) => x.id));
    const order = all.map((x) => x.id);
    expect(a.map((x) => order.indexOf(x.id))).to.deep.equal([...a.map((x) => order.indexOf(x.id))].sort((p, q) => p - q));
  });

  it('balances by expected run time (longest first, to the lightest shard)', () => {
    // One long scenario and four short ones: the long one gets a shard to itself.
    const all = items([120_000, 5000, 5000, 5000, 5000]);
    const shards = assignShards(all, 2);
    expect(shards[0]).to.equal(1);
    expect(shards.slice(1)).to.deep.equal([2, 2, 2, 2]);
    const load = (k: number): number => all.filter((_, i) => shards[i] === k).reduce((s, x) => s + x.durationMs + SCENARIO_OVERHEAD_MS, 0);
    expect(Math.abs(load(1) - load(2))).to.be.lessThan(120_000);
  });

  it('equal durations go round-robin, ties to the lower shard', () => {
    expect(assignShards(items([1000, 1000, 1000, 1000, 1000]), 2)).to.deep.equal([1, 2, 1, 2, 1]);
  });

  it('more shards than items leaves some empty', () => {
    const all = items([1000, 1000]);
    expect(splitShard(all, { index: 3, count: 3 })).to.deep.equal([]);
    expect(splitShard(all, { index: 1, count: 1 })).to.deep.equal(all);
  });
});
