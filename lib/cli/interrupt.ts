/**
 * Ctrl-C / SIGTERM during a run: no further scenario starts, the running one is torn down (the topology
 * registry, lib/topology/registry.ts, removes every live topology), the run writes its partial report —
 * the finished scenarios plus the interrupted one, marked so (ChaosRun's interrupt hook) — and prints its
 * path, then the process exits 130 / 143.
 * Before any topology or run exists there is nothing to remove or report: the process exits at once.
 */
import { signalReceived } from '../topology/registry.ts';

let received: NodeJS.Signals | undefined;
let watching = false;

export const SIGNAL_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 130, SIGTERM: 143 };

/** The signal received, if any. */
export function interrupted(): NodeJS.Signals | undefined {
  return received ?? signalReceived();
}

export function watchInterrupts(log: (m: string) => void): void {
  if (watching) return;
  watching = true;
  for (const s of ['SIGINT', 'SIGTERM'] as const) {
    process.on(s, () => {
      if (received) return;
      received = s;
      // Only this listener: no topology or run ever registered with the registry, so nothing needs removing.
      if (process.listenerCount(s) <= 1) process.exit(SIGNAL_EXIT[s]);
      log(`${s}: no further scenario will start; removing what runs and writing the partial report`);
    });
  }
}
