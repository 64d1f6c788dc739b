/**
 * Partition the topology into sides; each side lists node names (or "master") and client groups
 * ("client:<k>"). Every link between the sides fails in both directions; links within a side stay up.
 * The Jepsen shape: the old master plus one writing client on the minority side.
 *
 * Two ways for a link to fail (`mode`):
 * - `cut` (default): the link's proxy is disabled. Open connections are closed and new ones refused, so both
 *   ends notice at once — like a network that answers with resets.
 * - `silent`: every byte on the link is dropped (a toxiproxy `timeout` toxic with timeout 0, on both streams).
 *   Connections stay open and new ones are accepted, but nothing arrives — like a firewall dropping packets — so
 *   nobody notices until a timeout fires (Sentinel's down-after, min-replicas-max-lag, a client's command
 *   timeout). A connection closed by one end still closes at the other. On heal, removing the toxic closes every
 *   connection that crossed the partition (toxiproxy's cleanup of the timeout toxic), so no stream resumes with
 *   a hole in it — as a TCP connection that lost data for seconds would end up reset.
 *
 * (Holding bytes instead — a latency toxic of an hour — would let streams resume intact, but toxiproxy 2.12
 * cannot remove such a toxic once the receiving end of a held stream has closed: the API call hangs.)
 */
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { CutLinks } from './cut-links.ts';
import { resolveTarget, type Fault } from './fault.ts';
import { linksBetween, type Link } from './links.ts';
import { Toxic } from './toxic.ts';

export type PartitionMode = 'cut' | 'silent';

export interface PartitionOptions {
  /** How links between the sides fail; see the file header. @default "cut" */
  mode?: PartitionMode;
}

export class Partition implements Fault {
  readonly kind = 'partition';
  readonly colour = '#9467bd';
  name: string;
  targets: string[] = [];
  detail: Record<string, unknown> = {};
  private readonly sides: string[][];
  private readonly mode: PartitionMode;
  private applied: Fault[] = [];
  /** Set by prepare(), consumed by the next inject(). */
  private prepared = false;

  constructor(sides: string[][], opts: PartitionOptions = {}) {
    if (sides.length < 2) throw new Error('a partition needs at least two sides');
    this.sides = sides;
    this.mode = opts.mode ?? 'cut';
    this.name = this.describe(sides);
  }

  private describe(sides: string[][]): string {
    return `partition${this.mode === 'silent' ? ' (silent)' : ''} ${sides.map((s) => `[${s.join(' ')}]`).join(' | ')}`;
  }

  /** Resolve "master" and the links before the start time is taken (see Fault.prepare). */
  async prepare(t: StartedSentinelTopology): Promise<void> {
    const resolved = await Promise.all(
      this.sides.map((side) => Promise.all(side.map((n) => (n.startsWith('client:') ? Promise.resolve(n) : resolveTarget(t, n))))),
    );
    const links = resolved.flatMap((a, i) => resolved.slice(i + 1).flatMap((b) => linksBetween(a, b)));
    this.name = this.describe(resolved);
    this.targets = resolved.flat().filter((n) => !n.startsWith('client:'));
    this.detail = { sides: resolved, mode: this.mode };
    this.applied = this.mode === 'cut' ? [new CutLinks(links)] : dropBothWays(links);
    this.prepared = true;
  }

  async inject(t: StartedSentinelTopology): Promise<void> {
    if (!this.prepared) await this.prepare(t);
    this.prepared = false;
    await Promise.all(this.applied.map((f) => f.inject(t)));
  }

  async heal(t: StartedSentinelTopology): Promise<void> {
    await Promise.all(this.applied.map((f) => f.heal(t)));
  }
}

function dropBothWays(links: Link[]): Fault[] {
  return (['upstream', 'downstream'] as const).map(
    (stream) => new Toxic({ name: `partition-drop-${stream}`, type: 'timeout', stream, attributes: { timeout: 0 } }, links),
  );
}
