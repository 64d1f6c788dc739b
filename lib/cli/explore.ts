/**
 * `sentinel-chaos explore`: random faults on one long-lived topology until an invariant breaks, then the
 * failing schedule shrunk to a minimal replayable one (lib/explore); `--replay FILE` runs a written schedule
 * again. Writes the same report as `run`. Ctrl-C stops the exploration (or the shrink), removes the
 * containers and writes the report of what ran.
 */
import path from 'node:path';
import { ConfigError } from '../config.ts';
import type { AllowLoss } from '../explore/invariants.ts';
import { loadReplay, type ExploreSettings } from '../explore/replay.ts';
import { explore, replay, type ExploreOutcome } from '../explore/runner.ts';
import { machineInfo, type RunReport } from '../report/run-report.ts';
import { writeRunReport } from '../report/write-report.ts';
import type { Parsed } from './args.ts';
import { progressPrinter, type CliContext } from './context.ts';
import { interrupted, SIGNAL_EXIT, watchInterrupts } from './interrupt.ts';
import { preflightImages } from './preflight.ts';
import { configFrom, imageNeeds, resultLine, runIdFrom } from './run.ts';
import { randomSeed, topologyFrom } from './settings.ts';
import { EXIT } from './spec.ts';

/** "10m", "90s", "1500ms", "1h"; a bare number is seconds. */
export function parseDuration(raw: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) throw new ConfigError(`invalid value ${JSON.stringify(raw)} for ${option}: give a duration like 10m, 90s or 1500ms`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

function int(p: Parsed, name: string, fallback: number, min: number, max = 1_000_000): number {
  const raw = p.values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`invalid value ${JSON.stringify(raw)} for --${name}: give an integer from ${min} to ${max}`);
  }
  return n;
}

function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

const ALLOW = ['auto', 'strict', 'bounded', 'async'] as const;

function settingsFrom(p: Parsed, seed: number, downAfterMs: number, failoverTimeoutMs: number): ExploreSettings {
  const allow = str(p, 'allow-loss') ?? 'auto';
  if (!(ALLOW as readonly string[]).includes(allow)) throw new ConfigError(`invalid value ${JSON.stringify(allow)} for --allow-loss: use ${ALLOW.join(', ')}`);
  const pinned = str(p, 'pinned-writer') ?? 'redis-0';
  if (pinned !== 'none' && !/^redis-[0-2]$/.test(pinned)) throw new ConfigError(`invalid value ${JSON.stringify(pinned)} for --pinned-writer: give redis-0, redis-1, redis-2 or none`);
  return {
    seed,
    durationMs: parseDuration(str(p, 'duration') ?? '10m', '--duration'),
    maxFaults: int(p, 'max-faults', 60, 1, 10_000),
    allowLoss: allow as AllowLoss | 'auto',
    minReplicasToWrite: int(p, 'min-replicas-to-write', 0, 0, 2),
    minReplicasMaxLagS: int(p, 'min-replicas-max-lag', 1, 1, 60),
    pinnedWriter: pinned === 'none' ? null : pinned,
    downAfterMs,
    failoverTimeoutMs,
  };
}

export async function exploreCommand(p: Parsed, ctx: CliContext): Promise<number> {
  const cfg = configFrom(p, ctx);
  const runId = runIdFrom(p, ctx);
  const reportDir = path.resolve(ctx.cwd, cfg.reportDir ?? path.join('reports', `explore-${runId}`));
  const replayPath = str(p, 'replay');
  const file = replayPath === undefined ? undefined : loadReplay(path.resolve(ctx.cwd, replayPath));
  const settings = file?.settings ?? settingsFrom(p, cfg.seed ?? randomSeed(), cfg.downAfterMs ?? 1500, cfg.failoverTimeoutMs ?? 6000);
  const shrinkBounds = {
    maxAttempts: int(p, 'shrink-attempts', 16, 0, 1000),
    timeMs: parseDuration(str(p, 'shrink-time') ?? '5m', '--shrink-time'),
    runs: int(p, 'shrink-runs', 2, 1, 10),
  };
  const progress = progressPrinter(ctx);
  await preflightImages(imageNeeds(cfg), progress);

  // Ctrl-C: the loop and the shrink stop at their next step; the topology registry removes the containers.
  const abort = new AbortController();
  watchInterrupts(progress);
  const onSignal = (): void => abort.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const startedAt = new Date().toISOString();
  const common = { runId, topology: topologyFrom(cfg), signal: abort.signal, progress };
  let outcome: ExploreOutcome;
  try {
    outcome = file ? await replay(file, common) : await explore({ ...common, settings, dir: reportDir, shrink: shrinkBounds });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  for (const r of outcome.results) progress(resultLine(r));
  const report: RunReport = {
    schemaVersion: 1,
    runId,
    startedAt,
    finishedAt: new Date().toISOString(),
    seed: settings.seed,
    machine: machineInfo(),
    config: { command: file ? `explore --replay ${replayPath}` : 'explore', explore: settings, shrink: shrinkBounds, images: cfg.images, replayFiles: outcome.files },
    scenarios: outcome.results,
  };
  const out = await writeRunReport(report, { dir: reportDir, warn: ctx.err });
  progress(`${outcome.violation ? 'VIOLATION found' : 'no violation'}; report: ${path.join(out.dir, 'index.html')}${outcome.files.length ? `; replay files: ${outcome.files.join(', ')}` : ''}`);
  ctx.out(path.join(out.dir, 'index.html'));
  const signal = interrupted();
  if (signal) return SIGNAL_EXIT[signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'];
  return outcome.violation ? EXIT.failed : EXIT.ok;
}
