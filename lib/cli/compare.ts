/**
 * `sentinel-chaos compare`: the same scenarios, same seed, on two or more image variants, each
 * scenario `--repeat` times per variant with the trials interleaved (A B A B ...: drift of a shared
 * machine hits every variant alike) — then each variant's run report (every trial kept) and the
 * comparison with its statistical verdict. `--from` compares report folders already written;
 * `--calibrate IMAGE` runs an A/A comparison to measure the false-alarm rate.
 */
import path from 'node:path';
import { ConfigError, describeSource, type HarnessConfig, type Images } from '../config.ts';
import { buildComparison } from '../compare/build.ts';
import type { ComparisonReport, ScenarioOutcome, Variant } from '../compare/model.ts';
import { calibrationLine, calibrationOf } from '../compare/calibrate.ts';
import { outcomeOf, outcomeOfRecord, variantLabels } from '../compare/outcome.ts';
import { verdictLines } from '../compare/verdict.ts';
import { readResultsJson } from '../compare/read-report.ts';
import { writeComparison } from '../compare/write.ts';
import { machineInfo } from '../report/run-report.ts';
import { writeRunReport } from '../report/write-report.ts';
import { ChaosRun } from '../scenario/chaos-run.ts';
import { UsageError, type Parsed } from './args.ts';
import { progressPrinter, type CliContext } from './context.ts';
import { interrupted, SIGNAL_EXIT, watchInterrupts } from './interrupt.ts';
import { preflightImages, type ImageNeed } from './preflight.ts';
import { configFrom, resultLine, runIdFrom } from './run.ts';
import { select } from './select.ts';
import { randomSeed, suiteSettingsFrom, topologyFrom } from './settings.ts';
import { COMPARE_DEFAULT_REPEAT, freshScenario, repeatFrom } from './repeat.ts';
import { EXIT } from './spec.ts';
import { freshSidecars, SidecarPool } from '../topology/sidecar-pool.ts';

export interface VariantSpec {
  redisImage: string;
  sentinelImage: string;
  /** Comparing clients: the variant's client library (every variant runs the one image). */
  client?: string;
}

/**
 * Variants from the configured images: "IMAGE" runs redis nodes and sentinels on IMAGE (or the sentinels
 * on `fixedSentinel` if given); "IMAGE+SENTINEL" runs the sentinels on SENTINEL.
 */
export function parseVariants(images: readonly string[], fixedSentinel?: string): VariantSpec[] {
  return images.map((spec) => {
    const [redis, sentinel] = spec.split('+');
    return { redisImage: redis ?? spec, sentinelImage: sentinel ?? fixedSentinel ?? redis ?? spec };
  });
}

function notes(repeat: number, interleaved = true): string[] {
  return [
    `Each scenario ran ${repeat} time(s) per variant${interleaved ? ', trials interleaved' : ' (read from existing reports: their trials were not interleaved)'}. A metric regresses only when its trials differ significantly (Mann–Whitney U, p < 0.05) AND the median difference is beyond the threshold; "~" = no change; inconclusive = too few trials or too much spread.`,
    ...(repeat < 4 ? [`With ${repeat} trial(s) per side no difference can reach p < 0.05: use --repeat 5 or more for a verdict.`] : []),
  ];
}

function sentinelNote(c: HarnessConfig): string[] {
  return c.sentinelDebug ? ['Every variant ran with SENTINEL DEBUG info-period 1000 publish-period 500 (shortens Sentinel internal periods; --no-sentinel-debug turns it off).'] : [];
}

