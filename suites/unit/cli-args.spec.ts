import { expect } from 'chai';
import { closest, findCommand, parseCommand, UsageError } from '../../lib/cli/args.ts';
import { type CliContext } from '../../lib/cli/context.ts';
import { mainHelp } from '../../lib/cli/help.ts';
import { main } from '../../lib/cli/main.ts';
import { COMMANDS, command, EXIT } from '../../lib/cli/spec.ts';
import { CONFIG_KEYS } from '../../lib/config.ts';
import type { Scenario } from '../../lib/scenario/scenario.ts';

function cmd(name: string): NonNullable<ReturnType<typeof command>> {
  const c = command(name);
  if (!c) throw new Error(`no command ${name}`);
  return c;
}

/** A context that records output; the catalogue is two fake scenarios (no Docker needed). */
function fakeContext(env: NodeJS.ProcessEnv = {}): CliContext & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  const scenario = (id: string, tags: string[]): Scenario =>
    ({ id, title: `title of ${id}`, tags, description: '', expectation: '', schedule: [], durationMs: 5000, failover: { expected: true }, expect: () => {} }) as Scenario;
  return {
    outLines,
    errLines,
    out: (l) => void outLines.push(l),
    err: (l) => void errLines.push(l),
    env: { SC_REDIS_IMAGE: 'redis:7.4.2', ...env },
    cwd: process.cwd(),
    catalogue: async () => [scenario('kill-master', ['quick', 'kill']), scenario('partition-master', ['partition'])],
  };
}

function usageError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(UsageError);
    const msg = (e as Error).message;
    expect(msg, 'one line').not.to.include('\n');
    return msg;
  }
  throw new Error('expected a UsageError');
}

describe('CLI: option parsing', () => {
  it('parses settings, repeatable lists and --no- forms', () => {
    const p = parseCommand(cmd('run'), ['--redis-image', 'redis:7.0.15', '--scenarios', 'a,b', '--scenarios=c', '--seed', '7', '--no-sentinel-debug', '--shard', '1/2']);
    expect(p.values).to.deep.include({ 'redis-image': 'redis:7.0.15', seed: '7', 'sentinel-debug': false, shard: '1/2' });
    expect(p.values['scenarios']).to.deep.equal(['a,b', 'c']);
  });

  it('compare takes --image repeatedly and --from', () => {
    const p = parseCommand(cmd('compare'), ['--image', 'a:1', '--image', 'b:2+c:3', '--max-slower-pct', '10']);
    expect(p.values['image']).to.deep.equal(['a:1', 'b:2+c:3']);
    expect(p.values['max-slower-pct']).to.equal('10');
  });

  it('merge takes positionals', () => {
    const p = parseCommand(cmd('merge'), ['--out', 'o', 'a', 'b']);
    expect(p.positionals).to.deep.equal(['a', 'b']);
  });

  const rejects: { name: string; command: string; argv: string[]; match: RegExp }[] = [
    { name: 'an unknown option, suggesting the closest', command: 'run', argv: ['--sed', '1'], match: /^unknown option --sed for `run` \(did you mean --seed\?\)\. Fix: .*sentinel-chaos run --help$/ },
    { name: "another command's option, naming it", command: 'run', argv: ['--image', 'x'], match: /unknown option --image for `run` \(it belongs to `compare`\)/ },
    { name: 'a missing value', command: 'run', argv: ['--seed'], match: /^option --seed is missing its value\. Fix: write --seed VALUE/ },
    { name: 'an option swallowed as a value', command: 'run', argv: ['--seed', '--shard', '1/2'], match: /option --seed is missing its value/ },
    { name: 'a value for a flag', command: 'list', argv: ['--json=yes'], match: /^option --json takes no value/ },
    { name: 'a stray positional', command: 'run', argv: ['kill-master'], match: /^unexpected argument "kill-master" for `run`/ },
    { name: '--no- for a flag that is off by default', command: 'list', argv: ['--no-json'], match: /unknown option --no-json/ },
    { name: 'merge without folders', command: 'merge', argv: ['--out', 'x'], match: /needs at least 1 SHARD_DIR/ },
  ];
  for (const r of rejects) {
    it(`rejects ${r.name} with one line`, () => {
      expect(usageError(() => parseCommand(cmd(r.command), r.argv))).to.match(r.match);
    });
  }

  it('rejects unknown commands, with a guess', () => {
    expect(usageError(() => findCommand('compre'))).to.match(/^unknown command "compre" \(did you mean compare\?\)\. Fix: use one of run, compare, list, merge, cleanup/);
    expect(usageError(() => findCommand(undefined))).to.match(/^no command given/);
    expect(usageError(() => findCommand('--seed'))).to.match(/before the command/);
  });

  it('closest() only suggests near matches', () => {
    expect(closest('--sed', ['--seed', '--shard'])).to.equal('--seed');
    expect(closest('--zzzzzz', ['--seed'])).to.equal(undefined);
  });
});

describe('CLI: --help documents everything', () => {
  const help = mainHelp();
  it('lists every command with its options', () => {
    for (const c of COMMANDS) {
      expect(help).to.include(`sentinel-chaos ${c.name} — `);
      for (const o of Object.keys(c.options)) expect(help, `${c.name} --${o}`).to.include(`--${o}`);
    }
  });
  it('documents every setting with its env variable and config key', () => {
    for (const k of Object.values(CONFIG_KEYS)) {
      expect(help).to.include(k.env);
      expect(help).to.include(k.file);
    }
    expect(help).to.include('Exit codes');
  });
});

