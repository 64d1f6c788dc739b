import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ConfigError,
  DEFAULT_IMAGES,
  DEFAULT_THRESHOLDS,
  envLayer,
  fileLayer,
  loadConfig,
  LOCAL_IMAGES_FILE,
  parseValue,
} from '../../lib/config.ts';

/** A working directory with an optional provisioning file and config file. */
function workdir(o: { provisioning?: string; config?: unknown } = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sc-config-'));
  if (o.provisioning !== undefined) {
    mkdirSync(path.join(dir, path.dirname(LOCAL_IMAGES_FILE)), { recursive: true });
    writeFileSync(path.join(dir, LOCAL_IMAGES_FILE), o.provisioning);
  }
  if (o.config !== undefined) writeFileSync(path.join(dir, 'cfg.json'), typeof o.config === 'string' ? o.config : JSON.stringify(o.config));
  return dir;
}

describe('configuration: precedence CLI > env > file > provisioning > defaults', () => {
  const dirs: string[] = [];
  const wd = (o: Parameters<typeof workdir>[0] = {}): string => {
    const d = workdir(o);
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('uses the official defaults when nothing is configured', () => {
    const c = loadConfig({ env: {}, cwd: wd() });
    expect(c.images).to.deep.equal({ redis: DEFAULT_IMAGES.redis, sentinel: DEFAULT_IMAGES.redis, toxiproxy: DEFAULT_IMAGES.toxiproxy });
    expect(c.thresholds).to.deep.equal(DEFAULT_THRESHOLDS);
    expect(c.sentinelDebug).to.equal(true);
    expect(c.scenarios).to.deep.equal([]);
    expect(c.seed).to.equal(undefined);
    expect(c.sources.redisImage).to.equal('default');
  });

  // Each layer sets the redis image; the highest present wins.
  const cases: { name: string; cli?: string; env?: string; file?: string; prov?: string; want: string; source: string }[] = [
    { name: 'provisioning beats defaults', prov: 'p:1', want: 'p:1', source: 'provisioning' },
    { name: 'file beats provisioning', prov: 'p:1', file: 'f:1', want: 'f:1', source: 'file' },
    { name: 'env beats file', prov: 'p:1', file: 'f:1', env: 'e:1', want: 'e:1', source: 'env' },
    { name: 'CLI beats env', prov: 'p:1', file: 'f:1', env: 'e:1', cli: 'c:1', want: 'c:1', source: 'cli' },
    { name: 'CLI beats file when env is empty', file: 'f:1', env: '', cli: 'c:1', want: 'c:1', source: 'cli' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const cwd = wd({
        ...(c.prov !== undefined ? { provisioning: `SC_REDIS_IMAGE=${c.prov}\nSC_TOXIPROXY_IMAGE=tp:local\n` } : {}),
        ...(c.file !== undefined ? { config: { redisImage: c.file } } : {}),
      });
      const cfg = loadConfig({
        cwd,
        env: c.env !== undefined ? { SC_REDIS_IMAGE: c.env } : {},
        cli: c.cli !== undefined ? { 'redis-image': c.cli } : {},
        ...(c.file !== undefined ? { configFile: 'cfg.json' } : {}),
      });
      expect(cfg.images.redis).to.equal(c.want);
      expect(cfg.sources.redisImage).to.equal(c.source);
      // Sentinels follow the redis image unless set.
      expect(cfg.images.sentinel).to.equal(c.want);
      expect(cfg.images.toxiproxy).to.equal(c.prov !== undefined ? 'tp:local' : DEFAULT_IMAGES.toxiproxy);
    });
  }

  it('merges per setting: each key comes from the highest layer that sets it', () => {
    const cwd = wd({
      provisioning: 'SC_REDIS_IMAGE=sentinel-chaos/redis:7.0.15-debian\nSC_TOXIPROXY_IMAGE=sentinel-chaos/toxiproxy:2.12.0-local\n',
      config: { seed: 1, scenarios: ['quick'], thresholds: { maxSlowerPct: 50 }, downAfterMs: 2000 },
    });
    const c = loadConfig({ cwd, configFile: 'cfg.json', env: { SC_SEED: '2', SC_MAX_SLOWER_MS: '900' }, cli: { seed: '3' } });
    expect(c.seed).to.equal(3);
    expect(c.sources.seed).to.equal('cli');
    expect(c.scenarios).to.deep.equal(['quick']);
    expect(c.downAfterMs).to.equal(2000);
    expect(c.thresholds).to.deep.equal({ maxSlowerPct: 50, maxSlowerMs: 900, maxNewLoss: 0 });
    expect(c.images.redis).to.equal('sentinel-chaos/redis:7.0.15-debian');
    expect(c.images.toxiproxy).to.equal('sentinel-chaos/toxiproxy:2.12.0-local');
  });

  it('takes the config file from SC_CONFIG, and --config over SC_CONFIG', () => {
    const cwd = wd({ config: { seed: 11 } });
    writeFileSync(path.join(cwd, 'other.json'), JSON.stringify({ seed: 12 }));
    expect(loadConfig({ cwd, env: { SC_CONFIG: 'cfg.json' } }).seed).to.equal(11);
    expect(loadConfig({ cwd, env: { SC_CONFIG: 'cfg.json' }, configFile: 'other.json' }).seed).to.equal(12);
  });

  it('a mixed-version topology: the sentinel image set on its own', () => {
    const c = loadConfig({ cwd: wd(), env: { SC_REDIS_IMAGE: 'redis:7.0.15' }, cli: { 'sentinel-image': 'valkey/valkey:9.0' } });
    expect(c.images).to.include({ redis: 'redis:7.0.15', sentinel: 'valkey/valkey:9.0' });
  });

  it('a sentinel image recorded by provisioning does not pin the sentinels when the redis image is set explicitly', () => {
    const cwd = wd({ provisioning: 'SC_REDIS_IMAGE=local:1\nSC_SENTINEL_IMAGE=local:1\n' });
    expect(loadConfig({ cwd, env: {} }).images.sentinel).to.equal('local:1');
    expect(loadConfig({ cwd, env: {}, cli: { 'redis-image': 'redis:7.4.2' } }).images.sentinel).to.equal('redis:7.4.2');
  });

  it('--no-sentinel-debug, SC_SENTINEL_DEBUG=off and "sentinelDebug": false turn SENTINEL DEBUG off', () => {
    expect(loadConfig({ cwd: wd(), env: {}, cli: { 'sentinel-debug': false } }).sentinelDebug).to.equal(false);
    expect(loadConfig({ cwd: wd(), env: { SC_SENTINEL_DEBUG: 'off' } }).sentinelDebug).to.equal(false);
    const cwd = wd({ config: { sentinelDebug: false } });
    expect(loadConfig({ cwd, env: {}, configFile: 'cfg.json' }).sentinelDebug).to.equal(false);
    // The CLI wins over the environment.
    expect(loadConfig({ cwd: wd(), env: { SC_SENTINEL_DEBUG: 'off' }, cli: { 'sentinel-debug': true } }).sentinelDebug).to.equal(true);
  });

  it('lists: comma-separated in env and CLI (repeatable), arrays in JSON', () => {
    expect(envLayer({ SC_SCENARIOS: 'a, b,,c' }).scenarios).to.deep.equal(['a', 'b', 'c']);
    expect(loadConfig({ cwd: wd(), env: {}, cli: { scenarios: ['a,b', 'c'] } }).scenarios).to.deep.equal(['a', 'b', 'c']);
    expect(fileLayer({ compareImages: ['redis:7.0.15', 'valkey/valkey:9.0+redis:7.0.15'] }, 'f').compareImages).to.deep.equal([
      'redis:7.0.15',
      'valkey/valkey:9.0+redis:7.0.15',
    ]);
  });
});

