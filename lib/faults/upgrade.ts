/**
 * One step of a rolling upgrade: a node's server replaced by one on another image (lib/topology/replace.ts).
 * Not a failure, but it is applied and recorded like a fault so its window, its loss and its unavailability show
 * on the timeline next to the failover it may cause. There is nothing to heal: an upgraded node stays upgraded.
 */
import type { ReplaceTimings } from '../topology/replace.ts';
import { replaceServer } from '../topology/replace.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';
import type { Fault } from './fault.ts';

export class Upgrade implements Fault {
  readonly kind = 'upgrade';
  readonly colour = '#2ca02c';
  readonly name: string;
  readonly targets: string[];
  readonly detail: Record<string, unknown>;
  /** When the old server had stopped and the new one answered (set by inject). */
  timings: ReplaceTimings | undefined;
  private readonly image: string;

  /** @param node the node to replace. @param image the image its new server runs. */
  constructor(node: string, image: string) {
    this.targets = [node];
    this.image = image;
    this.name = `upgrade ${node} to ${image}`;
    this.detail = { image };
  }

  async inject(t: StartedSentinelTopology): Promise<void> {
    const node = this.targets[0] as string;
    this.timings = await replaceServer(t, node, this.image);
    this.detail['downMs'] = Math.round(this.timings.answeringAt - this.timings.stoppedAt);
  }

  async heal(): Promise<void> {}
}
