/**
 * Configuration: images, scenario selection, timings, report folder and the thresholds of the
 * pre-upgrade comparison — from five layers, highest precedence first:
 *
 *   1. command-line options          (--redis-image, --seed, ...)
 *   2. environment variables          (SC_REDIS_IMAGE, SC_SEED, ...)
 *   3. a JSON config file             (--config file.json, or SC_CONFIG)
 *   4. the provisioning file          (.sentinel-chaos/images.env, written by scripts/ensure-images.sh)
 *   5. the profile, if one is chosen  (--profile production: lib/profiles.ts; fills only what 1-4 left unset)
 *   6. defaults                       (the official upstream images)
 *
 * Every value is validated up front, when the layer is read, and an error is ONE line that names
 * where the bad value came from and what would be accepted (a ConfigError).
 *
 * The table CONFIG_KEYS below is the single description of every setting: its JSON key, its
 * environment variable, its command-line option and its type. The CLI's --help, the JSON schema
 * check and the environment reader are all driven by it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isProfileName, PROFILES, type ProfileName } from './profiles.ts';
import { clientChoiceProblem } from './workload/choose-problem.ts';

/** The official upstream images the harness uses unless configured otherwise. */
export const DEFAULT_IMAGES = {
  redis: 'redis:7.4.2',
  toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
} as const;

export interface Images {
  /** Image for the redis nodes. @default "redis:7.4.2" (env SC_REDIS_IMAGE) */
  redis: string;
  /** Image for the sentinels. @default the redis image (env SC_SENTINEL_IMAGE) */
  sentinel: string;
  /** Image for the toxiproxy sidecars. @default "ghcr.io/shopify/toxiproxy:2.12.0" (env SC_TOXIPROXY_IMAGE) */
  toxiproxy: string;
  /** Image a rolling upgrade replaces the servers with (the rolling-upgrade scenario); absent = the same image (a rolling restart). */
  upgrade?: string;
}

/**
 * Where the provisioning script records locally built images (machines without a registry).
 * Lower precedence than the environment and the config file.
 */
export const LOCAL_IMAGES_FILE = '.sentinel-chaos/images.env';

export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && m[1] && m[2] !== undefined) out[m[1]] = m[2].replace(/^["']|["']$/g, '');
  }
  return out;
}

