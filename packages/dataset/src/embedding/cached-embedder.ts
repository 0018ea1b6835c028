// Never pay twice for one text: any embedder behind a cache keyed by (embedder id, content hash).
import { DatasetError } from '../errors.js';
import { raceAbort, throwIfAborted } from './abort.js';
import { contentHash } from './content-hash.js';
import type { EmbedOptions, Embedder } from './embedder.js';
import type { EmbeddingCacheEntry, EmbeddingCacheStore } from './embedding-cache-store.js';
import { LruEmbeddingCache } from './lru-embedding-cache.js';

/** Options for {@link CachedEmbedder}. */
export interface CachedEmbedderOptions {
  /** Where vectors are kept. Default: a new {@link LruEmbeddingCache} of `maxEntries`. */
  readonly store?: EmbeddingCacheStore;
  /** Size of the default in-memory store; not allowed together with `store`. Default 10000. */
  readonly maxEntries?: number;
}

/** A promise for one text's vector, owned by the call that is computing it. */
interface Claim {
  readonly promise: Promise<Float32Array>;
  resolve(vector: Float32Array): void;
  reject(error: unknown): void;
  settled: boolean;
}

/**
 * Wraps an embedder so no text is embedded twice. Each call looks up the SHA-256 of every text (see
 * `contentHash`) under the wrapped embedder's id, sends each missing text once (duplicates within the call
 * share one vector) and stores each vector as soon as the wrapped embedder reports it through `onBatch`, so
 * when a later batch fails, retrying the call only pays for what is still missing. Concurrent calls share
 * texts that another call is already embedding; if that call fails, the waiting call embeds them itself.
 * The id and dimensions are the wrapped embedder's: caching does not change the vectors. Returned vectors
 * are the caller's own copies.
 */
export class CachedEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #embedder: Embedder;
  readonly #store: EmbeddingCacheStore;
  readonly #inFlight = new Map<string, Promise<Float32Array>>();

  constructor(embedder: Embedder, options: CachedEmbedderOptions = {}) {
    if (options.store !== undefined && options.maxEntries !== undefined) {
      throw new DatasetError(
        'INVALID_ARGUMENT',
        'CachedEmbedder takes either store or maxEntries, not both: maxEntries sizes the default in-memory store.',
      );
    }
    this.#embedder = embedder;
    this.id = embedder.id;
    this.dimensions = embedder.dimensions;
    this.#store = options.store ?? new LruEmbeddingCache({ maxEntries: options.maxEntries });
  }

  /** Embeds `texts`, paying the wrapped embedder only for texts no cache or concurrent call has. */
  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const { signal } = options;
    throwIfAborted(signal);
    const hashes = texts.map(contentHash);
    const textOf = new Map<string, string>();
    hashes.forEach((hash, i) => {
      if (!textOf.has(hash)) textOf.set(hash, texts[i]!);
    });
    const found = new Map<string, Float32Array>();
    let todo = [...textOf.keys()];
    while (todo.length > 0) {
      const stored = await this.#store.get(this.id, todo);
      throwIfAborted(signal);
      const owned: string[] = [];
      const borrowed: [string, Promise<Float32Array>][] = [];
      todo.forEach((hash, i) => {
        const vector = stored[i];
        if (vector !== undefined) {
          this.#check(vector, 'the cache store');
          found.set(hash, vector);
          return;
        }
        const inFlight = this.#inFlight.get(hash);
        if (inFlight === undefined) owned.push(hash);
        else borrowed.push([hash, inFlight]);
      });
      // Another call's failure is not ours: a text it dropped comes back as undefined and goes round again.
      const lent = Promise.all(
        borrowed.map(([hash, promise]) =>
          raceAbort(
            promise.then(
              (vector) => vector,
              () => undefined,
            ),
            signal,
          ).then((vector) => [hash, vector] as const),
        ),
      );
      lent.catch(() => {});
      await this.#compute(owned, textOf, found, signal);
      todo = [];
      for (const [hash, vector] of await lent) {
        if (vector === undefined) todo.push(hash);
        else found.set(hash, vector);
      }
    }
    return hashes.map((hash) => found.get(hash)!.slice());
  }

  // Embeds the texts this call claimed, storing and publishing each vector as soon as it is reported.
  async #compute(
    owned: readonly string[],
    textOf: ReadonlyMap<string, string>,
    found: Map<string, Float32Array>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (owned.length === 0) return;
    const claims = owned.map((hash) => {
      const claim = newClaim();
      this.#inFlight.set(hash, claim.promise);
      return claim;
    });
    const writes: Promise<void>[] = [];
    const keep = (start: number, vectors: readonly Float32Array[]): void => {
      if (start < 0 || start + vectors.length > owned.length) {
        throw new DatasetError(
          'EMBEDDING_MISMATCH',
          `${this.#embedder.id} reported vectors ${start}-${start + vectors.length - 1} for ${owned.length} texts.`,
        );
      }
      for (const vector of vectors) this.#check(vector, this.#embedder.id);
      const entries: EmbeddingCacheEntry[] = [];
      vectors.forEach((vector, k) => {
        const claim = claims[start + k]!;
        if (claim.settled) return;
        const hash = owned[start + k]!;
        found.set(hash, vector);
        claim.resolve(vector);
        this.#inFlight.delete(hash);
        entries.push({ hash, vector });
      });
      if (entries.length === 0) return;
      const write = Promise.resolve().then(() => this.#store.set(this.id, entries));
      write.catch(() => {}); // awaited below; this only stops an early rejection from counting as unhandled
      writes.push(write);
    };
    let failure: unknown = new DatasetError('EMBEDDER_FAILED', 'The embedding call that owned this text did not finish.');
    try {
      const vectors = await this.#embedder.embed(
        owned.map((hash) => textOf.get(hash)!),
        { signal, onBatch: (batch) => keep(batch.start, batch.vectors) },
      );
      if (vectors.length !== owned.length) {
        throw new DatasetError(
          'EMBEDDING_MISMATCH',
          `${this.#embedder.id} returned ${vectors.length} vectors for ${owned.length} texts.`,
          { data: { expected: owned.length, got: vectors.length } },
        );
      }
      keep(0, vectors);
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      claims.forEach((claim, i) => {
        if (claim.settled) return;
        claim.reject(failure);
        this.#inFlight.delete(owned[i]!);
      });
      await Promise.all(writes);
    }
  }

  #check(vector: Float32Array, source: string): void {
    if (vector.length !== this.dimensions) {
      throw new DatasetError(
        'EMBEDDING_MISMATCH',
        `${source} gave a vector of ${vector.length} dimensions; ${this.id} has ${this.dimensions}.`,
        { data: { expected: this.dimensions, got: vector.length } },
      );
    }
  }
}

function newClaim(): Claim {
  let resolve!: (vector: Float32Array) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<Float32Array>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // a claim nobody borrowed may be rejected; that is not an unhandled error
  const claim: Claim = {
    promise,
    settled: false,
    resolve: (vector) => {
      claim.settled = true;
      resolve(vector);
    },
    reject: (error) => {
      claim.settled = true;
      reject(error);
    },
  };
  return claim;
}
