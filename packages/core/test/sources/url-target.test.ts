import { describe, expect, it } from 'vitest';
import { checkUrlTarget, CoreError } from '../../src/index.js';

function failure(run: () => unknown): CoreError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    return error as CoreError;
  }
  throw new Error('expected the call to fail');
}

describe('checkUrlTarget', () => {
  it('accepts http and https URLs with explicit ports and drops the fragment', () => {
    expect(checkUrlTarget('https://example.com:8443/a/b?q=1#part').href).toBe('https://example.com:8443/a/b?q=1');
    expect(checkUrlTarget('http://example.com/').href).toBe('http://example.com/');
  });

  it('refuses every other scheme with URL_NOT_ALLOWED', () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/x', 'data:text/plain,hi', 'javascript:alert(1)', 'gopher://example.com/', 'ws://example.com/']) {
      const error = failure(() => checkUrlTarget(url));
      expect(error.code).toBe('URL_NOT_ALLOWED');
      expect(error.data).toMatchObject({ reason: 'scheme' });
      expect(error.message).toContain('only http and https');
    }
  });

  it('refuses credentials without repeating the password', () => {
    for (const url of ['http://user:hunter2@example.com/', 'https://hunter2@example.com/']) {
      const error = failure(() => checkUrlTarget(url));
      expect(error).toMatchObject({ code: 'URL_NOT_ALLOWED', data: { reason: 'credentials' } });
      expect(error.message).not.toContain('hunter2');
      expect(JSON.stringify(error.data)).not.toContain('hunter2');
    }
  });

  it('reports an unparseable URL as INVALID_INPUT', () => {
    expect(failure(() => checkUrlTarget('not a url')).code).toBe('INVALID_INPUT');
    expect(failure(() => checkUrlTarget('/relative/only')).code).toBe('INVALID_INPUT');
  });

  it('resolves a redirect against the URL that sent it and checks it again', () => {
    const from = new URL('http://example.com/dir/page');
    expect(checkUrlTarget('../other?x=1', from).href).toBe('http://example.com/other?x=1');
    expect(checkUrlTarget('//cdn.example.com/a', from).href).toBe('http://cdn.example.com/a');
    expect(failure(() => checkUrlTarget('file:///etc/passwd', from)).code).toBe('URL_NOT_ALLOWED');
    expect(failure(() => checkUrlTarget('http://u:p@example.com/', from)).code).toBe('URL_NOT_ALLOWED');
  });

  it('allows http to https but refuses a redirect from https down to http', () => {
    expect(checkUrlTarget('https://example.com/', new URL('http://example.com/')).protocol).toBe('https:');
    const error = failure(() => checkUrlTarget('http://example.com/', new URL('https://example.com/')));
    expect(error).toMatchObject({ code: 'URL_NOT_ALLOWED', data: { reason: 'downgrade', from: 'https://example.com/' } });
  });

  it('reports an unparseable redirect target as URL_FETCH_FAILED', () => {
    const error = failure(() => checkUrlTarget('http://[bad', new URL('http://example.com/')));
    expect(error.code).toBe('URL_FETCH_FAILED');
  });
});
