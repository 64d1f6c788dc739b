/**
 * Polls INFO replication on every redis node at a short interval (through the direct admin ports) and
 * records role, master, link status and offsets. Bounded: each poll times out, the loop stops on stop().
 */
import { now, sleep } from '../clock.ts';
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

export class RolePoller {
  readonly polls: RolePoll[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly intervalMs: number;

  /** @param intervalMs poll period. @default 100 */
  constructor(intervalMs = 100) {
    this.intervalMs = intervalMs;
  }

  start(t: StartedSentinelTopology): this {
    this.running = true;
    const nodes = t.redisNames();
    this.loop = (async () => {
      while (this.running) {
        const started = now();
        this.polls.push(...(await Promise.all(nodes.map((n) => pollNode(t, n)))));
        await sleep(Math.max(0, this.intervalMs - (now() - started)));
      }
    })();
    return this;
  }

  /** One extra round now (e.g. the final state), recorded like the others. */
  async pollOnce(t: StartedSentinelTopology): Promise<RolePoll[]> {
    const round = await Promise.all(t.redisNames().map((n) => pollNode(t, n)));
    this.polls.push(...round);
    return round;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
