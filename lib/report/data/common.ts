/**
 * What every part of the report data shares: the verdict colours, the text shown for a missing value, and
 * the guards that let the readers take JSON from an older or crashed run without throwing.
 */
import type { ScenarioResult } from '../../model.ts';

export type Verdict = ScenarioResult['verdict'];

export const VERDICT_COLORS: Readonly<Record<Verdict, string>> = {
  pass: '#1a7f37',
  fail: '#cf222e',
  error: '#9a6700',
  'not-applicable': '#57606a',
};

/** The text shown where a value is missing. */
export const MISSING = '—';

/** A finite number (JSON from a crashed run may hold null, NaN or nothing where a time belongs). */
export function finite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** A plain object, or undefined (for `details` whose shape a checker may change). */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
