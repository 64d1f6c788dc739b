/**
 * `sentinel-chaos run`: the catalogue (or a selection, or a shard of it) through ChaosRun, then the
 * report. `--repeat N` runs the selection N times round-robin (drift spreads over every scenario),
 * each trial on a freshly built scenario; the report then carries each scenario's pass rate.
 */
import path from 'node:path';
import { describeSource, loadConfig, type HarnessConfig } from '../config.ts';
import type { ScenarioResult } from '../model.ts';
import { flakiness } from '../report/flakiness.ts';
import { keyFigures } from '../report/json.ts';
import { formatMs } from '../report/report-data.ts';
import { writeRunReport } from '../report/write-report.ts';
import { ChaosRun } from '../scenario/chaos-run.ts';
import { notFailed } from '../scenario/judge.ts';
import { newRunId, onlyClient } from '../scenario/suite.ts';
import { clientFactory } from '../workload/choose.ts';
import type { Parsed } from './args.ts';
import { checkRunId, progressPrinter, type CliContext } from './context.ts';
import { interrupted, SIGNAL_EXIT, watchInterrupts } from './interrupt.ts';
import { preflightImages, type ImageNeed } from './preflight.ts';
import { select } from './select.ts';
import { randomSeed, suiteSettingsFrom } from './settings.ts';
import { parseShard, shardLabel, splitShard } from './shard.ts';
import { freshScenario, repeatFrom } from './repeat.ts';
import { EXIT } from './spec.ts';

export function configFrom(p: Parsed, ctx: CliContext): HarnessConfig {
  const file = p.values['config'];
  return loadConfig({ cli: p.values, env: ctx.env, cwd: ctx.cwd, ...(typeof file === 'string' ? { configFile: file } : {}) });
}

/** The images a run needs, each with where it was configured (for one-line errors). */
export function imageNeeds(c: HarnessConfig): ImageNeed[] {
  return [
    { image: c.images.redis, role: 'redis nodes', source: describeSource('redisImage', c.sources.redisImage), option: '--redis-image' },
    {
      image: c.images.sentinel,
      role: 'sentinels',
      source: c.sources.sentinelImage === 'default' ? `${describeSource('redisImage', c.sources.redisImage)} (the sentinels use the redis image)` : describeSource('sentinelImage', c.sources.sentinelImage),
      option: c.sources.sentinelImage === 'default' ? '--redis-image' : '--sentinel-image',
    },
    { image: c.images.toxiproxy, role: 'toxiproxy sidecars', source: describeSource('toxiproxyImage', c.sources.toxiproxyImage), option: '--toxiproxy-image' },
    ...(c.images.upgrade ? [{ image: c.images.upgrade, role: 'rolling upgrade target', source: describeSource('upgradeImage', c.sources.upgradeImage), option: '--upgrade-to' }] : []),
  ];
}

export function runIdFrom(p: Parsed, ctx: CliContext): string {
  const given = p.values['run-id'];
  if (typeof given === 'string') return checkRunId(given, '--run-id');
  const env = ctx.env['SC_RUN_ID'];
  if (env) return checkRunId(env, 'SC_RUN_ID');
  return newRunId();
}

/** One line per finished scenario: verdict and the key figures. */
export function resultLine(r: ScenarioResult): string {
  const k = keyFigures(r);
  const ms = (v: unknown): string => (typeof v === 'number' ? formatMs(v) : '—');
  const failed = r.assertions.filter((a) => !a.ok).map((a) => a.name);
  const why = r.error ? ` — error: ${r.error}` : failed.length ? ` — failed: ${failed.join('; ')}` : '';
  return (
    `${r.verdict.toUpperCase()} ${r.scenario.id} (${r.topology.serverVersion ?? r.topology.redisImage}): ` +
    // Durable figures lead (writes a deposed master acknowledged are not availability); raw beside them.
    `promotion ${ms(k.promotionMs)}, durable client recovery ${ms(k.durableClientRecoveryMs)} (raw ${ms(k.clientRecoveryMs)}), ` +
    `durable unavailability ${ms(k.durableUnavailableMs)} (raw ${ms(k.unavailableMs)}), ` +
    `writes acked/lost ${k.acked ?? '—'}/${k.lost ?? '—'}${why}`
  );
}

