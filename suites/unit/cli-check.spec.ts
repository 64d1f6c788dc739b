/**
 * `sentinel-chaos check` on the real stored report folders in suites/fixtures/reports (no Docker): what it
 * reads, that re-judging a result written by this runner reproduces its checks and assertions exactly (the
 * judge uses only what is stored), that an old result is still read but never credited with what it did not
 * record, and the exit codes.
 */
import { expect } from 'chai';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStored } from '../../lib/cli/check.ts';
import type { CliContext } from '../../lib/cli/context.ts';
import { main } from '../../lib/cli/main.ts';
import type { Scenario } from '../../lib/scenario/scenario.ts';
import { selectScenarios } from '../../lib/scenario/suite.ts';
import * as cat from '../chaos/catalogue.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/reports');
/** kill-master recorded before the judge, and before writes carried their serving node (Op.node). */
const PRE = path.join(FIXTURES, 'kill-master-pre-judge');
/** The whole catalogue, one passing run (scripts/record-fixtures.ts). */
const CAT = path.join(FIXTURES, 'catalogue');

function context(catalogue: () => Scenario[]): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env: {}, cwd: FIXTURES, catalogue: async () => catalogue() };
}

/** The real catalogue, fresh scenarios per call when it is a factory (older: the array). */
function catalogue(): Scenario[] {
  const c = (cat as { catalogue: Scenario[] | (() => Scenario[]) }).catalogue;
  return typeof c === 'function' ? c() : c;
}

describe('sentinel-chaos check', () => {
  it('reads a report folder, a history next to its results.json, and gzipped histories', () => {
    const folder = readStored(CAT);
    // The default catalogue (the `extended` scenarios are not recorded), in catalogue order.
    expect(folder.map((s) => s.result.scenario.id)).to.deep.equal(selectScenarios(catalogue(), []).map((s) => s.id));
    const one = readStored(path.join(CAT, 'history', 'cascading-failover.json.gz'));
    expect(one.map((s) => [s.result.scenario.id, s.result.history.ops.length > 0])).to.deep.equal([['cascading-failover', true]]);
  });

  it('re-judging a result this runner wrote reproduces its checks and assertions exactly', async () => {
    const ctx = context(catalogue);
    const stored = readStored(CAT).map((s) => s.result);
    // Exit 0 only when every stored result passes (the catalogue fixture keeps one scenario that fails on this code).
    expect(await main(['check', '--json', CAT], ctx)).to.equal(stored.every((r) => r.verdict === 'pass') ? 0 : 1);
    const judged = JSON.parse(ctx.stdout.join('\n')) as { scenarios: { checks: unknown; assertions: unknown; verdict: string }[] };
    expect(stored.filter((r) => r.verdict === 'pass')).to.have.length.at.least(stored.length - 1);
    expect(judged.scenarios.map((s) => s.verdict)).to.deep.equal(stored.map((r) => r.verdict));
    judged.scenarios.forEach((s, i) => {
      expect(s.checks, `checks of ${stored[i]?.scenario.id}`).to.deep.equal(stored[i]?.checks);
      expect(s.assertions).to.deep.equal(stored[i]?.assertions);
    });
  });

  // Its writes carry no serving node, so nobody can tell whether a deposed master acknowledged them: split-brain is
  // unknown (never valid), and only the assertions that need it fail; everything else it recorded still passes.
  it('a report written before the judge and Op.node is judged: derived values noted, split-brain unknown, exit 1', async () => {
    const ctx = context(catalogue);
    expect(await main(['check', '--json', PRE], ctx)).to.equal(1);
    type Judged = { verdict: string; checks: Record<string, { valid: unknown; notes?: string[] }>; assertions: { name: string; ok: boolean }[] };
    const s = (JSON.parse(ctx.stdout.join('\n')) as { scenarios: Judged[] }).scenarios[0];
    expect(s?.checks['failover-timing']?.notes?.some((n) => n.startsWith('history recorded before invokedAt'))).to.equal(true);
    expect(s?.checks['split-brain']?.valid).to.equal('unknown');
    expect(s?.checks['split-brain']?.notes?.some((n) => /carry no serving node/.test(n))).to.equal(true);
    expect(s?.verdict).to.equal('fail');
    expect(s?.assertions.filter((a) => !a.ok).map((a) => a.name)).to.deep.equal([
      'no write acknowledged by a deposed master',
      'check split-brain is valid',
    ]);
  });

  it('exit 1 when a verdict fails: the stored result judged by a stricter scenario of the same id', async () => {
    const strict = (): Scenario[] => catalogue().map((s) => (s.id === 'kill-master' ? { ...s, expect: (_r, e) => e.that('impossible', () => expect(1).to.equal(0)) } : s));
    const ctx = context(strict);
    expect(await main(['check', path.join(CAT, 'history', 'kill-master.json.gz')], ctx)).to.equal(1);
    expect(ctx.stdout[0]).to.match(/^FAIL kill-master .* failed: impossible \(stored verdict: pass\)$/);
  });

  it('exit 2 with one line naming the fix: missing path, not a result, unknown scenario', async () => {
    for (const [args, cat_, re] of [
      [['check', 'nope'], catalogue, /nope does not exist\. Fix:/],
      [['check', path.join(CAT, 'results.json'), path.join(FIXTURES, 'README.md')], catalogue, /README\.md is not valid JSON .*Fix:/],
      [['check', PRE], () => [], /scenario "kill-master" of .* is not in the catalogue\. Fix:/],
    ] as const) {
      const ctx = context(cat_);
      expect(await main([...args], ctx), args.join(' ')).to.equal(2);
      expect(ctx.stderr).to.have.length(1);
      expect(ctx.stderr[0]).to.match(re);
    }
  });
});
