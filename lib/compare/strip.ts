/**
 * A strip plot of one metric's trials as inline SVG (no scripts): one row per side, a dot per trial,
 * a tick at each median, and on the candidate row the 95 % CI of the median difference drawn around
 * the baseline median (where the candidate median would fall), with the effect threshold dashed.
 * Readers see at a glance whether "slower" is every trial or one outlier.
 */
import type { MetricTest } from './trials.ts';

const W = 240;
const H = 40;
const PAD = 8;
const ROWS = [13, 29] as const;

export const STRIP_COLORS = { baseline: '#0969da', candidate: '#bf8700', ci: '#8c959f', threshold: '#cf222e' } as const;

function fmt(v: number, unit: MetricTest['unit']): string {
  if (unit === 'ms') return `${Math.round(v)} ms`;
  if (unit === 'rate') return `${(v * 100).toFixed(2)}%`;
  return v >= 1 ? 'pass' : 'not pass';
}

export function stripPlot(x: Pick<MetricTest, 'baseline' | 'candidate' | 'baselineMedian' | 'candidateMedian' | 'ci' | 'threshold' | 'unit' | 'label'>): string {
  const all = [...x.baseline, ...x.candidate];
  if (all.length === 0) return '<span class="dim">no trials</span>';
  const extra: number[] = [];
  const bm = x.baselineMedian;
  if (bm !== null && x.ci) extra.push(bm + x.ci[0], bm + x.ci[1]);
  if (bm !== null && x.threshold !== null && x.unit === 'ms') extra.push(bm + x.threshold);
  let lo = Math.min(...all, ...extra);
  let hi = Math.max(...all, ...extra);
  if (x.unit === 'pass') [lo, hi] = [0, 1];
  // All trials equal: a small window around the value (1 ms, or 0.5 percentage points of loss rate), never below 0.
  const pad = x.unit === 'rate' ? 0.005 : 1;
  if (hi === lo) [lo, hi] = [Math.max(0, lo - pad), hi + pad];
  const sx = (v: number): number => PAD + ((v - lo) / (hi - lo)) * (W - 2 * PAD);
  const dot = (v: number, y: number, color: string, i: number): string =>
    `<circle cx="${sx(v).toFixed(1)}" cy="${y + ((i % 3) - 1) * 2}" r="3.5" fill="${color}" fill-opacity=".55" stroke="${color}"><title>${fmt(v, x.unit)}</title></circle>`;
  const tick = (v: number | null, y: number, color: string): string => (v === null ? '' : `<rect x="${(sx(v) - 1).toFixed(1)}" y="${y - 8}" width="2" height="16" fill="${color}"/>`);
  const parts: string[] = [
    `<line x1="${PAD}" x2="${W - PAD}" y1="${ROWS[0]}" y2="${ROWS[0]}" stroke="#eaeef2"/>`,
    `<line x1="${PAD}" x2="${W - PAD}" y1="${ROWS[1]}" y2="${ROWS[1]}" stroke="#eaeef2"/>`,
  ];
  if (bm !== null && x.ci) {
    const a = sx(bm + x.ci[0]);
    const b = sx(bm + x.ci[1]);
    parts.push(`<rect x="${a.toFixed(1)}" y="${ROWS[1] - 6}" width="${Math.max(1, b - a).toFixed(1)}" height="12" fill="${STRIP_COLORS.ci}" fill-opacity=".3"><title>95% CI of the median difference, placed at the baseline median</title></rect>`);
  }
  if (bm !== null && x.threshold !== null && x.unit === 'ms') {
    const t = sx(bm + x.threshold).toFixed(1);
    parts.push(`<line x1="${t}" x2="${t}" y1="2" y2="${H - 2}" stroke="${STRIP_COLORS.threshold}" stroke-dasharray="3 2"><title>threshold: baseline median + ${Math.round(x.threshold)} ms</title></line>`);
  }
  parts.push(...x.baseline.map((v, i) => dot(v, ROWS[0], STRIP_COLORS.baseline, i)), tick(bm, ROWS[0], STRIP_COLORS.baseline));
  parts.push(...x.candidate.map((v, i) => dot(v, ROWS[1], STRIP_COLORS.candidate, i)), tick(x.candidateMedian, ROWS[1], STRIP_COLORS.candidate));
  const label = `${x.label}: baseline ${x.baseline.map((v) => fmt(v, x.unit)).join(', ')}; candidate ${x.candidate.map((v) => fmt(v, x.unit)).join(', ')}`;
  return `<svg class="strip" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${label.replace(/[&<>"]/g, '')}">${parts.join('')}<text x="${PAD}" y="${H - 1}" font-size="9" fill="#57606a">${fmt(lo, x.unit)}</text><text x="${W - PAD}" y="${H - 1}" font-size="9" fill="#57606a" text-anchor="end">${fmt(hi, x.unit)}</text></svg>`;
}
