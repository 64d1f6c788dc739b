/**
 * The sentinel-chaos command line: parse, validate everything up front, dispatch.
 * Errors of usage or configuration are ONE line on stderr naming the fix, exit code 2, and happen
 * before any container exists.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.ts';
import { findCommand, parseCommand, type Parsed } from './args.ts';
import { oneLine, type CliContext } from './context.ts';
import { commandHelp, mainHelp } from './help.ts';
import { withScenariosFrom } from './scenarios-from.ts';
import { EXIT } from './spec.ts';

type Handler = (p: Parsed, ctx: CliContext) => Promise<number>;

/** Loaded on use: the commands pull in the Docker, Redis and report modules, which --help does not need. */
const HANDLERS: Record<string, () => Promise<Handler>> = {
  run: async () => (await import('./run.ts')).runCommand,
  compare: async () => (await import('./compare.ts')).compareCommand,
  list: async () => (await import('./list.ts')).listCommand,
  merge: async () => (await import('./merge.ts')).mergeCommand,
  check: async () => (await import('./check.ts')).checkCommand,
  cleanup: async () => (await import('./cleanup.ts')).cleanupCommand,
};

/** package.json is two levels up from lib/cli in a checkout, three from dist/lib/cli in an installed package. */
function version(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'sentinel-chaos') return pkg.version ?? 'unknown';
    } catch {
      // not here: try the next level
    }
  }
  return 'unknown';
}

/** Run the CLI; returns the exit code. */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === '--help' || first === '-h') {
      ctx.out(mainHelp());
      return EXIT.ok;
    }
    if (first === '--version' || first === '-V') {
      ctx.out(version());
      return EXIT.ok;
    }
    if (first === 'help') {
      ctx.out(rest[0] === undefined ? mainHelp() : commandHelp(findCommand(rest[0])));
      return EXIT.ok;
    }
    const cmd = findCommand(first);
    const parsed = parseCommand(cmd, rest);
    if (parsed.values['help'] === true) {
      ctx.out(commandHelp(cmd));
      return EXIT.ok;
    }
    const load = HANDLERS[cmd.name];
    if (!load) throw new Error(`no handler for ${cmd.name}`);
    // --scenarios-from (run, compare, list) swaps in the user's scenarios as the catalogue.
    return await (await load())(parsed, await withScenariosFrom(parsed, ctx));
  } catch (e) {
    if (e instanceof ConfigError) {
      ctx.err(`sentinel-chaos: error: ${oneLine(e.message)}`);
      return EXIT.usage;
    }
    const msg = e instanceof Error ? e.message : String(e);
    ctx.err(`sentinel-chaos: error: ${oneLine(msg)}`);
    if (ctx.env['SC_DEBUG'] && e instanceof Error && e.stack) ctx.err(e.stack);
    return EXIT.failed;
  }
}
