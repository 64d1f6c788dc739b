/**
 * Secrets never reach reports or logs: a deep copy of a configuration value with every secret-looking
 * field (password, pass, secret, token, ...) replaced by a marker. Used where configuration is reported.
 */
const SECRET_KEY = /pass(word)?$|secret|token|credential|apikey|api_key/i;
export const REDACTED = '[redacted]';

export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => redactSecrets(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? REDACTED : redactSecrets(v);
  return out as T;
}
