/**
 * History-level mutants: each takes a real stored result that passes, breaks its history the way a broken
 * Sentinel (or a broken harness) would, and the judge must turn PASS into FAIL. A mutant that survives shows a
 * check that cannot see the breakage it claims to catch.
 *
 * Table-driven over suites/fixtures/reports/<folder>/ (real report folders recorded with
 * scripts/record-fixtures.ts; histories gzipped): adding a scenario's fixture folder is all it takes. Every
 * scenario of the catalogue must have a fixture and be killed by at least one mutant. Prints which mutants killed
 * which scenario (and by which failed assertion). Survivors the team knows about and has explained are listed in
 * KNOWN_SURVIVORS (reported, not failed); any other survivor fails.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStored } from '../../lib/cli/check.ts';
import { electedAt, electedTimeline } from '../../lib/checks/elected-master.ts';
import type { History, Op, ScenarioResult, SentinelEvent } from '../../lib/model.ts';
import { failoverBudgetMs } from '../../lib/scenario/bounds.ts';
import { checkContext, judge } from '../../lib/scenario/judge.ts';
import { selectScenarios } from '../../lib/scenario/suite.ts';
import type { CheckContext, Scenario } from '../../lib/scenario/scenario.ts';
import * as cat from '../chaos/catalogue.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/reports');
/**
 * Fixtures kept to prove that older stored results can still be read (suites/unit/cli-check.spec.ts), not baselines:
 * recorded before writes carried their serving node, their split-brain is 'unknown', so they do not pass.
 */
const LEGACY = new Set(['kill-master-pre-judge']);
/**
 * Scenarios whose real result does not pass on this code, so it is no baseline to break: their fixture is kept (for
 * `check`, and to become a baseline once the scenario is fixed) and their tests are pending, with the reason.
 */
const BROKEN: Record<string, string> = {};

/** The catalogue: a function returning fresh scenarios (factories), or the older array. */
function scenarioById(id: string): Scenario | undefined {
  const c = (cat as { catalogue: Scenario[] | (() => Scenario[]) }).catalogue;
  return (typeof c === 'function' ? c() : c).find((s) => s.id === id);
}

interface Mutant {
  name: string;
  /** Break the history in place (`r` is its result, for the stored topology); false when the mutant does not apply (n/a). */
  apply(h: History, ctx: CheckContext, r: ScenarioResult): boolean;
}

const acked = (o: Op): boolean => o.outcome === 'ok' && (o.f === 'add' || o.f === 'incr');
const switches = (h: History) => h.events.filter((e) => e.type === '+switch-master');

/** The node that was master when the run started. */
const firstMaster = (h: History): string | undefined => h.nodes.find((n) => n.initialRole === 'master')?.name;

/** A node's announced port (from "name:port"). */
const portOf = (h: History, node: string): number => Number(h.nodes.find((n) => n.name === node)?.announced.split(':')[1] ?? 6379);

/** The master's +sdown events at or after the fault. */
const masterSdowns = (h: History, ctx: CheckContext): SentinelEvent[] =>
  h.events.filter((e) => e.type === '+sdown' && e.instance?.kind === 'master' && e.time >= ctx.faultStart);

/** A +switch-master event as a sentinel publishes it. */
function switchEvent(h: History, sentinel: string, time: number, from: string, to: string): SentinelEvent {
  const [pf, pt] = [portOf(h, from), portOf(h, to)];
  return {
    time,
    sentinel,
    type: '+switch-master',
    payload: `${h.masterName} ${from} ${pf} ${to} ${pt}`,
    switchMaster: { name: h.masterName, from: { host: from, port: pf }, to: { host: to, port: pt } },
  };
}

