import { waitFor } from '../../lib/clock.ts';

/** Poll until `probe` returns a truthy value (bounded, via lib/clock.ts waitFor); the error says what was last seen. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | false | undefined>,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  let last: unknown;
  return waitFor(
    what,
    async () => {
      try {
        const v = await probe();
        last = v;
        return v;
      } catch (err) {
        last = err;
        throw err;
      }
    },
    { timeoutMs, intervalMs, describe: () => `last: ${String(last)}` },
  );
}
