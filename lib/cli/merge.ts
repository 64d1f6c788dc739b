/** `sentinel-chaos merge`: per-shard report folders (results.json + history/) → one report. */
import path from 'node:path';
import { readReportFolder } from '../compare/read-report.ts';
import type { RunReport } from '../report/run-report.ts';
import { writeRunReport } from '../report/write-report.ts';
import { newRunId } from '../scenario/suite.ts';
import { notFailed } from '../scenario/judge.ts';
import { UsageError, type Parsed } from './args.ts';
import { checkRunId, type CliContext } from './context.ts';
import { EXIT } from './spec.ts';

/** Merge read reports into one RunReport (scenarios in the order of the folders given). */
export function mergeRuns(runs: readonly RunReport[], dirs: readonly string[], runId?: string): { run: RunReport; warnings: string[] } {
  const warnings: string[] = [];
  const ids = new Set(runs.map((r) => r.runId));
  const seeds = new Set(runs.map((r) => r.seed));
  if (seeds.size > 1) warnings.push(`the shards ran with different seeds (${[...seeds].join(', ')}); the merged report records the first`);
  const seen = new Map<string, string>();
  for (const [i, r] of runs.entries()) {
    for (const s of r.scenarios) {
      const id = s.scenario?.id ?? '?';
      const before = seen.get(id);
      if (before !== undefined) warnings.push(`scenario ${id} is in both ${before} and ${dirs[i]}; both are kept`);
      seen.set(id, dirs[i] ?? '?');
    }
  }
  const first = runs[0];
  const run: RunReport = {
    schemaVersion: 1,
    runId: runId ?? (ids.size === 1 && first ? first.runId : `merged-${newRunId()}`),
    startedAt: runs.map((r) => r.startedAt).sort()[0] ?? new Date().toISOString(),
    finishedAt: runs.map((r) => r.finishedAt).sort().pop() ?? new Date().toISOString(),
    seed: first?.seed ?? 0,
    machine: first?.machine ?? { hostname: '?', cpus: 0, memGiB: 0, node: '?', platform: '?' },
    config: { merged: runs.map((r, i) => ({ dir: dirs[i], runId: r.runId, seed: r.seed, machine: r.machine, config: r.config })) },
    scenarios: runs.flatMap((r) => r.scenarios),
  };
  return { run, warnings };
}

export async function mergeCommand(p: Parsed, ctx: CliContext): Promise<number> {
  const out = p.values['out'];
  if (typeof out !== 'string' || out === '') throw new UsageError('merge needs --out DIR. Fix: sentinel-chaos merge --out reports/merged SHARD_DIR...');
  const runId = typeof p.values['run-id'] === 'string' ? checkRunId(p.values['run-id'], '--run-id') : undefined;
  const dirs = p.positionals.map((d) => path.resolve(ctx.cwd, d));
  const outDir = path.resolve(ctx.cwd, out);
  if (dirs.includes(outDir)) throw new UsageError(`--out ${out} is also a shard folder. Fix: write the merged report to a new folder`);
  const reads = await Promise.all(dirs.map((d) => readReportFolder(d)));
  for (const r of reads) {
    if (r.missingHistories.length) ctx.err(`sentinel-chaos: ${r.dir}: ${r.missingHistories.length} history file(s) missing (${r.missingHistories.slice(0, 3).join(', ')}); their figures are kept, their timelines are empty`);
  }
  const { run, warnings } = mergeRuns(reads.map((r) => r.run), dirs, runId);
  for (const w of warnings) ctx.err(`sentinel-chaos: ${w}`);
  const written = await writeRunReport(run, { dir: outDir, warn: ctx.err });
  const count = (v: string): number => run.scenarios.filter((s) => s.verdict === v).length;
  ctx.err(`merged ${reads.length} report(s), ${run.scenarios.length} scenario(s): ${count('pass')} passed, ${count('fail')} failed, ${count('error')} did not complete, ${count('not-applicable')} not applicable`);
  ctx.out(path.join(written.dir, 'index.html'));
  return run.scenarios.every((s) => notFailed(s.verdict)) ? EXIT.ok : EXIT.failed;
}
