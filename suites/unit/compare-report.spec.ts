/** The comparison renderers (HTML, Markdown, JUnit, the folder) over synthesized repeated trials. */
import { expect } from 'chai';
import { lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderComparisonHtml } from '../../lib/compare/html.ts';
import { renderComparisonJunit } from '../../lib/compare/junit.ts';
import { passCountIcon, renderComparisonMarkdown } from '../../lib/compare/markdown.ts';
import type { ComparisonReport } from '../../lib/compare/model.ts';
import { stripPlot } from '../../lib/compare/strip.ts';
import { writeComparison } from '../../lib/compare/write.ts';
import { makeComparison } from '../fixtures/make-comparison.ts';

describe('comparison report: renderers', () => {
  const r = makeComparison();

  it('the verdict is a regression on slower recovery and the pass rate, the unchanged scenario ok', () => {
    expect(r.verdict).to.equal('regression');
    expect(r.scenarios.map((s) => s.verdict)).to.deep.equal(['regression', 'ok']);
    expect(r.scenarios[0]?.findings.filter((f) => f.regression).map((f) => f.metric)).to.deep.equal(['passRate', 'unavailableMs', 'clientRecoveryMs']);
  });

  it('the pass count carries its own mark: ✅ only when every trial passed', () => {
    expect([passCountIcon(5, 5), passCountIcon(3, 5), passCountIcon(0, 5), passCountIcon(0, 0)]).to.deep.equal(['✅', '⚠️', '❌', '❌']);
  });

  it('HTML: self-contained, escaped, verdict first, one strip plot per test with every trial', () => {
    const html = renderComparisonHtml(r);
    expect(html).to.match(/^<!doctype html>/);
    expect(html).not.to.match(/<script|<link|https?:\/\/(?!www\.w3)/i);
    expect(html).to.include('kill -9 &lt;the&gt; master');
    expect(html).not.to.include('kill -9 <the> master');
    expect(html.indexOf('REGRESSION')).to.be.lessThan(html.indexOf('Variants'));
    const tests = r.scenarios.flatMap((s) => s.tests).length;
    expect(html.match(/<svg class="strip"/g)?.length).to.equal(tests);
    expect(html).to.match(/<tr class="t-regression" data-metric="clientRecoveryMs" data-verdict="regression">/);
    // Every trial of both sides is a dot: 5 + 5 per test.
    const row = html.slice(html.indexOf('data-metric="clientRecoveryMs"'), html.indexOf('</tr>', html.indexOf('data-metric="clientRecoveryMs"')));
    expect(row.match(/<circle/g)?.length).to.equal(10);
    expect(html).to.include('3/5 passed');
  });

  it('a strip plot places the dots on one axis for both sides and draws the CI and the threshold', () => {
    const svg = stripPlot({ label: 'x', unit: 'ms', baseline: [100, 200], candidate: [300], baselineMedian: 150, candidateMedian: 300, ci: [100, 200], threshold: 500 });
    const xs = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(xs).to.have.length(3);
    expect(xs[0]).to.be.below(xs[1] as number);
    expect(xs[1]).to.be.below(xs[2] as number);
    expect(svg).to.include('stroke-dasharray');
    expect(svg).to.include('95% CI');
  });

  it('Markdown: a verdict header and a test table with medians, CI, p and verdicts', () => {
    const md = renderComparisonMarkdown(r);
    expect(md.split('\n')[0]).to.equal('## ❌ sentinel-chaos comparison `cmp-1`: REGRESSION');
    expect(md).to.include('| Metric | Baseline median | Candidate median | Δ median [95% CI] | p | Verdict |');
    expect(md).to.match(/\| Client recovery \| [^|]+\(n=5\) \| [^|]+\(n=5\) \| \+1\d{3} ms \[[^\]]+\] \| 0\.008 \| \*\*❌ regression\*\* \|/);
    expect(md).to.include('Trials passed: baseline 5/5 ✅');
    // 3 of 5 candidate trials passed: not a tick.
    expect(md).to.match(/Trials passed: baseline 5\/5 ✅ · `[^`]+` 3\/5 ⚠️/);
    expect(md).to.include('kill -9 &lt;the&gt; master');
  });

  it('Markdown stays under the size limit, dropping whole sections and saying so', () => {
    const big = { ...r, scenarios: Array.from({ length: 200 }, (_, i) => ({ ...r.scenarios[0]!, id: `s-${i}` })) };
    const md = renderComparisonMarkdown(big, { maxBytes: 20_000 });
    expect(Buffer.byteLength(md)).to.be.at.most(20_000);
    expect(md).to.match(/\*\*Truncated\*\* to stay under 20000 bytes: \d+ scenario section\(s\) not shown/);
  });

  it('JUnit: a testcase per test; regressions fail, the counts match', () => {
    const xml = renderComparisonJunit(r);
    const tests = r.scenarios.flatMap((s) => s.tests);
    expect(xml.match(/<testcase /g)?.length).to.equal(tests.length);
    expect(xml.match(/<failure /g)?.length).to.equal(tests.filter((x) => x.verdict === 'regression').length).and.equal(3);
    expect(xml).to.include(`failures="3"`);
    expect(xml).to.include('classname="kill-master" name="Client recovery (regression)"><failure type="regression"');
  });

  it('writes index.html, comparison.json, summary.md, junit.xml and latest-compare', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sc-cmp-'));
    try {
      const out = await writeComparison(r, { dir: path.join(root, 'compare-cmp-1'), warn: () => {} });
      expect(out.failed).to.deep.equal([]);
      const json = JSON.parse(readFileSync(path.join(out.dir, 'comparison.json'), 'utf8')) as ComparisonReport;
      expect(json.verdict).to.equal('regression');
      expect(json.schemaVersion).to.equal(2);
      expect(json.scenarios[0]?.trials.map((t) => t.length)).to.deep.equal([5, 5]);
      expect(readFileSync(path.join(out.dir, 'summary.md'), 'utf8')).to.include('REGRESSION');
      expect(readFileSync(path.join(out.dir, 'junit.xml'), 'utf8')).to.include('<failure');
      expect(lstatSync(path.join(root, 'latest-compare')).isSymbolicLink()).to.equal(true);
      expect(readFileSync(path.join(root, 'latest-compare', 'index.html'), 'utf8')).to.include('cmp-1');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
