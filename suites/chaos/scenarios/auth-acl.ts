/** ACL users everywhere: kill -9 failover still works; clients without credentials are refused. */
import { expect } from 'chai';
import { Kill } from '../../../lib/faults/kill.ts';
import { inFlightLossBound } from '../../../lib/scenario/bounds.ts';
import { DEFAULT_WORKLOAD, defaultChecks } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { expectBoundedFailover, healAfterSwitch, nodeOf, Observations, rawCommand } from './support.ts';

/** A test-only password; the harness never logs or reports it. */
const PASSWORD = 'chaos-acl-secret-1';

export const authAcl = (): Scenario => {
  const seen = new Observations();
  const kill = new Kill('redis-0');
  return {
    id: 'auth-acl',
    title: 'ACL users (default user off): kill -9 the master; unauthenticated clients refused',
    tags: ['auth', 'kill', 'failover'],
    requires: ['acl'], // ACL users exist from Redis 6.0
    description:
      'Every redis node runs with ACL users — `app` for clients, `replica` for replication (masteruser), `sentinel` for ' +
      'the sentinels (sentinel auth-user, with only the commands Sentinel needs) — and the default user off; sentinels ' +
      'have requirepass. The workload authenticates as `app`. kill -9 the master, restart it 0.2 s after the failover. ' +
      "Then, on fresh raw TCP connections through client group 0's links: PING to the new master without " +
      'credentials, AUTH app with a wrong password, AUTH <password> as the (disabled) default user, AUTH app with the ' +
      'right password, and SENTINEL get-master-addr-by-name to a sentinel without credentials.',
    expectation:
      'The failover works as without auth (the sentinel user may SLAVEOF, CONFIG REWRITE, CLIENT KILL; replicas ' +
      'authenticate as replica, also to the new master and when the old master rejoins). Unauthenticated commands are ' +
      'refused with NOAUTH, a wrong password — or the right one for the disabled default user — with WRONGPASS, on ' +
      'redis nodes and sentinels alike; the app user gets in.',
    topology: { auth: { password: PASSWORD, acl: true } },
    schedule: [{ at: 300, fault: kill }],
    during: async (ctx) => {
        await healAfterSwitch(kill)(ctx);
      const t = ctx.topology;
      await seen.measure('unauthenticated probes', async () => {
        const { master } = await t.sentinelsMaster();
        if (!master) throw new Error('no master agreed by the sentinels');
        // Through client group 0's links, as a client would connect — but with no credentials.
        const node = t.directClientOptions(master, 0);
        const sentinel = t.directClientOptions('sentinel-0', 0);
        const at = (o: { host?: string | undefined; port?: number | undefined }): [string, number] => [o.host ?? '127.0.0.1', o.port ?? 0];
        seen.set('probedNode', master);
        seen.set('redis.noCredentials', await rawCommand(...at(node), 'PING'));
        seen.set('redis.wrongPassword', await rawCommand(...at(node), 'AUTH', 'app', 'wrong-password'));
        seen.set('redis.defaultUser', await rawCommand(...at(node), 'AUTH', PASSWORD));
        seen.set('sentinel.noCredentials', await rawCommand(...at(sentinel), 'SENTINEL', 'get-master-addr-by-name', t.masterName));
        seen.set('redis.appUser', await rawCommand(...at(node), 'AUTH', 'app', PASSWORD));
      });
    },
    checks: (c) => [...defaultChecks(c), seen.check()],
    durationMs: 2500,
    failover: { expected: true },
    allowLoss: true,
    convergence: { timeoutMs: 15_000 },
    expect: (r, e) => {
      e.that('the failover worked with ACL users', () => {
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.check('failover-timing').valid).to.equal(true);
      });
      // Caught by: a sentinel user missing a command Sentinel needs (a refused SLAVEOF or CONFIG REWRITE stalls the failover).
      expectBoundedFailover(r, e, 'closed');
      e.that('the old master rejoined as a replica (authenticating as the replica user)', () =>
        expect(e.check('reattach').valid).to.equal(true),
      );
      e.that('authenticated clients wrote through Sentinel', () => expect(e.num('write-loss', 'acked')).to.be.greaterThan(50));
      e.that('a redis node refuses a client without credentials (NOAUTH)', () =>
        expect(String(e.figure('observed', 'redis.noCredentials'))).to.match(/^-NOAUTH/),
      );
      e.that('a redis node refuses a wrong password (WRONGPASS)', () =>
        expect(String(e.figure('observed', 'redis.wrongPassword'))).to.match(/^-WRONGPASS/),
      );
      e.that('the disabled default user cannot log in, even with the right password (WRONGPASS)', () =>
        expect(String(e.figure('observed', 'redis.defaultUser'))).to.match(/^-WRONGPASS/),
      );
      e.that('a sentinel refuses a client without credentials (NOAUTH)', () =>
        expect(String(e.figure('observed', 'sentinel.noCredentials'))).to.match(/^-NOAUTH/),
      );
      e.that('the app user with the right password is accepted', () => expect(e.figure('observed', 'redis.appUser')).to.equal('+OK'));
      const maxLost = inFlightLossBound(DEFAULT_WORKLOAD);
      e.that(`at most the writes within the replication lag of the kill were lost (<= ${maxLost})`, () =>
        expect(e.num('write-loss', 'lost')).to.be.at.most(maxLost),
      );
    },
  };
};
