import { isIdToken, isRevoked, signedInAt } from '../../../../functions/labeling/builtin/rules/sessions';

describe('sessions', () => {
  const revocation = { revokedAt: 1_796_637_600 };

  it('ends every session signed in up to the revocation second (tokens carry whole seconds), and one without a sign-in time', () => {
    expect(isRevoked({ auth_time: String(revocation.revokedAt - 1) }, revocation)).toBe(true);
    expect(isRevoked({ auth_time: String(revocation.revokedAt) }, revocation)).toBe(true);
    expect(isRevoked({}, revocation)).toBe(true);
  });

  it('keeps a sign-in after the revocation second', () => {
    expect(isRevoked({ auth_time: String(revocation.revokedAt + 1) }, revocation)).toBe(false);
  });

  it('revokes nothing without a revocation record', () => {
    expect(isRevoked({ auth_time: '1' }, undefined)).toBe(false);
  });

  it('reads the sign-in time from auth_time (kept through refreshes) before iat', () => {
    expect(signedInAt({ auth_time: '100', iat: 200 })).toBe(100);
    expect(signedInAt({ iat: 200 })).toBe(200);
    expect(signedInAt({ auth_time: 'soon' })).toBeUndefined();
  });

  it('takes only ID tokens', () => {
    expect(isIdToken({ token_use: 'id' })).toBe(true);
    expect(isIdToken({ token_use: 'access' })).toBe(false);
  });
});
