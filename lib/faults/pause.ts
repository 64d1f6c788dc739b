/** Pause (docker pause: the cgroup freezer, like SIGSTOP of every process); heal resumes. */
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { actIf, ContainerFault } from './container-fault.ts';
import type { Target } from './fault.ts';

export class Pause extends ContainerFault {
  readonly kind = 'pause';
  readonly colour = '#ff7f0e';
  constructor(...targets: Target[]) {
    super('pause', targets);
  }
  protected async injectOne(t: StartedSentinelTopology, node: string): Promise<void> {
    await t.act(node, 'pause');
  }
  protected async healOne(t: StartedSentinelTopology, node: string): Promise<void> {
    await actIf(t, node, 'unpause', (s) => s.paused);
  }
}
