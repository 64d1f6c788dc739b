/**
 * Checks before anything starts: the Docker engine answers and every image is present (or can be
 * pulled). A failure is ONE line naming the image, where it was configured, and the fix — and no
 * container or network has been created yet.
 */
import { ConfigError } from '../config.ts';

export interface ImageNeed {
  image: string;
  /** What it is for, e.g. "redis nodes". */
  role: string;
  /** Where it was configured, e.g. "--redis-image" or "SC_REDIS_IMAGE in .sentinel-chaos/images.env". */
  source: string;
  /** The option to name in the fix, e.g. "--redis-image". */
  option: string;
}

export async function preflightImages(needs: readonly ImageNeed[], log: (m: string) => void = () => {}): Promise<void> {
  const { ensureImage, docker } = await import('../topology/docker.ts');
  await docker();
  const seen = new Set<string>();
  for (const n of needs) {
    if (seen.has(n.image)) continue;
    seen.add(n.image);
    try {
      await ensureImage(n.image);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      const why = /could not be pulled \((.*)\)\. Fix:/
        .exec(e.message)?.[1]
        ?.replace(/^\(HTTP code \d+\)\s*(server error\s*-\s*)?/i, '')
        .trim();
      const local = n.image.startsWith('sentinel-chaos/');
      const fix = local
        ? 'build it with scripts/images/build-all.sh (it prints the tags it built)'
        : 'pull it (docker pull), build a local one with scripts/images/build-all.sh';
      throw new ConfigError(
        `image ${n.image} for the ${n.role} (from ${n.source}) is not present and could not be pulled${why ? ` (${why})` : ''}. Fix: ${fix}, or pass an available image to ${n.option}`,
      );
    }
  }
  log(`images ready: ${[...seen].join(', ')}`);
}
