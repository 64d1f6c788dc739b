/** Graceful shutdown (docker stop: SIGTERM, the server shuts down cleanly); heal starts it again. */
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { ContainerFault, ensureRunning } from './container-fault.ts';
import type { Target } from './fault.ts';

export class Shutdown extends ContainerFault {
  readonly kind = 'shutdown';
  readonly colour = '#e377c2';
  constructor(...targets: Target[]) {
    super('shutdown', targets);
  }
  protected async injectOne(t: StartedSentinelTopology, node: string): Promise<void> {
    await t.act(node, 'stop', { stopTimeoutS: 10 });
  }
  protected async healOne(t: StartedSentinelTopology, node: string): Promise<void> {
    await ensureRunning(t, node);
  }
}
