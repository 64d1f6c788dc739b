/**
 * `sentinel-chaos check` on the real stored report folders in suites/fixtures/reports (no Docker): what it
 * reads, that re-judging a result written by this runner reproduces its checks and assertions exactly (the
 * judge uses only what is stored), and the exit codes.
 */
import { expect } from 'chai';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStored } from '../../lib/cli/check.ts';
import type { CliContext } from '../../lib/cli/context.ts';
import { main } from '../../lib/cli/main.ts';
import type { Scenario } from '../../lib/scenario/scenario.ts';
import * as cat from '../chaos/catalogue.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/reports');
const PRE = path.join(FIXTURES, 'kill-master-pre-judge');
const POST = path.join(FIXTURES, 'kill-master-cascading-post-judge');

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
    const folder = readStored(POST);
    expect(folder.map((s) => s.result.scenario.id)).to.deep.equal(['kill-master', 'cascading-failover']);
    const one = readStored(path.join(POST, 'history', 'cascading-failover.json.gz'));
    expect(one.map((s) => [s.result.scenario.id, s.result.history.ops.length > 0])).to.deep.equal([['cascading-failover', true]]);
  });

  it('re-judging a result this runner wrote reproduces its checks and assertions exactly', async () => {
    const ctx = context(catalogue);
    expect(await main(['check', '--json', POST], ctx)).to.equal(0);
    const judged = JSON.parse(ctx.stdout.join('\n')) as { scenarios: { checks: unknown; assertions: unknown; verdict: string }[] };
    const stored = readStored(POST).map((s) => s.result);
    expect(judged.scenarios.map((s) => s.verdict)).to.deep.equal(['pass', 'pass']);
    judged.scenarios.forEach((s, i) => {
      expect(s.checks, `checks of ${stored[i]?.scenario.id}`).to.deep.equal(stored[i]?.checks);
      expect(s.assertions).to.deep.equal(stored[i]?.assertions);
    });
  });

  it('a report written before the judge existed passes, with the derived values noted', async () => {
    const ctx = context(catalogue);
    expect(await main(['check', '--json', PRE], ctx)).to.equal(0);
    const s = (JSON.parse(ctx.stdout.join('\n')) as { scenarios: { checks: Record<string, { notes?: string[] }> }[] }).scenarios[0];
    expect(s?.checks['failover-timing']?.notes?.some((n) => n.startsWith('history recorded before invokedAt'))).to.equal(true);
  });

  it('exit 1 when a verdict fails: the stored result judged by a stricter scenario of the same id', async () => {
    const strict = (): Scenario[] => catalogue().map((s) => (s.id === 'kill-master' ? { ...s, expect: (_r, e) => e.that('impossible', () => expect(1).to.equal(0)) } : s));
    const ctx = context(strict);
    expect(await main(['check', PRE], ctx)).to.equal(1);
    expect(ctx.stdout[0]).to.match(/^FAIL kill-master .* failed: impossible \(stored verdict: pass\)$/);
  });

  it('exit 2 with one line naming the fix: missing path, not a result, unknown scenario', async () => {
    for (const [args, cat_, re] of [
      [['check', 'nope'], catalogue, /nope does not exist\. Fix:/],
      [['check', path.join(POST, 'results.json'), path.join(FIXTURES, 'README.md')], catalogue, /README\.md is not valid JSON .*Fix:/],
      [['check', PRE], () => [], /scenario "kill-master" of .* is not in the catalogue\. Fix:/],
    ] as const) {
      const ctx = context(cat_);
      expect(await main([...args], ctx), args.join(' ')).to.equal(2);
      expect(ctx.stderr).to.have.length(1);
      expect(ctx.stderr[0]).to.match(re);
    }
  });
});
