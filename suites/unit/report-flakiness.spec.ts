/**
 * Flakiness of repeated trials in the run report (lib/report/flakiness.ts) and `--repeat` parsing:
 * pass rates with Wilson intervals in results.json, summary.md and index.html, only when some
 * scenario ran more than once.
 */
import { expect } from 'chai';
import { main } from '../../lib/cli/main.ts';
import type { CliContext } from '../../lib/cli/context.ts';
import { EXIT } from '../../lib/cli/spec.ts';
import { flakiness, flakinessHtml, flakinessMarkdown } from '../../lib/report/flakiness.ts';
import { renderHtml } from '../../lib/report/html.ts';
import { toResultsJson } from '../../lib/report/json.ts';
import { renderMarkdown } from '../../lib/report/markdown.ts';
import type { RunReport } from '../../lib/report/run-report.ts';
import { makeScenarioResult } from '../fixtures/make-result.ts';

function run(verdicts: ('pass' | 'fail' | 'error')[][]): RunReport {
  const scenarios = verdicts.flatMap((vs, k) => vs.map((verdict, i) => makeScenarioResult({ id: `s${k}`, title: `scenario ${k}`, verdict, seed: i + 1 })));
  return { schemaVersion: 1, runId: 'r', startedAt: 'a', finishedAt: 'b', seed: 1, machine: { hostname: 'h', cpus: 2, memGiB: 1, node: 'v24', platform: 'linux' }, config: {}, scenarios };
}

describe('run report: flakiness of repeated trials', () => {
  it('counts passes per scenario id with a 95% Wilson interval and marks mixed outcomes flaky', () => {
    const rows = flakiness(run([['pass', 'pass', 'pass', 'pass', 'pass'], ['pass', 'fail', 'pass', 'error', 'pass']]).scenarios);
    expect(rows.map((r) => [r.id, r.passed, r.failed, r.errored, r.trials, r.flaky])).to.deep.equal([
      ['s0', 5, 0, 0, 5, false],
      ['s1', 3, 1, 1, 5, true],
    ]);
    expect(rows[0]?.lo).to.be.closeTo(0.5655, 1e-4);
    expect(rows[1]?.lo).to.be.closeTo(0.2307, 1e-4);
    expect(rows[1]?.hi).to.be.closeTo(0.8824, 1e-4);
  });

  it('results.json, summary.md and index.html carry it when a scenario ran more than once', () => {
    const r = run([['pass', 'fail', 'pass']]);
    expect(toResultsJson(r).flakiness?.[0]).to.include({ id: 's0', passed: 2, trials: 3, flaky: true });
    expect(renderMarkdown(r)).to.match(/\| `s0` \| 2\/3 \| 1 \/ 0 \| 67% \| \d+%–\d+% \| ⚠️ flaky \|/);
    const html = renderHtml(r);
    expect(html).to.include('<section id="flakiness">');
    expect(html).to.match(/aria-label="pass rate 67%, 95% interval \d+% to \d+%"/);
  });

  it('single runs keep their reports unchanged (no table)', () => {
    const r = run([['pass'], ['fail']]);
    expect(flakinessMarkdown(flakiness(r.scenarios))).to.equal('');
    expect(flakinessHtml(flakiness(r.scenarios))).to.equal('');
    expect(renderHtml(r)).not.to.include('id="flakiness"');
  });
});

describe('CLI: --repeat', () => {
  const ctx = (): CliContext & { errLines: string[] } => {
    const errLines: string[] = [];
    return { out: () => {}, err: (l) => errLines.push(l), env: {}, cwd: '/tmp', catalogue: async () => [], errLines };
  };
  for (const bad of ['0', '101', '2.5', 'x', '-1']) {
    it(`rejects --repeat ${bad} with one line, exit 2, before anything starts`, async () => {
      const c = ctx();
      expect(await main(['run', `--repeat=${bad}`], c)).to.equal(EXIT.usage);
      expect(c.errLines).to.have.length(1);
      expect(c.errLines[0]).to.match(/--repeat: need a whole number of trials from 1 to 100\. Fix: e\.g\. --repeat 5/);
    });
  }
  it('compare --from takes no --repeat; --calibrate takes no --image', async () => {
    const c = ctx();
    expect(await main(['compare', '--from', 'a', '--from', 'b', '--repeat', '3'], c)).to.equal(EXIT.usage);
    expect(c.errLines[0]).to.match(/--from only reads reports.*Fix: drop --repeat/);
    const d = ctx();
    expect(await main(['compare', '--calibrate', 'redis:7', '--image', 'redis:7'], d)).to.equal(EXIT.usage);
    expect(d.errLines[0]).to.match(/--calibrate IMAGE runs IMAGE against itself.*Fix: drop them/);
  });
});