describe('configuration: validated up front, one line naming the fix', () => {
  const bad: { name: string; run: () => unknown; match: RegExp }[] = [
    { name: 'a non-integer seed from the CLI', run: () => loadConfig({ env: {}, noProvisioning: true, cli: { seed: '1.5' } }), match: /invalid value "1.5" for --seed: must be an integer >= 0/ },
    { name: 'a negative seed from the env', run: () => envLayer({ SC_SEED: '-1' }), match: /invalid value "-1" for SC_SEED \(environment\)/ },
    { name: 'down-after below 100 ms', run: () => envLayer({ SC_DOWN_AFTER_MS: '50' }), match: /SC_DOWN_AFTER_MS.*integer >= 100/ },
    { name: 'an image with a space', run: () => parseValue('redisImage', 'redis 7', '--redis-image'), match: /without spaces/ },
    { name: 'a boolean that is not one', run: () => envLayer({ SC_SENTINEL_DEBUG: 'maybe' }), match: /on or off/ },
    { name: 'a percentage that is not a number', run: () => envLayer({ SC_MAX_SLOWER_PCT: 'ten' }), match: /SC_MAX_SLOWER_PCT.*a number >= 0/ },
    { name: 'an unknown config-file key', run: () => fileLayer({ sed: 1 }, 'cfg.json'), match: /unknown key "sed" in cfg.json\. Fix: use only redisImage,/ },
    { name: 'an unknown nested key', run: () => fileLayer({ thresholds: { maxSlower: 1 } }, 'cfg.json'), match: /unknown key "thresholds.maxSlower"/ },
    { name: 'a wrongly typed config value', run: () => fileLayer({ seed: '7' }, 'cfg.json'), match: /invalid value "7" for "seed" in cfg.json/ },
    { name: 'a config file that is not an object', run: () => fileLayer([1], 'cfg.json'), match: /must hold a JSON object/ },
    { name: 'a variant with two +', run: () => parseValue('compareImages', ['a+b+c'], '--image'), match: /REDIS_IMAGE\+SENTINEL_IMAGE/ },
  ];
  for (const c of bad) {
    it(`rejects ${c.name}`, () => {
      let err: unknown;
      try {
        c.run();
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).to.match(c.match);
      expect(msg).not.to.include('\n');
    });
  }

  it('rejects a config file that is missing or not JSON, naming it', () => {
    const dir = workdir({ config: '{ "seed": ' });
    try {
      expect(() => loadConfig({ cwd: dir, env: {}, configFile: 'cfg.json' })).to.throw(ConfigError, /cfg.json is not valid JSON/);
      expect(() => loadConfig({ cwd: dir, env: {}, configFile: 'missing.json' })).to.throw(ConfigError, /cannot read config file missing.json \(ENOENT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad value in the provisioning file, naming the file', () => {
    const dir = workdir({ provisioning: 'SC_REDIS_IMAGE=bad image\n' });
    try {
      expect(() => loadConfig({ cwd: dir, env: {} })).to.throw(ConfigError, /SC_REDIS_IMAGE in \.sentinel-chaos\/images\.env/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
