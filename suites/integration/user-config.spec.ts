/**
 * The user's redis.conf / sentinel.conf reach the real servers: CONFIG GET on every redis node and
 * SENTINEL MASTER on every sentinel show the user's values (not the harness's), and a CLI run of
 * kill-master with the files reports them, its timing follows the user's down-after, and it passes.
 * Bad files: one line, exit 2, nothing started.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioRecord } from '../../lib/report/json.ts';
import { SentinelTopology, type StartedSentinelTopology } from '../../lib/topology/topology.ts';
import { loadUserConfig, withUserConfig } from '../../lib/topology/user-config.ts';
import { command, errorLines, leftovers } from './fixtures/command.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'sentinel-chaos.ts');
// Values that differ from both Redis's defaults (maxmemory 0, hz 10) and the harness's (down-after 1500).
const REDIS_CONF = '# my production settings\nmaxmemory 64mb\nmaxmemory-policy allkeys-lru\nhz 20\nport 6379\n';
const SENTINEL_CONF = 'sentinel down-after-milliseconds prod-cache 2000\nsentinel failover-timeout prod-cache 9000\nsentinel myid 0123456789abcdef0123456789abcdef01234567\n';

describe('user config files on real servers', function () {
  this.timeout(180_000);
  let dir = '';
  const file = (name: string, text: string): string => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sc-userconf-it-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('a topology started with them', function () {
    let t: StartedSentinelTopology | undefined;
    before(async function () {
      const userConfig = loadUserConfig({ redisConf: file('redis.conf', REDIS_CONF), sentinelConf: file('sentinel.conf', SENTINEL_CONF) });
      t = await new SentinelTopology().with(withUserConfig({ userConfig, labels: { 'sentinel-chaos.test': 'user-config' } })).start();
    });
    after(async () => t?.stop());

    it('every redis node runs with the user values (CONFIG GET)', async () => {
      const top = t as StartedSentinelTopology;
      for (const n of top.redisNames()) {
        const get = async (k: string): Promise<string> => ((await top.adminCall<string[]>(n, 'CONFIG', 'GET', k))[1] ?? '');
        expect(await get('maxmemory'), `${n} maxmemory`).to.equal(String(64 * 1024 * 1024));
        expect(await get('maxmemory-policy'), `${n} maxmemory-policy`).to.equal('allkeys-lru');
        expect(await get('hz'), `${n} hz`).to.equal('20');
      }
    });

    it("every sentinel monitors the harness's master with the user's down-after and failover-timeout", async () => {
      const top = t as StartedSentinelTopology;
      for (const s of top.sentinelNames()) {
        const flat = await top.adminCall<string[]>(s, 'SENTINEL', 'MASTER', 'mymaster');
        const m = new Map<string, string>();
        for (let i = 0; i + 1 < flat.length; i += 2) m.set(String(flat[i]), String(flat[i + 1]));
        expect(m.get('down-after-milliseconds'), `${s} down-after`).to.equal('2000');
        expect(m.get('failover-timeout'), `${s} failover-timeout`).to.equal('9000');
        // The ignored `sentinel myid` line did not replace the harness's pre-seeded identity.
        expect(String(await top.adminCall(s, 'SENTINEL', 'MYID'))).to.not.equal('0123456789abcdef0123456789abcdef01234567');
      }
    });
  });

  describe('sentinel-chaos run kill-master --redis-conf --sentinel-conf', function () {
    let run: Awaited<ReturnType<typeof command>>;
    let record: ScenarioRecord | undefined;
    before(async function () {
      const reportDir = path.join(dir, 'report');
      run = await command(process.execPath, [BIN, 'run', '--scenarios', 'kill-master', '--redis-conf', file('r.conf', REDIS_CONF), '--sentinel-conf', file('s.conf', SENTINEL_CONF), '--report-dir', reportDir, '--seed', '7'], { cwd: ROOT, timeoutMs: 120_000 });
      const json = JSON.parse(readFileSync(path.join(reportDir, 'results.json'), 'utf8')) as { scenarios: ScenarioRecord[] };
      record = json.scenarios[0];
    });

    it('passes, and the report lists the user lines the servers got', () => {
      expect(run.code, run.stderr).to.equal(0);
      const u = record?.topology.userConfig;
      expect(u?.redisConf?.lines).to.deep.equal(['maxmemory 64mb', 'maxmemory-policy allkeys-lru', 'hz 20']);
      expect(u?.sentinelConf?.lines).to.deep.equal(['sentinel down-after-milliseconds mymaster 2000', 'sentinel failover-timeout mymaster 9000']);
      expect(u?.sentinelConf?.masterName).to.equal('prod-cache');
      expect(u?.ignored.join('\n')).to.match(/s\.conf:3: sentinel myid/);
      expect(u?.notes.join('\n')).to.match(/down-after-milliseconds 2000 from s\.conf \(replaces the scenario's 1500\)/);
    });

    it("the topology's down-after is the user's, and the measured detection follows it", () => {
      expect(record?.topology.downAfterMs).to.equal(2000);
      expect(record?.topology.failoverTimeoutMs).to.equal(9000);
      // Sentinel flags +sdown once the oldest unanswered ping is down-after old; that ping can precede the
      // kill by at most a round trip on loopback, so +sdown cannot come earlier than ~2000 ms after the kill.
      const sdown = record?.checks['failover-timing']?.figures['sdownFirst'];
      expect(sdown, 'sdownFirst').to.be.a('number').and.at.least(1950);
    });

    it('left nothing running', () => {
      expect(leftovers(run.pid)).to.deep.equal([]);
    });
  });

  describe('bad files: one line, exit 2, nothing started', function () {
    const cases: [string, () => string[], RegExp][] = [
      ['a missing file', () => ['--redis-conf', path.join(dir, 'missing.conf')], /cannot read --redis-conf file .*missing\.conf \(ENOENT\)/],
      ['a refused setting', () => ['--sentinel-conf', file('mon.conf', 'sentinel monitor prod 10.0.0.1 6379 2\n')], /mon\.conf:1: "sentinel monitor" is set by the harness/],
      ['an unparsable line', () => ['--redis-conf', file('q.conf', 'hz 20\nmaxmemory "64mb\n')], /q\.conf:2: unbalanced quotes/],
    ];
    for (const [name, args, re] of cases) {
      it(name, async () => {
        const r = await command(process.execPath, [BIN, 'run', '--scenarios', 'kill-master', ...args()], { cwd: ROOT, timeoutMs: 20_000 });
        expect(r.code, r.stderr).to.equal(2);
        const lines = errorLines(r.stderr);
        expect(lines, r.stderr).to.have.length(1);
        expect(lines[0]).to.match(re).and.match(/Fix: /);
        expect(leftovers(r.pid)).to.deep.equal([]);
      });
    }
  });
});
