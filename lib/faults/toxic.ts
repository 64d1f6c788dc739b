/**
 * A toxiproxy toxic on chosen links and directions: latency (+jitter), bandwidth, timeout, reset_peer,
 * slicer, slow_close, limit_data. Links are directed (see links.ts); `linksOf` helps pick a node's links.
 *
 * Caution (toxiproxy 2.12): a toxic that delays data (latency, bandwidth, slicer) can hang the toxiproxy API
 * when it is removed if the receiving end of its stream closed while it held data — its goroutine blocks
 * forever handing the data on, and removal (or reset) waits for it. Put delaying toxics on the stream whose
 * receiver stays up: `upstream` (towards the server) on links into a server that is not killed or demoted
 * while the toxic is on.
 */
import type { StartedSentinelTopology } from '../topology/topology.ts';
import type { Fault } from './fault.ts';
import { addToxic, linkName, linksOfNode, removeToxic, type Link, type ToxicSpec } from './links.ts';

/** The report colour of each toxic type (a toxic's kind is its type). */
const COLOURS: Record<ToxicSpec['type'], string> = {
  latency: '#bcbd22',
  bandwidth: '#17becf',
  timeout: '#393b79',
  reset_peer: '#843c39',
  slicer: '#637939',
  slow_close: '#e7ba52',
  limit_data: '#7b4173',
};

export class Toxic implements Fault {
  readonly kind: string;
  readonly colour: string;
  readonly name: string;
  targets: string[];
  readonly detail: Record<string, unknown>;
  private readonly links: Link[] | ((t: StartedSentinelTopology) => Link[]);
  private readonly toxic: ToxicSpec;
  private applied: Link[] = [];

  constructor(toxic: ToxicSpec, links: Link[] | ((t: StartedSentinelTopology) => Link[]), opts: { name?: string } = {}) {
    this.toxic = toxic;
    this.links = links;
    this.kind = toxic.type;
    this.colour = COLOURS[toxic.type];
    const attrs = Object.entries(toxic.attributes)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    this.name = opts.name ?? `${toxic.type} ${attrs} (${toxic.stream})`;
    this.targets = Array.isArray(links) ? [...new Set(links.flatMap((l) => [l.from, l.to]))] : [];
    this.detail = { ...toxic.attributes, stream: toxic.stream, toxicity: toxic.toxicity ?? 1 };
  }

  /** The toxic on every link into and out of a node (its replication, sentinel and client links). */
  static onNode(node: string, toxic: ToxicSpec, opts: { name?: string } = {}): Toxic {
    const t = new Toxic(toxic, (topo) => linksOfNode(topo, node), opts);
    t.targets = [node];
    return t;
  }

  async inject(t: StartedSentinelTopology): Promise<void> {
    const links = typeof this.links === 'function' ? this.links(t) : this.links;
    this.detail['links'] = links.map(linkName);
    this.applied = links;
    await Promise.all(links.map((l) => addToxic(t, l, this.toxic)));
  }

  async heal(t: StartedSentinelTopology): Promise<void> {
    await Promise.all(this.applied.map((l) => removeToxic(t, l, this.toxic.name)));
    this.applied = [];
  }
}
