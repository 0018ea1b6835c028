import { describe, expect, it } from 'vitest';
import { BearerAuth } from '../../src/http/bearer-auth.js';

describe('BearerAuth', () => {
  it('accepts the right token and tells a missing one from a wrong one', () => {
    expect(new BearerAuth('s3cret-token-0123456789').check('Bearer s3cret-token-0123456789')).toBe('ok');
    expect(new BearerAuth('s3cret-token-0123456789').check('bearer s3cret-token-0123456789')).toBe('ok');
    expect(new BearerAuth('s3cret-token-0123456789').check('Bearer s3cret-token-012345678')).toBe('invalid');
    expect(new BearerAuth('s3cret-token-0123456789').check('Bearer a-much-longer-token-than-the-real-one')).toBe('invalid');
    expect(new BearerAuth('s3cret-token-0123456789').check(undefined)).toBe('missing');
    expect(new BearerAuth('s3cret-token-0123456789').check('Basic dXNlcjpwYXNz')).toBe('missing');
  });

  it('challenges per RFC 6750', () => {
    expect(BearerAuth.challenge('missing')).toBe('Bearer realm="contextframe"');
    expect(BearerAuth.challenge('invalid')).toBe('Bearer realm="contextframe", error="invalid_token"');
  });
});
