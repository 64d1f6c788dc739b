/**
 * `--scenarios-from MODULE`: the user's module is loaded (array, factory or default export), checked up
 * front with one-line errors, its factory called afresh per request, and merged with the catalogue only
 * with `--with-catalogue`.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../lib/config.ts';
import type { Parsed } from '../../lib/cli/args.ts';
import type { CliContext } from '../../lib/cli/context.ts';
import { checkScenarios, loadScenariosFrom, scenarioProblem, withScenariosFrom } from '../../lib/cli/scenarios-from.ts';
import type { Scenario } from '../../lib/scenario/scenario.ts';

const SCENARIO = `{ id: 'ID', title: 't', tags: ['mine'], description: 'd', expectation: 'e', schedule: [], durationMs: 1000, failover: { expected: false }, expect: () => {} }`;
const one = (id: string): string => SCENARIO.replace('ID', id);

let dir = '';
let n = 0;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sc-from-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh module file (import() caches by URL, so every case gets its own name). */
function mod(text: string, ext = 'mjs'): string {
  const p = path.join(dir, `m${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    const m = (e as Error).message;
    expect(m.split('\n'), m).to.have.length(1);
    return m;
  }
  throw new Error('expected a ConfigError');
}

const catalogue = [{ id: 'kill-master' }] as unknown as Scenario[];
const ctx = (): CliContext => ({ out: () => {}, err: () => {}, env: {}, cwd: dir, catalogue: async () => catalogue });
const parsed = (values: Record<string, unknown>): Parsed => ({ values, positionals: [] }) as unknown as Parsed;

describe('--scenarios-from', () => {
  it('loads `scenarios` as an array, a factory (called afresh each time) or a default export; .ts too', async () => {
    expect((await (await loadScenariosFrom(mod(`export const scenarios = [${one('a')}];`), dir))()).map((s) => s.id)).to.deep.equal(['a']);
    const get = await loadScenariosFrom(mod(`export const scenarios = () => [${one('b')}];`), dir);
    const [x, y] = [await get(), await get()];
    expect(x[0]?.id).to.equal('b');
    expect(x[0], 'a factory gives new objects per call').to.not.equal(y[0]);
    expect((await (await loadScenariosFrom(mod(`export default async () => (${one('c')});`), dir))()).map((s) => s.id)).to.deep.equal(['c']);
    const ts = mod(`import type { Scenario } from '${path.resolve('lib/scenario/scenario.ts')}';\nconst s: Scenario = ${one('d')};\nexport const scenarios: Scenario[] = [s];`, 'ts');
    expect((await (await loadScenariosFrom(ts, dir))()).map((s) => s.id)).to.deep.equal(['d']);
  });

  it('resolves a relative path against the working directory', async () => {
    const p = mod(`export const scenarios = [${one('rel')}];`);
    expect((await (await loadScenariosFrom(path.basename(p), dir))())[0]?.id).to.equal('rel');
  });

  it('every problem is one line naming the module and the fix', async () => {
    expect(await refusal(loadScenariosFrom('nope.mjs', dir))).to.match(/cannot find --scenarios-from nope\.mjs/);
    expect(await refusal(loadScenariosFrom(mod('export const scenarios = [{ id: '), dir))).to.match(/cannot load --scenarios-from .*m\d+\.mjs: /);
    expect(await refusal(loadScenariosFrom(mod('export const other = 1;'), dir))).to.match(/exports neither "scenarios" nor a default/);
    expect(await refusal(loadScenariosFrom(mod('export const scenarios = [];'), dir))).to.match(/exports no scenarios/);
    expect(await refusal(loadScenariosFrom(mod(`export const scenarios = [${one('x').replace("expect: () => {}", 'expect: 1')}];`), dir))).to.match(/scenario x from .* has no expect \(function\)/);
    expect(await refusal(loadScenariosFrom(mod(`export const scenarios = [${one('x')}, ${one('x')}];`), dir))).to.match(/scenario id x appears twice/);
  });

  it('names the first missing field of a would-be scenario', () => {
    expect(scenarioProblem(null)).to.equal('is not an object');
    expect(scenarioProblem({ id: 'a' })).to.equal('has no title (string)');
    expect(scenarioProblem(checkScenarios([{ ...catalogue[0], title: 't', description: 'd', expectation: 'e', durationMs: 1, failover: {}, expect: () => {}, tags: [], schedule: [] }], 'w')[0])).to.equal(undefined);
  });

  it('replaces the catalogue, or joins it after the catalogue with --with-catalogue; clashing ids are refused', async () => {
    const file = mod(`export const scenarios = () => [${one('mine')}];`);
    const only = await withScenariosFrom(parsed({ 'scenarios-from': file }), ctx());
    expect((await only.catalogue()).map((s) => s.id)).to.deep.equal(['mine']);
    const both = await withScenariosFrom(parsed({ 'scenarios-from': file, 'with-catalogue': true }), ctx());
    expect((await both.catalogue()).map((s) => s.id)).to.deep.equal(['kill-master', 'mine']);
    const clash = mod(`export const scenarios = [${one('kill-master')}];`);
    expect(await refusal(withScenariosFrom(parsed({ 'scenarios-from': clash, 'with-catalogue': true }), ctx()))).to.match(/kill-master .* is also a catalogue scenario/);
    const plain = ctx();
    expect(await withScenariosFrom(parsed({}), plain)).to.equal(plain);
    expect(await refusal(withScenariosFrom(parsed({ 'with-catalogue': true }), plain))).to.match(/--with-catalogue only makes sense with --scenarios-from/);
  });
});
