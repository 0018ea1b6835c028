// Where cached vectors live: a two-method interface, so an in-memory LRU and a DuckDB table are interchangeable.

/** One cached vector: the SHA-256 of a text (see `contentHash`) and that text's vector. */
export interface EmbeddingCacheEntry {
  readonly hash: string;
  readonly vector: Float32Array;
}

/**
 * Storage for a `CachedEmbedder`, keyed by (embedder id, content hash). Both methods work on many keys at
 * once so a database-backed store can answer in one query; either may be synchronous or return a promise.
 * A store must not hand out an array it keeps: callers may write to what `get` returns and to what they
 * passed to `set`.
 */
export interface EmbeddingCacheStore {
  /** The vector for each hash, in order, or undefined where none is stored. */
  get(embedderId: string, hashes: readonly string[]): readonly (Float32Array | undefined)[] | Promise<readonly (Float32Array | undefined)[]>;
  /** Stores the entries, replacing any with the same hash. */
  set(embedderId: string, entries: readonly EmbeddingCacheEntry[]): void | Promise<void>;
}
