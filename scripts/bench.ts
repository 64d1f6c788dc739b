/**
 * Reliability and performance figures of the harness itself, against targets:
 *
 *   ready      topology ready p50 (start() → sentinels see everything, stream acked)  target <= 2.0 s
 *   parallel   2 topologies started at once vs one after the other (ratio)          reported
 *   workload   ok ops/s through Sentinel (16 processes, rate 3000, 5 s)             target >= 2,000
 *   accuracy   failover timing: event stream vs the sentinels' own log timestamps   target <= 10 ms median error
 *   rss        the harness's peak RSS (process.resourceUsage().maxRSS)              target <= 250 MB
 *   suite      the full default chaos suite's wall time and its peak RSS            target <= 4 min (only with --suite)
 *   compare    a 3-scenario × 2-image × 5-trial comparison (`compare --repeat 5`)    target <= 5 min (only with --only compare)
 *
 * Usage: node scripts/bench.ts [--only ready,parallel,workload,accuracy,suite,compare] [--runs 5] [--reps 2] [--kills 5]
 *          [--processes 16] [--rate 3000] [--seconds 5] [--suite] [--no-write]
 *          [--compare-images A,B] [--compare-scenarios kill-master,...]   (compare: default A/A on the configured image)
 * `--suite` adds the full suite (minutes) to the default sections; `--only suite` runs just that.
 * Prints the figures and appends them, with the date and the machine, to benchmarks/RESULTS.md.
 * Every topology carries `sentinel-chaos.bench=harness-<pid>`; leftovers are checked at the end.
 * Other containers on the machine make the figures noisy: the load average is recorded with them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { phasesFromLogs, sentinelPhases, type SentinelPhases } from '../lib/checks/failover-timing.ts';
import { now, sleep } from '../lib/clock.ts';
import { Kill } from '../lib/faults/kill.ts';
import type { LogLine, SentinelEvent } from '../lib/model.ts';
import { collectLogs } from '../lib/observe/server-logs.ts';
import { sentinelEventsFromLog } from '../lib/observe/parse-log.ts';
import { SentinelEventRecorder } from '../lib/observe/sentinel-events.ts';
import { converge } from '../lib/scenario/converge.ts';
import { suiteSettings } from '../lib/scenario/suite.ts';
import { cleanup, listLabelled } from '../lib/topology/docker.ts';
import type { TopologyOptions } from '../lib/topology/options.ts';
import { SentinelTopology, type StartedSentinelTopology } from '../lib/topology/topology.ts';
import { Workload } from '../lib/workload/workload.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const RESULTS = path.join(ROOT, 'benchmarks', 'RESULTS.md');
const BENCH_LABEL = { 'sentinel-chaos.bench': `harness-${process.pid}` };
/** What the chaos suite uses (SENTINEL DEBUG periods etc.), so the figures are the suite's. */
const SUITE_TOPOLOGY: Partial<TopologyOptions> = { ...suiteSettings({}).topology, labels: BENCH_LABEL };

const TARGETS = { readyP50Ms: 2000, suiteMs: 4 * 60_000, compareMs: 5 * 60_000, rssMB: 250, opsPerS: 2000, accuracyMs: 10 };

/** The comparison the `compare` section times by default: three quick scenarios, the same image twice (A/A), five trials each. */
const COMPARE_BENCH = { scenarios: 'kill-master,pause-master-short,manual-failover', repeat: 5 };

// ------------------------------------------------------------------ small statistics

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (i - lo);
}
const median = (xs: number[]): number => quantile(xs, 0.5);
const r0 = (x: number): string => (Number.isFinite(x) ? String(Math.round(x)) : 'n/a');
const r1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const log = (m: string): void => void process.stderr.write(`${m}\n`);

interface Figure {
  name: string;
  value: string;
  target?: string;
  met?: boolean;
  detail?: string;
}
const figures: Figure[] = [];
function figure(f: Figure): void {
  figures.push(f);
  const verdict = f.met === undefined ? '' : f.met ? '  [met]' : '  [NOT met]';
  log(`>> ${f.name}: ${f.value}${f.target ? ` (target ${f.target})` : ''}${verdict}${f.detail ? ` — ${f.detail}` : ''}`);
}

