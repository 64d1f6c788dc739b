/**
 * Live topologies of this process, so that SIGINT / SIGTERM (and a crash) still tear everything down.
 * Nothing here depends on Ryuk: the process removes its own containers and networks.
 *
 * On a signal: every live topology is stopped and its labels swept, then the interrupt hooks run (a run
 * writes its partial report there, see ChaosRun), then the process exits 130 (SIGINT) / 143 (SIGTERM).
 * The whole sequence is bounded (HARD_EXIT_MS).
 */
import { cleanup, LABEL_TOPOLOGY } from './docker.ts';

interface Stoppable {
  id: string;
  stop(): Promise<void>;
}

/** Work to do after a signal tore the topologies down, before the exit (e.g. write the partial report). */
export type InterruptHook = (signal: NodeJS.Signals) => Promise<void>;

const live = new Map<string, Stoppable>();
const hooks = new Set<InterruptHook>();
let installed = false;
let received: NodeJS.Signals | undefined;
/** Teardown plus hooks must end by then; the process exits regardless. */
const HARD_EXIT_MS = 45_000;

/** The signal this process received (handled here), if any. */
export function signalReceived(): NodeJS.Signals | undefined {
  return received;
}

/** Run `hook` after a SIGINT / SIGTERM has removed every live topology, before the exit. Returns its removal. */
export function onInterrupt(hook: InterruptHook): () => void {
  hooks.add(hook);
  installHandlers();
  return () => hooks.delete(hook);
}

export function register(t: Stoppable): void {
  live.set(t.id, t);
  installHandlers();
}

export function unregister(id: string): void {
  live.delete(id);
}

export function liveTopologies(): number {
  return live.size;
}

/** Stop every live topology (in parallel); used by the signal handlers and by runners' last resort. */
export async function stopAll(): Promise<void> {
  const all = [...live.values()];
  await Promise.allSettled(all.map((t) => t.stop()));
}

/**
 * Remove whatever still carries these topologies' labels, round after round, until two rounds in a row
 * find nothing (bounded by `maxMs`). A stop that interrupts `start()` removes what exists at that moment,
 * but container creations already sent to the engine land afterwards; the rounds catch those.
 * Returns the number of resources removed.
 */
export async function sweep(ids: string[], opts: { intervalMs?: number; maxMs?: number } = {}): Promise<number> {
  if (ids.length === 0) return 0;
  const interval = opts.intervalMs ?? 500;
  const deadline = Date.now() + (opts.maxMs ?? 10_000);
  let removed = 0;
  let quiet = 0;
  while (quiet < 2 && Date.now() < deadline) {
    const rounds = await Promise.all(ids.map((id) => cleanup({ [LABEL_TOPOLOGY]: id }).catch(() => [])));
    const found = rounds.reduce((n, r) => n + r.length, 0);
    removed += found;
    quiet = found === 0 ? quiet + 1 : 0;
    if (quiet < 2) await new Promise((r) => setTimeout(r, interval));
  }
  return removed;
}

/**
 * Everything this process started: stop the live topologies, sweep their labels, and repeat while the
 * program (which keeps running until the exit) registered new ones in the meantime.
 */
async function teardown(): Promise<void> {
  for (let round = 0; round < 5 && live.size > 0; round++) {
    const ids = [...live.keys()];
    await stopAll();
    await sweep(ids);
  }
}

/** Every interrupt hook, in parallel; one that fails is reported and does not stop the others. */
async function runHooks(signal: NodeJS.Signals): Promise<void> {
  const all = [...hooks];
  const results = await Promise.allSettled(all.map((h) => h(signal)));
  for (const r of results) if (r.status === 'rejected') process.stderr.write(`sentinel-chaos: after ${signal}: ${String(r.reason)}\n`);
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      if (received) return;
      received = signal;
      process.stderr.write(`\nsentinel-chaos: ${signal} received, removing ${live.size} topology(ies) ...\n`);
      const hardExit = setTimeout(() => process.exit(code), HARD_EXIT_MS);
      hardExit.unref();
      void teardown()
        .then(() => runHooks(signal))
        .finally(() => process.exit(code));
    });
  }
}
