/**
 * Read a run report folder written by writeRunReport (results.json + history/*.json) back into a
 * RunReport: for `merge` (shards → one report) and `compare --from` (compare reports already written).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../config.ts';
import type { History, ScenarioResult } from '../model.ts';
import type { ResultsJson, ScenarioRecord } from '../report/json.ts';
import type { RunReport } from '../report/run-report.ts';

export interface ReadReport {
  dir: string;
  results: ResultsJson;
  /** Scenarios with their raw histories (a placeholder history where the file is missing). */
  run: RunReport;
  /** History files that were missing or unreadable (relative to dir). */
  missingHistories: string[];
}

/** A history rebuilt from the summary when the raw history file is missing: figures survive, ops do not. */
function placeholderHistory(r: ScenarioRecord): History {
  const s = r.historySummary;
  return {
    t0: s?.t0 ?? 0,
    faults: (s?.faults ?? []).map(({ startMs: _s, endMs: _e, ...f }) => f),
    events: [],
    polls: [],
    ops: [],
    logs: [],
    final: { time: s?.final?.time ?? 0, sets: {}, counters: s?.final?.counters ?? {}, ...(s?.final?.node ? { node: s.final.node } : {}) },
    nodes: s?.nodes ?? [],
    masterName: s?.masterName ?? 'mymaster',
  };
}

export async function readResultsJson(dir: string): Promise<ResultsJson> {
  const file = path.join(dir, 'results.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`${dir} has no readable results.json (${code}). Fix: pass report folders written by \`sentinel-chaos run\` (reports/<run id>)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file} is not valid JSON (${(e as Error).message.split('\n')[0]}). Fix: re-run the shard, or leave that folder out`);
  }
  const r = json as Partial<ResultsJson>;
  if (!r || typeof r !== 'object' || r.schemaVersion !== 1 || !Array.isArray(r.scenarios)) {
    throw new ConfigError(`${file} is not a sentinel-chaos results.json (schemaVersion 1 with scenarios[]). Fix: pass report folders written by \`sentinel-chaos run\``);
  }
  return r as ResultsJson;
}

export async function readReportFolder(dir: string, opts: { histories?: boolean } = {}): Promise<ReadReport> {
  const results = await readResultsJson(dir);
  const missingHistories: string[] = [];
  const scenarios: ScenarioResult[] = [];
  for (const rec of results.scenarios) {
    const { historyFile, historySummary: _summary, ...rest } = rec;
    let history: History | undefined;
    if (opts.histories !== false && historyFile) {
      try {
        history = JSON.parse(await fs.readFile(path.join(dir, historyFile), 'utf8')) as History;
      } catch {
        missingHistories.push(historyFile);
      }
    }
    scenarios.push({ ...rest, history: history ?? placeholderHistory(rec) });
  }
  const { scenarios: _s, ...run } = results;
  return { dir, results, run: { ...run, scenarios }, missingHistories };
}