const MUTANTS: Mutant[] = [
  {
    name: 'drop-acked',
    // The first add acknowledged in the run (before the fault, replicated long before it) vanishes from the final read.
    apply(h, ctx) {
      const op = h.ops.find((o) => acked(o) && o.f === 'add' && o.complete < ctx.faultStart && h.final.sets[o.key]?.includes(String(o.value)));
      if (!op) return false;
      h.final.sets[op.key] = (h.final.sets[op.key] ?? []).filter((v) => v !== String(op.value));
      return true;
    },
  },
  {
    name: 'ack-on-deposed',
    // Writes acknowledged after the first switch were served by the deposed master (Op.node): a split brain.
    apply(h) {
      const old = firstMaster(h);
      const sw = switches(h);
      const at = sw.length ? Math.min(...sw.map((e) => e.time)) : undefined;
      if (!old || at === undefined || h.final.node === old) return false;
      const after = h.ops.filter((o) => acked(o) && o.invoke > at);
      if (after.length === 0) return false;
      for (const o of after) (o as Op & { node?: string }).node = old;
      return true;
    },
  },
  {
    name: 'switch-late',
    // Every +switch-master after the fault arrives a whole failover budget later (the looser, silent-failure one, from
    // the stored configuration): a failover slower than any bound allows.
    apply(h, ctx, r) {
      const late = h.events.filter((e) => e.type === '+switch-master' && e.time >= ctx.faultStart);
      const by = failoverBudgetMs(r.topology, 'silent');
      for (const e of late) e.time += by;
      h.events.sort((a, b) => a.time - b.time);
      return late.length > 0;
    },
  },
  {
    name: 'sdown-early',
    // Every sentinel declared the master +sdown right at the fault: earlier than down-after allows (a sentinel whose
    // real down-after is shorter than the configured one, or a harness that stamps events early).
    apply(h, ctx) {
      const sdowns = masterSdowns(h, ctx);
      for (const e of sdowns) e.time = ctx.faultStart + 1;
      return sdowns.length > 0;
    },
  },
  {
    name: 'extra-switch',
    // One more failover than the scenario allows: a switch back to the first master 500 ms after the last switch, or,
    // where nothing switched, a switch from the first master to a replica 1 s after the fault.
    apply(h, ctx) {
      const sw = switches(h);
      const last = sw.reduce<SentinelEvent | undefined>((a, e) => (a === undefined || e.time > a.time ? e : a), undefined);
      const old = firstMaster(h);
      const replica = h.nodes.find((n) => n.kind === 'redis' && n.name !== old)?.name;
      const event = last?.switchMaster
        ? switchEvent(h, last.sentinel, last.time + 500, last.switchMaster.to.host, last.switchMaster.from.host)
        : old && replica
          ? switchEvent(h, h.nodes.find((n) => n.kind === 'sentinel')?.name ?? 'sentinel-0', ctx.faultStart + 1000, old, replica)
          : undefined;
      if (!event) return false;
      h.events = [...h.events, event].sort((a, b) => a.time - b.time);
      return true;
    },
  },
  {
    name: 'inflate-loss',
    // Every second acknowledged add vanishes from the final read: far more loss than any bound (rate x window) allows.
    apply(h) {
      const adds = h.ops.filter((o) => acked(o) && o.f === 'add');
      const gone = new Set(adds.filter((_, i) => i % 2 === 0).map((o) => `${o.key} ${String(o.value)}`));
      let n = 0;
      for (const [key, members] of Object.entries(h.final.sets)) {
        const kept = members.filter((v) => !gone.has(`${key} ${v}`));
        n += members.length - kept.length;
        h.final.sets[key] = kept;
      }
      return n > 0;
    },
  },
  {
    name: 'no-deposed-writes',
    // Where the scenario declares split-brain invalid (a deposed master acknowledging writes is its point), those writes
    // are attributed to the elected master instead: the declared outcome must fail, it was not a vacuous declaration.
    apply(h, ctx) {
      if (ctx.scenario.expectedOutcomes?.['split-brain']?.valid !== false) return false;
      const elected = electedTimeline(h);
      let n = 0;
      for (const o of h.ops.filter(acked)) {
        const e = electedAt(elected, o.invoke);
        if (o.node !== undefined && e !== undefined && o.node !== e) {
          o.node = e;
          n++;
        }
      }
      return n > 0;
    },
  },
  {
    name: 'no-switch',
    apply(h) {
      const before = h.events.length;
      h.events = h.events.filter((e) => e.type !== '+switch-master');
      return h.events.length < before;
    },
  },
  {
    name: 'replica-never-reattaches',
    // The node that reattached last is never seen attached (link down) from the heal on.
    apply(h, ctx) {
      const master = h.final.node;
      const replicas = h.nodes.filter((n) => n.kind === 'redis' && n.name !== master).map((n) => n.name);
      const target = replicas.includes(firstMaster(h) ?? '') ? firstMaster(h) : replicas[0];
      const polls = h.polls.filter((p) => p.node === target && p.time >= ctx.healAt && p.reachable);
      if (polls.length === 0) return false;
      for (const p of polls) p.linkUp = false;
      return true;
    },
  },
];

