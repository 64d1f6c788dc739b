/**
 * Which topologies may share sidecars (lib/topology/sidecar-pool.ts): exactly those whose sidecars would be
 * created alike. A key that ignored the client groups would lend sidecars without the ports a scenario's
 * second client group needs; one that included the redis image would never lend across a compare's variants.
 */
import { expect } from 'chai';
import { defaultTopologyOptions } from '../../lib/topology/options.ts';
import { freshSidecars, LABEL_POOL, SidecarPool, sidecarKey } from '../../lib/topology/sidecar-pool.ts';
import { LABEL_TOPOLOGY } from '../../lib/topology/docker.ts';

describe('sidecar pool: which topologies share sidecars', function () {
  const base = defaultTopologyOptions();
  const key = (o: Partial<typeof base>): string => sidecarKey({ ...base, ...o, images: { ...base.images, ...o.images } });

  it('differs with the toxiproxy image, the replicas, the sentinels and the client groups', function () {
    const k = key({});
    expect(key({ images: { ...base.images, toxiproxy: 'other/toxiproxy:1' } })).to.not.equal(k);
    expect(key({ replicas: base.replicas + 1 })).to.not.equal(k);
    expect(key({ sentinels: base.sentinels + 2 })).to.not.equal(k);
    expect(key({ clientGroups: base.clientGroups + 1 })).to.not.equal(k);
  });

  it('is the same whatever the servers, their images, timings, auth or config', function () {
    const k = key({});
    expect(key({ images: { ...base.images, redis: 'valkey/valkey:9', sentinel: 'redis:6.0' } })).to.equal(k);
    expect(key({ downAfterMs: 5000, failoverTimeoutMs: 60_000, quorum: 3, redisConfig: ['appendonly yes'], auth: { password: 'x', acl: true } })).to.equal(k);
  });

  it('labels what it owns with its own id as the topology, without the scenario label', function () {
    const pool = new SidecarPool();
    const labels = pool.labels({ 'sentinel-chaos': 'true', [LABEL_TOPOLOGY]: 'abcd', 'sentinel-chaos.scenario': 'kill-master', team: 'x' });
    expect(labels).to.deep.equal({ 'sentinel-chaos': 'true', [LABEL_TOPOLOGY]: pool.id, [LABEL_POOL]: pool.id, team: 'x' });
  });

  it('is off with SC_FRESH_SIDECARS=1 only', function () {
    expect(freshSidecars({ SC_FRESH_SIDECARS: '1' })).to.equal(true);
    expect(freshSidecars({})).to.equal(false);
    expect(freshSidecars({ SC_FRESH_SIDECARS: '0' })).to.equal(false);
  });
});
