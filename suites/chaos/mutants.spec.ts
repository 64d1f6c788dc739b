/**
 * `npm run mutants`: every system-level mutant (suites/chaos/mutants.ts) runs its broken scenario through the normal
 * runner, and the verdict must be FAIL — proof that the scenario's assertions catch that breakage. An `error` verdict
 * is not a kill (the scenario never judged anything) and is reported as such. At the end it prints the mutation
 * score (killed / total, per scenario: killed by which mutant), writes the normal run report of the mutant runs
 * (reports/mutants-<run>/ unless SC_REPORT_DIR says otherwise), and with SC_RECORD=1 appends a dated entry to
 * benchmarks/RESULTS.md. Select mutants with SC_MUTANTS=<mutant ids or scenario ids, comma-separated>.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioResult } from '../../lib/model.ts';
import { ChaosRun } from '../../lib/scenario/chaos-run.ts';
import { selectScenarios, suiteSettings } from '../../lib/scenario/suite.ts';
import type { Scenario } from '../../lib/scenario/scenario.ts';
import { catalogue, freshScenario } from './catalogue.ts';
import { mutants, mutantScenario, UNCOVERED, type Mutant } from './mutants.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS = path.join(ROOT, 'benchmarks', 'RESULTS.md');

const base = suiteSettings();
const settings = { ...base, reportDir: process.env['SC_REPORT_DIR'] ? base.reportDir : `reports/mutants-${base.runId}` };
const run = new ChaosRun(settings);

/** SC_MUTANTS: mutant ids or scenario ids; empty = all. Unknown names are an error naming the known ones. */
function selected(): readonly Mutant[] {
  const names = (process.env['SC_MUTANTS'] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  if (names.length === 0) return mutants;
  const unknown = names.filter((n) => !mutants.some((m) => m.id === n || m.scenario === n));
  if (unknown.length) throw new Error(`SC_MUTANTS: unknown ${unknown.join(', ')}. Fix: use mutant or scenario ids: ${mutants.map((m) => m.id).join(', ')}`);
  return mutants.filter((m) => names.includes(m.id) || names.includes(m.scenario));
}

interface Outcome {
  mutant: Mutant;
  verdict: ScenarioResult['verdict'] | 'crashed';
  /** The failed assertions that killed it, or the error. */
  detail: string;
  ms: number;
}

const outcomes: Outcome[] = [];
const startedAt = Date.now();

function scoreLines(chosen: readonly Mutant[]): string[] {
  const killed = outcomes.filter((o) => o.verdict === 'fail');
  const lines = [`mutation score: ${killed.length}/${chosen.length} mutants killed (${outcomes.length} run)`];
  for (const [id, why] of Object.entries(UNCOVERED)) lines.push(`  ${id.padEnd(26)}no mutant: ${why}`);
  const ids = [...new Set(chosen.map((m) => m.scenario))];
  for (const id of ids) {
    const mine = outcomes.filter((o) => o.mutant.scenario === id);
    const by = mine.filter((o) => o.verdict === 'fail').map((o) => o.mutant.id);
    const not = mine.filter((o) => o.verdict !== 'fail').map((o) => `${o.mutant.id} (${o.verdict}${o.verdict === 'error' || o.verdict === 'crashed' ? ': not a kill' : ''})`);
    lines.push(`  ${id.padEnd(26)}${by.length ? `killed by ${by.join(', ')}` : 'NOT KILLED'}${not.length ? `; survived: ${not.join(', ')}` : ''}`);
  }
  return lines;
}

function machine(): string {
  let docker = 'unknown';
  try {
    docker = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    // Recorded as unknown: the entry is still useful without it.
  }
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  return `${os.availableParallelism()} CPUs (nproc), ${Math.round((os.totalmem() / 2 ** 30) * 10) / 10} GiB memory, Node ${process.version}, Docker ${docker}, ${os.type()} ${os.release()}; load average at the end ${load}`;
}

function record(chosen: readonly Mutant[], reportDir: string): void {
  const entry = [
    '',
    `## Mutants ${new Date().toISOString()}`,
    '',
    `Machine: ${machine()}.`,
    `Command: \`${process.env['SC_COMMAND'] ?? 'npm run mutants'}\`${process.env['SC_MUTANTS'] ? ` (SC_MUTANTS=${process.env['SC_MUTANTS']})` : ''}; wall time ${Math.round((Date.now() - startedAt) / 1000)} s; report ${path.relative(ROOT, path.resolve(reportDir))}.`,
    '',
    '| mutant | verdict | caught by | time |',
    '| --- | --- | --- | --- |',
    ...outcomes.map((o) => `| ${o.mutant.id} | ${o.verdict === 'fail' ? 'killed' : `**${o.verdict}**`} | ${o.detail.replace(/\|/g, '\\|').slice(0, 160)} | ${Math.round(o.ms / 1000)} s |`),
    '',
    ...scoreLines(chosen).map((l) => (l.startsWith('  ') ? `- ${l.trim().replace(/\s{2,}/, ': ')}` : `**${l}**`)),
    '',
  ];
  appendFileSync(RESULTS, entry.join('\n'));
}

describe(`system mutants: each broken scenario must FAIL (run ${settings.runId}, seed ${settings.seed})`, function () {
  this.timeout(180_000);
  const chosen = selected();

  after(async function () {
    const where = await run.writeReport();
    console.log(`\n${scoreLines(chosen).join('\n')}\n  report: ${where}\n`);
    if (process.env['SC_RECORD'] === '1') record(chosen, settings.reportDir);
  });

  it('every scenario of the default catalogue has at least one mutant (or is listed in UNCOVERED, with the reason)', () => {
    const covered = new Set([...mutants.map((m) => m.scenario), ...Object.keys(UNCOVERED)]);
    const ids = selectScenarios(catalogue(), []).map((s) => s.id);
    expect(ids.filter((id) => !covered.has(id)), 'scenarios without a mutant').to.deep.equal([]);
    expect(Object.keys(UNCOVERED).filter((id) => mutants.some((m) => m.scenario === id)), 'listed uncovered but has a mutant').to.deep.equal([]);
  });

  // What the scenario judges with must be the scenario's own: a mutant breaks the system, never the yardstick.
  it('no mutant changes a scenario\'s schedule, expectations or checks; mutant ids are unique', () => {
    const yardstick = (s: Scenario): unknown => ({
      ...s,
      topology: undefined,
      schedule: s.schedule.map((x) => ({ ...x, fault: x.fault.name })),
      during: String(s.during),
      // A convergence bound may be a function of the run's topology: compare its code, not its identity.
      convergence: s.convergence === undefined ? undefined : { ...s.convergence, timeoutMs: String(s.convergence.timeoutMs) },
      checks: String(s.checks),
      expect: String(s.expect),
    });
    for (const m of mutants) expect(yardstick(mutantScenario(m, settings.topology)), m.id).to.deep.equal(yardstick(freshScenario(m.scenario)));
    expect(new Set(mutants.map((m) => m.id)).size).to.equal(mutants.length);
  });

  for (const m of chosen) {
    it(`${m.id}: ${m.why}`, async function () {
      const t0 = Date.now();
      let r: ScenarioResult;
      try {
        r = await run.run(mutantScenario(m, settings.topology));
        // Not judged (the machine's wall clock stepped under it, lib/observe/clock-watch.ts): once more.
        if (r.verdict === 'error' && /^not judged:/.test(r.error ?? '')) r = await run.run(mutantScenario(m, settings.topology));
      } catch (e) {
        outcomes.push({ mutant: m, verdict: 'crashed', detail: String(e).split('\n')[0] ?? '', ms: Date.now() - t0 });
        throw e;
      }
      const failed = r.assertions.filter((a) => !a.ok).map((a) => a.name);
      outcomes.push({ mutant: m, verdict: r.verdict, detail: r.error ?? (failed.join('; ') || 'nothing failed'), ms: Date.now() - t0 });
      expect(r.error, `the mutated scenario crashed (an error is not a kill): ${r.error}`).to.equal(undefined);
      expect(r.verdict, `${m.id} survived: every assertion of ${m.scenario} passed against the broken system`).to.equal('fail');
    });
  }
});
