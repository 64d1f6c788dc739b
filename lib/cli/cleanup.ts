/** `sentinel-chaos cleanup`: remove every container and network labelled sentinel-chaos, printing each. */
import type { Parsed } from './args.ts';
import type { CliContext } from './context.ts';
import { EXIT } from './spec.ts';

interface Item {
  kind: 'container' | 'network';
  id: string;
  name: string;
  labels: Record<string, string>;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describe(i: Item): string {
  return `${i.kind} ${i.name} (${i.id.slice(0, 12)})`;
}

export async function cleanupCommand(p: Parsed, ctx: CliContext): Promise<number> {
  const { cleanup, listLabelled, LABEL_PID, LABEL_TOPOLOGY } = await import('../topology/docker.ts');
  const found: Item[] = await listLabelled();
  const onlyOrphans = p.values['only-orphans'] === true;
  const kept = new Set<string>();
  if (onlyOrphans) {
    for (const i of found) {
      const topo = i.labels[LABEL_TOPOLOGY];
      const pid = Number(i.labels[LABEL_PID]);
      if (topo && alive(pid) && pid !== process.pid) kept.add(topo);
    }
  }
  const targets = found.filter((i) => !kept.has(i.labels[LABEL_TOPOLOGY] ?? ''));
  for (const topo of kept) ctx.err(`keeping topology ${topo}: its process is still running`);
  if (targets.length === 0) {
    ctx.err('nothing to remove: no container or network labelled sentinel-chaos');
    return EXIT.ok;
  }
  if (p.values['dry-run'] === true) {
    for (const i of targets) ctx.out(`would remove ${describe(i)}`);
    return EXIT.ok;
  }
  let removed: Item[];
  if (kept.size === 0) {
    removed = await cleanup();
  } else {
    removed = [];
    const topologies = [...new Set(targets.map((i) => i.labels[LABEL_TOPOLOGY]).filter((t): t is string => t !== undefined))];
    for (const t of topologies) removed.push(...(await cleanup({ [LABEL_TOPOLOGY]: t })));
  }
  for (const i of removed) ctx.out(`removed ${describe(i)}`);
  const n = (k: Item['kind']): number => removed.filter((i) => i.kind === k).length;
  ctx.err(`removed ${n('container')} container(s) and ${n('network')} network(s)`);
  return EXIT.ok;
}
