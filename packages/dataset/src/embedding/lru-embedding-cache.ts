// The default embedding cache store: a bounded in-memory map that forgets the least recently used vector first.
import { DatasetError } from '../errors.js';
import type { EmbeddingCacheEntry, EmbeddingCacheStore } from './embedding-cache-store.js';

/** Options for {@link LruEmbeddingCache}. */
export interface LruEmbeddingCacheOptions {
  /** Vectors kept before the least recently used is dropped; a positive integer. Default 10000 (about 15 MB at 384 dimensions). */
  readonly maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;

/** An in-memory, least-recently-used {@link EmbeddingCacheStore}. It stores and returns copies. */
export class LruEmbeddingCache implements EmbeddingCacheStore {
  readonly maxEntries: number;
  // A Map iterates in insertion order; re-inserting on every hit keeps the least recently used first.
  readonly #entries = new Map<string, Float32Array>();

  constructor(options: LruEmbeddingCacheOptions = {}) {
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new DatasetError(
        'INVALID_ARGUMENT',
        `LruEmbeddingCache maxEntries must be a positive integer; got ${String(maxEntries)}.`,
        { data: { maxEntries } },
      );
    }
    this.maxEntries = maxEntries;
  }

  /** Number of vectors held now. */
  get size(): number {
    return this.#entries.size;
  }

  get(embedderId: string, hashes: readonly string[]): (Float32Array | undefined)[] {
    return hashes.map((hash) => {
      const key = `${embedderId}\n${hash}`;
      const vector = this.#entries.get(key);
      if (vector === undefined) return undefined;
      this.#entries.delete(key);
      this.#entries.set(key, vector);
      return vector.slice();
    });
  }

  set(embedderId: string, entries: readonly EmbeddingCacheEntry[]): void {
    for (const { hash, vector } of entries) {
      const key = `${embedderId}\n${hash}`;
      this.#entries.delete(key);
      this.#entries.set(key, vector.slice());
      if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  /** Forgets every vector. */
  clear(): void {
    this.#entries.clear();
  }
}