/** Images from the environment, then the provisioning file, then the official defaults. */
export function resolveImages(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Images {
  const file = readEnvFile(resolve(cwd, LOCAL_IMAGES_FILE));
  const pick = (key: string): string | undefined => env[key] || file[key] || undefined;
  const redis = pick('SC_REDIS_IMAGE') ?? DEFAULT_IMAGES.redis;
  return {
    redis,
    sentinel: pick('SC_SENTINEL_IMAGE') ?? redis,
    toxiproxy: pick('SC_TOXIPROXY_IMAGE') ?? DEFAULT_IMAGES.toxiproxy,
  };
}

/** A configuration error: one line that names the fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function requireInt(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw new ConfigError(`invalid option ${name}=${String(value)}: must be ${range}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The settings

/** When a comparison counts as a regression (see lib/compare/verdict.ts). */
export interface Thresholds {
  /**
   * A failover phase (promotion, client recovery) is a regression when the candidate is slower than the
   * baseline by more than this percentage AND by more than `maxSlowerMs`.
   * @default 25
   */
  maxSlowerPct: number;
  /** See `maxSlowerPct`. @default 500 */
  maxSlowerMs: number;
  /** Acknowledged-but-lost writes a candidate may have beyond the baseline's. @default 0 (any new loss) */
  maxNewLoss: number;
}

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = { maxSlowerPct: 25, maxSlowerMs: 500, maxNewLoss: 0 };

export interface HarnessConfig {
  images: Images;
  /** Scenario ids or tags to run; empty = the whole catalogue. */
  scenarios: string[];
  /** Seed for fault schedules; undefined = random (recorded in the report). */
  seed: number | undefined;
  /** Report folder; undefined = reports/<run id> (reports/compare-<id> for compare). */
  reportDir: string | undefined;
  /** Override every scenario's down-after-milliseconds. */
  downAfterMs: number | undefined;
  /** Override every scenario's failover-timeout. */
  failoverTimeoutMs: number | undefined;
  /** Send SENTINEL DEBUG info-period/publish-period to shorten Sentinel's internal periods. @default true */
  sentinelDebug: boolean;
  /** The user's redis.conf merged into every redis node's config (absolute path; see lib/topology/user-config.ts). */
  redisConf: string | undefined;
  /** The user's sentinel.conf merged into every sentinel's config (absolute path). */
  sentinelConf: string | undefined;
  /** Images (variants) the compare command runs; each "REDIS_IMAGE" or "REDIS_IMAGE+SENTINEL_IMAGE". */
  compareImages: string[];
  thresholds: Thresholds;
  /** Client libraries the workload runs ("ioredis", "redis-py", "cmd:<adapter>"): run takes one, compare one per variant. @default ["ioredis"] */
  clients: string[];
  /** The profile chosen (lib/profiles.ts); its settings are already applied to the keys nothing else set. */
  profile: ProfileName | undefined;
  /** Where each setting's value came from. */
  sources: Record<ConfigKey, ConfigSource>;
}

export type ConfigSource = 'cli' | 'env' | 'file' | 'provisioning' | 'profile' | 'default';

type Kind = 'image' | 'string' | 'list' | 'int' | 'number' | 'bool' | 'client' | 'profile';

export interface KeySpec {
  /** JSON path in the config file ("thresholds.maxSlowerPct" is nested). */
  file: string;
  env: string;
  /** Long option name without dashes; absent when there is no option. */
  cli?: string;
  kind: Kind;
  min?: number;
  /** For --help. */
  help: string;
}

/** Every setting: the one table behind the config file, the environment and the CLI options. */
export const CONFIG_KEYS = {
  redisImage: { file: 'redisImage', env: 'SC_REDIS_IMAGE', cli: 'redis-image', kind: 'image', help: `image of the redis nodes (default ${DEFAULT_IMAGES.redis})` },
  sentinelImage: { file: 'sentinelImage', env: 'SC_SENTINEL_IMAGE', cli: 'sentinel-image', kind: 'image', help: 'image of the sentinels (default: the redis image); a different one makes a mixed-version topology' },
  toxiproxyImage: { file: 'toxiproxyImage', env: 'SC_TOXIPROXY_IMAGE', cli: 'toxiproxy-image', kind: 'image', help: `image of the toxiproxy sidecars (default ${DEFAULT_IMAGES.toxiproxy})` },
  upgradeImage: { file: 'upgradeImage', env: 'SC_UPGRADE_IMAGE', cli: 'upgrade-to', kind: 'image', help: 'rolling-upgrade scenario: the image every server is upgraded to, one node at a time (default: the same image, a rolling restart)' },
  scenarios: { file: 'scenarios', env: 'SC_SCENARIOS', cli: 'scenarios', kind: 'list', help: 'scenario ids or tags, comma-separated (default: every scenario without the extended tag; "all" for every one)' },
  seed: { file: 'seed', env: 'SC_SEED', cli: 'seed', kind: 'int', min: 0, help: 'seed for fault schedules (default: random, recorded in the report)' },
  reportDir: { file: 'reportDir', env: 'SC_REPORT_DIR', cli: 'report-dir', kind: 'string', help: 'report folder (default reports/<run id>)' },
  downAfterMs: { file: 'downAfterMs', env: 'SC_DOWN_AFTER_MS', cli: 'down-after-ms', kind: 'int', min: 100, help: 'Sentinel down-after-milliseconds (default 1500; a scenario that sets its own keeps it)' },
  failoverTimeoutMs: { file: 'failoverTimeoutMs', env: 'SC_FAILOVER_TIMEOUT_MS', cli: 'failover-timeout-ms', kind: 'int', min: 100, help: 'Sentinel failover-timeout in ms (default 6000; a scenario that sets its own keeps it)' },
  redisConf: { file: 'redisConf', env: 'SC_REDIS_CONF', cli: 'redis-conf', kind: 'string', help: 'your redis.conf: merged into every redis node\'s config (settings the harness owns are refused: docs/user-config.md)' },
  sentinelConf: { file: 'sentinelConf', env: 'SC_SENTINEL_CONF', cli: 'sentinel-conf', kind: 'string', help: 'your sentinel.conf: merged into every sentinel\'s config; its down-after-milliseconds/failover-timeout become the topology\'s' },
  profile: { file: 'profile', env: 'SC_PROFILE', cli: 'profile', kind: 'profile', help: `test your deployment's settings: ${Object.keys(PROFILES).join(', ')} = ${PROFILES.production.summary}; explicit settings win` },
  sentinelDebug: { file: 'sentinelDebug', env: 'SC_SENTINEL_DEBUG', cli: 'sentinel-debug', kind: 'bool', help: 'shorten Sentinel internal periods with SENTINEL DEBUG (default on; --no-sentinel-debug or SC_SENTINEL_DEBUG=off keeps the defaults)' },
  compareImages: { file: 'compareImages', env: 'SC_COMPARE_IMAGES', cli: 'image', kind: 'list', help: 'compare: an image to run (repeat; the first is the baseline); REDIS+SENTINEL runs different sentinel images' },
  maxSlowerPct: { file: 'thresholds.maxSlowerPct', env: 'SC_MAX_SLOWER_PCT', cli: 'max-slower-pct', kind: 'number', min: 0, help: `compare: a failover phase slower by more than this % ... (default ${DEFAULT_THRESHOLDS.maxSlowerPct})` },
  maxSlowerMs: { file: 'thresholds.maxSlowerMs', env: 'SC_MAX_SLOWER_MS', cli: 'max-slower-ms', kind: 'int', min: 0, help: `compare: ... AND by more than this many ms is a regression (default ${DEFAULT_THRESHOLDS.maxSlowerMs})` },
  maxNewLoss: { file: 'thresholds.maxNewLoss', env: 'SC_MAX_NEW_LOSS', cli: 'max-new-loss', kind: 'int', min: 0, help: `compare: lost writes allowed beyond the baseline's (default ${DEFAULT_THRESHOLDS.maxNewLoss}: any new loss is a regression)` },
  client: { file: 'client', env: 'SC_CLIENT', cli: 'client', kind: 'client', help: 'client library of the workload: ioredis (default), redis-py, or cmd:<adapter command> (docs/client-protocol.md); compare: repeat to compare clients on one image' },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** Environment variable naming the config file (the --config option wins). */
export const CONFIG_FILE_ENV = 'SC_CONFIG';

type Value = string | string[] | number | boolean;
/** One layer: the settings it gives, already parsed and validated. */
export type ConfigLayer = Partial<Record<ConfigKey, Value>>;

const KEYS = Object.keys(CONFIG_KEYS) as ConfigKey[];

function spec(key: ConfigKey): KeySpec {
  return CONFIG_KEYS[key];
}

function show(raw: unknown): string {
  const s = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 79)}…` : s);
}

function expected(s: KeySpec): string {
  switch (s.kind) {
    case 'image':
      return 'an image name without spaces, like redis:7.4.2';
    case 'string':
      return 'a non-empty string';
    case 'list':
      return 'a comma-separated list (or, in JSON, an array of strings)';
    case 'int':
      return `an integer >= ${s.min ?? 0}`;
    case 'number':
      return `a number >= ${s.min ?? 0}`;
    case 'bool':
      return 'on or off (true/false, 1/0, yes/no)';
    case 'client':
      return 'ioredis, redis-py or cmd:<adapter command> (docs/client-protocol.md)';
    case 'profile':
      return `one of ${Object.keys(PROFILES).join(', ')}`;
  }
}

const TRUE = new Set(['1', 'true', 'on', 'yes']);
const FALSE = new Set(['0', 'false', 'off', 'no']);

/** Image references: no spaces, no commas (lists), `+` only as the variant separator. */
const IMAGE_RE = /^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/;

/**
 * Parse one raw value (a string from the environment or the command line, or a JSON value) for a key;
 * `where` names the source for the error message ("--seed", "SC_SEED (environment)", ...).
 */
export function parseValue(key: ConfigKey, raw: unknown, where: string, json = false): Value {
  const s = spec(key);
  const bad = (): ConfigError => new ConfigError(`invalid value ${show(raw)} for ${where}: must be ${expected(s)}`);
  // In JSON, numbers and booleans must be typed as such ("seed": 7, not "7").
  if (json && typeof raw === 'string' && (s.kind === 'int' || s.kind === 'number' || s.kind === 'bool')) {
    throw new ConfigError(`invalid value ${show(raw)} for ${where}: must be ${s.kind === 'bool' ? 'true or false' : `a JSON number (${expected(s)})`}, not a string`);
  }
  switch (s.kind) {
    case 'image': {
      if (typeof raw !== 'string' || !IMAGE_RE.test(raw.trim())) throw bad();
      return raw.trim();
    }
    case 'string': {
      if (typeof raw !== 'string' || raw.trim() === '') throw bad();
      return raw.trim();
    }
    case 'profile': {
      if (typeof raw !== 'string' || !isProfileName(raw.trim().toLowerCase())) throw bad();
      return raw.trim().toLowerCase();
    }
    case 'list': {
      const parts = Array.isArray(raw) ? raw : [raw];
      if (!parts.every((p) => typeof p === 'string')) throw bad();
      const items = (parts as string[]).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
      if (key === 'compareImages') {
        for (const item of items) {
          if (!item.split('+').every((i) => IMAGE_RE.test(i)) || item.split('+').length > 2) {
            throw new ConfigError(`invalid image ${show(item)} in ${where}: give REDIS_IMAGE or REDIS_IMAGE+SENTINEL_IMAGE, like redis:7.4.2`);
          }
        }
      }
      return items;
    }
    case 'int':
    case 'number': {
      let n: number;
      if (typeof raw === 'number') n = raw;
      else if (typeof raw === 'string' && (s.kind === 'int' ? /^\s*-?\d+\s*$/ : /^\s*-?\d+(\.\d+)?\s*$/).test(raw)) n = Number(raw);
      else throw bad();
      if (!Number.isFinite(n) || (s.kind === 'int' && !Number.isSafeInteger(n)) || n < (s.min ?? 0)) throw bad();
      return n;
    }
    case 'client': {
      // Repeatable, never split on commas (an adapter's command line may hold them).
      const items = Array.isArray(raw) ? raw : [raw];
      const wrong = items.find((i) => typeof i !== 'string' || clientChoiceProblem(i.trim()) !== undefined);
      if (items.length === 0 || wrong !== undefined) throw new ConfigError(`invalid value ${show(wrong ?? raw)} for ${where}: must be ${expected(s)}`);
      return (items as string[]).map((i) => i.trim());
    }
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const t = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
      if (t !== undefined && TRUE.has(t)) return true;
      if (t !== undefined && FALSE.has(t)) return false;
      throw bad();
    }
  }
}

/** Settings from environment variables (only the SC_* ones in CONFIG_KEYS; empty values are ignored). */
export function envLayer(env: NodeJS.ProcessEnv, label = '(environment)'): ConfigLayer {
  const out: ConfigLayer = {};
  for (const key of KEYS) {
    const name = spec(key).env;
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    out[key] = parseValue(key, raw, `${name} ${label}`);
  }
  return out;
}

/** Settings from the provisioning file (.sentinel-chaos/images.env); absent file = no settings. */
export function provisioningLayer(cwd = process.cwd()): ConfigLayer {
  const path = resolve(cwd, LOCAL_IMAGES_FILE);
  return envLayer(readEnvFile(path), `in ${LOCAL_IMAGES_FILE}`);
}

/** Settings from a parsed JSON config file; unknown keys are an error (they are usually typos). */
export function fileLayer(json: unknown, name: string): ConfigLayer {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigError(`config file ${name} must hold a JSON object, like {"redisImage": "redis:7.4.2"}`);
  }
  const out: ConfigLayer = {};
  const known = new Map(KEYS.map((k) => [spec(k).file, k]));
  const visit = (obj: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${k}` : k;
      const key = known.get(path);
      if (key !== undefined) {
        if (v !== null) out[key] = parseValue(key, v, `"${path}" in ${name}`, true);
        continue;
      }
      const isGroup = [...known.keys()].some((f) => f.startsWith(`${path}.`));
      if (isGroup && v !== null && typeof v === 'object' && !Array.isArray(v)) {
        visit(v as Record<string, unknown>, path);
        continue;
      }
      throw new ConfigError(`unknown key "${path}" in ${name}. Fix: use only ${[...known.keys()].join(', ')}`);
    }
  };
  visit(json as Record<string, unknown>, '');
  return out;
}

