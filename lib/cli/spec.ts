/**
 * The command-line interface as data: every command, its options and positionals. Parsing
 * (args.ts) and --help (help.ts) are both driven by this table, so they cannot disagree.
 * Options that are settings (images, seed, ...) come from CONFIG_KEYS in lib/config.ts, so the
 * option, the environment variable and the config-file key of a setting are one entry.
 */
import { CONFIG_KEYS, type ConfigKey } from '../config.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Value placeholder for --help, e.g. "IMAGE". */
  value?: string;
  help: string;
  /** The setting this option gives (its env variable and config key are shown in --help). */
  config?: ConfigKey;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  description: string[];
  options: Record<string, OptionSpec>;
  positionals?: { name: string; help: string; min: number };
  examples: string[];
}

const PLACEHOLDER: Partial<Record<ConfigKey, string>> = {
  redisImage: 'IMAGE',
  sentinelImage: 'IMAGE',
  toxiproxyImage: 'IMAGE',
  upgradeImage: 'IMAGE',
  scenarios: 'IDS',
  seed: 'N',
  reportDir: 'DIR',
  downAfterMs: 'MS',
  failoverTimeoutMs: 'MS',
  redisConf: 'FILE',
  sentinelConf: 'FILE',
  compareImages: 'IMAGE[+SENTINEL_IMAGE]',
  maxSlowerPct: 'PCT',
  maxSlowerMs: 'MS',
  maxNewLoss: 'N',
  client: 'CLIENT',
  profile: 'NAME',
};

function setting(key: ConfigKey, help?: string): [string, OptionSpec] {
  const k = CONFIG_KEYS[key];
  const spec: OptionSpec = {
    type: k.kind === 'bool' ? 'boolean' : 'string',
    help: help ?? k.help,
    config: key,
    ...(k.kind === 'list' || k.kind === 'client' ? { multiple: true } : {}),
  };
  const value = PLACEHOLDER[key];
  if (value !== undefined) spec.value = value;
  return [k.cli, spec];
}

const HELP: [string, OptionSpec] = ['help', { type: 'boolean', short: 'h', help: 'show this help' }];
const CONFIG: [string, OptionSpec] = ['config', { type: 'string', value: 'FILE', help: 'JSON config file (also SC_CONFIG); see "Configuration" in sentinel-chaos --help' }];
const SCENARIOS_FROM: [string, OptionSpec][] = [
  ['scenarios-from', { type: 'string', value: 'MODULE', help: 'run your own scenarios: a .js/.mjs/.ts module exporting `scenarios` (array or factory) or a default export (docs/writing-scenarios.md)' }],
  ['with-catalogue', { type: 'boolean', help: 'with --scenarios-from: run the built-in catalogue too (yours after it)' }],
];
const RUN_ID: [string, OptionSpec] = ['run-id', { type: 'string', value: 'ID', help: 'run id (letters, digits, . _ -; default: the start time, or SC_RUN_ID)' }];

