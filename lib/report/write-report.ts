/**
 * Write a run's reports to a folder:
 *
 *   <dir>/index.html          the self-contained HTML report
 *   <dir>/results.json        the RunReport, histories replaced by summaries
 *   <dir>/junit.xml           JUnit XML
 *   <dir>/summary.md          Markdown for $GITHUB_STEP_SUMMARY
 *   <dir>/history/<id>.json   each scenario's raw history
 *
 * and point `latest` (next to <dir>, i.e. reports/latest by default) at it: a symlink, or a copy
 * of the folder where symlinks are not allowed.
 *
 * Writing never loses data. Each output is rendered on its own (like a reporter multiplexer):
 * a renderer that throws leaves `<file>.error.txt` in its place and the others are still
 * written. If the folder is not writable, everything goes to a folder under os.tmpdir()
 * instead, reported in `fellBack` and in one line on stderr.
 */
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ScenarioResult } from '../model.ts';
import { renderHtml } from './html.ts';
import { historyFiles, renderHistoryJson, renderResultsJson, safeFileName } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import type { RunReport } from './run-report.ts';

/** One renderer per output; each can be replaced (tests, or a different format). */
export interface Renderers {
  html: (run: RunReport) => string;
  results: (run: RunReport) => string;
  junit: (run: RunReport) => string;
  markdown: (run: RunReport) => string;
  history: (scenario: ScenarioResult) => string;
}

export const DEFAULT_RENDERERS: Readonly<Renderers> = {
  html: (run) => renderHtml(run),
  results: renderResultsJson,
  junit: renderJunit,
  markdown: (run) => renderMarkdown(run),
  history: renderHistoryJson,
};

export interface WriteReportOptions {
  /** @default reports/<runId> (relative to the working directory) */
  dir?: string;
  /** Where the `latest` link goes; false: none. @default `latest` next to the report folder */
  latest?: string | false;
  /**
   * 'symlink' makes `latest` a relative symlink, falling back to a copy where symlinks fail;
   * 'copy' always copies (for tools that do not follow symlinks).
   * @default 'symlink'
   */
  latestMode?: 'symlink' | 'copy';
  /** Replace some renderers. */
  renderers?: Partial<Renderers>;
  /** Parent of the fallback folder. @default <os.tmpdir()>/sentinel-chaos-reports */
  fallbackRoot?: string;
  /** Where warnings go (one line each). @default process.stderr */
  warn?: (line: string) => void;
}

export interface RenderFailure {
  /** The output that failed, relative to the report folder. */
  file: string;
  /** The error file written instead, relative to the report folder. */
  errorFile: string;
  message: string;
}

export interface WriteReportResult {
  /** The folder actually written (the fallback one if `fellBack` is set). */
  dir: string;
  /** Absolute paths of every file written, error files included. */
  files: string[];
  /** Set when the requested folder was not writable: what happened and where the report went. */
  fellBack?: string;
  /** Outputs whose renderer threw. */
  failed: RenderFailure[];
  /** The `latest` link or copy, if it was updated. */
  latest?: string;
}

interface Output {
  file: string;
  render: () => string;
}

/** An I/O failure of the target folder (as opposed to a renderer throwing). */
class TargetError extends Error {
  readonly code: string | undefined;
  constructor(dir: string, cause: unknown) {
    const e = cause as NodeJS.ErrnoException;
    super(`${dir} is not writable (${e?.code ?? 'error'}: ${e?.message ?? String(cause)})`, { cause });
    this.code = e?.code;
  }
}

function outputs(run: RunReport, r: Renderers): Output[] {
  const histories = historyFiles(run);
  return [
    { file: 'results.json', render: () => r.results(run) },
    { file: 'junit.xml', render: () => r.junit(run) },
    { file: 'summary.md', render: () => r.markdown(run) },
    ...(run.scenarios ?? []).map((s, i) => ({ file: histories[i] ?? `history/${i}.json`, render: () => r.history(s) })),
    { file: 'index.html', render: () => r.html(run) },
  ];
}