/** Read and parse a JSON config file; one clear line if it is missing or not JSON. */
export function readConfigFile(path: string, cwd = process.cwd()): ConfigLayer {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`cannot read config file ${path} (${code}). Fix: check the path given to --config or ${CONFIG_FILE_ENV}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid JSON (${(e as Error).message.split('\n')[0]}). Fix: correct the file`);
  }
  return fileLayer(json, path);
}

/** Settings from parsed command-line values, keyed by option name (see CONFIG_KEYS[].cli). */
export function cliLayer(values: Record<string, unknown>): ConfigLayer {
  const out: ConfigLayer = {};
  for (const key of KEYS) {
    const name = spec(key).cli;
    if (name === undefined) continue;
    const raw = values[name];
    if (raw === undefined) continue;
    if (Array.isArray(raw) && raw.length === 0) continue;
    out[key] = parseValue(key, raw, `--${name}`);
  }
  return out;
}

export interface LoadConfigOptions {
  /** Parsed command-line values keyed by option name (parseArgs' `values`). */
  cli?: Record<string, unknown>;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** @default process.cwd() */
  cwd?: string;
  /** The JSON config file (--config); else SC_CONFIG from the environment; else none. */
  configFile?: string;
  /** Skip the provisioning file (tests). @default false */
  noProvisioning?: boolean;
}