async function withTopology<T>(fn: (t: StartedSentinelTopology) => Promise<T>, options: Partial<TopologyOptions> = {}): Promise<T> {
  const t = await new SentinelTopology().with({ ...SUITE_TOPOLOGY, ...options }).start();
  try {
    return await fn(t);
  } finally {
    await t.stop();
  }
}

// ------------------------------------------------------------------ ready p50

async function benchReady(runs: number): Promise<{ startMs: number; stopMs: number }> {
  const start: number[] = [];
  const ready: number[] = [];
  const stop: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    const t = await new SentinelTopology().with(SUITE_TOPOLOGY).start();
    start.push(now() - t0);
    ready.push(t.readyTimings.sentinelsMs);
    const s0 = now();
    await t.stop();
    stop.push(now() - s0);
    log(`ready run ${i + 1}/${runs}: start() ${r0(start[i] ?? NaN)} ms (ready ${r0(ready[i] ?? NaN)} ms, containers ${r0(t.readyTimings.containersMs)} ms), stop ${r0(stop[i] ?? NaN)} ms`);
  }
  const p50 = median(start);
  figure({
    name: 'topology ready p50 (start() until every sentinel sees the whole topology and every replica acknowledged the stream)',
    value: `${r0(p50)} ms`,
    target: `<= ${TARGETS.readyP50Ms} ms`,
    met: p50 <= TARGETS.readyP50Ms,
    detail: `${runs} runs, min ${r0(Math.min(...start))}, max ${r0(Math.max(...start))} ms; teardown p50 ${r0(median(stop))} ms`,
  });
  return { startMs: p50, stopMs: median(stop) };
}

// ------------------------------------------------------------------ parallel vs sequential

async function benchParallel(reps: number): Promise<void> {
  const seq: number[] = [];
  const par: number[] = [];
  for (let i = 0; i < reps; i++) {
    let t0 = now();
    const a = await new SentinelTopology().with(SUITE_TOPOLOGY).start();
    const b = await new SentinelTopology().with(SUITE_TOPOLOGY).start().catch(async (e: unknown) => {
      await a.stop();
      throw e;
    });
    seq.push(now() - t0);
    await Promise.all([a.stop(), b.stop()]);
    t0 = now();
    const both = await Promise.allSettled([0, 1].map(() => new SentinelTopology().with(SUITE_TOPOLOGY).start()));
    par.push(now() - t0);
    await Promise.all(both.map((r) => (r.status === 'fulfilled' ? r.value.stop() : Promise.resolve())));
    const failed = both.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    log(`parallel rep ${i + 1}/${reps}: 2 sequential ${r0(seq[i] ?? NaN)} ms, 2 in parallel ${r0(par[i] ?? NaN)} ms`);
  }
  const ratio = median(par) / median(seq);
  figure({
    name: 'two topologies started in parallel vs one after the other',
    value: `${r0(median(par))} ms vs ${r0(median(seq))} ms (ratio ${ratio.toFixed(2)})`,
    detail: `${reps} reps; ratio < 1 means running topologies in parallel saves time on this machine (${os.availableParallelism()} CPUs)`,
  });
}

// ------------------------------------------------------------------ workload throughput

async function benchWorkload(processes: number, rate: number, seconds: number): Promise<void> {
  await withTopology(async (t) => {
    const w = new Workload({ workers: [{ group: 0, f: 'add', processes, rate }], keyPrefix: 'bench' });
    await w.start(t);
    const t0 = now();
    await sleep(seconds * 1000);
    await w.stop();
    const ms = now() - t0;
    const ok = w.ops.filter((o) => o.outcome === 'ok');
    const lat = ok.map((o) => o.complete - o.invoke);
    const opsPerS = ok.length / (ms / 1000);
    figure({
      name: `workload ok ops/s through Sentinel (${processes} processes, rate ${rate}, ${seconds} s)`,
      value: `${r0(opsPerS)} ops/s`,
      target: `>= ${TARGETS.opsPerS}`,
      met: opsPerS >= TARGETS.opsPerS,
      detail: `${ok.length} ok, ${w.ops.filter((o) => o.outcome === 'failed').length} failed, ${w.ops.filter((o) => o.outcome === 'unknown').length} unknown; latency p50 ${r1(median(lat))} ms, p99 ${r1(quantile(lat, 0.99))} ms`,
    });
  });
}

