/** Collect the servers' own logs (docker logs) and parse them, for cross-checking measured timings. */
import type { LogLine } from '../model.ts';
import type { StartedSentinelTopology } from '../topology/topology.ts';
import { docker } from '../topology/docker.ts';
import { parseLog } from './parse-log.ts';

export async function collectLogs(t: StartedSentinelTopology, sinceMs: number): Promise<LogLine[]> {
  const client = await docker();
  const all = await Promise.all(
    // A replaced node's earlier servers too (a rolling upgrade), under the same node name.
    [...t.nodes.values()].flatMap((n) => [...(n.previous ?? []), n.container].map((container) => ({ name: n.spec.name, container }))).map(async ({ name, container }) => {
      try {
        const c = client.container.dockerode.getContainer(container.getId());
        const buf = (await c.logs({ stdout: true, stderr: true, follow: false, since: Math.floor(sinceMs / 1000) - 1 })) as unknown as Buffer;
        return parseLog(name, demux(buf));
      } catch {
        return [];
      }
    }),
  );
  return all.flat().filter((l) => l.time >= sinceMs - 1).sort((a, b) => a.time - b.time);
}

/** Docker multiplexes stdout/stderr frames (8-byte headers) when the container has no TTY. */
export function demux(buf: Buffer): string {
  const parts: string[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const type = buf[i];
    const len = buf.readUInt32BE(i + 4);
    if ((type !== 1 && type !== 2) || buf[i + 1] !== 0) return buf.toString('utf8');
    parts.push(buf.subarray(i + 8, i + 8 + len).toString('utf8'));
    i += 8 + len;
  }
  return parts.join('');
}
