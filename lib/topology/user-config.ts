/**
 * The user's own redis.conf / sentinel.conf, merged into the configs the harness generates, so a chaos
 * run tests THEIR settings. Pure except for reading the files (loadUserConfig).
 *
 * Parsing follows Redis (config.c + sdssplitargs): one directive per line, the line trimmed, a line starting
 * with `#` is a comment, arguments split on spaces with "double quotes" (escapes \n \r \t \b \a \\ \" \xHH)
 * and 'single quotes' (only \' escapes); a closing quote must be followed by a space or the end of the line.
 * The directive name is case-insensitive. `include FILE` is resolved here, on the host, relative to the
 * including file (the container cannot see host paths), recursively, without globs.
 *
 * Settings the harness must own (ports, bind, announce addresses, replicaof, dir, logfile, auth, the
 * monitored master, ...) are refused with one ConfigError line naming the setting and why. A value equal to
 * the harness's own (e.g. `port 6379`) is accepted, so a stock redis.conf needs fewer edits. Sentinel state
 * that Sentinel writes itself on CONFIG REWRITE (myid, epochs, known-replica/sentinel) is ignored and listed.
 *
 * Per-master sentinel lines (`sentinel down-after-milliseconds NAME 5000`) may name any ONE master: the name
 * is rewritten to the topology's. down-after-milliseconds, failover-timeout and parallel-syncs become the
 * topology options (withUserConfig), so the bounds and reports follow them: they win over a scenario's own
 * values, and the report says so.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, describeSource, type HarnessConfig } from '../config.ts';
import type { TopologyOptions } from './options.ts';

export type ConfKind = 'redis' | 'sentinel';

/** One directive of the user's file, e.g. { args: ['maxmemory', '64mb'], where: 'my.conf:3' }. */
export interface UserDirective {
  args: string[];
  where: string;
  /** The values of a secret-looking directive (e.g. tls-key-file-pass): written to the servers, never reported. */
  secret?: string[];
}

export interface UserConfFile {
  /** The file as given (absolute). */
  file: string;
  /** Directives passed to every server of this kind (includes resolved). */
  directives: UserDirective[];
  /** Sentinel state lines ignored (written by Sentinel itself, not settings). */
  ignored: UserDirective[];
  /** The master name the file's per-master sentinel lines use (rewritten to the topology's). */
  masterName?: string;
}

/** The user's configuration files; JSON-serializable (it travels in TopologyOptions and the report). */
export interface UserConfig {
  redis?: UserConfFile;
  sentinel?: UserConfFile;
  /** Set by withUserConfig: what the user's files changed in the scenario's topology. */
  notes?: string[];
}

/** What a report shows: the lines each server kind got from the user, and the notes. */
export interface UserConfigReport {
  redisConf?: { file: string; lines: string[] };
  sentinelConf?: { file: string; lines: string[]; masterName?: string };
  ignored: string[];
  notes: string[];
}

// ---------------------------------------------------------------------------------------------
// Parsing (Redis's rules)

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/** Split one line like Redis's sdssplitargs; null on unbalanced quotes (Redis refuses the file then). */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  const space = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
  for (;;) {
    while (i < n && space(line[i])) i++;
    if (i >= n) return out;
    let cur = '';
    let inq = false;
    let insq = false;
    for (;;) {
      const c = line[i];
      if (inq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && line[i + 1] !== undefined) {
          const e = line[i + 1] as string;
          cur += ESCAPES[e] ?? e;
          i++;
        } else if (c === '"') {
          if (i + 1 < n && !space(line[i + 1])) return null;
          inq = false;
          i++;
          break;
        } else cur += c;
      } else if (insq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") {
          cur += "'";
          i++;
        } else if (c === "'") {
          if (i + 1 < n && !space(line[i + 1])) return null;
          insq = false;
          i++;
          break;
        } else cur += c;
      } else {
        if (c === undefined || space(c)) break;
        if (c === '"') inq = true;
        else if (c === "'") insq = true;
        else cur += c;
      }
      i++;
    }
    out.push(cur);
  }
}

