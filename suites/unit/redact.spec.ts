import { expect } from 'chai';
import { REDACTED, redactSecrets } from '../../lib/scenario/redact.ts';

describe('redactSecrets (configuration shown in reports)', function () {
  it('replaces every secret-looking field at any depth, keeps the rest, and does not touch the input', function () {
    const input = {
      topology: { auth: { password: 'S3cret-pass-xyz', acl: true }, replicas: 2, sentinelDebug: { 'info-period': 1000 } },
      list: [{ sentinelPassword: 'x1234567' }, { token: 'abc' }, 'plain'],
      authPass: 'y',
      empty: { password: undefined },
    };
    const out = redactSecrets(input);
    expect(out).to.deep.equal({
      topology: { auth: { password: REDACTED, acl: true }, replicas: 2, sentinelDebug: { 'info-period': 1000 } },
      list: [{ sentinelPassword: REDACTED }, { token: REDACTED }, 'plain'],
      authPass: REDACTED,
      empty: { password: undefined },
    });
    expect(input.topology.auth.password).to.equal('S3cret-pass-xyz');
    expect(JSON.stringify(out)).to.not.include('S3cret');
  });
});
