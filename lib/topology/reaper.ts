/**
 * Ryuk, testcontainers' reaper, as a second line of defence: where it can run, a topology's containers,
 * network and volume carry Ryuk's session label, so they are removed even when this process is SIGKILLed.
 * Where it cannot (no registry to pull its image from and the image not present, as on these CI machines,
 * or TESTCONTAINERS_RYUK_DISABLED=true), nothing changes: the harness removes what it started itself
 * (stop(), the registry's signal handlers, and `cleanup` by label).
 *
 * Decided per topology start, without touching process.env: testcontainers picks the reaper from the
 * environment on its first getReaper() call, and setting TESTCONTAINERS_RYUK_DISABLED here would switch
 * Ryuk off for every other testcontainers user in the process. So getReaper() is only called when its
 * image is there (or can be pulled); a failed pull is remembered for the rest of the process.
 */
import { getReaper, ImageName, LABEL_TESTCONTAINERS_SESSION_ID, type ContainerRuntimeClient } from 'testcontainers';
// Not re-exported by the package's index: the image getReaper() itself starts (RYUK_CONTAINER_IMAGE or its default).
import { getReaperImage } from 'testcontainers/build/reaper/reaper.js';
import { docker } from './docker.ts';

export interface ReaperChoice {
  /** Labels to add to everything a topology creates ({} without Ryuk). */
  labels: Record<string, string>;
  /** One line for the progress log: which reaper covers the topology, or why none does. */
  describe: string;
}

let pullFailed: string | undefined;

/** Whether the Ryuk image is present, or can be pulled (tried once per process). */
async function ryukImageAvailable(client: ContainerRuntimeClient, image: string): Promise<boolean> {
  const name = ImageName.fromString(image);
  if (await client.image.exists(name)) return true;
  if (pullFailed !== undefined) return false;
  try {
    await client.image.pull(name);
    return true;
  } catch (err) {
    pullFailed = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
    return false;
  }
}

/** The reaper for the next topology: Ryuk's session label where Ryuk runs, else none (label-based cleanup). */
export async function chooseReaper(env: NodeJS.ProcessEnv = process.env): Promise<ReaperChoice> {
  if (env['TESTCONTAINERS_RYUK_DISABLED'] === 'true') {
    return { labels: {}, describe: 'no reaper (TESTCONTAINERS_RYUK_DISABLED=true); the harness removes its containers' };
  }
  const client = await docker();
  const image = getReaperImage();
  if (!(await ryukImageAvailable(client, image))) {
    return { labels: {}, describe: `no reaper (${image} not present and not pullable); the harness removes its containers` };
  }
  try {
    const reaper = await getReaper(client);
    // A reaper another user of testcontainers got disabled has no container: nothing would reap.
    if (!reaper.containerId) return { labels: {}, describe: 'no reaper (disabled for this process); the harness removes its containers' };
    return { labels: { [LABEL_TESTCONTAINERS_SESSION_ID]: reaper.sessionId }, describe: `reaper: ryuk ${reaper.containerId.slice(0, 12)}` };
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { labels: {}, describe: `no reaper (ryuk did not start: ${why}); the harness removes its containers` };
  }
}
