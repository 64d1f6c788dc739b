/** Isolate a node: every link into and out of it, both directions, including every client group's link to it. */
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { CutLinks } from './cut-links.ts';
import { resolveTarget, type Fault, type Target } from './fault.ts';
import { linksOfNode } from './links.ts';

export class Isolate implements Fault {
  readonly kind = 'isolate';
  readonly colour = '#8c564b';
  name: string;
  targets: string[] = [];
  private readonly target: Target;
  private cut: CutLinks | undefined;
  /** Set by prepare(), consumed by the next inject(). */
  private prepared = false;

  constructor(target: Target) {
    this.target = target;
    this.name = `isolate ${target}`;
  }

  /** Resolve the target before the start time is taken (see Fault.prepare); consumed by the next inject. */
  async prepare(t: StartedSentinelTopology): Promise<void> {
    const node = await resolveTarget(t, this.target);
    this.targets = [node];
    this.name = `isolate ${node}`;
    this.cut = new CutLinks(linksOfNode(t, node));
    this.prepared = true;
  }

  async inject(t: StartedSentinelTopology): Promise<void> {
    if (!this.prepared) await this.prepare(t);
    this.prepared = false;
    await this.cut?.inject(t);
  }

  async heal(t: StartedSentinelTopology): Promise<void> {
    await this.cut?.heal(t);
  }
}
