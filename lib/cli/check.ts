/**
 * `sentinel-chaos check`: judge stored results again — the checkers and the scenario's expectations (from the
 * current catalogue) over recorded histories — without Docker. For applying a checker fix to old runs, and
 * for checking a mutated history. Reads report folders (results.json + history/<id>.json), a run's
 * results/<id>.json (a whole ScenarioResult), a history/<id>.json next to its results.json, and the same
 * files gzipped (.json.gz).
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ConfigError } from '../config.ts';
import type { History, ScenarioResult } from '../model.ts';
import type { ResultsJson, ScenarioRecord } from '../report/json.ts';
import { judge, notFailed } from '../scenario/judge.ts';
import type { Parsed } from './args.ts';
import type { CliContext } from './context.ts';
import { resultLine } from './run.ts';
import { EXIT } from './spec.ts';

/** A stored result and where it came from. */
export interface Stored {
  source: string;
  result: ScenarioResult;
}

const FIX = 'pass a report folder (reports/<run id>), its results/<id>.json, or its history/<id>.json';

/** Read a .json or .json.gz file (the .gz twin when the plain one is missing); undefined when neither exists. */
function readJson(file: string): unknown {
  const found = [file, `${file}.gz`].find((f) => fs.existsSync(f));
  if (found === undefined) return undefined;
  let text: string;
  try {
    const raw = fs.readFileSync(found);
    text = (found.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  } catch (e) {
    throw new ConfigError(`${found} could not be read (${(e as Error).message.split('\n')[0]}). Fix: ${FIX}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ConfigError(`${found} is not valid JSON (${(e as Error).message.split('\n')[0]}). Fix: ${FIX}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isResultsJson = (v: unknown): v is ResultsJson => isObject(v) && v['schemaVersion'] === 1 && Array.isArray(v['scenarios']);
const isResult = (v: unknown): v is ScenarioResult => isObject(v) && isObject(v['scenario']) && isObject(v['history']) && isObject(v['topology']);
const isHistory = (v: unknown): v is History => isObject(v) && typeof v['t0'] === 'number' && Array.isArray(v['ops']) && Array.isArray(v['faults']);

/** The results of a report folder's results.json, each with its history file. */
function fromResultsJson(dir: string, results: ResultsJson, only?: string): Stored[] {
  const out: Stored[] = [];
  for (const rec of results.scenarios as ScenarioRecord[]) {
    const file = path.join(dir, rec.historyFile ?? '');
    if (only !== undefined && path.resolve(file) !== path.resolve(only.replace(/\.gz$/, ''))) continue;
    const history = rec.historyFile ? readJson(file) : undefined;
    if (!isHistory(history)) {
      throw new ConfigError(`${file} (the history of ${rec.scenario?.id ?? '?'}) is missing or not a history. Fix: keep history/ next to results.json, or pass results/<id>.json`);
    }
    const { historyFile: _f, historySummary: _s, ...rest } = rec;
    out.push({ source: file, result: { ...rest, history } });
  }
  return out;
}

/** Every stored result a path names. Throws a one-line ConfigError (exit 2) on anything else. */
export function readStored(p: string): Stored[] {
  if (!fs.existsSync(p) && !fs.existsSync(`${p}.gz`)) throw new ConfigError(`${p} does not exist. Fix: ${FIX}`);
  if (fs.existsSync(p) && fs.statSync(p).isDirectory()) {
    const results = readJson(path.join(p, 'results.json'));
    if (isResultsJson(results)) return fromResultsJson(p, results);
    throw new ConfigError(`${p} has no sentinel-chaos results.json (schemaVersion 1 with scenarios[]). Fix: ${FIX}`);
  }
  const json = readJson(p.replace(/\.gz$/, ''));
  if (isResult(json)) return [{ source: p, result: json }];
  if (isResultsJson(json)) return fromResultsJson(path.dirname(p), json);
  if (isHistory(json)) {
    // A history carries no scenario id or topology: they are in the results.json of its report folder.
    const dir = path.dirname(path.dirname(path.resolve(p)));
    const results = readJson(path.join(dir, 'results.json'));
    const found = isResultsJson(results) ? fromResultsJson(dir, results, path.resolve(p)) : [];
    if (found.length) return found;
    throw new ConfigError(`${p} is a history without its report's results.json (it holds the scenario id and topology). Fix: pass the report folder, or results/<id>.json`);
  }
  throw new ConfigError(`${p} is not a sentinel-chaos result, history or results.json. Fix: ${FIX}`);
}

/** Judge one stored result with a freshly built scenario of the same id. */
export async function checkStored(s: Stored, ctx: CliContext): Promise<ScenarioResult> {
  const id = s.result.scenario.id;
  const scenario = (await ctx.catalogue()).find((x) => x.id === id);
  if (!scenario) throw new ConfigError(`scenario ${JSON.stringify(id)} of ${s.source} is not in the catalogue. Fix: check results of scenarios that exist (sentinel-chaos list)`);
  return judge(scenario, s.result);
}

export async function checkCommand(p: Parsed, ctx: CliContext): Promise<number> {
  const stored = p.positionals.flatMap((x) => readStored(path.resolve(ctx.cwd, x)));
  const judged: { source: string; result: ScenarioResult; before: ScenarioResult['verdict'] }[] = [];
  for (const s of stored) judged.push({ source: s.source, result: await checkStored(s, ctx), before: s.result.verdict });
  if (p.values['json'] === true) {
    const scenarios = judged.map(({ source, result }) => {
      const { history: _h, ...rest } = result;
      return { ...rest, source };
    });
    ctx.out(JSON.stringify({ schemaVersion: 1, checkedAt: new Date().toISOString(), scenarios }, null, 2));
  } else {
    for (const j of judged) ctx.out(`${resultLine(j.result)}${j.before !== j.result.verdict ? ` (stored verdict: ${j.before})` : ''}`);
  }
  return judged.every((j) => notFailed(j.result.verdict)) ? EXIT.ok : EXIT.failed;
}