/** An argument as Redis reads it back: bare when safe, else double-quoted with escapes. */
export function quoteArg(a: string): string {
  if (a !== '' && /^[\x21-\x7e]+$/.test(a) && !/["'\\]/.test(a)) return a;
  let s = '"';
  for (const ch of a) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') s += `\\${ch}`;
    else if (ch === '\n') s += '\\n';
    else if (ch === '\r') s += '\\r';
    else if (ch === '\t') s += '\\t';
    else if (code < 0x20 || code === 0x7f) s += `\\x${code.toString(16).padStart(2, '0')}`;
    else s += ch;
  }
  return `${s}"`;
}

export function renderDirective(args: readonly string[]): string {
  return args.map(quoteArg).join(' ');
}

/** Directives of one file's text (no include resolution); `name` labels errors ("my.conf"). */
export function parseConfText(text: string, name: string): UserDirective[] {
  const out: UserDirective[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${name}:${i + 1}`;
    const args = splitArgs(line);
    if (args === null) throw new ConfigError(`${where}: unbalanced quotes in ${JSON.stringify(line.slice(0, 80))}. Fix: close the quote (Redis would refuse this file too)`);
    if (args.length === 0) return;
    out.push({ args: [(args[0] as string).toLowerCase(), ...args.slice(1)], where });
  });
  return out;
}

/** Read a file and resolve its `include` lines (relative to the including file), refusing cycles and globs. */
export function readConfFile(file: string, label: string, stack: string[] = []): UserDirective[] {
  const abs = path.resolve(file);
  if (stack.includes(abs)) throw new ConfigError(`${label}: include cycle (${[...stack, abs].map((f) => path.basename(f)).join(' -> ')}). Fix: remove the include that loops`);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`cannot read ${label} ${file} (${code}). Fix: check the path`);
  }
  const out: UserDirective[] = [];
  for (const d of parseConfText(text, path.basename(abs))) {
    if (d.args[0] !== 'include') {
      out.push(d);
      continue;
    }
    const target = d.args[1];
    if (d.args.length !== 2 || target === undefined) throw new ConfigError(`${d.where}: include takes one file. Fix: write include /path/to/file.conf`);
    if (/[*?[]/.test(target)) throw new ConfigError(`${d.where}: include with a wildcard (${target}) is not supported. Fix: include each file by name`);
    out.push(...readConfFile(path.resolve(path.dirname(abs), target), `the file included at ${d.where}`, [...stack, abs]));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// What the harness owns

const AUTH_WHY = 'the harness, its observers and its clients must authenticate; scenarios that test authentication set topology.auth';

/** Directives refused in both files: name → why (a value check may accept the harness's own value). */
const OWNED: Record<string, { why: string; accept?: (args: string[], kind: ConfKind) => boolean }> = {
  port: { why: 'the toxiproxy sidecars forward to the standard port', accept: (a, k) => a.length === 2 && a[1] === (k === 'redis' ? '6379' : '26379') },
  'tls-port': { why: 'the proxies, observers and clients speak plain TCP to the standard port' },
  bind: { why: 'peers and the harness connect through the sidecar network, so the server must listen on every interface', accept: (a) => a.slice(1).some((x) => x === '0.0.0.0' || x === '*') },
  'protected-mode': { why: 'without a password, protected mode refuses the peers that connect through the sidecar network', accept: (a) => a[1]?.toLowerCase() === 'no' },
  'replica-announce-ip': { why: 'every node announces its name so that other nodes reach it through their proxies' },
  'slave-announce-ip': { why: 'every node announces its name so that other nodes reach it through their proxies' },
  'replica-announce-port': { why: 'every node announces its proxy port so that each link can be cut on its own' },
  'slave-announce-port': { why: 'every node announces its proxy port so that each link can be cut on its own' },
  replicaof: { why: 'the harness makes redis-0 the master and the others its replicas' },
  slaveof: { why: 'the harness makes redis-0 the master and the others its replicas' },
  dir: { why: 'each node keeps its config and data in its own directory of the topology volume, which survives restarts' },
  logfile: { why: 'the harness reads each server log from the container output', accept: (a) => a.length === 2 && a[1] === '' },
  daemonize: { why: 'the server is the container process and must stay in the foreground', accept: (a) => a[1]?.toLowerCase() === 'no' },
  requirepass: { why: AUTH_WHY },
  masterauth: { why: AUTH_WHY },
  masteruser: { why: AUTH_WHY },
  user: { why: AUTH_WHY },
  aclfile: { why: AUTH_WHY },
  'rename-command': { why: 'the harness, its faults and Sentinel call commands (CONFIG, SLAVEOF, DEBUG, SHUTDOWN, ...) by name' },
};

/** `sentinel <sub>` lines the harness owns. */
const SENTINEL_OWNED: Record<string, string> = {
  monitor: 'the harness monitors its own master (redis-0 through the proxies) with the scenario\'s quorum; per-master lines such as "sentinel down-after-milliseconds NAME 5000" still apply',
  'announce-ip': 'every sentinel announces its name so that the others reach it through their proxies',
  'announce-port': 'every sentinel announces its proxy port so that each link can be cut on its own',
  'resolve-hostnames': 'the announced addresses are node names, which need hostname resolution',
  'announce-hostnames': 'the announced addresses are node names, which clients map to their proxies',
  'auth-pass': AUTH_WHY,
  'auth-user': AUTH_WHY,
  'sentinel-user': AUTH_WHY,
  'sentinel-pass': AUTH_WHY,
  'rename-command': 'the harness, its faults and Sentinel call commands by name',
  'notification-script': 'scripts run inside the container, where the host path does not exist',
  'client-reconfig-script': 'scripts run inside the container, where the host path does not exist',
};

/** Sentinel's own state, written on CONFIG REWRITE: ignored (the harness pre-seeds its own). */
const SENTINEL_STATE = new Set(['myid', 'current-epoch', 'config-epoch', 'leader-epoch', 'known-replica', 'known-slave', 'known-sentinel']);

/** `sentinel <sub> <master-name> ...` subcommands (the others are global). */
const PER_MASTER = new Set(['monitor', 'down-after-milliseconds', 'failover-timeout', 'parallel-syncs', 'notification-script', 'client-reconfig-script', 'auth-pass', 'auth-user', 'rename-command', 'master-reboot-down-after-period', 'config-epoch', 'leader-epoch', 'known-replica', 'known-slave', 'known-sentinel']);

/** Per-master values that become topology options. */
const TIMINGS = { 'down-after-milliseconds': { key: 'downAfterMs', min: 100 }, 'failover-timeout': { key: 'failoverTimeoutMs', min: 100 }, 'parallel-syncs': { key: 'parallelSyncs', min: 1 } } as const;
type TimingSub = keyof typeof TIMINGS;

/** Redis lines the harness writes by default that a user line replaces (instead of both being written). */
export const REPLACEABLE_DEFAULTS = new Set(['save', 'appendonly', 'repl-diskless-sync', 'repl-diskless-sync-delay', 'replica-priority', 'slave-priority']);

/** Directives whose values are secrets (tls-key-file-pass, ...): reported as [redacted]. */
const SECRET_DIRECTIVE = /pass(word)?$|secret|token/i;

/** A directive as a config line: with its secret values for the servers (`reveal`), redacted for reports. */
function line(d: UserDirective, reveal: boolean): string {
  return renderDirective([...d.args, ...(d.secret ? (reveal ? d.secret : ['[redacted]']) : [])]);
}

function refuse(d: UserDirective, setting: string, why: string): never {
  throw new ConfigError(`${d.where}: "${setting}" is set by the harness (${why}). Fix: remove the line`);
}

/** Validate one file's directives; returns the passed-through and the ignored ones, and the master name used. */
export function checkDirectives(kind: ConfKind, directives: UserDirective[]): Omit<UserConfFile, 'file'> {
  const pass: UserDirective[] = [];
  const ignored: UserDirective[] = [];
  let master: { name: string; where: string } | undefined;
  for (const d of directives) {
    const [name = '', ...rest] = d.args;
    const owned = OWNED[name];
    // Auth lines carry secrets: name the directive only.
    if (owned && !owned.accept?.(d.args, kind)) refuse(d, owned.why === AUTH_WHY ? name : renderDirective(d.args).slice(0, 60), owned.why);
    if (owned) continue; // the harness's own value: nothing to add
    if (name !== 'sentinel') {
      // Under a key the report redaction recognises (lib/scenario/redact.ts), so the value never reaches a report.
      pass.push(SECRET_DIRECTIVE.test(name) ? { args: [name], secret: rest, where: d.where } : d);
      continue;
    }
    if (kind === 'redis') throw new ConfigError(`${d.where}: "sentinel ${rest[0] ?? ''}" belongs in the sentinel config. Fix: move it to the file given with --sentinel-conf`);
    const sub = (rest[0] ?? '').toLowerCase();
    const args = ['sentinel', sub, ...rest.slice(1)];
    if (SENTINEL_STATE.has(sub)) {
      ignored.push({ args, where: d.where });
      continue;
    }
    const why = SENTINEL_OWNED[sub];
    if (why) refuse(d, `sentinel ${sub}`, why);
    if (PER_MASTER.has(sub)) {
      const m = rest[1];
      if (m === undefined || rest.length < 3) throw new ConfigError(`${d.where}: "sentinel ${sub}" needs a master name and a value. Fix: write sentinel ${sub} mymaster <value>`);
      if (master && master.name !== m) {
        throw new ConfigError(`${d.where}: names master ${JSON.stringify(m)} but ${master.where} names ${JSON.stringify(master.name)}; the harness monitors one master. Fix: keep the lines of one master`);
      }
      master ??= { name: m, where: d.where };
      if (sub in TIMINGS) timingValue(sub as TimingSub, { args, where: d.where });
    }
    pass.push({ args, where: d.where });
  }
  return { directives: pass, ignored, ...(master ? { masterName: master.name } : {}) };
}

function timingValue(sub: TimingSub, d: UserDirective): number {
  const raw = d.args[3] ?? '';
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  const min = TIMINGS[sub].min;
  if (!Number.isSafeInteger(n) || n < min || d.args.length !== 4) throw new ConfigError(`${d.where}: sentinel ${sub} needs one integer >= ${min}, got ${JSON.stringify(d.args.slice(3).join(' '))}. Fix: correct the value`);
  return n;
}

/** Read, resolve includes and validate one user file; `label` is "--redis-conf" or the like, for errors. */
export function loadUserConf(kind: ConfKind, file: string, label: string): UserConfFile {
  return { file: path.resolve(file), ...checkDirectives(kind, readConfFile(file, `${label} file`)) };
}

/** The user's files (absent paths = none); undefined when neither is given. Throws one-line ConfigErrors. */
export function loadUserConfig(o: { redisConf?: string | undefined; sentinelConf?: string | undefined }, labels = { redis: 'redis config', sentinel: 'sentinel config' }): UserConfig | undefined {
  if (o.redisConf === undefined && o.sentinelConf === undefined) return undefined;
  return {
    ...(o.redisConf !== undefined ? { redis: loadUserConf('redis', o.redisConf, labels.redis) } : {}),
    ...(o.sentinelConf !== undefined ? { sentinel: loadUserConf('sentinel', o.sentinelConf, labels.sentinel) } : {}),
  };
}

/** The topology option carrying the files a configuration names (--redis-conf, SC_SENTINEL_CONF, ...). */
export function userConfigOf(c: Pick<HarnessConfig, 'redisConf' | 'sentinelConf' | 'sources'>): { userConfig?: UserConfig } {
  const labels = { redis: describeSource('redisConf', c.sources.redisConf), sentinel: describeSource('sentinelConf', c.sources.sentinelConf) };
  const u = loadUserConfig(c, labels);
  return u ? { userConfig: u } : {};
}

// ---------------------------------------------------------------------------------------------
// Merging into a topology

/** down-after / failover-timeout / parallel-syncs the user's sentinel file sets (the last line wins, as in Redis). */
export function userTimings(u: UserConfig | undefined): Partial<Pick<TopologyOptions, 'downAfterMs' | 'failoverTimeoutMs' | 'parallelSyncs'>> {
  const out: Partial<Record<'downAfterMs' | 'failoverTimeoutMs' | 'parallelSyncs', number>> = {};
  for (const d of u?.sentinel?.directives ?? []) {
    const sub = d.args[1] as TimingSub;
    if (d.args[0] === 'sentinel' && sub in TIMINGS) out[TIMINGS[sub].key] = timingValue(sub, d);
  }
  return out;
}

/**
 * The topology options of one scenario with the user's files applied: their sentinel timings replace the
 * scenario's (so bounds and reports follow them), and notes say what changed. Without userConfig: `o` as is.
 */
export function withUserConfig<T extends Partial<TopologyOptions>>(o: T): T {
  const u = o.userConfig;
  if (!u) return o;
  const notes: string[] = [];
  const timings = userTimings(u);
  const labels = { downAfterMs: 'down-after-milliseconds', failoverTimeoutMs: 'failover-timeout', parallelSyncs: 'parallel-syncs' } as const;
  for (const [k, v] of Object.entries(timings) as [keyof typeof timings, number][]) {
    const before = o[k];
    notes.push(`sentinel ${labels[k]} ${v} from ${path.basename(u.sentinel?.file ?? '')}${before !== undefined && before !== v ? ` (replaces the scenario's ${before})` : ''}`);
  }
  const master = o.masterName ?? 'mymaster';
  if (u.sentinel?.masterName !== undefined && u.sentinel.masterName !== master) {
    notes.push(`per-master sentinel lines for ${JSON.stringify(u.sentinel.masterName)} applied to the harness's master ${JSON.stringify(master)}`);
  }
  const userNames = new Set((u.redis?.directives ?? []).map((d) => d.args[0]));
  for (const line of o.redisConfig ?? []) {
    const name = (splitArgs(line)?.[0] ?? '').toLowerCase();
    if (userNames.has(name)) notes.push(`${name} from ${path.basename(u.redis?.file ?? '')} replaces the scenario's "${line}"`);
  }
  for (const name of userNames) {
    if (name !== undefined && REPLACEABLE_DEFAULTS.has(name)) notes.push(`${name} from ${path.basename(u.redis?.file ?? '')} replaces the harness's default`);
  }
  return { ...o, ...timings, userConfig: { ...u, notes } };
}

/** The user's redis lines for a generated redis.conf (appended last, so they win); `reveal: false` for reports. */
export function userRedisLines(o: Pick<TopologyOptions, 'userConfig'>, reveal = true): string[] {
  return (o.userConfig?.redis?.directives ?? []).map((d) => line(d, reveal));
}

/** Whether a harness default line ("appendonly no") is replaced by a user line of the same directive. */
export function replacedByUser(line: string, o: Pick<TopologyOptions, 'userConfig'>): boolean {
  const name = alias(line.split(' ')[0]);
  return REPLACEABLE_DEFAULTS.has(name) && (o.userConfig?.redis?.directives ?? []).some((d) => alias(d.args[0]) === name);
}

function alias(name: string | undefined): string {
  return name === 'slave-priority' ? 'replica-priority' : (name ?? '');
}

/**
 * The user's sentinel lines for a generated sentinel.conf, per-master ones renamed to the topology's master;
 * the timings are left out (they are the topology options, written by the harness's own lines).
 */
export function userSentinelLines(o: Pick<TopologyOptions, 'userConfig' | 'masterName'>, reveal = true): string[] {
  return (o.userConfig?.sentinel?.directives ?? [])
    .filter((d) => !(d.args[0] === 'sentinel' && (d.args[1] ?? '') in TIMINGS))
    .map((d) => (d.args[0] === 'sentinel' && PER_MASTER.has(d.args[1] ?? '') ? renderDirective(['sentinel', d.args[1] ?? '', o.masterName, ...d.args.slice(3)]) : line(d, reveal)));
}

/** The user-config section of a result's topology; undefined without user files. */
export function userConfigReport(o: TopologyOptions): UserConfigReport | undefined {
  const u = o.userConfig;
  if (!u) return undefined;
  const sentinelLines = [
    ...(u.sentinel?.directives ?? []).filter((d) => (d.args[1] ?? '') in TIMINGS).map((d) => renderDirective(['sentinel', d.args[1] ?? '', o.masterName, ...d.args.slice(3)])),
    ...userSentinelLines(o, false),
  ];
  return {
    ...(u.redis ? { redisConf: { file: u.redis.file, lines: userRedisLines(o, false) } } : {}),
    ...(u.sentinel ? { sentinelConf: { file: u.sentinel.file, lines: sentinelLines, ...(u.sentinel.masterName !== undefined ? { masterName: u.sentinel.masterName } : {}) } } : {}),
    ignored: [...(u.redis?.ignored ?? []), ...(u.sentinel?.ignored ?? [])].map((d) => `${d.where}: ${renderDirective(d.args)} (Sentinel state, not a setting)`),
    notes: u.notes ?? [],
  };
}

/** One line per user file and per note, for the topology notes every report format shows. */
export function userConfigNotes(o: TopologyOptions): string[] {
  const r = userConfigReport(o);
  if (!r) return [];
  const file = (f: { file: string; lines: string[] } | undefined, what: string): string[] =>
    f ? [`${what} from ${path.basename(f.file)}: ${f.lines.length ? f.lines.join('; ') : 'nothing beyond the harness\'s own values'}`] : [];
  return [...file(r.redisConf, 'user redis config'), ...file(r.sentinelConf, 'user sentinel config'), ...r.notes, ...(r.ignored.length ? [`ignored: ${r.ignored.join('; ')}`] : [])];
}

/** Consistency (for topologies built without withUserConfig): the options must carry the user's timings. */
export function checkUserTimings(o: TopologyOptions): void {
  for (const [k, v] of Object.entries(userTimings(o.userConfig)) as [keyof ReturnType<typeof userTimings>, number][]) {
    if (o[k] !== v) throw new ConfigError(`invalid option ${k}=${o[k]}: the user sentinel config sets ${v}. Fix: build the options with withUserConfig() (lib/topology/user-config.ts)`);
  }
}
