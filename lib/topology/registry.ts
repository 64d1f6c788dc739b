/**
 * Live topologies of this process, so that SIGINT / SIGTERM (and a crash) still tear everything down.
 * Nothing here depends on Ryuk: the process removes its own containers and networks.
 */
import { cleanup, LABEL_TOPOLOGY } from './docker.ts';

interface Stoppable {
  id: string;
  stop(): Promise<void>;
}

const live = new Map<string, Stoppable>();
let installed = false;
let stopping = false;

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

function installHandlers(): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`\nsentinel-chaos: ${signal} received, removing ${live.size} topology(ies) ...\n`);
      const hardExit = setTimeout(() => process.exit(code), 45_000);
      hardExit.unref();
      void teardown().finally(() => process.exit(code));
    });
  }
}
