/**
 * Configuration profiles (lib/profiles.ts through lib/config.ts and lib/scenario/suite.ts): `--profile production`
 * fills in the timings, Sentinel's own periods and persistence of a production deployment, and every explicit
 * setting — from any layer — wins over it. Pure: no containers.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, describeSource, loadConfig } from '../../lib/config.ts';
import { PROFILES, profileNote } from '../../lib/profiles.ts';
import { topologyFrom } from '../../lib/scenario/suite.ts';
import { nodeSpecs, redisConf } from '../../lib/topology/layout.ts';
import { defaultTopologyOptions, type TopologyOptions } from '../../lib/topology/options.ts';
import { loadUserConfig, withUserConfig } from '../../lib/topology/user-config.ts';

const PROD = PROFILES.production;

describe('configuration profiles', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sc-profile-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const load = (o: { cli?: Record<string, unknown>; env?: NodeJS.ProcessEnv; file?: unknown } = {}): ReturnType<typeof loadConfig> => {
    let configFile: string | undefined;
    if (o.file !== undefined) {
      configFile = path.join(dir, `cfg-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(configFile, JSON.stringify(o.file));
    }
    return loadConfig({ cli: o.cli ?? {}, env: o.env ?? {}, cwd: dir, noProvisioning: true, ...(configFile ? { configFile } : {}) });
  };

  it('without a profile nothing changes: the suite defaults apply and nothing comes from a profile', () => {
    const c = load();
    expect(c.profile).to.equal(undefined);
    expect(c.downAfterMs).to.equal(undefined);
    expect(c.failoverTimeoutMs).to.equal(undefined);
    expect(c.sentinelDebug).to.equal(true);
    expect(Object.values(c.sources)).to.not.include('profile');
    expect(topologyFrom(c)).to.not.have.any.keys('profile', 'redisConfig');
  });

  it('production: down-after 5000, failover-timeout 60000, Sentinel\'s own periods, each recorded as from the profile', () => {
    const c = load({ env: { SC_PROFILE: 'production' } });
    expect(c.profile).to.equal('production');
    expect([c.downAfterMs, c.failoverTimeoutMs, c.sentinelDebug]).to.deep.equal([5000, 60_000, false]);
    expect([c.sources.downAfterMs, c.sources.failoverTimeoutMs, c.sources.sentinelDebug]).to.deep.equal(['profile', 'profile', 'profile']);
    expect(c.sources.profile).to.equal('env');
    expect(describeSource('downAfterMs', 'profile')).to.equal('the profile (--profile)');
  });

  it('is chosen alike by --profile, SC_PROFILE and "profile" in the config file (any case)', () => {
    expect(load({ cli: { profile: 'production' } }).downAfterMs).to.equal(PROD.downAfterMs);
    expect(load({ file: { profile: 'production' } }).downAfterMs).to.equal(PROD.downAfterMs);
    expect(load({ env: { SC_PROFILE: 'Production' } }).profile).to.equal('production');
    // Every layer is validated as it is read, as for every other setting.
    expect(() => load({ cli: { profile: 'production' }, env: { SC_PROFILE: 'nope' } })).to.throw(ConfigError);
  });

  it('an unknown profile is one line naming the known ones', () => {
    expect(() => load({ env: { SC_PROFILE: 'prod' } })).to.throw(ConfigError, /^invalid value "prod" for SC_PROFILE \(environment\): must be one of production$/);
    expect(() => load({ file: { profile: 7 } })).to.throw(ConfigError, /"profile" in .*must be one of production/);
  });

  // Explicit beats profile whatever the layers: the profile is only a fallback below all of them.
  const explicit: { name: string; o: Parameters<typeof load>[0]; want: [number, number, boolean] }[] = [
    { name: '--down-after-ms', o: { cli: { profile: 'production', 'down-after-ms': '3000' } }, want: [3000, 60_000, false] },
    { name: 'SC_FAILOVER_TIMEOUT_MS under a --profile', o: { cli: { profile: 'production' }, env: { SC_FAILOVER_TIMEOUT_MS: '20000' } }, want: [5000, 20_000, false] },
    { name: '--sentinel-debug', o: { cli: { profile: 'production', 'sentinel-debug': true } }, want: [5000, 60_000, true] },
    { name: 'a config-file downAfterMs under SC_PROFILE', o: { env: { SC_PROFILE: 'production' }, file: { downAfterMs: 2500 } }, want: [2500, 60_000, false] },
    { name: 'SC_SENTINEL_DEBUG=on with the profile in the file', o: { env: { SC_SENTINEL_DEBUG: 'on' }, file: { profile: 'production' } }, want: [5000, 60_000, true] },
  ];
  for (const x of explicit) {
    it(`an explicit setting wins over the profile: ${x.name}`, () => {
      const c = load(x.o);
      expect([c.downAfterMs, c.failoverTimeoutMs, c.sentinelDebug]).to.deep.equal(x.want);
      expect(c.profile).to.equal('production');
    });
  }

  it('topology options: the profile\'s timings, no SENTINEL DEBUG, persistence lines and its name for the report', () => {
    const t = topologyFrom(load({ cli: { profile: 'production' } }));
    expect(t.downAfterMs).to.equal(5000);
    expect(t.failoverTimeoutMs).to.equal(60_000);
    expect(t.sentinelDebug).to.deep.equal({});
    expect(t.redisConfig).to.deep.equal(['appendonly yes', 'appendfsync everysec']);
    expect(t.profile).to.equal('production');
    expect(profileNote('production')).to.match(/^profile production: down-after 5000, failover-timeout 60000, .*no SENTINEL DEBUG.*appendonly yes \+ appendfsync everysec/);
  });

  describe('persistence in the generated redis.conf', () => {
    const conf = (o: Partial<TopologyOptions>): string[] => {
      const all: TopologyOptions = { ...defaultTopologyOptions(), ...o };
      const specs = nodeSpecs(all, 'abcd1234');
      return redisConf(specs[1] as (typeof specs)[number], specs, all).trim().split('\n');
    };

    it('every redis node gets appendonly yes + appendfsync everysec after the harness\'s appendonly no (the last line wins in Redis)', () => {
      const lines = conf({ redisConfig: [...(topologyFrom(load({ cli: { profile: 'production' } })).redisConfig ?? [])] });
      expect(lines.lastIndexOf('appendonly yes')).to.be.above(lines.indexOf('appendonly no'));
      expect(lines).to.include('appendfsync everysec');
    });

    it("the user's redis.conf wins over the profile's persistence (explicit beats profile)", () => {
      const file = path.join(dir, 'r.conf');
      writeFileSync(file, 'appendonly no\n');
      const base = topologyFrom(load({ cli: { profile: 'production' } }));
      const u = loadUserConfig({ redisConf: file });
      const lines = conf(withUserConfig({ ...base, ...(u ? { userConfig: u } : {}) }));
      expect(lines).to.not.include('appendonly yes');
      expect(lines[lines.length - 1]).to.equal('appendonly no');
    });
  });
});
