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

  constructor(target: Target) {
    this.target = target;
    this.name = `isolate ${target}`;
  }

  async inject(t: StartedSentinelTopology): Promise<void> {
    const node = await resolveTarget(t, this.target);
    this.targets = [node];
    this.name = `isolate ${node}`;
    this.cut = new CutLinks(linksOfNode(t, node));
    await this.cut.inject(t);
  }

  async heal(t: StartedSentinelTopology): Promise<void> {
    await this.cut?.heal(t);
  }
}
