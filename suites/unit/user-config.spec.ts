/**
 * The user's redis.conf / sentinel.conf: parsed as Redis does, harness-owned settings refused with one
 * line, the rest merged into the generated configs, and sentinel timings becoming the topology's.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../lib/config.ts';
import { redactSecrets } from '../../lib/scenario/redact.ts';
import { topologyFrom } from '../../lib/scenario/suite.ts';
import { nodeSpecs, redisConf, sentinelConf } from '../../lib/topology/layout.ts';
import { defaultTopologyOptions, validateTopologyOptions, type TopologyOptions } from '../../lib/topology/options.ts';
import {
  checkDirectives,
  loadUserConfig,
  parseConfText,
  quoteArg,
  renderDirective,
  splitArgs,
  userConfigNotes,
  userConfigReport,
  withUserConfig,
  type UserConfig,
} from '../../lib/topology/user-config.ts';

let dir = '';
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sc-userconf-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The ConfigError message thrown by f (fails when f does not throw one). */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    const m = (e as Error).message;
    expect(m.split('\n'), m).to.have.length(1);
    return m;
  }
  throw new Error('expected a ConfigError');
}

const lines = (conf: string): string[] => conf.trim().split('\n');
const all = nodeSpecs({ replicas: 2, sentinels: 3 }, 'unit');
const byName = (n: string): (typeof all)[number] => all.find((s) => s.name === n) as (typeof all)[number];

function topology(u: UserConfig, over: Partial<TopologyOptions> = {}): TopologyOptions {
  return { ...defaultTopologyOptions(), ...withUserConfig({ ...over, userConfig: u }) } as TopologyOptions;
}

describe('user config: parsing like Redis', () => {
  it('splits arguments with double and single quotes and Redis escapes', () => {
    expect(splitArgs('maxmemory 64mb')).to.deep.equal(['maxmemory', '64mb']);
    expect(splitArgs('save ""')).to.deep.equal(['save', '']);
    expect(splitArgs('  notify-keyspace-events   "Ex"  ')).to.deep.equal(['notify-keyspace-events', 'Ex']);
    expect(splitArgs('x "a b\\n\\x41\\"" \'it\\\'s\'')).to.deep.equal(['x', 'a b\nA"', "it's"]);
  });

  it('refuses unbalanced quotes and a quote glued to the next word, as sdssplitargs does', () => {
    expect(splitArgs('x "abc')).to.equal(null);
    expect(splitArgs("x 'abc")).to.equal(null);
    expect(splitArgs('x "abc"def')).to.equal(null);
  });

  it('skips comments and blank lines, lowercases the directive, keeps line numbers', () => {
    const d = parseConfText('# header\n\n  MaxMemory 64mb\r\n   # indented comment\nhz 20\n', 'r.conf');
    expect(d).to.deep.equal([
      { args: ['maxmemory', '64mb'], where: 'r.conf:3' },
      { args: ['hz', '20'], where: 'r.conf:5' },
    ]);
  });

  it('an unparsable line is one ConfigError naming file and line', () => {
    expect(refusal(() => parseConfText('hz 20\nmaxmemory "64mb\n', 'r.conf'))).to.match(/^r\.conf:2: unbalanced quotes/);
  });

  it('round-trips every argument through quoteArg (what we write is what Redis reads)', () => {
    for (const a of ['64mb', '', 'a b', 'x"y', "it's", 'back\\slash', 'tab\there', 'nl\n', '\x01']) {
      expect(splitArgs(`k ${quoteArg(a)}`), JSON.stringify(a)).to.deep.equal(['k', a]);
    }
    expect(renderDirective(['save', ''])).to.equal('save ""');
  });

  it('resolves include relative to the including file, and refuses cycles, globs and missing files', () => {
    file('inc-b.conf', 'hz 20\n');
    const a = file('inc-a.conf', 'maxmemory 64mb\ninclude inc-b.conf\n');
    const u = loadUserConfig({ redisConf: a });
    expect(u?.redis?.directives.map((d) => d.args)).to.deep.equal([['maxmemory', '64mb'], ['hz', '20']]);
    expect(u?.redis?.directives[1]?.where).to.equal('inc-b.conf:1');
    file('loop-1.conf', 'include loop-2.conf\n');
    file('loop-2.conf', 'include loop-1.conf\n');
    expect(refusal(() => loadUserConfig({ redisConf: path.join(dir, 'loop-1.conf') }))).to.match(/include cycle/);
    expect(refusal(() => loadUserConfig({ redisConf: file('glob.conf', 'include *.conf\n') }))).to.match(/wildcard/);
    expect(refusal(() => loadUserConfig({ redisConf: path.join(dir, 'missing.conf') }))).to.match(/cannot read .*missing\.conf \(ENOENT\)/);
  });
});

