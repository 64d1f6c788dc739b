/**
 * Which values of the `client` setting the harness can run. Pure and import-free, so lib/config.ts can
 * validate the setting before anything (Docker, ioredis, an adapter) is loaded.
 */
export const BUILTIN_CLIENTS = ['ioredis', 'redis-py'] as const;

/** Undefined when `choice` is a client the harness can run; otherwise why not (for a one-line error). */
export function clientChoiceProblem(choice: string): string | undefined {
  if ((BUILTIN_CLIENTS as readonly string[]).includes(choice)) return undefined;
  if (choice.startsWith('cmd:')) return choice.slice(4).trim() === '' ? 'cmd: needs a command, like cmd:"python3 my-adapter.py"' : undefined;
  return `must be ${BUILTIN_CLIENTS.join(', ')} or cmd:<adapter command> (docs/client-protocol.md)`;
}
