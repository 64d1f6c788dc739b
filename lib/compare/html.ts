/**
 * The comparison as ONE self-contained HTML page (no scripts, no network): the verdict first, the
 * variants (images, server versions, links to their full run reports), the findings, then per
 * scenario one row per metric test: the trials of both sides as a strip plot (strip.ts), the
 * medians, the difference with its 95 % CI, the p-value and the verdict; the first trial's figures
 * side by side below. Regressions are red, improvements green. Styles are the run report's
 * (lib/report/html.ts) plus a few rules.
 */
import { esc, PAGE_CSS } from '../report/html.ts';
import { MISSING, VERDICT_COLORS } from '../report/report-data.ts';
import { calibrationLine } from './calibrate.ts';
import type { ComparisonReport, ComparisonVerdict, Finding, MetricTest, ScenarioComparison, TestVerdict } from './model.ts';
import { STRIP_COLORS, stripPlot } from './strip.ts';
import { metricRows, testCells, variantTotals } from './view.ts';

export const COMPARISON_COLORS: Readonly<Record<ComparisonVerdict | 'ok' | 'not-applicable', string>> = {
  regression: VERDICT_COLORS.fail,
  'no-regression': VERDICT_COLORS.pass,
  ok: VERDICT_COLORS.pass,
  inconclusive: VERDICT_COLORS.error,
  'not-applicable': '#7f7f7f',
};

export const TEST_COLORS: Readonly<Record<TestVerdict, string>> = {
  regression: VERDICT_COLORS.fail,
  improvement: VERDICT_COLORS.pass,
  'no-change': '#57606a',
  inconclusive: VERDICT_COLORS.error,
};

const EXTRA_CSS = `
table.tests td { vertical-align: middle; } table.tests td.reason { max-width: 420px; font-size: 12px; color: var(--dim); }
tr.t-regression { background: #ffebe9; } tr.t-improvement { background: #dafbe1; } tr.t-unjudged { opacity: .7; }
.legend span { margin-right: 12px; } .legend i { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 4px; vertical-align: middle; }
.banner { border-radius: 8px; padding: 10px 14px; margin: 10px 0 14px; color: #fff; font-weight: 600; }
.banner .big { font-size: 20px; letter-spacing: .03em; margin-right: 10px; }
td.bad-cell { background: #ffebe9; } td.good-cell { background: #dafbe1; }
.delta { display: block; font-size: 12px; color: var(--dim); } td.bad-cell .delta { color: ${VERDICT_COLORS.fail}; font-weight: 600; }
td.good-cell .delta { color: ${VERDICT_COLORS.pass}; font-weight: 600; }
ul.findings { padding-left: 18px; } ul.findings li { margin: 2px 0; } li.regression { color: ${VERDICT_COLORS.fail}; } li.info { color: var(--dim); }
th.judged::after { content: " ⚖"; color: var(--dim); font-weight: 400; }
table.side { min-width: 60%; } table.side td.num { min-width: 150px; }
`;

function banner(verdict: ComparisonVerdict, summary: string): string {
  const [head, ...detail] = summary.split(' — ');
  return `<div class="banner" style="background:${COMPARISON_COLORS[verdict]}"><span class="big">${esc(head)}</span>${detail.length ? `<div>${esc(detail.join(' — '))}</div>` : ''}</div>`;
}

function badge(text: string, color: string): string {
  return `<span class="badge" style="background:${color}">${esc(text.toUpperCase())}</span>`;
}

function verdictBadge(v: string): string {
  return badge(v, VERDICT_COLORS[v as keyof typeof VERDICT_COLORS] ?? '#57606a');
}

function meta(r: ComparisonReport): string {
  const m = r.machine;
  const t = r.thresholds;
  return `<dl class="meta">
<dt>Started</dt><dd>${esc(r.startedAt)}</dd><dt>Finished</dt><dd>${esc(r.finishedAt)}</dd>
<dt>Seed</dt><dd class="mono">${esc(r.seed ?? MISSING)}</dd>
<dt>Machine</dt><dd>${m ? `${esc(m.hostname)} · ${esc(m.cpus)} CPUs · ${esc(m.memGiB)} GiB · node ${esc(m.node)} · ${esc(m.platform)}` : MISSING}</dd>
<dt>Trials</dt><dd>${esc(r.repeat)} per scenario and variant, interleaved · significance level ${esc(r.alpha)}</dd>
<dt>Regression when</dt><dd>the trials differ significantly (Mann–Whitney U) <b>and</b> the median is slower than the baseline's by more than max(<b>${esc(t.maxSlowerMs)} ms</b>, <b>${esc(t.maxSlowerPct)}%</b> of the baseline median) · the per-trial loss rate is significantly higher and the median lost count exceeds the baseline's by more than <b>${esc(t.maxNewLoss)}</b> · the pass rate drops (Fisher's exact test, or a clean baseline and 2+ candidate failures). <b>~</b> = no change; <b>inconclusive</b> = too few trials or too much spread.</dd>
</dl>
${r.calibration ? `<div class="warn"><b>${esc(calibrationLine(r.calibration))}</b></div>` : ''}
${r.notes.length ? `<div class="warn">${r.notes.map(esc).join('<br>')}</div>` : ''}`;
}

