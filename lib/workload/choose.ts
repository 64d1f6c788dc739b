/**
 * From the configured client ("ioredis", "redis-py" or "cmd:<command>", setting `client`) to the factory
 * the workload uses. Validation is separate and pure, so the configuration can reject a bad value before
 * anything starts.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config.ts';
import type { ClientFactory } from './client.ts';
import { clientChoiceProblem } from './choose-problem.ts';
import { ExternalFactory } from './external-client.ts';
import { IoredisFactory } from './ioredis-client.ts';

export { BUILTIN_CLIENTS, clientChoiceProblem } from './choose-problem.ts';

/** The repository root (lib/workload/ → ../..): where clients/ and .tools/ live. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The Python of the virtual environment scripts/sc provisions for the redis-py adapter. */
export const REDIS_PY_PYTHON = `${ROOT}.tools/py-venv/bin/python`;
export const REDIS_PY_ADAPTER = `${ROOT}clients/redis-py/adapter.py`;

export function clientFactory(choice: string | undefined): ClientFactory {
  if (choice === undefined || choice === 'ioredis') return new IoredisFactory();
  if (choice === 'redis-py') {
    if (!existsSync(REDIS_PY_PYTHON)) {
      throw new ConfigError(`client redis-py needs the Python environment ${REDIS_PY_PYTHON}. Fix: run SC_CLIENT=redis-py scripts/sc env (scripts/sc provisions it whenever the redis-py client is selected)`);
    }
    return new ExternalFactory({ name: 'redis-py', command: REDIS_PY_PYTHON, args: [REDIS_PY_ADAPTER] });
  }
  const problem = clientChoiceProblem(choice);
  if (problem) throw new ConfigError(`invalid client ${JSON.stringify(choice)}: ${problem}`);
  return new ExternalFactory({ name: choice, command: choice.slice(4).trim(), shell: true });
}
