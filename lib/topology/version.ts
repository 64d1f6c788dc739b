/**
 * The server version of an image, asked once per image per process, before a topology's configs are written
 * (features.ts says what each version can do). Asking the image, rather than INFO of a started node, lets the
 * runner mark a scenario not-applicable without starting a topology, and the configs be right the first time.
 */
import { ConfigError, type Images } from '../config.ts';
import { createContainer, docker, ensureImage, LABEL, removeContainer } from './docker.ts';
import { parseServerVersion, type ServerVersion } from './features.ts';
import { serverBinary } from './layout.ts';

const probed = new Map<string, Promise<ServerVersion>>();

/**
 * The server version of an image: `<server> --version` in a short-lived container (labelled, so a crash
 * leaves nothing `sentinel-chaos cleanup` cannot find), once per image per process. The image must be present.
 */
export function probeImageVersion(image: string): Promise<ServerVersion> {
  let p = probed.get(image);
  if (!p) {
    p = runVersion(image);
    probed.set(image, p);
    p.catch(() => probed.delete(image));
  }
  return p;
}

async function runVersion(image: string): Promise<ServerVersion> {
  const name = `sc-version-${process.pid}-${Math.random().toString(16).slice(2, 10)}`;
  const c = await createContainer({ name, Image: image, Cmd: [serverBinary(image), '--version'], Tty: true, Labels: { [LABEL]: 'true', 'sentinel-chaos.role': 'probe' } });
  try {
    const d = (await docker()).container.dockerode.getContainer(c.getId());
    await d.start();
    await d.wait();
    const out = String(await d.logs({ stdout: true, stderr: true, follow: false }));
    const v = parseServerVersion(out);
    if (!v) throw new ConfigError(`image ${image}: \`${serverBinary(image)} --version\` printed no version (${JSON.stringify(out.trim().slice(0, 120))}). Fix: use a Redis or Valkey server image`);
    return v;
  } finally {
    await removeContainer(c.getId()).catch(() => {});
  }
}

/** The versions of a topology's redis and sentinel images (each image made present first, then asked once). */
export async function probeServers(images: Pick<Images, 'redis' | 'sentinel'>): Promise<{ redis: ServerVersion; sentinel: ServerVersion }> {
  await Promise.all([...new Set([images.redis, images.sentinel])].map(ensureImage));
  const [redis, sentinel] = await Promise.all([probeImageVersion(images.redis), probeImageVersion(images.sentinel)]);
  return { redis, sentinel };
}