/**
 * Scenarios that do not assert how many failovers happened (a flapping switch back is not told apart): a gap in the
 * scenario, not in the checkers (failover-timing counts them: the `failovers` figure).
 */
const NO_FAILOVER_COUNT: Record<string, string> = Object.fromEntries(
  ['pause-master-long', 'split-brain', 'latency-above', 'replica-partitioned', 'auth-acl'].map((id) => [
    id,
    `${id} does not assert the number of failovers (failover-timing's 'failovers' figure): a second switch, back to the old master, is not told apart`,
  ]),
);

/**
 * Scenarios that do not bound promoted → +switch-master: expectBoundedFailover bounds detection, election, promotion
 * and client recovery only, and the sentinel-suite ports bound a budget on client unavailability at most.
 */
const SWITCH_UNBOUNDED = [
  'shutdown-master',
  'isolate-master',
  'split-brain',
  'split-brain-min-replicas',
  'latency-above',
  'replica-partitioned',
  'auth-acl',
  'absolute-quorum',
  'failover-refusals',
];

/** Scenarios that do not bound the earliest +sdown (detection is not what they test). */
const SDOWN_UNBOUNDED: Record<string, string> = {
  'replica-priority-zero': 'it bounds the abort (from the kill) and the retry, never the earliest +sdown',
  'absolute-quorum': 'it checks who saw +sdown and that +odown waited for every opinion, not when +sdown came',
  'sentinel-cut-from-peers': 'it checks which sentinel saw +sdown / +odown, not when',
};

/**
 * Survivors explained and accepted for now: mutant → the reason it survives on a scenario (undefined: it must
 * be killed there). Each is a gap in what the judge can see, reported in the matrix as "survived (known)".
 */
const KNOWN_SURVIVORS: Record<string, (s: Scenario) => string | undefined> = {
  'drop-acked': (s) =>
    s.allowLoss
      ? 'the scenario allows loss (asynchronous replication loses writes in flight at a kill) and only bounds the count: one more lost write, even one acknowledged long before the fault, is not told apart'
      : undefined,
  'ack-on-deposed': (s) =>
    s.expectedOutcomes?.['split-brain']?.valid === false
      ? 'the scenario declares split-brain invalid (a deposed master acknowledging writes is its point): more such writes are not told apart (no-deposed-writes shows the declaration can fail)'
      : undefined,
  'extra-switch': (s) => NO_FAILOVER_COUNT[s.id],
  'switch-late': (s) =>
    SWITCH_UNBOUNDED.includes(s.id)
      ? `${s.id} does not bound promoted → +switch-master: clients reach the promoted replica whatever the events say`
      : undefined,
  'sdown-early': (s) => SDOWN_UNBOUNDED[s.id],
  'inflate-loss': (s) =>
    s.id === 'failover-refusals'
      ? 'it bounds no loss count (loss after a manual failover is by design; manual-failover bounds it by rate x window)'
      : undefined,
};

