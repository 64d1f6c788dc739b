/**
 * The chaos catalogue as a Mocha suite: one `it` per scenario, asserting every expectation, and the
 * HTML/JSON/JUnit report written at the end (also when scenarios fail or crash).
 * Select with SC_SCENARIOS=<ids or tags>, or Mocha's --grep on titles (which include the tags).
 */
import { expect } from 'chai';
import { ChaosRun } from '../../lib/scenario/chaos-run.ts';
import { selectScenarios, suiteSettings } from '../../lib/scenario/suite.ts';
import { catalogue, freshScenario } from './catalogue.ts';

const settings = suiteSettings();
const run = new ChaosRun(settings);

describe(`sentinel-chaos catalogue (run ${settings.runId}, seed ${settings.seed})`, function () {
  this.timeout(180_000);

  after(async function () {
    await run.writeReport();
  });

  // The selection only names the tests; each test runs a scenario built fresh for it.
  for (const s of selectScenarios(catalogue(), settings.selection)) {
    it(`${s.id}: ${s.title} [${s.tags.join(' ')}]`, async function () {
      const r = await run.run(freshScenario(s.id));
      if (r.verdict === 'not-applicable') {
        // Shown as pending with the reason (and in every report), never a silent pass.
        if (this.test) this.test.title += ` — not applicable: ${r.notApplicable ?? ''}`;
        this.skip();
      }
      expect(r.error, `scenario crashed: ${r.error}`).to.equal(undefined);
      const failed = r.assertions.filter((a) => !a.ok);
      expect(failed.map((a) => `${a.name}: ${a.message}`), 'failed expectations').to.deep.equal([]);
    });
  }
});
