/**
 * Manual failover: `SENTINEL FAILOVER <master>` sent to one sentinel over the harness's admin connection.
 * The sentinel fails over as if the master had failed, without asking the others for agreement. Nothing to heal.
 */
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { resolveTarget, type Fault } from './fault.ts';

export class ManualFailover implements Fault {
  readonly kind = 'manual-failover';
  readonly colour = '#1f77b4';
  name: string;
  targets: string[] = [];
  readonly detail: Record<string, unknown>;
  private readonly sentinel: string;
  /** Set by prepare(), consumed by the next inject(). */
  private prepared = false;

  /** @param sentinel the sentinel that receives the command. @default "sentinel-0" */
  constructor(sentinel = 'sentinel-0') {
    this.sentinel = sentinel;
    this.name = `SENTINEL FAILOVER via ${sentinel}`;
    this.detail = { sentinel };
  }

  /** Name the master being failed over before the start time is taken (see Fault.prepare). */
  async prepare(t: StartedSentinelTopology): Promise<void> {
    const master = await resolveTarget(t, 'master');
    this.targets = [master];
    this.name = `SENTINEL FAILOVER (master ${master}) via ${this.sentinel}`;
    this.prepared = true;
  }

  async inject(t: StartedSentinelTopology): Promise<void> {
    if (!this.prepared) await this.prepare(t);
    this.prepared = false;
    await t.adminCall(this.sentinel, 'SENTINEL', 'FAILOVER', t.masterName);
  }

  async heal(): Promise<void> {}
}
