/**
 * The harness's side of the client-adapter protocol (lib/workload/external-client.ts), against real adapter
 * processes that misbehave on purpose (suites/fixtures/adapters/misbehave.ts): the bound is the harness's,
 * a crash or a garbage line breaks the run with one line naming the adapter and the line, and afterwards
 * nothing the adapter started is left running. No containers: the adapter never reaches a redis node.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { now } from '../../lib/clock.ts';
import type { StartedSentinelTopology } from '../../lib/topology/topology.ts';
import type { ClientFactory, ClientInfo, WorkloadClient } from '../../lib/workload/client.ts';
import { clientChoiceProblem, clientFactory } from '../../lib/workload/choose.ts';
import { ExternalClient, PROTOCOL_VERSION, type Hello } from '../../lib/workload/external-client.ts';
import { Workload } from '../../lib/workload/workload.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/adapters/misbehave.ts', import.meta.url));
const TIMEOUT = 150;
const MARGIN = 100;

const hello: Hello = {
  type: 'hello',
  protocol: PROTOCOL_VERSION,
  masterName: 'mymaster',
  sentinels: [{ host: '127.0.0.1', port: 1 }],
  addressMap: { 'redis-1:7001': { host: '127.0.0.1', port: 41001 } },
  role: 'master',
  commandTimeoutMs: TIMEOUT,
};
const NODES = new Map([['127.0.0.1:41001', 'redis-1']]);

function adapter(mode: string, env = ''): { client: ExternalClient; infos: ClientInfo[] } {
  const infos: ClientInfo[] = [];
  const name = `cmd:misbehave ${mode}`;
  const spec = { name, command: `${env}"${process.execPath}" "${FIXTURE}" ${mode}`, shell: true, marginMs: MARGIN, startTimeoutMs: 5000 };
  return { client: new ExternalClient(spec, hello, NODES, ['redis-0', 'redis-1', 'redis-2'], (i) => infos.push(i)), infos };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(probe: () => boolean, ms = 2000): Promise<boolean> {
  const end = now() + ms;
  while (now() < end) {
    if (probe()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return probe();
}

const add = { f: 'add' as const, key: 'chaos:set', value: '0-0' };

describe('external client adapters (the protocol, harness side)', function () {
  this.timeout(15_000);
  const open: WorkloadClient[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  it('a well-behaved adapter: ready names the library, replies settle, the served address maps back to its node', async () => {
    const { client, infos } = adapter('ok', 'SC_FIXTURE_ADDR=127.0.0.1:41001 ');
    open.push(client);
    await client.connect();
    expect(infos).to.deep.equal([{ name: 'misbehave', version: '0.0.1' }]);
    const r = await client.invoke({ f: 'incr', key: 'chaos:counter' });
    // Catches: outcome, value or node not taken from the reply; addr not mapped through the node table.
    expect(r).to.deep.equal({ outcome: 'ok', node: 'redis-1', value: 1 });
    expect(client.fatal).to.equal(undefined);
  });

  it('an address that is no node of the topology leaves the node unknown (never guessed)', async () => {
    const { client } = adapter('ok', 'SC_FIXTURE_ADDR=127.0.0.1:9 ');
    open.push(client);
    await client.connect();
    expect(await client.invoke(add)).to.deep.equal({ outcome: 'ok', value: 1 });
  });

  it('an adapter that crashes at start: one line with its exit code and stderr, and it is gone', async () => {
    const { client } = adapter('crash-start');
    open.push(client);
    const err = await client.connect().then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).to.match(/^client adapter cmd:misbehave crash-start exited with code 3; its stderr ended: adapter: cannot import the client library$/);
    expect(err?.message).to.not.include('\n');
  });

  it('an adapter that answers the hello with garbage: one line quoting it', async () => {
    const { client } = adapter('garbage-start');
    open.push(client);
    const err = await client.connect().then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).to.equal(
      'client adapter cmd:misbehave garbage-start wrote a line that is not JSON: "Welcome to my adapter!". Fix: write only protocol lines on stdout, logs on stderr (docs/client-protocol.md)',
    );
  });

  it('garbage mid-run: the op in flight is unknown and the client is broken (fatal), naming the line', async () => {
    const { client } = adapter('garbage');
    open.push(client);
    await client.connect();
    const r = await client.invoke(add);
    expect(r.outcome).to.equal('unknown');
    expect(client.fatal?.message).to.match(/^client adapter cmd:misbehave garbage wrote a line that is not JSON: "DEBUG: sending SADD"/);
    // Nothing more is sent to a broken adapter: definitely not applied.
    expect((await client.invoke(add)).outcome).to.equal('failed');
  });

  it('a reply with an id never sent is garbage, not silently dropped', async () => {
    const { client } = adapter('bad-id');
    open.push(client);
    await client.connect();
    await client.invoke(add);
    expect(client.fatal?.message).to.match(/wrote a reply with an id it was never sent: "\{\\"id\\":9999/);
  });

  it('a crash mid-run: the op in flight is unknown (it may have been applied) and the exit is reported', async () => {
    const { client } = adapter('crash');
    open.push(client);
    await client.connect();
    expect((await client.invoke(add)).outcome).to.equal('ok');
    const r = await client.invoke(add);
    expect(r.outcome).to.equal('unknown');
    expect(client.fatal?.message).to.equal('client adapter cmd:misbehave crash exited with code 4');
  });

  it('the harness enforces the bound: no reply within commandTimeout + margin is unknown, not earlier', async () => {
    const { client } = adapter('hang');
    open.push(client);
    await client.connect();
    const t = now();
    const r = await client.invoke(add);
    const took = now() - t;
    expect(r).to.deep.equal({ outcome: 'unknown', error: `no reply from client adapter cmd:misbehave hang within ${TIMEOUT + MARGIN} ms` });
    // Catches a bound that ignores the margin (too early) or is not enforced (the test would time out).
    expect(took).to.be.at.least(TIMEOUT + MARGIN - 2);
    expect(took).to.be.below(TIMEOUT + MARGIN + 1000);
    // A hung adapter is not a broken protocol: the run goes on, recording unknowns.
    expect(client.fatal).to.equal(undefined);
  });

  it('close ends an adapter that ignores close, and the children it started', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'sc-adapter-')), 'child.pid');
    const { client } = adapter('stubborn', `SC_FIXTURE_PIDFILE=${pidFile} `);
    await client.connect();
    expect(await eventually(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== ''), 'the adapter started its child').to.equal(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(pid), 'the child runs before close').to.equal(true);
    await client.close();
    expect(await eventually(() => !alive(pid)), 'the child is gone after close').to.equal(true);
  });

  it('the workload: a crashed adapter stops the processes and stop() rejects with its one line (scenario error)', async () => {
    const clients: ExternalClient[] = [];
    const factory: ClientFactory = {
      perProcess: true,
      create: () => {
        const c = adapter('crash').client;
        clients.push(c);
        return c;
      },
      info: () => ({ name: 'cmd:misbehave crash' }),
    };
    const w = new Workload({ workers: [{ f: 'add', processes: 2, rate: 50 }], commandTimeoutMs: TIMEOUT, client: factory });
    await w.start({} as StartedSentinelTopology);
    expect(clients).to.have.length(2); // one adapter per workload process
    await eventually(() => w.fatal !== undefined, 3000);
    const err = await w.stop().then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).to.equal('client adapter cmd:misbehave crash exited with code 4');
    // Each adapter answers one request, then crashes on the next: the first crash stops every process, so the
    // other one may not send its second request at all. Nothing is recorded as ok or failed after a crash.
    expect(w.ops.filter((o) => o.outcome === 'ok')).to.have.length(2);
    const rest = w.ops.filter((o) => o.outcome !== 'ok');
    expect(rest.length).to.be.within(1, 2);
    for (const o of rest) expect(o).to.include({ outcome: 'unknown', error: 'client adapter cmd:misbehave crash exited with code 4' });
  });
});

describe('client choice', () => {
  it('accepts ioredis, redis-py and cmd:<command>; anything else says what is accepted', () => {
    expect(clientChoiceProblem('ioredis')).to.equal(undefined);
    expect(clientChoiceProblem('redis-py')).to.equal(undefined);
    expect(clientChoiceProblem('cmd:python3 a.py')).to.equal(undefined);
    expect(clientChoiceProblem('cmd: ')).to.match(/needs a command/);
    expect(clientChoiceProblem('jedis')).to.equal('must be ioredis, redis-py or cmd:<adapter command> (docs/client-protocol.md)');
  });

  it('ioredis is the default and names its installed version', () => {
    const info = clientFactory(undefined).info();
    expect(info.name).to.equal('ioredis');
    expect(info.version).to.match(/^\d+\.\d+\.\d+/);
  });
});
