/**
 * Write loss, with Jepsen's set-checker semantics.
 *
 * Set workload (f 'add', one unique element per op), judged against `final.sets`:
 * an ok add must be present (else lost), a failed add must be absent (else failedPresent),
 * an unknown add may be either (present = recovered), and nothing else may be present (unexpected).
 *
 * Counter workload (f 'incr', value = what INCR returned): the final value must be at least the
 * largest acked return value, and no return value may be acked twice (each repeat proves an
 * acknowledged increment was lost and the counter re-reached that value).
 */
import type { Figure, FinalState, Op } from '../model.ts';
import type { Checker } from './checker.ts';

export interface WriteLossOpts {
  /**
   * Loss is expected (e.g. asynchronous replication under a partition): the verdict ignores
   * lost writes (`lost`, `counterLostAtLeast`, `counterDuplicates`) but the figures stay.
   * @default false
   */
  allowLoss?: boolean;
}

/** How many lost (or otherwise listed) ops `details` keeps. */
const DETAIL_LIMIT = 100;

/** A listed op; times are absolute epoch ms as in the history. */
export interface OpRef {
  key: string;
  value: string;
  invoke: number;
  complete: number;
  client: string;
  via: string;
}

interface SetResult {
  figures: Record<string, Figure>;
  lost: OpRef[];
  failedPresent: OpRef[];
  unexpected: { key: string; value: string }[];
}

interface CounterResult {
  figures: Record<string, Figure>;
  duplicates: { key: string; value: number; count: number }[];
  lostAtLeast: number;
}

export const writeLoss: Checker<WriteLossOpts> = {
  name: 'write-loss',
  keyFigures: ['acked', 'lost', 'recovered', 'counterLostAtLeast'],
  check(history, opts) {
    const sets = checkSets(history.ops, history.final);
    const counters = checkCounters(history.ops, history.final);
    const figures = { ...sets.figures, ...counters.figures };
    const details = {
      lost: sets.lost.slice(0, DETAIL_LIMIT),
      failedPresent: sets.failedPresent.slice(0, DETAIL_LIMIT),
      unexpected: sets.unexpected.slice(0, DETAIL_LIMIT),
      counterDuplicates: counters.duplicates.slice(0, DETAIL_LIMIT),
    };
    if (history.final.error !== undefined) {
      return { valid: 'unknown', figures, notes: [`final read failed: ${history.final.error}`], details };
    }
    // Not converged: the node read may not hold what the cluster will keep (a replica still resyncing, a master
    // about to be demoted); the counts stay in the figures, the verdict is not drawn from them.
    // The figures read from the final state become null (unknown); what they would have been stays in details.
    if (history.final.converged === false) {
      const unjudged = Object.fromEntries(Object.entries(figures).filter(([k]) => dependsOnFinal(k)));
      const nulled = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, dependsOnFinal(k) ? null : v]));
      const notes = ['the topology had not converged when the final read was taken: loss not judged (figures from the final read are null)'];
      const unconverged = { figures: unjudged, lost: details.lost, failedPresent: details.failedPresent, unexpected: details.unexpected };
      return { valid: 'unknown', figures: nulled, notes, details: { lost: [], failedPresent: [], unexpected: [], counterDuplicates: details.counterDuplicates, unconverged } };
    }
    const allowLoss = opts.allowLoss ?? false;
    const loss = lossNotes(figures);
    const violations = violationNotes(figures);
    const notes = [...loss.map((n) => (allowLoss ? `${n} (loss allowed)` : n)), ...violations];
    return { valid: violations.length === 0 && (allowLoss || loss.length === 0), figures, notes, details };
  },
};

/** Figures computed from the final read (the rest come from the ops alone). */
function dependsOnFinal(name: string): boolean {
  return ['lost', 'recovered', 'unexpected', 'failedPresent', 'lostRate', 'counterLostAtLeast'].includes(name) || /^counter\..*\.(final|lostAtLeast|excess)$/.test(name);
}

/** Acknowledged writes that are gone. */
function lossNotes(f: Record<string, Figure>): string[] {
  const notes: string[] = [];
  if (Number(f['lost']) > 0) notes.push(`${f['lost']} of ${f['acked']} acknowledged adds lost`);
  if (Number(f['counterLostAtLeast']) > 0) notes.push(`counters lost at least ${f['counterLostAtLeast']} acknowledged increments`);
  if (Number(f['counterDuplicates']) > 0) notes.push(`${f['counterDuplicates']} INCR results acknowledged more than once (each proves a lost increment)`);
  return notes;
}

