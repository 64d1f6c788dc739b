/**
 * Polls INFO replication on every redis node at a short interval (through the direct admin ports) and
 * records role, master, link status and offsets. Each node is polled on its own loop, so a frozen node (paused,
 * partitioned: its poll waits for the timeout) does not slow the sampling of the others. Bounded: each poll
 * times out, the loops stop on stop().
 */
import { now, sleep, withTimeout } from '../clock.ts';
import type { RolePoll } from '../model.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { parseInfo } from '../topology/ready.ts';

export async function pollNode(t: StartedSentinelTopology, node: string): Promise<RolePoll> {
  const time = now();
  try {
    const c = t.admin(node);
    if (c.status !== 'ready') return { time, node, reachable: false, error: `connection ${c.status}` };
    const info = parseInfo((await c.call('INFO', 'replication')) as string);
    const role = info['role'] === 'master' ? 'master' : 'slave';
    const poll: RolePoll = { time, node, reachable: true, role };
    if (role === 'master') {
      poll.offset = Number(info['master_repl_offset'] ?? 0);
      poll.connectedSlaves = Number(info['connected_slaves'] ?? 0);
    } else {
      const host = info['master_host'] ?? '';
      const port = info['master_port'] ?? '';
      poll.masterOf = t.nameOf(host, port) ?? `${host}:${port}`;
      poll.linkUp = info['master_link_status'] === 'up';
      poll.offset = Number(info['slave_repl_offset'] ?? 0);
    }
    return poll;
  } catch (err) {
    return { time, node, reachable: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** A poll of one node; the poller's seam (pollNode in a run). */
export type PollFn = (node: string) => Promise<RolePoll>;

/**
 * Longest a poll may take before it is recorded as unreachable: the admin connection's command timeout
 * (1000 ms, topology.ts), so the bound also holds when a command hangs without the client noticing.
 */
export const POLL_TIMEOUT_MS = 1000;

export class RolePoller {
  readonly polls: RolePoll[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly intervalMs: number;
  private readonly timeoutMs: number;

  /** @param intervalMs poll period of each node. @default 100 @param timeoutMs bound on one poll. @default POLL_TIMEOUT_MS */
  constructor(intervalMs = 100, timeoutMs = POLL_TIMEOUT_MS) {
    this.intervalMs = intervalMs;
    this.timeoutMs = timeoutMs;
  }

  start(t: StartedSentinelTopology): this {
    return this.startNodes(t.redisNames(), (n) => pollNode(t, n));
  }

  /** Poll each of `nodes` on its own loop with `poll`. */
  startNodes(nodes: readonly string[], poll: PollFn): this {
    this.running = true;
    this.loops = nodes.map((n) => this.loop(n, poll));
    return this;
  }

  private async loop(node: string, poll: PollFn): Promise<void> {
    while (this.running) {
      const started = now();
      this.polls.push(await this.bounded(node, poll, started));
      await sleep(Math.max(0, this.intervalMs - (now() - started)));
    }
  }

  private async bounded(node: string, poll: PollFn, time: number): Promise<RolePoll> {
    try {
      return await withTimeout(poll(node), this.timeoutMs, `INFO replication from ${node}`);
    } catch (err) {
      return { time, node, reachable: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /**
   * Resolves once the loops have recorded a poll of every node taken at or after `after` (bounded by one
   * period plus the poll timeout, so a frozen node does not hold it up further). The runner waits for it after
   * convergence, so the state convergence saw is in the poller's own record before the final read.
   */
  async roundAfter(after: number, nodes: readonly string[]): Promise<void> {
    const deadline = now() + this.intervalMs + this.timeoutMs;
    const seen = (): boolean => nodes.every((n) => this.polls.some((p) => p.node === n && p.time >= after));
    while (this.running && !seen() && now() < deadline) await sleep(Math.min(20, this.intervalMs));
  }

  /** One extra round now (e.g. the final state), recorded like the others. */
  async pollOnce(t: StartedSentinelTopology): Promise<RolePoll[]> {
    const round = await Promise.all(t.redisNames().map((n) => this.bounded(n, (x) => pollNode(t, x), now())));
    this.polls.push(...round);
    return round;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}
