/**
 * A sentinel restarted with its config wiped comes back with a NEW run id at the SAME address. Its peers must
 * replace the stale entry rather than count both (sentinel.c, hello processing: another sentinel at the same address
 * with a different run id → +sentinel-invalid-addr, the old entry removed, the new one added). Before that rule
 * (Redis < 6.2) the stale entry stayed until SENTINEL RESET — the procedure the Sentinel documentation still gives
 * for removing sentinels — and inflated the number of voters the majority is computed from.
 *
 * The new incarnation starts only once its predecessor's hello messages have all been delivered: hellos are PUBLISHed
 * on the master and reach the replicas with the replication stream, and a replica that has just finished its diskless
 * sync may receive a whole replicationCron period of that stream at once. A late hello carrying the OLD run id at the
 * wiped sentinel's own address then makes the new incarnation add "another sentinel at my address"; it connects to it
 * (itself), PUBLISHes its own hello to it, and sentinelPublishCommand processes that without the "meeting ourselves"
 * check that sentinelReceiveHelloMessages has (Redis 7.0.15 and Valkey alike): it replaces the stale entry by ITSELF
 * and counts itself as a peer from then on ("3:self", CKQUORUM "4 usable"), until SENTINEL RESET. Seen once in CI,
 * 0.2 s after the topology was ready. That is a Sentinel defect of its own, not what this scenario tests (a rebuilt
 * host never returns within the replication cron period); waiting for the replicas to catch up keeps it out.
 */
import { expect } from 'chai';
import { now } from '../../../lib/clock.ts';
import { Kill } from '../../../lib/faults/kill.ts';
import { REPLICATION_CRON_MS, SCHEDULING_SLACK_MS } from '../../../lib/scenario/bounds.ts';
import { defaultChecks } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import { putFiles } from '../../../lib/topology/docker.ts';
import { confPath, sentinelConf } from '../../../lib/topology/layout.ts';
import { pairs } from '../../../lib/topology/ready.ts';
import type { StartedSentinelTopology } from '../../../lib/topology/topology.ts';
import { events, healNow, injectNow, Observations } from './support.ts';
import { pollUntil, replicasCaughtUp, replyText, SENTINEL_TICK_MS } from './sentinel-suite-support.ts';

const WIPED = 'sentinel-2';

/** Per sentinel "num-other-sentinels:runid-of-sentinel-2-as-it-knows-it", e.g. "2:ab12…" (sentinel-2 itself: "2:self"). */
async function knownSentinels(t: StartedSentinelTopology): Promise<string[]> {
  return Promise.all(
    t.sentinelNames().map(async (s) => {
      const others = Number(pairs(await t.adminCall(s, 'SENTINEL', 'MASTER', t.masterName))['num-other-sentinels']);
      if (s === WIPED) return `${others}:self`;
      const list = (await t.adminCall(s, 'SENTINEL', 'SENTINELS', t.masterName)) as unknown[];
      const ids = list.map((x) => pairs(x)).filter((p) => p['ip'] === WIPED).map((p) => p['runid'] ?? '?');
      return `${others}:${ids.join('+')}`;
    }),
  );
}