const SCENARIO_SETTINGS: [string, OptionSpec][] = [
  setting('scenarios'),
  setting('seed'),
  setting('reportDir'),
  setting('downAfterMs'),
  setting('failoverTimeoutMs'),
  setting('sentinelDebug'),
  setting('profile'),
  setting('redisConf'),
  setting('sentinelConf'),
];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'run',
    summary: 'run the scenario catalogue (or a subset) and write the report',
    usage: 'sentinel-chaos run [options]',
    description: [
      'Runs each selected scenario on a fresh topology (1 master, replicas, sentinels, a toxiproxy sidecar per node;',
      'one with the same nodes as the one before runs in its sidecars, every proxy deleted, unless SC_FRESH_SIDECARS=1),',
      'writes reports/<run id>/ (index.html, results.json, junit.xml, summary.md, history/) and points reports/latest at it.',
      'Progress goes to stderr; the path of index.html to stdout. Exit 1 if any scenario failed or did not complete.',
      'A --sentinel-image different from --redis-image runs a mixed-version topology.',
      '--repeat N runs the selection N times (round-robin, each scenario built fresh): every trial is in the report,',
      'plus a flakiness table (pass rate per scenario with a 95% Wilson interval) in results.json, summary.md and index.html.',
    ],
    options: Object.fromEntries([
      setting('redisImage'),
      setting('sentinelImage'),
      setting('toxiproxyImage'),
      setting('upgradeImage'),
      ...SCENARIO_SETTINGS,
      setting('client', 'client library of the workload: ioredis (default), redis-py, or cmd:<adapter command> (docs/client-protocol.md)'),
      ...SCENARIOS_FROM,
      ['shard', { type: 'string', value: 'I/N', help: 'run only the I-th of N deterministic, duration-balanced parts of the selection (default report dir reports/<run id>-shard-I-of-N)' }],
      ['repeat', { type: 'string', value: 'N', help: 'run every selected scenario N times (1-100, default 1) and report each one\'s pass rate with a Wilson interval' }],
      RUN_ID,
      CONFIG,
      HELP,
    ]),
    examples: [
      'sentinel-chaos run --scenarios quick',
      'sentinel-chaos run --redis-image redis:7.0.15 --sentinel-image redis:7.4.2 --seed 42',
      'sentinel-chaos run --shard 1/2 --run-id ci-123',
      'sentinel-chaos run --scenarios kill-master --client redis-py',
      'sentinel-chaos run --scenarios-from ./my-scenarios.mjs --redis-conf ./redis.conf --sentinel-conf ./sentinel.conf',
    ],
  },
  {
    name: 'compare',
    summary: 'run the same scenarios on two or more server images and judge regressions',
    usage: 'sentinel-chaos compare --image BASELINE --image CANDIDATE [--image ...] [options]\n       sentinel-chaos compare --from REPORT_DIR --from REPORT_DIR [...]',
    description: [
      'Pre-upgrade verification. Runs every selected scenario --repeat times (default 5) on each image, trials',
      "interleaved (A B A B ...), same seed; writes each variant's run report (every trial) and a comparison to",
      'reports/compare-<id>/ (index.html, comparison.json, summary.md) and points reports/latest-compare at it.',
      'The first image is the baseline. Per scenario and metric (durable unavailability and client recovery, the',
      'odown / elected / promoted / switch-master phases, the loss rate, the pass rate) a test gives a verdict:',
      '  regression   the trials differ significantly (Mann–Whitney U, p < 0.05) AND the median is slower by more',
      '               than max(--max-slower-ms, --max-slower-pct % of the baseline median); loss rate: per-trial',
      '               rates differ significantly and the median lost count exceeds the baseline\'s by --max-new-loss;',
      "               pass rate: Fisher's exact test, or every baseline trial passed and 2+ candidate trials did not",
      '  improvement  the same, faster / less loss / more passes',
      '  ~            no change: not significant and the 95% bootstrap CI of the median difference is within the threshold',
      '  inconclusive too few trials to ever reach p < 0.05 (e.g. 3 vs 3), or too much spread to decide',
      'Loss of a scenario that loses writes by design (allowLoss, expectedOutcomes) is shown, not judged.',
      'Exit 0: no regression; 1: regression; 3: inconclusive (no regression, but something could not be decided).',
      '--calibrate IMAGE runs IMAGE against itself (A/A) and reports the false-alarm rate over every scenario ×',
      'metric test (target <= 5%, and no scenario-level regression); exit 0 when both targets are met, else 1.',
      'IMAGE+SENTINEL_IMAGE runs that variant with different sentinels; --sentinel-image keeps every variant\'s',
      'sentinels on one image (a mixed-version topology: upgrade the servers, not the sentinels).',
      '--from compares report folders already written by `run` (e.g. merged CI shards) without running anything.',
    ],
    options: Object.fromEntries([
      setting('compareImages'),
      setting('sentinelImage', 'keep the sentinels of every variant on this image (default: each variant\'s own)'),
      setting('toxiproxyImage'),
      ...SCENARIO_SETTINGS.map(([n, s]): [string, OptionSpec] => (n === 'report-dir' ? [n, { ...s, help: 'comparison folder (default reports/compare-<id>)' }] : [n, s])),
      setting('maxSlowerPct'),
      setting('maxSlowerMs'),
      setting('maxNewLoss'),
      ['repeat', { type: 'string', value: 'N', help: 'trials per scenario and image (1-100, default 5; 4+ needed for any significant difference)' }],
      ['calibrate', { type: 'string', value: 'IMAGE', help: 'A/A: compare IMAGE with itself and report the false-alarm rate (no --image / --from)' }],
      ...SCENARIOS_FROM,
      setting('client'),
      ['from', { type: 'string', multiple: true, value: 'DIR', help: 'compare existing report folders (repeat; the first is the baseline) instead of running; their repeated trials are used' }],
      RUN_ID,
      CONFIG,
      HELP,
    ]),
    examples: [
      'sentinel-chaos compare --scenarios kill-master --image redis:7.0.15 --image valkey/valkey:9.0',
      'sentinel-chaos compare --image redis:7.2 --image redis:7.4.2 --sentinel-image redis:7.2 --max-slower-ms 1000',
      'sentinel-chaos compare --from reports/merged-redis-7.0.15 --from reports/merged-valkey-9.0',
      'sentinel-chaos compare --scenarios kill-master --client ioredis --client redis-py',
      'sentinel-chaos compare --calibrate redis:7.0.15 --scenarios quick',
    ],
  },
  {
    name: 'list',
    summary: 'list the scenarios with their tags',
    usage: 'sentinel-chaos list [--scenarios IDS] [--json]',
    description: ['Prints id, tags, workload duration and title of each scenario (or of the selection), then every tag with its count.'],
    options: Object.fromEntries([
      setting('scenarios', 'only these scenario ids or tags'),
      ...SCENARIOS_FROM,
      ['json', { type: 'boolean', help: 'print JSON (id, title, tags, description, expectation, durationMs)' }],
      CONFIG,
      HELP,
    ]),
    examples: ['sentinel-chaos list', 'sentinel-chaos list --scenarios quick --json'],
  },
  {
    name: 'merge',
    summary: 'merge per-shard report folders into one report',
    usage: 'sentinel-chaos merge --out DIR SHARD_DIR [SHARD_DIR...]',
    description: [
      'Reads results.json and history/*.json of each folder written by `run --shard` and writes one report',
      '(index.html, results.json, junit.xml, summary.md, history/) to --out, pointing `latest` next to it.',
      'Exit 1 if any merged scenario failed or did not complete.',
    ],
    options: Object.fromEntries([
      ['out', { type: 'string', value: 'DIR', help: 'the merged report folder (required)' }],
      ['run-id', { type: 'string', value: 'ID', help: "run id of the merged report (default: the shards' common run id)" }],
      HELP,
    ]),
    positionals: { name: 'SHARD_DIR', help: 'report folders to merge', min: 1 },
    examples: ['sentinel-chaos merge --out reports/merged reports/ci-123-shard-1-of-2 reports/ci-123-shard-2-of-2'],
  },
  {
    name: 'cleanup',
    summary: 'remove every container and network labelled sentinel-chaos',
    usage: 'sentinel-chaos cleanup [--dry-run] [--only-orphans]',
    description: [
      'Removes what interrupted or crashed runs left behind: every container (nodes before their sidecars) and',
      'network with the label sentinel-chaos, printing each. This includes those of runs still in progress',
      'unless --only-orphans is given.',
    ],
    options: Object.fromEntries([
      ['dry-run', { type: 'boolean', help: 'only print what would be removed' }],
      ['only-orphans', { type: 'boolean', help: 'keep topologies whose owning process is still running on this machine' }],
      HELP,
    ]),
    examples: ['sentinel-chaos cleanup', 'sentinel-chaos cleanup --dry-run'],
  },
  {
    name: 'check',
    summary: 'judge stored results again (checkers + expectations) without Docker',
    usage: 'sentinel-chaos check [--json] REPORT_DIR|RESULT.json|HISTORY.json [...]',
    description: [
      'Re-runs the checkers and the scenario\'s expectations (from the current catalogue, by scenario id) over the',
      'stored histories of report folders, results/<id>.json or history/<id>.json files (also gzipped), and prints',
      'one verdict line per scenario (noting a verdict that differs from the stored one). Needs no Docker engine.',
      'Exit 1 if any scenario does not pass; 2 if an input cannot be read.',
    ],
    options: Object.fromEntries([
      ['json', { type: 'boolean', help: 'print the judged results (scenarios[] with checks, assertions, verdict) as JSON' }],
      HELP,
    ]),
    positionals: { name: 'PATH', help: 'report folders or result/history files to check', min: 1 },
    examples: ['sentinel-chaos check reports/latest', 'sentinel-chaos check --json reports/ci-123/results/kill-master.json'],
  },
  {
    name: 'explore',
    summary: 'random faults on one topology until an invariant breaks; shrink the failing schedule',
    usage: 'sentinel-chaos explore [--seed N] [--duration 10m] [options]\n       sentinel-chaos explore --replay FILE',
    description: [
      'Runs ONE topology under a Sentinel-routed writer and a writer pinned to redis-0, injects random faults (kill,',
      'pause, isolate, partitions, latency, sentinel kills, staggered kills) one at a time, each healed after a while, and',
      'after every heal waits for convergence and checks: one master all sentinels agree on, every replica attached and',
      'caught up, config epochs never lower, no sentinel stuck in TILT, acknowledged writes lost or acknowledged by a',
      'deposed master only as far as --allow-loss allows. Same seed, same schedule. At the first violation it writes',
      'the schedule as <report dir>/explore-<seed>.replay.json, shrinks it on fresh topologies to a minimal one',
      '(explore-<seed>.minimal.json) and writes the report. Exit 1 if a violation was found. See docs/explore.md.',
    ],
    options: Object.fromEntries([
      setting('seed'),
      ['duration', { type: 'string', value: 'TIME', help: 'no new fault after this long, e.g. 10m, 90s (default 10m)' }],
      ['max-faults', { type: 'string', value: 'N', help: 'at most this many faults (default 60)' }],
      ['min-replicas-to-write', { type: 'string', value: 'N', help: 'min-replicas-to-write on every redis node (default 0: asynchronous, the planted weakness)' }],
      ['min-replicas-max-lag', { type: 'string', value: 'S', help: 'min-replicas-max-lag in seconds when min-replicas-to-write >= 1 (default 1)' }],
      ['allow-loss', { type: 'string', value: 'MODE', help: 'strict | bounded | async | auto (default auto: bounded with min-replicas-to-write >= 1, else async)' }],
      ['pinned-writer', { type: 'string', value: 'NODE', help: 'redis node the direct writer is pinned to, or none (default redis-0)' }],
      ['replay', { type: 'string', value: 'FILE', help: 'run the schedule of a replay file instead of a random one' }],
      ['shrink-attempts', { type: 'string', value: 'N', help: 'at most this many shrink runs (default 16)' }],
      ['shrink-runs', { type: 'string', value: 'N', help: 'a shrink candidate is taken after N reproducing runs in a row (default 2)' }],
      ['shrink-time', { type: 'string', value: 'TIME', help: 'no shrink run starts after this long (default 5m)' }],
      setting('reportDir', 'report folder (default reports/explore-<run id>)'),
      setting('redisImage'),
      setting('sentinelImage'),
      setting('toxiproxyImage'),
      setting('downAfterMs'),
      setting('failoverTimeoutMs'),
      setting('sentinelDebug'),
      RUN_ID,
      CONFIG,
      HELP,
    ]),
    examples: [
      'sentinel-chaos explore --seed 7 --duration 10m --allow-loss bounded',
      'sentinel-chaos explore --seed 7 --min-replicas-to-write 1',
      'sentinel-chaos explore --replay reports/explore-x/explore-7.minimal.json',
    ],
  },
];

export function command(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export const EXIT = {
  ok: 0,
  /** A scenario failed or did not complete; a regression; a calibration that missed its targets. */
  failed: 1,
  /** Bad usage or configuration: nothing was started. */
  usage: 2,
  /** A comparison that could not decide (too few trials, too much spread, a baseline that never completed). */
  inconclusive: 3,
} as const;
