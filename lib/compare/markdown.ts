/**
 * The comparison as Markdown for $GITHUB_STEP_SUMMARY: the verdict, the variants, then per scenario
 * a table of its metric tests (medians over the trials, the difference with its 95 % CI, p, the
 * verdict) and the findings. Stays under `maxBytes` (GitHub allows
 * 1024 KiB per step) by dropping whole scenario sections and saying so.
 */
import { DEFAULT_MAX_BYTES, mdCell } from '../report/markdown.ts';
import type { ComparisonReport, ComparisonVerdict, Finding, ScenarioComparison } from './model.ts';
import { calibrationLine } from './calibrate.ts';
import { testCells, variantTotals } from './view.ts';

const ICON: Record<ComparisonVerdict | 'ok' | 'not-applicable', string> = { regression: '❌', 'no-regression': '✅', ok: '✅', inconclusive: '⚠️', 'not-applicable': '➖' };
/** The pass count's own mark: all passed, none passed, or some — never a tick beside 0/5. */
export function passCountIcon(passed: number, total: number): string {
  if (total > 0 && passed === total) return '✅';
  return passed === 0 ? '❌' : '⚠️';
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

function findingLine(f: Finding, withScenario: boolean): string {
  const mark = f.regression ? '❌' : f.kind === 'faster' || f.kind === 'fixed' ? '✅' : '•';
  return `- ${mark} ${withScenario ? `\`${mdCell(f.scenario, 80)}\` ` : ''}**${mdCell(f.variant, 80)}** (${f.kind}): ${mdCell(f.message, 400)}`;
}

const TEST_ICON: Record<string, string> = { regression: '❌ ', improvement: '✅ ', '~': '', inconclusive: '⚠️ ', 'not judged': '' };

const passedLine = (passed: number, total: number): string => `${passed}/${total} ${passCountIcon(passed, total)}`;

function scenarioSection(r: ComparisonReport, s: ScenarioComparison): string {
  const multi = r.variants.length > 2;
  const head = `| Metric${multi ? ' | Variant' : ''} | Baseline median | Candidate median | Δ median [95% CI] | p | Verdict |`;
  const sep = `|---${multi ? '|---' : ''}|--:|--:|--:|--:|---|`;
  const rows = s.tests.map((x) => {
    const c = testCells(x);
    const verdict = `${TEST_ICON[c.verdict] ?? ''}${c.verdict}`;
    return `| ${mdCell(x.label, 60)}${multi ? ` | \`${mdCell(x.variant, 80)}\`` : ''} | ${mdCell(c.baseline, 60)} | ${mdCell(c.candidate, 60)} | ${mdCell(c.delta, 80)} | ${c.p} | ${x.verdict === 'regression' && x.judged ? `**${verdict}**` : verdict} |`;
  });
  const passes = s.trials.map((list, i) => `${i === 0 ? 'baseline' : `\`${mdCell(r.variants[i]?.label ?? '', 80)}\``} ${passedLine(list.filter((o) => o.verdict === 'pass').length, list.length)}`).join(' · ');
  const findings = s.findings.length ? s.findings.map((f) => findingLine(f, false)).join('\n') : '- no change beyond the thresholds';
  return [`### ${ICON[s.verdict]} ${mdCell(s.title)} \`${mdCell(s.id, 80)}\`: ${s.verdict}`, '', `Trials passed: ${passes}`, '', head, sep, ...rows, '', findings, ''].join('\n');
}

export function renderComparisonMarkdown(r: ComparisonReport, opts: { maxBytes?: number; reportLink?: string } = {}): string {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const t = r.thresholds;
  const totals = variantTotals(r);
  const head = [
    `## ${ICON[r.verdict]} sentinel-chaos comparison \`${mdCell(r.id, 100)}\`: ${r.verdict.toUpperCase().replace('-', ' ')}`,
    '',
    mdCell(r.summary, 2000),
    '',
    `${r.repeat} trial(s) per scenario and variant, interleaved. Regression when the trials differ significantly (Mann–Whitney U, p < ${r.alpha}) **and** the median is slower by more than max(${t.maxSlowerMs} ms, ${t.maxSlowerPct}% of the baseline median); when the per-trial loss rate is significantly higher and the median lost count exceeds the baseline's by more than ${t.maxNewLoss}; or when the pass rate drops (Fisher's exact test, or a clean baseline and 2+ candidate failures). ～ = no change; ⚠️ inconclusive = too few trials or too much spread. Seed ${mdCell(r.seed ?? '—')}; ${mdCell(r.machine?.hostname ?? '?')} (${mdCell(r.machine?.cpus ?? '?')} CPUs). Failover phases are ms from the fault's start.`,
    ...(r.calibration ? ['', `**${mdCell(calibrationLine(r.calibration), 600)}**`] : []),
    ...r.notes.map((n) => `> ${mdCell(n, 500)}`),
    '',
    '| Role | Variant | Server | Redis image | Sentinel image | pass / fail / error |',
    '|---|---|---|---|---|--:|',
    ...r.variants.map((v, i) => {
      const x = totals[i] ?? { pass: 0, fail: 0, error: 0 };
      return `| ${i === 0 ? 'baseline' : `candidate ${i}`} | \`${mdCell(v.label, 80)}\` | ${mdCell(v.serverVersion ?? '—')} | \`${mdCell(v.redisImage)}\` | \`${mdCell(v.sentinelImage)}\` | ${x.pass} / ${x.fail} / ${x.error} |`;
    }),
    '',
  ].join('\n');
  const tail = opts.reportLink ? `\nFull report: ${opts.reportLink}\n` : '';
  const budget = maxBytes - bytes(head) - bytes(tail) - 300;
  let used = 0;
  let dropped = 0;
  const sections: string[] = [];
  // Regressions first: they are what a reader of a truncated summary needs.
  const order = [...r.scenarios].sort((a, b) => Number(b.verdict === 'regression') - Number(a.verdict === 'regression'));
  for (const s of order) {
    const text = `\n${scenarioSection(r, s)}`;
    if (dropped === 0 && used + bytes(text) <= budget) {
      sections.push(text);
      used += bytes(text);
    } else dropped++;
  }
  const note = dropped ? `\n> **Truncated** to stay under ${maxBytes} bytes: ${dropped} scenario section(s) not shown; see comparison.json / index.html.\n` : '';
  return `${head}${sections.join('')}${note}${tail}`;
}
