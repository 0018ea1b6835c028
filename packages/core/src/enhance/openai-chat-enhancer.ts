// An enhancer for any OpenAI-compatible `POST {baseUrl}/chat/completions` API: one JSON request per batch of documents.
import { OpenAIHttpClient, type OpenAIHttpDefaults, type OpenAIHttpHints, type OpenAIHttpOptions, openAIHttpOptionsShape } from '@contextframe/dataset';
import { z } from 'zod';
import { cancelledError, CoreError } from '../errors/core-error.js';
import { throwIfCancelled } from '../engine/cancellation.js';
import { runBounded } from '../engine/run-bounded.js';
import { Semaphore } from '../engine/semaphore.js';
import { buildEnhancePrompt } from './enhance-prompt.js';
import type { EnhanceOptions, EnhanceOutcome, EnhanceRequest, Enhancer } from './enhancer.js';
import { parseEnhanceAnswer } from './parse-enhance-answer.js';

/** Options for {@link OpenAIChatEnhancer}; validated once, in the constructor. */
export interface OpenAIChatEnhancerOptions extends OpenAIHttpOptions {
  /** API root including its version, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`; `/chat/completions` is appended. */
  readonly baseUrl: string;
  /** Model name as the server knows it, e.g. `gpt-4o-mini` or `llama3.1`. */
  readonly model: string;
  /** Overrides the id, which defaults to `openai-chat:<model>`. */
  readonly id?: string;
  /** Most documents per request, 1 to 50. Default 50, so batch_enhance's `batch_size` decides the grouping. */
  readonly batchSize?: number;
  /** Requests in flight at once, across every call to this enhancer, 1 to 32. Default 4. */
  readonly concurrency?: number;
  /** Limit for one attempt (sending, waiting and reading the reply), in ms. Default 120000: models write slowly. */
  readonly timeoutMs?: number;
  /** First backoff delay in ms, doubled on each retry with jitter. Default 1000. */
  readonly retryBaseDelayMs?: number;
  /** Longest document content put in a prompt, 200 to 1,000,000 characters; longer content is cut and the prompt says so. Default 8000. */
  readonly maxDocumentChars?: number;
  /** Sampling temperature 0 to 2, sent only when given (some models reject it). */
  readonly temperature?: number;
  /** Sent as `max_tokens` when given, to bound the reply. */
  readonly maxTokens?: number;
  /** Largest response read, in bytes, at least 1024. Default 8388608 (8 MiB), several times the longest reply a model writes. */
  readonly maxResponseBytes?: number;
}

// The default maxResponseBytes: a reply at the largest output limit models have (~128k tokens, about half a
// million characters) stays under 3 MiB even with every character \u-escaped in the completion's JSON, so
// 8 MiB only stops what is not a reply.
const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1_048_576;

/** {@link OpenAIChatEnhancer}'s bounds and defaults of its HTTP options (see `OpenAIHttpDefaults` in @contextframe/dataset). */
export const OPENAI_CHAT_ENHANCER_DEFAULTS: OpenAIHttpDefaults = Object.freeze({
  maxConcurrency: 32,
  timeoutMs: 120_000,
  retryBaseDelayMs: 1_000,
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
});

const optionsSchema = z.strictObject({
  ...openAIHttpOptionsShape(OPENAI_CHAT_ENHANCER_DEFAULTS),
  model: z.string().min(1),
  id: z.string().min(1).optional(),
  batchSize: z.int().min(1).max(50).default(50),
  maxDocumentChars: z.int().min(200).max(1_000_000).default(8_000),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.int().min(1).optional(),
});

type Settings = z.output<typeof optionsSchema>;

