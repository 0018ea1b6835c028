import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { until } from '@contextframe/test-support';
import { describe, expect, it } from 'vitest';
import { DatasetError, HashEmbedder, OpenAIEmbedder } from '../../src/index.js';
import type { EmbeddedBatch, OpenAIEmbedderOptions } from '../../src/index.js';
import { embeddings, startFakeServer } from './fake-openai-server.js';

const DIMS = 8;
const TEXTS = Array.from({ length: 10 }, (_, i) => `text number ${i}`);
const expected = (texts: readonly string[]): Float32Array[] => {
  const hash = new HashEmbedder({ dimensions: DIMS });
  return texts.map((text) => hash.embedText(text));
};

function embedder(baseUrl: string, options: Partial<OpenAIEmbedderOptions> = {}): OpenAIEmbedder {
  return new OpenAIEmbedder({
    baseUrl,
    model: 'test-model',
    dimensions: DIMS,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<DatasetError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

describe('OpenAIEmbedder requests', () => {
  it('sends 10 texts as 3 requests of at most 4 and returns the vectors in input order, sorted by index', async () => {
    const server = await startFakeServer((request) => embeddings(request.body.input, DIMS));
    const vectors = await embedder(server.baseUrl, { batchSize: 4, concurrency: 1 }).embed(TEXTS);
    expect(server.requests.map((r) => r.body.input)).toEqual([TEXTS.slice(0, 4), TEXTS.slice(4, 8), TEXTS.slice(8)]);
    expect(vectors).toEqual(expected(TEXTS));
    const [first] = server.requests;
    expect(first?.method).toBe('POST');
    expect(first?.url).toBe('/v1/embeddings');
    expect(first?.headers['content-type']).toBe('application/json');
    expect(first?.body).toEqual({ model: 'test-model', input: TEXTS.slice(0, 4), encoding_format: 'float' });
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const server = await startFakeServer(async (request) => {
      // Hold each answer until a second request is in flight (or the last one has arrived), so overlap is certain.
      await until(() => server.inFlight >= 2 || server.requests.length === 5, 2_000);
      return embeddings(request.body.input, DIMS);
    });
    const vectors = await embedder(server.baseUrl, { batchSize: 2, concurrency: 2 }).embed(TEXTS);
    expect(server.requests).toHaveLength(5);
    expect(server.maxInFlight).toBe(2);
    expect(vectors).toEqual(expected(TEXTS));
  });

  it('reports each finished request through onBatch with its start index', async () => {
    const server = await startFakeServer((request) => embeddings(request.body.input, DIMS));
    const batches: EmbeddedBatch[] = [];
    await embedder(server.baseUrl, { batchSize: 4, concurrency: 1 }).embed(TEXTS, { onBatch: (b) => batches.push(b) });
    expect(batches.map((b) => [b.start, b.vectors.length])).toEqual([
      [0, 4],
      [4, 4],
      [8, 2],
    ]);
    expect(batches[1]?.vectors).toEqual(expected(TEXTS.slice(4, 8)));
  });

  it('sends Authorization: Bearer only when an apiKey is given, and never shows the key', async () => {
    const server = await startFakeServer((request) => embeddings(request.body.input, DIMS));
    const keyed = embedder(server.baseUrl, { apiKey: 'sk-test-secret' });
    await keyed.embed(['a']);
    await embedder(server.baseUrl).embed(['b']);
    await embedder(server.baseUrl, { apiKey: '' }).embed(['c']);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer sk-test-secret', undefined, undefined]);
    expect(inspect(keyed, { depth: 5 })).not.toContain('sk-test-secret');
    expect(JSON.stringify(keyed)).not.toContain('sk-test-secret');
  });

  it('sends dimensions only when requestDimensions is set', async () => {
    const server = await startFakeServer((request) => embeddings(request.body.input, DIMS));
    await embedder(server.baseUrl, { requestDimensions: true }).embed(['a']);
    await embedder(server.baseUrl).embed(['a']);
    expect(server.requests.map((r) => r.body.dimensions)).toEqual([DIMS, undefined]);
  });

  it('does not send empty strings: they get the zero vector, and an all-empty batch makes no request', async () => {
    const server = await startFakeServer((request) => embeddings(request.body.input, DIMS));
    const vectors = await embedder(server.baseUrl, { batchSize: 2 }).embed(['', '', 'x', '', 'y']);
    expect(server.requests.map((r) => r.body.input)).toEqual([['x'], ['y']]);
    expect(vectors).toEqual([new Float32Array(DIMS), new Float32Array(DIMS), ...expected(['x']), new Float32Array(DIMS), ...expected(['y'])]);
    expect(await embedder(server.baseUrl).embed([])).toEqual([]);
    expect(server.requests).toHaveLength(2);
  });

  it('accepts a baseUrl with a trailing slash and items without an index (taken in order)', async () => {
    const server = await startFakeServer((request) => ({
      body: { data: request.body.input.map((text) => ({ embedding: [...expected([text])[0]!] })) },
    }));
    const vectors = await embedder(`${server.baseUrl}/`).embed(['a', 'b']);
    expect(server.requests[0]?.url).toBe('/v1/embeddings');
    expect(vectors).toEqual(expected(['a', 'b']));
  });
});

describe('OpenAIEmbedder retries', () => {
  it('waits out a 429 with Retry-After and then succeeds', async () => {
    const server = await startFakeServer((request) =>
      request.number === 1
        ? { status: 429, headers: { 'retry-after': '0' }, body: { error: { message: 'slow down' } } }
        : embeddings(request.body.input, DIMS),
    );
    const vectors = await embedder(server.baseUrl).embed(['a', 'b']);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body.input).toEqual(['a', 'b']);
    expect(vectors).toEqual(expected(['a', 'b']));
  });

  it('caps a long Retry-After at retryMaxDelayMs', async () => {
    const server = await startFakeServer((request) =>
      request.number === 1
        ? { status: 503, headers: { 'retry-after': '3600' } }
        : embeddings(request.body.input, DIMS),
    );
    // A one-hour wait would outlast the test; the cap (5 ms) makes it finish.
    await expect(embedder(server.baseUrl).embed(['a'])).resolves.toEqual(expected(['a']));
  });

  it.each([408, 500, 502, 503, 504])('retries HTTP %i', async (status) => {
    const server = await startFakeServer((request) =>
      request.number === 1 ? { status, body: 'busy' } : embeddings(request.body.input, DIMS),
    );
    await expect(embedder(server.baseUrl).embed(['a'])).resolves.toEqual(expected(['a']));
    expect(server.requests).toHaveLength(2);
  });

  it('retries after the connection is reset', async () => {
    const server = await startFakeServer((request) => (request.number === 1 ? 'reset' : embeddings(request.body.input, DIMS)));
    await expect(embedder(server.baseUrl).embed(['a'])).resolves.toEqual(expected(['a']));
    expect(server.requests).toHaveLength(2);
  });

  it('gives up on a server that answers 500 every time after maxRetries + 1 attempts', async () => {
    const server = await startFakeServer(() => ({ status: 500, body: { error: { message: 'model crashed' } } }));
    const error = await failure(embedder(server.baseUrl, { maxRetries: 2 }).embed(['a', 'b']));
    expect(server.requests).toHaveLength(3);
    expect(error.code).toBe('EMBEDDER_FAILED');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('Embedding request 1 of 1 (texts 0-1)');
    expect(error.message).toContain('failed after 3 attempts: HTTP 500: {"error":{"message":"model crashed"}}');
    expect(error.message).toContain('raise maxRetries');
    expect(error.data).toMatchObject({ status: 500, attempts: 3, batch: 1, start: 0, end: 2, model: 'test-model' });
  });

  it('makes exactly one attempt when maxRetries is 0, and says when a rate limit was the reason', async () => {
    const server = await startFakeServer(() => ({ status: 429, body: 'rate limited' }));
    const error = await failure(embedder(server.baseUrl, { maxRetries: 0 }).embed(['a']));
    expect(server.requests).toHaveLength(1);
    expect(error.message).toContain('(text 0)');
    expect(error.message).toContain('failed after 1 attempt: HTTP 429: rate limited');
    expect(error.message).toContain('lower concurrency or batchSize');
  });

  it('fails with the connection error when no server listens at baseUrl', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(embedder(`http://127.0.0.1:${port}/v1`, { maxRetries: 1 }).embed(['a']));
    expect(error.code).toBe('EMBEDDER_FAILED');
    expect(error.message).toMatch(/failed after 2 attempts: network error \(fetch failed: ECONNREFUSED\)/);
    expect(error.message).toContain(`running at http://127.0.0.1:${port}/v1`);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('times out an attempt that gets no answer, retries it, then gives up', async () => {
    const server = await startFakeServer(() => 'hang');
    const error = await failure(embedder(server.baseUrl, { timeoutMs: 500, maxRetries: 1 }).embed(['a']));
    expect(error.code).toBe('EMBEDDER_FAILED');
    expect(error.message).toContain('failed after 2 attempts: no complete response within 500 ms');
    expect(error.message).toContain('Raise timeoutMs');
    expect(server.requests).toHaveLength(2);
    // Each timed-out attempt hung up on the server.
    expect(await Promise.all(server.requests.map((r) => r.dropped))).toEqual([true, true]);
  });
});

describe('OpenAIEmbedder failures that are not retried', () => {
  it('fails at once on a 401, says to check apiKey, and redacts the key the server echoed', async () => {
    const server = await startFakeServer(() => ({ status: 401, body: { error: 'Incorrect API key provided: sk-live-123' } }));
    const error = await failure(embedder(server.baseUrl, { apiKey: 'sk-live-123' }).embed(['a']));
    expect(server.requests).toHaveLength(1);
    expect(error.code).toBe('EMBEDDER_FAILED');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('failed with HTTP 401: {"error":"Incorrect API key provided: [redacted]"}. Check apiKey.');
    expect(`${error.message} ${JSON.stringify(error.data)} ${inspect(error)}`).not.toContain('sk-live-123');
  });

  it.each([
    [404, 'Check baseUrl'],
    [413, 'Lower batchSize'],
    [400, 'input limit'],
  ])('fails at once on HTTP %i with a hint (%s)', async (status, hint) => {
    const server = await startFakeServer(() => ({ status, body: '' }));
    const error = await failure(embedder(server.baseUrl).embed(['a']));
    expect(server.requests).toHaveLength(1);
    expect(error.message).toContain(`failed with HTTP ${status}. `);
    expect(error.message).toContain(hint);
    expect(error.data).toMatchObject({ status });
  });

  it('shortens a long error body to an excerpt', async () => {
    const server = await startFakeServer(() => ({ status: 400, body: `${'x'.repeat(1000)}\n\nEND` }));
    const error = await failure(embedder(server.baseUrl).embed(['a']));
    expect(error.message).toContain(`HTTP 400: ${'x'.repeat(300)}...`);
    expect(error.message).not.toContain('END');
  });

  it.each([
    ['the body is not JSON', 'not json at all'],
    ['no "data" array', { object: 'list' }],
    ['no "data" array', [1, 2]],
    ['1 embeddings for 2 inputs', { data: [{ index: 0, embedding: [0, 0, 0, 0, 0, 0, 0, 0] }] }],
    ['data[0] is not an object', { data: [7, 8] }],
    ['data[1].index is not an integer from 0 to 1', { data: [{ index: 0, embedding: Array(8).fill(0) }, { index: 2, embedding: Array(8).fill(0) }] }],
    ['index 0 appears twice', { data: [{ index: 0, embedding: Array(8).fill(0) }, { index: 0, embedding: Array(8).fill(0) }] }],
    ['data[0].embedding is not an array of numbers', { data: [{ index: 0, embedding: 'AAAA' }, { index: 1, embedding: 'AAAA' }] }],
    [
      'data[1].embedding holds something other than finite numbers',
      { data: [{ index: 0, embedding: Array(8).fill(0) }, { index: 1, embedding: [0, 0, 0, 0, 0, 0, 0, '1'] }] },
    ],
    [
      'data[0].embedding holds something other than finite numbers',
      { data: [{ index: 0, embedding: [0, 0, 0, 0, 0, 0, 0, null] }, { index: 1, embedding: Array(8).fill(0) }] },
    ],
    [
      'data[0].embedding holds something other than finite numbers',
      { data: [{ index: 0, embedding: [0, 0, 0, 0, 0, 0, 0, 1e300] }, { index: 1, embedding: Array(8).fill(0) }] },
    ],
  ])('rejects a malformed body (%s) with EMBEDDER_FAILED and no retry', async (problem, body) => {
    const server = await startFakeServer(() => ({ body }));
    const error = await failure(embedder(server.baseUrl).embed(['a', 'b']));
    expect(error.code).toBe('EMBEDDER_FAILED');
    expect(error.message).toContain(`returned a malformed response: ${problem}`);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects vectors of the wrong length with EMBEDDING_MISMATCH naming expected and actual dimensions', async () => {
    const server = await startFakeServer((request) => embeddings(request.body.input, DIMS + 4));
    const error = await failure(embedder(server.baseUrl, { batchSize: 2, concurrency: 1 }).embed(['a', 'b', 'c']));
    expect(error.code).toBe('EMBEDDING_MISMATCH');
    expect(error.message).toContain('Embedding request 1 of 2 (texts 0-1)');
    expect(error.message).toContain('returned a vector of 12 dimensions for text 1; expected 8');
    expect(error.data).toMatchObject({ expected: 8, got: 12, index: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('starts no new request after one fails for good, lets those in flight finish, and keeps their vectors', async () => {
    let failedAnswered = false;
    const server = await startFakeServer(async (request) => {
      if (request.body.input[0] === 'b') {
        failedAnswered = true;
        return { status: 400, body: 'bad input' };
      }
      await until(() => failedAnswered);
      return embeddings(request.body.input, DIMS);
    });
    const batches: EmbeddedBatch[] = [];
    const error = await failure(
      embedder(server.baseUrl, { batchSize: 1, concurrency: 2 }).embed(['a', 'b', 'c', 'd'], { onBatch: (b) => batches.push(b) }),
    );
    expect(error.message).toContain('Embedding request 2 of 4 (text 1)');
    expect(server.inputs.sort()).toEqual(['a', 'b']);
    expect(batches).toEqual([{ start: 0, vectors: expected(['a']) }]);
  });

  it('fails at once with EMBEDDER_FAILED naming the cap, maxResponseBytes and the endpoint when the response is over the cap', async () => {
    const texts = TEXTS.slice(0, 6);
    const server = await startFakeServer((request) => embeddings(request.body.input, DIMS));
    const batches: EmbeddedBatch[] = [];
    const capped = embedder(server.baseUrl, { apiKey: 'sk-cap-secret', maxResponseBytes: 1024 });
    const error = await failure(capped.embed(texts, { onBatch: (b) => batches.push(b) }));
    expect(error.code).toBe('EMBEDDER_FAILED');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      new RegExp(
        `^Embedding request 1 of 1 \\(texts 0-5\\) to ${server.baseUrl}/embeddings failed: the HTTP 200 response ran past maxResponseBytes \\(1024 bytes = 1 KiB\\); reading stopped at \\d+ bytes and the request was cancelled\\. Raise maxResponseBytes .*, or lower batchSize; otherwise check that baseUrl points at the embeddings API itself`,
      ),
    );
    expect(error.data).toMatchObject({ url: `${server.baseUrl}/embeddings`, status: 200, maxResponseBytes: 1024, start: 0, end: 6 });
    expect(`${error.message} ${JSON.stringify(error.data)} ${inspect(error)}`).not.toContain('sk-cap-secret');
    // Not retried, and no vectors were handed on.
    expect(server.requests).toHaveLength(1);
    expect(batches).toEqual([]);
    // The same answer fits the default cap.
    expect(await embedder(server.baseUrl).embed(texts)).toEqual(expected(texts));
  });

  it('caps responses at 256 MiB by default, enough for 2,048 vectors of 3,072 dimensions', async () => {
    const server = await startFakeServer(() => ({ headers: { 'content-length': String(256 * 1_048_576 + 1) }, chunks: [], end: false }));
    const error = await failure(embedder(server.baseUrl).embed(['a']));
    expect(error.code).toBe('EMBEDDER_FAILED');
    expect(error.message).toContain(`declares ${256 * 1_048_576 + 1} bytes (Content-Length), more than maxResponseBytes (268435456 bytes = 256 MiB)`);
    expect(await server.requests[0]!.dropped).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('fails the call with the error thrown by onBatch', async () => {
    const server = await startFakeServer((request) => embeddings(request.body.input, DIMS));
    const boom = new DatasetError('EMBEDDING_MISMATCH', 'boom');
    const promise = embedder(server.baseUrl).embed(['a'], {
      onBatch: () => {
        throw boom;
      },
    });
    await expect(promise).rejects.toBe(boom);
  });
});

describe('OpenAIEmbedder cancellation', () => {
  it('rejects with ABORTED and hangs up on the server when aborted mid-request', async () => {
    const controller = new AbortController();
    const server = await startFakeServer(() => {
      controller.abort(new Error('user pressed stop'));
      return 'hang';
    });
    // No timeout or retry could end this call: only the abort can.
    const error = await failure(embedder(server.baseUrl, { timeoutMs: 600_000 }).embed(['a'], { signal: controller.signal }));
    expect(error.code).toBe('ABORTED');
    expect((error.cause as Error).message).toBe('user pressed stop');
    expect(await server.requests[0]!.dropped).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects with ABORTED, making no request, when the signal has already fired', async () => {
    const server = await startFakeServer((request) => embeddings(request.body.input, DIMS));
    const error = await failure(embedder(server.baseUrl).embed(['a'], { signal: AbortSignal.abort() }));
    expect(error.code).toBe('ABORTED');
    expect(server.requests).toHaveLength(0);
  });

  it('stops waiting to retry when aborted during the backoff', async () => {
    const controller = new AbortController();
    const server = await startFakeServer(() => {
      setTimeout(() => controller.abort(), 20);
      return { status: 503, headers: { 'retry-after': '600' } };
    });
    const error = await failure(
      embedder(server.baseUrl, { retryMaxDelayMs: 600_000 }).embed(['a'], { signal: controller.signal }),
    );
    expect(error.code).toBe('ABORTED');
    expect(server.requests).toHaveLength(1);
  });

  it('aborts every request in flight, not just one', async () => {
    const controller = new AbortController();
    const server = await startFakeServer(() => {
      if (server.requests.length === 3) controller.abort();
      return 'hang';
    });
    const error = await failure(
      embedder(server.baseUrl, { batchSize: 1, concurrency: 3, timeoutMs: 600_000 }).embed(['a', 'b', 'c', 'd'], {
        signal: controller.signal,
      }),
    );
    expect(error.code).toBe('ABORTED');
    expect(await Promise.all(server.requests.map((r) => r.dropped))).toEqual([true, true, true]);
  });
});

describe('OpenAIEmbedder options', () => {
  const base = { baseUrl: 'http://localhost:11434/v1', model: 'nomic-embed-text', dimensions: 768 };

  it('names its vector space by model and dimensions unless given an id', () => {
    expect(new OpenAIEmbedder(base).id).toBe('openai:nomic-embed-text:768');
    expect(new OpenAIEmbedder({ ...base, id: 'nomic-v1.5' }).id).toBe('nomic-v1.5');
    expect(new OpenAIEmbedder(base).dimensions).toBe(768);
  });

  it.each([
    ['baseUrl', { baseUrl: 'ftp://example.com/v1' }],
    ['baseUrl', { baseUrl: 'localhost:11434' }],
    ['baseUrl: must not contain credentials', { baseUrl: 'http://user:pw@localhost/v1' }],
    ['model', { model: '' }],
    ['dimensions', { dimensions: 0 }],
    ['dimensions', { dimensions: 1.5 }],
    ['batchSize', { batchSize: 0 }],
    ['concurrency', { concurrency: 0 }],
    ['timeoutMs', { timeoutMs: 0 }],
    // Node's timers treat a longer delay as 1 ms: every request would time out at once.
    ['timeoutMs', { timeoutMs: 2 ** 31 }],
    ['maxRetries', { maxRetries: -1 }],
    ['retryBaseDelayMs', { retryBaseDelayMs: -1 }],
    ['maxResponseBytes: must be at least 1024', { maxResponseBytes: 1000 }],
    ['batch_size', { batch_size: 8 }],
  ])('rejects bad options with INVALID_ARGUMENT naming %s', (field, bad) => {
    let error: unknown;
    try {
      new OpenAIEmbedder({ ...base, ...bad } as OpenAIEmbedderOptions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('INVALID_ARGUMENT');
    expect((error as DatasetError).message).toContain(field);
  });
});
