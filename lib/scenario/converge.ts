/**
 * After the final heal: wait (bounded) until the sentinels agree on a master and every other redis node
 * replicates from it with its link up and its offset caught up. Not converging is a finding, not a crash.
 */
import { now, sleep } from '../clock.ts';
import type { CheckResult } from '../model.ts';
import { pollNode } from '../observe/role-poller.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';

export interface ConvergeState {
  master: string | undefined;
  sentinelsAgree: number;
  pending: string[];
}

export async function convergeState(t: StartedSentinelTopology, wantReplicas: boolean): Promise<ConvergeState> {
  const { master, agree } = await t.sentinelsMaster();
  const pending: string[] = [];
  if (!master || agree < t.options.sentinels) pending.push(`sentinels agree ${agree}/${t.options.sentinels} on ${master ?? 'nothing'}`);
  if (master && wantReplicas) {
    const polls = await Promise.all(t.redisNames().map((n) => pollNode(t, n)));
    const mp = polls.find((p) => p.node === master);
    if (!mp?.reachable || mp.role !== 'master') pending.push(`${master} is not answering as master`);
    for (const p of polls) {
      if (p.node === master) continue;
      if (!p.reachable) pending.push(`${p.node} unreachable`);
      else if (p.role !== 'slave' || p.masterOf !== master) pending.push(`${p.node} is ${p.role} of ${p.masterOf ?? '-'}`);
      else if (!p.linkUp) pending.push(`${p.node} link down`);
      else if (mp?.offset !== undefined && (p.offset ?? -1) < mp.offset) pending.push(`${p.node} behind by ${mp.offset - (p.offset ?? 0)} bytes`);
    }
  }
  return { master, sentinelsAgree: agree, pending };
}

export async function converge(t: StartedSentinelTopology, opts: { replicas: boolean; timeoutMs: number }): Promise<{ state: ConvergeState; check: CheckResult }> {
  const start = now();
  let state = await convergeState(t, opts.replicas);
  while (state.pending.length > 0 && now() - start < opts.timeoutMs) {
    await sleep(100);
    state = await convergeState(t, opts.replicas);
  }
  const ms = Math.round(now() - start);
  const ok = state.pending.length === 0;
  return {
    state,
    check: {
      valid: ok,
      figures: { converged: ok, convergeMs: ms, master: state.master ?? null, sentinelsAgree: state.sentinelsAgree },
      notes: ok ? [`converged ${ms} ms after the final heal`] : [`not converged after ${ms} ms: ${state.pending.join('; ')}`],
    },
  };
}
