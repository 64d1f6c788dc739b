/**
 * The `client` setting (--client, SC_CLIENT, "client" in the config file): validated before anything
 * starts, one line and exit 2 for a client the harness cannot run, one client per run, several only for
 * compare, and an adapter command never split on its commas.
 */
import { expect } from 'chai';
import type { CliContext } from '../../lib/cli/context.ts';
import { main } from '../../lib/cli/main.ts';
import { EXIT } from '../../lib/cli/spec.ts';
import { ConfigError, fileLayer, loadConfig } from '../../lib/config.ts';

function context(env: NodeJS.ProcessEnv = {}): CliContext & { errLines: string[] } {
  const errLines: string[] = [];
  return {
    errLines,
    out: () => {},
    err: (l) => void errLines.push(l),
    env: { SC_REDIS_IMAGE: 'redis:7.4.2', ...env },
    cwd: process.cwd(),
    // Reaching the catalogue means validation let the command through: the tests below must stop before it.
    catalogue: () => Promise.reject(new Error('the catalogue was loaded: validation came too late')),
  };
}

describe('client setting', () => {
  it('defaults to ioredis; --client, SC_CLIENT and the config file give it, in that precedence', () => {
    expect(loadConfig({ env: {}, noProvisioning: true }).clients).to.deep.equal(['ioredis']);
    expect(loadConfig({ env: { SC_CLIENT: 'redis-py' }, noProvisioning: true }).clients).to.deep.equal(['redis-py']);
    expect(loadConfig({ cli: { client: ['ioredis'] }, env: { SC_CLIENT: 'redis-py' }, noProvisioning: true }).clients).to.deep.equal(['ioredis']);
    expect(fileLayer({ client: ['ioredis', 'redis-py'] }, 'c.json')).to.deep.equal({ client: ['ioredis', 'redis-py'] });
  });

  it('an adapter command keeps its commas (one client, not a list)', () => {
    const c = loadConfig({ cli: { client: ['cmd:python3 -c "import a,b"'] }, env: {}, noProvisioning: true });
    expect(c.clients).to.deep.equal(['cmd:python3 -c "import a,b"']);
  });

  it('an unknown client is one ConfigError line naming where it came from and what is accepted', () => {
    expect(() => loadConfig({ env: { SC_CLIENT: 'jedis' }, noProvisioning: true })).to.throw(
      ConfigError,
      /^invalid value "jedis" for SC_CLIENT \(environment\): must be ioredis, redis-py or cmd:<adapter command> \(docs\/client-protocol\.md\)$/,
    );
  });

  const usage: { argv: string[]; env?: NodeJS.ProcessEnv; match: RegExp }[] = [
    { argv: ['run', '--client', 'jedis'], match: /^sentinel-chaos: error: invalid value "jedis" for --client: must be ioredis, redis-py or cmd:/ },
    { argv: ['run'], env: { SC_CLIENT: 'cmd:' }, match: /^sentinel-chaos: error: invalid value "cmd:" for SC_CLIENT/ },
    { argv: ['compare', '--client', 'lettuce', '--client', 'ioredis'], match: /for --client: must be ioredis, redis-py or cmd:/ },
    { argv: ['run', '--client', 'ioredis', '--client', 'redis-py'], match: /a run uses one client, got ioredis, redis-py\. Fix: give --client once \(compare takes several\)$/ },
    {
      argv: ['compare', '--client', 'ioredis', '--client', 'redis-py', '--image', 'redis:7.0.15', '--image', 'redis:7.4.2'],
      match: /compare either clients \(--client twice\) or images \(--image twice\), not both/,
    },
  ];
  for (const u of usage) {
    it(`exits 2 with one line before anything starts: ${u.argv.join(' ')}${u.env ? ` (${JSON.stringify(u.env)})` : ''}`, async () => {
      const ctx = context(u.env);
      expect(await main(u.argv, ctx)).to.equal(EXIT.usage);
      expect(ctx.errLines).to.have.length(1);
      expect(ctx.errLines[0]).to.match(u.match);
    });
  }
});
