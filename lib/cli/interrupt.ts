/**
 * Ctrl-C / SIGTERM during a run: no further scenario starts, the running one is torn down (the topology
 * registry, lib/topology/registry.ts, removes every live topology and then exits the process with
 * 130 / 143), and the report covers the scenarios that ran if it can be written before that.
 * Before any topology exists there is nothing to remove: the process exits at once.
 */
let received: NodeJS.Signals | undefined;
let watching = false;

export const SIGNAL_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 130, SIGTERM: 143 };

/** The signal received, if any. */
export function interrupted(): NodeJS.Signals | undefined {
  return received;
}

export function watchInterrupts(log: (m: string) => void): void {
  if (watching) return;
  watching = true;
  for (const s of ['SIGINT', 'SIGTERM'] as const) {
    process.on(s, () => {
      if (received) return;
      received = s;
      // Only this listener: no topology was ever started, so nothing needs removing.
      if (process.listenerCount(s) <= 1) process.exit(SIGNAL_EXIT[s]);
      log(`${s}: no further scenario will start; removing what runs and writing the report of what finished`);
    });
  }
}
