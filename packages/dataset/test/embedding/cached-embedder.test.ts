import { until } from '@contextframe/test-support';
import { describe, expect, it } from 'vitest';
import { CachedEmbedder, contentHash, DatasetError, HashEmbedder, LruEmbeddingCache, OpenAIEmbedder } from '../../src/index.js';
import type { EmbedOptions, Embedder, EmbeddingCacheEntry, EmbeddingCacheStore } from '../../src/index.js';
import { embeddings, startFakeServer } from './fake-openai-server.js';
import type { Handler } from './fake-openai-server.js';

const DIMS = 8;
const TEXTS = Array.from({ length: 10 }, (_, i) => `text number ${i}`);
const expected = (texts: readonly string[]): Float32Array[] => {
  const hash = new HashEmbedder({ dimensions: DIMS });
  return texts.map((text) => hash.embedText(text));
};
const answer: Handler = (request) => embeddings(request.body.input, DIMS);

function openai(baseUrl: string, batchSize = 4, concurrency = 1): OpenAIEmbedder {
  return new OpenAIEmbedder({ baseUrl, model: 'm', dimensions: DIMS, batchSize, concurrency, maxRetries: 0 });
}

async function failure(promise: Promise<unknown>): Promise<DatasetError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

/** An embedder that counts what it is asked and can be told to misbehave. */
class CountingEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions = DIMS;
  readonly calls: string[][] = [];
  readonly #hash = new HashEmbedder({ dimensions: DIMS });
  constructor(
    id = 'counting',
    readonly misbehave?: (vectors: Float32Array[]) => Float32Array[],
  ) {
    this.id = id;
  }
  async embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    this.calls.push([...texts]);
    const vectors = await this.#hash.embed(texts, options);
    return this.misbehave ? this.misbehave(vectors) : vectors;
  }
}

