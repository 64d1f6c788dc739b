import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The official upstream images the harness uses unless configured otherwise. */
export const DEFAULT_IMAGES = {
  redis: 'redis:7.4.2',
  toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
} as const;

export interface Images {
  /** Image for the redis nodes. @default "redis:7.4.2" (env SC_REDIS_IMAGE) */
  redis: string;
  /** Image for the sentinels. @default the redis image (env SC_SENTINEL_IMAGE) */
  sentinel: string;
  /** Image for the toxiproxy sidecars. @default "ghcr.io/shopify/toxiproxy:2.12.0" (env SC_TOXIPROXY_IMAGE) */
  toxiproxy: string;
}

/**
 * Where the provisioning script records locally built images (machines without a registry).
 * Lower precedence than the environment.
 */
export const LOCAL_IMAGES_FILE = '.sentinel-chaos/images.env';

export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && m[1] && m[2] !== undefined) out[m[1]] = m[2].replace(/^["']|["']$/g, '');
  }
  return out;
}

/** Images from the environment, then the provisioning file, then the official defaults. */
export function resolveImages(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Images {
  const file = readEnvFile(resolve(cwd, LOCAL_IMAGES_FILE));
  const pick = (key: string): string | undefined => env[key] || file[key] || undefined;
  const redis = pick('SC_REDIS_IMAGE') ?? DEFAULT_IMAGES.redis;
  return {
    redis,
    sentinel: pick('SC_SENTINEL_IMAGE') ?? redis,
    toxiproxy: pick('SC_TOXIPROXY_IMAGE') ?? DEFAULT_IMAGES.toxiproxy,
  };
}

/** A configuration error: one line that names the fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function requireInt(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw new ConfigError(`invalid option ${name}=${String(value)}: must be ${range}`);
  }
}
