/**
 * Port of the refusals of SENTINEL FAILOVER (Redis's tests/sentinel/tests/05-manual.tcl, and sentinel.c's
 * sentinelCommand): NOGOODSLAVE while no replica may be promoted (here: every replica at replica-priority 0), and
 * INPROG for a second SENTINEL FAILOVER while the first one is still running. The accepted one then completes.
 */
import { expect } from 'chai';
import { now } from '../../../lib/clock.ts';
import { defaultChecks } from '../../../lib/scenario/runner.ts';
import type { Scenario } from '../../../lib/scenario/scenario.ts';
import type { StartedSentinelTopology } from '../../../lib/topology/topology.ts';
import { nodeOf, Observations } from './support.ts';
import { pollUntil, replyText } from './sentinel-suite-support.ts';

/** Sentinel's INFO period towards masters and replicas (10 s unless the run shortens it with SENTINEL DEBUG). */
function infoPeriodMs(t: StartedSentinelTopology): number {
  return t.options.sentinelDebug['info-period'] ?? 10_000;
}

/** The replica priorities sentinel-0 last read from the replicas' INFO, "redis-1=0,redis-2=0". */
async function priorities(t: StartedSentinelTopology): Promise<string> {
  const reply = (await t.adminCall(t.sentinelNames()[0] ?? 'sentinel-0', 'SENTINEL', 'REPLICAS', t.masterName)) as unknown[][];
  return reply
    .map((fields) => {
      const p: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) p[String(fields[i])] = String(fields[i + 1]);
      return `${p['name']?.replace(/:\d+$/, '') ?? '?'}=${p['slave-priority'] ?? '?'}`;
    })
    .sort()
    .join(',');
}

export const failoverRefusals = (): Scenario => {
  const seen = new Observations();
  return {
    id: 'failover-refusals',
    title: 'SENTINEL FAILOVER refused: NOGOODSLAVE with no promotable replica, INPROG while one runs',
    tags: ['sentinel-suite', 'manual', 'failover', 'loss'],
    description:
      'CONFIG SET replica-priority 0 on both replicas; once sentinel-0 has read it (SENTINEL REPLICAS, within two INFO ' +
      'periods) send it SENTINEL FAILOVER. Put the priorities back to 100, wait until sentinel-0 has read them, send ' +
      'SENTINEL FAILOVER, and at once a second one.',
    expectation:
      'With every replica at priority 0 Sentinel has no candidate and refuses at once: "-NOGOODSLAVE No suitable ' +
      'replica to promote"; nothing starts. With the priorities back the command is accepted (OK) and the failover ' +
      'state is set before the reply, so the second command gets "-INPROG Failover already in progress" — not a ' +
      'second failover. Exactly one failover follows; the old master is demoted and resyncs. As in manual-failover, ' +
      'writes the old master acknowledges between the promotion and its demotion are lost.',
    schedule: [],
    durationMs: 1000,
    failover: { expected: true },
    allowLoss: true,
    expectedOutcomes: {
      'split-brain': {
        valid: false,
        why: 'a Sentinel manual failover promotes a replica while the old master still accepts writes until it is demoted',
      },
    },
    convergence: { timeoutMs: 15_000 },
    during: async (ctx) => {
      seen.reset();
      const t = ctx.topology;
      const m = t.masterName;
      const s0 = t.sentinelNames()[0] ?? 'sentinel-0';
      const replicas = t.redisNames().slice(1);
      const setPriority = (p: number): Promise<unknown> => Promise.all(replicas.map((r) => t.adminCall(r, 'CONFIG', 'SET', 'replica-priority', p)));
      const all = (p: number): string => replicas.map((r) => `${r}=${p}`).join(',');
      const bound = 2 * infoPeriodMs(t);
      await setPriority(0);
      const zero = await pollUntil(() => priorities(t), (v) => v === all(0), bound);
      seen.set('prioritiesSeen0', zero.value ?? null);
      seen.set('noGoodSlave', await replyText(t, s0, 'SENTINEL', 'FAILOVER', m));
      await setPriority(100);
      const back = await pollUntil(() => priorities(t), (v) => v === all(100), bound);
      seen.set('prioritiesSeen100', back.value ?? null);
      const sent = now();
      const [first, second] = await Promise.all([replyText(t, s0, 'SENTINEL', 'FAILOVER', m), replyText(t, s0, 'SENTINEL', 'FAILOVER', m)]);
      seen.set('accepted', first);
      seen.set('inprog', second);
      seen.set('switchesBeforeAccepted', ctx.events.events.filter((x) => x.type === '+switch-master' && x.time < sent).length);
      const switched = await ctx.events.waitFor((e) => e.type === '+switch-master', 4 * t.options.failoverTimeoutMs, sent);
      seen.set('switchedAfterMs', switched ? Math.round(switched.time - sent) : null);
    },
    checks: (c) => [...defaultChecks(c), seen.check()],
    expect: (_r, e) => {
      e.that('sentinel-0 read priority 0 for both replicas, then 100 again', () => {
        expect(e.figure('observed', 'prioritiesSeen0')).to.equal('redis-1=0,redis-2=0');
        expect(e.figure('observed', 'prioritiesSeen100')).to.equal('redis-1=100,redis-2=100');
      });
      e.that('no promotable replica: -NOGOODSLAVE', () =>
        expect(e.figure('observed', 'noGoodSlave')).to.equal('-NOGOODSLAVE No suitable replica to promote'),
      );
      e.that('the first SENTINEL FAILOVER accepted, the second refused with -INPROG', () => {
        expect(e.figure('observed', 'accepted')).to.equal('OK');
        expect(e.figure('observed', 'inprog')).to.equal('-INPROG Failover already in progress');
      });
      e.that('exactly one failover, to a replica, after the accepted command only', () => {
        expect(e.num('failover-timing', 'failovers')).to.equal(1);
        expect(nodeOf(e.figure('failover-timing', 'newMaster'))).to.be.oneOf(['redis-1', 'redis-2']);
        expect(e.figure('observed', 'switchedAfterMs')).to.be.a('number');
        expect(e.figure('observed', 'switchesBeforeAccepted'), 'the refused command started nothing').to.equal(0);
      });
      e.that('no failover detection was involved (no +sdown / +odown of the master)', () => {
        expect(e.figure('failover-timing', 'sdownFirst')).to.equal(null);
        expect(e.figure('failover-timing', 'odown')).to.equal(null);
      });
      e.that('the old master was demoted and resynced; converged', () => {
        expect(e.check('reattach').valid).to.equal(true);
        expect(e.check('convergence').valid).to.equal(true);
      });
      e.that('split brain as declared: writes acknowledged by the old master after the promotion', () =>
        expect(e.check('split-brain').valid).to.equal(false),
      );
    },
  };
};
