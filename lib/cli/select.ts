/** Scenario selection for the CLI: unknown ids or tags are one clear error naming what exists. */
import { ConfigError } from '../config.ts';
import type { Scenario } from '../scenario/scenario.ts';
import { ALL_SCENARIOS, selectScenarios } from '../scenario/suite.ts';
import { closest } from './args.ts';

/** The scenarios matching `selection` (ids or tags; empty = all but `extended`; "all" = all), in catalogue order. */
export function select(all: Scenario[], selection: string[], where: string): Scenario[] {
  const ids = all.map((s) => s.id);
  const tags = [...new Set(all.flatMap((s) => s.tags))].sort();
  const known = new Set([ALL_SCENARIOS, ...ids, ...tags]);
  const unknown = selection.filter((x) => !known.has(x));
  if (unknown.length > 0) {
    const guess = unknown.length === 1 ? closest(unknown[0] ?? '', [...known]) : undefined;
    throw new ConfigError(
      `unknown scenario or tag ${unknown.map((u) => JSON.stringify(u)).join(', ')} in ${where}${guess ? ` (did you mean ${guess}?)` : ''}. ` +
        `Fix: choose from sentinel-chaos list — ids: ${ids.join(', ') || 'none'}; tags: ${tags.join(', ') || 'none'}`,
    );
  }
  return selectScenarios(all, selection);
}