async function compareFrom(dirs: string[], cfg: HarnessConfig, id: string, ctx: CliContext): Promise<{ report: ComparisonReport; dir: string }> {
  const dir = path.resolve(ctx.cwd, cfg.reportDir ?? path.join('reports', `compare-${id}`));
  const reads = await Promise.all(dirs.map(async (d) => ({ d: path.resolve(ctx.cwd, d), r: await readResultsJson(path.resolve(ctx.cwd, d)) })));
  const imagesOf = (r: (typeof reads)[number]['r']): VariantSpec & { toxiproxyImage: string } => {
    const t = r.scenarios[0]?.topology;
    const cfgImages = (r.config as { topology?: { images?: Partial<Images> } })?.topology?.images;
    const redis = t?.redisImage ?? cfgImages?.redis ?? 'unknown';
    return { redisImage: redis, sentinelImage: t?.sentinelImage ?? cfgImages?.sentinel ?? redis, toxiproxyImage: t?.toxiproxyImage ?? cfgImages?.toxiproxy ?? 'unknown' };
  };
  const used = new Set<string>();
  const variants: Variant[] = reads.map(({ d, r }) => {
    const base = path.basename(d);
    let label = base;
    for (let i = 2; used.has(label); i++) label = `${base}-${i}`;
    used.add(label);
    return { label, ...imagesOf(r), serverVersion: null, report: path.relative(dir, path.join(d, 'index.html')), runId: r.runId };
  });
  const seeds = new Set(reads.map(({ r }) => r.seed));
  const counts = reads.map(({ r }) => Math.max(0, ...[...new Set(r.scenarios.map((x) => x.scenario?.id))].map((id) => r.scenarios.filter((x) => x.scenario?.id === id).length)));
  const repeat = Math.min(...counts);
  const noteList = notes(repeat, false);
  if (seeds.size > 1) noteList.push(`The reports were run with different seeds (${[...seeds].join(', ')}): fault schedules with jitter differ.`);
  const outcomes = reads.map(({ r }) => {
    const list = r.scenarios.map(outcomeOfRecord);
    return cfg.scenarios.length ? list.filter((o) => cfg.scenarios.includes(o.id) || o.tags.some((t) => cfg.scenarios.includes(t))) : list;
  });
  const first = reads[0]?.r;
  const report = buildComparison({
    id,
    startedAt: reads.map(({ r }) => r.startedAt).sort()[0] ?? new Date().toISOString(),
    finishedAt: reads.map(({ r }) => r.finishedAt).sort().pop() ?? new Date().toISOString(),
    seed: seeds.size === 1 ? (first?.seed ?? null) : null,
    machine: first?.machine ?? null,
    thresholds: cfg.thresholds,
    variants,
    outcomes,
    repeat,
    notes: noteList,
  });
  return { report, dir };
}

