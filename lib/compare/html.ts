/**
 * The comparison as ONE self-contained HTML page (no scripts, no network): the verdict first, the
 * variants (images, server versions, links to their full run reports), the findings, then per
 * scenario its figures side by side with each candidate's difference to the baseline. Regressions
 * are red, improvements green. Styles are the run report's (lib/report/html.ts) plus a few rules.
 */
import { esc, PAGE_CSS } from '../report/html.ts';
import { MISSING, VERDICT_COLORS } from '../report/report-data.ts';
import type { ComparisonReport, ComparisonVerdict, Finding, ScenarioComparison } from './model.ts';
import { metricRows, variantTotals } from './view.ts';

export const COMPARISON_COLORS: Readonly<Record<ComparisonVerdict | 'ok', string>> = {
  regression: VERDICT_COLORS.fail,
  'no-regression': VERDICT_COLORS.pass,
  ok: VERDICT_COLORS.pass,
  inconclusive: VERDICT_COLORS.error,
};

const EXTRA_CSS = `
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
<dt>Regression when</dt><dd>a judged failover phase (promotion, client recovery) is slower than the baseline by more than <b>${esc(t.maxSlowerPct)}%</b> and more than <b>${esc(t.maxSlowerMs)} ms</b> · more than <b>${esc(t.maxNewLoss)}</b> acknowledged write(s) lost beyond the baseline's · any new failure</dd>
</dl>
${r.notes.length ? `<div class="warn">${r.notes.map(esc).join('<br>')}</div>` : ''}`;
}

function variantsTable(r: ComparisonReport): string {
  const totals = variantTotals(r);
  const rows = r.variants
    .map((v, i) => {
      const t = totals[i] ?? { pass: 0, fail: 0, error: 0, missing: 0 };
      const report = v.report ? `<a href="${esc(v.report)}">run report</a>` : MISSING;
      return `<tr><td>${i === 0 ? '<b>baseline</b>' : `candidate ${i}`}</td><td class="mono">${esc(v.label)}</td><td>${esc(v.serverVersion ?? MISSING)}</td>
<td class="mono small wrap-any">${esc(v.redisImage)}</td><td class="mono small wrap-any">${esc(v.sentinelImage)}${v.sentinelImage !== v.redisImage ? ' <span class="tag">mixed</span>' : ''}</td>
<td class="mono small wrap-any">${esc(v.toxiproxyImage)}</td><td class="num">${t.pass} / ${t.fail} / ${t.error}</td><td>${report}</td></tr>`;
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
      const cells = s.outcomes.map((o) => `<td>${o ? verdictBadge(o.verdict) : '<span class="dim">not run</span>'}</td>`).join('');
      return `<tr><td class="scen"><a href="#cmp-${esc(s.id)}">${esc(s.title)}</a><div class="dim mono small">${esc(s.id)}</div></td>${cells}<td>${badge(s.verdict, COMPARISON_COLORS[s.verdict])}</td></tr>`;
    })
    .join('\n');
  return `<div class="table-scroll"><table class="summary"><thead><tr><th>Scenario</th>${head}<th>Comparison</th></tr></thead>
<tbody>${rows || `<tr><td colspan="${r.variants.length + 2}" class="dim">No scenarios.</td></tr>`}</tbody></table></div>`;
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
  const errors = s.outcomes
    .map((o, i) => (o?.error ? `<div class="error-box"><b>${esc(labels[i] ?? '')}</b> did not complete<pre>${esc(o.error)}</pre></div>` : ''))
    .join('');
  const failed = s.outcomes
    .map((o, i) => (o && o.failedAssertions.length ? `<div class="small"><b class="mono">${esc(labels[i] ?? '')}</b> failed: ${o.failedAssertions.map(esc).join('; ')}</div>` : ''))
    .join('');
  const color = COMPARISON_COLORS[s.verdict];
  return `<section class="scenario" id="cmp-${esc(s.id)}" style="border-left-color:${color}">
<h2>${badge(s.verdict, color)} ${esc(s.title)} <span class="dim mono small">${esc(s.id)}</span> ${s.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join(' ')}</h2>
${errors}${failed}
<div class="table-scroll"><table class="side"><thead><tr><th>Figure</th>${head}</tr></thead><tbody>
${rows}
</tbody></table></div>
<p class="dim small">Failover phases are ms from the fault's start; ⚖ marks the figures the verdict judges. Differences are against the baseline.</p>
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
