/**
 * The page script (lib/report/browser/timeline.ts) reaches the page as plain JavaScript: its types
 * stripped, nothing left that a classic <script> cannot run, and no warning on the stderr of the run that
 * renders it. (report-browser.spec.ts runs it in Chromium.)
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadClientScript, renderHtml } from '../../lib/report/html.ts';
import { makeScenarioResult } from '../fixtures/make-result.ts';

describe('HTML report page script', () => {
  it('is the browser source with its types stripped: a classic script, no import or export left', () => {
    const js = loadClientScript();
    // A Function body is parsed as a classic script: an import, export or type annotation left over throws.
    expect(() => new Function(js)).to.not.throw();
    expect(js).to.match(/\(window\s*\)\.__sentinelChaos = state;/);
    expect(js).to.not.match(/^\s*import\b/m);
    expect(js).to.not.contain(' as RunView');
  });

  it('is inlined into the page', () => {
    const html = renderHtml({
      schemaVersion: 1,
      runId: 'r',
      startedAt: '2026-11-25T11:45:00.000Z',
      finishedAt: '2026-11-25T11:46:00.000Z',
      seed: 1,
      machine: { hostname: 'h', cpus: 2, memGiB: 4, node: 'v24', platform: 'linux x64' },
      config: {},
      scenarios: [makeScenarioResult()],
    });
    expect(html).to.contain(`<script>${loadClientScript()}</script>`);
  });

  it('renders without writing anything to stderr (no experimental-feature warning)', () => {
    const html = fileURLToPath(new URL('../../lib/report/html.ts', import.meta.url));
    const code = `const m = await import(${JSON.stringify(html)}); process.stdout.write(String(m.loadClientScript().length));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    expect(Number(r.stdout)).to.be.greaterThan(1000);
    expect(r.stderr).to.equal('');
  });
});
