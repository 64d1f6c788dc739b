/**
 * The comparison as JUnit XML for CI test panels: one testsuite per candidate variant, one testcase
 * per scenario × metric test. A regression is a <failure>, an inconclusive test is <skipped> with
 * its reason (CI shows it, the build is not failed by it), no change / improvement pass.
 */
import type { ComparisonReport } from './model.ts';
import { testCells } from './view.ts';

const xml = (s: unknown): string =>
  String(s)
    // XML 1.0 forbids most control characters even escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

export function renderComparisonJunit(r: ComparisonReport): string {
  const suites = r.variants.slice(1).map((v) => {
    const cases = r.scenarios.flatMap((s) =>
      s.tests
        .filter((x) => x.variant === v.label)
        .map((x) => {
          const c = testCells(x);
          const body =
            x.judged && x.verdict === 'regression'
              ? `<failure type="regression" message="${xml(`${x.label}: ${x.reason}`)}">${xml(`baseline ${c.baseline}; candidate ${c.candidate}; Δ ${c.delta}; p ${c.p}`)}</failure>`
              : x.judged && x.verdict === 'inconclusive'
                ? `<skipped message="${xml(`inconclusive: ${x.reason}`)}"/>`
                : `<system-out>${xml(`${c.verdict}: ${x.reason}`)}</system-out>`;
          return `    <testcase classname="${xml(s.id)}" name="${xml(`${x.label} (${c.verdict})`)}">${body}</testcase>`;
        }),
    );
    const count = (f: (x: (typeof r.scenarios)[number]['tests'][number]) => boolean): number => r.scenarios.flatMap((s) => s.tests.filter((x) => x.variant === v.label && f(x))).length;
    return `  <testsuite name="${xml(`compare ${r.variants[0]?.label ?? 'baseline'} → ${v.label}`)}" tests="${count(() => true)}" failures="${count((x) => x.judged && x.verdict === 'regression')}" skipped="${count((x) => x.judged && x.verdict === 'inconclusive')}" errors="0">
${cases.join('\n')}
  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(`sentinel-chaos comparison ${r.id}: ${r.verdict}`)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
