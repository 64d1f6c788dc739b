import { expect } from 'chai';
import { stepFigures, stepImpact } from '../../lib/checks/step-impact.ts';
import type { FaultRecord, History, Op } from '../../lib/model.ts';

const T = 1_700_000_000_000;

/** A Sentinel-routed add every 10 ms from `from` to `to` (ms after T), ok unless `failing` says otherwise. */
function writes(from: number, to: number, failing: (at: number) => boolean = () => false): Op[] {
  const ops: Op[] = [];
  for (let at = from; at < to; at += 10) {
    ops.push({ process: 0, client: 'c1', via: 'sentinel', f: 'add', key: 'set', value: `v${at}`, invoke: T + at, complete: T + at + 2, outcome: failing(at) ? 'failed' : 'ok' });
  }
  return ops;
}

function step(name: string, at: number, kind = 'upgrade'): FaultRecord {
  return { name, kind, targets: [], start: T + at + 50, invokedAt: T + at };
}

function history(ops: Op[], faults: FaultRecord[], keptUnless: (v: string) => boolean = () => false): History {
  const kept = ops.filter((o) => o.outcome === 'ok' && !keptUnless(String(o.value))).map((o) => String(o.value));
  return { t0: T, faults, events: [], polls: [], ops, logs: [], nodes: [], masterName: 'mymaster', final: { time: T + 10_000, sets: { set: kept }, counters: {} } };
}

describe('step-impact: loss and unavailability per step', () => {
  it('windows run from each step\'s invocation to the next one\'s; the last to the last write', () => {
    const h = history(writes(0, 3000), [step('a', 500), step('b', 1500)]);
    const [a, b] = stepFigures(h);
    expect(a).to.include({ label: 'a', from: T + 500, to: T + 1500, acked: 100, lost: 0 });
    expect(b).to.include({ label: 'b', from: T + 1500, to: T + 2992, lost: 0 });
    expect(a?.unavailableMs).to.be.at.most(10);
  });

  it('puts a loss and an outage in the step where they happened, and judges each step by its own budget', () => {
    const ops = writes(0, 4000, (at) => at >= 2000 && at < 2600);
    // Writes acknowledged during step b between 1600 and 1700 ms vanished (a deposed master's acknowledgements).
    const h = history(ops, [step('a', 500), step('b', 1500, 'manual-failover'), step('c', 3000)], (v) => Number(v.slice(1)) >= 1600 && Number(v.slice(1)) < 1700);
    const [a, b, c] = stepFigures(h);
    expect(a?.lost).to.equal(0);
    expect(b?.lost).to.equal(10);
    expect(c?.lost).to.equal(0);
    // The failing writes: no write from 1992 to 2602 ms; the vanished ones leave a 110 ms gap (1592 to 1702 ms).
    expect(b?.unavailableMs).to.equal(610);
    const quiet = { maxLost: 0, maxUnavailableMs: 700 };
    const judged = stepImpact.check(h, { budget: (r) => (r.kind === 'manual-failover' ? { maxLost: 10, maxUnavailableMs: 1200 } : quiet) });
    expect(judged.valid, judged.notes?.join('; ')).to.equal(true);
    expect(judged.figures).to.include({ steps: 3, lost: 10, 'step2.lost': 10, 'step2.label': 'b' });
    const strict = stepImpact.check(h, { budget: () => quiet });
    expect(strict.valid).to.equal(false);
    expect(strict.notes?.join('; ')).to.match(/b: 10 acknowledged writes lost > 0/);
  });

  it('is unknown without a final read', () => {
    const h = history(writes(0, 1000), [step('a', 100)]);
    h.final.error = 'no master';
    expect(stepImpact.check(h, {}).valid).to.equal('unknown');
  });
});
