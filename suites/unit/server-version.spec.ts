/**
 * Old servers (lib/topology/features.ts): the version a server prints, what each version can do, the configs
 * and the announced addresses written for it, the options fitted to it (topology.ts adaptToVersions), and a
 * scenario that needs more than the servers have: not-applicable with the reason in every report, never a
 * failure, never silent.
 */
import { expect } from 'chai';
import type { ScenarioResult } from '../../lib/model.ts';
import { renderHtml } from '../../lib/report/html.ts';
import { renderJunit } from '../../lib/report/junit.ts';
import { renderMarkdown } from '../../lib/report/markdown.ts';
import type { RunReport } from '../../lib/report/run-report.ts';
import { judge, notFailed } from '../../lib/scenario/judge.ts';
import { unmetRequirements } from '../../lib/scenario/runner.ts';
import type { Scenario } from '../../lib/scenario/scenario.ts';
import { FEATURES, has, parseServerVersion, type Feature, type ServerVersion } from '../../lib/topology/features.ts';
import { LOOPBACK_ANNOUNCE, nodeSpecs, redisConf, sentinelConf, type NodeSpec } from '../../lib/topology/layout.ts';
import { defaultTopologyOptions, type TopologyOptions } from '../../lib/topology/options.ts';
import { adaptToVersions } from '../../lib/topology/topology.ts';
import { makeScenarioResult } from '../fixtures/make-result.ts';

function v(text: string): ServerVersion {
  const parsed = parseServerVersion(text);
  if (!parsed) throw new Error(`no version in ${text}`);
  return parsed;
}

const REDIS_5 = v('Redis server v=5.0.6 sha=00000000:0 malloc=libc bits=64 build=1');
const REDIS_60 = v('Redis server v=6.0.16 sha=00000000:0 malloc=jemalloc-5.1.0 bits=64 build=2');
const REDIS_62 = v('Redis server v=6.2.14 sha=00000000:0 malloc=libc bits=64 build=3');
const REDIS_70 = v('Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=ae4d7c971a948f0');
const VALKEY_9 = v('Valkey server v=9.1.2 sha=00000000:1 malloc=libc bits=64 build=1536df31c0395150');

function options(over: Partial<TopologyOptions> = {}): TopologyOptions {
  return { ...defaultTopologyOptions(), masterName: 'shop', ...over };
}

function lines(conf: string): string[] {
  return conf.trimEnd().split('\n');
}

function node(all: NodeSpec[], name: string): NodeSpec {
  const n = all.find((s) => s.name === name);
  if (!n) throw new Error(`no ${name}`);
  return n;
}

