/**
 * The comparison page in a real browser: headless Chromium opens a comparison built from
 * synthesized trial results (suites/fixtures/make-comparison.ts; no containers) from disk and the
 * test checks that it renders — no page or console errors, the regression banner first, one strip
 * plot per metric test with a dot per trial of each side, verdict badges coloured by verdict — then
 * saves screenshot.png next to it.
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
import type { ComparisonReport } from '../../lib/compare/model.ts';
import { writeComparison } from '../../lib/compare/write.ts';
import { makeComparison } from '../fixtures/make-comparison.ts';

const ROOT = path.join(os.tmpdir(), 'sentinel-chaos-compare-browser');

describe('comparison report in headless Chromium', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let page: Page;
  let dir: string;
  let report: ComparisonReport;
  const errors: string[] = [];

  before(async function () {
    const exe = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
    if (!existsSync(exe)) throw new Error(`Chromium not found at ${exe}: run \`apt-get install chromium\` (or set CHROMIUM_PATH)`);
    await fs.rm(ROOT, { recursive: true, force: true });
    report = makeComparison();
    const written = await writeComparison(report, { dir: path.join(ROOT, 'compare-cmp-1'), latest: false, warn: () => {} });
    expect(written.failed, 'renderer failures').to.deep.equal([]);
    dir = written.dir;
    browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(path.join(dir, 'index.html')).href, { waitUntil: 'load' });
  });

  after(async function () {
    await browser?.close();
  });

  it('loads without page or console errors, the verdict banner first', async function () {
    await page.waitForTimeout(200);
    expect(errors).to.deep.equal([]);
    expect((await page.locator('.banner .big').innerText()).trim()).to.match(/^REGRESSION in 1 of 2/);
  });

  it('draws one strip plot per test, every trial of both sides a visible dot', async function () {
    const tests = report.scenarios.flatMap((s) => s.tests);
    const plots = page.locator('svg.strip');
    expect(await plots.count()).to.equal(tests.length);
    const row = page.locator('tr[data-metric="clientRecoveryMs"][data-verdict="regression"]');
    expect(await row.count()).to.equal(1);
    const dots = row.locator('svg.strip circle');
    expect(await dots.count()).to.equal(10);
    // Rendered, not just present: each dot has a box inside its plot, and the candidate's (slower) sit right of the baseline's.
    const boxes = await dots.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, w: r.width, y: r.y })));
    for (const b of boxes) expect(b.w).to.be.greaterThan(4);
    const baseline = boxes.slice(0, 5);
    const candidate = boxes.slice(5);
    expect(Math.max(...baseline.map((b) => b.x))).to.be.lessThan(Math.min(...candidate.map((b) => b.x)));
    expect(Math.min(...candidate.map((b) => b.y))).to.be.greaterThan(Math.max(...baseline.map((b) => b.y)));
  });

  it('colours regression rows and badges red, unchanged ones grey', async function () {
    const bg = await page.locator('tr.t-regression').first().evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(bg).to.equal('rgb(255, 235, 233)');
    const badges = await page.locator('tr[data-verdict="no-change"] .badge').first().innerText();
    expect(badges.trim()).to.equal('~');
  });

  it('saves a screenshot next to the comparison', async function () {
    const file = path.join(dir, 'screenshot.png');
    await page.locator('#cmp-kill-master').screenshot({ path: file });
    await page.screenshot({ path: path.join(dir, 'full.png'), fullPage: true });
    expect((await fs.stat(file)).size).to.be.greaterThan(10_000);
    console.log(`      screenshot: ${file}`);
  });
});
