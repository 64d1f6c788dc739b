/**
 * Flakiness of a run with repeated trials (`run --repeat N`): per scenario, how many trials passed,
 * with a 95 % Wilson interval on the pass rate — 5/5 says "at least ~57 %", not "always". Pure; the
 * JSON, Markdown and HTML reports each show it (only when some scenario ran more than once).
 */
import type { ScenarioResult } from '../model.ts';
import { wilson } from '../stats/wilson.ts';

export interface FlakinessRow {
  id: string;
  title: string;
  trials: number;
  passed: number;
  failed: number;
  /** Trials that did not complete. */
  errored: number;
  passRate: number;
  /** 95 % Wilson interval of the pass rate. */
  lo: number;
  hi: number;
  /** Passed in some trials and not in others. */
  flaky: boolean;
}

export function flakiness(scenarios: readonly Pick<ScenarioResult, 'scenario' | 'verdict'>[]): FlakinessRow[] {
  const byId = new Map<string, { title: string; verdicts: string[] }>();
  for (const s of scenarios) {
    // A scenario that could not run on these servers is no trial.
    if (s.verdict === 'not-applicable') continue;
    const id = String(s.scenario?.id ?? 'unknown');
    const e = byId.get(id) ?? { title: String(s.scenario?.title ?? id), verdicts: [] };
    e.verdicts.push(s.verdict ?? 'error');
    byId.set(id, e);
  }
  return [...byId].map(([id, { title, verdicts }]) => {
    const passed = verdicts.filter((v) => v === 'pass').length;
    const failed = verdicts.filter((v) => v === 'fail').length;
    const w = wilson(passed, verdicts.length);
    return { id, title, trials: verdicts.length, passed, failed, errored: verdicts.length - passed - failed, passRate: w.rate, lo: w.lo, hi: w.hi, flaky: passed > 0 && passed < verdicts.length };
  });
}

/** Whether the table says more than the per-scenario rows already do. */
export function isRepeated(rows: readonly FlakinessRow[]): boolean {
  return rows.some((r) => r.trials > 1);
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

export function flakinessMarkdown(rows: readonly FlakinessRow[]): string {
  if (!isRepeated(rows)) return '';
  return [
    '',
    '#### Flakiness (pass rate over repeated trials, 95% Wilson interval)',
    '',
    '| Scenario | Passed | Fail / error | Pass rate | 95% interval | |',
    '|---|--:|--:|--:|--:|---|',
    ...rows.map((r) => `| \`${r.id.replace(/[|`]/g, '_')}\` | ${r.passed}/${r.trials} | ${r.failed} / ${r.errored} | ${pct(r.passRate)} | ${pct(r.lo)}–${pct(r.hi)} | ${r.flaky ? '⚠️ flaky' : r.passed === 0 ? '❌ never passed' : ''} |`),
    '',
  ].join('\n');
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small table plus a bar per scenario: the interval as a band, the observed rate as a tick. */
export function flakinessHtml(rows: readonly FlakinessRow[]): string {
  if (!isRepeated(rows)) return '';
  const bar = (r: FlakinessRow): string =>
    `<svg width="120" height="12" role="img" aria-label="pass rate ${pct(r.passRate)}, 95% interval ${pct(r.lo)} to ${pct(r.hi)}"><rect x="0" y="4" width="120" height="4" fill="#eaeef2"/><rect x="${(r.lo * 120).toFixed(1)}" y="2" width="${((r.hi - r.lo) * 120).toFixed(1)}" height="8" fill="#8c959f" opacity=".5"/><rect x="${(r.passRate * 120 - 1).toFixed(1)}" y="0" width="2" height="12" fill="${r.passed === r.trials ? '#1a7f37' : '#cf222e'}"/></svg>`;
  const body = rows
    .map((r) => `<tr><td class="scen">${esc(r.title)}<div class="dim mono small">${esc(r.id)}</div></td><td class="num">${r.passed}/${r.trials}</td><td class="num">${r.failed} / ${r.errored}</td><td class="num">${pct(r.passRate)}</td><td class="num">${pct(r.lo)}–${pct(r.hi)}</td><td>${bar(r)}</td><td>${r.flaky ? '<span class="tag">flaky</span>' : ''}</td></tr>`)
    .join('\n');
  return `<section id="flakiness"><h2>Flakiness <span class="dim small">pass rate over repeated trials, 95% Wilson interval</span></h2>
<div class="table-scroll"><table class="flakiness" style="width:100%;margin-top:8px"><thead><tr><th>Scenario</th><th>Passed</th><th>Fail / error</th><th>Pass rate</th><th>95% interval</th><th></th><th></th></tr></thead>
<tbody>${body}</tbody></table></div></section>`;
}