describe('server versions', function () {
  describe('parseServerVersion', function () {
    it('reads `redis-server --version` and `valkey-server --version` (the probe) and INFO server', function () {
      expect(REDIS_60).to.deep.equal({ product: 'redis', version: '6.0.16', major: 6, minor: 0, patch: 16 });
      expect(VALKEY_9).to.include({ product: 'valkey', version: '9.1.2' });
      expect(parseServerVersion('# Server\r\nredis_version:7.2.4\r\nvalkey_version:8.0.1\r\n')).to.include({ product: 'valkey', version: '8.0.1' });
      expect(parseServerVersion('# Server\r\nredis_version:5.0.6\r\n')).to.include({ product: 'redis', version: '5.0.6' });
      expect(parseServerVersion('sh: redis-server: not found')).to.equal(undefined);
    });
  });

  describe('has (where each feature appeared in src/sentinel.c, acl.c, config.c)', function () {
    const table: [ServerVersion, Feature[]][] = [
      [REDIS_5, []],
      [REDIS_60, ['acl']],
      [REDIS_62, ['acl', 'acl-pubsub', 'sentinel-hostnames', 'sentinel-user', 'sentinel-config-set', 'replica-announced', 'sentinel-myid', 'hello-acl']],
      [REDIS_70, Object.keys(FEATURES) as Feature[]],
      // Valkey is a fork of Redis 7.2: everything.
      [VALKEY_9, Object.keys(FEATURES) as Feature[]],
    ];
    for (const [version, features] of table) {
      it(`${version.product} ${version.version}: ${features.length ? features.join(', ') : 'none of them'}`, function () {
        const got = (Object.keys(FEATURES) as Feature[]).filter((f) => has(version, f));
        expect(got.sort()).to.deep.equal([...features].sort());
      });
    }
  });

  describe('configs for old sentinels (< 6.2: no hostnames)', function () {
    const o = options({ auth: { password: 's3cret-pw' } });
    const all = nodeSpecs(o, 'unit', false);

    it('announces every node as 127.0.0.1:<its own announced port>, so each link is still the connecting node\'s proxy', function () {
      for (const n of all) expect(n.announceHost).to.equal(LOOPBACK_ANNOUNCE);
      expect(new Set(all.map((n) => n.announcedPort)).size, 'announced ports identify the nodes').to.equal(all.length);
      const r1 = lines(redisConf(node(all, 'redis-1'), all, o, { redis: REDIS_60, sentinel: REDIS_60 }));
      expect(r1).to.include.members(['replica-announce-ip 127.0.0.1', 'replica-announce-port 7001', 'replicaof 127.0.0.1 7000']);
      const s = lines(sentinelConf(node(all, 'sentinel-1'), all, o, { redis: REDIS_60, sentinel: REDIS_60 }));
      expect(s).to.include.members([
        'sentinel announce-ip 127.0.0.1',
        `sentinel announce-port ${node(all, 'sentinel-1').announcedPort}`,
        'sentinel monitor shop 127.0.0.1 7000 2',
        'sentinel known-replica shop 127.0.0.1 7002',
        `sentinel known-sentinel shop 127.0.0.1 ${node(all, 'sentinel-0').announcedPort} ${node(all, 'sentinel-0').runId}`,
      ]);
    });

    it('writes no directive the old sentinel refuses: no resolve/announce-hostnames, no sentinel-pass (peers use requirepass)', function () {
      for (const version of [REDIS_5, REDIS_60]) {
        const conf = sentinelConf(node(all, 'sentinel-0'), all, o, { redis: version, sentinel: version });
        expect(conf).to.not.match(/hostnames|sentinel-pass|sentinel-user|master-reboot/);
        expect(lines(conf)).to.include.members(['requirepass s3cret-pw', 'sentinel auth-pass shop s3cret-pw']);
      }
    });

    it('6.2 and later keep the names and the 6.2 directives', function () {
      const named = nodeSpecs(o, 'unit');
      const conf = lines(sentinelConf(node(named, 'sentinel-0'), named, o, { redis: REDIS_62, sentinel: REDIS_62 }));
      expect(conf).to.include.members(['sentinel resolve-hostnames yes', 'sentinel announce-hostnames yes', 'sentinel announce-ip sentinel-0', 'sentinel sentinel-pass s3cret-pw']);
    });

    it('ACL users on 6.0: no pub/sub permission words (&*, allchannels), which 6.0 does not know', function () {
      const acl = options({ auth: { password: 's3cret-pw', acl: true } });
      const on60 = redisConf(node(all, 'redis-0'), all, acl, { redis: REDIS_60, sentinel: REDIS_60 });
      expect(on60).to.not.match(/&\*|allchannels/);
      expect(lines(on60)).to.include.members(['user default off', 'masteruser replica']);
      expect(redisConf(node(all, 'redis-0'), all, acl, { redis: REDIS_62, sentinel: REDIS_62 })).to.match(/allchannels/);
    });
  });

  describe('adaptToVersions', function () {
    it('before 7.0: SENTINEL DEBUG settings dropped (the periods in force are the defaults) and both changes noted', function () {
      const o = options({ sentinelDebug: { 'info-period': 1000, 'publish-period': 500 } });
      const notes = adaptToVersions(o, { redis: REDIS_60, sentinel: REDIS_60 });
      expect(o.sentinelDebug).to.deep.equal({});
      expect(notes.join('\n')).to.match(/^sentinelPeriods: default \(SENTINEL DEBUG unavailable before 7.0/m).and.match(/announced as 127\.0\.0\.1/);
    });

    it('7.0 and Valkey: nothing changes', function () {
      for (const version of [REDIS_70, VALKEY_9]) {
        const o = options({ sentinelDebug: { 'info-period': 1000 } });
        expect(adaptToVersions(o, { redis: version, sentinel: version })).to.deep.equal([]);
        expect(o.sentinelDebug).to.deep.equal({ 'info-period': 1000 });
      }
    });

    it('6.2: SENTINEL DEBUG dropped, names kept', function () {
      const notes = adaptToVersions(options({ sentinelDebug: { 'info-period': 1000 } }), { redis: REDIS_62, sentinel: REDIS_62 });
      expect(notes).to.have.length(1);
      expect(notes[0]).to.match(/^sentinelPeriods: default/);
    });

    it('a scenario\'s or the user\'s config line the server does not know: a one-line ConfigError, not a start that times out', function () {
      const reboot = options({ sentinelConfig: ['sentinel master-reboot-down-after-period shop 1000'] });
      expect(() => adaptToVersions(reboot, { redis: REDIS_62, sentinel: REDIS_62 })).to.throw(
        /^sentinel\.conf line "sentinel master-reboot-down-after-period shop 1000": sentinel master-reboot-down-after-period needs Redis >= 7\.0; this is redis 6\.2\.14\. Fix:/,
      );
      expect(() => adaptToVersions(options({ redisConfig: ['replica-announced no'] }), { redis: REDIS_60, sentinel: REDIS_60 })).to.throw(/replica-announced needs Redis >= 6\.2/);
      expect(adaptToVersions(options({ redisConfig: ['replica-announced no'], sentinelConfig: ['sentinel master-reboot-down-after-period shop 1000'] }), { redis: REDIS_70, sentinel: REDIS_70 })).to.deep.equal([]);
    });

    it('enable-debug-command before 7.0: left out (DEBUG is always allowed there) and noted', function () {
      const o = options({ redisConfig: ['enable-debug-command yes', 'maxmemory 64mb'] });
      expect(adaptToVersions(o, { redis: REDIS_60, sentinel: REDIS_70 })).to.deep.equal(['enable-debug-command left out: DEBUG is always allowed on redis 6.0.16']);
      expect(o.redisConfig).to.deep.equal(['maxmemory 64mb']);
      const on70 = options({ redisConfig: ['enable-debug-command yes'] });
      adaptToVersions(on70, { redis: REDIS_70, sentinel: REDIS_70 });
      expect(on70.redisConfig).to.deep.equal(['enable-debug-command yes']);
    });

    it('ACL users on 5.0: a one-line ConfigError naming the fix', function () {
      expect(() => adaptToVersions(options({ auth: { password: 's3cret-pw', acl: true } }), { redis: REDIS_5, sentinel: REDIS_5 })).to.throw(
        /auth\.acl: ACL users needs Redis >= 6\.0; this is redis 5\.0\.6\. Fix:/,
      );
    });
  });

  describe('not-applicable scenarios', function () {
    const needsAcl: Pick<Scenario, 'requires'> = { requires: ['acl'] };

    it('unmetRequirements names what is missing on either image, and nothing when both have it', function () {
      expect(unmetRequirements(needsAcl, { redis: REDIS_5, sentinel: REDIS_5 })).to.equal('ACL users needs Redis >= 6.0; this is redis 5.0.6');
      expect(unmetRequirements(needsAcl, { redis: REDIS_60, sentinel: REDIS_5 })).to.equal('ACL users needs Redis >= 6.0; this is redis 5.0.6');
      expect(unmetRequirements(needsAcl, { redis: REDIS_60, sentinel: REDIS_60 })).to.equal(undefined);
      expect(unmetRequirements({}, { redis: REDIS_5, sentinel: REDIS_5 })).to.equal(undefined);
      expect(unmetRequirements({ requires: ['acl', 'sentinel-debug'] }, { redis: REDIS_62, sentinel: REDIS_62 })).to.match(/^SENTINEL DEBUG .* needs Redis >= 7\.0; this is redis 6\.2\.14$/);
    });

    const na = (): ScenarioResult => ({
      ...makeScenarioResult({ id: 'auth-acl', title: 'ACL users' }),
      verdict: 'not-applicable',
      notApplicable: 'ACL users needs Redis >= 6.0; this is redis 5.0.6',
      checks: {},
      assertions: [],
    });

    it('is not a failure, and the judge keeps it (a re-check of a stored run does not turn it into a pass or an error)', function () {
      expect(notFailed('not-applicable')).to.equal(true);
      expect(notFailed('error')).to.equal(false);
      const scenario = { expect: () => expect.fail('a not-applicable result is not judged') } as unknown as Scenario;
      const judged = judge(scenario, na());
      expect(judged.verdict).to.equal('not-applicable');
      expect(judged.notApplicable).to.match(/needs Redis >= 6\.0/);
    });

    it('every report shows it with the reason: JUnit skipped, Markdown, HTML', function () {
      const run: RunReport = { ...makeRun(), scenarios: [makeScenarioResult({ id: 'kill-master' }), na()] };
      const junit = renderJunit(run);
      expect(junit).to.match(/<skipped message="not applicable: ACL users needs Redis &gt;= 6\.0; this is redis 5\.0\.6"\/>/);
      expect(junit).to.match(/<testsuite [^>]*skipped="1"/);
      expect(junit).to.match(/<testsuite [^>]*errors="0"/);
      const md = renderMarkdown(run);
      expect(md).to.include('1 not-applicable').and.include('**Not applicable:** ACL users needs Redis &gt;= 6.0');
      const html = renderHtml(run);
      expect(html).to.include('Not applicable on these servers:</b> ACL users needs Redis &gt;= 6.0; this is redis 5.0.6');
      expect(html).to.include('1 not-applicable');
    });
  });
});

function makeRun(): RunReport {
  return {
    schemaVersion: 1,
    runId: 'unit',
    seed: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    machine: { hostname: 'h', cpus: 2, memGiB: 4, node: 'v24', platform: 'linux' },
    config: {},
    scenarios: [],
  } as unknown as RunReport;
}
