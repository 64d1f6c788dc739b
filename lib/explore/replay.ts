/**
 * The replay file: a fault schedule the explore mode found (or shrank) as JSON — each step's gap, hold and
 * fault (kind, targets, parameters) — with the topology options, the loss policy and the seed, so that
 * `sentinel-chaos explore --replay FILE` runs exactly that schedule again on a fresh topology, and
 * `replayScenario(file)` makes it a normal Scenario (the catalogue or a test can run it through runScenario).
 * Loading validates everything and fails with one line naming the fix.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../config.ts';
import type { FaultSpec, ExploreStep } from './generator.ts';
import type { AllowLoss } from './invariants.ts';
import type { ShrinkAttempt } from './shrink.ts';

export const REPLAY_FORMAT = 'sentinel-chaos-explore/1';

/** What an exploration was configured with: everything a replay needs besides the steps. */
export interface ExploreSettings {
  seed: number;
  durationMs: number;
  maxFaults: number;
  allowLoss: AllowLoss | 'auto';
  minReplicasToWrite: number;
  minReplicasMaxLagS: number;
  /** The node the direct (pinned) writer writes to, through client group 1; null: none. */
  pinnedWriter: string | null;
  downAfterMs: number;
  failoverTimeoutMs: number;
}

export interface ReplayFile {
  format: typeof REPLAY_FORMAT;
  /** Why it was written. */
  kind: 'exploration' | 'minimal';
  settings: ExploreSettings;
  steps: ExploreStep[];
  /** The violation this schedule led to when it was written. */
  violation?: { invariants: string[]; notes: string[] };
  /** How the schedule was shrunk (minimal files). */
  shrink?: { from: number; attempts: ShrinkAttempt[]; stoppedBy: string; confirmed: boolean };
}

export function saveReplay(path: string, f: ReplayFile): void {
  writeFileSync(path, `${JSON.stringify(f, null, 2)}\n`);
}

function bad(path: string, what: string, fix: string): never {
  throw new ConfigError(`replay file ${path}: ${what}. Fix: ${fix}`);
}

const KINDS = new Set(['kill', 'pause', 'isolate', 'partition', 'latency', 'sentinels-down', 'staggered']);

function isStrings(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string' && s.length > 0);
}

function checkFault(path: string, i: number, f: unknown): FaultSpec {
  const at = `steps[${i}].fault`;
  if (typeof f !== 'object' || f === null) bad(path, `${at} is not an object`, 'give {"kind": ..., ...}');
  const o = f as Record<string, unknown>;
  if (typeof o['kind'] !== 'string' || !KINDS.has(o['kind'])) bad(path, `${at}.kind=${JSON.stringify(o['kind'])} is unknown`, `use one of ${[...KINDS].join(', ')}`);
  const need = (key: string, ok: (v: unknown) => boolean, want: string): void => {
    if (!ok(o[key])) bad(path, `${at}.${key}=${JSON.stringify(o[key])} is invalid`, `give ${want}`);
  };
  const str = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
  const posInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
  switch (o['kind']) {
    case 'partition':
      need('sides', (v) => Array.isArray(v) && v.length >= 2 && v.every(isStrings), 'two or more lists of node names, roles, client:K or "rest"');
      need('mode', (v) => v === 'cut' || v === 'silent', '"cut" or "silent"');
      break;
    case 'latency':
      need('target', str, 'a node name or "master"/"replica"');
      need('latencyMs', posInt, 'an integer >= 0 (ms)');
      break;
    case 'sentinels-down':
      need('names', (v) => isStrings(v) && v.length > 0, 'a list of sentinel names');
      break;
    case 'staggered':
      need('of', (v) => v === 'kill' || v === 'pause', '"kill" or "pause"');
      need('targets', (v) => isStrings(v) && v.length > 0, 'a list of node names or roles');
      need('staggerMs', posInt, 'an integer >= 0 (ms)');
      break;
    default:
      need('target', str, 'a node name or "master"/"replica"');
  }
  return o as unknown as FaultSpec;
}

function checkSettings(path: string, s: unknown): ExploreSettings {
  if (typeof s !== 'object' || s === null) bad(path, 'settings is missing', 'write the file with sentinel-chaos explore');
  const o = s as Record<string, unknown>;
  for (const k of ['seed', 'durationMs', 'maxFaults', 'minReplicasToWrite', 'minReplicasMaxLagS', 'downAfterMs', 'failoverTimeoutMs']) {
    if (!Number.isInteger(o[k]) || (o[k] as number) < 0) bad(path, `settings.${k}=${JSON.stringify(o[k])} is invalid`, 'give an integer >= 0');
  }
  if (!['auto', 'strict', 'bounded', 'async'].includes(String(o['allowLoss']))) bad(path, `settings.allowLoss=${JSON.stringify(o['allowLoss'])} is invalid`, 'use auto, strict, bounded or async');
  if (o['pinnedWriter'] !== null && typeof o['pinnedWriter'] !== 'string') bad(path, 'settings.pinnedWriter is invalid', 'give a redis node name or null');
  return o as unknown as ExploreSettings;
}

/** Read and validate a replay file. */
export function loadReplay(path: string): ReplayFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    bad(path, `cannot be read as JSON (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, 'give a file written by sentinel-chaos explore');
  }
  const o = json as Record<string, unknown>;
  if (o?.['format'] !== REPLAY_FORMAT) bad(path, `format is ${JSON.stringify(o?.['format'])}`, `give a file whose format is "${REPLAY_FORMAT}"`);
  const settings = checkSettings(path, o['settings']);
  if (!Array.isArray(o['steps']) || o['steps'].length === 0) bad(path, 'steps is empty', 'give at least one step');
  const steps = (o['steps'] as unknown[]).map((x, i): ExploreStep => {
    const s = x as Record<string, unknown>;
    for (const k of ['gapMs', 'durationMs']) {
      if (!Number.isInteger(s?.[k]) || (s[k] as number) < 0) bad(path, `steps[${i}].${k}=${JSON.stringify(s?.[k])} is invalid`, 'give an integer >= 0 (ms)');
    }
    return { gapMs: s['gapMs'] as number, durationMs: s['durationMs'] as number, fault: checkFault(path, i, s['fault']), ...(typeof s['atMs'] === 'number' ? { atMs: s['atMs'] } : {}) };
  });
  return { ...(o as unknown as ReplayFile), settings, steps };
}
