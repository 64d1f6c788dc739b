#!/usr/bin/env node
/**
 * sentinel-chaos: the command line (see `sentinel-chaos --help`). Node >= 22.22 runs this file directly
 * (type stripping); `scripts/sc cli ...` provisions Node, dependencies, Docker and images first.
 */
import { interrupted } from '../lib/cli/interrupt.ts';
import { main } from '../lib/cli/main.ts';

const code = await main(process.argv.slice(2), {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
  env: process.env,
  cwd: process.cwd(),
  catalogue: async () => (await import('../suites/chaos/catalogue.ts')).catalogue(),
});
if (interrupted()) {
  // The topology registry is removing what was running and exits the process (130 / 143) when done;
  // give it time, then exit anyway.
  process.exitCode = code;
  setTimeout(() => process.exit(code), 35_000);
} else {
  // Docker and Redis clients may keep sockets open; everything the run created has been removed by now. Exit
  // once stdout and stderr are flushed: on a pipe, process.exit() would cut off a long output (check --json).
  process.exitCode = code;
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
