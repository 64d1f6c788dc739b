/** Shared shape of the faults that act on a node's container through the Docker API. */
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { waitFor } from '../clock.ts';
import { containerState, type ContainerAction } from '../topology/docker.ts';
import { resolveTarget, type Fault, type Target } from './fault.ts';

export abstract class ContainerFault implements Fault {
  abstract readonly kind: string;
  abstract readonly colour: string;
  name: string;
  targets: string[] = [];
  protected readonly wanted: Target[];
  private readonly verb: string;
  /** Set by prepare(), consumed by the next inject(). */
  private prepared = false;

  constructor(verb: string, targets: Target[]) {
    this.verb = verb;
    this.wanted = targets;
    this.name = `${verb} ${targets.join(', ')}`;
  }

  protected abstract injectOne(t: StartedSentinelTopology, node: string): Promise<void>;
  protected abstract healOne(t: StartedSentinelTopology, node: string): Promise<void>;

  async prepare(t: StartedSentinelTopology): Promise<void> {
    this.targets = await Promise.all(this.wanted.map((w) => resolveTarget(t, w)));
    this.name = `${this.verb} ${this.targets.join(', ')}`;
    this.prepared = true;
  }

  async inject(t: StartedSentinelTopology): Promise<void> {
    if (!this.prepared) await this.prepare(t);
    this.prepared = false;
    await Promise.all(this.targets.map((n) => this.injectOne(t, n)));
  }

  async heal(t: StartedSentinelTopology): Promise<void> {
    await Promise.all(this.targets.map((n) => this.healOne(t, n)));
  }
}

/**
 * Start a node's container again if it is not running (idempotent). A restarted sentinel gets the topology's
 * `SENTINEL DEBUG` settings again: they live in memory only, and a sentinel without them would run on
 * different periods than the others and than the report says.
 */
export async function ensureRunning(t: StartedSentinelTopology, node: string): Promise<void> {
  const id = t.node(node).container.getId();
  const s = await containerState(id);
  if (s.paused) await t.act(node, 'unpause');
  else if (!s.running) {
    await t.act(node, 'start');
    await restoreSentinelDebug(t, node);
  }
}

/** Re-send the topology's SENTINEL DEBUG settings to a (restarted) sentinel; a no-op for redis nodes. */
export async function restoreSentinelDebug(t: StartedSentinelTopology, node: string): Promise<void> {
  const debug = Object.entries(t.options.sentinelDebug);
  if (t.spec(node).kind !== 'sentinel' || debug.length === 0) return;
  await waitFor(
    `${node} to accept SENTINEL DEBUG after its restart`,
    () => t.adminCall(node, 'SENTINEL', 'DEBUG', ...debug.flatMap(([k, v]) => [k, v])).then(() => true),
    {
      timeoutMs: 5000,
      intervalMs: 50,
    },
  );
}

export async function actIf(
  t: StartedSentinelTopology,
  node: string,
  action: ContainerAction,
  when: (s: { running: boolean; paused: boolean }) => boolean,
): Promise<void> {
  const s = await containerState(t.node(node).container.getId());
  if (when(s)) await t.act(node, action);
}
