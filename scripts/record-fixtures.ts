/**
 * Record stored-result fixtures from a real report folder, for the tests that judge stored results again without
 * Docker (suites/unit/mutants-history.spec.ts, suites/unit/cli-check.spec.ts):
 *
 *   node scripts/record-fixtures.ts <report-dir> [--name <folder>] [--only <id,...>] [--append] [--force]
 *
 * Writes suites/fixtures/reports/<folder>/ (default folder: catalogue) with a results.json trimmed to what `check`
 * and the judge read (run identity, each scenario's stored topology, checks, assertions and verdict — no history
 * summary, no run configuration) and each history gzipped as history/<id>.json.gz. Only results that PASS — as
 * stored and when judged again by the current catalogue — are recorded (a fixture is the unmutated baseline the
 * mutants must break); the others are listed and skipped, or with --force recorded anyway. --append keeps the
 * folder's other scenarios (to add one that failed in the full run from a run of its own); scenarios are kept in
 * catalogue order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { readStored } from '../lib/cli/check.ts';
import type { ResultsJson } from '../lib/report/json.ts';
import { judge } from '../lib/scenario/judge.ts';
import { catalogue } from '../suites/chaos/catalogue.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const FIXTURES = path.join(ROOT, 'suites', 'fixtures', 'reports');

function fail(msg: string): never {
  process.stderr.write(`record-fixtures: ${msg}\n`);
  process.exit(2);
}

function main(): void {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: { name: { type: 'string', default: 'catalogue' }, only: { type: 'string' }, force: { type: 'boolean', default: false }, append: { type: 'boolean', default: false } },
    });
  } catch (e) {
    fail(`${(e as Error).message}. Fix: node scripts/record-fixtures.ts <report-dir> [--name <folder>] [--only <id,...>] [--append] [--force]`);
  }
  const [dir] = args.positionals;
  if (!dir || args.positionals.length > 1) fail('give exactly one report folder. Fix: node scripts/record-fixtures.ts reports/<run id>');
  if (!/^[A-Za-z0-9_.-]+$/.test(args.values.name)) fail(`invalid --name ${JSON.stringify(args.values.name)}. Fix: use letters, digits, _ . -`);
  const only = args.values.only?.split(',').map((x) => x.trim()).filter(Boolean);

  const source = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as ResultsJson;
  const scenarios = new Map(catalogue().map((s) => [s.id, s]));
  const out = path.join(FIXTURES, args.values.name);
  const kept: ResultsJson['scenarios'] = [];
  const histories: [string, Buffer][] = [];

  for (const stored of readStored(dir)) {
    const r = stored.result;
    const id = r.scenario.id;
    if (only && !only.includes(id)) continue;
    const s = scenarios.get(id);
    const now = s ? judge(s, r).verdict : 'not in the catalogue';
    if ((r.verdict !== 'pass' || now !== 'pass') && !args.values.force) {
      process.stderr.write(`skipped ${id}: stored verdict ${r.verdict}, judged now ${now}\n`);
      continue;
    }
    const { history, ...rest } = r;
    const file = `history/${id}.json`;
    histories.push([`${file}.gz`, gzipSync(JSON.stringify(history), { level: 9 })]);
    // The check command reads a record as the ScenarioResult without its history: the summary is for humans only.
    kept.push({ ...rest, historyFile: file } as ResultsJson['scenarios'][number]);
    process.stderr.write(`recorded ${id} (${r.verdict}, judged now ${now}) from ${path.relative(ROOT, path.resolve(stored.source))}\n`);
  }
  if (kept.length === 0) fail(`nothing recorded from ${dir}. Fix: pass a report folder with passing results (or --force)`);
  const recorded = new Set(kept.map((r) => r.scenario.id));
  const previous = args.values.append && fs.existsSync(path.join(out, 'results.json')) ? (JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as ResultsJson) : undefined;
  for (const r of previous?.scenarios ?? []) {
    if (recorded.has(r.scenario.id)) continue;
    kept.push(r);
    histories.push([`${r.historyFile}.gz`, fs.readFileSync(path.join(out, `${r.historyFile}.gz`))]);
  }
  const order = [...scenarios.keys()];
  kept.sort((a, b) => order.indexOf(a.scenario.id) - order.indexOf(b.scenario.id));
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'history'), { recursive: true });
  for (const [file, gz] of histories) fs.writeFileSync(path.join(out, file), gz);
  // The run identity is the folder's first recording's when appending (each scenario record keeps its own runId).
  const { config: _c, flakiness: _f, scenarios: _s, ...run } = previous ?? source;
  fs.writeFileSync(path.join(out, 'results.json'), `${JSON.stringify({ ...run, scenarios: kept }, null, 1)}\n`);
  const bytes = fs.readdirSync(path.join(out, 'history')).reduce((n, f) => n + fs.statSync(path.join(out, 'history', f)).size, 0);
  process.stderr.write(`wrote ${path.relative(ROOT, out)}: ${kept.length} scenarios, histories ${(bytes / 1024).toFixed(0)} KiB gzipped\n`);
}

main();
