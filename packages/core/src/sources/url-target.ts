// Which URLs may be fetched at all, judged before any DNS lookup: for the first URL and every redirect target.
import { CoreError } from '../errors/core-error.js';

const SCHEMES = new Set(['http:', 'https:']);

/**
 * Parses `url` (relative to `from`, the URL that redirected to it) and checks what can be judged without
 * the network: the scheme is http or https, there are no credentials (they would be sent to whichever host
 * a redirect names, and end up in stored metadata), and a redirect does not go from https to http (the
 * page's integrity would be lost on the way). Returns the URL without its fragment.
 * Throws INVALID_INPUT for an unparseable URL, URL_FETCH_FAILED for an unparseable redirect and
 * URL_NOT_ALLOWED for the rest.
 */
export function checkUrlTarget(url: string, from?: URL): URL {
  let target: URL;
  try {
    target = new URL(url, from);
  } catch (cause) {
    if (from !== undefined) {
      throw new CoreError('URL_FETCH_FAILED', `${from.href} redirected to "${url}", which is not a valid URL; the page cannot be fetched.`, {
        data: { url: from.href, location: url },
        cause,
      });
    }
    throw new CoreError('INVALID_INPUT', `"${url}" is not a valid URL; pass an absolute http(s) URL such as https://example.com/page.`, {
      data: { url },
      cause,
    });
  }
  // Credentials never reach a message or error data.
  const shown = redact(target);
  const what = from === undefined ? `URL "${shown}"` : `${from.href} redirected to ${shown}, which`;
  if (!SCHEMES.has(target.protocol)) {
    throw new CoreError(
      'URL_NOT_ALLOWED',
      `${what} uses ${target.protocol.slice(0, -1)}:, but only http and https URLs can be fetched; pass local files as a path instead.`,
      { data: { url: shown, reason: 'scheme' } },
    );
  }
  if (target.username !== '' || target.password !== '') {
    throw new CoreError('URL_NOT_ALLOWED', `${what} contains credentials (user:password@), which are never sent; use a URL without them.`, {
      data: { url: shown, reason: 'credentials' },
    });
  }
  if (from?.protocol === 'https:' && target.protocol === 'http:') {
    throw new CoreError(
      'URL_NOT_ALLOWED',
      `${what} downgrades from https to http, which is refused; fetch the http URL directly if you trust it.`,
      { data: { url: target.href, from: from.href, reason: 'downgrade' } },
    );
  }
  target.hash = '';
  return target;
}

// The URL without its credentials, for error data.
function redact(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}
