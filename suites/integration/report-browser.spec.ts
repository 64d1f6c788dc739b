/**
 * The HTML report in a real browser: headless Chromium opens index.html from disk (file://, no
 * server, no network) and the test checks that it renders — no page or console errors, one
 * summary row per scenario, every chart canvas drew, fault windows shaded — then saves
 * screenshot.png next to the report.
 *
 * Needs Chromium: /usr/bin/chromium (apt-get install chromium) or CHROMIUM_PATH.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { failoverTiming, reattach, splitBrain, writeLoss } from '../../lib/checks/index.ts';
import { Kill } from '../../lib/faults/kill.ts';
import type { ScenarioResult } from '../../lib/model.ts';
import type { RunReport } from '../../lib/report/run-report.ts';
import { writeRunReport } from '../../lib/report/write-report.ts';
import { makeScenarioResult } from '../fixtures/make-result.ts';

/** A stable place, so the last screenshot is easy to find: <tmp>/sentinel-chaos-report-browser/<runId>/screenshot.png */
const ROOT = path.join(os.tmpdir(), 'sentinel-chaos-report-browser');
const RUN_ID = 'browser-test-run';

interface ChartInfo {
  scenario: string;
  title: string;
  width: number;
  height: number;
  /** Pixels with any opacity. */
  painted: number;
  /** Distinct colours among painted pixels (blank or single-colour canvases have few). */
  colours: number;
  /** For the fault window's middle column: share of samples tinted with the fault colour. */
  faultTint: number | null;
}

/**
 * What the runner adds to the fixture's records today: the fault's own colour and each checker's key figures.
 * The error scenario is left as a report written before either existed (neutral window, no key-figure cards).
 */
function asRecordedNow(s: ScenarioResult): ScenarioResult {
  const colour = new Kill().colour;
  s.history.faults = s.history.faults.map((f) => ({ ...f, colour }));
  for (const c of [failoverTiming, reattach, writeLoss, splitBrain]) {
    const r = s.checks[c.name];
    if (r) r.keyFigures = [...(c.keyFigures ?? [])];
  }
  return s;
}

function run(): RunReport {
  const t0 = Date.UTC(2026, 10, 25, 11, 45, 0, 0);
  const scenarios = [
    asRecordedNow(makeScenarioResult({ verdict: 'pass', runId: RUN_ID, t0 })),
    asRecordedNow(makeScenarioResult({ verdict: 'fail', runId: RUN_ID, t0: t0 + 40_000, seed: 7 })),
    makeScenarioResult({ verdict: 'error', runId: RUN_ID, t0: t0 + 80_000, seed: 9 }),
  ];
  return {
    schemaVersion: 1,
    runId: RUN_ID,
    startedAt: new Date(t0 - 2000).toISOString(),
    finishedAt: new Date(t0 + 120_000).toISOString(),
    seed: 42,
    machine: { hostname: 'ci-runner', cpus: 2, memGiB: 24, node: 'v24.21.0', platform: 'linux x64' },
    config: { redisImage: 'sentinel-chaos/redis:7.0.15-debian', downAfterMs: 1000, note: '</script><b>escaped?</b>' },
    scenarios,
  };
}

