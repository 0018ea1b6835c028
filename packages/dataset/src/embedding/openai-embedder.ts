// An embedder for any OpenAI-compatible `POST {baseUrl}/embeddings` API: batching, bounded concurrency, retries.
import { z } from 'zod';
import { DatasetError } from '../errors.js';
import { abortedError, sleep, throwIfAborted } from './abort.js';
import type { EmbedOptions, Embedder } from './embedder.js';
import { backoffDelay, parseRetryAfter } from './retry.js';

/** Options for {@link OpenAIEmbedder}; validated once, in the constructor. */
export interface OpenAIEmbedderOptions {
  /** API root including its version, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`; `/embeddings` is appended. */
  readonly baseUrl: string;
  /** Model name as the server knows it, e.g. `text-embedding-3-small` or `nomic-embed-text`. */
  readonly model: string;
  /** Sent as `Authorization: Bearer <apiKey>` when non-empty. Never logged and never put in an error. */
  readonly apiKey?: string;
  /**
   * Length of the model's vectors (1 to 65536). Required rather than discovered: the store sizes its
   * `FLOAT[n]` column before the first call, and a probe request would cost money and fail offline. Every
   * response is checked against it.
   */
  readonly dimensions: number;
  /** Also send `dimensions` in each request, for models that can shorten their vectors (OpenAI `text-embedding-3-*`). Default false, because many servers reject or ignore the field. */
  readonly requestDimensions?: boolean;
  /** Overrides the id, which defaults to `openai:<model>:<dimensions>`. */
  readonly id?: string;
  /** Texts per request, 1 to 2048. Default 64. */
  readonly batchSize?: number;
  /** Requests in flight at once per `embed` call, 1 to 64. Default 4. */
  readonly concurrency?: number;
  /** Limit for one attempt (sending, waiting and reading the response), in ms. Default 30000. */
  readonly timeoutMs?: number;
  /** Retries after a 408, 429, 5xx, network error or timeout, 0 to 10. Default 3 (so at most 4 attempts). */
  readonly maxRetries?: number;
  /** First backoff delay in ms, doubled on each retry with jitter. Default 500. */
  readonly retryBaseDelayMs?: number;
  /** Cap on any one wait in ms, including one asked for by `Retry-After`. Default 30000. */
  readonly retryMaxDelayMs?: number;
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
  dimensions: z.int().min(1).max(65_536),
  requestDimensions: z.boolean().default(false),
  id: z.string().min(1).optional(),
  batchSize: z.int().min(1).max(2048).default(64),
  concurrency: z.int().min(1).max(64).default(4),
  timeoutMs: z.int().min(1).default(30_000),
  maxRetries: z.int().min(0).max(10).default(3),
  retryBaseDelayMs: z.int().min(0).default(500),
  retryMaxDelayMs: z.int().min(0).default(30_000),
});

type Settings = z.output<typeof optionsSchema>;

/** One request's worth of texts: `texts[start..end)`, numbered from 1 for messages. */
interface Batch {
  readonly number: number;
  readonly count: number;
  readonly start: number;
  readonly end: number;
}

/** Why an attempt may be worth repeating. */
interface Retryable {
  readonly reason: string;
  readonly hint: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

const EXCERPT_LENGTH = 300;

/**
 * Embeds through an OpenAI-compatible HTTP API (OpenAI, Ollama, vLLM, LM Studio, Hugging Face TEI, ...).
 * Texts go out in requests of `batchSize`, at most `concurrency` at a time; 408, 429, 5xx, network errors and
 * timeouts are retried with exponential backoff and jitter, honouring `Retry-After`. Empty strings are not
 * sent (APIs reject them) and get the zero vector. Every vector's length is checked against `dimensions`.
 *
 * When a request fails for good, no new requests start, those in flight finish (their vectors reach
 * `onBatch`, so a `CachedEmbedder` keeps them), and the call rejects with `EMBEDDER_FAILED` (or
 * `EMBEDDING_MISMATCH` for vectors of the wrong length). Aborting the signal cancels in-flight requests and
 * rejects with `ABORTED`.
 */
export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #settings: Settings;
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #apiKey: string | undefined;

