/**
 * What the reports take from the histories (results.json's historySummary, the views behind index.html and
 * summary.md), made in one pass over the scenarios: a spooled history (history-spool.ts) is read back once,
 * for all of them, and dropped before the next one is read.
 *
 * A part that throws for some scenario fails only the outputs that need it, with that error, as when each
 * renderer made its own: the writer then leaves its error file and writes the others.
 */
import type { ScenarioResult } from '../model.ts';
import { withHistory } from './history-spool.ts';
import { historySummary, type HistorySummary } from './json.ts';
import { runView, scenarioAnchors, scenarioView, type RunView, type ScenarioView } from './report-data.ts';
import type { RunReport } from './run-report.ts';

type Made<T> = { ok: true; value: T } | { ok: false; error: unknown };

export class PreparedRun {
  private readonly run: RunReport;
  private made: { summaries: Made<HistorySummary[]>; view: Made<RunView> } | undefined;

  constructor(run: RunReport) {
    this.run = run;
  }

  /** Each scenario's historySummary, in the run's order (throws what making one threw). */
  summaries(): HistorySummary[] {
    return unwrap(this.make().summaries);
  }

  /** The run's view (throws what making a scenario's view threw). */
  view(): RunView {
    return unwrap(this.make().view);
  }

  /** Made on first use, once: a writer that falls back to another folder does not read the histories again. */
  private make(): { summaries: Made<HistorySummary[]>; view: Made<RunView> } {
    if (this.made) return this.made;
    const anchors = scenarioAnchors(this.run);
    const summaries: HistorySummary[] = [];
    const views: ScenarioView[] = [];
    let summaryError: { error: unknown } | undefined;
    let viewError: { error: unknown } | undefined;
    for (const [i, s] of (this.run.scenarios ?? []).entries()) {
      let full: ScenarioResult;
      try {
        full = withHistory(s);
      } catch (error) {
        summaryError ??= { error };
        viewError ??= { error };
        break;
      }
      if (!summaryError) {
        try {
          summaries.push(historySummary(full));
        } catch (error) {
          summaryError = { error };
        }
      }
      if (!viewError) {
        try {
          views.push(scenarioView(full, anchors[i]));
        } catch (error) {
          viewError = { error };
        }
      }
      if (summaryError && viewError) break;
    }
    let view: Made<RunView>;
    if (viewError) view = { ok: false, error: viewError.error };
    else {
      try {
        view = { ok: true, value: runView(this.run, views) };
      } catch (error) {
        view = { ok: false, error };
      }
    }
    this.made = { summaries: summaryError ? { ok: false, error: summaryError.error } : { ok: true, value: summaries }, view };
    return this.made;
  }
}

function unwrap<T>(m: Made<T>): T {
  if (m.ok) return m.value;
  throw m.error;
}
