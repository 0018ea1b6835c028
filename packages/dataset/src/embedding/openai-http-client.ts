// The HTTP half of every OpenAI-compatible client (`/embeddings` here, `/chat/completions` in core): one JSON
// POST with auth, a timeout per attempt, a cap on the response size, cancellation and retries. Each client keeps
// its own errors.
import { constants as bufferConstants } from 'node:buffer';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { backoffDelay, parseRetryAfter } from './retry.js';

/** The options every OpenAI-compatible client takes; each client's options extend these (see {@link openAIHttpOptionsShape}). */
export interface OpenAIHttpOptions {
  /** API root including its version, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`; the client appends its path. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when non-empty. Never logged and never put in an error. */
  readonly apiKey?: string;
  /** Requests in flight at once. */
  readonly concurrency?: number;
  /** Limit for one attempt (sending, waiting and reading the response), in ms. */
  readonly timeoutMs?: number;
  /** Retries after a 408, 429, 5xx, network error or timeout, 0 to 10. Default 3 (so at most 4 attempts). */
  readonly maxRetries?: number;
  /** First backoff delay in ms, doubled on each retry with jitter. */
  readonly retryBaseDelayMs?: number;
  /** Cap on any one wait in ms, including one asked for by `Retry-After`. Default 30000. */
  readonly retryMaxDelayMs?: number;
  /**
   * Largest response body read, in bytes (after any decompression), at least 1024. A longer body fails the request
   * without a retry, so a wrong or hostile endpoint cannot make the process buffer without bound.
   */
  readonly maxResponseBytes?: number;
}

/** The bounds and defaults of {@link openAIHttpOptionsShape} that differ from client to client. */
export interface OpenAIHttpDefaults {
  /** Largest `concurrency` allowed (the default is 4). */
  readonly maxConcurrency: number;
  /** Default `timeoutMs`: how long the client's requests may fairly take. */
  readonly timeoutMs: number;
  /** Default `retryBaseDelayMs`. */
  readonly retryBaseDelayMs: number;
  /** Default `maxResponseBytes`: room for the largest response the client's largest request can fairly get. */
  readonly maxResponseBytes: number;
}

/**
 * The bounds and defaults {@link openAIHttpOptionsShape} gives every client alike (the rest are each client's
 * {@link OpenAIHttpDefaults}), for callers that check options before building a client, such as server flags.
 */
export const OPENAI_HTTP_LIMITS = Object.freeze({
  /** Default `concurrency` (allowed: 1 to the client's `maxConcurrency`). */
  defaultConcurrency: 4,
  /** Largest `timeoutMs` (the smallest is 1): Node's timers fire at once for any longer delay (~24.8 days). */
  maxTimeoutMs: 2_147_483_647,
  /** Largest `maxRetries` (the smallest is 0). */
  maxRetries: 10,
  /** Default `maxRetries`. */
  defaultMaxRetries: 3,
});

// The largest `maxResponseBytes` allowed: the body is decoded into one string for `JSON.parse`, and a UTF-8 body
// never has more characters than bytes, so this keeps it within the longest string Node can hold (~512 MiB).
const MAX_RESPONSE_BYTES_LIMIT: number = bufferConstants.MAX_STRING_LENGTH;

/**
 * The zod fields of {@link OpenAIHttpOptions}, for a client to spread into its own `z.strictObject`: `baseUrl`
 * must be http(s) without credentials in it, `concurrency` is 1 to `maxConcurrency` (default 4), `maxRetries`
 * 0 to 10 (default 3), `retryMaxDelayMs` defaults to 30000, `maxResponseBytes` is 1024 up to the longest
 * string Node can hold (the body becomes one).
 */
export function openAIHttpOptionsShape(defaults: OpenAIHttpDefaults) {
  return {
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://localhost:11434/v1' })
      .refine((url) => {
        const parsed = new URL(url);
        return parsed.username === '' && parsed.password === '';
      }, 'must not contain credentials; pass apiKey instead'),
    apiKey: z.string().optional(),
    concurrency: z.int().min(1).max(defaults.maxConcurrency).default(OPENAI_HTTP_LIMITS.defaultConcurrency),
    timeoutMs: z.int().min(1).max(OPENAI_HTTP_LIMITS.maxTimeoutMs).default(defaults.timeoutMs),
    maxRetries: z.int().min(0).max(OPENAI_HTTP_LIMITS.maxRetries).default(OPENAI_HTTP_LIMITS.defaultMaxRetries),
    retryBaseDelayMs: z.int().min(0).default(defaults.retryBaseDelayMs),
    retryMaxDelayMs: z.int().min(0).default(30_000),
    maxResponseBytes: z
      .int()
      .min(1024, 'must be at least 1024 (1 KiB)')
      .max(MAX_RESPONSE_BYTES_LIMIT, `must be at most ${MAX_RESPONSE_BYTES_LIMIT}, the longest string Node can hold`)
      .default(defaults.maxResponseBytes),
  };
}

