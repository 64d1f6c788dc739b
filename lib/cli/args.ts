/**
 * Parse a command's arguments with node:util parseArgs (strict), turning its errors into ONE line
 * that names the fix (a UsageError → exit code 2).
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { ConfigError } from '../config.ts';
import { COMMANDS, type CommandSpec } from './spec.ts';

/** Bad command-line usage: one line naming the fix. Exit code 2, like a ConfigError. */
export class UsageError extends ConfigError {
  override name = 'UsageError';
}

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Levenshtein distance, for "did you mean". */
export function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return (d[a.length] as number[])[b.length] ?? 0;
}

/** The closest candidate within a small edit distance, if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d <= Math.max(2, Math.floor(c.length / 4)) && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

function helpHint(cmd: CommandSpec): string {
  return `see sentinel-chaos ${cmd.name} --help`;
}

function optionNameIn(message: string): string | undefined {
  return /'(--?[A-Za-z0-9-]+)/.exec(message)?.[1];
}

function translate(cmd: CommandSpec, err: Error & { code?: string }): UsageError {
  const msg = err.message.split('\n')[0] ?? '';
  const opt = optionNameIn(msg);
  const names = Object.keys(cmd.options).map((n) => `--${n}`);
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const name = opt ?? msg;
      const bare = name.replace(/^-+/, '').replace(/^no-/, '');
      const guess = closest(`--${bare}`, names);
      const other = COMMANDS.find((c) => c !== cmd && Object.hasOwn(c.options, bare));
      const hint = guess ? ` (did you mean ${guess}?)` : other ? ` (it belongs to \`${other.name}\`)` : '';
      return new UsageError(`unknown option ${name} for \`${cmd.name}\`${hint}. Fix: use one of ${names.join(' ')}; ${helpHint(cmd)}`);
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = opt ?? 'an option';
      if (/does not take an argument/.test(msg)) return new UsageError(`option ${name} takes no value. Fix: write ${name} alone; ${helpHint(cmd)}`);
      if (/ambiguous/.test(msg)) return new UsageError(`option ${name} is missing its value. Fix: write ${name} VALUE (or ${name}=VALUE if it starts with '-')`);
      return new UsageError(`option ${name} is missing its value. Fix: write ${name} VALUE; ${helpHint(cmd)}`);
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const arg = /'([^']*)'/.exec(msg)?.[1] ?? '';
      return new UsageError(`unexpected argument ${JSON.stringify(arg)} for \`${cmd.name}\`. Fix: options are --name VALUE; ${helpHint(cmd)}`);
    }
    default:
      return new UsageError(`${msg}. Fix: ${helpHint(cmd)}`);
  }
}

/** Parse `argv` (after the command name) for `cmd`. Throws a UsageError. */
export function parseCommand(cmd: CommandSpec, argv: string[]): Parsed {
  const options: ParseArgsOptionsConfig = {};
  for (const [name, o] of Object.entries(cmd.options)) {
    options[name] = { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) };
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: cmd.positionals !== undefined, allowNegative: true });
  } catch (e) {
    throw translate(cmd, e as Error & { code?: string });
  }
  // --no-X is only meaningful for settings that default to on.
  for (const [name, v] of Object.entries(parsed.values)) {
    if (v === false && !cmd.options[name]?.config) {
      throw new UsageError(`unknown option --no-${name} for \`${cmd.name}\`. Fix: leave it out (it is off by default); ${helpHint(cmd)}`);
    }
  }
  if (parsed.values['help'] !== true && cmd.positionals && parsed.positionals.length < cmd.positionals.min) {
    throw new UsageError(`\`${cmd.name}\` needs at least ${cmd.positionals.min} ${cmd.positionals.name}. Fix: ${cmd.usage}`);
  }
  return parsed as Parsed;
}

/** The command named by argv[0], or a UsageError naming the commands (with a "did you mean"). */
export function findCommand(name: string | undefined): CommandSpec {
  const names = COMMANDS.map((c) => c.name);
  if (name === undefined || name === '') {
    throw new UsageError(`no command given. Fix: sentinel-chaos ${names.join('|')} [options]; see sentinel-chaos --help`);
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (cmd) return cmd;
  if (name.startsWith('-')) {
    throw new UsageError(`unknown option ${name} before the command. Fix: sentinel-chaos ${names.join('|')} [options]; see sentinel-chaos --help`);
  }
  const guess = closest(name, names);
  throw new UsageError(`unknown command ${JSON.stringify(name)}${guess ? ` (did you mean ${guess}?)` : ''}. Fix: use one of ${names.join(', ')}; see sentinel-chaos --help`);
}
