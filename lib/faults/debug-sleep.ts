/**
 * DEBUG SLEEP: the server stalls inside its own event loop (the process runs, the kernel still accepts connections
 * and buffers requests; nothing is read or answered until the sleep ends) — the in-process counterpart of the cgroup
 * freeze in pause.ts. The command is sent on a fresh connection of its own (the shared admin connection's 1 s command
 * timeout would fire, and it must stay usable). A sleep cannot be interrupted: heal waits until it is over.
 * Redis >= 7 refuses DEBUG from non-local connections unless the node runs with `enable-debug-command yes`
 * (topology.redisConfig).
 */
import { Redis } from 'ioredis';
import { sleep } from '../clock.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { resolveTarget, type Fault, type Target } from './fault.ts';

/** How long inject waits for an immediate refusal (DEBUG disabled, wrong arguments) before it counts the sleep as started. */
const REFUSAL_WAIT_MS = 250;

export class DebugSleep implements Fault {
  readonly kind = 'stall';
  // An in-process stall looks like a pause from outside: a darker orange beside the pause's.
  readonly colour = '#b35806';
  name: string;
  targets: string[] = [];
  readonly detail: Record<string, unknown>;
  private readonly target: Target;
  private readonly sleepMs: number;
  private pending: Promise<string> | undefined;

  constructor(target: Target, sleepMs: number) {
    if (!(sleepMs > 0)) throw new Error(`DebugSleep: sleepMs must be > 0 (got ${sleepMs})`);
    this.target = target;
    this.sleepMs = sleepMs;
    this.name = `DEBUG SLEEP ${sleepMs / 1000} on ${target}`;
    this.detail = { sleepMs };
  }

  async inject(t: StartedSentinelTopology): Promise<void> {
    const node = await resolveTarget(t, this.target);
    this.targets = [node];
    this.name = `DEBUG SLEEP ${this.sleepMs / 1000} on ${node}`;
    const { host, port } = t.node(node).admin;
    const auth = t.options.auth;
    const c = new Redis({
      host,
      port,
      ...(auth ? { password: auth.password, ...(auth.acl ? { username: 'app' } : {}) } : {}),
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      commandTimeout: this.sleepMs + 5000,
    });
    c.on('error', () => {});
    await c.connect();
    const pending = c
      .call('DEBUG', 'SLEEP', String(this.sleepMs / 1000))
      .then(
        (r) => String(r),
        (err: unknown) => `error: ${err instanceof Error ? err.message : String(err)}`,
      )
      .finally(() => c.disconnect());
    this.pending = pending;
    const early = await Promise.race([pending, sleep(REFUSAL_WAIT_MS).then(() => undefined)]);
    if (early?.startsWith('error')) {
      throw new Error(`DEBUG SLEEP refused by ${node} (${early}); fix: run the redis nodes with enable-debug-command yes (topology.redisConfig)`);
    }
  }

  /** Waits for the sleep to end (it cannot be cut short). */
  async heal(): Promise<void> {
    await this.pending;
  }
}
