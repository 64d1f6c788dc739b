/**
 * Expectations are chai assertions recorded by name, so the report shows each one, and the Mocha test
 * fails with every failed expectation listed.
 */
import type { Assertion, CheckResult, Figure, ScenarioResult } from '../model.ts';

export class Expect {
  readonly assertions: Assertion[] = [];
  private readonly result: ScenarioResult;

  constructor(result: ScenarioResult) {
    this.result = result;
  }

  /** Record an expectation: `fn` runs chai assertions; a throw marks it failed with its message. */
  that(name: string, fn: () => void): void {
    try {
      fn();
      this.assertions.push({ name, ok: true });
    } catch (err) {
      this.assertions.push({ name, ok: false, message: err instanceof Error ? err.message : String(err) });
    }
  }

  check(name: string): CheckResult {
    const c = this.result.checks[name];
    if (!c) throw new Error(`no check named ${name}; checks: ${Object.keys(this.result.checks).join(', ')}`);
    return c;
  }

  /** A numeric figure of a check (throws if absent or not a number, so the expectation fails clearly). */
  num(check: string, figure: string): number {
    const v: Figure | undefined = this.check(check).figures[figure];
    if (typeof v !== 'number') throw new Error(`${check}.${figure} is ${JSON.stringify(v)}, not a number`);
    return v;
  }

  figure(check: string, figure: string): Figure | undefined {
    return this.result.checks[check]?.figures[figure];
  }

  failed(): Assertion[] {
    return this.assertions.filter((a) => !a.ok);
  }
}
