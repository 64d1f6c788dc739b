/**
 * JUnit XML for CI test reporters (dorny/test-reporter, EnricoMi/publish-unit-test-result-action,
 * mikepenz/action-junit-report, GitLab, Jenkins).
 *
 * One <testsuite> per run, one <testcase> per scenario (classname = its first tag, or "chaos").
 * verdict 'fail' → <failure> listing the failed assertions and invalid checks; verdict 'error'
 * → <error> with the error. <system-out> carries the key figures.
 */
import type { ScenarioResult } from '../model.ts';
import type { RunReport } from './run-report.ts';
import { type SummaryRow, checkViews, summaryRow } from './report-data.ts';

/** Characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF). */
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escape for XML element text. */
export function xmlText(s: unknown): string {
  return String(s ?? '')
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Escape for a double-quoted XML attribute value (newlines kept as character references). */
export function xmlAttr(s: unknown): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function seconds(ms: number | undefined): string {
  return typeof ms === 'number' && Number.isFinite(ms) ? (ms / 1000).toFixed(3) : '0';
}

function keyFigureLines(r: SummaryRow): string[] {
  const line = (label: string, c: { text: string; note?: string }): string => `${label}: ${c.text}${c.note ? ` (${c.note})` : ''}`;
  return [
    line('detection', r.detection),
    line('election', r.election),
    line('promotion', r.promotion),
    line('durable client recovery', r.durableClientRecovery),
    line('durable unavailability', r.durableUnavailable),
    line('raw client recovery (every ack)', r.clientRecovery),
    line('raw unavailability (every ack)', r.unavailable),
    `writes acked / lost / recovered: ${r.acked.text} / ${r.lost.text} / ${r.recovered.text}`,
    line('reattached', r.reattached) + (r.reattachedWhen.value === null ? '' : `, ${r.reattachedWhen.text} after heal`),
    `server: ${r.serverVersion} (${r.image})`,
  ];
}

function failureLines(s: ScenarioResult): string[] {
  const lines: string[] = [];
  for (const a of s.assertions ?? []) {
    if (!a.ok) lines.push(`✗ ${a.name}${a.message ? `: ${a.message}` : ''}`);
  }
  for (const c of checkViews(s.checks)) {
    if (c.valid === false) lines.push(`check ${c.name} INVALID${c.notes.length ? `: ${c.notes.join(' ')}` : ''}`);
    if (c.error) lines.push(`check ${c.name} error: ${c.error}`);
  }
  return lines;
}

function testcase(s: ScenarioResult): string {
  const r = summaryRow(s);
  const classname = s.scenario?.tags?.[0] ?? 'chaos';
  const name = `${r.title} [${r.id}]`;
  const problems = failureLines(s);
  let outcome = '';
  if (r.verdict === 'error') {
    const message = r.error ?? 'the scenario did not complete';
    const body = [message, ...problems].join('\n');
    outcome = `\n      <error message="${xmlAttr(message)}" type="ScenarioError">${xmlText(body)}</error>`;
  } else if (r.verdict === 'not-applicable') {
    // Skipped with the reason, so CI shows it (never a silent skip) without counting it as a failure.
    outcome = `\n      <skipped message="${xmlAttr(`not applicable: ${s.notApplicable ?? 'the servers lack a feature the scenario needs'}`)}"/>`;
  } else if (r.verdict === 'fail') {
    const failedAssertion = (s.assertions ?? []).find((a) => !a.ok);
    const message = failedAssertion
      ? `${failedAssertion.name}${failedAssertion.message ? `: ${failedAssertion.message}` : ''}`
      : (problems[0] ?? 'verdict: fail');
    const body = (problems.length ? problems : ['verdict: fail']).join('\n');
    outcome = `\n      <failure message="${xmlAttr(message)}" type="AssertionError">${xmlText(body)}</failure>`;
  }
  const out = [...keyFigureLines(r), `seed: ${s.seed ?? '—'}`].join('\n');
  return `    <testcase name="${xmlAttr(name)}" classname="${xmlAttr(classname)}" time="${seconds(s.durationMs)}">${outcome}
      <system-out>${xmlText(out)}</system-out>
    </testcase>`;
}

/** Render the run as a JUnit XML document. */
export function renderJunit(run: RunReport): string {
  const scenarios = run.scenarios ?? [];
  const failures = scenarios.filter((s) => s.verdict === 'fail').length;
  const skipped = scenarios.filter((s) => s.verdict === 'not-applicable').length;
  const errors = scenarios.filter((s) => s.verdict !== 'fail' && s.verdict !== 'pass' && s.verdict !== 'not-applicable').length;
  const totalMs = scenarios.reduce((sum, s) => sum + (Number.isFinite(s.durationMs) ? s.durationMs : 0), 0);
  const timestamp = String(run.startedAt ?? '').replace(/(\.\d+)?Z$/, '');
  const props: [string, unknown][] = [
    ['runId', run.runId],
    ['seed', run.seed],
    ['startedAt', run.startedAt],
    ['finishedAt', run.finishedAt],
    ['node', run.machine?.node],
    ['platform', run.machine?.platform],
    ['cpus', run.machine?.cpus],
    ['memGiB', run.machine?.memGiB],
  ];
  const counts = `tests="${scenarios.length}" failures="${failures}" errors="${errors}" skipped="${skipped}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="sentinel-chaos" ${counts} time="${seconds(totalMs)}">
  <testsuite name="${xmlAttr(`sentinel-chaos ${run.runId}`)}" ${counts} time="${seconds(totalMs)}" timestamp="${xmlAttr(
    timestamp,
  )}" hostname="${xmlAttr(run.machine?.hostname ?? 'unknown')}">
    <properties>
${props.map(([k, v]) => `      <property name="${xmlAttr(k)}" value="${xmlAttr(v ?? '')}"/>`).join('\n')}
    </properties>
${scenarios.map(testcase).join('\n')}
  </testsuite>
</testsuites>
`;
}