// ------------------------------------------------------------------ measurement accuracy

const PHASES = ['sdownFirst', 'sdownQuorum', 'odown', 'elected', 'promoted', 'switchFirst', 'switchQuorum', 'failoverEnd'] as const;

/** Stream events matched with the same sentinel's log line (same type and payload, nearest in time). */
function matchEventsToLogs(events: SentinelEvent[], logs: LogLine[]): number[] {
  const fromLogs = sentinelEventsFromLog(logs);
  const errors: number[] = [];
  for (const e of events) {
    let best: number | undefined;
    for (const l of fromLogs) {
      if (l.node !== e.sentinel || l.type !== e.type || l.payload.trim() !== e.payload.trim()) continue;
      const d = e.time - l.time;
      if (Math.abs(d) < 1000 && (best === undefined || Math.abs(d) < Math.abs(best))) best = d;
    }
    if (best !== undefined) errors.push(best);
  }
  return errors;
}

async function benchAccuracy(kills: number): Promise<void> {
  await withTopology(async (t) => {
    const events = new SentinelEventRecorder();
    await events.start(t);
    const t0 = now();
    const starts: number[] = [];
    try {
      for (let k = 0; k < kills; k++) {
        const fault = new Kill('master');
        const faultStart = now();
        await fault.inject(t);
        starts.push(faultStart);
        const quorumSwitch = async (): Promise<boolean> => {
          const p = sentinelPhases(events.events, faultStart, t.masterName, t.options.quorum);
          return p.switchQuorum !== null && p.failoverEnd !== null;
        };
        for (let i = 0; i < 300 && !(await quorumSwitch()); i++) await sleep(100);
        await fault.heal(t);
        const conv = await converge(t, { replicas: true, timeoutMs: 60_000 });
        log(`accuracy kill ${k + 1}/${kills}: ${fault.targets.join(',')} killed; ${conv.check.notes?.[0] ?? ''}`);
        if (!conv.check.valid) throw new Error(`topology did not converge after kill ${k + 1}: ${conv.check.notes?.join('; ')}`);
      }
      await sleep(500);
    } finally {
      events.stop();
    }
    const sentinels = new Set(t.sentinelNames());
    const logs = (await collectLogs(t, t0)).filter((l) => sentinels.has(l.node));
    const phaseErrors: number[] = [];
    const byPhase: Record<string, number[]> = {};
    starts.forEach((s, k) => {
      const until = starts[k + 1] ?? Infinity;
      const ev = sentinelPhases(events.events.filter((e) => e.time < until), s, t.masterName, t.options.quorum);
      const lg: SentinelPhases = phasesFromLogs(logs.filter((l) => l.time < until), s, t.masterName, t.options.quorum);
      for (const p of PHASES) {
        const a = ev[p];
        const b = lg[p];
        if (a === null || b === null) continue;
        phaseErrors.push(a - b);
        (byPhase[p] ??= []).push(a - b);
      }
    });
    const all = matchEventsToLogs(events.events.filter((e) => e.time >= t0), logs);
    const abs = (xs: number[]): number[] => xs.map(Math.abs);
    const med = median(abs(phaseErrors));
    figure({
      name: `failover timing accuracy: event-stream phases vs sentinel log timestamps (${kills} kill -9 failovers)`,
      value: `median abs. error ${r1(med)} ms`,
      target: `<= ${TARGETS.accuracyMs} ms`,
      met: med <= TARGETS.accuracyMs,
      detail:
        `${phaseErrors.length} phase figures; p90 ${r1(quantile(abs(phaseErrors), 0.9))} ms, max ${r1(Math.max(...abs(phaseErrors)))} ms, ` +
        `median signed ${r1(median(phaseErrors))} ms (event later than log > 0); per phase median abs. error: ` +
        Object.entries(byPhase)
          .map(([p, xs]) => `${p} ${r1(median(abs(xs)))}`)
          .join(', ') +
        `; all ${all.length} stream events matched to their log line: median abs. error ${r1(median(abs(all)))} ms, p99 ${r1(quantile(abs(all), 0.99))} ms`,
    });
  });
}