describe('HTML report in headless Chromium', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let page: Page;
  let dir: string;
  let report: RunReport;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  before(async function () {
    const exe = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
    if (!existsSync(exe)) throw new Error(`Chromium not found at ${exe}: run \`apt-get install chromium\` (or set CHROMIUM_PATH)`);
    await fs.rm(ROOT, { recursive: true, force: true });
    report = run();
    const written = await writeRunReport(report, { dir: path.join(ROOT, RUN_ID), latest: false });
    expect(written.failed, 'renderer failures').to.deep.equal([]);
    dir = written.dir;
    browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(pathToFileURL(path.join(dir, 'index.html')).href, { waitUntil: 'load' });
  });

  after(async function () {
    await browser?.close();
  });

  it('loads without page errors or console errors', async function () {
    // Give any deferred error (resize, timers) a chance to surface.
    await page.waitForTimeout(200);
    expect(pageErrors, 'page errors').to.deep.equal([]);
    expect(consoleErrors, 'console errors').to.deep.equal([]);
  });

  it('has one summary row per scenario, verdicts first', async function () {
    const rows = page.locator('table.summary tbody tr');
    expect(await rows.count()).to.equal(report.scenarios.length);
    const verdicts = await rows.locator('td:first-child').allInnerTexts();
    expect(verdicts.map((v) => v.trim())).to.deep.equal(['PASS', 'FAIL', 'ERROR']);
  });

  it('jumps to a scenario when its summary row is clicked', async function () {
    await page.locator('table.summary tbody tr').nth(1).locator('td').nth(2).click();
    expect(await page.evaluate(() => location.hash)).to.equal('#s-kill-master-fail');
    await page.evaluate(() => {
      location.hash = '';
      window.scrollTo(0, 0);
    });
  });

  it('shows the error scenario with its error message and partial history', async function () {
    const section = page.locator('section#s-kill-master-error');
    expect(await section.locator('.error-box').innerText()).to.contain('exited (code 137)');
    expect(await section.locator('.charts .uplot').count()).to.equal(4);
    expect(await section.innerText()).to.contain('never healed');
  });

  it("shows each check's key figures, and shades faults in their own colour (neutral for an old record)", async function () {
    const pass = page.locator('section#s-kill-master-pass');
    const labels = (await pass.locator('.kf-label').allInnerTexts()).map((t) => t.trim());
    expect(labels).to.include.members(['sdownQuorum', 'elected', 'promoted', 'lost', 'reattached']);
    expect(await page.locator('section#s-kill-master-error .kf-label').count()).to.equal(0);
    const colours = await page.evaluate(() => {
      const data = JSON.parse(document.getElementById('report-data')?.textContent ?? '{}') as { scenarios: { faults: { color: string }[] }[] };
      return data.scenarios.map((s) => s.faults[0]?.color);
    });
    expect(colours).to.deep.equal([new Kill().colour, new Kill().colour, '#7f7f7f']);
  });

  it('does not let embedded text break out of the page', async function () {
    expect(await page.locator('b', { hasText: 'escaped?' }).count()).to.equal(0);
    expect(await page.locator('details pre').first().textContent()).to.contain('</script><b>escaped?</b>');
  });

  it('draws every chart (non-blank canvases) with fault windows shaded', async function () {
    const charts = await page.evaluate((): ChartInfo[] => {
      interface U {
        ctx: CanvasRenderingContext2D;
        bbox: { left: number; top: number; width: number; height: number };
        root: HTMLElement;
        valToPos: (v: number, scale: string, canvasPixels?: boolean) => number;
      }
      interface Fault {
        startMs: number;
        endMs: number | null;
        color: string;
      }
      const w = window as unknown as { __sentinelChaos: { charts: { scenario: string; chart: U }[] } };
      const data = JSON.parse(document.getElementById('report-data')?.textContent ?? '{}') as {
        scenarios: { id: string; faults: Fault[]; timeline: { endMs: number } | null }[];
      };
      return w.__sentinelChaos.charts.map(({ scenario, chart }) => {
        const canvas = chart.ctx.canvas;
        const img = chart.ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        const colours = new Set<number>();
        for (let i = 0; i < img.length; i += 4) {
          if ((img[i + 3] ?? 0) > 0) {
            painted++;
            if (colours.size < 1000) colours.add(((img[i] ?? 0) << 16) | ((img[i + 1] ?? 0) << 8) | (img[i + 2] ?? 0));
          }
        }
        let faultTint: number | null = null;
        const s = data.scenarios.find((x) => x.id === scenario);
        const f = s?.faults[0];
        if (s && f && s.timeline) {
          const end = f.endMs ?? s.timeline.endMs;
          // The middle of the window, a little right of its start so the edge line is not sampled.
          const x = Math.round(chart.valToPos((f.startMs + Math.min(end - f.startMs, 1500) / 2) / 1000, 'x', true));
          const hex = f.color.replace('#', '');
          const [fr, fg, fb] = [0, 2, 4].map((o) => parseInt(hex.slice(o, o + 2), 16));
          let tinted = 0;
          let samples = 0;
          const b = chart.bbox;
          for (let y = Math.round(b.top + 2); y < b.top + b.height - 2; y += 3) {
            samples++;
            const [r, g, bl, a] = chart.ctx.getImageData(x, y, 1, 1).data;
            // Shading is the fault colour at low alpha on a transparent canvas.
            if ((a ?? 0) > 0 && Math.abs((r ?? 0) - (fr ?? 0)) < 40 && Math.abs((g ?? 0) - (fg ?? 0)) < 40 && Math.abs((bl ?? 0) - (fb ?? 0)) < 40)
              tinted++;
          }
          faultTint = samples ? tinted / samples : 0;
        }
        const title = chart.root.querySelector('.u-title')?.textContent ?? '';
        return { scenario, title, width: canvas.width, height: canvas.height, painted, colours: colours.size, faultTint };
      });
    });
    // 4 charts (throughput, latency, failed/unknown, roles) for each of the 3 scenarios.
    expect(charts).to.have.length(12);
    for (const c of charts) {
      const what = `${c.scenario} / ${c.title}`;
      expect(c.width * c.height, what).to.be.greaterThan(0);
      expect(c.painted / (c.width * c.height), `${what}: painted share`).to.be.greaterThan(0.02);
      expect(c.colours, `${what}: distinct colours`).to.be.greaterThan(8);
      if (!c.title.startsWith('Role')) expect(c.faultTint ?? 0, `${what}: fault window shaded`).to.be.greaterThan(0.5);
    }
  });

  it('saves a screenshot next to the report', async function () {
    const file = path.join(dir, 'screenshot.png');
    await page.screenshot({ path: file, fullPage: true });
    const stat = await fs.stat(file);
    expect(stat.size).to.be.greaterThan(10_000);
    console.log(`      screenshot: ${file}`);
  });
});
