// Fetches one http(s) URL for batch_extract without letting it reach internal networks: every hop's host is
// resolved once, judged, and connected to at exactly the judged address.
import { type IncomingMessage, request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { cancelledError, CoreError } from '../errors/core-error.js';
import { throwIfCancelled } from '../engine/cancellation.js';
import { type FetchPolicy, resolveFetchPolicy, type ResolvedAddress } from './fetch-policy.js';
import { pinnedLookup } from './pinned-lookup.js';
import { ACCEPT_ENCODING, readBody } from './read-body.js';
import { bareHostname, resolveAllowedAddresses } from './resolve-allowed-addresses.js';
import { checkUrlTarget } from './url-target.js';

/** Sent as User-Agent; kept in step with package.json's version (a test checks). */
export const USER_AGENT = 'contextframe/0.1.0';

// What batch_extract can turn into text, best first; anything else is still accepted and left to the extractor.
const ACCEPT =
  'text/html, application/xhtml+xml, application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document, ' +
  'application/json, text/csv, text/markdown, text/plain;q=0.9, */*;q=0.8';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

// Network errors worth one more try.
const TRANSIENT = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENETUNREACH', 'EHOSTUNREACH', 'EAI_AGAIN']);

/** What fetchUrl read: the body, its declared type, and where it came from after redirects. */
export interface FetchedUrl {
  readonly bytes: Uint8Array;
  /** The Content-Type header as sent (`text/html; charset=utf-8`), for the extractor to dispatch on. */
  readonly contentType: string | undefined;
  /** The URL the body came from, after redirects, without a fragment. */
  readonly finalUrl: string;
  readonly status: number;
  /** How many redirects were followed. */
  readonly redirects: number;
}

/**
 * GETs `url` under `policy` and returns its body. Only http and https; URLs with credentials are refused; each
 * host (the first and every redirect target) is resolved once and refused when any of its addresses is
 * loopback, private, link-local, CGNAT, metadata or otherwise internal (see classifyAddress), unless
 * `policy.allowPrivate` or `policy.allowAddresses` allow it; the connection then goes to exactly the checked
 * addresses, with the original host name kept for Host and TLS (SNI and certificate check). Redirects are
 * followed by hand up to `policy.maxRedirects`; a redirect from https to http is refused. The body may be
 * gzip, deflate or br and is capped at `policy.maxBytes` after decoding. `policy.timeoutMs` bounds the whole
 * exchange, body included. HTTP(S)_PROXY and NO_PROXY are ignored: a proxy would resolve names itself and
 * defeat the address check.
 *
 * Errors (CoreError): URL_NOT_ALLOWED, URL_FETCH_FAILED (non-2xx with `data.status`, network and TLS errors
 * with the cause), URL_TIMEOUT, URL_TOO_MANY_REDIRECTS, TOO_LARGE, INVALID_INPUT, and CANCELLED when `signal`
 * fires.
 */
export async function fetchUrl(url: string, policy: FetchPolicy = {}, signal?: AbortSignal): Promise<FetchedUrl> {
  const settings = resolveFetchPolicy(policy);
  throwIfCancelled(signal, `Fetching ${url} was cancelled before it started.`);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${settings.timeoutMs} ms`));
  }, settings.timeoutMs);
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let current: URL | undefined;
  try {
    current = checkUrlTarget(url);
    for (let redirects = 0; ; redirects++) {
      const target: URL = current;
      const addresses = await whileRunning(resolveAllowedAddresses(target, settings), controller.signal);
      const response = await send(target, addresses, controller.signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location !== undefined) {
        response.destroy();
        if (redirects >= settings.maxRedirects) {
          throw new CoreError(
            'URL_TOO_MANY_REDIRECTS',
            `${url} redirected more than ${settings.maxRedirects} times (the last hop, ${target.href}, pointed to "${location}"); ` +
              'fetch the final URL directly or allow more redirects.',
            { data: { url, max_redirects: settings.maxRedirects, last_url: target.href, location } },
          );
        }
        current = checkUrlTarget(location, target);
        continue;
      }
      if (status < 200 || status > 299) {
        response.destroy();
        const reason = response.statusMessage ? ` ${response.statusMessage}` : '';
        throw new CoreError('URL_FETCH_FAILED', `${target.href} answered HTTP ${status}${reason}; ${hint(status)}`, {
          data: { url: target.href, status },
          retryable: status === 408 || status === 429 || status >= 500,
        });
      }
      const bytes = await readBody(response, target.href, settings.maxBytes);
      const contentType = response.headers['content-type'];
      return { bytes, contentType, finalUrl: target.href, status, redirects };
    }
  } catch (error) {
    if (signal?.aborted) throw cancelledError(signal.reason, `Fetching ${url} was cancelled; nothing was kept.`);
    if (timedOut) {
      throw new CoreError(
        'URL_TIMEOUT',
        `Fetching ${url} took longer than ${settings.timeoutMs} ms${current === undefined ? '' : ` (at ${current.href})`} and was stopped; ` +
          'try again later or allow more time.',
        { data: { url, timeout_ms: settings.timeoutMs }, cause: error, retryable: true },
      );
    }
    if (error instanceof CoreError) throw error;
    throw networkError(current?.href ?? url, error);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

// One GET to `target`, connected only to `addresses`; resolves with the response head.
function send(target: URL, addresses: readonly ResolvedAddress[], signal: AbortSignal): Promise<IncomingMessage> {
  const hostname = bareHostname(target);
  const options: RequestOptions = {
    method: 'GET',
    protocol: target.protocol,
    hostname,
    ...(target.port === '' ? {} : { port: Number(target.port) }),
    path: `${target.pathname}${target.search}`,
    headers: { 'user-agent': USER_AGENT, accept: ACCEPT, 'accept-encoding': ACCEPT_ENCODING },
    // A fresh agent per request: no pooled socket connected for another check, and no proxy from the environment.
    agent: false,
    lookup: pinnedLookup(hostname, addresses),
    signal,
  };
  return new Promise((resolve, reject) => {
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(options, resolve);
    // `on`, not `once`: a second error (an abort after a reset) must not go unhandled.
    request.on('error', reject);
    request.end();
  });
}

// Settles with `promise`, or rejects as soon as `signal` fires (a DNS lookup cannot itself be cancelled).
function whileRunning<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function hint(status: number): string {
  if (status === 401 || status === 403) return 'the page needs credentials, which are never sent; use a public URL.';
  if (status === 404 || status === 410) return 'check the URL.';
  if (status === 408 || status === 429 || status >= 500) return 'the server may recover; try again later.';
  return 'check the URL.';
}

function networkError(url: string, error: unknown): CoreError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new CoreError('URL_FETCH_FAILED', `Fetching ${url} failed: ${message}. Check the URL and that its server is reachable, then try again.`, {
    data: { url, ...(code === undefined ? {} : { cause_code: code }) },
    cause: error,
    retryable: code !== undefined && TRANSIENT.has(code),
  });
}
