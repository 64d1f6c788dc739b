/**
 * A Markdown summary for CI ($GITHUB_STEP_SUMMARY): one table row per scenario with its verdict
 * and key figures, then what went wrong in the scenarios that did not pass.
 *
 * GitHub takes at most 1024 KiB per step summary; the output stays under `maxBytes` by dropping
 * whole rows / sections and saying so at the end.
 */
import { flakiness, flakinessMarkdown } from './flakiness.ts';
import type { RunReport } from './run-report.ts';
import { type Cell, type ScenarioView, type Verdict, runView } from './report-data.ts';

/** Default size limit: below GitHub's 1024 KiB with room to spare. */
export const DEFAULT_MAX_BYTES = 1_000_000;

export interface MarkdownOptions {
  /** @default DEFAULT_MAX_BYTES */
  maxBytes?: number;
  /** Where the full report is (a URL or a path), linked at the end. */
  reportLink?: string;
}

const ICON: Record<Verdict, string> = { pass: '✅', fail: '❌', error: '⚠️', 'not-applicable': '⏭️' };

/** Text safe inside a Markdown table cell (no pipes, no newlines, no raw HTML). */
export function mdCell(s: unknown, max = 200): string {
  let t = String(s ?? '')
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|');
  if (t.length > max) t = `${t.slice(0, max - 1)}…`;
  return t;
}

/** A figure; "— ⚠️" when its checker failed (the error is listed below the table). */
function c(cell: Cell): string {
  return cell.isError ? `${mdCell(cell.text)} ⚠️` : mdCell(cell.text);
}

/** A durable figure with the raw one (every acknowledgement) beside it when they differ. */
function durableAndRaw(durable: Cell, raw: Cell): string {
  return raw.value === null || raw.text === durable.text ? c(durable) : `${c(durable)} (raw ${c(raw)})`;
}

function row(s: ScenarioView): string {
  const r = s.summary;
  const lost = typeof r.lost.value === 'number' && r.lost.value > 0 ? `**${c(r.lost)}**` : c(r.lost);
  const when = r.reattachedWhen.value === null ? '' : `, ${c(r.reattachedWhen)} after heal`;
  return `| ${ICON[r.verdict] ?? '?'} ${r.verdict} | ${mdCell(r.title)} \`${mdCell(r.id, 80).replace(/`/g, "'")}\` | ${c(r.detection)} | ${c(
    r.election,
  )} | ${c(r.promotion)} | ${durableAndRaw(r.durableClientRecovery, r.clientRecovery)} | ${durableAndRaw(
    r.durableUnavailable,
    r.unavailable,
  )} | ${c(r.acked)} / ${lost} / ${c(r.recovered)} | ${c(
    r.reattached,
  )}${when} | ${mdCell(r.serverVersion)} |`;
}

function problems(s: ScenarioView): string {
  const lines: string[] = [`### ${ICON[s.verdict] ?? '?'} ${mdCell(s.title)} (${s.verdict})`, ''];
  if (s.error) lines.push(`**Error:** ${mdCell(s.error, 2000)}`, '');
  if (s.notApplicable) lines.push(`**Not applicable:** ${mdCell(s.notApplicable, 2000)}`, '');
  for (const a of s.assertions) if (!a.ok) lines.push(`- ✗ ${mdCell(a.name)}${a.message ? ` — ${mdCell(a.message, 500)}` : ''}`);
  for (const ch of s.checks) {
    if (ch.valid === false) lines.push(`- check \`${mdCell(ch.name, 80)}\` INVALID${ch.notes.length ? ` — ${mdCell(ch.notes.join(' '), 500)}` : ''}`);
    if (ch.error) lines.push(`- check \`${mdCell(ch.name, 80)}\` error: ${mdCell(ch.error, 500)}`);
  }
  for (const w of s.warnings) lines.push(`- ${mdCell(w, 500)}`);
  return `${lines.join('\n')}\n`;
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

export function renderMarkdown(run: RunReport, opts: MarkdownOptions = {}): string {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const v = runView(run);
  const t = v.totals;
  const overall: Verdict = t.error > 0 ? 'error' : t.fail > 0 ? 'fail' : 'pass';
  const head = [
    `## ${ICON[overall]} sentinel-chaos run \`${mdCell(v.runId, 100).replace(/`/g, "'")}\`: ${t.pass} pass · ${t.fail} fail · ${t.error} error${
      t['not-applicable'] ? ` · ${t['not-applicable']} not-applicable` : ''
    }`,
    '',
    `Seed ${mdCell(v.seed)} · ${mdCell(v.machine?.hostname)} (${mdCell(v.machine?.cpus)} CPUs, ${mdCell(v.machine?.memGiB)} GiB, node ${mdCell(
      v.machine?.node,
    )}) · started ${mdCell(v.startedAt)}. Failover phases are ms from the fault's start; durable figures count only ` +
      'acknowledged writes the final read kept, the raw figure (every acknowledgement) in brackets when it differs; ⚠️ = the checker failed (see below).',
    '',
    '| Verdict | Scenario | Detection | Election | Promotion | Durable client recovery (raw) | Durable unavailability (raw) | Writes acked / lost / recovered | Reattached | Server |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|---|',
  ].join('\n');
  const tail = opts.reportLink ? `\nFull report: ${opts.reportLink}\n` : '';
  // Room for the truncation note, whatever is dropped.
  const budget = maxBytes - bytes(head) - bytes(tail) - 400;
  let used = 0;
  const out: string[] = [];
  let droppedRows = 0;
  for (const s of v.scenarios) {
    const line = `${row(s)}\n`;
    if (droppedRows === 0 && used + bytes(line) <= budget) {
      out.push(line);
      used += bytes(line);
    } else droppedRows++;
  }
  const sections: string[] = [];
  let droppedSections = 0;
  const worthExplaining = (x: ScenarioView): boolean => x.verdict !== 'pass' || x.checks.some((ch) => ch.error !== undefined);
  for (const s of v.scenarios.filter(worthExplaining)) {
    const text = `\n${problems(s)}`;
    if (droppedSections === 0 && droppedRows === 0 && used + bytes(text) <= budget) {
      sections.push(text);
      used += bytes(text);
    } else droppedSections++;
  }
  let note = '';
  if (droppedRows || droppedSections) {
    note = `\n> **Truncated** to stay under ${maxBytes} bytes: ${droppedRows} scenario row(s) and ${droppedSections} failure section(s) not shown. See results.json / index.html for everything.\n`;
  }
  const text = `${head}\n${out.join('')}${flakinessMarkdown(flakiness(run.scenarios ?? []))}${sections.join('')}${note}${tail}`;
  return bytes(text) <= maxBytes ? text : hardCut(text, maxBytes);
}

/** Last resort for a limit too small even for the header: cut at a byte limit, keep valid UTF-8. */
function hardCut(text: string, maxBytes: number): string {
  const note = '\n\n> **Truncated** (size limit).\n';
  const keep = Math.max(0, maxBytes - bytes(note));
  const cut = Buffer.from(text, 'utf8').subarray(0, keep).toString('utf8').replace(/\uFFFD+$/, '');
  return keep > 0 ? `${cut}${note}` : '';
}