/** Merge layers: for each key the first layer (highest precedence first) that sets it wins. */
export function mergeLayers(layers: { source: ConfigSource; layer: ConfigLayer }[]): HarnessConfig {
  const values: ConfigLayer = {};
  const sources = {} as Record<ConfigKey, ConfigSource>;
  for (const key of KEYS) {
    sources[key] = 'default';
    for (const { source, layer } of layers) {
      if (layer[key] !== undefined) {
        values[key] = layer[key];
        sources[key] = source;
        break;
      }
    }
  }
  const profile = typeof values.profile === 'string' && isProfileName(values.profile) ? values.profile : undefined;
  if (profile !== undefined) applyProfile(profile, values, sources);
  const str = (k: ConfigKey): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const num = (k: ConfigKey): number | undefined => (typeof values[k] === 'number' ? (values[k] as number) : undefined);
  const list = (k: ConfigKey): string[] => (Array.isArray(values[k]) ? [...(values[k] as string[])] : []);
  const redis = str('redisImage') ?? DEFAULT_IMAGES.redis;
  // The sentinels follow the redis image unless a sentinel image was chosen on purpose: one recorded by the
  // provisioning script does not pin the sentinels when the redis image is set explicitly.
  const explicitRedis = sources.redisImage !== 'default' && sources.redisImage !== 'provisioning';
  if (sources.sentinelImage === 'provisioning' && explicitRedis) delete values.sentinelImage;
  if (values.sentinelImage === undefined) sources.sentinelImage = 'default';
  return {
    images: {
      redis,
      sentinel: str('sentinelImage') ?? redis,
      toxiproxy: str('toxiproxyImage') ?? DEFAULT_IMAGES.toxiproxy,
      ...(str('upgradeImage') ? { upgrade: str('upgradeImage') as string } : {}),
    },
    scenarios: list('scenarios'),
    seed: num('seed'),
    reportDir: str('reportDir'),
    downAfterMs: num('downAfterMs'),
    failoverTimeoutMs: num('failoverTimeoutMs'),
    redisConf: str('redisConf'),
    sentinelConf: str('sentinelConf'),
    sentinelDebug: typeof values.sentinelDebug === 'boolean' ? values.sentinelDebug : true,
    compareImages: list('compareImages'),
    thresholds: {
      maxSlowerPct: num('maxSlowerPct') ?? DEFAULT_THRESHOLDS.maxSlowerPct,
      maxSlowerMs: num('maxSlowerMs') ?? DEFAULT_THRESHOLDS.maxSlowerMs,
      maxNewLoss: num('maxNewLoss') ?? DEFAULT_THRESHOLDS.maxNewLoss,
    },
    clients: list('client').length ? list('client') : ['ioredis'],
    profile,
    sources,
  };
}

