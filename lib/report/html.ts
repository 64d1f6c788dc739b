/**
 * The HTML report: ONE self-contained page for a run, readable offline (no CDN, no network).
 *
 * Verdicts first: run meta and a summary table (one row per scenario), then per scenario its
 * description, each check's key figures, assertions, checker verdicts and a timeline — throughput, latency and
 * failed/unknown charts on one clock with fault windows shaded and sentinel events marked, plus
 * each node's role over time — and the first lost writes.
 *
 * Tables and text are rendered here, on the server side, so the numbers read even without
 * JavaScript. The charts are drawn in the browser by uPlot from the render data embedded as JSON
 * (<script type="application/json" id="report-data">).
 *
 * Why uPlot: it is maintained, ~50 KB minified with no dependencies, made for time series on
 * canvas, and synchronises cursors (and, with a hook, zoom) across charts — so it can be inlined
 * into the page as is. Its JS and CSS are read from node_modules/uplot/dist at render time, and the
 * page's own script from ./browser/timeline.ts (see loadClientScript).
 */
import { readFileSync } from 'node:fs';
import { createRequire, stripTypeScriptTypes } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Assertion } from '../model.ts';
import { flakiness, flakinessHtml } from './flakiness.ts';
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

const PHASES = ['detection', 'election', 'promotion', 'durableClientRecovery', 'durableUnavailable'] as const;
/** The raw figure shown under each durable one (every ok write, including those a deposed master acknowledged). */
const RAW_OF: Partial<Record<(typeof PHASES)[number], 'clientRecovery' | 'unavailable'>> = {
  durableClientRecovery: 'clientRecovery',
  durableUnavailable: 'unavailable',
};

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
  return PHASES.map((k) => {
    const rawKey = RAW_OF[k];
    const raw = rawKey !== undefined && r[rawKey].text !== r[k].text ? `<div class="dim small">raw ${cell(r[rawKey])}</div>` : '';
    return `<td class="num">${cell(r[k])}${raw}</td>`;
  }).join('');
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
<th title="fault → replica promoted (or first +switch-master)">Promotion</th><th title="fault → end of the outage, over acknowledged writes the final read kept (raw: every ok write)">Durable client recovery</th>
<th title="longest time without an acknowledged write that survived (raw: without any ok write)">Durable unavailability</th><th title="acknowledged writes / acknowledged but missing at the end / unknown writes that happened">Writes acked / lost / recovered</th><th title="replicas following the final master at the end, and when the last one settled (ms after the heal)">Reattached</th><th>Server</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="10" class="dim">No scenarios in this run.</td></tr>'}
</tbody></table></div>
<p class="dim small">Failover phases are milliseconds from the fault's start. Hover a "—" to see why a figure is missing.</p>`;
}

