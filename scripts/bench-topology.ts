/**
 * Topology bring-up benchmark: starts and stops the default topology (1 master, 2 replicas, 3 sentinels,
 * one toxiproxy sidecar per node) several times, with pre-seeded sentinel identities (the default) and
 * without, and prints the median of each phase:
 *
 *   containers   every sidecar and server container started, proxies configured
 *   replication  every replica's link to the master up
 *   ready        every sentinel sees the master, every replica and every other sentinel, healthy
 *
 * All figures are ms from the start of `start()`. Usage:
 *   node scripts/bench-topology.ts [--runs 5] [--variants preseed,no-preseed[,no-boot]] [--json]
 * `no-boot` is the pre-seeded topology without the bring-up ping-period (`bootPingPeriodMs: 0`).
 * Variants are interleaved run by run, so background load hits them alike; the load average is printed
 * with each run. Other containers on the machine make the figures noisy: compare medians, not single runs.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { now } from '../lib/clock.ts';
import type { TopologyOptions } from '../lib/topology/options.ts';
import { SentinelTopology } from '../lib/topology/topology.ts';
import { listLabelled } from '../lib/topology/docker.ts';

interface Sample {
  containersMs: number;
  replicationMs: number;
  readyMs: number;
  stopMs: number;
}

interface Variant {
  name: string;
  options: Partial<TopologyOptions>;
}

const VARIANTS: Variant[] = [
  { name: 'preseed', options: { preseed: true } },
  { name: 'no-preseed', options: { preseed: false } },
  { name: 'no-boot', options: { preseed: true, bootPingPeriodMs: 0 } },
];

/** Target for the default (pre-seeded) topology's median ready time on the 2-core CI machine. */
const TARGET_READY_P50_MS = 2500;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

async function once(v: Variant): Promise<Sample> {
  const t = await new SentinelTopology().with({ ...v.options, labels: { 'sentinel-chaos.bench': 'topology' } }).start();
  const r = t.readyTimings;
  const s0 = now();
  await t.stop();
  return { containersMs: r.containersMs, replicationMs: r.replicationMs, readyMs: r.sentinelsMs, stopMs: now() - s0 };
}

function fmt(ms: number): string {
  return `${Math.round(ms)}`.padStart(6);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '5' }, variants: { type: 'string', default: 'preseed,no-preseed' }, json: { type: 'boolean', default: false } },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer (got ${values.runs})`);
  const wanted = values.variants.split(',').map((x) => x.trim());
  const unknown = wanted.filter((w) => !VARIANTS.some((v) => v.name === w));
  if (unknown.length) throw new Error(`unknown variant ${unknown.join(', ')}; known: ${VARIANTS.map((v) => v.name).join(', ')}`);
  const variants = VARIANTS.filter((v) => wanted.includes(v.name));

  const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
  // Interleave the variants so that background load hits both alike.
  for (let i = 0; i < runs; i++) {
    for (const v of variants) {
      const s = await once(v);
      samples.get(v.name)?.push(s);
      process.stderr.write(
        `run ${i + 1}/${runs} ${v.name.padEnd(10)} containers ${fmt(s.containersMs)}  replication ${fmt(s.replicationMs)}  ready ${fmt(s.readyMs)}  stop ${fmt(s.stopMs)} ms  (load ${loadavg()[0]?.toFixed(1)})\n`,
      );
    }
  }
  const left = await listLabelled({ 'sentinel-chaos.bench': 'topology' });
  if (left.length) throw new Error(`leftovers after the benchmark: ${left.map((l) => l.name).join(', ')}`);

  const summary = Object.fromEntries(
    [...samples].map(([name, ss]) => [
      name,
      {
        runs: ss.length,
        containersMs: Math.round(median(ss.map((s) => s.containersMs))),
        replicationMs: Math.round(median(ss.map((s) => s.replicationMs))),
        readyMs: Math.round(median(ss.map((s) => s.readyMs))),
        stopMs: Math.round(median(ss.map((s) => s.stopMs))),
        readyMinMs: Math.round(Math.min(...ss.map((s) => s.readyMs))),
        readyMaxMs: Math.round(Math.max(...ss.map((s) => s.readyMs))),
      },
    ]),
  );
  if (values.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  process.stdout.write(`\ntopology bring-up, median of ${runs} run(s), ms from start() (load average now ${loadavg().map((x) => x.toFixed(1)).join(' ')}):\n`);
  process.stdout.write(`${'variant'.padEnd(12)}${'containers'.padStart(12)}${'replication'.padStart(13)}${'ready'.padStart(8)}${'(min-max)'.padStart(14)}${'stop'.padStart(8)}\n`);
  for (const [name, s] of Object.entries(summary)) {
    process.stdout.write(
      `${name.padEnd(12)}${String(s.containersMs).padStart(12)}${String(s.replicationMs).padStart(13)}${String(s.readyMs).padStart(8)}${`${s.readyMinMs}-${s.readyMaxMs}`.padStart(14)}${String(s.stopMs).padStart(8)}\n`,
    );
  }
  const pre = summary['preseed'];
  const raw = summary['no-preseed'];
  if (pre && raw) process.stdout.write(`ready ratio no-preseed / preseed: ${(raw.readyMs / pre.readyMs).toFixed(2)}\n`);
  if (pre) {
    const ok = pre.readyMs <= TARGET_READY_P50_MS;
    process.stdout.write(`target ready p50 <= ${TARGET_READY_P50_MS} ms (preseed): ${ok ? 'met' : 'NOT met'} (${pre.readyMs} ms)\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-topology: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
