#!/usr/bin/env bash
# Soak: run the full default chaos suite N times in a row (default 5, at most 50) and count flakes.
# A flake is one run in which a scenario did not pass (failed, errored, or left no result at all); a run the
# harness did not judge because the machine's wall clock stepped under it (lib/observe/clock-watch.ts) is counted apart;
# a scenario is flaky when it both passed and did not pass across the runs.
#
#   scripts/soak.sh [N]        environment passes through (SC_SCENARIOS, SC_SEED, SC_SENTINEL_DEBUG, ...)
#
# Prints one line per run (exit code, wall time, leftover containers of that run), then the flake count
# per scenario and in total with its pass rate and 95% Wilson interval (lib/stats/wilson.ts: 5/5 passes
# only says "at least ~57%"), and appends the same summary to benchmarks/RESULTS.md. Soak counts whole
# suite runs (each through Mocha); for repeated trials in ONE report use `sentinel-chaos run --repeat N`
# (its results.json, summary.md and index.html carry the same pass rates). Each run's report
# stays in reports/soak-<time>/run-<i>/ (index.html, results/*.json) and its output in run-<i>.log.
# Without SC_SEED every run draws its own seed (recorded in its report), so runs differ in schedule jitter.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

n="${1:-5}"
max=50
if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ] || [ "$n" -gt "$max" ]; then
  echo "usage: scripts/soak.sh [N]   (N runs of the chaos suite, 1 to $max; default 5)" >&2
  exit 2
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$root/reports/soak-$stamp"
mkdir -p "$out"
runs="$out/runs.tsv"
: >"$runs"
say() { printf 'soak: %s\n' "$*" >&2; }
say "$n run(s) of the chaos suite; reports in ${out#$root/}"

child=""
trap 'if [ -n "$child" ]; then kill -INT "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi; say "interrupted"; exit 130' INT TERM

t_all=$(date +%s)
for i in $(seq 1 "$n"); do
  dir="$out/run-$i"
  t0=$(date +%s)
  # scripts/sc execs Mocha: $child is the suite's Node process, whose pid labels its containers.
  SC_REPORT_DIR="$dir" SC_RUN_ID="soak-$stamp-$i" scripts/sc chaos >"$out/run-$i.log" 2>&1 &
  child=$!
  wait "$child"
  rc=$?
  pid=$child
  child=""
  secs=$(( $(date +%s) - t0 ))
  left=$(docker ps -aq --filter "label=sentinel-chaos.pid=$pid" 2>/dev/null | wc -l)
  nets=$(docker network ls -q --filter "label=sentinel-chaos.pid=$pid" 2>/dev/null | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\n' "$i" "$rc" "$secs" "$left" "$nets" >>"$runs"
  say "run $i/$n: exit $rc in ${secs} s; leftover containers $left, networks $nets"
done
total_secs=$(( $(date +%s) - t_all ))

machine="$(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory, Node $(PATH="$root/.tools/node/node_modules/.bin:$PATH" node --version), Docker $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown); load average at the end $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"

PATH="$root/.tools/node/node_modules/.bin:$PATH" node --input-type=module - "$out" "$n" "$total_secs" "$machine" "$root/benchmarks/RESULTS.md" "$root" <<'EOF'
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
const [out, n, totalSecs, machine, resultsMd, root] = process.argv.slice(2);
const { wilson } = await import(pathToFileURL(join(root, 'lib', 'stats', 'wilson.ts')).href);
const runs = readFileSync(join(out, 'runs.tsv'), 'utf8').trim().split('\n').filter(Boolean).map((l) => {
  const [i, rc, secs, left, nets] = l.split('\t').map(Number);
  return { i, rc, secs, left, nets };
});
// verdicts[scenario][run] = pass | fail | error ; seeds per run
const verdicts = new Map();
const seeds = [];
for (const r of runs) {
  const dir = join(out, `run-${r.i}`, 'results');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  for (const f of files) {
    const res = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    if (!verdicts.has(res.scenario.id)) verdicts.set(res.scenario.id, new Map());
    // A run whose wall clock stepped is not judged (lib/observe/clock-watch.ts): counted apart, not as a flake.
    verdicts.get(res.scenario.id).set(r.i, res.verdict === 'error' && /^not judged:/.test(res.error ?? '') ? 'unjudged' : res.verdict);
    seeds[r.i] = res.seed;
  }
}
const rows = [...verdicts.keys()].sort().map((id) => {
  const v = runs.map((r) => verdicts.get(id).get(r.i) ?? 'missing');
  const c = (x) => v.filter((y) => y === x).length;
  const judged = v.length - c('unjudged');
  const flakes = judged - c('pass');
  const w = wilson(c('pass'), judged);
  const pct = (x) => `${Math.round(x * 100)}%`;
  return { id, pass: c('pass'), fail: c('fail'), error: c('error'), unjudged: c('unjudged'), missing: c('missing'), flakes, flaky: flakes > 0 && c('pass') > 0, never: c('pass') === 0, rate: `${pct(w.rate)} (${pct(w.lo)}–${pct(w.hi)})` };
});
const total = rows.reduce((s, r) => s + r.flakes, 0);
const leftovers = runs.reduce((s, r) => s + r.left + r.nets, 0);
const lines = [
  '',
  `## Soak ${new Date().toISOString()}`,
  '',
  `Machine: ${machine}. ${runs.length} run(s) of the default chaos suite (\`scripts/soak.sh ${n}\`) in ${totalSecs} s; reports in \`${out.replace(/^.*\/reports\//, 'reports/')}\`.`,
  `Runs: ${runs.map((r) => `#${r.i} exit ${r.rc}, ${r.secs} s, seed ${seeds[r.i] ?? '?'}`).join('; ')}.`,
  `Leftover containers + networks after the runs: ${leftovers}.`,
  '',
  '| scenario | pass | fail | error | not judged (clock stepped) | no result | flakes | pass rate (95% Wilson) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.id} | ${r.pass} | ${r.fail} | ${r.error} | ${r.unjudged} | ${r.missing} | ${r.flakes}${r.never ? ' (never passed)' : r.flaky ? ' (flaky)' : ''} | ${r.rate} |`),
  `| **total** | ${rows.reduce((s, r) => s + r.pass, 0)} | ${rows.reduce((s, r) => s + r.fail, 0)} | ${rows.reduce((s, r) => s + r.error, 0)} | ${rows.reduce((s, r) => s + r.unjudged, 0)} | ${rows.reduce((s, r) => s + r.missing, 0)} | **${total}** | |`,
  '',
  `Flaky scenarios (passed in some runs, not in others): ${rows.filter((r) => r.flaky).map((r) => r.id).join(', ') || 'none'}. Never passed: ${rows.filter((r) => r.never).map((r) => r.id).join(', ') || 'none'}.`,
  '',
];
if (rows.length === 0) lines.splice(lines.length - 1, 0, 'No scenario results were written: see the run-<i>.log files.', '');
process.stdout.write(`${lines.join('\n')}\n`);
mkdirSync(dirname(resultsMd), { recursive: true });
appendFileSync(resultsMd, lines.join('\n'));
process.exitCode = total > 0 ? 1 : 0;
process.stdout.write(`flakes: ${total} in total over ${runs.length} run(s) of ${rows.length} scenario(s); summary appended to ${resultsMd}\n`);
EOF
