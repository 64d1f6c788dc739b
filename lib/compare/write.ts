/**
 * Write a comparison to a folder:
 *
 *   <dir>/index.html        the comparison (self-contained)
 *   <dir>/comparison.json   the ComparisonReport
 *   <dir>/summary.md        Markdown for $GITHUB_STEP_SUMMARY
 *   <dir>/junit.xml         one testcase per scenario × metric test (regressions fail)
 *   <dir>/<variant>/...     each variant's full run report (written by the compare command)
 *
 * and point `latest-compare` next to <dir> at it. Each file is rendered on its own: a renderer that
 * throws leaves <file>.error.txt and the others are still written.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { updateLatest } from '../report/write-report.ts';
import { renderComparisonHtml } from './html.ts';
import { renderComparisonJunit } from './junit.ts';
import { renderComparisonMarkdown } from './markdown.ts';
import type { ComparisonReport } from './model.ts';

export function renderComparisonJson(r: ComparisonReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

export interface WriteComparisonResult {
  dir: string;
  files: string[];
  failed: { file: string; message: string }[];
  latest?: string;
}

export async function writeComparison(
  r: ComparisonReport,
  opts: { dir: string; latest?: string | false; warn?: (line: string) => void },
): Promise<WriteComparisonResult> {
  const warn = opts.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const dir = path.resolve(opts.dir);
  await fs.mkdir(dir, { recursive: true });
  const outputs: { file: string; render: () => string }[] = [
    { file: 'comparison.json', render: () => renderComparisonJson(r) },
    { file: 'summary.md', render: () => renderComparisonMarkdown(r) },
    { file: 'junit.xml', render: () => renderComparisonJunit(r) },
    { file: 'index.html', render: () => renderComparisonHtml(r) },
  ];
  const files: string[] = [];
  const failed: { file: string; message: string }[] = [];
  for (const o of outputs) {
    let content: string;
    let file = o.file;
    try {
      content = o.render();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      failed.push({ file: o.file, message });
      file = `${o.file}.error.txt`;
      content = `The renderer for ${o.file} failed; the other files were written.\n\n${e instanceof Error ? (e.stack ?? message) : message}\n`;
      warn(`sentinel-chaos: could not render ${o.file} (${message}); see ${path.join(dir, file)}`);
    }
    await fs.writeFile(path.join(dir, file), content);
    files.push(path.join(dir, file));
  }
  const result: WriteComparisonResult = { dir, files, failed };
  const latest = opts.latest === false ? undefined : (opts.latest ?? path.join(path.dirname(dir), 'latest-compare'));
  if (latest !== undefined) {
    try {
      result.latest = await updateLatest(path.resolve(latest), dir);
    } catch (e) {
      warn(`sentinel-chaos: could not update ${latest} (${e instanceof Error ? e.message : String(e)}); the comparison is in ${dir}`);
    }
  }
  return result;
}