/** What to tell the caller to do about each kind of failure, in the words of the client's own options. */
export interface OpenAIHttpHints {
  /** After the last attempt timed out. */
  readonly timeout: string;
  /** After the last attempt got a 429. */
  readonly rateLimited: string;
  /** After the last attempt got a 408 or 5xx. */
  readonly serverFailing: string;
  /** For a 413. */
  readonly tooLarge: string;
  /** For a response over `maxResponseBytes`: what to raise or lower, and that a proxy or login page may be answering. */
  readonly responseTooLarge: string;
  /** For any other status that retrying would not fix (401, 403 and 404 have hints of their own). */
  readonly rejected: string;
}

/** Settings for {@link OpenAIHttpClient}, already validated (usually through {@link openAIHttpOptionsShape}). */
export interface OpenAIHttpClientOptions {
  readonly baseUrl: string;
  /** Appended to `baseUrl` (less its trailing slashes), e.g. `/embeddings`. */
  readonly path: string;
  readonly apiKey?: string | undefined;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly maxResponseBytes: number;
  readonly hints: OpenAIHttpHints;
}

/**
 * How a POST ended. `ok`: a 2xx with a JSON body. The rest are failures for the caller to turn into its own
 * error: `aborted` (the caller's signal fired; rethrow as cancellation), `exhausted` (every attempt met a 408,
 * 429, 5xx, network error or timeout: worth repeating later), `rejected` (a status retrying would not fix),
 * `not-json` (a 2xx whose body is not JSON), `too-large` (the body passed `maxResponseBytes`: by its
 * `Content-Length`, or while being read; the request was cancelled and is not retried, since the same server
 * would send the same). `message` continues a sentence that names the request, e.g.
 * `failed after 4 attempts: HTTP 503: busy. The server kept failing: ...`; no message holds the API key.
 */
export type OpenAIHttpOutcome =
  | { readonly kind: 'ok'; readonly status: number; readonly json: unknown; readonly text: string }
  | OpenAIHttpFailure;

/** The failures of {@link OpenAIHttpOutcome}. */
export type OpenAIHttpFailure =
  | { readonly kind: 'aborted'; readonly signal: AbortSignal }
  | { readonly kind: 'exhausted'; readonly message: string; readonly attempts: number; readonly status: number | undefined; readonly cause: unknown }
  | { readonly kind: 'rejected'; readonly message: string; readonly status: number }
  | { readonly kind: 'not-json'; readonly status: number; readonly text: string }
  | { readonly kind: 'too-large'; readonly message: string; readonly status: number; readonly maxResponseBytes: number };

/** Why an attempt may be worth repeating. */
interface Retryable {
  readonly kind: 'retry';
  readonly reason: string;
  readonly hint: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

const EXCERPT_LENGTH = 300;

/**
 * POSTs JSON to `{baseUrl}{path}` of an OpenAI-compatible API: `Authorization: Bearer` when there is a key, a
 * fresh timeout for each attempt, the caller's signal cancelling the request in flight or the wait between
 * attempts, and 408, 429, 5xx, network errors and timeouts retried with exponential backoff and jitter, or after
 * the server's `Retry-After` (both capped by `retryMaxDelayMs`). The body is read as a stream and given up
 * (the request cancelled) once it passes `maxResponseBytes`. It never throws for an HTTP outcome: it returns an
 * {@link OpenAIHttpOutcome}.
 */
export class OpenAIHttpClient {
  /** Where requests go, `{baseUrl}{path}`; safe to show (credentials are not allowed in `baseUrl`). */
  readonly url: string;
  readonly #baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #retryBaseDelayMs: number;
  readonly #retryMaxDelayMs: number;
  readonly #maxResponseBytes: number;
  readonly #hints: OpenAIHttpHints;

  constructor(options: OpenAIHttpClientOptions) {
    this.#baseUrl = options.baseUrl;
    this.url = `${options.baseUrl.replace(/\/+$/, '')}${options.path}`;
    this.#apiKey = options.apiKey === '' ? undefined : options.apiKey;
    this.#headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.#apiKey !== undefined) this.#headers.authorization = `Bearer ${this.#apiKey}`;
    this.#timeoutMs = options.timeoutMs;
    this.#maxRetries = options.maxRetries;
    this.#retryBaseDelayMs = options.retryBaseDelayMs;
    this.#retryMaxDelayMs = options.retryMaxDelayMs;
    this.#maxResponseBytes = options.maxResponseBytes;
    this.#hints = options.hints;
  }