export const sentinelWipedRejoin = (): Scenario => {
  const seen = new Observations();
  const kill = new Kill(WIPED);
  return {
    id: 'sentinel-wiped-rejoin',
    title: 'a sentinel restarted with its config wiped (new run id) rejoins without inflating the count of sentinels',
    tags: ['sentinel-suite', 'sentinel', 'config', 'no-failover'],
    requires: ['sentinel-myid'], // SENTINEL MYID exists from Redis 6.2
    description:
      `kill -9 ${WIPED}, replace its config with a fresh one (no sentinel myid, no known sentinels or replicas: ` +
      'what a rebuilt host has) and start it. Poll every sentinel\'s SENTINEL MASTER num-other-sentinels and ' +
      'SENTINEL SENTINELS until they settle (bounded by three hello periods), and ask each for CKQUORUM.',
    expectation:
      `${WIPED} generates a new run id, finds the master in its config and its peers through the hello messages on ` +
      'the redis nodes. Each peer sees a hello from a new run id at the address it already knows: it drops the stale ' +
      'entry (+sentinel-invalid-addr) and adds the new one (+sentinel) — so it still knows 2 other sentinels, the new ' +
      `run id among them — without SENTINEL RESET. ${WIPED} learns both peers. CKQUORUM counts 3 usable sentinels ` +
      'everywhere. The master is healthy throughout: no failover, nothing lost.',
    topology: {},
    schedule: [],
    durationMs: 1000,
    failover: { expected: false },
    convergence: { timeoutMs: 15_000 },
    during: async (ctx) => {
      seen.reset();
      const t = ctx.topology;
      const n = t.sentinelNames().length;
      const publish = t.options.sentinelDebug['publish-period'] ?? 2000;
      seen.set('oldRunId', await replyText(t, WIPED, 'SENTINEL', 'MYID'));
      const killed = await injectNow(ctx, kill);
      // The dead incarnation's last hellos are in the master's stream by now: let every replica deliver them first.
      // A precondition, not a measurement: one replicationCron period for the held-back stream, one more should the
      // replica's ACK miss a cron run on a loaded machine, plus the scheduling slack.
      const drained = await replicasCaughtUp(t, 2 * REPLICATION_CRON_MS + SCHEDULING_SLACK_MS);
      seen.set('oldHellosDelivered', drained.at !== undefined);
      seen.set('oldHellosDeliveredAfterKillMs', drained.at === undefined ? null : Math.round(drained.at - killed.start));
      const spec = t.spec(WIPED);
      await putFiles(t.node(WIPED).container.getId(), [
        { path: confPath(spec), mode: 0o666, content: sentinelConf(spec, t.specs, { ...t.options, preseed: false }) },
      ]);
      await healNow(ctx, kill);
      const restarted = now();
      const newId = await replyText(t, WIPED, 'SENTINEL', 'MYID');
      seen.set('newRunId', newId);
      const settled = await pollUntil(
        () => knownSentinels(t),
        (v) => v.every((x, i) => x === (t.sentinelNames()[i] === WIPED ? `${n - 1}:self` : `${n - 1}:${newId}`)),
        3 * publish + 2 * SENTINEL_TICK_MS,
      );
      seen.set('known', (settled.value ?? []).join(' | '));
      seen.set('settledAfterRestartMs', settled.at === undefined ? null : Math.round(settled.at - restarted));
      seen.set('ckquorum', (await Promise.all(t.sentinelNames().map((s) => replyText(t, s, 'SENTINEL', 'CKQUORUM', t.masterName)))).join(' | '));
    },
    checks: (c) => [...defaultChecks(c), seen.check()],
    expect: (r, e) => {
      const n = r.topology.sentinels;
      const newId = String(e.figure('observed', 'newRunId'));
      e.that('the old incarnation\'s hellos were delivered on every replica before the restart', () =>
        expect(e.figure('observed', 'oldHellosDelivered')).to.equal(true),
      );
      e.that(`${WIPED} came back with a new 40-hex run id`, () => {
        expect(newId).to.match(/^[0-9a-f]{40}$/);
        expect(newId).to.not.equal(e.figure('observed', 'oldRunId'));
      });
      e.that(`within three hello periods every peer knows ${n - 1} other sentinels, ${WIPED} by its new run id only; ${WIPED} knows ${n - 1}`, () => {
        expect(e.figure('observed', 'known')).to.equal(
          r.history.nodes
            .filter((x) => x.kind === 'sentinel')
            .map((x) => (x.name === WIPED ? `${n - 1}:self` : `${n - 1}:${newId}`))
            .join(' | '),
        );
        expect(e.figure('observed', 'settledAfterRestartMs')).to.be.a('number');
      });
      e.that('each peer replaced the stale entry (+sentinel-invalid-addr, then +sentinel)', () => {
        for (const s of ['sentinel-0', 'sentinel-1']) {
          expect(events(r, '+sentinel-invalid-addr', { sentinel: s, node: WIPED }), s).to.have.length(1);
          expect(events(r, '+sentinel', { sentinel: s, node: WIPED }), s).to.have.length(1);
        }
      });
      e.that(`CKQUORUM counts ${n} usable sentinels on every sentinel`, () =>
        expect(e.figure('observed', 'ckquorum')).to.equal(
          Array.from({ length: n }, () => `OK ${n} usable Sentinels. Quorum and failover authorization can be reached`).join(' | '),
        ),
      );
      e.that('no failover, nothing lost, converged on redis-0', () => {
        expect(e.check('failover-timing').valid).to.equal(true);
        expect(e.figure('failover-timing', 'tryFailover')).to.equal(null);
        expect(e.num('write-loss', 'lost')).to.equal(0);
        expect(e.figure('convergence', 'master')).to.equal('redis-0');
      });
    },
  };
};