function variantsTable(r: ComparisonReport): string {
  const totals = variantTotals(r);
  const rows = r.variants
    .map((v, i) => {
      const t = totals[i] ?? { pass: 0, fail: 0, error: 0, 'not-applicable': 0, missing: 0 };
      const report = v.report ? `<a href="${esc(v.report)}">run report</a>` : MISSING;
      return `<tr><td>${i === 0 ? '<b>baseline</b>' : `candidate ${i}`}</td><td class="mono">${esc(v.label)}</td><td>${esc(v.serverVersion ?? MISSING)}</td>
<td class="mono small wrap-any">${esc(v.redisImage)}</td><td class="mono small wrap-any">${esc(v.sentinelImage)}${v.sentinelImage !== v.redisImage ? ' <span class="tag">mixed</span>' : ''}</td>
<td class="mono small wrap-any">${esc(v.toxiproxyImage)}</td><td class="num">${t.pass} / ${t.fail} / ${t.error}${t['not-applicable'] ? ` (${t['not-applicable']} n/a)` : ''}</td><td>${report}</td></tr>`;
    })
    .join('\n');
  return `<div class="table-scroll"><table class="summary"><thead><tr><th>Role</th><th>Variant</th><th>Server</th><th>Redis image</th><th>Sentinel image</th><th>Toxiproxy image</th><th>pass / fail / error</th><th>Report</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function findingItem(f: Finding, withScenario: boolean): string {
  const cls = f.regression ? 'regression' : 'info';
  const mark = f.regression ? '✗' : f.kind === 'faster' || f.kind === 'fixed' ? '✓' : '·';
  const where = withScenario ? `<b>${esc(f.scenario)}</b> · ` : '';
  return `<li class="${cls}">${mark} ${where}<span class="mono small">${esc(f.variant)}</span> <span class="tag">${esc(f.kind)}</span> ${esc(f.message)}</li>`;
}

function findingsList(findings: readonly Finding[], withScenario: boolean): string {
  if (findings.length === 0) return '<p class="dim">No differences beyond the thresholds.</p>';
  const sorted = [...findings].sort((a, b) => Number(b.regression) - Number(a.regression));
  return `<ul class="findings">${sorted.map((f) => findingItem(f, withScenario)).join('\n')}</ul>`;
}

function overview(r: ComparisonReport): string {
  const head = r.variants.map((v, i) => `<th>${i === 0 ? 'baseline' : `candidate ${i}`}<div class="dim mono small">${esc(v.label)}</div></th>`).join('');
  const rows = r.scenarios
    .map((s) => {
      const cells = s.trials
        .map((list) => {
          if (list.length === 0) return '<td><span class="dim">not run</span></td>';
          const passed = list.filter((o) => o.verdict === 'pass').length;
          return `<td>${verdictBadge(passed === list.length ? 'pass' : list.some((o) => o.verdict === 'error') ? 'error' : 'fail')} <span class="small">${passed}/${list.length} passed</span></td>`;
        })
        .join('');
      return `<tr><td class="scen"><a href="#cmp-${esc(s.id)}">${esc(s.title)}</a><div class="dim mono small">${esc(s.id)}</div></td>${cells}<td>${badge(s.verdict, COMPARISON_COLORS[s.verdict])}</td></tr>`;
    })
    .join('\n');
  return `<div class="table-scroll"><table class="summary"><thead><tr><th>Scenario</th>${head}<th>Comparison</th></tr></thead>
<tbody>${rows || `<tr><td colspan="${r.variants.length + 2}" class="dim">No scenarios.</td></tr>`}</tbody></table></div>`;
}

function testRow(x: MetricTest & { variant: string }, multi: boolean): string {
  const c = testCells(x);
  const color = x.judged ? TEST_COLORS[x.verdict] : '#8c959f';
  const cls = !x.judged ? 't-unjudged' : `t-${x.verdict}`;
  return `<tr class="${cls}" data-metric="${esc(x.metric)}" data-verdict="${esc(x.judged ? x.verdict : 'not-judged')}"><th>${esc(x.label)}${multi ? `<div class="dim mono small">${esc(x.variant)}</div>` : ''}</th>
<td>${stripPlot(x)}</td><td class="num">${esc(c.baseline)}</td><td class="num">${esc(c.candidate)}</td><td class="num">${esc(c.delta)}</td><td class="num">${esc(c.p)}</td>
<td>${badge(c.verdict, color)}</td><td class="reason">${esc(x.reason)}</td></tr>`;
}

function testsTable(r: ComparisonReport, s: ScenarioComparison): string {
  if (s.tests.length === 0) return '<p class="dim">No tests: the scenario did not run on both sides.</p>';
  const multi = r.variants.length > 2;
  const legend = `<div class="legend small dim"><span><i style="background:${STRIP_COLORS.baseline}"></i>baseline trials</span><span><i style="background:${STRIP_COLORS.candidate}"></i>candidate trials</span><span>▮ median</span><span>grey band: 95% CI of the median difference, at the baseline median</span><span style="color:${STRIP_COLORS.threshold}">┆ threshold</span></div>`;
  return `${legend}<div class="table-scroll"><table class="tests"><thead><tr><th>Metric</th><th>Trials</th><th class="num">Baseline median</th><th class="num">Candidate median</th><th class="num">Δ median [95% CI]</th><th class="num">p</th><th>Verdict</th><th>Why</th></tr></thead><tbody>
${s.tests.map((x) => testRow(x, multi)).join('\n')}
</tbody></table></div>`;
}

function scenarioSection(r: ComparisonReport, s: ScenarioComparison): string {
  const labels = r.variants.map((v) => v.label);
  const head = r.variants.map((v, i) => `<th class="num">${i === 0 ? 'baseline' : `candidate ${i}`}<div class="dim mono small">${esc(v.label)}</div></th>`).join('');
  const rows = metricRows(s, labels)
    .map((row) => {
      const cells = row.cells
        .map((c) => {
          const cls = c.bad ? ' bad-cell' : c.good ? ' good-cell' : '';
          return `<td class="num${cls}">${esc(c.text)}${c.delta ? `<span class="delta">${esc(c.delta)}</span>` : ''}</td>`;
        })
        .join('');
      return `<tr><th class="${row.judged ? 'judged' : ''}" title="${esc(row.hint)}">${esc(row.label)}</th>${cells}</tr>`;
    })
    .join('\n');
  const errors = s.trials
    .flatMap((list, i) => list.map((o, k) => (o.error ? `<div class="error-box"><b>${esc(labels[i] ?? '')}</b> trial ${k + 1} did not complete<pre>${esc(o.error)}</pre></div>` : '')))
    .join('');
  const failed = s.trials
    .flatMap((list, i) => list.map((o, k) => (o.failedAssertions.length ? `<div class="small"><b class="mono">${esc(labels[i] ?? '')}</b> trial ${k + 1} failed: ${o.failedAssertions.map(esc).join('; ')}</div>` : '')))
    .join('');
  const color = COMPARISON_COLORS[s.verdict];
  return `<section class="scenario" id="cmp-${esc(s.id)}" style="border-left-color:${color}">
<h2>${badge(s.verdict, color)} ${esc(s.title)} <span class="dim mono small">${esc(s.id)}</span> ${s.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join(' ')}</h2>
${errors}${failed}
${testsTable(r, s)}
<details><summary class="small">The first trial's figures side by side</summary>
<div class="table-scroll"><table class="side"><thead><tr><th>Figure</th>${head}</tr></thead><tbody>
${rows}
</tbody></table></div>
<p class="dim small">Failover phases are ms from the fault's start. Differences are against the baseline's first trial; the verdict judges the tests above.</p></details>
<h3>Findings</h3>
${findingsList(s.findings, false)}
</section>`;
}

export function renderComparisonHtml(r: ComparisonReport): string {
  const all = r.scenarios.flatMap((s) => s.findings);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.verdict.toUpperCase().replace('-', ' '))} · sentinel-chaos comparison ${esc(r.id)}</title>
<style>${PAGE_CSS}</style>
<style>${EXTRA_CSS}</style>
</head>
<body>
<header>
<h1>sentinel-chaos comparison <span class="dim mono">${esc(r.id)}</span></h1>
${banner(r.verdict, r.summary)}
${meta(r)}
</header>
<h2>Variants</h2>
${variantsTable(r)}
<h2 style="margin-top:18px">Scenarios</h2>
${overview(r)}
<h2 style="margin-top:18px">Findings</h2>
${findingsList(all, true)}
${r.scenarios.map((s) => scenarioSection(r, s)).join('\n')}
</body>
</html>
`;
}
