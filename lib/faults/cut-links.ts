/** Cut a set of directed links (the Jepsen grudge): any partition, including one-sided ones. */
import type { StartedSentinelTopology } from '../topology/topology.ts';
import type { Fault } from './fault.ts';
import { linkName, setLinkEnabled, type Link } from './links.ts';

export class CutLinks implements Fault {
  readonly kind: string;
  readonly colour: string;
  readonly name: string;
  readonly targets: string[];
  readonly detail: Record<string, unknown>;
  private readonly links: Link[];

  constructor(links: Link[], opts: { name?: string; kind?: string; colour?: string } = {}) {
    this.links = links;
    this.kind = opts.kind ?? 'partition';
    this.colour = opts.colour ?? '#9467bd';
    this.name = opts.name ?? `cut ${links.map(linkName).join(', ')}`;
    this.targets = [...new Set(links.flatMap((l) => [l.from, l.to]).filter((n) => !n.startsWith('client:')))];
    this.detail = { links: links.map(linkName) };
  }

  async inject(t: StartedSentinelTopology): Promise<void> {
    await Promise.all(this.links.map((l) => setLinkEnabled(t, l, false)));
  }

  async heal(t: StartedSentinelTopology): Promise<void> {
    await Promise.all(this.links.map((l) => setLinkEnabled(t, l, true)));
  }
}