// ------------------------------------------------------------------ the full suite

/** Peak RSS (VmHWM) of a live process, from /proc (Linux); undefined elsewhere. */
function vmHwmKiB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function benchSuite(): Promise<void> {
  // The suite's report stays (reports/ is ignored by git), so a failing scenario can be looked at.
  const dir = path.join(ROOT, 'reports', `bench-suite-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const t0 = now();
  // scripts/sc execs Mocha, so the child's pid is the suite's Node process once provisioning is done.
  const child = spawn(path.join(ROOT, 'scripts', 'sc'), ['chaos'], {
    cwd: ROOT,
    env: { ...process.env, SC_REPORT_DIR: dir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let peakKiB = 0;
  const sampler = setInterval(() => {
    const k = child.pid === undefined ? undefined : vmHwmKiB(child.pid);
    if (k !== undefined) peakKiB = Math.max(peakKiB, k);
  }, 250);
  let tail = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    tail = (tail + d).slice(-4000);
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(sampler);
  const ms = now() - t0;
  const resultsDir = path.join(dir, 'results');
  const results = existsSync(resultsDir)
    ? readdirSync(resultsDir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(path.join(resultsDir, f), 'utf8')) as { verdict: string; scenario: { id: string } })
    : [];
  const verdicts = results.map((r) => r.verdict);
  const notPassed = results.filter((r) => r.verdict !== 'pass').map((r) => `${r.scenario.id} (${r.verdict})`);
  const count = (v: string): number => verdicts.filter((x) => x === v).length;
  if (verdicts.length === 0) log(`suite produced no results (exit ${code}); stderr tail:\n${tail}`);
  figure({
    name: 'full default chaos suite wall time (scripts/sc chaos)',
    value: `${r1(ms / 1000)} s`,
    target: `<= ${TARGETS.suiteMs / 1000} s`,
    met: ms <= TARGETS.suiteMs,
    detail: `${verdicts.length} scenarios: ${count('pass')} pass, ${count('fail')} fail, ${count('error')} error${notPassed.length ? ` (${notPassed.join(', ')})` : ''}; exit ${code}; report ${path.relative(ROOT, dir)}`,
  });
  figure({
    name: 'suite process peak RSS (VmHWM of the Mocha process)',
    value: peakKiB ? `${r1(peakKiB / 1024)} MB` : 'n/a',
    target: `<= ${TARGETS.rssMB} MB`,
    ...(peakKiB ? { met: peakKiB / 1024 <= TARGETS.rssMB } : {}),
  });
}

/** Wall time of a real `compare` (A/A on one image unless two are given) through the CLI, with its verdict. */
async function benchCompare(images: [string, string], scenarios: string): Promise<void> {
  const dir = path.join(ROOT, 'reports', `bench-compare-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const args = [path.join(ROOT, 'bin', 'sentinel-chaos.ts'), 'compare', '--image', images[0], '--image', images[1], '--scenarios', scenarios, '--repeat', String(COMPARE_BENCH.repeat), '--report-dir', dir];
  const t0 = now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, TESTCONTAINERS_RYUK_DISABLED: 'true' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    tail = (tail + d).slice(-4000);
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const ms = now() - t0;
  const file = path.join(dir, 'comparison.json');
  const summary = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { summary: string }).summary : `no comparison.json (exit ${code}); stderr tail: ${tail.slice(-300)}`;
  figure({
    name: `compare wall time (${scenarios} × 2 images × ${COMPARE_BENCH.repeat} trials, ${images[0] === images[1] ? `A/A on ${images[0]}` : `${images[0]} vs ${images[1]}`})`,
    value: `${r1(ms / 1000)} s`,
    target: `<= ${TARGETS.compareMs / 1000} s`,
    met: ms <= TARGETS.compareMs,
    detail: `exit ${code}; ${summary}; report ${path.relative(ROOT, dir)}`,
  });
}

// ------------------------------------------------------------------ report