interface Loaded {
  folder: string;
  result: ScenarioResult;
  scenario: Scenario | undefined;
}

function load(): Loaded[] {
  if (!fs.existsSync(FIXTURES)) return [];
  return fs
    .readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !LEGACY.has(d.name))
    .flatMap((d) => readStored(path.join(FIXTURES, d.name)).map((s) => ({ folder: d.name, result: s.result, scenario: scenarioById(s.result.scenario.id) })));
}

const matrix = new Map<string, Record<string, string>>();

describe('history mutants: the judge turns a real passing result into a failing one', () => {
  const loaded = load();
  after(() => {
    // One block per scenario: each mutant and what became of it (killed: by which failed assertion).
    const rows = [...matrix].map(([id, cells]) => `  ${id}\n${MUTANTS.map((m) => `    ${m.name.padEnd(26)}${cells[m.name] ?? '-'}`).join('\n')}`);
    const killed = [...matrix].filter(([, cells]) => Object.values(cells).some((c) => c.startsWith('killed'))).length;
    console.log(`\n  history mutants: ${killed}/${matrix.size} scenarios killed\n${rows.join('\n')}\n`);
  });

  it('has a fixture for every scenario of the default catalogue', () => {
    const have = new Set(loaded.map((l) => l.result.scenario.id));
    const ids = selectScenarios(cat.catalogue(), []).map((s) => s.id);
    expect(ids.filter((id) => !have.has(id)), 'scenarios without a fixture').to.deep.equal([]);
  });

  for (const { folder, result, scenario } of loaded) {
    const id = result.scenario.id;
    describe(`${id} (${folder})`, () => {
      const broken = BROKEN[id];
      if (broken) {
        it(`is in the catalogue and its unmutated result passes (pending: ${broken})`);
        return;
      }
      const cells: Record<string, string> = {};
      matrix.set(`${id} (${folder})`, cells);
      it('is in the catalogue and its unmutated result passes', () => {
        expect(scenario, `scenario ${id}`).to.not.equal(undefined);
        const j = judge(scenario as Scenario, result);
        expect(j.assertions.filter((a) => !a.ok).map((a) => `${a.name}: ${a.message}`)).to.deep.equal([]);
        expect(j.verdict).to.equal('pass');
      });

      for (const m of MUTANTS) {
        it(`mutant ${m.name}`, function () {
          if (!scenario) this.skip();
          const s = scenario as Scenario;
          const mutated = structuredClone(result);
          if (!m.apply(mutated.history, checkContext(s, mutated).ctx, mutated)) {
            cells[m.name] = 'n/a';
            this.skip();
          }
          const j = judge(s, mutated);
          const failed = j.assertions.filter((a) => !a.ok).map((a) => a.name);
          const known = KNOWN_SURVIVORS[m.name]?.(s);
          if (j.verdict === 'pass') {
            cells[m.name] = known ? 'survived (known)' : 'SURVIVED';
            if (known) return;
          } else {
            // Name a failed check first (what a checker caught), else the scenario's own expectation.
            cells[m.name] = `killed: ${failed.find((n) => n.startsWith('check ')) ?? failed[0] ?? j.verdict}`.slice(0, 100);
          }
          expect(j.verdict, `${m.name} survived: nothing in the judge noticed`).to.equal('fail');
        });
      }
    });
  }

  // Runs after every fixture's mutants (Mocha runs nested suites in order).
  describe('the battery', () => {
    it('kills every scenario with at least one mutant', () => {
      const unkilled = [...matrix].filter(([, cells]) => !Object.values(cells).some((c) => c.startsWith('killed'))).map(([id]) => id);
      expect(unkilled, 'scenarios no history mutant kills').to.deep.equal([]);
    });
  });
});
