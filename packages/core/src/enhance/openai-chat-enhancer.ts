// An enhancer for any OpenAI-compatible `POST {baseUrl}/chat/completions` API: one JSON request per batch of documents.
import { backoffDelay, parseRetryAfter } from '@contextframe/dataset';
import { z } from 'zod';
import { cancelledError, CoreError } from '../errors/core-error.js';
import { throwIfCancelled } from '../engine/cancellation.js';
import { runBounded } from '../engine/run-bounded.js';
import { Semaphore } from '../engine/semaphore.js';
import { buildEnhancePrompt } from './enhance-prompt.js';
import type { EnhanceOptions, EnhanceOutcome, EnhanceRequest, Enhancer } from './enhancer.js';
import { parseEnhanceAnswer } from './parse-enhance-answer.js';

/** Options for {@link OpenAIChatEnhancer}; validated once, in the constructor. */
export interface OpenAIChatEnhancerOptions {
  /** API root including its version, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`; `/chat/completions` is appended. */
  readonly baseUrl: string;
  /** Model name as the server knows it, e.g. `gpt-4o-mini` or `llama3.1`. */
  readonly model: string;
  /** Sent as `Authorization: Bearer <apiKey>` when non-empty. Never logged and never put in an error. */
  readonly apiKey?: string;
  /** Overrides the id, which defaults to `openai-chat:<model>`. */
  readonly id?: string;
  /** Most documents per request, 1 to 50. Default 50, so batch_enhance's `batch_size` decides the grouping. */
  readonly batchSize?: number;
  /** Requests in flight at once, across every call to this enhancer, 1 to 32. Default 4. */
  readonly concurrency?: number;
  /** Limit for one attempt (sending, waiting and reading the reply), in ms. Default 120000: models write slowly. */
  readonly timeoutMs?: number;
  /** Retries after a 408, 429, 5xx, network error or timeout, 0 to 10. Default 3 (so at most 4 attempts). */
  readonly maxRetries?: number;
  /** First backoff delay in ms, doubled on each retry with jitter. Default 1000. */
  readonly retryBaseDelayMs?: number;
  /** Cap on any one wait in ms, including one asked for by `Retry-After`. Default 30000. */
  readonly retryMaxDelayMs?: number;
  /** Longest document content put in a prompt, 200 to 1,000,000 characters; longer content is cut and the prompt says so. Default 8000. */
  readonly maxDocumentChars?: number;
  /** Sampling temperature 0 to 2, sent only when given (some models reject it). */
  readonly temperature?: number;
  /** Sent as `max_tokens` when given, to bound the reply. */
  readonly maxTokens?: number;
}

const optionsSchema = z.strictObject({
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://localhost:11434/v1' })
    .refine((url) => {
      const parsed = new URL(url);
      return parsed.username === '' && parsed.password === '';
    }, 'must not contain credentials; pass apiKey instead'),
  model: z.string().min(1),
  apiKey: z.string().optional(),
  id: z.string().min(1).optional(),
  batchSize: z.int().min(1).max(50).default(50),
  concurrency: z.int().min(1).max(32).default(4),
  timeoutMs: z.int().min(1).default(120_000),
  maxRetries: z.int().min(0).max(10).default(3),
  retryBaseDelayMs: z.int().min(0).default(1_000),
  retryMaxDelayMs: z.int().min(0).default(30_000),
  maxDocumentChars: z.int().min(200).max(1_000_000).default(8_000),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.int().min(1).optional(),
});

type Settings = z.output<typeof optionsSchema>;

const responseSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({ content: z.string().nullish(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
});

/** Why an attempt may be worth repeating. */
interface Retryable {
  readonly retry: true;
  readonly reason: string;
  readonly hint: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/** The model's reply to one request. */
interface Reply {
  readonly retry: false;
  readonly content: string;
  readonly note: string;
}

const EXCERPT_LENGTH = 300;

/**
 * Enhances through an OpenAI-compatible chat completions API (OpenAI, Ollama, vLLM, LM Studio, ...). Each
 * request carries up to `batchSize` documents and asks, with `response_format: {type: 'json_object'}`, for
 * one JSON entry per document; the reply is validated field by field, so a partial or malformed reply fails
 * only what it lacks. At most `concurrency` requests are in flight across all calls. 408, 429, 5xx, network
 * errors and timeouts are retried with exponential backoff and jitter, honouring `Retry-After`; a request
 * that still fails throws CoreError ENHANCER_FAILED (`retryable` for those causes) and stops the call's
 * other requests. Aborting the signal cancels requests in flight and rejects with CANCELLED.
 */
export class OpenAIChatEnhancer implements Enhancer {
  readonly id: string;
  readonly #settings: Settings;
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #apiKey: string | undefined;
  readonly #slots: Semaphore;

  constructor(options: OpenAIChatEnhancerOptions) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => {
        const path = issue.path.join('.');
        return path === '' ? issue.message : `${path}: ${issue.message}`;
      });
      throw new CoreError('INVALID_INPUT', `Invalid OpenAIChatEnhancer options: ${problems.join('; ')}.`, { data: { issues: problems } });
    }
    const settings = parsed.data;
    this.#settings = settings;
    this.id = settings.id ?? `openai-chat:${settings.model}`;
    this.#url = `${settings.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    this.#apiKey = settings.apiKey === '' ? undefined : settings.apiKey;
    this.#headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.#apiKey !== undefined) this.#headers.authorization = `Bearer ${this.#apiKey}`;
    this.#slots = new Semaphore(settings.concurrency);
  }

  /** Enhances `requests` in requests of `batchSize` documents; see the class comment. */
  async enhance(requests: readonly EnhanceRequest[], options: EnhanceOptions = {}): Promise<EnhanceOutcome[]> {
    const { signal } = options;
    throwIfCancelled(signal, 'Enhancing was cancelled before it started.');
    const { batchSize, concurrency } = this.#settings;
    const batches: EnhanceRequest[][] = [];
    for (let i = 0; i < requests.length; i += batchSize) batches.push(requests.slice(i, i + batchSize));
    // One failed request stops its siblings: their documents would be thrown away with the call anyway.
    const stop = new AbortController();
    const onAbort = (): void => stop.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let failure: { error: unknown } | undefined;
    try {
      const outcomes = await runBounded(
        batches,
        Math.max(1, Math.min(concurrency, batches.length)),
        async (batch, index) => {
          try {
            return await this.#slots.run(() => this.#request(batch, index + 1, batches.length, options.purpose, stop.signal), stop.signal);
          } catch (error) {
            failure ??= { error };
            stop.abort(error);
            throw error;
          }
        },
        { signal: stop.signal },
      );
      return outcomes.flat();
    } catch (error) {
      if (signal?.aborted) throw cancelledError(signal.reason, 'Enhancing was cancelled before it finished; nothing was returned.');
      throw CoreError.from(failure?.error ?? error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async #request(batch: readonly EnhanceRequest[], number: number, count: number, purpose: string | undefined, signal: AbortSignal): Promise<EnhanceOutcome[]> {
    const prompt = buildEnhancePrompt(batch, { maxDocumentChars: this.#settings.maxDocumentChars, ...(purpose === undefined ? {} : { purpose }) });
    const { model, temperature, maxTokens, maxRetries, retryBaseDelayMs, retryMaxDelayMs } = this.#settings;
    const body = JSON.stringify({
      model,
      messages: [
        { role: 'system', content: prompt.system },
        { role: 'user', content: prompt.user },
      ],
      response_format: { type: 'json_object' },
      ...(temperature === undefined ? {} : { temperature }),
      ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    });
    const where = `Enhancement request ${number} of ${count} (${batch.length} document${batch.length === 1 ? '' : 's'}) to ${this.#url}`;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.#attempt(where, body, signal);
      if (!outcome.retry) return parseEnhanceAnswer(outcome.content, batch, prompt.ids, outcome.note);
      if (attempt >= maxRetries) {
        const attempts = attempt + 1;
        throw new CoreError('ENHANCER_FAILED', `${where} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${outcome.reason}. ${outcome.hint} Nothing was changed.`, {
          data: { url: this.#url, model, status: outcome.status, attempts },
          cause: outcome.cause,
          retryable: true,
        });
      }
      const wait = outcome.retryAfterMs === undefined ? backoffDelay(attempt, retryBaseDelayMs, retryMaxDelayMs) : Math.min(outcome.retryAfterMs, retryMaxDelayMs);
      await sleep(wait, signal);
    }
  }

  // One HTTP exchange: the reply, a reason to retry, or a thrown CoreError that retrying would not fix.
  async #attempt(where: string, body: string, signal: AbortSignal): Promise<Reply | Retryable> {
    throwIfCancelled(signal);
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, this.#settings.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.#url, { method: 'POST', headers: this.#headers, body, signal: controller.signal });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw cancelledError(signal.reason);
      if (timedOut) {
        return {
          retry: true,
          reason: `no complete response within ${this.#settings.timeoutMs} ms`,
          hint: 'Raise timeoutMs or lower batch_size, or check that the server is not overloaded.',
        };
      }
      return {
        retry: true,
        reason: `network error (${describeNetworkError(error)})`,
        hint: `Check that an OpenAI-compatible server is running at ${this.#settings.baseUrl}.`,
        cause: error,
      };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
    const status = response.status;
    if (status === 408 || status === 429 || status >= 500) {
      return {
        retry: true,
        reason: `HTTP ${status}${this.#excerpt(text)}`,
        status,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        hint:
          status === 429
            ? 'The server is rate-limiting: call again later, lower concurrency, or raise maxRetries.'
            : 'The server kept failing: check its logs and call again, or raise maxRetries.',
      };
    }
    if (!response.ok) {
      throw new CoreError('ENHANCER_FAILED', `${where} failed with HTTP ${status}${this.#excerpt(text)}. ${hintFor(status)} Nothing was changed.`, {
        data: { url: this.#url, model: this.#settings.model, status },
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = responseSchema.safeParse(json);
    if (!parsed.success) {
      throw new CoreError(
        'ENHANCER_FAILED',
        `${where} returned something other than a chat completion${this.#excerpt(text)}. Check that baseUrl points at an OpenAI-compatible API (ending in its version, e.g. /v1). Nothing was changed.`,
        { data: { url: this.#url, model: this.#settings.model, status } },
      );
    }
    const [choice] = parsed.data.choices;
    const notes: string[] = [];
    if (choice!.finish_reason === 'length') notes.push("The reply was cut off at the model's output limit (finish_reason: length).");
    if (typeof choice!.message.refusal === 'string' && choice!.message.refusal !== '') notes.push(`The model refused: ${this.#redact(choice!.message.refusal)}.`);
    return { retry: false, content: choice!.message.content ?? '', note: notes.join(' ') };
  }

  #redact(text: string): string {
    return this.#apiKey === undefined ? text : text.replaceAll(this.#apiKey, '[redacted]');
  }

  // A short, single-line, key-free piece of the response body for error messages.
  #excerpt(text: string): string {
    const excerpt = this.#redact(text.replace(/\s+/g, ' ').trim());
    if (excerpt === '') return '';
    return `: ${excerpt.length > EXCERPT_LENGTH ? `${excerpt.slice(0, EXCERPT_LENGTH)}...` : excerpt}`;
  }
}

/** Resolves after `ms`, or rejects with CoreError CANCELLED as soon as `signal` fires. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(cancelledError(signal.reason));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError(signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function hintFor(status: number): string {
  if (status === 401 || status === 403) return 'Check apiKey.';
  if (status === 404) return 'Check baseUrl (it should end in the API version, e.g. /v1) and model.';
  if (status === 413) return 'Lower batch_size or maxDocumentChars.';
  return 'Check model, that the server supports response_format {"type": "json_object"}, and that the prompt fits the model (lower batch_size or maxDocumentChars).';
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  if (typeof cause === 'object' && cause !== null && typeof (cause as { code?: unknown }).code === 'string') return `${error.message}: ${(cause as { code: string }).code}`;
  return error.message;
}