// Hints in this enhancer's option names (and batch_enhance's batch_size); each ends an error message an agent reads.
const HINTS: OpenAIHttpHints = {
  timeout: 'Raise timeoutMs or lower batch_size, or check that the server is not overloaded.',
  rateLimited: 'The server is rate-limiting: call again later, lower concurrency, or raise maxRetries.',
  serverFailing: 'The server kept failing: check its logs and call again, or raise maxRetries.',
  tooLarge: 'Lower batch_size or maxDocumentChars.',
  responseTooLarge:
    'Raise maxResponseBytes if replies this long are expected, or set maxTokens or lower batch_size; otherwise check that baseUrl points at the chat API itself (a proxy or login page may be answering).',
  rejected:
    'Check model, that the server supports response_format {"type": "json_object"}, and that the prompt fits the model (lower batch_size or maxDocumentChars).',
};

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

/**
 * Enhances through an OpenAI-compatible chat completions API (OpenAI, Ollama, vLLM, LM Studio, ...). Each
 * request carries up to `batchSize` documents and asks, with `response_format: {type: 'json_object'}`, for
 * one JSON entry per document; the reply is validated field by field, so a partial or malformed reply fails
 * only what it lacks. At most `concurrency` requests are in flight across all calls. 408, 429, 5xx, network
 * errors and timeouts are retried with exponential backoff and jitter, honouring `Retry-After`; a request
 * that still fails throws CoreError ENHANCER_FAILED (`retryable` for those causes) and stops the call's
 * other requests; so does a response over `maxResponseBytes`, at once and without a retry. Aborting the
 * signal cancels requests in flight and rejects with CANCELLED.
 */
export class OpenAIChatEnhancer implements Enhancer {
  readonly id: string;
  readonly #settings: Settings;
  readonly #http: OpenAIHttpClient;
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
    this.#http = new OpenAIHttpClient({ ...settings, path: '/chat/completions', hints: HINTS });
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
    const { model, temperature, maxTokens } = this.#settings;
    const body = {
      model,
      messages: [
        { role: 'system', content: prompt.system },
        { role: 'user', content: prompt.user },
      ],
      response_format: { type: 'json_object' },
      ...(temperature === undefined ? {} : { temperature }),
      ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    };
    const url = this.#http.url;
    const where = `Enhancement request ${number} of ${count} (${batch.length} document${batch.length === 1 ? '' : 's'}) to ${url}`;
    const outcome = await this.#http.post(body, signal);
    switch (outcome.kind) {
      case 'aborted':
        throw cancelledError(outcome.signal.reason);
      case 'exhausted':
        throw new CoreError('ENHANCER_FAILED', `${where} ${outcome.message} Nothing was changed.`, {
          data: { url, model, status: outcome.status, attempts: outcome.attempts },
          cause: outcome.cause,
          retryable: true,
        });
      case 'rejected':
        throw new CoreError('ENHANCER_FAILED', `${where} ${outcome.message} Nothing was changed.`, { data: { url, model, status: outcome.status } });
      case 'too-large':
        throw new CoreError('ENHANCER_FAILED', `${where} ${outcome.message} Nothing was changed.`, {
          data: { url, model, status: outcome.status, maxResponseBytes: outcome.maxResponseBytes },
        });
    }
    // A body that is not JSON at all fails the same way as JSON of the wrong shape.
    const parsed = responseSchema.safeParse(outcome.kind === 'ok' ? outcome.json : undefined);
    if (!parsed.success) {
      throw new CoreError(
        'ENHANCER_FAILED',
        `${where} returned something other than a chat completion${this.#http.excerpt(outcome.text)}. Check that baseUrl points at an OpenAI-compatible API (ending in its version, e.g. /v1). Nothing was changed.`,
        { data: { url, model, status: outcome.status } },
      );
    }
    const [choice] = parsed.data.choices;
    const notes: string[] = [];
    if (choice!.finish_reason === 'length') notes.push("The reply was cut off at the model's output limit (finish_reason: length).");
    if (typeof choice!.message.refusal === 'string' && choice!.message.refusal !== '') notes.push(`The model refused: ${this.#http.redact(choice!.message.refusal)}.`);
    return parseEnhanceAnswer(choice!.message.content ?? '', batch, prompt.ids, notes.join(' '));
  }
}