/** The settings a profile gives, keyed like the layers. */
export function profileLayer(name: ProfileName): ConfigLayer {
  const p = PROFILES[name];
  return { downAfterMs: p.downAfterMs, failoverTimeoutMs: p.failoverTimeoutMs, sentinelDebug: p.sentinelDebug };
}

/** Fill in the profile's settings where no layer set one (an explicit setting always wins over a profile). */
function applyProfile(name: ProfileName, values: ConfigLayer, sources: Record<ConfigKey, ConfigSource>): void {
  for (const [key, value] of Object.entries(profileLayer(name)) as [ConfigKey, Value][]) {
    if (sources[key] !== 'default') continue;
    values[key] = value;
    sources[key] = 'profile';
  }
}

/**
 * The configuration: command line > environment > config file > provisioning file > defaults,
 * every layer validated as it is read. Throws a ConfigError (one line, naming the fix).
 */
export function loadConfig(o: LoadConfigOptions = {}): HarnessConfig {
  const env = o.env ?? process.env;
  const cwd = o.cwd ?? process.cwd();
  const cli = cliLayer(o.cli ?? {});
  const envL = envLayer(env);
  const fromEnv = env[CONFIG_FILE_ENV];
  const configFile = o.configFile ?? (fromEnv && fromEnv.trim() !== '' ? fromEnv : undefined);
  const file = configFile === undefined ? {} : readConfigFile(configFile, cwd);
  const prov = o.noProvisioning ? {} : provisioningLayer(cwd);
  const c = mergeLayers([
    { source: 'cli', layer: cli },
    { source: 'env', layer: envL },
    { source: 'file', layer: file },
    { source: 'provisioning', layer: prov },
  ]);
  // User config files are named relative to the working directory, like the report folder.
  if (c.redisConf !== undefined) c.redisConf = resolve(cwd, c.redisConf);
  if (c.sentinelConf !== undefined) c.sentinelConf = resolve(cwd, c.sentinelConf);
  return c;
}

/** Where a setting is given, for messages: "--redis-image", "SC_REDIS_IMAGE", "redisImage in the config file"... */
export function describeSource(key: ConfigKey, source: ConfigSource): string {
  const s = spec(key);
  switch (source) {
    case 'cli':
      return s.cli ? `--${s.cli}` : s.env;
    case 'env':
      return s.env;
    case 'file':
      return `"${s.file}" in the config file`;
    case 'provisioning':
      return `${s.env} in ${LOCAL_IMAGES_FILE}`;
    case 'profile':
      return 'the profile (--profile)';
    case 'default':
      return 'the default';
  }
}
