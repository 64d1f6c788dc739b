/**
 * The comparison as Markdown for $GITHUB_STEP_SUMMARY: the verdict, the variants, then per scenario
 * a side-by-side table of its figures and the findings. Stays under `maxBytes` (GitHub allows
 * 1024 KiB per step) by dropping whole scenario sections and saying so.
 */
import { DEFAULT_MAX_BYTES, mdCell } from '../report/markdown.ts';
import type { ComparisonReport, ComparisonVerdict, Finding, ScenarioComparison } from './model.ts';
import { metricRows, variantTotals } from './view.ts';

const ICON: Record<ComparisonVerdict | 'ok', string> = { regression: '❌', 'no-regression': '✅', ok: '✅', inconclusive: '⚠️' };
const VERDICT_ICON: Record<string, string> = { pass: '✅', fail: '❌', error: '⚠️' };

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

function findingLine(f: Finding, withScenario: boolean): string {
  const mark = f.regression ? '❌' : f.kind === 'faster' || f.kind === 'fixed' ? '✅' : '•';
  return `- ${mark} ${withScenario ? `\`${mdCell(f.scenario, 80)}\` ` : ''}**${mdCell(f.variant, 80)}** (${f.kind}): ${mdCell(f.message, 400)}`;
}

function scenarioSection(r: ComparisonReport, s: ScenarioComparison): string {
  const labels = r.variants.map((v) => v.label);
  const head = `| Figure | ${labels.map((l, i) => `${i === 0 ? 'baseline' : `candidate ${i}`} \`${mdCell(l, 80)}\``).join(' | ')} |`;
  const sep = `|---|${labels.map(() => '--:').join('|')}|`;
  const rows = metricRows(s, labels).map((row) => {
    const cells = row.cells.map((c, i) => {
      const text = row.key === 'verdict' && s.outcomes[i] ? `${VERDICT_ICON[c.text] ?? ''} ${c.text}` : c.text;
      const delta = c.delta ? ` (${c.delta})` : '';
      const body = `${mdCell(text, 80)}${mdCell(delta, 60)}`;
      return c.bad ? `**${body}** ❌` : c.good ? `${body} ✅` : body;
    });
    return `| ${row.label}${row.judged ? ' ⚖' : ''} | ${cells.join(' | ')} |`;
  });
  const findings = s.findings.length ? s.findings.map((f) => findingLine(f, false)).join('\n') : '- no differences beyond the thresholds';
  return [`### ${ICON[s.verdict]} ${mdCell(s.title)} \`${mdCell(s.id, 80)}\`: ${s.verdict}`, '', head, sep, ...rows, '', findings, ''].join('\n');
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
    `Regression when a judged failover phase (⚖ promotion, client recovery) is slower than the baseline by more than ${t.maxSlowerPct}% **and** ${t.maxSlowerMs} ms, when more than ${t.maxNewLoss} acknowledged write(s) are lost beyond the baseline's, or on any new failure. Seed ${mdCell(r.seed ?? '—')}; ${mdCell(r.machine?.hostname ?? '?')} (${mdCell(r.machine?.cpus ?? '?')} CPUs). Failover phases are ms from the fault's start.`,
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
