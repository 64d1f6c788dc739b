/** What a command needs from the outside world; tests pass fakes. */
import { ConfigError } from '../config.ts';
import type { Scenario } from '../scenario/scenario.ts';

export interface CliContext {
  /** A line to stdout (results meant for scripts: report paths, lists). */
  out: (line: string) => void;
  /** A line to stderr (progress, summaries, errors). */
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The scenario catalogue, built fresh on every call (call it again for every run); loaded lazily: it pulls in the Docker and Redis clients. */
  catalogue: () => Promise<Scenario[]>;
}

/** A message on one line (errors from libraries may carry newlines). */
export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** Progress lines prefixed with the time since `start`, e.g. "  12.3s [kill-master] ...". */
export function progressPrinter(ctx: CliContext, start = Date.now()): (m: string) => void {
  return (m: string) => {
    if (!m) return;
    ctx.err(`${((Date.now() - start) / 1000).toFixed(1).padStart(6)}s ${m}`);
  };
}

/** Run ids become folder names: keep them simple. */
export function checkRunId(id: string, where: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(id)) {
    throw new ConfigError(`invalid value ${JSON.stringify(id)} for ${where}: use 1-100 letters, digits, . _ - (starting with a letter or digit)`);
  }
  return id;
}