function describeError(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

async function writeAll(dir: string, outs: Output[], warn: (line: string) => void): Promise<{ files: string[]; failed: RenderFailure[] }> {
  const files: string[] = [];
  const failed: RenderFailure[] = [];
  const write = async (file: string, content: string): Promise<void> => {
    const abs = path.join(dir, file);
    try {
      await fs.mkdir(path.dirname(abs), { recursive: true });
      await fs.writeFile(abs, content);
    } catch (e) {
      throw new TargetError(dir, e);
    }
    files.push(abs);
  };
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.access(dir, constants.W_OK);
  } catch (e) {
    throw new TargetError(dir, e);
  }
  for (const out of outs) {
    let content: string;
    try {
      content = out.render();
    } catch (e) {
      const errorFile = `${out.file}.error.txt`;
      const message = e instanceof Error ? e.message : String(e);
      await write(errorFile, `The renderer for ${out.file} failed; the other report files were written.\n\n${describeError(e)}\n`);
      failed.push({ file: out.file, errorFile, message });
      warn(`sentinel-chaos: could not render ${out.file} (${message}); see ${path.join(dir, errorFile)}`);
      continue;
    }
    await write(out.file, content);
  }
  return { files, failed };
}

const LATEST_MARKER = '.sentinel-chaos-latest-copy';

/** Point `link` at `dir`: a relative symlink, or a copy of the folder if symlinks fail. */
export async function updateLatest(link: string, dir: string, mode: 'symlink' | 'copy' = 'symlink'): Promise<string> {
  const tmp = `${link}.tmp-${process.pid}-${Date.now()}`;
  const existing = await fs.lstat(link).catch(() => undefined);
  const clearOld = async (): Promise<void> => {
    if (!existing) return;
    if (existing.isSymbolicLink() || existing.isFile()) return; // rename replaces it
    // A real folder: only a copy made by us is removed.
    const ours = await fs.access(path.join(link, LATEST_MARKER)).then(
      () => true,
      () => false,
    );
    if (!ours) throw new Error(`${link} is a folder this tool did not create; not replacing it`);
    await fs.rm(link, { recursive: true, force: true });
  };
  try {
    if (mode === 'copy') throw new Error('copy wanted');
    await fs.symlink(path.relative(path.dirname(link), dir) || '.', tmp, 'dir');
  } catch {
    await fs.cp(dir, tmp, { recursive: true });
    await fs.writeFile(path.join(tmp, LATEST_MARKER), `copy of ${dir}\n`);
  }
  try {
    await clearOld();
    await fs.rename(tmp, link);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  return link;
}

/** Write index.html, results.json, junit.xml, summary.md and history/*.json for a run. */
export async function writeRunReport(run: RunReport, opts: WriteReportOptions = {}): Promise<WriteReportResult> {
  const warn = opts.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const renderers: Renderers = { ...DEFAULT_RENDERERS, ...opts.renderers };
  const outs = outputs(run, renderers);
  const wanted = path.resolve(opts.dir ?? path.join('reports', safeFileName(String(run.runId))));
  let dir = wanted;
  let fellBack: string | undefined;
  let written: { files: string[]; failed: RenderFailure[] };
  try {
    written = await writeAll(wanted, outs, warn);
  } catch (e) {
    if (!(e instanceof TargetError)) throw e;
    const root = opts.fallbackRoot ?? path.join(os.tmpdir(), 'sentinel-chaos-reports');
    await fs.mkdir(root, { recursive: true });
    dir = await fs.mkdtemp(path.join(root, `${safeFileName(String(run.runId))}-`));
    fellBack = `${e.message}; wrote the report to ${dir} instead`;
    warn(`sentinel-chaos: report folder ${fellBack}`);
    written = await writeAll(dir, outs, warn);
  }
  const result: WriteReportResult = { dir, files: written.files, failed: written.failed };
  if (fellBack !== undefined) result.fellBack = fellBack;
  const latest = opts.latest === false ? undefined : (fellBack === undefined ? opts.latest : undefined) ?? path.join(path.dirname(dir), 'latest');
  if (latest !== undefined) {
    try {
      result.latest = await updateLatest(path.resolve(latest), dir, opts.latestMode);
    } catch (e) {
      warn(`sentinel-chaos: could not update ${latest} (${e instanceof Error ? e.message : String(e)}); the report is in ${dir}`);
    }
  }
  return result;
}