describe('CachedEmbedder', () => {
  it('makes no request the second time it embeds the same texts', async () => {
    const server = await startFakeServer(answer);
    const cached = new CachedEmbedder(openai(server.baseUrl));
    const first = await cached.embed(TEXTS);
    const requestsAfterFirst = server.requests.length;
    const second = await cached.embed([...TEXTS].reverse());
    expect(requestsAfterFirst).toBe(3);
    expect(server.requests).toHaveLength(3);
    expect(first).toEqual(expected(TEXTS));
    expect(second).toEqual(expected([...TEXTS].reverse()));
  });

  it('sends a text repeated within one call once and gives every position its own copy', async () => {
    const server = await startFakeServer(answer);
    const vectors = await new CachedEmbedder(openai(server.baseUrl)).embed(['a', 'b', 'a', 'a']);
    expect(server.inputs).toEqual(['a', 'b']);
    expect(vectors).toEqual(expected(['a', 'b', 'a', 'a']));
    expect(vectors[0]).not.toBe(vectors[2]);
  });

  it('keeps the batches that succeeded when the 2nd request fails, so the retry requests only the missing texts', async () => {
    let failing = true;
    const server = await startFakeServer((request) =>
      failing && request.number === 2 ? { status: 500, body: 'overloaded' } : answer(request),
    );
    const cached = new CachedEmbedder(openai(server.baseUrl, 4, 1));
    const error = await failure(cached.embed(TEXTS));
    expect(error.code).toBe('EMBEDDER_FAILED');
    expect(server.inputs).toEqual(TEXTS.slice(0, 8)); // request 3 was never started
    failing = false;
    const sent = server.inputs.length;
    const vectors = await cached.embed(TEXTS);
    expect(server.inputs.slice(sent)).toEqual(TEXTS.slice(4));
    expect(vectors).toEqual(expected(TEXTS));
  });

  it('with concurrent requests, a retry after one failed batch requests only that batch', async () => {
    let failing = true;
    const server = await startFakeServer(async (request) => {
      await until(() => server.inFlight >= 3 || !failing, 2_000); // all three batches in flight together
      return failing && request.body.input.includes('text number 5') ? { status: 400, body: 'no' } : answer(request);
    });
    const cached = new CachedEmbedder(openai(server.baseUrl, 4, 3));
    await failure(cached.embed(TEXTS));
    expect(server.maxInFlight).toBe(3);
    failing = false;
    const sent = server.inputs.length;
    await expect(cached.embed(TEXTS)).resolves.toEqual(expected(TEXTS));
    expect(server.inputs.slice(sent)).toEqual(TEXTS.slice(4, 8));
  });

  it('lets concurrent calls share texts in flight, so each text is requested once', async () => {
    const server = await startFakeServer(async (request) => {
      await until(() => server.requests.length >= 2, 200); // answer only once both calls could have asked
      return answer(request);
    });
    const cached = new CachedEmbedder(openai(server.baseUrl));
    const [left, right] = await Promise.all([cached.embed(['x', 'y']), cached.embed(['y', 'z'])]);
    expect(server.inputs.sort()).toEqual(['x', 'y', 'z']);
    expect(left).toEqual(expected(['x', 'y']));
    expect(right).toEqual(expected(['y', 'z']));
  });

  it('embeds a shared text itself when the call that was embedding it is aborted', async () => {
    const owner = new AbortController();
    const server = await startFakeServer((request) => {
      if (request.number === 1) {
        owner.abort();
        return 'hang';
      }
      return answer(request);
    });
    const cached = new CachedEmbedder(openai(server.baseUrl));
    const first = cached.embed(['x'], { signal: owner.signal });
    const second = cached.embed(['x']);
    expect((await failure(first)).code).toBe('ABORTED');
    await expect(second).resolves.toEqual(expected(['x']));
    expect(server.inputs).toEqual(['x', 'x']);
  });

  it('stops waiting for a text another call is embedding when its own signal fires', async () => {
    const waiter = new AbortController();
    const server = await startFakeServer(() => {
      waiter.abort();
      return 'hang';
    });
    const cached = new CachedEmbedder(openai(server.baseUrl));
    const owner = new AbortController();
    const first = cached.embed(['x'], { signal: owner.signal });
    const second = cached.embed(['x'], { signal: waiter.signal });
    expect((await failure(second)).code).toBe('ABORTED');
    owner.abort();
    expect((await failure(first)).code).toBe('ABORTED');
    expect(server.requests).toHaveLength(1);
  });

  it('rejects with ABORTED before looking anything up when the signal has already fired', async () => {
    const inner = new CountingEmbedder();
    const error = await failure(new CachedEmbedder(inner).embed(['a'], { signal: AbortSignal.abort() }));
    expect(error.code).toBe('ABORTED');
    expect(inner.calls).toEqual([]);
  });

  it('keeps the id and dimensions of the embedder it wraps', () => {
    const cached = new CachedEmbedder(new HashEmbedder());
    expect([cached.id, cached.dimensions]).toEqual(['hash-v1-384', 384]);
  });

  it('hands out copies, so a caller writing to a vector does not change the cache', async () => {
    const inner = new CountingEmbedder();
    const cached = new CachedEmbedder(inner);
    const [first] = await cached.embed(['a']);
    first!.fill(42);
    const [again] = await cached.embed(['a']);
    expect(again).toEqual(expected(['a'])[0]);
    expect(inner.calls).toEqual([['a']]);
  });

  it('forgets the least recently used text when maxEntries is reached', async () => {
    const inner = new CountingEmbedder();
    const cached = new CachedEmbedder(inner, { maxEntries: 2 });
    await cached.embed(['a', 'b']);
    await cached.embed(['a']); // a is now more recent than b
    await cached.embed(['c']); // evicts b
    await cached.embed(['a', 'b', 'c']);
    expect(inner.calls).toEqual([['a', 'b'], ['c'], ['b']]);
  });

  it('uses any EmbeddingCacheStore, keyed by embedder id and contentHash', async () => {
    const map = new Map<string, Float32Array>();
    const sets: [string, readonly EmbeddingCacheEntry[]][] = [];
    const store: EmbeddingCacheStore = {
      async get(embedderId, hashes) {
        return hashes.map((hash) => map.get(`${embedderId}/${hash}`)?.slice());
      },
      async set(embedderId, entries) {
        sets.push([embedderId, entries]);
        for (const { hash, vector } of entries) map.set(`${embedderId}/${hash}`, vector.slice());
      },
    };
    const inner = new CountingEmbedder('inner-id');
    await new CachedEmbedder(inner, { store }).embed(['a', 'b']);
    await new CachedEmbedder(inner, { store }).embed(['b', 'c']);
    expect(inner.calls).toEqual([['a', 'b'], ['c']]);
    expect(sets.map(([id, entries]) => [id, entries.map((e) => e.hash)])).toEqual([
      ['inner-id', [contentHash('a'), contentHash('b')]],
      ['inner-id', [contentHash('c')]],
    ]);
  });

  it('never serves one embedder vectors from another sharing the store', async () => {
    const store = new LruEmbeddingCache();
    const one = new CountingEmbedder('one');
    const two = new CountingEmbedder('two');
    await new CachedEmbedder(one, { store }).embed(['a']);
    await new CachedEmbedder(two, { store }).embed(['a']);
    expect(two.calls).toEqual([['a']]);
    expect(store.size).toBe(2);
  });

  it('fails with EMBEDDING_MISMATCH and caches nothing when the wrapped embedder returns too few vectors', async () => {
    const store = new LruEmbeddingCache();
    const inner = new CountingEmbedder('short', (vectors) => vectors.slice(1));
    const error = await failure(new CachedEmbedder(inner, { store }).embed(['a', 'b']));
    expect(error.code).toBe('EMBEDDING_MISMATCH');
    expect(error.message).toBe('short returned 1 vectors for 2 texts.');
    expect(store.size).toBe(0);
  });

  it('fails with EMBEDDING_MISMATCH and caches nothing when the wrapped embedder returns vectors of the wrong length', async () => {
    const store = new LruEmbeddingCache();
    const inner = new CountingEmbedder('long', (vectors) => vectors.map(() => new Float32Array(DIMS + 1)));
    const error = await failure(new CachedEmbedder(inner, { store }).embed(['a']));
    expect(error.code).toBe('EMBEDDING_MISMATCH');
    expect(error.message).toBe('long gave a vector of 9 dimensions; long has 8.');
    expect(store.size).toBe(0);
  });

  it('fails with EMBEDDING_MISMATCH when onBatch reports vectors outside the texts it was given', async () => {
    const inner: Embedder = {
      id: 'wild',
      dimensions: DIMS,
      async embed(texts, options) {
        const vectors = texts.map(() => new Float32Array(DIMS));
        options?.onBatch?.({ start: 1, vectors });
        return vectors;
      },
    };
    const error = await failure(new CachedEmbedder(inner).embed(['a']));
    expect(error.code).toBe('EMBEDDING_MISMATCH');
    expect(error.message).toBe('wild reported vectors 1-1 for 1 texts.');
  });

  it('fails with EMBEDDING_MISMATCH when the store returns a vector of the wrong length', async () => {
    const store: EmbeddingCacheStore = { get: (_id, hashes) => hashes.map(() => new Float32Array(3)), set: () => {} };
    const error = await failure(new CachedEmbedder(new CountingEmbedder(), { store }).embed(['a']));
    expect(error.code).toBe('EMBEDDING_MISMATCH');
    expect(error.message).toContain('the cache store gave a vector of 3 dimensions');
  });

  it('does not swallow a failing store write', async () => {
    const broken = new Error('disk full');
    const store: EmbeddingCacheStore = {
      get: (_id, hashes) => hashes.map(() => undefined),
      set: async () => {
        throw broken;
      },
    };
    await expect(new CachedEmbedder(new CountingEmbedder(), { store }).embed(['a'])).rejects.toBe(broken);
  });

  it('rejects store together with maxEntries', () => {
    expect(() => new CachedEmbedder(new HashEmbedder(), { store: new LruEmbeddingCache(), maxEntries: 5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('contentHash', () => {
  it('is the SHA-256 hex of the UTF-8 text, unnormalized', () => {
    expect(contentHash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(contentHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(contentHash('é')).not.toBe(contentHash('e\u0301'));
  });
});
