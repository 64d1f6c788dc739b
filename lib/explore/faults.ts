/**
 * From a generated fault (plain JSON, generator.ts) to a live fault of lib/faults, which carries its own heal.
 * Roles and the "rest" side of a partition are resolved when the fault is injected, against the master the
 * sentinels report then; the resolved names are what the history records.
 */
import { sleep } from '../clock.ts';
import type { Fault } from '../faults/fault.ts';
import { resolveTarget } from '../faults/fault.ts';
import { Isolate } from '../faults/isolate.ts';
import { Kill } from '../faults/kill.ts';
import { linksOfNode, type ToxicSpec } from '../faults/links.ts';
import { Partition } from '../faults/partition.ts';
import { Pause } from '../faults/pause.ts';
import { StopSentinels } from '../faults/stop-sentinels.ts';
import { Toxic } from '../faults/toxic.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { describeFault, type FaultSpec } from './generator.ts';

/** A fault whose concrete form is known only at injection (it resolves roles, then delegates). */
class Resolved implements Fault {
  readonly kind: string;
  readonly colour: string;
  name: string;
  targets: string[] = [];
  detail: Record<string, unknown> = {};
  private inner: Fault | undefined;
  private readonly build: (t: StartedSentinelTopology) => Promise<Fault>;

  /** `colour`: the report colour of the lib/faults fault it becomes (each fault file picks its own). */
  constructor(kind: string, colour: string, name: string, build: (t: StartedSentinelTopology) => Promise<Fault>) {
    this.kind = kind;
    this.colour = colour;
    this.name = name;
    this.build = build;
  }

  async inject(t: StartedSentinelTopology): Promise<void> {
    this.inner = await this.build(t);
    await this.inner.inject(t);
    this.name = this.inner.name;
    this.targets = this.inner.targets;
    this.detail = { ...this.inner.detail };
  }

  async heal(t: StartedSentinelTopology): Promise<void> {
    await this.inner?.heal(t);
  }
}

/** Several faults injected one after the other, `staggerMs` apart (each resolved when its turn comes); healed together. */
class Staggered implements Fault {
  readonly kind: string;
  readonly colour: string;
  name: string;
  targets: string[] = [];
  readonly detail: Record<string, unknown>;
  private readonly parts: Fault[];
  private readonly staggerMs: number;
  private injected: Fault[] = [];

  constructor(kind: string, parts: Fault[], staggerMs: number) {
    this.kind = kind;
    this.parts = parts;
    this.colour = parts[0]?.colour ?? '#7f7f7f';
    this.staggerMs = staggerMs;
    this.name = `staggered ${parts.map((p) => p.name).join(', ')}`;
    this.detail = { staggerMs };
  }

  async inject(t: StartedSentinelTopology): Promise<void> {
    for (const [i, p] of this.parts.entries()) {
      if (i > 0) await sleep(this.staggerMs);
      this.injected.push(p);
      await p.inject(t);
    }
    this.name = `staggered ${this.injected.map((p) => p.name).join(', ')} (${this.staggerMs} ms apart)`;
    this.targets = this.injected.flatMap((p) => p.targets);
  }

  async heal(t: StartedSentinelTopology): Promise<void> {
    await Promise.all(this.injected.map((p) => p.heal(t)));
  }
}

/** A node name or role ("master", "replica", "replica:K" = the K-th replica in name order) to a node name, now. */
export async function resolveRole(t: StartedSentinelTopology, target: string): Promise<string> {
  const k = /^replica:(\d+)$/.exec(target)?.[1];
  if (k === undefined) return resolveTarget(t, target);
  const master = await resolveTarget(t, 'master');
  const replicas = t.redisNames().filter((n) => n !== master);
  const node = replicas[Number(k) % Math.max(1, replicas.length)];
  if (node === undefined) throw new Error('no replica');
  return node;
}

/** A container fault on a role, resolved at injection. */
function onRole(kind: 'kill' | 'pause' | 'isolate', target: string): Fault {
  const make = (node: string): Fault => (kind === 'kill' ? new Kill(node) : kind === 'pause' ? new Pause(node) : new Isolate(node));
  return new Resolved(kind, make(target).colour, `${kind} ${target}`, async (t) => make(await resolveRole(t, target)));
}

/** Resolve a partition's sides: roles to node names, "rest" to every endpoint named on no other side. */
export async function resolveSides(t: StartedSentinelTopology, sides: string[][]): Promise<string[][]> {
  const one = (n: string): Promise<string> => (n.startsWith('client:') || n === 'rest' ? Promise.resolve(n) : resolveRole(t, n));
  const resolved = await Promise.all(sides.map((s) => Promise.all(s.map(one))));
  const named = new Set(resolved.flat());
  const clients = Array.from({ length: t.options.clientGroups }, (_, k) => `client:${k}`);
  const rest = [...t.specs.map((s) => s.name), ...clients].filter((n) => !named.has(n));
  return resolved.map((s) => [...new Set(s.flatMap((n) => (n === 'rest' ? rest : [n])))]).filter((s) => s.length > 0);
}

function latencySpec(latencyMs: number): ToxicSpec {
  return { name: 'explore-latency', type: 'latency', stream: 'upstream', attributes: { latency: latencyMs } };
}

/** The live fault for a generated one. */
export function toFault(f: FaultSpec): Fault {
  switch (f.kind) {
    case 'kill':
    case 'pause':
    case 'isolate':
      return onRole(f.kind, f.target);
    case 'sentinels-down':
      return new StopSentinels(f.names);
    case 'staggered':
      return new Staggered(
        f.of,
        f.targets.map((x) => onRole(f.of, x)),
        f.staggerMs,
      );
    case 'latency':
      return new Resolved('latency', new Toxic(latencySpec(f.latencyMs), []).colour, describeFault(f), async (t) => {
        const node = await resolveRole(t, f.target);
        const spec = latencySpec(f.latencyMs);
        const fault = new Toxic(spec, linksOfNode(t, node).filter((l) => l.to === node), { name: `latency ${f.latencyMs} ms into ${node}` });
        fault.targets = [node];
        return fault;
      });
    case 'partition':
      return new Resolved('partition', new Partition([['a'], ['b']]).colour, describeFault(f), async (t) => {
        const sides = await resolveSides(t, f.sides);
        if (sides.length < 2) throw new Error(`partition ${describeFault(f)} resolved to one side: give two non-empty sides`);
        return new Partition(sides, { mode: f.mode });
      });
  }
}