describe('CLI: main()', () => {
  it('--help exits 0 on stdout', async () => {
    const ctx = fakeContext();
    expect(await main(['--help'], ctx)).to.equal(EXIT.ok);
    expect(ctx.outLines.join('\n')).to.include('Commands:');
    expect(ctx.errLines).to.deep.equal([]);
  });

  it('<command> --help exits 0', async () => {
    const ctx = fakeContext();
    expect(await main(['compare', '--help'], ctx)).to.equal(EXIT.ok);
    expect(ctx.outLines.join('\n')).to.include('--max-slower-pct');
  });

  const usage: { argv: string[]; env?: NodeJS.ProcessEnv; match: RegExp }[] = [
    { argv: ['frobnicate'], match: /unknown command "frobnicate"/ },
    { argv: ['run', '--bogus'], match: /unknown option --bogus/ },
    { argv: ['run', '--scenarios', 'nope'], match: /unknown scenario or tag "nope" in --scenarios.*Fix: choose from sentinel-chaos list — ids: kill-master, partition-master; tags: kill, partition, quick/ },
    { argv: ['list'], env: { SC_SCENARIOS: 'kil-master' }, match: /in SC_SCENARIOS \(did you mean kill-master\?\)/ },
    { argv: ['run', '--seed', 'x'], match: /invalid value "x" for --seed/ },
    { argv: ['run', '--shard', '0/2'], match: /invalid value "0\/2" for --shard/ },
    { argv: ['run', '--run-id', 'a b'], match: /invalid value "a b" for --run-id/ },
    { argv: ['run'], env: { SC_DOWN_AFTER_MS: 'soon' }, match: /invalid value "soon" for SC_DOWN_AFTER_MS \(environment\)/ },
    { argv: ['compare', '--image', 'redis:7.4.2'], match: /compare needs at least two images, got 1/ },
    { argv: ['compare', '--image', 'a:1', '--image', 'b:1', '--from', 'x', '--from', 'y'], match: /either --image .* or --from/ },
    { argv: ['compare', '--from', 'x'], match: /needs at least two report folders/ },
    { argv: ['merge', 'a'], match: /merge needs --out DIR/ },
  ];
  for (const u of usage) {
    it(`exits 2 with one error line: ${u.argv.join(' ')}${u.env ? ` (${Object.entries(u.env).map(([k, v]) => `${k}=${v}`).join(' ')})` : ''}`, async () => {
      const ctx = fakeContext(u.env);
      expect(await main(u.argv, ctx)).to.equal(EXIT.usage);
      expect(ctx.errLines).to.have.length(1);
      expect(ctx.errLines[0]).to.match(/^sentinel-chaos: error: /);
      expect(ctx.errLines[0]).to.match(u.match);
      expect(ctx.outLines).to.deep.equal([]);
    });
  }

  it('list prints scenarios with tags, and JSON', async () => {
    const ctx = fakeContext();
    expect(await main(['list'], ctx)).to.equal(EXIT.ok);
    const text = ctx.outLines.join('\n');
    expect(text).to.match(/kill-master\s+quick kill/);
    expect(text).to.include('Tags: kill (1), partition (1), quick (1)');
    const json = fakeContext();
    expect(await main(['list', '--json', '--scenarios', 'quick'], json)).to.equal(EXIT.ok);
    expect((JSON.parse(json.outLines.join('\n')) as { id: string }[]).map((s) => s.id)).to.deep.equal(['kill-master']);
  });
});

describe('CLI: compare variants', () => {
  it('IMAGE runs nodes and sentinels on it; IMAGE+SENTINEL splits them; --sentinel-image pins the sentinels', async () => {
    const { parseVariants } = await import('../../lib/cli/compare.ts');
    expect(parseVariants(['redis:7.0.15', 'valkey/valkey:9.0+redis:7.0.15'])).to.deep.equal([
      { redisImage: 'redis:7.0.15', sentinelImage: 'redis:7.0.15' },
      { redisImage: 'valkey/valkey:9.0', sentinelImage: 'redis:7.0.15' },
    ]);
    expect(parseVariants(['redis:7.0.15', 'redis:7.4.2', 'valkey/valkey:9.0+valkey/valkey:9.0'], 'redis:7.0.15')).to.deep.equal([
      { redisImage: 'redis:7.0.15', sentinelImage: 'redis:7.0.15' },
      { redisImage: 'redis:7.4.2', sentinelImage: 'redis:7.0.15' },
      { redisImage: 'valkey/valkey:9.0', sentinelImage: 'valkey/valkey:9.0' },
    ]);
  });

  it('names where each image of a run was configured, for one-line image errors', async () => {
    const { imageNeeds } = await import('../../lib/cli/run.ts');
    const { loadConfig } = await import('../../lib/config.ts');
    const needs = imageNeeds(loadConfig({ env: { SC_TOXIPROXY_IMAGE: 'tp:1' }, noProvisioning: true, cli: { 'redis-image': 'r:1' } }));
    expect(needs.map((n) => [n.image, n.option, n.source])).to.deep.equal([
      ['r:1', '--redis-image', '--redis-image'],
      ['r:1', '--redis-image', '--redis-image (the sentinels use the redis image)'],
      ['tp:1', '--toxiproxy-image', 'SC_TOXIPROXY_IMAGE'],
    ]);
  });
});
