/**
 * The user's client library, measured for real: kill -9 of the master with the workload running redis-py
 * (clients/redis-py/adapter.py, through Sentinel.master_for and the announced-address map) instead of
 * ioredis. The history must be redis-py's own: operations with outcomes and the node that served each, the
 * outage seen by the client, and writes resuming on the new master because redis-py asked the sentinels
 * again and the address map led it to the new master's published port. Nothing is left running.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import type { ScenarioResult } from '../../lib/model.ts';
import { runScenario } from '../../lib/scenario/runner.ts';
import type { Scenario } from '../../lib/scenario/scenario.ts';
import { docker } from '../../lib/topology/docker.ts';
import { REDIS_PY_ADAPTER } from '../../lib/workload/choose.ts';
import { killMaster } from '../chaos/scenarios/kill-master.ts';

/** The redis-py version scripts/sc pins (clients/redis-py/requirements.txt). */
const PINNED = /^redis==(\S+)$/m.exec(readFileSync(new URL('../../clients/redis-py/requirements.txt', import.meta.url), 'utf8'))?.[1];

/** Command lines of every running process (to find adapters left behind). */
async function processes(): Promise<string[]> {
  const out: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    out.push(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''));
  }
  return out;
}

describe('clients: kill -9 of the master with the workload on redis-py', function () {
  this.timeout(90_000);
  const mark = `clients-${randomBytes(4).toString('hex')}`;
  // The catalogue's kill-master (a fresh build: scenarios carry state), on this run's own label; the checks below
  // are about the client, so the scenario's own expectations (written against ioredis) are not judged here.
  const base = killMaster();
  const scenario: Scenario = { ...base, topology: { ...base.topology, labels: { 'sentinel-chaos.test': mark } }, expect: () => {} };
  const log: string[] = [];
  let r: ScenarioResult;

  before(async function () {
    r = await runScenario(scenario, { runId: mark, seed: 1, client: 'redis-py', progress: (m) => void log.push(m) });
  });

  after(async function () {
    const d = (await docker()).container.dockerode;
    const filters = { label: [`sentinel-chaos.test=${mark}`] };
    expect(await d.listContainers({ all: true, filters }), 'containers of the run left').to.deep.equal([]);
  });

  it('ran to the end on redis-py, named with its pinned version', function () {
    expect(r.error, `scenario error; progress:\n${log.join('\n')}`).to.equal(undefined);
    expect(r.client).to.deep.equal({ name: 'redis-py', version: PINNED });
  });

  it('recorded real operations: outcomes, and the node that served every acknowledged one', function () {
    const writes = r.history.ops.filter((o) => o.f === 'add');
    const reads = r.history.ops.filter((o) => o.f === 'read');
    // 200 writes/s for ~2.5 s of schedule plus the warm-up; 20 reads/s.
    expect(writes.length).to.be.above(300);
    expect(reads.filter((o) => o.outcome === 'ok').length).to.be.above(10);
    for (const o of r.history.ops.filter((x) => x.outcome === 'ok')) expect(o.node, `${o.f} ${String(o.value)} ok without a node`).to.be.oneOf(['redis-0', 'redis-1', 'redis-2']);
    // The reader asked Sentinel for a replica (slave_for): a replica served it.
    expect(reads.filter((o) => o.outcome === 'ok' && o.node === 'redis-0'), 'replica reads served by the master').to.deep.equal([]);
  });

  it('saw the outage (nothing hidden by retries) and followed the failover to the new master', function () {
    const f = r.checks['failover-timing']?.figures ?? {};
    const newMaster = String(f['newMaster']).replace(/:\d+$/, '');
    expect(newMaster).to.be.oneOf(['redis-1', 'redis-2']);
    const killedAt = r.history.faults[0]?.start ?? Infinity;
    const switchedAt = killedAt + Number(f['switchFirst']);
    const ok = r.history.ops.filter((o) => o.f === 'add' && o.outcome === 'ok');
    expect(ok.filter((o) => o.complete < killedAt).map((o) => o.node), 'before the kill: the initial master').to.satisfy((ns: string[]) => ns.length > 20 && ns.every((n) => n === 'redis-0'));
    const after = ok.filter((o) => o.invoke > switchedAt);
    expect(after.length, 'writes resumed after the switch').to.be.above(10);
    expect([...new Set(after.map((o) => o.node))], 'served by the new master').to.deep.equal([newMaster]);
    // The fault's start is taken before `docker kill` runs: a write invoked in between may still be acknowledged.
    const deadBy = killedAt + Number(r.history.faults[0]?.detail?.['injectMs'] ?? 0);
    const outage = r.history.ops.filter((o) => o.f === 'add' && o.invoke > deadBy && o.invoke < switchedAt);
    // The first sentinel switches its answer a few ms before its +switch-master reaches the harness (it fsyncs
    // its config first), so redis-py may reach the new master just before `switchFirst`: never the old one.
    expect(outage.filter((o) => o.outcome === 'ok' && o.node !== newMaster), 'acknowledged by the old master after the kill').to.deep.equal([]);
    expect(outage.filter((o) => o.outcome !== 'ok').length, 'the client saw the outage: failed or unknown writes').to.be.above(20);
    expect(f['durableClientRecovery'], 'durable recovery measured from redis-py\'s writes').to.be.a('number');
    expect(r.checks['split-brain']?.valid, 'every acknowledged write on the elected master').to.equal(true);
  });

  it('left no adapter process running', async function () {
    expect((await processes()).filter((c) => c.includes(REDIS_PY_ADAPTER))).to.deep.equal([]);
  });
});
