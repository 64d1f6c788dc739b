/**
 * The master the sentinels had elected at each moment, from their event stream: the split-brain checker
 * judges every acknowledged write against it.
 *
 * The timeline starts at the topology's initial master (`history.nodes`, initialRole master) and moves on:
 *
 * - the leader's `+failover-state-wait-promotion` for a replica, published right after it sent that replica
 *   SLAVEOF NO ONE (sentinel.c `sentinelFailoverSendSlaveOfNoOne`): from then on the replica no longer
 *   takes the old master's writes, so what the old master acknowledges is lost. It counts only when the
 *   same sentinel then publishes `+promoted-slave` for that replica (the replica answered INFO as a master;
 *   the leader gives the master the failover's epoch as its config epoch and hands out the new address,
 *   `sentinelRefreshInstanceInfo` / `sentinelGetCurrentMasterAddress`); a failover aborted before that
 *   (`-failover-abort-slave-timeout`) elects nobody. Without the wait-promotion event, `+promoted-slave`'s
 *   own time is used;
 * - `+switch-master`: a sentinel switched its configuration (the leader at failover end, the others when a
 *   hello message carries a newer config epoch). Repeats of the current master are no change.
 *
 * Config epochs: `+switch-master` and `+promoted-slave` carry none, so each is given the last epoch its
 * sentinel announced before it (`+new-epoch`, `+vote-for-leader`): the leader announces the failover epoch
 * when it starts the failover, a voter when it votes. When the change's epoch and the current one are both
 * known, a change is taken only with a higher epoch (a sentinel catching up on an older configuration does
 * not move the timeline back); otherwise only a change away from the current master is taken. A change
 * to the current master (the other sentinels following the leader) is a repeat, not a change.
 */
import type { History, SentinelEvent } from '../model.ts';
import { eventMasterName, hostPort } from '../observe/parse-event.ts';

/** From `from` (epoch ms) on, until the next span, the sentinels had elected `node`. */
export interface ElectedSpan {
  node: string;
  from: number;
  /** The config epoch of the change, when known. */
  epoch?: number;
  /** The event whose time the change takes (with the sentinel that published it); absent for the initial master. */
  by?: string;
}

interface Change {
  time: number;
  from: string | undefined;
  to: string;
  epoch: number | undefined;
  by: string;
}

/**
 * The elected-master timeline, in time order; empty when the initial master is unknown.
 * Addresses Sentinel reports are mapped to node names through `history.nodes[].announced`; an address no
 * node announces stays `host:port` (no write is ever served by it).
 */
export function electedTimeline(history: Pick<History, 'events' | 'nodes' | 'masterName'>): ElectedSpan[] {
  const initial = history.nodes.find((n) => n.kind === 'redis' && n.initialRole === 'master');
  if (initial === undefined) return [];
  const spans: ElectedSpan[] = [{ node: initial.name, from: -Infinity }];
  let epoch: number | undefined;
  for (const c of changes(history)) {
    const current = spans[spans.length - 1] as ElectedSpan;
    // Other sentinels repeating the change: its epoch stays the one of the change (a repeater's last
    // announced epoch may already be that of a later election it voted in).
    if (c.to === current.node) continue;
    const newer = c.epoch !== undefined && epoch !== undefined ? c.epoch > epoch : c.epoch !== undefined || c.from === current.node;
    if (!newer) continue;
    epoch = c.epoch;
    spans.push({ node: c.to, from: c.time, ...(c.epoch !== undefined ? { epoch: c.epoch } : {}), by: c.by });
  }
  return spans;
}

/** The elected master at `time` (a change at exactly `time` already holds); undefined on an empty timeline. */
export function electedAt(spans: readonly ElectedSpan[], time: number): string | undefined {
  let node: string | undefined;
  for (const s of spans) {
    if (s.from > time) break;
    node = s.node;
  }
  return node;
}

/** Candidate changes of `history.masterName`, in time order, each with its sentinel's last announced epoch. */
function changes(history: Pick<History, 'events' | 'nodes' | 'masterName'>): Change[] {
  const names = new Map(history.nodes.map((n) => [n.announced, n.name]));
  const name = (a: Addr): string => names.get(hostPort(a)) ?? hostPort(a);
  const lastEpoch = new Map<string, number>();
  /** Per sentinel: the replica it last sent SLAVEOF NO ONE, and when (cleared by an abort). */
  const sent = new Map<string, { replica: string; time: number }>();
  const out: Change[] = [];
  for (const e of [...history.events].sort((a, b) => a.time - b.time)) {
    if (e.epoch !== undefined && (e.type === '+new-epoch' || e.type === '+vote-for-leader')) {
      lastEpoch.set(e.sentinel, Math.max(e.epoch, lastEpoch.get(e.sentinel) ?? 0));
      continue;
    }
    if (eventMasterName(e) !== history.masterName) continue;
    if (e.type.startsWith('-failover-abort')) sent.delete(e.sentinel);
    if (e.type === '+failover-state-wait-promotion' && e.instance?.kind === 'slave') sent.set(e.sentinel, { replica: name(e.instance), time: e.time });
    const move = addresses(e);
    if (move === undefined) continue;
    const to = name(move.to);
    const promotion = e.type === '+promoted-slave' ? sent.get(e.sentinel) : undefined;
    const at = promotion?.replica === to ? { time: promotion.time, by: `+failover-state-wait-promotion ${e.sentinel}` } : { time: e.time, by: `${e.type} ${e.sentinel}` };
    out.push({ ...at, from: move.from && name(move.from), to, epoch: lastEpoch.get(e.sentinel) });
  }
  // In event order: a promotion dated back to its SLAVEOF NO ONE still follows every earlier change (no other
  // sentinel can publish a change between the two events but a stale one, which the timeline skips).
  return out;
}

type Addr = { host: string; port: number };

/** The old and new master addresses of a `+switch-master` or `+promoted-slave` event. */
function addresses(e: SentinelEvent): { from: Addr | undefined; to: Addr } | undefined {
  if (e.type === '+switch-master' && e.switchMaster) return e.switchMaster;
  if (e.type === '+promoted-slave' && e.instance?.kind === 'slave') {
    return { from: e.master && { host: e.master.host, port: e.master.port }, to: { host: e.instance.host, port: e.instance.port } };
  }
  return undefined;
}