function machine(): string {
  const docker = (() => {
    try {
      return execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 10_000 }).trim();
    } catch {
      return 'unknown';
    }
  })();
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  return `${os.availableParallelism()} CPUs (nproc), ${r1(os.totalmem() / 2 ** 30)} GiB memory, Node ${process.version}, Docker ${docker}, ${os.type()} ${os.release()}; load average at the end ${load}`;
}

const cell = (x: string): string => x.replace(/\|/g, '\\|');

function write(args: string): void {
  const lines = [
    '',
    `## Benchmark ${new Date().toISOString()}`,
    '',
    `Machine: ${machine()}.`,
    `Command: \`${['node scripts/bench.ts', args].filter(Boolean).join(' ')}\``,
    '',
    '| figure | value | target | met |',
    '| --- | --- | --- | --- |',
    ...figures.map((f) => `| ${cell(f.name)} | ${cell(f.value)} | ${cell(f.target ?? '')} | ${f.met === undefined ? '' : f.met ? 'yes' : '**no**'} |`),
    '',
    ...figures.filter((f) => f.detail).map((f) => `- ${f.name}: ${f.detail}`),
    '',
  ];
  appendFileSync(RESULTS, lines.join('\n'));
  log(`appended to ${path.relative(process.cwd(), RESULTS)}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: 'ready,parallel,workload,accuracy' },
      runs: { type: 'string', default: '5' },
      reps: { type: 'string', default: '2' },
      kills: { type: 'string', default: '5' },
      processes: { type: 'string', default: '16' },
      rate: { type: 'string', default: '3000' },
      seconds: { type: 'string', default: '5' },
      suite: { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      'compare-images': { type: 'string' },
      'compare-scenarios': { type: 'string', default: COMPARE_BENCH.scenarios },
    },
  });
  const int = (name: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max} (got ${v})`);
    return n;
  };
  const only = new Set((values.only ?? '').split(',').filter(Boolean));
  if (values.suite) only.add('suite');
  const known = ['ready', 'parallel', 'workload', 'accuracy', 'suite', 'compare'];
  const unknown = [...only].filter((x) => !known.includes(x));
  if (unknown.length) throw new Error(`--only takes ${known.join(', ')} (got ${unknown.join(', ')})`);
  const runs = int('runs', values.runs, 1, 50);
  const reps = int('reps', values.reps, 1, 10);
  const kills = int('kills', values.kills, 1, 20);
  const processes = int('processes', values.processes, 1, 256);
  const rate = int('rate', values.rate, 1, 100_000);
  const seconds = int('seconds', values.seconds, 1, 120);

  try {
    if (only.has('ready')) await benchReady(runs);
    if (only.has('parallel')) await benchParallel(reps);
    if (only.has('workload')) await benchWorkload(processes, rate, seconds);
    if (only.has('accuracy')) await benchAccuracy(kills);
    const rssMB = process.resourceUsage().maxRSS / 1024;
    if (['ready', 'parallel', 'workload', 'accuracy'].some((x) => only.has(x))) figure({ name: 'harness peak RSS (this process: topologies, workload, event recording)', value: `${r1(rssMB)} MB`, target: `<= ${TARGETS.rssMB} MB`, met: rssMB <= TARGETS.rssMB });
    if (only.has('suite')) await benchSuite();
    if (only.has('compare')) {
      const configured = suiteSettings({}).topology.images?.redis ?? 'redis:7.0.15';
      const given = (values['compare-images'] ?? '').split(',').filter(Boolean);
      if (given.length !== 0 && given.length !== 2) throw new Error(`--compare-images takes two images, A,B (got ${given.length})`);
      await benchCompare([given[0] ?? configured, given[1] ?? configured], values['compare-scenarios'] ?? COMPARE_BENCH.scenarios);
    }
  } finally {
    const left = await listLabelled(BENCH_LABEL);
    if (left.length) {
      log(`leftovers after the benchmark (removing): ${left.map((l) => l.name).join(', ')}`);
      await cleanup(BENCH_LABEL);
    }
  }
  if (!values['no-write']) write(process.argv.slice(2).join(' '));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    if (figures.length && !process.argv.includes('--no-write')) write(`${process.argv.slice(2).join(' ')} (aborted: ${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    process.exit(1);
  },
);