export async function runCommand(p: Parsed, ctx: CliContext): Promise<number> {
  const cfg = configFrom(p, ctx);
  const shard = typeof p.values['shard'] === 'string' ? parseShard(p.values['shard']) : undefined;
  const runId = runIdFrom(p, ctx);
  const client = onlyClient(cfg);
  clientFactory(client); // a missing redis-py environment is a one-line usage error before anything starts
  const repeat = repeatFrom(p, 1);
  const all = await ctx.catalogue();
  const selected = select(all, cfg.scenarios, describeSource('scenarios', cfg.sources.scenarios));
  const scenarios = shard ? splitShard(selected, shard) : selected;
  const reportDir = cfg.reportDir ?? path.join('reports', shard ? `${runId}-shard-${shard.index}-of-${shard.count}` : runId);
  const seed = cfg.seed ?? randomSeed();
  const progress = progressPrinter(ctx);
  // Settings first: reading the user's config files (--redis-conf, ...) fails before any image is fetched.
  const settings = suiteSettingsFrom(cfg, { runId, seed, reportDir: path.resolve(ctx.cwd, reportDir) });
  if (scenarios.length > 0) await preflightImages(imageNeeds(cfg), progress);

  const mixed = cfg.images.sentinel !== cfg.images.redis ? ` (mixed: sentinels on ${cfg.images.sentinel})` : '';
  progress(
    `run ${runId}: ${scenarios.length} scenario(s)${repeat > 1 ? ` × ${repeat} trials` : ''}${shard ? ` (shard ${shardLabel(shard)} of ${selected.length} selected)` : ''} on ${cfg.images.redis}${mixed}, client ${client}, seed ${seed}`,
  );
  if (shard && scenarios.length === 0) progress(`shard ${shardLabel(shard)} has no scenarios (only ${selected.length} selected); writing an empty report`);
  const run = new ChaosRun(settings, progress);
  watchInterrupts(progress);
  const total = scenarios.length * repeat;
  let step = 0;
  trials: for (let trial = 1; trial <= repeat; trial++) {
    for (const s of scenarios) {
      if (interrupted()) {
        progress(`interrupted: ${total - step} scenario run(s) not run`);
        break trials;
      }
      step++;
      progress(`[${step}/${total}] ${s.id}${repeat > 1 ? ` trial ${trial}/${repeat}` : ''}: ${s.title}`);
      // The first trial runs the selected object itself; later ones a fresh build (scenarios carry state).
      const r = await run.run(trial === 1 ? s : await freshScenario(ctx, s.id));
      progress(resultLine(r));
    }
  }
  await run.settle();
  const report = run.report();
  report.config = { ...report.config, images: cfg.images, ...(repeat > 1 ? { repeat } : {}), ...(shard ? { shard: shardLabel(shard), selectedScenarios: selected.map((s) => s.id) } : {}) };
  const out = await writeRunReport(report, { dir: path.resolve(ctx.cwd, reportDir), warn: ctx.err });
  const results = run.results;
  const count = (v: ScenarioResult['verdict']): number => results.filter((r) => r.verdict === v).length;
  if (repeat > 1) {
    for (const f of flakiness(results)) {
      progress(`pass rate ${f.id}: ${f.passed}/${f.trials} (95% Wilson ${Math.round(f.lo * 100)}–${Math.round(f.hi * 100)}%)${f.flaky ? ' FLAKY' : ''}`);
    }
  }
  const na = count('not-applicable') ? `, ${count('not-applicable')} not applicable to these servers` : '';
  progress(`${count('pass')} passed, ${count('fail')} failed, ${count('error')} did not complete${na}; report: ${path.join(out.dir, 'index.html')}`);
  ctx.out(path.join(out.dir, 'index.html'));
  const signal = interrupted();
  if (signal) return SIGNAL_EXIT[signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'];
  return results.length === total && results.every((r) => notFailed(r.verdict)) ? EXIT.ok : EXIT.failed;
}
