/** `sentinel-chaos list`: scenarios with their tags (or JSON). */
import { describeSource } from '../config.ts';
import type { Parsed } from './args.ts';
import type { CliContext } from './context.ts';
import { configFrom } from './run.ts';
import { ALL_SCENARIOS, EXTENDED_TAG } from '../scenario/suite.ts';
import { select } from './select.ts';
import { EXIT } from './spec.ts';

export async function listCommand(p: Parsed, ctx: CliContext): Promise<number> {
  const cfg = configFrom(p, ctx);
  const all = await ctx.catalogue();
  const scenarios = select(all, cfg.scenarios, describeSource('scenarios', cfg.sources.scenarios));
  if (p.values['json'] === true) {
    const rows = scenarios.map((s) => ({
      id: s.id,
      title: s.title,
      tags: s.tags,
      description: s.description,
      expectation: s.expectation,
      durationMs: s.durationMs,
      // The server features it needs (lib/topology/features.ts): not-applicable on servers without them.
      ...(s.requires?.length ? { requires: s.requires } : {}),
    }));
    ctx.out(JSON.stringify(rows, null, 2));
    return EXIT.ok;
  }
  const idW = Math.max(2, ...scenarios.map((s) => s.id.length)) + 2;
  const tagW = Math.max(4, ...scenarios.map((s) => s.tags.join(' ').length)) + 2;
  ctx.out(`${'ID'.padEnd(idW)}${'TAGS'.padEnd(tagW)}${'WORKLOAD'.padEnd(10)}TITLE`);
  for (const s of scenarios) {
    ctx.out(`${s.id.padEnd(idW)}${s.tags.join(' ').padEnd(tagW)}${`${Number((s.durationMs / 1000).toFixed(1))} s`.padEnd(10)}${s.title}`);
  }
  const counts = new Map<string, number>();
  for (const s of scenarios) for (const t of s.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
  const tags = [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([t, n]) => `${t} (${n})`);
  ctx.out('');
  ctx.out(`${scenarios.length} scenario(s). Tags: ${tags.join(', ') || 'none'}`);
  const hidden = all.length - scenarios.length;
  if (cfg.scenarios.length === 0 && hidden > 0) ctx.out(`${hidden} more tagged ${EXTENDED_TAG} (left out by default): --scenarios ${EXTENDED_TAG} or --scenarios ${ALL_SCENARIOS}`);
  ctx.out('Select with: sentinel-chaos run --scenarios <ids or tags, comma-separated>');
  return EXIT.ok;
}