function runMeta(v: RunView): string {
  const t = v.totals;
  const m = v.machine;
  const chips = (['pass', 'fail', 'error', 'not-applicable'] as const)
    .filter((k) => k !== 'not-applicable' || t[k] > 0)
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

function verdictClass(valid: CheckView['valid']): string {
  return valid === true ? 'v-ok' : valid === false ? 'v-bad' : 'v-unknown';
}

/**
 * Each check's key figures (CheckResult.keyFigures: the checker says which of its figures matter), one
 * card each under the check's name and verdict. A check that threw shows its error once instead.
 */
function keyFigures(s: ScenarioView): string {
  const card = (label: string, html: string): string =>
    `<div class="kf"><div class="kf-label">${esc(label)}</div><div class="kf-value">${html}</div></div>`;
  const groups = s.checks
    .filter((c) => c.keyFigures.length > 0)
    .map((c) => {
      const cards = c.error
        ? card(c.keyFigures.map((k) => k.name).join(', '), `${MISSING} <div class="cell-err">${esc(c.error)}</div>`)
        : c.keyFigures.map((k) => card(k.name, cell(k.cell))).join('');
      return `<div class="kf-group"><div class="kf-check"><span class="mono">${esc(c.name)}</span> <span class="${verdictClass(c.valid)}">${esc(
        c.verdictText,
      )}</span></div><div class="kf-cards">${cards}</div></div>`;
    });
  return groups.length ? `<div class="kfs">\n${groups.join('\n')}\n</div>` : '';
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
      const cls = verdictClass(c.valid);
      const keys = new Set(c.keyFigures.map((k) => k.name));
      const figures = c.figures.length
        ? c.figures
            .map((f) => `<span class="fig${keys.has(f.name) ? ' key' : ''}"><span class="dim">${esc(f.name)}</span> ${esc(f.text)}</span>`)
            .join(' ')
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
  const na = s.notApplicable ? `<div class="warn"><b>Not applicable on these servers:</b> ${esc(s.notApplicable)}</div>` : '';
  const warnings = s.warnings.map((w) => `<div class="warn">${esc(w)}</div>`).join('');
  const tags = s.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join(' ');
  return `<section class="scenario v-${esc(s.verdict)}" id="${esc(s.anchor)}">
<h2>${badge(s.verdict)} ${esc(s.title)} <span class="dim mono small">${esc(s.id)}</span> ${tags}</h2>
${err}${na}${warnings}
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
.kfs { display: flex; flex-wrap: wrap; gap: 10px 22px; margin: 10px 0; } .kf-check { font-size: 12px; margin-bottom: 3px; }
.kf-cards { display: flex; flex-wrap: wrap; gap: 8px; }
.kf { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 120px; background: var(--soft); }
.kf-label { font-size: 12px; color: var(--dim); } .kf-value { font-size: 17px; font-weight: 600; font-variant-numeric: tabular-nums; }
.kf-value .cell-err { font-weight: 400; }
.two { display: grid; grid-template-columns: minmax(280px, 1fr) 2fr; gap: 18px; } @media (max-width: 1000px) { .two { grid-template-columns: 1fr; } }
ul.assertions { list-style: none; padding: 0; margin: 0; } ul.assertions li { padding: 3px 0; }
li.ok .mark { color: ${VERDICT_COLORS.pass}; font-weight: 700; } li.failed .mark, li.failed b { color: ${VERDICT_COLORS.fail}; font-weight: 700; }
.v-ok { color: ${VERDICT_COLORS.pass}; font-weight: 600; } .v-bad { color: ${VERDICT_COLORS.fail}; font-weight: 700; } .v-unknown { color: ${VERDICT_COLORS.error}; font-weight: 600; }
table.checks { width: 100%; } .fig.key { font-weight: 600; } .fig { display: inline-block; margin: 0 10px 2px 0; white-space: nowrap; font-variant-numeric: tabular-nums; }
.legend { margin: 4px 0; } .chip { display: inline-block; margin: 2px 12px 2px 0; font-size: 13px; white-space: nowrap; }
.chip i { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; opacity: .85; }
.chip i.line { width: 0; height: 13px; border-left: 2px dashed; border-radius: 0; margin: 0 6px 0 3px; }
.charts { width: 100%; } .chart { margin: 2px 0; } .chart-err { color: ${VERDICT_COLORS.fail}; }
.uplot .u-title { font-size: 13px; font-weight: 600; text-align: left; padding-left: 76px; }
.uplot .u-legend { font-size: 12px; text-align: left; margin: 0 0 0 70px; } .uplot .u-legend .u-series > * { padding: 1px 4px; }
table.lost { font-size: 13px; }
`;

/**
 * The browser side (./browser/timeline.ts): draws the charts from the embedded render data with uPlot.
 * It is TypeScript, checked by tsc and eslint with the rest; here its types are stripped (node:module
 * stripTypeScriptTypes, no other transform) so the page gets plain JavaScript it can run as is.
 */
const CLIENT_SOURCE = new URL('./browser/timeline.ts', import.meta.url);
/** In the installed package (dist/) the script is the compiled JavaScript beside this file. */
const CLIENT_COMPILED = new URL('./browser/timeline.js', import.meta.url);
let clientScript: string | undefined;

export function loadClientScript(): string {
  if (clientScript !== undefined) return clientScript;
  try {
    const source = readFileSync(CLIENT_SOURCE, 'utf8');
    clientScript = quietly(() => stripTypeScriptTypes(source, { mode: 'strip', sourceUrl: 'sentinel-chaos-timeline.js' }));
    return clientScript;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  try {
    // tsc keeps the file a module with an empty `export {}`; the page runs it as a classic script.
    clientScript = readFileSync(CLIENT_COMPILED, 'utf8').replace(/^export \{\};?\s*$/m, '');
    return clientScript;
  } catch (e) {
    throw new Error(
      `cannot read the report's browser script ${fileURLToPath(CLIENT_SOURCE)} or ${fileURLToPath(CLIENT_COMPILED)} (${(e as Error).message}); reinstall sentinel-chaos`,
    );
  }
}

/**
 * Runs `f` without Node's one-time "stripTypeScriptTypes is an experimental feature" warning, which would
 * otherwise land on the stderr of every run that writes a report; any other warning still goes through.
 */
function quietly<T>(f: () => T): T {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (!String(warning).includes('stripTypeScriptTypes')) (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return f();
  } finally {
    process.emitWarning = emit;
  }
}

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
${flakinessHtml(flakiness(run.scenarios ?? []))}
${view.scenarios.map((s, i) => scenarioSection(s, i)).join('\n')}
<script type="application/json" id="report-data">${jsonForScript(view)}</script>
<script>${inlineScript(uplot.js)}</script>
<script>${inlineScript(loadClientScript())}</script>
</body>
</html>
`;
}
