import { expect } from 'chai';
import type { Outcome } from '../../lib/model.ts';
describe('sanity', () => {
  it('runs typescript', () => {
    const o: Outcome = 'ok';
    expect(o).to.equal('ok');
  });
});
