/**
 * The report's browser side: draws each scenario's charts with uPlot from the render data embedded in the
 * page (<script type="application/json" id="report-data">), keeps the charts of a scenario on one x range,
 * and makes the summary rows clickable.
 *
 * Written in TypeScript so tsc and eslint check it against the very view types the server renders
 * (lib/report/data/views.ts). html.ts strips the types at render time (node:module stripTypeScriptTypes)
 * and inlines the result, as it inlines uPlot. So it must stay a classic script once the types are gone:
 * type-only imports (erased), everything else inside the IIFE, no runtime import or export, no Node globals
 * (eslint.config.js enforces these for this folder).
 */
import type UPlot from 'uplot';
import type { EventMarker, LaneRole, RoleSegment, RunView, ScenarioView } from '../report-data.ts';

/** The uPlot IIFE bundle, inlined before this script, defines this global. */
declare const uPlot: typeof UPlot;

/** What the page exposes for tests: every chart drawn and every error met while drawing. */
interface ReportState {
  charts: { scenario: string; chart: UPlot }[];
  errors: string[];
}

type Draw = (u: UPlot) => void;

(function () {
  'use strict';
  const state: ReportState = { charts: [], errors: [] };
  (window as unknown as { __sentinelChaos: ReportState }).__sentinelChaos = state;
  const data = JSON.parse(document.getElementById('report-data')?.textContent ?? '{}') as RunView;
  const AXIS = 70; // fixed y-axis width: every chart's plot area starts at the same x
  const RIGHT = 16;
  const pr = (): number => uPlot.pxRatio || 1;
  const px = (n: number): number => Math.round(n * pr());

  document.querySelectorAll('tr[data-href]').forEach((tr) => {
    tr.addEventListener('click', (ev) => {
      if (ev.target instanceof Element && ev.target.closest('a')) return;
      location.hash = tr.getAttribute('data-href') ?? '';
    });
  });

  function num(v: number, digits: number): string {
    return String(Math.round(v * Math.pow(10, digits)) / Math.pow(10, digits));
  }
  function fmtMs(v: number | null): string {
    if (v == null || !isFinite(v)) return '—';
    const a = Math.abs(v);
    return `${a >= 100 ? num(v, 0) : a >= 10 ? num(v, 1) : num(v, 2)} ms`;
  }
  function fmtS(v: number | null): string {
    return v == null ? '—' : `${num(v, 2)} s`;
  }
  function alpha(hex: string, a: number): string {
    const h = hex.replace('#', '');
    const r = parseInt(h.slice(0, 2), 16);
    const g = parseInt(h.slice(2, 4), 16);
    const b = parseInt(h.slice(4, 6), 16);
    return `rgba(${r},${g},${b},${a})`;
  }
  function clampX(u: UPlot, v: number): number {
    const b = u.bbox;
    const x = u.valToPos(v, 'x', true);
    return Math.max(b.left, Math.min(b.left + b.width, x));
  }

  // Fault windows: shaded bands behind the series (drawAxes runs before series are drawn).
  function shadeFaults(s: ScenarioView, endMs: number): Draw {
    return (u) => {
      const ctx = u.ctx;
      const b = u.bbox;
      const end = endMs / 1000;
      ctx.save();
      s.faults.forEach((f) => {
        const x0 = clampX(u, f.startMs / 1000);
        const x1 = clampX(u, f.endMs == null ? end : f.endMs / 1000);
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

  function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, color: string): number {
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    const w = ctx.measureText(text).width;
    const h = px(14);
    ctx.fillStyle = 'rgba(255,255,255,0.85)';
    ctx.fillRect(x - px(2), y - h + px(3), w + px(4), h);
    ctx.fillStyle = color;
    ctx.fillText(text, x, y);
    return w;
  }

  // Fault names, written inside their window at the bottom of the chart.
  function faultLabels(s: ScenarioView): Draw {
    return (u) => {
      const ctx = u.ctx;
      const b = u.bbox;
      ctx.save();
      ctx.font = `${px(11)}px system-ui, sans-serif`;
      ctx.textBaseline = 'alphabetic';
      s.faults.forEach((f, i) => {
        const x0 = clampX(u, f.startMs / 1000);
        if (x0 >= b.left + b.width - px(20)) return;
        const text = f.name + (f.endMs == null ? ' (never healed)' : '');
        label(ctx, text, x0 + px(5), b.top + b.height - px(6) - i * px(15), f.color);
      });
      ctx.restore();
    };
  }

  interface Placed {
    x: number;
    e: EventMarker;
    /** Where its label starts, and its baseline. */
    x0: number;
    y: number;
  }

  // Sentinel events: dashed vertical lines; labels (top chart only) in rows above the plot.
  function eventMarkers(s: ScenarioView, withLabels: boolean, rows: number): Draw {
    return (u) => {
      const ctx = u.ctx;
      const b = u.bbox;
      ctx.save();
      ctx.lineWidth = px(1.3);
      ctx.setLineDash([px(5), px(3)]);
      const placed: Placed[] = [];
      s.events.forEach((e) => {
        const x = Math.round(u.valToPos(e.timeMs / 1000, 'x', true));
        if (x < b.left || x > b.left + b.width) return;
        ctx.strokeStyle = e.color;
        ctx.beginPath();
        ctx.moveTo(x, b.top);
        ctx.lineTo(x, b.top + b.height);
        ctx.stroke();
        placed.push({ x, e, x0: x, y: b.top });
      });
      if (withLabels) {
        // Row 0 sits just above the plot; a label goes to the first row where it does not
        // overlap the previous label (or, if none, the row that frees up first).
        ctx.setLineDash([]);
        ctx.font = `${px(11)}px system-ui, sans-serif`;
        ctx.textAlign = 'left';
        const rowEnd: number[] = [];
        for (let r = 0; r < rows; r++) rowEnd.push(-Infinity);
        placed.forEach((p) => {
          const w = ctx.measureText(p.e.label).width;
          let row = 0;
          p.x0 = Math.min(p.x + px(3), b.left + b.width - w);
          while (row < rows && (rowEnd[row] ?? -Infinity) > p.x0 - px(4)) row++;
          if (row === rows) row = rowEnd.indexOf(Math.min(...rowEnd));
          rowEnd[row] = p.x0 + w + px(6);
          p.y = b.top - px(5) - row * px(15);
        });
        placed.forEach((p) => {
          ctx.strokeStyle = p.e.color;
          ctx.beginPath();
          ctx.moveTo(p.x, p.y - px(9));
          ctx.lineTo(p.x, b.top);
          ctx.stroke();
        });
        placed.forEach((p) => label(ctx, p.e.label, p.x0, p.y, p.e.color));
      }
      ctx.restore();
    };
  }

  // Same colours as the key under the chart (html.ts lanesKey).
  const LANE_COLORS: Record<LaneRole | 'replicaDown', string> = {
    master: '#1f6feb',
    replica: '#9ecbff',
    replicaDown: '#f2cc60',
    unreachable: '#8c959f',
    unknown: '#d0d7de',
  };
  function laneColor(seg: RoleSegment): string {
    if (seg.role === 'replica') return seg.linkUp === false ? LANE_COLORS.replicaDown : LANE_COLORS.replica;
    return LANE_COLORS[seg.role] || LANE_COLORS.unknown;
  }
  function laneText(seg: RoleSegment): string {
    if (seg.role === 'replica') return `replica${seg.masterOf ? ` of ${seg.masterOf}` : ''}${seg.linkUp === false ? ', link down' : ''}`;
    return seg.role;
  }

  function drawLanes(s: ScenarioView): Draw {
    return (u) => {
      const ctx = u.ctx;
      const n = s.lanes.length;
      ctx.save();
      ctx.font = `${px(11)}px system-ui, sans-serif`;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'left';
      s.lanes.forEach((lane, i) => {
        const v = n - 1 - i;
        const yTop = u.valToPos(v + 0.34, 'lane', true);
        const yBot = u.valToPos(v - 0.34, 'lane', true);
        lane.segments.forEach((seg) => {
          const x0 = clampX(u, seg.startMs / 1000);
          const x1 = clampX(u, seg.endMs / 1000);
          if (x1 - x0 < 0.5) return;
          ctx.fillStyle = laneColor(seg);
          ctx.fillRect(x0, yTop, x1 - x0, yBot - yTop);
          const text = laneText(seg);
          const w = ctx.measureText(text).width;
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
  function labelRows(s: ScenarioView, plotWidth: number, x0: number, x1: number): number {
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) return 1;
    ctx.font = '11px system-ui, sans-serif';
    const rowEnd: number[] = [];
    s.events.forEach((e) => {
      const w = ctx.measureText(e.label).width;
      const x = Math.min(((e.timeMs / 1000 - x0) / Math.max(1e-9, x1 - x0)) * plotWidth + 3, plotWidth - w);
      let r = 0;
      while (r < rowEnd.length && (rowEnd[r] ?? -Infinity) > x - 4) r++;
      if (r < 6) rowEnd[r] = x + w + 6;
    });
    return Math.max(1, rowEnd.length);
  }

  function xAxis(withLabel: boolean): UPlot.Axis {
    const a: UPlot.Axis = { scale: 'x', size: withLabel ? 44 : 26, values: (u, splits) => splits.map((v) => `${num(v, 3)} s`) };
    if (withLabel) {
      a.label = 'time since the scenario started';
      a.labelSize = 18;
      a.labelFont = '12px system-ui, sans-serif';
    }
    return a;
  }
  function yAxis(unit: string, scale?: string): UPlot.Axis {
    return { scale: scale || 'y', size: AXIS, values: (u, splits) => splits.map((v) => (v == null ? '' : num(v, 3) + unit)) };
  }

  interface Hooks {
    drawAxes: Draw[];
    draw: Draw[];
    setScale: ((u: UPlot, key: string) => void)[];
  }

  function build(container: HTMLElement, s: ScenarioView): UPlot[] {
    const t = s.timeline;
    if (!t) throw new Error(`scenario ${s.id} has no timeline to chart`);
    const endMs = t.endMs;
    const xs = t.tMs.map((v) => v / 1000);
    const width = Math.max(320, container.clientWidth || 900);
    const syncKey = `sc-${s.anchor}`;
    const group: UPlot[] = [];
    let syncing = false;
    // Zooming one chart zooms the others of the scenario (uPlot's cursor sync only shares the cursor).
    function syncX(u: UPlot, key: string): void {
      const x = u.scales['x'];
      if (key !== 'x' || syncing || x?.min == null || x.max == null) return;
      syncing = true;
      const range = { min: x.min, max: x.max };
      group.forEach((o) => {
        if (o !== u) o.setScale('x', range);
      });
      syncing = false;
    }
    const rows = labelRows(s, width - AXIS - RIGHT, xs[0] ?? 0, xs[xs.length - 1] ?? 0);
    function base(title: string, height: number, padTop: number): Omit<UPlot.Options, 'series'> & { hooks: Hooks; scales: UPlot.Scales } {
      return {
        title,
        width,
        height,
        padding: [padTop, RIGHT, 0, 0],
        cursor: { sync: { key: syncKey }, drag: { x: true, y: false } },
        scales: { x: { time: false } },
        hooks: { drawAxes: [shadeFaults(s, endMs)], draw: [], setScale: [syncX] },
      };
    }
    function el(name: string): HTMLElement {
      const found = container.querySelector<HTMLElement>(`[data-chart="${name}"]`);
      if (!found) throw new Error(`no ${name} chart in scenario ${s.id}`);
      return found;
    }
    const xSeries: UPlot.Series = { label: 'time', value: (u, v) => fmtS(v) };

    const o1 = base('Throughput (ok ops/s)', 190 + rows * 15, rows * 15 + 8);
    o1.axes = [xAxis(false), yAxis('')];
    o1.hooks.draw.push(eventMarkers(s, true, rows), faultLabels(s));
    const okSeries: UPlot.Series = {
      label: 'ok ops/s',
      stroke: '#1a7f37',
      fill: 'rgba(26,127,55,0.10)',
      width: 1.5,
      points: { show: false },
      value: (u, v) => (v == null ? '—' : `${num(v, 1)} ops/s`),
    };
    group.push(new uPlot({ ...o1, series: [xSeries, okSeries] }, [xs, t.okPerSec], el('throughput')));

    const o2 = base('Latency of ok ops (ms, log scale)', 180, 8);
    o2.scales['y'] = { distr: 3, log: 10 };
    const lat = (u: UPlot, v: number | null): string => fmtMs(v);
    const latency = (label: string, stroke: string, width: number): UPlot.Series => ({ label, stroke, width, points: { show: false }, value: lat, spanGaps: false });
    o2.axes = [xAxis(false), yAxis(' ms')];
    o2.hooks.draw.push(eventMarkers(s, false, 0));
    // Log scale: a latency of 0 (sub-ms) is drawn at 0.01 ms.
    const clean = (arr: (number | null)[]): (number | null)[] => arr.map((v) => (v == null ? null : Math.max(v, 0.01)));
    const o2series = [xSeries, latency('p50', '#0969da', 1.5), latency('p99', '#bf8700', 1.5), latency('max', 'rgba(207,34,46,0.45)', 1)];
    group.push(new uPlot({ ...o2, series: o2series }, [xs, clean(t.p50), clean(t.p99), clean(t.max)], el('latency')));

    const o3 = base(`Failed and unknown ops (per ${t.bucketMs} ms)`, 150, 8);
    const bars = uPlot.paths.bars;
    if (!bars) throw new Error('this uPlot build has no bars path builder');
    const cnt = (u: UPlot, v: number | null): string => (v == null ? '—' : String(v));
    const counts = (label: string, stroke: string, fill: string): UPlot.Series => ({
      label,
      stroke,
      fill,
      paths: bars({ size: [0.9, 40], align: 0 }),
      points: { show: false },
      value: cnt,
    });
    o3.axes = [xAxis(false), yAxis('')];
    o3.scales['y'] = { range: (u, mn, mx) => [0, Math.max(1, mx)] };
    o3.hooks.draw.push(eventMarkers(s, false, 0));
    const o3series = [xSeries, counts('failed', '#cf222e', 'rgba(207,34,46,0.55)'), counts('unknown', '#bf8700', 'rgba(212,167,44,0.65)')];
    group.push(new uPlot({ ...o3, series: o3series }, [xs, t.failed, t.unknown], el('errors')));

    const n = Math.max(1, s.lanes.length);
    const o4 = base('Role of each redis node (INFO replication polls)', 34 * n + 90, 6);
    o4.legend = { show: false };
    o4.scales['lane'] = { auto: false, range: [-0.5, n - 0.5] };
    o4.axes = [
      xAxis(true),
      {
        scale: 'lane',
        size: AXIS,
        grid: { show: false },
        ticks: { show: false },
        splits: () => Array.from({ length: n }, (_, i) => i),
        values: (u, splits) => splits.map((v) => s.lanes[n - 1 - v]?.node ?? ''),
      },
    ];
    o4.hooks.drawAxes.push(drawLanes(s));
    o4.hooks.draw.push(eventMarkers(s, false, 0));
    const o4series = [xSeries, { label: 'role', scale: 'lane', stroke: 'transparent', points: { show: false } }];
    group.push(new uPlot({ ...o4, series: o4series }, [xs, xs.map(() => null)], el('roles')));
    return group;
  }

  const groups: { container: HTMLElement; charts: UPlot[] }[] = [];
  document.querySelectorAll<HTMLElement>('.charts[data-scenario]').forEach((container) => {
    const s = data.scenarios[Number(container.getAttribute('data-scenario'))];
    try {
      if (!s) throw new Error(`no render data for chart group ${container.getAttribute('data-scenario')}`);
      const g = build(container, s);
      groups.push({ container, charts: g });
      g.forEach((c) => state.charts.push({ scenario: s.id, chart: c }));
    } catch (e) {
      state.errors.push(String((e instanceof Error && e.stack) || e));
      container.insertAdjacentHTML('beforeend', `<p class="chart-err">Could not draw the charts: ${String(e).replace(/[<&]/g, ' ')}</p>`);
      throw e;
    }
  });

  let pending = 0;
  window.addEventListener('resize', () => {
    window.clearTimeout(pending);
    pending = window.setTimeout(() => {
      groups.forEach((g) => {
        const w = Math.max(320, g.container.clientWidth);
        g.charts.forEach((c) => c.setSize({ width: w, height: c.height }));
      });
    }, 150);
  });
})();
