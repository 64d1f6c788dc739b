/**
 * Partition the topology into sides; each side lists node names (or "master") and client groups
 * ("client:<k>"). Every link between the sides is cut in both directions; links within a side stay up.
 * The Jepsen shape: the old master plus one writing client on the minority side.
 */
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { CutLinks } from './cut-links.ts';
import { resolveTarget, type Fault } from './fault.ts';
import { linksBetween } from './links.ts';

export class Partition implements Fault {
  readonly kind = 'partition';
  name: string;
  targets: string[] = [];
  detail: Record<string, unknown> = {};
  private readonly sides: string[][];
  private cut: CutLinks | undefined;

  constructor(sides: string[][]) {
    if (sides.length < 2) throw new Error('a partition needs at least two sides');
    this.sides = sides;
    this.name = `partition ${sides.map((s) => `[${s.join(' ')}]`).join(' | ')}`;
  }

  async inject(t: StartedSentinelTopology): Promise<void> {
    const resolved = await Promise.all(
      this.sides.map((side) => Promise.all(side.map((n) => (n.startsWith('client:') ? n : resolveTarget(t, n))))),
    );
    const links = resolved.flatMap((a, i) => resolved.slice(i + 1).flatMap((b) => linksBetween(a, b)));
    this.name = `partition ${resolved.map((s) => `[${s.join(' ')}]`).join(' | ')}`;
    this.targets = resolved.flat().filter((n) => !n.startsWith('client:'));
    this.detail = { sides: resolved };
    this.cut = new CutLinks(links);
    await this.cut.inject(t);
  }

  async heal(t: StartedSentinelTopology): Promise<void> {
    await this.cut?.heal(t);
  }
}