  /** Sends `body` as JSON, retrying as the class comment says, and returns how it ended. */
  async post(body: unknown, signal?: AbortSignal): Promise<OpenAIHttpOutcome> {
    const payload = JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.#attempt(payload, signal);
      if (outcome.kind !== 'retry') return outcome;
      if (attempt >= this.#maxRetries) {
        const attempts = attempt + 1;
        return {
          kind: 'exhausted',
          message: `failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${outcome.reason}. ${outcome.hint}`,
          attempts,
          status: outcome.status,
          cause: outcome.cause,
        };
      }
      const wait =
        outcome.retryAfterMs === undefined
          ? backoffDelay(attempt, this.#retryBaseDelayMs, this.#retryMaxDelayMs)
          : Math.min(outcome.retryAfterMs, this.#retryMaxDelayMs);
      try {
        await delay(wait, undefined, signal === undefined ? {} : { signal });
      } catch (error) {
        if (!signal?.aborted) throw error;
        return { kind: 'aborted', signal };
      }
    }
  }

  /** `text` with every occurrence of the API key replaced by `[redacted]`, for anything the server wrote that may echo it. */
  redact(text: string): string {
    return this.#apiKey === undefined ? text : text.replaceAll(this.#apiKey, '[redacted]');
  }

  /** A short, single-line, key-free piece of a response body to end an error message with: `: …`, or '' for an empty body. */
  excerpt(text: string): string {
    const excerpt = this.redact(text.replace(/\s+/g, ' ').trim());
    if (excerpt === '') return '';
    return `: ${excerpt.length > EXCERPT_LENGTH ? `${excerpt.slice(0, EXCERPT_LENGTH)}...` : excerpt}`;
  }

  // One HTTP exchange: how it ended for good, or a reason to try again.
  async #attempt(payload: string, signal: AbortSignal | undefined): Promise<OpenAIHttpOutcome | Retryable> {
    if (signal?.aborted) return { kind: 'aborted', signal };
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, this.#timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.url, { method: 'POST', headers: this.#headers, body: payload, signal: controller.signal });
      // Read inside the try, so the attempt's timeout and the caller's signal cover the body as well as the headers.
      const body = await this.#readBody(response, controller);
      if (typeof body !== 'string') return body;
      text = body;
    } catch (error) {
      if (signal?.aborted) return { kind: 'aborted', signal };
      if (timedOut) return { kind: 'retry', reason: `no complete response within ${this.#timeoutMs} ms`, hint: this.#hints.timeout };
      return {
        kind: 'retry',
        reason: `network error (${describeNetworkError(error)})`,
        hint: `Check that an OpenAI-compatible server is running at ${this.#baseUrl}.`,
        cause: error,
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    const status = response.status;
    if (status === 408 || status === 429 || status >= 500) {
      return {
        kind: 'retry',
        reason: `HTTP ${status}${this.excerpt(text)}`,
        status,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        hint: status === 429 ? this.#hints.rateLimited : this.#hints.serverFailing,
      };
    }
    if (!response.ok) return { kind: 'rejected', message: `failed with HTTP ${status}${this.excerpt(text)}. ${this.#rejectedHint(status)}`, status };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { kind: 'not-json', status, text };
    }
    return { kind: 'ok', status, json, text };
  }

  // The body as text, or too-large once it passes the cap: then the request is aborted, which closes the
  // connection, so the server cannot keep sending into a socket nobody reads.
  async #readBody(response: Response, controller: AbortController): Promise<string | OpenAIHttpFailure> {
    const cap = this.#maxResponseBytes;
    const limit = `maxResponseBytes (${cap} bytes = ${describeSize(cap)})`;
    const tooLarge = (what: string): OpenAIHttpFailure => {
      controller.abort(new Error(`response over ${cap} bytes`));
      return {
        kind: 'too-large',
        message: `failed: the HTTP ${response.status} response ${what}. ${this.#hints.responseTooLarge}`,
        status: response.status,
        maxResponseBytes: cap,
      };
    };
    // Content-Length counts encoded bytes; with a Content-Encoding the decoded body can be any size, so only the
    // count while reading decides.
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    const encoding = response.headers.get('content-encoding');
    if ((encoding === null || encoding === 'identity') && Number.isSafeInteger(declared) && declared > cap) {
      return tooLarge(`declares ${declared} bytes (Content-Length), more than ${limit}; none of it was read`);
    }
    const reader = response.body?.getReader();
    if (reader === undefined) return '';
    // Decoding as chunks arrive lets each chunk's bytes go at once instead of holding them all to the end;
    // `stream: true` carries a character split across chunks over to the next one.
    const decoder = new TextDecoder();
    const parts: string[] = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > cap) {
        const failure = tooLarge(`ran past ${limit}; reading stopped at ${received} bytes and the request was cancelled`);
        // The abort has already errored the stream; cancelling releases it and its rejection carries nothing new.
        reader.cancel().catch(() => {});
        return failure;
      }
      parts.push(decoder.decode(value, { stream: true }));
    }
    parts.push(decoder.decode());
    return parts.join('');
  }

  #rejectedHint(status: number): string {
    if (status === 401 || status === 403) return 'Check apiKey.';
    if (status === 404) return 'Check baseUrl (it should end in the API version, e.g. /v1) and model.';
    if (status === 413) return this.#hints.tooLarge;
    return this.#hints.rejected;
  }
}

// `bytes` as the nearest MiB or KiB (one decimal), to read alongside the exact count.
function describeSize(bytes: number): string {
  const mib = bytes / 1_048_576;
  return mib >= 1 ? `${Number(mib.toFixed(1))} MiB` : `${Number((bytes / 1024).toFixed(1))} KiB`;
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  if (typeof cause === 'object' && cause !== null && typeof (cause as { code?: unknown }).code === 'string') {
    return `${error.message}: ${(cause as { code: string }).code}`;
  }
  return error.message;
}