export async function compareCommand(p: Parsed, ctx: CliContext): Promise<number> {
  const cfg = configFrom(p, ctx);
  const id = runIdFrom(p, ctx);
  const from = (p.values['from'] as string[] | undefined) ?? [];
  const progress = progressPrinter(ctx);
  const repeat = repeatFrom(p, COMPARE_DEFAULT_REPEAT);
  const calibrate = typeof p.values['calibrate'] === 'string' ? p.values['calibrate'] : undefined;
  let result: { report: ComparisonReport; dir: string };
  if (calibrate !== undefined) {
    if (from.length > 0 || cfg.sources.compareImages === 'cli') throw new UsageError('--calibrate IMAGE runs IMAGE against itself: it takes no --image or --from. Fix: drop them');
    result = await compareRun({ ...cfg, compareImages: [calibrate, calibrate] }, id, ctx, progress, repeat);
    result.report.calibration = calibrationOf(result.report, calibrate);
  } else if (from.length > 0) {
    if (p.values['repeat'] !== undefined) throw new UsageError('--repeat runs trials; --from only reads reports (their trials are what they hold). Fix: drop --repeat');
    if (cfg.sources.compareImages === 'cli') throw new UsageError('use either --image (run the scenarios) or --from (compare existing reports), not both. Fix: drop one of them');
    if (from.length < 2) throw new UsageError(`compare --from needs at least two report folders, got ${from.length}. Fix: pass --from BASELINE_DIR --from CANDIDATE_DIR`);
    result = await compareFrom(from, cfg, id, ctx);
  } else {
    result = await compareRun(cfg, id, ctx, progress, repeat);
  }
  const { report, dir } = result;
  const out = await writeComparison(report, { dir, warn: ctx.err });
  for (const line of verdictLines(report.scenarios)) progress(line);
  progress(report.summary);
  if (report.calibration) progress(calibrationLine(report.calibration));
  progress(`comparison: ${path.join(out.dir, 'index.html')}`);
  ctx.out(path.join(out.dir, 'index.html'));
  const signal = interrupted();
  if (signal) return SIGNAL_EXIT[signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'];
  if (report.calibration) return report.calibration.met ? EXIT.ok : EXIT.failed;
  return report.verdict === 'no-regression' ? EXIT.ok : report.verdict === 'regression' ? EXIT.failed : EXIT.inconclusive;
}

/**
 * Two or more --client: the variants are those clients on the one image (--image once, or the redis image);
 * comparing clients and images at once would confound them.
 */
function clientVariants(cfg: HarnessConfig, specs: VariantSpec[]): VariantSpec[] {
  if (cfg.clients.length < 2) return specs;
  if (specs.length > 1) throw new ConfigError('compare either clients (--client twice) or images (--image twice), not both. Fix: give one --image with several --client');
  const image = specs[0] ?? { redisImage: cfg.images.redis, sentinelImage: cfg.images.sentinel };
  return cfg.clients.map((client) => ({ ...image, client }));
}

/** A folder-safe label for a client: "ioredis", "redis-py", "cmd-<command>". */
function clientLabel(client: string): string {
  return client.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'client';
}

async function compareRun(cfg: HarnessConfig, id: string, ctx: CliContext, progress: (m: string) => void, repeat: number): Promise<{ report: ComparisonReport; dir: string }> {
  const fixedSentinel = cfg.sources.sentinelImage === 'default' || cfg.sources.sentinelImage === 'provisioning' ? undefined : cfg.images.sentinel;
  const specs = clientVariants(cfg, parseVariants(cfg.compareImages, fixedSentinel));
  if (specs.length < 2) {
    throw new ConfigError(
      `compare needs at least two images, got ${specs.length}${specs.length ? ` (${cfg.compareImages.join(', ')})` : ''}. Fix: pass --image BASELINE --image CANDIDATE (or SC_COMPARE_IMAGES=a,b, or "compareImages" in the config file)`,
    );
  }
  const all = await ctx.catalogue();
  const scenarios = select(all, cfg.scenarios, describeSource('scenarios', cfg.sources.scenarios));
  const where = describeSource('compareImages', cfg.sources.compareImages);
  const needs: ImageNeed[] = [
    ...specs.flatMap((v): ImageNeed[] => [
      { image: v.redisImage, role: 'redis nodes', source: where, option: '--image' },
      { image: v.sentinelImage, role: 'sentinels', source: fixedSentinel ? describeSource('sentinelImage', cfg.sources.sentinelImage) : where, option: fixedSentinel ? '--sentinel-image' : '--image' },
    ]),
    { image: cfg.images.toxiproxy, role: 'toxiproxy sidecars', source: describeSource('toxiproxyImage', cfg.sources.toxiproxyImage), option: '--toxiproxy-image' },
  ];
  topologyFrom(cfg); // reads the user's config files (--redis-conf, ...): a bad one fails before any image is fetched
  if (scenarios.length > 0) await preflightImages(needs, progress);

  const dir = path.resolve(ctx.cwd, cfg.reportDir ?? path.join('reports', `compare-${id}`));
  const seed = cfg.seed ?? randomSeed();
  const labels = specs[0]?.client !== undefined ? specs.map((v) => clientLabel(v.client ?? '')) : variantLabels(specs);
  const startedAt = new Date().toISOString();
  // One pool for every variant: their topologies alternate, and each borrows the sidecars the last one left.
  const sidecars = freshSidecars() ? null : new SidecarPool();
  const runs = specs.map((v, i) => {
    const label = labels[i] ?? `variant-${i + 1}`;
    const images: Images = { redis: v.redisImage, sentinel: v.sentinelImage, toxiproxy: cfg.images.toxiproxy, ...(cfg.images.upgrade ? { upgrade: cfg.images.upgrade } : {}) };
    return { label, images, run: new ChaosRun(suiteSettingsFrom(cfg, { runId: `${id}-${label}`, seed, reportDir: path.join(dir, label), images, ...(v.client ? { client: v.client } : {}) }), progress, sidecars) };
  });
  progress(`compare ${id}: ${scenarios.length} scenario(s) × ${runs.length} variants (${labels.join(' vs ')}) × ${repeat} trial(s), seed ${seed}; baseline ${labels[0]}`);
  let step = 0;
  const steps = scenarios.length * runs.length * repeat;
  // Whether each run loses writes by design, per scenario id (from the Scenario itself).
  const declared = new Map(scenarios.map((s) => [s.id, s]));
  watchInterrupts(progress);
  for (const s of scenarios) {
    for (let trial = 1; trial <= repeat; trial++) {
      for (const r of runs) {
        if (interrupted()) break;
        step++;
        progress(`[${step}/${steps}] ${s.id} trial ${trial}/${repeat} on ${r.label}`);
        progress(resultLine(await r.run.run(await freshScenario(ctx, s.id))));
      }
    }
  }
  const variants: Variant[] = [];
  const outcomes: ScenarioOutcome[][] = [];
  await Promise.all(runs.map((r) => r.run.settle()));
  for (const r of runs) {
    const report = r.run.report();
    report.config = { ...report.config, images: r.images, compare: id, repeat };
    let reportPath: string | null = null;
    try {
      const out = await writeRunReport(report, { dir: path.join(dir, r.label), latest: false, warn: ctx.err });
      reportPath = path.relative(dir, path.join(out.dir, 'index.html'));
    } catch (e) {
      ctx.err(`sentinel-chaos: could not write the run report of ${r.label}: ${e instanceof Error ? e.message : String(e)}`);
    }
    variants.push({
      label: r.label,
      redisImage: r.images.redis,
      sentinelImage: r.images.sentinel,
      toxiproxyImage: r.images.toxiproxy,
      serverVersion: null,
      report: reportPath,
      runId: report.runId,
    });
    outcomes.push(r.run.results.map((x) => outcomeOf(x, declared.get(x.scenario.id))));
  }
  const report = buildComparison({
    id,
    startedAt,
    finishedAt: new Date().toISOString(),
    seed,
    machine: machineInfo(),
    thresholds: cfg.thresholds,
    variants,
    outcomes,
    repeat,
    notes: [...notes(repeat), ...sentinelNote(cfg)],
  });
  return { report, dir };
}
