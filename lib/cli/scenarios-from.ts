/**
 * `--scenarios-from MODULE`: run the user's own scenarios (instead of the catalogue, or alongside it with
 * `--with-catalogue`). MODULE is a path to a .js/.mjs/.ts file exporting `scenarios` — an array of
 * Scenario objects or a factory returning one (sync or async) — or, failing that, a default export of the
 * same forms (or a single scenario). A factory is called again every time the command asks for its
 * scenarios, so each run gets fresh objects (as the catalogue does). Every problem is one ConfigError line.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config.ts';
import type { Scenario } from '../scenario/scenario.ts';
import type { Parsed } from './args.ts';
import type { CliContext } from './context.ts';

type Source = Scenario | Scenario[] | (() => Scenario[] | Scenario | Promise<Scenario[] | Scenario>);

/** The first thing wrong with a would-be scenario, or undefined. */
export function scenarioProblem(x: unknown): string | undefined {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return 'is not an object';
  const s = x as Record<string, unknown>;
  const want: [string, string][] = [
    ['id', 'string'],
    ['title', 'string'],
    ['description', 'string'],
    ['expectation', 'string'],
    ['durationMs', 'number'],
    ['failover', 'object'],
    ['expect', 'function'],
  ];
  for (const [k, type] of want) if (typeof s[k] !== type) return `has no ${k} (${type})`;
  if (!Array.isArray(s['tags'])) return 'has no tags (array of strings)';
  if (!Array.isArray(s['schedule'])) return 'has no schedule (array of steps)';
  return undefined;
}

/** Check the scenarios a module gave: shape and unique ids; `where` names the module. */
export function checkScenarios(list: unknown, where: string): Scenario[] {
  const items = Array.isArray(list) ? list : [list];
  if (items.length === 0) throw new ConfigError(`${where} exports no scenarios. Fix: export const scenarios = [ ... ] (see docs/writing-scenarios.md)`);
  const seen = new Set<string>();
  items.forEach((x, i) => {
    const problem = scenarioProblem(x);
    const id = typeof (x as { id?: unknown })?.id === 'string' ? (x as { id: string }).id : `#${i}`;
    if (problem) throw new ConfigError(`scenario ${id} from ${where} ${problem}. Fix: see the Scenario type (docs/writing-scenarios.md)`);
    if (seen.has(id)) throw new ConfigError(`scenario id ${id} appears twice in ${where}. Fix: give every scenario its own id`);
    seen.add(id);
  });
  return items as Scenario[];
}

/** Load MODULE (resolved against cwd); returns a function giving its scenarios (fresh ones from a factory). */
export async function loadScenariosFrom(spec: string, cwd: string): Promise<() => Promise<Scenario[]>> {
  const file = path.resolve(cwd, spec);
  const where = `--scenarios-from ${spec}`;
  if (!existsSync(file)) throw new ConfigError(`cannot find ${where} (${file}). Fix: give the path of a .js, .mjs or .ts module`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new ConfigError(`cannot load ${where}: ${msg}. Fix: the module must run with plain Node (import the harness from 'sentinel-chaos')`);
  }
  const source = (mod['scenarios'] ?? mod['default']) as Source | undefined;
  if (source === undefined) throw new ConfigError(`${where} exports neither "scenarios" nor a default. Fix: export const scenarios = () => [ ... ]`);
  const get = async (): Promise<Scenario[]> => checkScenarios(typeof source === 'function' ? await source() : source, where);
  await get(); // every problem now, before anything starts
  return get;
}

/**
 * The command's context with the user's scenarios as its catalogue (`--scenarios-from`), plus the built-in
 * catalogue with `--with-catalogue`; ids must not collide. Without the option: `ctx` unchanged.
 */
export async function withScenariosFrom(p: Parsed, ctx: CliContext): Promise<CliContext> {
  const spec = p.values['scenarios-from'];
  if (typeof spec !== 'string') {
    if (p.values['with-catalogue'] === true) throw new ConfigError('--with-catalogue only makes sense with --scenarios-from. Fix: add --scenarios-from MODULE or drop it');
    return ctx;
  }
  const user = await loadScenariosFrom(spec, ctx.cwd);
  const withCatalogue = p.values['with-catalogue'] === true;
  const catalogue = async (): Promise<Scenario[]> => {
    const mine = await user();
    if (!withCatalogue) return mine;
    const builtIn = await ctx.catalogue();
    const clash = mine.find((s) => builtIn.some((b) => b.id === s.id));
    if (clash) throw new ConfigError(`scenario id ${clash.id} from --scenarios-from ${spec} is also a catalogue scenario. Fix: rename it`);
    return [...builtIn, ...mine];
  };
  await catalogue(); // id clashes now
  return { ...ctx, catalogue };
}
