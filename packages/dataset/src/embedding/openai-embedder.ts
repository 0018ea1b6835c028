// An embedder for any OpenAI-compatible `POST {baseUrl}/embeddings` API: batching, bounded concurrency and checked
// vectors; the HTTP exchange itself (auth, timeouts, retries, the response size cap) is OpenAIHttpClient's.
import { z } from 'zod';
import { DatasetError } from '../errors.js';
import { abortedError, throwIfAborted } from './abort.js';
import type { EmbedOptions, Embedder } from './embedder.js';
import { OpenAIHttpClient, type OpenAIHttpDefaults, type OpenAIHttpHints, type OpenAIHttpOptions, openAIHttpOptionsShape } from './openai-http-client.js';

/** Options for {@link OpenAIEmbedder}; validated once, in the constructor. */
export interface OpenAIEmbedderOptions extends OpenAIHttpOptions {
  /** API root including its version, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`; `/embeddings` is appended. */
  readonly baseUrl: string;
  /** Model name as the server knows it, e.g. `text-embedding-3-small` or `nomic-embed-text`. */
  readonly model: string;
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
  /** First backoff delay in ms, doubled on each retry with jitter. Default 500. */
  readonly retryBaseDelayMs?: number;
  /** Largest response read, in bytes, at least 1024. Default 268435456 (256 MiB): a full batch of 2,048 vectors of 3,072 dimensions, however the server writes its numbers. */
  readonly maxResponseBytes?: number;
}

// The default maxResponseBytes must fit the largest batch (batchSize 2,048) of the longest vectors hosted APIs
// return (3,072, text-embedding-3-large): 6,291,456 numbers. 64 MiB leaves ~10.7 bytes a number, too few: the
// float32s of a unit vector written in shortest form average ~11.6 characters (-0.0028842222) plus a comma,
// ~75 MiB in all; servers that widen them to float64 first (Python's json of numpy floats) write ~20.4 on
// average and up to 25 (-0.0028842222038656473), ~128 MiB compact and ~182 MiB pretty-printed one number to
// an indented line (~210 MiB if every number took 25). 256 MiB leaves ~42 bytes a number, enough for all of
// these, and stays under the ~512 MiB string limit. Longer vectors at that batch size need a lower batchSize
// or a higher maxResponseBytes; the error says so.
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1_048_576;

/** {@link OpenAIEmbedder}'s own bounds and defaults: those of its HTTP options (see {@link OpenAIHttpDefaults}) and of `batchSize` (1 to `maxBatchSize`). */
export const OPENAI_EMBEDDER_DEFAULTS: OpenAIHttpDefaults & { readonly batchSize: number; readonly maxBatchSize: number } = Object.freeze({
  maxConcurrency: 64,
  timeoutMs: 30_000,
  retryBaseDelayMs: 500,
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
  batchSize: 64,
  maxBatchSize: 2048,
});

const optionsSchema = z.strictObject({
  ...openAIHttpOptionsShape(OPENAI_EMBEDDER_DEFAULTS),
  model: z.string().min(1),
  dimensions: z.int().min(1).max(65_536),
  requestDimensions: z.boolean().default(false),
  id: z.string().min(1).optional(),
  batchSize: z.int().min(1).max(OPENAI_EMBEDDER_DEFAULTS.maxBatchSize).default(OPENAI_EMBEDDER_DEFAULTS.batchSize),
});

type Settings = z.output<typeof optionsSchema>;

// Hints in this client's option names; each ends an error message the caller reads.
const HINTS: OpenAIHttpHints = {
  timeout: 'Raise timeoutMs or lower batchSize, or check that the server is not overloaded.',
  rateLimited: 'The server is rate-limiting: lower concurrency or batchSize, or raise maxRetries.',
  serverFailing: 'The server kept failing: check its logs, or raise maxRetries.',
  tooLarge: 'Lower batchSize, or split long texts with chunkText.',
  responseTooLarge:
    'Raise maxResponseBytes if batchSize vectors of this length really need more, or lower batchSize; otherwise check that baseUrl points at the embeddings API itself (a proxy or login page may be answering).',
  rejected: "Check model, and that no text exceeds the model's input limit (split long texts with chunkText).",
};

/** One request's worth of texts: `texts[start..end)`, numbered from 1 for messages. */
interface Batch {
  readonly number: number;
  readonly count: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Embeds through an OpenAI-compatible HTTP API (OpenAI, Ollama, vLLM, LM Studio, Hugging Face TEI, ...).
 * Texts go out in requests of `batchSize`, at most `concurrency` at a time; 408, 429, 5xx, network errors and
 * timeouts are retried with exponential backoff and jitter, honouring `Retry-After`; a response over
 * `maxResponseBytes` is cut off and fails at once. Empty strings are not
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
  readonly #http: OpenAIHttpClient;

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
    this.#http = new OpenAIHttpClient({ ...settings, path: '/embeddings', hints: HINTS });
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
    const outcome = await this.#http.post(
      {
        model: this.#settings.model,
        input: inputs,
        encoding_format: 'float',
        ...(this.#settings.requestDimensions ? { dimensions: this.dimensions } : {}),
      },
      signal,
    );
    switch (outcome.kind) {
      case 'aborted':
        throw abortedError(outcome.signal);
      case 'exhausted':
        throw new DatasetError('EMBEDDER_FAILED', `${this.#where(batch)} ${outcome.message}`, {
          data: this.#data(batch, { status: outcome.status, attempts: outcome.attempts }),
          cause: outcome.cause,
          retryable: true,
        });
      case 'rejected':
        throw new DatasetError('EMBEDDER_FAILED', `${this.#where(batch)} ${outcome.message}`, {
          data: this.#data(batch, { status: outcome.status, attempts: undefined }),
        });
      case 'not-json':
        throw this.#malformed(batch, 'the body is not JSON', outcome.text);
      case 'too-large':
        throw new DatasetError('EMBEDDER_FAILED', `${this.#where(batch)} ${outcome.message}`, {
          data: this.#data(batch, { status: outcome.status, attempts: undefined, maxResponseBytes: outcome.maxResponseBytes }),
        });
    }
    const embedded = this.#parse(batch, outcome.json, outcome.text, inputs.length);
    let k = 0;
    for (let i = batch.start; i < batch.end; i++) if (texts[i] !== '') vectors[i - batch.start] = embedded[k++]!;
    return vectors;
  }

  #parse(batch: Batch, json: unknown, text: string, expected: number): Float32Array[] {
    const malformed = (problem: string): DatasetError => this.#malformed(batch, problem, text);
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

  #malformed(batch: Batch, problem: string, text: string): DatasetError {
    return new DatasetError(
      'EMBEDDER_FAILED',
      `${this.#where(batch)} returned a malformed response: ${problem}${this.#http.excerpt(text)}. ` +
        'Check that baseUrl points at an OpenAI-compatible embeddings API.',
      { data: this.#data(batch, { status: 200, attempts: undefined }) },
    );
  }

  #where(batch: Batch): string {
    const texts = batch.end - batch.start === 1 ? `text ${batch.start}` : `texts ${batch.start}-${batch.end - 1}`;
    return `Embedding request ${batch.number} of ${batch.count} (${texts}) to ${this.#http.url}`;
  }

  #data(batch: Batch, extra: Record<string, unknown>): Record<string, unknown> {
    return { url: this.#http.url, model: this.#settings.model, batch: batch.number, start: batch.start, end: batch.end, ...extra };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
