/**
 * Classify a client error as Jepsen does: `failed` when the command definitely did not take effect,
 * `unknown` when it may have (timed out, or the connection dropped after it was sent).
 */
import type { Outcome } from '../model.ts';

/** Redis error replies: the server refused the command, so it did not happen. */
const REPLY_ERRORS = /^(READONLY|NOREPLICAS|MASTERDOWN|LOADING|NOAUTH|WRONGPASS|NOPERM|ERR|BUSY|MISCONF|CLUSTERDOWN|TRYAGAIN|NOSCRIPT|EXECABORT)\b/;

/** Errors raised before the command was written to a socket. */
const NOT_SENT = [
  /Stream isn't writeable/i,
  /enableOfflineQueue/i,
  /ECONNREFUSED/,
  /All sentinels are unreachable/i,
  /Failed to connect to/i,
  /None of the sentinels are available/i,
  /Connection is in (subscriber|monitor) mode/i,
];

export function classify(err: unknown): { outcome: Outcome; error: string } {
  const error = err instanceof Error ? err.message : String(err);
  if (REPLY_ERRORS.test(error)) return { outcome: 'failed', error };
  if (NOT_SENT.some((re) => re.test(error))) return { outcome: 'failed', error };
  // Timeouts, "Connection is closed.", MaxRetriesPerRequestError, resets: it may have been applied.
  return { outcome: 'unknown', error };
}
