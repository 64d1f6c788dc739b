/**
 * The scenario catalogue: adding a scenario means adding its file and one line here. Every call builds new
 * scenario objects (faults, observations, hooks), so no state can leak from one run into the next.
 */
import type { Scenario } from '../../lib/scenario/scenario.ts';
import { authAcl } from './scenarios/auth-acl.ts';
import { cascadingFailover } from './scenarios/cascading-failover.ts';
import { fastReboot } from './scenarios/fast-reboot.ts';
import { fastRebootAof } from './scenarios/fast-reboot-aof.ts';
import { rebootLoading } from './scenarios/reboot-loading.ts';
import { rebootLoadingNoPeriod } from './scenarios/reboot-loading-no-period.ts';
import { isolateMaster } from './scenarios/isolate-master.ts';
import { killMaster } from './scenarios/kill-master.ts';
import { killReplica } from './scenarios/kill-replica.ts';
import { latencyAbove } from './scenarios/latency-above.ts';
import { latencyBelow } from './scenarios/latency-below.ts';
import { manualFailover } from './scenarios/manual-failover.ts';
import { pauseMasterLong } from './scenarios/pause-master-long.ts';
import { pauseMasterShort } from './scenarios/pause-master-short.ts';
import { quorumUnreachable } from './scenarios/quorum-unreachable.ts';
import { replicaPartitioned } from './scenarios/replica-partitioned.ts';
import { replicaPriorityZero } from './scenarios/replica-priority-zero.ts';
import { sentinelRejoin } from './scenarios/sentinel-rejoin.ts';
import { sentinelTwoDown } from './scenarios/sentinel-two-down.ts';
import { shutdownMaster } from './scenarios/shutdown-master.ts';
import { splitBrain } from './scenarios/split-brain.ts';
import { splitBrainMinReplicas } from './scenarios/split-brain-min-replicas.ts';
// Ports of Redis's own Sentinel test suite (tests/sentinel in redis/redis).
import { absoluteQuorum } from './scenarios/absolute-quorum.ts';
import { ckquorum } from './scenarios/ckquorum.ts';
import { failoverRefusals } from './scenarios/failover-refusals.ts';
import { sentinelCutFromPeers } from './scenarios/sentinel-cut-from-peers.ts';
import { replicationCut } from './scenarios/replication-cut.ts';
import { sentinelMasterOneway } from './scenarios/sentinel-master-oneway.ts';
import { sentinelTilt } from './scenarios/sentinel-tilt.ts';
import { rollingUpgrade } from './scenarios/rolling-upgrade.ts';
import { walkthrough } from './scenarios/walkthrough.ts';
import { sentinelReload } from './scenarios/sentinel-reload.ts';
import { debugSleepMaster } from './scenarios/debug-sleep-master.ts';
import { replicaUnannounced } from './scenarios/replica-unannounced.ts';
import { sentinelWipedRejoin } from './scenarios/sentinel-wiped-rejoin.ts';
import { runtimeReconf } from './scenarios/runtime-reconf.ts';

/** Scenario factories, grouped: crashes, stalls, partitions, latency, sentinels, configuration, operations, auth. */
export const factories: readonly (() => Scenario)[] = [
  killMaster,
  killReplica,
  shutdownMaster,
  pauseMasterLong,
  pauseMasterShort,
  isolateMaster,
  splitBrain,
  splitBrainMinReplicas,
  latencyBelow,
  latencyAbove,
  sentinelTwoDown,
  quorumUnreachable,
  sentinelRejoin,
  replicaPriorityZero,
  manualFailover,
  cascadingFailover,
  replicaPartitioned,
  fastReboot,
  authAcl,
  // --- persistence (tag persistence, extended): ---
  fastRebootAof,
  rebootLoading,
  rebootLoadingNoPeriod,
  // --- Redis's Sentinel test suite (tag sentinel-suite): built fresh like the rest ---
  ckquorum,
  absoluteQuorum,
  runtimeReconf,
  failoverRefusals,
  sentinelCutFromPeers,
  replicationCut,
  sentinelMasterOneway,
  sentinelTilt,
  sentinelReload,
  debugSleepMaster,
  replicaUnannounced,
  sentinelWipedRejoin,
  // --- upgrades (tag upgrade, extended): --upgrade-to IMAGE, default a rolling restart ---
  rollingUpgrade,
  // --- the classic walkthrough (tag walkthrough, extended): the same steps on every version ---
  walkthrough,
];

/** A fresh copy of every scenario, in catalogue order. */
export function catalogue(): Scenario[] {
  return factories.map((make) => make());
}

/** A fresh copy of one scenario; throws naming the known ids when `id` is not in the catalogue. */
export function freshScenario(id: string): Scenario {
  const s = catalogue().find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id} in the catalogue; known: ${catalogue().map((x) => x.id).join(', ')}`);
  return s;
}
