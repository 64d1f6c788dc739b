/**
 * Live topologies of this process, so that SIGINT / SIGTERM (and a crash) still tear everything down.
 * Nothing here depends on Ryuk: the process removes its own containers and networks.
 */
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
      const hardExit = setTimeout(() => process.exit(code), 30_000);
      hardExit.unref();
      void stopAll().finally(() => process.exit(code));
    });
  }
}
