/**
 * The HTML report: ONE self-contained page for a run, readable offline (no CDN, no network).
 *
 * Verdicts first: run meta and a summary table (one row per scenario), then per scenario its
 * description, assertions, checker verdicts and a timeline — throughput, latency and
 * failed/unknown charts on one clock with fault windows shaded and sentinel events marked, plus
 * each node's role over time — and the first lost writes.
 *
 * Tables and text are rendered here, on the server side, so the numbers read even without
 * JavaScript. The charts are drawn in the browser by uPlot from the render data embedded as JSON
 * (<script type="application/json" id="report-data">).
 *
 * Why uPlot: it is maintained, ~50 KB minified with no dependencies, made for time series on
 * canvas, and synchronises cursors (and, with a hook, zoom) across charts — so it can be inlined
 * into the page as is. Its JS and CSS are read from node_modules/uplot/dist at render time.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Assertion } from '../model.ts';
import type { RunReport } from './run-report.ts';
import {
  type Cell,
  type CheckView,
  type RunView,
  type ScenarioView,
  type SummaryRow,
  formatMs,
  MAX_LOST_SHOWN,
  MISSING,
  runView,
  VERDICT_COLORS,
} from './report-data.ts';

export interface HtmlOptions {
  /** Folder holding uPlot.iife.min.js and uPlot.min.css. Default: the installed uplot package. */
  uplotDir?: string;
}

interface UplotAssets {
  js: string;
  css: string;
}

const assetCache = new Map<string, UplotAssets>();

function defaultUplotDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('uplot/package.json')), 'dist');
}