/** Writes that should not be there: never allowed. */
function violationNotes(f: Record<string, Figure>): string[] {
  const notes: string[] = [];
  if (Number(f['unexpected']) > 0) notes.push(`${f['unexpected']} elements present that no op attempted`);
  if (Number(f['failedPresent']) > 0) notes.push(`${f['failedPresent']} failed adds are present (failed must mean not applied)`);
  return notes;
}

// ---------------------------------------------------------------- sets

function ref(op: Op): OpRef {
  return { key: op.key, value: String(op.value), invoke: op.invoke, complete: op.complete, client: op.client, via: op.via };
}

function finalSets(final: FinalState): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [k, members] of Object.entries(final.sets ?? {})) out.set(k, new Set(members.map(String)));
  return out;
}

/** Set-checker figures over the `add` ops. */
export function checkSets(ops: readonly Op[], final: FinalState): SetResult {
  const adds = ops.filter((o) => o.f === 'add');
  const present = finalSets(final);
  const has = (o: Op): boolean => present.get(o.key)?.has(String(o.value)) ?? false;
  const byInvoke = (a: OpRef, b: OpRef): number => a.invoke - b.invoke;
  const ok = adds.filter((o) => o.outcome === 'ok');
  const failed = adds.filter((o) => o.outcome === 'failed');
  const unknown = adds.filter((o) => o.outcome === 'unknown');
  const lost = ok.filter((o) => !has(o)).map(ref).sort(byInvoke);
  const failedPresent = failed.filter(has).map(ref).sort(byInvoke);
  const unexpected = unattempted(adds, present);
  const figures: Record<string, Figure> = {
    attempted: adds.length,
    acked: ok.length,
    failed: failed.length,
    unknown: unknown.length,
    lost: lost.length,
    recovered: unknown.filter(has).length,
    unexpected: unexpected.length,
    failedPresent: failedPresent.length,
    lostRate: ok.length === 0 ? null : lost.length / ok.length,
  };
  return { figures, lost, failedPresent, unexpected };
}

function unattempted(adds: readonly Op[], present: Map<string, Set<string>>): { key: string; value: string }[] {
  const attempted = new Set(adds.map((o) => `${o.key}\u0000${String(o.value)}`));
  const out: { key: string; value: string }[] = [];
  for (const [key, members] of present) {
    for (const value of members) if (!attempted.has(`${key}\u0000${value}`)) out.push({ key, value });
  }
  return out;
}

// ---------------------------------------------------------------- counters

/** Counter figures over the `incr` ops: totals plus `counter.<key>.*` per key. */
export function checkCounters(ops: readonly Op[], final: FinalState): CounterResult {
  const byKey = new Map<string, Op[]>();
  for (const o of ops) {
    if (o.f !== 'incr') continue;
    const list = byKey.get(o.key) ?? [];
    list.push(o);
    byKey.set(o.key, list);
  }
  const figures: Record<string, Figure> = { counterAcked: 0, counterLostAtLeast: 0, counterDuplicates: 0 };
  const duplicates: CounterResult['duplicates'] = [];
  let lostAtLeast = 0;
  for (const [key, incrs] of byKey) {
    const c = checkCounter(key, incrs, final.counters?.[key] ?? 0);
    Object.assign(figures, c.figures);
    figures['counterAcked'] = Number(figures['counterAcked']) + c.acked;
    figures['counterDuplicates'] = Number(figures['counterDuplicates']) + c.duplicates.length;
    lostAtLeast += c.lostAtLeast;
    duplicates.push(...c.duplicates);
  }
  figures['counterLostAtLeast'] = lostAtLeast;
  return { figures, duplicates, lostAtLeast };
}

function checkCounter(key: string, incrs: readonly Op[], finalValue: number) {
  const ok = incrs.filter((o) => o.outcome === 'ok');
  const returned = ok.map((o) => Number(o.value)).filter((v) => Number.isFinite(v));
  const unknown = incrs.filter((o) => o.outcome === 'unknown').length;
  const maxAcked = returned.reduce((m, v) => Math.max(m, v), 0);
  const lostAtLeast = Math.max(0, maxAcked - finalValue);
  const duplicates = repeated(returned).map(([value, count]) => ({ key, value, count }));
  const p = `counter.${key}`;
  const figures: Record<string, Figure> = {
    [`${p}.acked`]: ok.length,
    [`${p}.final`]: finalValue,
    [`${p}.lostAtLeast`]: lostAtLeast,
    [`${p}.duplicates`]: duplicates.length,
    // More than every ok + unknown increment: failed increments applied, or a non-zero start.
    [`${p}.excess`]: Math.max(0, finalValue - ok.length - unknown),
  };
  return { figures, acked: ok.length, lostAtLeast, duplicates };
}

/** Values occurring more than once, with their counts, in first-seen order. */
function repeated(values: readonly number[]): [number, number][] {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1);
}
