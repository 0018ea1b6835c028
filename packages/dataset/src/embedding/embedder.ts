// The contract every embedder meets: the store, the cache and the batch engine see embedders only through this.

/** A run of finished vectors, reported while a longer `embed` call is still working. */
export interface EmbeddedBatch {
  /** Index, in the `texts` given to `embed`, of the first vector in `vectors`. */
  readonly start: number;
  readonly vectors: readonly Float32Array[];
}

/** Options for one `embed` call. */
export interface EmbedOptions {
  /** Cancels the call: in-flight work is abandoned and the call rejects with a `DatasetError` coded `ABORTED`. */
  readonly signal?: AbortSignal;
  /**
   * Called with each run of vectors as soon as it is ready, before `embed` settles. An embedder MAY call it
   * (the OpenAI-compatible one does, once per HTTP request) and callers MUST NOT rely on it for the result:
   * it exists so a cache can keep vectors already paid for even when a later batch fails the whole call.
   * If it throws, the call fails with that error.
   */
  readonly onBatch?: (batch: EmbeddedBatch) => void;
}

/**
 * Turns texts into vectors of one fixed length. Implementations return exactly one vector per text, in
 * the order given, each `dimensions` long; equal `id`s promise interchangeable vectors (caches key on it).
 */
export interface Embedder {
  /** Names the vector space: model and dimensions, e.g. `hash-v1-384`. Two embedders with one id are interchangeable. */
  readonly id: string;
  /** Length of every vector this embedder returns. */
  readonly dimensions: number;
  /** Embeds `texts`, one vector per text, in order. Rejects with a `DatasetError`. */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
}