/** uPlot's minified JS and CSS; throws naming the fix if the package is missing. */
export function loadUplot(dir?: string): UplotAssets {
  let where = dir;
  try {
    where ??= defaultUplotDir();
  } catch (e) {
    throw new Error(`cannot find the 'uplot' package (${(e as Error).message}); run npm install`);
  }
  const cached = assetCache.get(where);
  if (cached) return cached;
  const assets = {
    js: readFileSync(path.join(where, 'uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(path.join(where, 'uPlot.min.css'), 'utf8'),
  };
  assetCache.set(where, assets);
  return assets;
}

/** Escape text for HTML element content and attribute values. */
export function esc(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON safe inside <script>: no "<" at all (so no "</script>" or "<!--"), no JS line separators. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function inlineScript(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script');
}

function inlineStyle(css: string): string {
  return css.replace(/<\/style/gi, '<\\/style');
}

// ---------------------------------------------------------------------------------------------
// Server-side parts

function badge(verdict: string): string {
  const color = VERDICT_COLORS[verdict as keyof typeof VERDICT_COLORS] ?? '#57606a';
  return `<span class="badge" style="background:${color}">${esc(verdict.toUpperCase())}</span>`;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function cell(c: Cell, opts: { bad?: boolean } = {}): string {
  const cls = opts.bad ? ' class="bad"' : '';
  const text = `<span${cls}>${esc(c.text)}</span>`;
  if (!c.note) return text;
  if (c.isError) return `${text}<div class="cell-err" title="${esc(c.note)}">${esc(clip(c.note, 90))}</div>`;
  return `<span title="${esc(c.note)}" class="has-note">${text}</span>`;
}

function writesCell(r: SummaryRow): string {
  const lost = typeof r.lost.value === 'number' && r.lost.value > 0;
  return `${cell(r.acked)} / ${cell(r.lost, { bad: lost })} / ${cell(r.recovered)}`;
}

function reattachCell(r: SummaryRow): string {
  const when = r.reattachedWhen.value === null ? '' : ` <span class="dim">· ${esc(r.reattachedWhen.text)} after heal</span>`;
  return `${cell(r.reattached)}${when}`;
}

const PHASES = ['detection', 'election', 'promotion', 'clientRecovery', 'unavailable'] as const;

/** The error all five failover phases share (the timing check threw), so it is shown once. */
function sharedPhaseError(r: SummaryRow): string | undefined {
  const notes = PHASES.map((k) => (r[k].isError && r[k].value === null ? r[k].note : undefined));
  return notes.every((n) => n !== undefined && n === notes[0]) ? notes[0] : undefined;
}

function phaseCells(r: SummaryRow): string {
  const shared = sharedPhaseError(r);
  if (shared !== undefined) {
    return `<td colspan="${PHASES.length}" class="merged">${MISSING} <span class="cell-err">${esc(clip(shared, 200))}</span></td>`;
  }
  return PHASES.map((k) => `<td class="num">${cell(r[k])}</td>`).join('');
}

function summaryTable(v: RunView): string {
  const rows = v.scenarios
    .map((s) => {
      const r = s.summary;
      const failed = s.assertions
        .filter((a) => !a.ok)
        .slice(0, 3)
        .map((a) => `<div class="cell-err">✗ ${esc(clip(`${a.name}${a.message ? ` — ${a.message}` : ''}`, 160))}</div>`)
        .join('');
      const err = (r.error ? `<div class="cell-err">${esc(clip(r.error, 160))}</div>` : '') + failed;
      return `<tr class="row-${esc(r.verdict)}" data-href="#${esc(s.anchor)}">
<td>${badge(r.verdict)}</td>
<td class="scen"><a href="#${esc(s.anchor)}">${esc(r.title)}</a><div class="dim mono small">${esc(r.id)}</div>${err}</td>
${phaseCells(r)}
<td class="num">${writesCell(r)}</td><td class="num">${reattachCell(r)}</td>
<td>${esc(r.serverVersion)}<div class="dim mono small wrap-any">${esc(r.image)}</div></td></tr>`;
    })
    .join('\n');
  return `<div class="table-scroll"><table class="summary" id="summary">
<thead><tr><th>Verdict</th><th>Scenario</th><th title="fault → sdown quorum (or odown)">Detection</th><th title="fault → leader elected">Election</th>
<th title="fault → replica promoted (or first +switch-master)">Promotion</th><th title="fault → first ok client op">Client recovery</th>
<th title="longest time without an ok op">Unavailable</th><th title="acknowledged writes / acknowledged but missing at the end / unknown writes that happened">Writes acked / lost / recovered</th><th title="replicas following the final master at the end, and when the last one settled (ms after the heal)">Reattached</th><th>Server</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="10" class="dim">No scenarios in this run.</td></tr>'}
</tbody></table></div>
<p class="dim small">Failover phases are milliseconds from the fault's start. Hover a "—" to see why a figure is missing.</p>`;
}

function runMeta(v: RunView): string {
  const t = v.totals;
  const m = v.machine;
  const chips = (['pass', 'fail', 'error'] as const)
    .map((k) => `<span class="total" style="border-color:${VERDICT_COLORS[k]};color:${VERDICT_COLORS[k]}">${t[k]} ${k}</span>`)
    .join(' ');
  return `<header>
<h1>sentinel-chaos report <span class="dim mono">${esc(v.runId)}</span></h1>
<div class="totals">${chips}</div>
<dl class="meta">
<dt>Started</dt><dd>${esc(v.startedAt)}</dd><dt>Finished</dt><dd>${esc(v.finishedAt)}${
    v.durationMs === null ? '' : ` <span class="dim">(${esc((v.durationMs / 1000).toFixed(1))} s)</span>`
  }</dd>
<dt>Seed</dt><dd class="mono">${esc(v.seed)}</dd>
<dt>Machine</dt><dd>${esc(m?.hostname ?? MISSING)} · ${esc(m?.cpus ?? MISSING)} CPUs · ${esc(m?.memGiB ?? MISSING)} GiB · node ${esc(m?.node ?? MISSING)} · ${esc(m?.platform ?? MISSING)}</dd>
</dl>
<details><summary>Run configuration</summary><pre>${esc(JSON.stringify(v.config, null, 2))}</pre></details>
</header>`;
}

function keyFigures(s: ScenarioView): string {
  const r = s.summary;
  const card = (label: string, html: string): string => `<div class="kf"><div class="kf-label">${esc(label)}</div><div class="kf-value">${html}</div></div>`;
  const shared = sharedPhaseError(r);
  const phases =
    shared !== undefined
      ? card('Failover phases', `${MISSING} <div class="cell-err">${esc(shared)}</div>`)
      : `${card('Detection', cell(r.detection))}${card('Election', cell(r.election))}${card('Promotion', cell(r.promotion))}
${card('Client recovery', cell(r.clientRecovery))}${card('Unavailable', cell(r.unavailable))}`;
  return `<div class="kfs">
${phases}
${card('Writes acked / lost / recovered', writesCell(r))}${card('Reattached', reattachCell(r))}
</div>`;
}

function assertionsList(list: Assertion[]): string {
  if (list.length === 0) return '<p class="dim">No assertions recorded.</p>';
  const items = list
    .map(
      (a) =>
        `<li class="${a.ok ? 'ok' : 'failed'}"><span class="mark">${a.ok ? '✓' : '✗'}</span> <b>${esc(a.name)}</b>${
          a.message ? ` <span class="dim">— ${esc(a.message)}</span>` : ''
        }</li>`,
    )
    .join('\n');
  return `<ul class="assertions">${items}</ul>`;
}

function checksTable(list: CheckView[]): string {
  if (list.length === 0) return '<p class="dim">No checker results.</p>';
  const rows = list
    .map((c) => {
      const cls = c.valid === true ? 'v-ok' : c.valid === false ? 'v-bad' : 'v-unknown';
      const figures = c.figures.length
        ? c.figures.map((f) => `<span class="fig"><span class="dim">${esc(f.name)}</span> ${esc(f.text)}</span>`).join(' ')
        : `<span class="dim">${MISSING}</span>`;
      const notes = c.notes.map((n) => `<div>${esc(n)}</div>`).join('');
      const err = c.error ? `<div class="cell-err">checker error: ${esc(c.error)}</div>` : '';
      const declared = c.declared ? `<div class="dim small">${esc(c.declared)}</div>` : '';
      return `<tr><td class="mono">${esc(c.name)}</td><td class="${cls}">${esc(c.verdictText)}${declared}</td><td>${figures}</td><td>${err}${notes}</td></tr>`;
    })
    .join('\n');
  return `<table class="checks"><thead><tr><th>Check</th><th>Verdict</th><th>Figures</th><th>Notes</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function legend(s: ScenarioView): string {
  const faults = s.faults
    .map(
      (f) =>
        `<span class="chip"><i style="background:${esc(f.color)}"></i>${esc(f.name)} <span class="dim">${esc(f.kind)} · ${esc(
          formatMs(f.startMs),
        )} → ${f.endMs === null ? 'never healed' : esc(formatMs(f.endMs))}</span></span>`,
    )
    .join(' ');
  const events = s.events
    .map(
      (e) =>
        `<span class="chip" title="${esc(`${e.instance ?? ''} from ${e.sentinels.join(', ')}`)}"><i class="line" style="border-color:${esc(
          e.color,
        )}"></i>${esc(e.label)} <span class="dim">${esc(formatMs(e.timeMs))}</span></span>`,
    )
    .join(' ');
  return `<div class="legend">${faults || '<span class="dim">No faults recorded.</span>'}</div>
<div class="legend">${events || '<span class="dim">No sentinel events of note.</span>'}</div>`;
}

function lanesKey(): string {
  const k = (color: string, text: string): string => `<span class="chip"><i style="background:${color}"></i>${text}</span>`;
  return `<div class="legend small">${k('#1f6feb', 'master')}${k('#9ecbff', 'replica (link up)')}${k(
    '#f2cc60',
    'replica (link down)',
  )}${k('#8c959f', 'unreachable')}${k('#d0d7de', 'unknown')}</div>`;
}

function timeline(s: ScenarioView, index: number): string {
  if (!s.timeline) return '<p class="dim">No timed history to chart.</p>';
  const t = s.timeline;
  return `${legend(s)}
<div class="charts" data-scenario="${index}">
<div class="chart" data-chart="throughput"></div>
<div class="chart" data-chart="latency"></div>
<div class="chart" data-chart="errors"></div>
<div class="chart" data-chart="roles"></div>
</div>
${lanesKey()}
<p class="dim small">Buckets of ${esc(t.bucketMs)} ms. Throughput and latency count ok operations; failed and unknown operations are counted when they completed (or timed out). Drag on a chart to zoom, double-click to reset.</p>
<noscript><p class="dim">The charts need JavaScript.</p></noscript>`;
}

function lostTable(s: ScenarioView): string {
  if (s.lost.total === 0) return '';
  const rows = s.lost.shown
    .map(
      (w, i) =>
        `<tr><td class="num">${i + 1}</td><td class="mono">${esc(w.key)}</td><td class="mono">${esc(w.value)}</td><td>${esc(w.client ?? MISSING)}</td><td class="num">${
          w.invokeMs === null ? MISSING : esc(formatMs(w.invokeMs))
        }</td><td class="num">${w.completeMs === null ? MISSING : esc(formatMs(w.completeMs))}</td></tr>`,
    )
    .join('\n');
  const more =
    s.lost.total > s.lost.shown.length
      ? `<p class="dim">Showing the first ${s.lost.shown.length} of ${s.lost.total}; all are in the history file.</p>`
      : '';
  return `<h3>Lost writes <span class="dim">(${s.lost.total}, first ${MAX_LOST_SHOWN} shown)</span></h3>
<table class="lost"><thead><tr><th>#</th><th>Key</th><th>Value</th><th>Client</th><th>Invoked</th><th>Acknowledged</th></tr></thead><tbody>${rows}</tbody></table>${more}`;
}

function topology(s: ScenarioView): string {
  const t = s.topology;
  if (!t) return '';
  const notes = t.notes?.length ? ` · ${t.notes.map(esc).join(' · ')}` : '';
  return `<p class="small dim">Topology: ${esc(t.replicas)} replicas, ${esc(t.sentinels)} sentinels, quorum ${esc(t.quorum)}, down-after ${esc(
    formatMs(t.downAfterMs),
  )}, failover-timeout ${esc(formatMs(t.failoverTimeoutMs))} · redis ${esc(t.redisImage)} · sentinel ${esc(t.sentinelImage)} · toxiproxy ${esc(
    t.toxiproxyImage,
  )}${notes} · seed ${esc(s.seed ?? MISSING)} · ${esc(s.counts.ops)} ops (${esc(s.counts.ok)} ok, ${esc(s.counts.failed)} failed, ${esc(
    s.counts.unknown,
  )} unknown), ${esc(s.counts.polls)} polls, ${esc(s.counts.events)} sentinel events</p>`;
}

function scenarioSection(s: ScenarioView, index: number): string {
  const err = s.error ? `<div class="error-box"><b>Error:</b> <pre>${esc(s.error)}</pre></div>` : '';
  const warnings = s.warnings.map((w) => `<div class="warn">${esc(w)}</div>`).join('');
  const tags = s.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join(' ');
  return `<section class="scenario v-${esc(s.verdict)}" id="${esc(s.anchor)}">
<h2>${badge(s.verdict)} ${esc(s.title)} <span class="dim mono small">${esc(s.id)}</span> ${tags}</h2>
${err}${warnings}
<p><b>What happens:</b> ${esc(s.description || MISSING)}</p>
<p><b>Expected:</b> ${esc(s.expectation || MISSING)}</p>
${keyFigures(s)}
<div class="two">
<div><h3>Assertions</h3>${assertionsList(s.assertions)}</div>
<div><h3>Checks</h3>${checksTable(s.checks)}</div>
</div>
<h3>Timeline <span class="dim small">(time since the scenario's start)</span></h3>
${timeline(s, index)}
${lostTable(s)}
${topology(s)}
<p class="small"><a href="#summary">↑ summary</a></p>
</section>`;
}

export const PAGE_CSS = `
:root { --fg:#1f2328; --dim:#656d76; --line:#d0d7de; --bg:#ffffff; --soft:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 6px; } h2 { font-size: 18px; margin: 0 0 8px; } h3 { font-size: 15px; margin: 18px 0 6px; }
.dim { color: var(--dim); } .wrap-any { overflow-wrap: anywhere; } .table-scroll { overflow-x: auto; } .small { font-size: 12px; } .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.badge { display: inline-block; color: #fff; font-weight: 700; font-size: 12px; padding: 2px 8px; border-radius: 4px; letter-spacing: .04em; vertical-align: 2px; }
.totals { margin: 4px 0 8px; } .total { display: inline-block; border: 2px solid; border-radius: 14px; padding: 1px 10px; font-weight: 700; margin-right: 6px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; } dl.meta dt { color: var(--dim); } dl.meta dd { margin: 0; }
details pre { background: var(--soft); padding: 8px; border-radius: 6px; overflow: auto; max-height: 320px; }
table { border-collapse: collapse; } th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; font-size: 13px; white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.summary { width: 100%; margin-top: 12px; } table.summary tbody tr { cursor: pointer; } table.summary tbody tr:hover { background: #f3f8ff; }
tr.row-fail td:first-child { box-shadow: inset 4px 0 ${VERDICT_COLORS.fail}; } tr.row-error td:first-child { box-shadow: inset 4px 0 ${VERDICT_COLORS.error}; }
tr.row-pass td:first-child { box-shadow: inset 4px 0 ${VERDICT_COLORS.pass}; }
.bad { color: ${VERDICT_COLORS.fail}; font-weight: 700; } .has-note { border-bottom: 1px dotted var(--dim); cursor: help; }
.cell-err { color: ${VERDICT_COLORS.fail}; font-size: 12px; white-space: normal; max-width: 340px; text-align: left; }
td.merged { text-align: center; color: var(--dim); } td.merged .cell-err { max-width: none; } td.scen { min-width: 240px; }
section.scenario { border: 1px solid var(--line); border-left: 6px solid var(--dim); border-radius: 8px; padding: 14px 18px; margin: 22px 0; }
section.v-pass { border-left-color: ${VERDICT_COLORS.pass}; } section.v-fail { border-left-color: ${VERDICT_COLORS.fail}; } section.v-error { border-left-color: ${VERDICT_COLORS.error}; }
.tag { font-size: 11px; background: var(--soft); border: 1px solid var(--line); border-radius: 10px; padding: 0 7px; color: var(--dim); font-weight: 400; }
.error-box { background: #fff1e5; border: 1px solid #f0b37e; border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.error-box pre { margin: 4px 0 0; white-space: pre-wrap; font-size: 13px; }
.warn { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 4px 10px; margin: 6px 0; font-size: 13px; }
.kfs { display: flex; flex-wrap: wrap; gap: 8px; margin: 10px 0; }
.kf { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 120px; background: var(--soft); }
.kf-label { font-size: 12px; color: var(--dim); } .kf-value { font-size: 17px; font-weight: 600; font-variant-numeric: tabular-nums; }
.kf-value .cell-err { font-weight: 400; }
.two { display: grid; grid-template-columns: minmax(280px, 1fr) 2fr; gap: 18px; } @media (max-width: 1000px) { .two { grid-template-columns: 1fr; } }
ul.assertions { list-style: none; padding: 0; margin: 0; } ul.assertions li { padding: 3px 0; }
li.ok .mark { color: ${VERDICT_COLORS.pass}; font-weight: 700; } li.failed .mark, li.failed b { color: ${VERDICT_COLORS.fail}; font-weight: 700; }
.v-ok { color: ${VERDICT_COLORS.pass}; font-weight: 600; } .v-bad { color: ${VERDICT_COLORS.fail}; font-weight: 700; } .v-unknown { color: ${VERDICT_COLORS.error}; font-weight: 600; }
table.checks { width: 100%; } .fig { display: inline-block; margin: 0 10px 2px 0; white-space: nowrap; font-variant-numeric: tabular-nums; }
.legend { margin: 4px 0; } .chip { display: inline-block; margin: 2px 12px 2px 0; font-size: 13px; white-space: nowrap; }
.chip i { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; opacity: .85; }
.chip i.line { width: 0; height: 13px; border-left: 2px dashed; border-radius: 0; margin: 0 6px 0 3px; }
.charts { width: 100%; } .chart { margin: 2px 0; } .chart-err { color: ${VERDICT_COLORS.fail}; }
.uplot .u-title { font-size: 13px; font-weight: 600; text-align: left; padding-left: 76px; }
.uplot .u-legend { font-size: 12px; text-align: left; margin: 0 0 0 70px; } .uplot .u-legend .u-series > * { padding: 1px 4px; }
table.lost { font-size: 13px; }
`;

/**
 * The browser side: draws the charts from the embedded render data with uPlot.
 * Plain ES2017 in a string (it runs in the page, not in Node); the browser test exercises it.
 */
const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var state = { charts: [], errors: [] };
  window.__sentinelChaos = state;
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var AXIS = 70;          // fixed y-axis width: every chart's plot area starts at the same x
  var RIGHT = 16;
  var pr = function () { return uPlot.pxRatio || 1; };
  var px = function (n) { return Math.round(n * pr()); };

  document.querySelectorAll('tr[data-href]').forEach(function (tr) {
    tr.addEventListener('click', function (ev) {
      if (ev.target && ev.target.closest && ev.target.closest('a')) return;
      location.hash = tr.getAttribute('data-href');
    });
  });

  function num(v, digits) { return String(Math.round(v * Math.pow(10, digits)) / Math.pow(10, digits)); }
  function fmtMs(v) {
    if (v == null || !isFinite(v)) return '—';
    var a = Math.abs(v);
    return (a >= 100 ? num(v, 0) : a >= 10 ? num(v, 1) : num(v, 2)) + ' ms';
  }
  function fmtS(v) { return v == null ? '—' : num(v, 2) + ' s'; }
  function alpha(hex, a) {
    var h = hex.replace('#', '');
    var r = parseInt(h.slice(0, 2), 16), g = parseInt(h.slice(2, 4), 16), b = parseInt(h.slice(4, 6), 16);
    return 'rgba(' + r + ',' + g + ',' + b + ',' + a + ')';
  }
  function clampX(u, v) {
    var b = u.bbox, x = u.valToPos(v, 'x', true);
    return Math.max(b.left, Math.min(b.left + b.width, x));
  }

  // Fault windows: shaded bands behind the series (drawAxes runs before series are drawn).
  function shadeFaults(s) {
    return function (u) {
      var ctx = u.ctx, b = u.bbox, end = s.timeline.endMs / 1000;
      ctx.save();
      s.faults.forEach(function (f) {
        var x0 = clampX(u, f.startMs / 1000), x1 = clampX(u, f.endMs == null ? end : f.endMs / 1000);
        if (x1 - x0 < 1) return;
        ctx.fillStyle = alpha(f.color, 0.14);
        ctx.fillRect(x0, b.top, x1 - x0, b.height);
        ctx.fillStyle = alpha(f.color, 0.7);
        ctx.fillRect(x0, b.top, px(2), b.height);
        if (f.endMs != null) ctx.fillRect(x1 - px(1), b.top, px(1), b.height);
      });
      ctx.restore();
    };
  }

  function label(ctx, text, x, y, color) {
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    var w = ctx.measureText(text).width, h = px(14);
    ctx.fillStyle = 'rgba(255,255,255,0.85)';
    ctx.fillRect(x - px(2), y - h + px(3), w + px(4), h);
    ctx.fillStyle = color;
    ctx.fillText(text, x, y);
    return w;
  }

  // Fault names, written inside their window at the bottom of the chart.
  function faultLabels(s) {
    return function (u) {
      var ctx = u.ctx, b = u.bbox;
      ctx.save();
      ctx.font = px(11) + 'px system-ui, sans-serif';
      ctx.textBaseline = 'alphabetic';
      s.faults.forEach(function (f, i) {
        var x0 = clampX(u, f.startMs / 1000);
        if (x0 >= b.left + b.width - px(20)) return;
        var text = f.name + (f.endMs == null ? ' (never healed)' : '');
        label(ctx, text, x0 + px(5), b.top + b.height - px(6) - i * px(15), f.color);
      });
      ctx.restore();
    };
  }

  // Sentinel events: dashed vertical lines; labels (top chart only) in rows above the plot.
  function eventMarkers(s, withLabels, rows) {
    return function (u) {
      var ctx = u.ctx, b = u.bbox;
      ctx.save();
      ctx.lineWidth = px(1.3);
      ctx.setLineDash([px(5), px(3)]);
      var placed = [];
      s.events.forEach(function (e) {
        var x = Math.round(u.valToPos(e.timeMs / 1000, 'x', true));
        if (x < b.left || x > b.left + b.width) return;
        ctx.strokeStyle = e.color;
        ctx.beginPath();
        ctx.moveTo(x, b.top);
        ctx.lineTo(x, b.top + b.height);
        ctx.stroke();
        placed.push({ x: x, e: e });
      });
      if (withLabels) {
        // Row 0 sits just above the plot; a label goes to the first row where it does not
        // overlap the previous label (or, if none, the row that frees up first).
        ctx.setLineDash([]);
        ctx.font = px(11) + 'px system-ui, sans-serif';
        ctx.textAlign = 'left';
        var rowEnd = [];
        for (var r = 0; r < rows; r++) rowEnd.push(-Infinity);
        placed.forEach(function (p) {
          var w = ctx.measureText(p.e.label).width, row = 0;
          p.x0 = Math.min(p.x + px(3), b.left + b.width - w);
          while (row < rows && rowEnd[row] > p.x0 - px(4)) row++;
          if (row === rows) row = rowEnd.indexOf(Math.min.apply(null, rowEnd));
          rowEnd[row] = p.x0 + w + px(6);
          p.y = b.top - px(5) - row * px(15);
        });
        placed.forEach(function (p) {
          ctx.strokeStyle = p.e.color;
          ctx.beginPath();
          ctx.moveTo(p.x, p.y - px(9));
          ctx.lineTo(p.x, b.top);
          ctx.stroke();
        });
        placed.forEach(function (p) { label(ctx, p.e.label, p.x0, p.y, p.e.color); });
      }
      ctx.restore();
    };
  }

  var LANE_COLORS = { master: '#1f6feb', replica: '#9ecbff', replicaDown: '#f2cc60', unreachable: '#8c959f', unknown: '#d0d7de' };
  function laneColor(seg) {
    if (seg.role === 'replica') return seg.linkUp === false ? LANE_COLORS.replicaDown : LANE_COLORS.replica;
    return LANE_COLORS[seg.role] || LANE_COLORS.unknown;
  }
  function laneText(seg) {
    if (seg.role === 'replica') return 'replica' + (seg.masterOf ? ' of ' + seg.masterOf : '') + (seg.linkUp === false ? ', link down' : '');
    return seg.role;
  }

  function drawLanes(s) {
    return function (u) {
      var ctx = u.ctx, b = u.bbox, n = s.lanes.length;
      ctx.save();
      ctx.font = px(11) + 'px system-ui, sans-serif';
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'left';
      s.lanes.forEach(function (lane, i) {
        var v = n - 1 - i, yTop = u.valToPos(v + 0.34, 'lane', true), yBot = u.valToPos(v - 0.34, 'lane', true);
        lane.segments.forEach(function (seg) {
          var x0 = clampX(u, seg.startMs / 1000), x1 = clampX(u, seg.endMs / 1000);
          if (x1 - x0 < 0.5) return;
          ctx.fillStyle = laneColor(seg);
          ctx.fillRect(x0, yTop, x1 - x0, yBot - yTop);
          var text = laneText(seg), w = ctx.measureText(text).width;
          if (w + px(8) < x1 - x0) {
            ctx.fillStyle = seg.role === 'master' ? '#ffffff' : '#1f2328';
            ctx.fillText(text, x0 + px(4), (yTop + yBot) / 2);
          }
        });
      });
      ctx.restore();
    };
  }

  // How many label rows the event markers need at the initial zoom (at most 6; when zoomed,
  // labels that do not fit share the row that frees up first).
  function labelRows(s, plotWidth, x0, x1) {
    var ctx = document.createElement('canvas').getContext('2d');
    ctx.font = '11px system-ui, sans-serif';
    var rowEnd = [];
    s.events.forEach(function (e) {
      var w = ctx.measureText(e.label).width;
      var x = Math.min((e.timeMs / 1000 - x0) / Math.max(1e-9, x1 - x0) * plotWidth + 3, plotWidth - w);
      var r = 0;
      while (r < rowEnd.length && rowEnd[r] > x - 4) r++;
      if (r < 6) rowEnd[r] = x + w + 6;
    });
    return Math.max(1, rowEnd.length);
  }

  function xAxis(withLabel) {
    var a = { scale: 'x', size: withLabel ? 44 : 26, values: function (u, splits) { return splits.map(function (v) { return num(v, 3) + ' s'; }); } };
    if (withLabel) { a.label = 'time since the scenario started'; a.labelSize = 18; a.labelFont = '12px system-ui, sans-serif'; }
    return a;
  }
  function yAxis(unit, scale) {
    return { scale: scale || 'y', size: AXIS, values: function (u, splits) { return splits.map(function (v) { return v == null ? '' : num(v, 3) + unit; }); } };
  }

  function build(container, s) {
    var t = s.timeline;
    var xs = t.tMs.map(function (v) { return v / 1000; });
    var width = Math.max(320, container.clientWidth || 900);
    var syncKey = 'sc-' + s.anchor;
    var group = [];
    var syncing = false;
    function syncX(u, key) {
      if (key !== 'x' || syncing) return;
      syncing = true;
      group.forEach(function (o) { if (o !== u) o.setScale('x', { min: u.scales.x.min, max: u.scales.x.max }); });
      syncing = false;
    }
    var rows = labelRows(s, width - AXIS - RIGHT, xs[0], xs[xs.length - 1]);
    function base(title, height, padTop) {
      return {
        title: title, width: width, height: height,
        padding: [padTop, RIGHT, 0, 0],
        cursor: { sync: { key: syncKey }, drag: { x: true, y: false } },
        scales: { x: { time: false } },
        hooks: { drawAxes: [shadeFaults(s)], draw: [], setScale: [syncX] },
      };
    }
    function el(name) { return container.querySelector('[data-chart="' + name + '"]'); }
    var xSeries = { label: 'time', value: function (u, v) { return fmtS(v); } };

    var o1 = base('Throughput (ok ops/s)', 190 + rows * 15, rows * 15 + 8);
    o1.series = [xSeries, { label: 'ok ops/s', stroke: '#1a7f37', fill: 'rgba(26,127,55,0.10)', width: 1.5, points: { show: false }, value: function (u, v) { return v == null ? '—' : num(v, 1) + ' ops/s'; } }];
    o1.axes = [xAxis(false), yAxis('')];
    o1.hooks.draw.push(eventMarkers(s, true, rows), faultLabels(s));
    group.push(new uPlot(o1, [xs, t.okPerSec], el('throughput')));

    var o2 = base('Latency of ok ops (ms, log scale)', 180, 8);
    o2.scales.y = { distr: 3, log: 10 };
    var lat = function (u, v) { return fmtMs(v); };
    o2.series = [xSeries,
      { label: 'p50', stroke: '#0969da', width: 1.5, points: { show: false }, value: lat, spanGaps: false },
      { label: 'p99', stroke: '#bf8700', width: 1.5, points: { show: false }, value: lat, spanGaps: false },
      { label: 'max', stroke: 'rgba(207,34,46,0.45)', width: 1, points: { show: false }, value: lat, spanGaps: false }];
    o2.axes = [xAxis(false), yAxis(' ms')];
    o2.hooks.draw.push(eventMarkers(s, false, 0));
    var clean = function (arr) { return arr.map(function (v) { return v == null ? null : Math.max(v, 0.01); }); };
    group.push(new uPlot(o2, [xs, clean(t.p50), clean(t.p99), clean(t.max)], el('latency')));

    var o3 = base('Failed and unknown ops (per ' + t.bucketMs + ' ms)', 150, 8);
    var bars = uPlot.paths.bars;
    var cnt = function (u, v) { return v == null ? '—' : String(v); };
    o3.series = [xSeries,
      { label: 'failed', stroke: '#cf222e', fill: 'rgba(207,34,46,0.55)', paths: bars({ size: [0.9, 40], align: 0 }), points: { show: false }, value: cnt },
      { label: 'unknown', stroke: '#bf8700', fill: 'rgba(212,167,44,0.65)', paths: bars({ size: [0.9, 40], align: 0 }), points: { show: false }, value: cnt }];
    o3.axes = [xAxis(false), yAxis('')];
    o3.scales.y = { range: function (u, mn, mx) { return [0, Math.max(1, mx)]; } };
    o3.hooks.draw.push(eventMarkers(s, false, 0));
    group.push(new uPlot(o3, [xs, t.failed, t.unknown], el('errors')));

    var n = Math.max(1, s.lanes.length);
    var o4 = base('Role of each redis node (INFO replication polls)', 34 * n + 90, 6);
    o4.legend = { show: false };
    o4.scales.lane = { auto: false, range: [-0.5, n - 0.5] };
    o4.series = [xSeries, { label: 'role', scale: 'lane', stroke: 'transparent', points: { show: false } }];
    o4.axes = [xAxis(true), {
      scale: 'lane', size: AXIS, grid: { show: false }, ticks: { show: false },
      splits: function () { var a = []; for (var i = 0; i < n; i++) a.push(i); return a; },
      values: function (u, splits) { return splits.map(function (v) { var l = s.lanes[n - 1 - v]; return l ? l.node : ''; }); },
    }];
    o4.hooks.drawAxes.push(drawLanes(s));
    o4.hooks.draw.push(eventMarkers(s, false, 0));
    group.push(new uPlot(o4, [xs, xs.map(function () { return null; })], el('roles')));
    return group;
  }

  var groups = [];
  document.querySelectorAll('.charts[data-scenario]').forEach(function (container) {
    var s = data.scenarios[Number(container.getAttribute('data-scenario'))];
    try {
      var g = build(container, s);
      groups.push({ container: container, charts: g });
      g.forEach(function (c) { state.charts.push({ scenario: s.id, chart: c }); });
    } catch (e) {
      state.errors.push(String(e && e.stack || e));
      container.insertAdjacentHTML('beforeend', '<p class="chart-err">Could not draw the charts: ' + String(e).replace(/[<&]/g, ' ') + '</p>');
      throw e;
    }
  });

  var pending = 0;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      groups.forEach(function (g) {
        var w = Math.max(320, g.container.clientWidth);
        g.charts.forEach(function (c) { c.setSize({ width: w, height: c.height }); });
      });
    }, 150);
  });
})();
`;

/** Render the whole run as one self-contained HTML page. */
export function renderHtml(run: RunReport, opts: HtmlOptions = {}): string {
  const uplot = loadUplot(opts.uplotDir);
  const view = runView(run);
  const verdictWord = view.totals.error > 0 ? 'ERROR' : view.totals.fail > 0 ? 'FAIL' : 'PASS';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(verdictWord)} · sentinel-chaos ${esc(view.runId)}</title>
<style>${inlineStyle(uplot.css)}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
${runMeta(view)}
${summaryTable(view)}
${view.scenarios.map((s, i) => scenarioSection(s, i)).join('\n')}
<script type="application/json" id="report-data">${jsonForScript(view)}</script>
<script>${inlineScript(uplot.js)}</script>
<script>${inlineScript(CLIENT_JS)}</script>
</body>
</html>
`;
}
