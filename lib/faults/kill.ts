/** kill -9: SIGKILL from outside the container (Docker API); heal starts it again with the same config. */
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { ContainerFault, ensureRunning } from './container-fault.ts';
import type { Target } from './fault.ts';

export class Kill extends ContainerFault {
  readonly kind = 'kill';
  readonly colour = '#d62728';
  constructor(...targets: Target[]) {
    super('kill -9', targets);
  }
  protected async injectOne(t: StartedSentinelTopology, node: string): Promise<void> {
    await t.act(node, 'kill');
  }
  protected async healOne(t: StartedSentinelTopology, node: string): Promise<void> {
    await ensureRunning(t, node);
  }
}