describe('user config: settings the harness owns are refused with one line', () => {
  const refused: [string, 'redis' | 'sentinel', RegExp][] = [
    ['port 6380', 'redis', /"port 6380" is set by the harness \(the toxiproxy sidecars/],
    ['port 6379', 'sentinel', /"port 6379"/],
    ['bind 127.0.0.1 -::1', 'redis', /"bind 127\.0\.0\.1 -::1".*every interface/],
    ['protected-mode yes', 'redis', /protected-mode/],
    ['replica-announce-ip 10.0.0.1', 'redis', /announces its name/],
    ['slave-announce-port 7000', 'redis', /proxy port/],
    ['replicaof 10.0.0.1 6379', 'redis', /redis-0 the master/],
    ['slaveof 10.0.0.1 6379', 'redis', /redis-0 the master/],
    ['dir /var/lib/redis', 'redis', /own directory/],
    ['logfile /var/log/redis.log', 'redis', /server log/],
    ['daemonize yes', 'redis', /foreground/],
    ['requirepass hunter22', 'redis', /^u\.conf:1: "requirepass" is set by the harness \(.*topology\.auth\)/],
    ['user bob on >pw ~* +@all', 'redis', /^u\.conf:1: "user" is set/],
    ['rename-command CONFIG ""', 'redis', /by name/],
    ['sentinel monitor prod 10.0.0.1 6379 2', 'sentinel', /"sentinel monitor".*own master/],
    ['sentinel announce-ip 10.0.0.9', 'sentinel', /"sentinel announce-ip"/],
    ['sentinel resolve-hostnames no', 'sentinel', /hostname resolution/],
    ['sentinel auth-pass mymaster pw', 'sentinel', /topology\.auth/],
    ['sentinel notification-script mymaster /x.sh', 'sentinel', /inside the container/],
    ['sentinel down-after-milliseconds mymaster 5000', 'redis', /belongs in the sentinel config/],
    ['sentinel down-after-milliseconds mymaster fast', 'sentinel', /integer >= 100/],
    ['sentinel down-after-milliseconds mymaster 50', 'sentinel', /integer >= 100/],
  ];
  for (const [line, kind, re] of refused) {
    it(`${kind}: ${line}`, () => {
      const m = refusal(() => checkDirectives(kind, parseConfText(line, 'u.conf')));
      expect(m).to.match(/^u\.conf:1: /);
      expect(m).to.match(re);
      expect(m).to.match(/Fix: /);
    });
  }

  it("accepts the harness's own values (a stock config needs fewer edits) without adding them", () => {
    const r = checkDirectives('redis', parseConfText('port 6379\nbind * -::*\nprotected-mode no\ndaemonize no\nlogfile ""\nmaxmemory 1mb', 'u.conf'));
    expect(r.directives.map((d) => d.args[0])).to.deep.equal(['maxmemory']);
    expect(checkDirectives('sentinel', parseConfText('port 26379\n', 's.conf')).directives).to.deep.equal([]);
  });

  it('per-master lines may name one master; two masters are refused', () => {
    const m = refusal(() => checkDirectives('sentinel', parseConfText('sentinel down-after-milliseconds a 2000\nsentinel failover-timeout b 9000', 's.conf')));
    expect(m).to.match(/^s\.conf:2: names master "b" but s\.conf:1 names "a"/);
  });

  it('ignores and lists Sentinel state written by CONFIG REWRITE', () => {
    const r = checkDirectives('sentinel', parseConfText('sentinel myid abc\nsentinel known-replica m 10.0.0.2 6379\nsentinel current-epoch 3\nsentinel parallel-syncs m 2', 's.conf'));
    expect(r.ignored.map((d) => d.args[1])).to.deep.equal(['myid', 'known-replica', 'current-epoch']);
    expect(r.directives.map((d) => d.args[1])).to.deep.equal(['parallel-syncs']);
  });
});

describe('user config: merged into the generated configs', () => {
  it('redis: user lines come last; a harness default they set is replaced, not duplicated', () => {
    const u = loadUserConfig({ redisConf: file('r.conf', 'maxmemory 64mb\nhz 20\nappendonly yes\nsave 900 1\n') }) as UserConfig;
    const o = topology(u, { redisConfig: ['maxmemory 10mb'] });
    const l = lines(redisConf(byName('redis-1'), all, o));
    expect(l.slice(-4)).to.deep.equal(['maxmemory 64mb', 'hz 20', 'appendonly yes', 'save 900 1']);
    expect(l).to.not.include('appendonly no');
    expect(l).to.not.include('save ""');
    expect(l).to.include('replicaof redis-0 7000');
    expect(l.indexOf('maxmemory 10mb')).to.be.lessThan(l.indexOf('maxmemory 64mb'));
    expect(o.userConfig?.notes).to.include.members([`maxmemory from r.conf replaces the scenario's "maxmemory 10mb"`]);
  });

  it("sentinel: timings become the topology's (replacing the scenario's, with a note), per-master names are rewritten", () => {
    const s = file('s.conf', 'sentinel down-after-milliseconds prod 2000\nsentinel failover-timeout prod 9000\nsentinel master-reboot-down-after-period prod 100\nsentinel deny-scripts-reconfig yes\n');
    const o = topology(loadUserConfig({ sentinelConf: s }) as UserConfig, { downAfterMs: 1500, masterName: 'mymaster' });
    expect(o.downAfterMs).to.equal(2000);
    expect(o.failoverTimeoutMs).to.equal(9000);
    const l = lines(sentinelConf(byName('sentinel-0'), all, o));
    expect(l).to.include('sentinel down-after-milliseconds mymaster 2000');
    expect(l).to.include('sentinel failover-timeout mymaster 9000');
    expect(l.filter((x) => x.startsWith('sentinel down-after-milliseconds'))).to.have.length(1);
    expect(l.slice(-2)).to.deep.equal(['sentinel master-reboot-down-after-period mymaster 100', 'sentinel deny-scripts-reconfig yes']);
    expect(l.indexOf('sentinel monitor mymaster redis-0 7000 2')).to.be.lessThan(l.indexOf('sentinel master-reboot-down-after-period mymaster 100'));
    expect(o.userConfig?.notes).to.include.members(["sentinel down-after-milliseconds 2000 from s.conf (replaces the scenario's 1500)", 'per-master sentinel lines for "prod" applied to the harness\'s master "mymaster"']);
    const rep = userConfigReport(o);
    expect(rep?.sentinelConf?.lines).to.deep.equal([
      'sentinel down-after-milliseconds mymaster 2000',
      'sentinel failover-timeout mymaster 9000',
      'sentinel master-reboot-down-after-period mymaster 100',
      'sentinel deny-scripts-reconfig yes',
    ]);
  });

  it('a topology whose timings disagree with the user file is refused at validation (forgot withUserConfig)', () => {
    const u = loadUserConfig({ sentinelConf: file('s2.conf', 'sentinel down-after-milliseconds m 2000\n') }) as UserConfig;
    expect(refusal(() => validateTopologyOptions({ ...defaultTopologyOptions(), userConfig: u }))).to.match(/downAfterMs=1500: the user sentinel config sets 2000/);
    expect(() => validateTopologyOptions(topology(u))).to.not.throw();
  });

  it('without user files nothing changes', () => {
    const o = defaultTopologyOptions();
    expect(withUserConfig(o)).to.equal(o);
    expect(userConfigReport(o)).to.equal(undefined);
  });
});

describe('user config: from the configuration layers', () => {
  it('--redis-conf beats SC_REDIS_CONF beats "redisConf" in the config file; paths resolve against the working directory', () => {
    file('cfg.json', JSON.stringify({ redisConf: 'from-file.conf', sentinelConf: 'sent.conf' }));
    const c = loadConfig({ cli: { 'redis-conf': 'from-cli.conf' }, env: { SC_REDIS_CONF: 'from-env.conf' }, cwd: dir, configFile: 'cfg.json', noProvisioning: true });
    expect(c.redisConf).to.equal(path.join(dir, 'from-cli.conf'));
    expect(c.sentinelConf).to.equal(path.join(dir, 'sent.conf'));
    expect(c.sources.sentinelConf).to.equal('file');
    const e = loadConfig({ env: { SC_REDIS_CONF: 'from-env.conf' }, cwd: dir, configFile: 'cfg.json', noProvisioning: true });
    expect(e.redisConf).to.equal(path.join(dir, 'from-env.conf'));
  });

  it('topologyFrom loads the files, and an error names where the path came from', () => {
    file('ok.conf', 'hz 20\n');
    const c = loadConfig({ env: { SC_REDIS_CONF: 'ok.conf' }, cwd: dir, noProvisioning: true });
    expect(topologyFrom(c).userConfig?.redis?.directives[0]?.args).to.deep.equal(['hz', '20']);
    const bad = loadConfig({ cli: { 'sentinel-conf': 'nope.conf' }, env: {}, cwd: dir, noProvisioning: true });
    expect(refusal(() => topologyFrom(bad))).to.match(/^cannot read --sentinel-conf file .*nope\.conf \(ENOENT\)/);
  });
});

describe('user config: in the topology notes every report shows', () => {
  it('one line per file with the lines the servers got, then the notes and the ignored state', () => {
    const u = loadUserConfig({ redisConf: file('n-r.conf', 'hz 20\nport 6379\n'), sentinelConf: file('n-s.conf', 'sentinel down-after-milliseconds m 2000\nsentinel myid abc\n') }) as UserConfig;
    const notes = userConfigNotes(topology(u, { downAfterMs: 1500 }));
    expect(notes).to.deep.equal([
      'user redis config from n-r.conf: hz 20',
      'user sentinel config from n-s.conf: sentinel down-after-milliseconds mymaster 2000',
      "sentinel down-after-milliseconds 2000 from n-s.conf (replaces the scenario's 1500)",
      'per-master sentinel lines for "m" applied to the harness\'s master "mymaster"',
      'ignored: n-s.conf:2: sentinel myid abc (Sentinel state, not a setting)',
    ]);
    expect(userConfigNotes(defaultTopologyOptions())).to.deep.equal([]);
  });
});

describe('user config: secrets', () => {
  it('a secret-looking directive reaches the servers but every report shows it redacted', () => {
    const u = loadUserConfig({ redisConf: file('tls.conf', 'tls-key-file-pass "s3cr3t value"\nhz 20\n') }) as UserConfig;
    const o = topology(u);
    expect(lines(redisConf(byName('redis-0'), all, o))).to.include('tls-key-file-pass "s3cr3t value"');
    expect(JSON.stringify(userConfigReport(o))).to.not.include('s3cr3t');
    expect(userConfigNotes(o)[0]).to.equal('user redis config from tls.conf: tls-key-file-pass [redacted]; hz 20');
    // The run-level report carries the options through redactSecrets.
    expect(JSON.stringify(redactSecrets(o))).to.not.include('s3cr3t');
  });
});
