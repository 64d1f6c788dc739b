/** Stop k sentinels (kill -9 by default, or graceful); heal starts them again. */
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { ContainerFault, ensureRunning } from './container-fault.ts';

export class StopSentinels extends ContainerFault {
  readonly kind = 'sentinels-down';
  readonly colour = '#7f7f7f';
  private readonly graceful: boolean;
  constructor(names: string[], opts: { graceful?: boolean } = {}) {
    super(opts.graceful ? 'shutdown' : 'kill -9', names);
    this.graceful = opts.graceful ?? false;
  }
  /** The last `k` sentinels of a topology with `sentinels` sentinels. */
  static last(k: number, sentinels = 3, opts: { graceful?: boolean } = {}): StopSentinels {
    return new StopSentinels(Array.from({ length: k }, (_, i) => `sentinel-${sentinels - 1 - i}`), opts);
  }
  protected async injectOne(t: StartedSentinelTopology, node: string): Promise<void> {
    await t.act(node, this.graceful ? 'stop' : 'kill', { stopTimeoutS: 10 });
  }
  protected async healOne(t: StartedSentinelTopology, node: string): Promise<void> {
    await ensureRunning(t, node);
  }
}