  constructor(options: OpenAIEmbedderOptions) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => {
        const path = issue.path.join('.');
        return path === '' ? issue.message : `${path}: ${issue.message}`;
      });
      throw new DatasetError('INVALID_ARGUMENT', `Invalid OpenAIEmbedder options: ${problems.join('; ')}.`, {
        data: { issues: problems },
      });
    }
    const settings = parsed.data;
    this.#settings = settings;
    this.dimensions = settings.dimensions;
    this.id = settings.id ?? `openai:${settings.model}:${settings.dimensions}`;
    this.#url = `${settings.baseUrl.replace(/\/+$/, '')}/embeddings`;
    this.#apiKey = settings.apiKey === '' ? undefined : settings.apiKey;
    this.#headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.#apiKey !== undefined) this.#headers.authorization = `Bearer ${this.#apiKey}`;
  }

  /** Embeds `texts` in batches; see the class comment for failure and cancellation behaviour. */
  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const { signal, onBatch } = options;
    throwIfAborted(signal);
    const { batchSize, concurrency } = this.#settings;
    const count = Math.ceil(texts.length / batchSize);
    const batches: Batch[] = [];
    for (let i = 0; i < count; i++) {
      batches.push({ number: i + 1, count, start: i * batchSize, end: Math.min(texts.length, (i + 1) * batchSize) });
    }
    const vectors: Float32Array[] = new Array<Float32Array>(texts.length);
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < batches.length) {
        const batch = batches[next++]!;
        try {
          const batchVectors = await this.#embedBatch(batch, texts, signal);
          batchVectors.forEach((vector, i) => { vectors[batch.start + i] = vector; });
          onBatch?.({ start: batch.start, vectors: batchVectors });
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
    throwIfAborted(signal);
    if (failure !== undefined) throw failure.error;
    return vectors;
  }

  async #embedBatch(batch: Batch, texts: readonly string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    const inputs: string[] = [];
    for (let i = batch.start; i < batch.end; i++) {
      const text = texts[i]!;
      vectors.push(new Float32Array(this.dimensions));
      if (text !== '') inputs.push(text);
    }
    if (inputs.length === 0) return vectors;
    const body = JSON.stringify({
      model: this.#settings.model,
      input: inputs,
      encoding_format: 'float',
      ...(this.#settings.requestDimensions ? { dimensions: this.dimensions } : {}),
    });
    const { maxRetries, retryBaseDelayMs, retryMaxDelayMs } = this.#settings;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.#attempt(batch, body, inputs.length, signal);
      if (Array.isArray(outcome)) {
        let k = 0;
        for (let i = batch.start; i < batch.end; i++) if (texts[i] !== '') vectors[i - batch.start] = outcome[k++]!;
        return vectors;
      }
      if (attempt >= maxRetries) {
        const attempts = attempt + 1;
        throw new DatasetError(
          'EMBEDDER_FAILED',
          `${this.#where(batch)} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${outcome.reason}. ${outcome.hint}`,
          { data: this.#data(batch, { status: outcome.status, attempts }), cause: outcome.cause, retryable: true },
        );
      }
      const wait =
        outcome.retryAfterMs === undefined
          ? backoffDelay(attempt, retryBaseDelayMs, retryMaxDelayMs)
          : Math.min(outcome.retryAfterMs, retryMaxDelayMs);
      await sleep(wait, signal);
    }
  }

  // One HTTP exchange: vectors, a reason to retry, or a thrown DatasetError that retrying would not fix.
  async #attempt(
    batch: Batch,
    body: string,
    expected: number,
    signal: AbortSignal | undefined,
  ): Promise<Float32Array[] | Retryable> {
    throwIfAborted(signal);
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
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
      if (signal?.aborted) throw abortedError(signal);
      if (timedOut) {
        return {
          reason: `no complete response within ${this.#settings.timeoutMs} ms`,
          hint: 'Raise timeoutMs or lower batchSize, or check that the server is not overloaded.',
        };
      }
      return {
        reason: `network error (${describeNetworkError(error)})`,
        hint: `Check that an OpenAI-compatible server is running at ${this.#settings.baseUrl}.`,
        cause: error,
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    const status = response.status;
    if (status === 408 || status === 429 || status >= 500) {
      return {
        reason: `HTTP ${status}${this.#excerpt(text)}`,
        status,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        hint:
          status === 429
            ? 'The server is rate-limiting: lower concurrency or batchSize, or raise maxRetries.'
            : 'The server kept failing: check its logs, or raise maxRetries.',
      };
    }
    if (!response.ok) {
      throw new DatasetError(
        'EMBEDDER_FAILED',
        `${this.#where(batch)} failed with HTTP ${status}${this.#excerpt(text)}. ${hintFor(status)}`,
        { data: this.#data(batch, { status, attempts: undefined }) },
      );
    }
    return this.#parse(batch, text, expected);
  }

  #parse(batch: Batch, text: string, expected: number): Float32Array[] {
    const malformed = (problem: string): DatasetError =>
      new DatasetError(
        'EMBEDDER_FAILED',
        `${this.#where(batch)} returned a malformed response: ${problem}${this.#excerpt(text)}. ` +
          'Check that baseUrl points at an OpenAI-compatible embeddings API.',
        { data: this.#data(batch, { status: 200, attempts: undefined }) },
      );
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw malformed('the body is not JSON');
    }
    const data = isObject(json) ? json.data : undefined;
    if (!Array.isArray(data)) throw malformed('no "data" array');
    if (data.length !== expected) throw malformed(`${data.length} embeddings for ${expected} inputs`);
    const vectors: (Float32Array | undefined)[] = new Array<Float32Array | undefined>(expected);
    data.forEach((item: unknown, position) => {
      if (!isObject(item)) throw malformed(`data[${position}] is not an object`);
      const index = item.index ?? position;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= expected) {
        throw malformed(`data[${position}].index is not an integer from 0 to ${expected - 1}`);
      }
      if (vectors[index] !== undefined) throw malformed(`index ${index} appears twice`);
      const embedding = item.embedding;
      if (!Array.isArray(embedding)) {
        throw malformed(`data[${position}].embedding is not an array of numbers (is encoding_format ignored?)`);
      }
      if (embedding.length !== this.dimensions) {
        throw new DatasetError(
          'EMBEDDING_MISMATCH',
          `${this.#where(batch)} returned a vector of ${embedding.length} dimensions for text ` +
            `${batch.start + index}; expected ${this.dimensions}. Set dimensions to the model's vector length ` +
            `(or set requestDimensions if the model can shorten its vectors).`,
          { data: this.#data(batch, { expected: this.dimensions, got: embedding.length, index: batch.start + index }) },
        );
      }
      // Checked after conversion: a finite double such as 1e300 is Infinity as a float.
      const vector = embedding.every((value) => typeof value === 'number') ? Float32Array.from(embedding as number[]) : undefined;
      if (vector === undefined || !vector.every(Number.isFinite)) {
        throw malformed(`data[${position}].embedding holds something other than finite numbers`);
      }
      vectors[index] = vector;
    });
    return vectors as Float32Array[];
  }

  #where(batch: Batch): string {
    const texts = batch.end - batch.start === 1 ? `text ${batch.start}` : `texts ${batch.start}-${batch.end - 1}`;
    return `Embedding request ${batch.number} of ${batch.count} (${texts}) to ${this.#url}`;
  }

  #data(batch: Batch, extra: Record<string, unknown>): Record<string, unknown> {
    return { url: this.#url, model: this.#settings.model, batch: batch.number, start: batch.start, end: batch.end, ...extra };
  }

  // A short, single-line, key-free piece of the response body for error messages.
  #excerpt(text: string): string {
    let excerpt = text.replace(/\s+/g, ' ').trim();
    if (this.#apiKey !== undefined) excerpt = excerpt.replaceAll(this.#apiKey, '[redacted]');
    if (excerpt === '') return '';
    return `: ${excerpt.length > EXCERPT_LENGTH ? `${excerpt.slice(0, EXCERPT_LENGTH)}...` : excerpt}`;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hintFor(status: number): string {
  if (status === 401 || status === 403) return 'Check apiKey.';
  if (status === 404) return 'Check baseUrl (it should end in the API version, e.g. /v1) and model.';
  if (status === 413) return 'Lower batchSize, or split long texts with chunkText.';
  return 'Check model, and that no text exceeds the model\'s input limit (split long texts with chunkText).';
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  if (isObject(cause) && typeof cause.code === 'string') return `${error.message}: ${cause.code}`;
  return error.message;
}
