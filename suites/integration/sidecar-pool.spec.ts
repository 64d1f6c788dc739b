/**
 * Sidecars lent from one topology to the next (lib/topology/sidecar-pool.ts), on real containers: the next
 * topology of the same shape runs in the same sidecars with none of the last one's proxy state (a toxic, a
 * disabled link), another shape gets new ones and the old ones go, a bring-up that fails never lends its
 * sidecars again, and the pool's stop() leaves nothing behind.
 */
import { expect } from 'chai';
import type { Toxiproxy } from 'toxiproxy-node-client';
import { addToxic, setLinkEnabled } from '../../lib/faults/links.ts';
import { LABEL_TOPOLOGY, listLabelled, remaining } from '../../lib/topology/docker.ts';
import { linkProxyName } from '../../lib/topology/layout.ts';
import { liveTopologies } from '../../lib/topology/registry.ts';
import { SidecarPool } from '../../lib/topology/sidecar-pool.ts';
import type { TopologyOptions } from '../../lib/topology/options.ts';
import { SentinelTopology, type StartedSentinelTopology } from '../../lib/topology/topology.ts';

/** Every node's sidecar container id, by node name. */
function sidecarIds(t: StartedSentinelTopology): Record<string, string> {
  return Object.fromEntries([...t.nodes.values()].map((n) => [n.spec.name, n.sidecar.getId()]));
}

/** Every proxy of a sidecar as its toxiproxy reports it: name, enabled, toxic count. */
async function proxyState(tp: Toxiproxy): Promise<{ name: string; enabled: boolean; toxics: number }[]> {
  // The API's own listing (the client's Proxy objects do not carry the toxics).
  const all = (await tp.api.get(`${tp.host}/proxies`)).data as Record<string, { name: string; enabled: boolean; toxics: unknown[] }>;
  return Object.values(all)
    .map((p) => ({ name: p.name, enabled: p.enabled, toxics: p.toxics.length }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

describe('sidecar pool on real containers', function () {
  this.timeout(120_000);
  const pool = new SidecarPool();
  const started: StartedSentinelTopology[] = [];
  const start = async (o: Partial<TopologyOptions> = {}): Promise<StartedSentinelTopology> => {
    const t = await new SentinelTopology().with(o).withSidecarPool(pool).start();
    started.push(t);
    return t;
  };

  after(async function () {
    await Promise.allSettled(started.map((t) => t.stop()));
    await pool.stop();
  });

  it('lends the next topology of the same shape the same sidecars, with none of the last one\'s proxies', async function () {
    const a = await start();
    expect(a.lease?.reused, 'the first topology creates its sidecars').to.equal(false);
    // Proxy state a scenario can leave behind: a toxic on a replication link, a sentinel's link cut.
    await addToxic(a, { from: 'redis-1', to: 'redis-0' }, { name: 'slow', type: 'latency', stream: 'downstream', attributes: { latency: 500, jitter: 0 } });
    await setLinkEnabled(a, { from: 'sentinel-0', to: 'redis-0' }, false);
    expect((await proxyState(a.node('redis-1').toxiproxy)).find((p) => p.name === linkProxyName('redis-0'))?.toxics, 'the toxic is on').to.equal(1);
    const before = sidecarIds(a);
    await a.stop();
    expect(await remaining(a.id), 'its servers and data volume are gone').to.deep.equal([]);

    const b = await start();
    expect(b.lease?.reused, 'the second one borrows them').to.equal(true);
    expect(sidecarIds(b)).to.deep.equal(before);
    for (const n of b.nodes.values()) {
      const state = await proxyState(n.toxiproxy);
      expect(state.filter((p) => !p.enabled || p.toxics > 0), `${n.spec.name}: proxies disabled or with toxics`).to.deep.equal([]);
    }
    // And it works: the replicas follow the master and the sentinels agree on it.
    expect((await b.sentinelsMaster()).agree).to.equal(3);
    const roles = await Promise.all(b.redisNames().map(async (n) => String(((await b.adminCall(n, 'ROLE')) as unknown[])[0])));
    expect(roles).to.deep.equal(['master', 'slave', 'slave']);
    await b.stop();
  });

  it('gives a topology of another shape new sidecars, and removes the ones it held', async function () {
    const held = await listLabelled({ [LABEL_TOPOLOGY]: pool.id });
    expect(held.filter((x) => x.kind === 'container'), 'the 6 held sidecars').to.have.length(6);
    const c = await start({ replicas: 1 });
    expect(c.lease?.reused).to.equal(false);
    const now = await listLabelled({ [LABEL_TOPOLOGY]: pool.id });
    const heldIds = new Set(held.map((x) => x.id));
    expect(now.filter((x) => heldIds.has(x.id)), 'the other shape\'s sidecars and network').to.deep.equal([]);
    expect(now.filter((x) => x.kind === 'container'), 'the 5 new sidecars').to.have.length(5);
    await c.stop();
  });

  it('never lends again the sidecars of a topology whose bring-up failed', async function () {
    // The held set (from the test above) is of this shape: the failing start borrows it.
    const held = new Set((await listLabelled({ [LABEL_TOPOLOGY]: pool.id })).map((x) => x.id));
    const failing = new SentinelTopology().with({ replicas: 1, redisConfig: ['no-such-directive yes'], startupTimeoutMs: 4000 }).withSidecarPool(pool);
    let error: unknown;
    await failing.start().catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/timed out/);
    const left = await listLabelled({ [LABEL_TOPOLOGY]: pool.id });
    expect(left.filter((x) => held.has(x.id)), 'the failed topology\'s sidecars and network').to.deep.equal([]);
    expect(left, 'and the pool holds nothing else').to.deep.equal([]);
  });

  it('stop() removes every sidecar and network it holds and leaves the registry', async function () {
    const d = await start();
    await d.stop();
    expect(await listLabelled({ [LABEL_TOPOLOGY]: pool.id }), 'held after the topology stopped').to.have.length(7);
    await pool.stop();
    expect(await listLabelled({ [LABEL_TOPOLOGY]: pool.id })).to.deep.equal([]);
    expect(liveTopologies(), 'nothing left registered').to.equal(0);
  });
});
